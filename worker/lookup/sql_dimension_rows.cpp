#include "worker/lookup/sql_dimension_rows.hpp"

#include "worker/lookup/csv_table_rows.hpp"

namespace ubaflow {

namespace {

const bound_option* option(const bound_table& table, const char* key) {
  for (const auto& o : table.options)
    if (o.flink_key == key)
      return &o;
  return nullptr;
}

} // namespace

bool sql_dimension_paths(const bound_script& script, const sql_plan& plan,
                         const job_config& config,
                         std::map<uint32_t, std::string>& out,
                         std::string& error) {
  for (const auto& query : plan.queries)
    for (const auto& stage : query.rows)
      for (const auto& join : stage.joins) {
        const auto& relation = stage.relations.at(join.relation);
        if (out.count(relation.index))
          continue;
        const auto& dim = script.tables.at(relation.index);
        if (dim.connector == connector_kind::filesystem) {
          if (const auto* o = option(dim, "path"))
            out[relation.index] = o->value;
        } else if (config.lookup == lookup_type::csv) {
          out[relation.index] = config.lookup_csv_path;
        } else {
          error = dim.name + ": a jdbc dimension is read from lookup.csv-path "
                             "(lookup.source=csv); reading MySQL whole is not "
                             "supported yet";
          return false;
        }
      }
  return true;
}

bool load_sql_dimensions(const bound_script& script, const sql_plan& plan,
                         const job_config& config,
                         std::map<uint32_t, std::vector<sql_row>>& out,
                         std::string& error) {
  std::map<uint32_t, std::string> paths;
  if (!sql_dimension_paths(script, plan, config, paths, error))
    return false;
  for (const auto& [table, path] : paths)
    if (!out.count(table)
        && !read_csv_rows(path, script.tables.at(table), out[table], error))
      return false;
  return true;
}

} // namespace ubaflow
