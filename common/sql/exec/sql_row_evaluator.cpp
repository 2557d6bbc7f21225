#include "common/sql/exec/sql_row_evaluator.hpp"

#include "common/sql/exec/sql_cast.hpp"
#include "common/sql/exec/sql_date_format.hpp"
#include "common/sql/exec/sql_decimal.hpp"
#include "common/sql/exec/sql_evaluation_error.hpp"
#include "common/sql/exec/sql_like.hpp"
#include "common/sql/exec/sql_operators.hpp"
#include "common/sql/exec/sql_truth.hpp"
#include "common/sql/exec/sql_value_text.hpp"
#include "common/time/event_time.hpp"

namespace ubaflow {

namespace {

[[noreturn]] void fail(const std::string& message) {
  throw sql_evaluation_error(message);
}

/// A literal as the binder typed it (sql_expression_binder.cpp checked
/// its text, so only numbers beyond 18 digits can fail here).
sql_value literal_value(const bound_expression& e) {
  switch (e.literal) {
    case literal_kind::null: return sql_value::null();
    case literal_kind::boolean: return sql_value::boolean(e.text == "TRUE" || e.text == "true");
    case literal_kind::string: return sql_value::string(e.text);
    case literal_kind::integer:
    case literal_kind::decimal: {
      if (e.type.kind != data_type_kind::decimal) {
        const auto v = parse_sql_integer(e.text);
        if (!v)
          fail("the number " + e.text + " does not fit BIGINT");
        return sql_value::bigint(*v);
      }
      bool invalid = false;
      const auto v = decimal_parse(e.text, e.type.scale, 0, &invalid);
      if (!v)
        fail("the number " + e.text + " has more digits than ubaflow's decimals hold (18)");
      return sql_value::decimal(*v, e.type.scale);
    }
    case literal_kind::date: {
      const auto days = parse_sql_date(e.text);
      if (!days)
        fail("DATE '" + e.text + "' is not a date");
      return sql_value::date(*days);
    }
    case literal_kind::timestamp: {
      const auto ms = parse_sql_timestamp(e.text);
      if (!ms)
        fail("TIMESTAMP '" + e.text + "' is not a timestamp");
      return sql_value::timestamp(*ms);
    }
  }
  return sql_value::null();
}

const sql_value& element(const sql_row* row, uint32_t index, const char* what) {
  if (!row || index >= row->size())
    fail(std::string{"the aggregated row has no "} + what + " " + std::to_string(index));
  return (*row)[index];
}

} // namespace

sql_row_evaluator::sql_row_evaluator(time_zone zone) : zone_(std::move(zone)) {
  // nop
}

sql_evaluation sql_row_evaluator::evaluate(const bound_expression& e,
                                           const sql_evaluation_input& input) const {
  sql_evaluation out;
  try {
    out.value = eval(e, input);
  } catch (const sql_evaluation_error& error) {
    const source_position at = error.position.value_or(e.position);
    out.error = "line " + std::to_string(at.line) + ":" + std::to_string(at.column) + ": "
                + error.what();
  }
  return out;
}

sql_value sql_row_evaluator::value_of(const bound_expression& e,
                                      const sql_evaluation_input& input) const {
  return eval(e, input);
}

int64_t sql_row_evaluator::wall_clock(const sql_value& v) const {
  switch (v.kind()) {
    case sql_value_kind::timestamp_ltz: return zone_.to_local(v.as_millis());
    case sql_value_kind::date: return v.as_days() * ms_per_day;
    default: return v.as_millis();
  }
}

sql_value sql_row_evaluator::eval(const bound_expression& e,
                                  const sql_evaluation_input& in) const {
  switch (e.kind) {
    case bound_expression_kind::literal: return literal_value(e);
    case bound_expression_kind::interval: return sql_value::interval(e.interval_ms);
    case bound_expression_kind::column: {
      if (!in.relations || e.relation >= in.relations->size()
          || e.column >= (*in.relations)[e.relation].size())
        fail("the row has no column " + e.name + " (relation " + std::to_string(e.relation)
             + ", column " + std::to_string(e.column) + ")");
      return (*in.relations)[e.relation][e.column];
    }
    case bound_expression_kind::group_key:
      return element(in.aggregated ? in.aggregated->keys : nullptr, e.index, "group key");
    case bound_expression_kind::aggregate:
      return element(in.aggregated ? in.aggregated->aggregates : nullptr, e.index,
                     "aggregate");
    case bound_expression_kind::window_bound: {
      const sql_window* w = in.aggregated ? in.aggregated->window : nullptr;
      if (!w)
        fail("the aggregated row has no window");
      const int64_t ms = e.bound == window_bound_kind::start ? w->start
                         : e.bound == window_bound_kind::end ? w->end
                                                             : w->max_timestamp();
      return e.type.kind == data_type_kind::timestamp_ltz ? sql_value::timestamp_ltz(ms)
                                                          : sql_value::timestamp(ms);
    }
    case bound_expression_kind::call: {
      try {
        return eval_call(e, in);
      } catch (sql_evaluation_error& error) {
        if (!error.position)
          error.position = e.position; // the innermost call that failed
        throw;
      }
    }
  }
  fail("unknown expression");
}

const sql_value& sql_row_evaluator::operand(const bound_expression& e,
                                           const sql_evaluation_input& in,
                                           sql_value& scratch) const {
  if (in.relations)
    if (const auto* column = column_in(e, *in.relations))
      return *column;
  scratch = eval(e, in);
  return scratch;
}

sql_value sql_row_evaluator::eval_call(const bound_expression& e,
                                       const sql_evaluation_input& in) const {
  const auto& args = e.arguments;
  switch (e.function) {
    case bound_function::logical_and:
    case bound_function::logical_or:
    case bound_function::logical_not: return eval_logic(e, in);
    case bound_function::equal:
    case bound_function::not_equal:
    case bound_function::less:
    case bound_function::less_equal:
    case bound_function::greater:
    case bound_function::greater_equal: {
      sql_value left;
      sql_value right;
      return apply_comparison(e.function, operand(args.at(0), in, left),
                              operand(args.at(1), in, right));
    }
    case bound_function::add:
    case bound_function::subtract:
    case bound_function::multiply:
    case bound_function::divide:
    case bound_function::modulo:
      return apply_arithmetic(e.function, eval(args.at(0), in), eval(args.at(1), in),
                              e.type);
    case bound_function::negate: return apply_negate(eval(args.at(0), in), e.type);
    case bound_function::concat: {
      sql_value a = eval(args.at(0), in);
      sql_value b = eval(args.at(1), in);
      if (a.is_null() || b.is_null())
        return sql_value::null();
      return sql_value::string(a.as_string() + b.as_string());
    }
    case bound_function::is_null:
    case bound_function::is_not_null: {
      sql_value scratch;
      const bool null = operand(args.at(0), in, scratch).is_null();
      return sql_value::boolean(e.function == bound_function::is_null ? null : !null);
    }
    case bound_function::in_list:
    case bound_function::not_in_list:
    case bound_function::between:
    case bound_function::not_between:
    case bound_function::like:
    case bound_function::not_like: return eval_predicate(e, in);
    case bound_function::case_when: return eval_case(e, in);
    case bound_function::cast:
      return cast_value(eval(args.at(0), in), args.at(0).type, e.type, zone_);
    case bound_function::try_cast: {
      const sql_value v = eval(args.at(0), in); // errors of the operand still count
      try {
        return cast_value(v, args.at(0).type, e.type, zone_);
      } catch (const sql_evaluation_error&) {
        return sql_value::null();
      }
    }
    case bound_function::extract:
    case bound_function::hour:
    case bound_function::date_format: return eval_time_function(e, in);
    case bound_function::proctime:
      fail("PROCTIME() is the time a row is read: the source fills that column in");
  }
  fail("unknown function");
}

sql_value sql_row_evaluator::eval_logic(const bound_expression& e,
                                        const sql_evaluation_input& in) const {
  const auto& args = e.arguments;
  const sql_truth left = truth_of(eval(args.at(0), in));
  switch (e.function) {
    case bound_function::logical_not: return from_truth(negate(left));
    case bound_function::logical_and: {
      if (left == sql_truth::false_)
        return sql_value::boolean(false); // short circuit, as Flink's code
      return from_truth(both(left, truth_of(eval(args.at(1), in))));
    }
    default: { // OR: NOT (NOT a AND NOT b)
      if (left == sql_truth::true_)
        return sql_value::boolean(true);
      return from_truth(either(left, truth_of(eval(args.at(1), in))));
    }
  }
}

sql_value sql_row_evaluator::eval_predicate(const bound_expression& e,
                                            const sql_evaluation_input& in) const {
  const auto& args = e.arguments;
  const sql_value operand = eval(args.at(0), in);
  switch (e.function) {
    case bound_function::in_list:
    case bound_function::not_in_list: {
      // TRUE on a match; otherwise NULL if anything was NULL, else FALSE.
      sql_truth result = operand.is_null() ? sql_truth::unknown : sql_truth::false_;
      if (!operand.is_null()) {
        for (size_t i = 1; i < args.size(); ++i) {
          const sql_truth t = truth_of(apply_comparison(bound_function::equal, operand,
                                                    eval(args[i], in)));
          if (t == sql_truth::true_) {
            result = sql_truth::true_;
            break;
          }
          if (t == sql_truth::unknown)
            result = sql_truth::unknown;
        }
      }
      return from_truth(e.function == bound_function::in_list ? result : negate(result));
    }
    case bound_function::between:
    case bound_function::not_between: {
      const sql_value low = eval(args.at(1), in);
      const sql_value high = eval(args.at(2), in);
      const sql_truth t = both(
        truth_of(apply_comparison(bound_function::greater_equal, operand, low)),
        truth_of(apply_comparison(bound_function::less_equal, operand, high)));
      return from_truth(e.function == bound_function::between ? t : negate(t));
    }
    default: { // LIKE, NOT LIKE
      const sql_value pattern = eval(args.at(1), in);
      if (operand.is_null() || pattern.is_null())
        return sql_value::null();
      const bool match = like_matches(operand.as_string(), pattern.as_string());
      return sql_value::boolean(e.function == bound_function::like ? match : !match);
    }
  }
}

sql_value sql_row_evaluator::eval_case(const bound_expression& e,
                                       const sql_evaluation_input& in) const {
  // (condition, result) pairs, then ELSE if the count is odd. Only the
  // chosen branch is evaluated, so a guarded division cannot fail.
  const auto& args = e.arguments;
  size_t i = 0;
  for (; i + 1 < args.size(); i += 2)
    if (truth_of(eval(args[i], in)) == sql_truth::true_)
      return coerce_numeric(eval(args[i + 1], in), e.type);
  if (i < args.size())
    return coerce_numeric(eval(args[i], in), e.type);
  return sql_value::null();
}

sql_value sql_row_evaluator::eval_time_function(const bound_expression& e,
                                                const sql_evaluation_input& in) const {
  const sql_value v = eval(e.arguments.at(0), in);
  if (v.is_null())
    return v;
  switch (e.function) {
    case bound_function::extract:
      return sql_value::bigint(extract_field(wall_clock(v), e.unit));
    case bound_function::hour:
      return sql_value::bigint(extract_field(wall_clock(v), time_unit::hour));
    default: { // DATE_FORMAT(timestamp or 'yyyy-MM-dd HH:mm:ss' string, pattern)
      const sql_value pattern = eval(e.arguments.at(1), in);
      if (pattern.is_null())
        return pattern;
      int64_t local = 0;
      if (v.kind() == sql_value_kind::string) {
        // Flink gives NULL for a string it cannot read as a timestamp.
        const auto parsed = parse_sql_timestamp(v.as_string());
        if (!parsed)
          return sql_value::null();
        local = *parsed;
      } else {
        local = wall_clock(v);
      }
      return sql_value::string(format_date_pattern(local, pattern.as_string()));
    }
  }
}

} // namespace ubaflow
