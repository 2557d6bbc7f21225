// Names in expressions: `column` and `alias.column` among the relations a
// query's clause sees, and `*` / `alias.*` in a select list. Names are
// case-sensitive, as in Flink; a miss suggests the nearest names.

#include "common/sql/sql_bind_context.hpp"
#include "common/sql/sql_expression_binder.hpp"
#include "common/sql/sql_name_hints.hpp"

namespace ubaflow {

namespace {

bound_expression column_expression(const bound_relation& relation, uint32_t relation_index,
                                   uint32_t column_index, source_position at) {
  const bound_column& column = relation.columns[column_index];
  bound_expression out;
  out.kind = bound_expression_kind::column;
  out.relation = relation_index;
  out.column = column_index;
  out.name = column.name;
  out.type = column.type;
  out.position = at;
  return out;
}

std::vector<std::string> column_names(const bound_relation& relation) {
  std::vector<std::string> names;
  for (const auto& column : relation.columns)
    names.push_back(column.name);
  return names;
}

std::string relation_label(const bound_relation& relation) {
  return relation.alias.empty() ? "the subquery" : relation.alias;
}

/// The visible relation called `alias`, or a failure naming the ones there are.
uint32_t find_relation(const sql_identifier& alias, const expression_context& context) {
  const auto& relations = *context.relations;
  std::vector<std::string> aliases;
  for (size_t i = 0; i < relations.size(); ++i) {
    if (relations[i].alias != alias.text)
      continue;
    if (i < context.visible_relations)
      return static_cast<uint32_t>(i);
    bind_fail(alias.position, alias.text + " is joined after this ON",
              "ON sees the tables joined so far");
  }
  for (size_t i = 0; i < context.visible_relations; ++i)
    if (!relations[i].alias.empty())
      aliases.push_back(relations[i].alias);
  bind_fail(alias.position,
            "no table or alias " + alias.text + " in this query" + did_you_mean(alias.text, aliases),
            aliases.empty() ? std::string{} : "the query reads " + name_list(aliases));
}

} // namespace

bound_expression resolve_column(const column_reference& reference, source_position at,
                                const expression_context& context) {
  if (!context.relations || context.visible_relations == 0)
    bind_fail(at, "no columns can be named here");
  const auto& relations = *context.relations;
  if (reference.parts.size() > 2)
    bind_fail(at, "catalog and database names (" + reference.parts[0].text + "."
                    + reference.parts[1].text + "...) are not supported",
              "name a column as column or alias.column");
  const sql_identifier& name = reference.parts.back();
  if (reference.parts.size() == 2) {
    const uint32_t r = find_relation(reference.parts.front(), context);
    const auto names = column_names(relations[r]);
    for (size_t c = 0; c < names.size(); ++c)
      if (names[c] == name.text)
        return column_expression(relations[r], r, static_cast<uint32_t>(c), at);
    bind_fail(name.position,
              "no column " + name.text + " in " + relation_label(relations[r])
                + did_you_mean(name.text, names),
              relation_label(relations[r]) + " has " + name_list(names, 12));
  }
  std::optional<bound_expression> found;
  std::vector<std::string> all;
  for (size_t r = 0; r < context.visible_relations; ++r) {
    const auto names = column_names(relations[r]);
    for (size_t c = 0; c < names.size(); ++c) {
      all.push_back(names[c]);
      if (names[c] != name.text)
        continue;
      if (found)
        bind_fail(at, "column " + name.text + " is ambiguous: "
                        + relation_label(relations[found->relation]) + "." + name.text
                        + " or " + relation_label(relations[r]) + "." + name.text,
                  "qualify it with its table's alias");
      found = column_expression(relations[r], static_cast<uint32_t>(r),
                                static_cast<uint32_t>(c), at);
    }
  }
  if (!found)
    bind_fail(at, "no column " + name.text + did_you_mean(name.text, all),
              "the query's columns are " + name_list(all, 12));
  return *found;
}

std::vector<bound_expression> expand_star(const star_expression& star, source_position at,
                                          const expression_context& context) {
  if (!context.relations || context.visible_relations == 0)
    bind_fail(at, "* needs a FROM clause");
  std::vector<bound_expression> out;
  for (size_t r = 0; r < context.visible_relations; ++r) {
    if (star.qualifier && r != find_relation(*star.qualifier, context))
      continue;
    const auto& relation = (*context.relations)[r];
    for (size_t c = 0; c < relation.columns.size(); ++c)
      out.push_back(column_expression(relation, static_cast<uint32_t>(r),
                                      static_cast<uint32_t>(c), at));
  }
  return out;
}

} // namespace ubaflow
