#include "common/sql/exec/sql_accumulator.hpp"

#include "common/sql/exec/sql_byte_codec.hpp"
#include "common/sql/exec/sql_cast.hpp"
#include "common/sql/exec/sql_decimal.hpp"

#include <limits>
#include <stdexcept>

namespace ubaflow {

namespace {

/// The runtime representation of a bound type (sql_value.hpp).
sql_value_kind representation(const data_type& type) {
  const auto kind = type.kind;
  if (is_integer(kind))
    return sql_value_kind::bigint;
  if (is_character(kind))
    return sql_value_kind::string;
  switch (kind) {
    case data_type_kind::boolean: return sql_value_kind::boolean;
    case data_type_kind::float_:
    case data_type_kind::double_: return sql_value_kind::double_;
    case data_type_kind::decimal: return sql_value_kind::decimal;
    case data_type_kind::date: return sql_value_kind::date;
    case data_type_kind::timestamp: return sql_value_kind::timestamp;
    case data_type_kind::timestamp_ltz: return sql_value_kind::timestamp_ltz;
    case data_type_kind::interval: return sql_value_kind::interval;
    default: return sql_value_kind::null;
  }
}

[[noreturn]] void wrong_value(aggregate_function function, const sql_value& value) {
  throw std::invalid_argument(std::string{to_string(function)} + " given a "
                              + to_string(value.kind()) + " value");
}

} // namespace

sql_accumulator::sql_accumulator(const bound_aggregate& aggregate)
  : sql_accumulator(aggregate.function,
                    aggregate.argument ? aggregate.argument->type
                                       : data_type::of(data_type_kind::null),
                    aggregate.type) {
  // nop
}

sql_accumulator::sql_accumulator(aggregate_function function, const data_type& argument,
                                 const data_type& result)
  : function_(function), argument_(argument), result_(result) {
  if (argument.kind == data_type_kind::decimal)
    family_ = family::decimal;
  else if (argument.kind == data_type_kind::float_ || argument.kind == data_type_kind::double_)
    family_ = family::real;
  clear();
}

sql_accumulator::sql_accumulator(const sql_accumulator& other)
  : function_(other.function_),
    family_(other.family_),
    argument_(other.argument_),
    result_(other.result_),
    count_(other.count_),
    integer_sum_(other.integer_sum_),
    real_sum_(other.real_sum_),
    overflow_(other.overflow_),
    extreme_(other.extreme_),
    distinct_(other.distinct_ ? std::make_unique<sql_distinct_set>(*other.distinct_)
                              : nullptr) {
  // nop
}

sql_accumulator& sql_accumulator::operator=(const sql_accumulator& other) {
  if (this != &other) {
    sql_accumulator copy{other};
    *this = std::move(copy);
  }
  return *this;
}

void sql_accumulator::clear() {
  count_ = 0;
  integer_sum_ = 0;
  real_sum_ = 0;
  overflow_ = false;
  extreme_ = sql_value::null();
  if (function_ == aggregate_function::count_distinct)
    distinct_ = std::make_unique<sql_distinct_set>(
      is_integer(argument_.kind) ? sql_distinct_set::value_kind::integers
                                 : sql_distinct_set::value_kind::strings);
  else
    distinct_.reset();
}

void sql_accumulator::add(const sql_value& value) {
  if (function_ == aggregate_function::count_star) {
    ++count_;
    return;
  }
  if (value.is_null())
    return;
  switch (function_) {
    case aggregate_function::count: ++count_; return;
    case aggregate_function::count_distinct: distinct_->add(value); return;
    case aggregate_function::min:
    case aggregate_function::max: {
      if (value.kind() != representation(argument_))
        wrong_value(function_, value);
      const int c = extreme_.is_null() ? 0 : compare(value, extreme_);
      if (extreme_.is_null() || (function_ == aggregate_function::min ? c < 0 : c > 0))
        extreme_ = value;
      return;
    }
    default: break; // SUM, AVG
  }
  switch (family_) {
    case family::integer:
      if (value.kind() != sql_value_kind::bigint)
        wrong_value(function_, value);
      // Java's long addition: wraps, never UB.
      integer_sum_ = static_cast<int64_t>(static_cast<uint64_t>(integer_sum_)
                                          + static_cast<uint64_t>(value.as_bigint()));
      break;
    case family::real:
      if (value.kind() != sql_value_kind::double_)
        wrong_value(function_, value);
      real_sum_ += value.as_double();
      break;
    case family::decimal: {
      if (value.kind() != sql_value_kind::decimal)
        wrong_value(function_, value);
      if (!overflow_) {
        const auto sum = decimal_add({integer_sum_, argument_.scale},
                                     {value.decimal_unscaled(), value.decimal_scale()},
                                     argument_.scale, 0);
        overflow_ = !sum;
        integer_sum_ = sum.value_or(0);
      }
      break;
    }
  }
  ++count_;
}

void sql_accumulator::merge(const sql_accumulator& other) {
  if (other.function_ != function_ || other.family_ != family_
      || (distinct_ && other.distinct_ && distinct_->kind() != other.distinct_->kind()))
    throw std::invalid_argument(std::string{"merging "} + to_string(other.function_)
                                + " into " + to_string(function_));
  switch (function_) {
    case aggregate_function::count_star:
    case aggregate_function::count: count_ += other.count_; return;
    case aggregate_function::count_distinct: distinct_->merge(*other.distinct_); return;
    case aggregate_function::min:
    case aggregate_function::max:
      if (!other.extreme_.is_null())
        add(other.extreme_);
      return;
    default: break;
  }
  count_ += other.count_;
  switch (family_) {
    case family::integer:
      integer_sum_ = static_cast<int64_t>(static_cast<uint64_t>(integer_sum_)
                                          + static_cast<uint64_t>(other.integer_sum_));
      return;
    case family::real: real_sum_ += other.real_sum_; return;
    case family::decimal: {
      if (overflow_ || other.overflow_) {
        overflow_ = true;
        integer_sum_ = 0;
        return;
      }
      const auto sum = decimal_add({integer_sum_, argument_.scale},
                                   {other.integer_sum_, argument_.scale}, argument_.scale, 0);
      overflow_ = !sum;
      integer_sum_ = sum.value_or(0);
      return;
    }
  }
}

sql_value sql_accumulator::result() const {
  switch (function_) {
    case aggregate_function::count_star:
    case aggregate_function::count: return sql_value::bigint(count_);
    case aggregate_function::count_distinct:
      return sql_value::bigint(static_cast<int64_t>(distinct_->size()));
    case aggregate_function::min:
    case aggregate_function::max: return extreme_;
    default: break;
  }
  if (count_ == 0 || overflow_)
    return sql_value::null();
  const bool average = function_ == aggregate_function::avg;
  switch (family_) {
    case family::integer: {
      // AVG of integers: Java's long division (truncating), then narrowed.
      const int64_t v = average ? integer_sum_ / count_ : integer_sum_; // count_ > 0
      return sql_value::bigint(wrap_integer(v, result_.kind));
    }
    case family::real: {
      double v = average ? real_sum_ / static_cast<double>(count_) : real_sum_;
      if (result_.kind == data_type_kind::float_)
        v = static_cast<double>(static_cast<float>(v));
      return sql_value::double_(v);
    }
    case family::decimal: {
      const auto v = average ? decimal_divide({integer_sum_, argument_.scale}, {count_, 0},
                                              result_.scale, 0)
                             : decimal_rescale({integer_sum_, argument_.scale},
                                               result_.scale, 0);
      return v ? sql_value::decimal(*v, result_.scale) : sql_value::null();
    }
  }
  return sql_value::null();
}

void sql_accumulator::serialize(std::string& out) const {
  sql_byte_writer w{out};
  w.u8(format_version);
  w.u8(static_cast<uint8_t>(function_));
  w.u8(static_cast<uint8_t>(family_));
  switch (function_) {
    case aggregate_function::count_star:
    case aggregate_function::count: w.varint(static_cast<uint64_t>(count_)); return;
    case aggregate_function::count_distinct: distinct_->serialize(w); return;
    case aggregate_function::min:
    case aggregate_function::max: w.value(extreme_); return;
    default: break;
  }
  w.varint(static_cast<uint64_t>(count_));
  w.u8(overflow_ ? 1 : 0);
  if (family_ == family::real)
    w.f64(real_sum_);
  else
    w.signed_varint(integer_sum_);
}

bool sql_accumulator::restore(std::string_view bytes, std::string* error) {
  std::string why;
  if (read(bytes, why))
    return true;
  clear();
  if (error)
    *error = std::string{to_string(function_)} + " state: " + why;
  return false;
}

bool sql_accumulator::read(std::string_view bytes, std::string& why) {
  clear();
  sql_byte_reader r{bytes};
  uint8_t version = 0, function = 0, family_tag = 0;
  if (!r.u8(version) || !r.u8(function) || !r.u8(family_tag)) {
    why = "truncated header";
    return false;
  }
  if (version != format_version) {
    why = "format version " + std::to_string(version) + ", expected "
          + std::to_string(format_version);
    return false;
  }
  if (function != static_cast<uint8_t>(function_)
      || family_tag != static_cast<uint8_t>(family_)) {
    why = "written for another aggregate";
    return false;
  }
  uint64_t count = 0;
  why = "malformed or truncated";
  switch (function_) {
    case aggregate_function::count_star:
    case aggregate_function::count:
      if (!r.varint(count) || count > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return false;
      count_ = static_cast<int64_t>(count);
      break;
    case aggregate_function::count_distinct:
      if (!distinct_->deserialize(r))
        return false;
      break;
    case aggregate_function::min:
    case aggregate_function::max: {
      sql_value v;
      if (!r.value(v) || (!v.is_null() && v.kind() != representation(argument_)))
        return false;
      extreme_ = std::move(v);
      break;
    }
    default: {
      uint8_t overflow = 0;
      if (!r.varint(count) || count > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
          || !r.u8(overflow) || overflow > 1)
        return false;
      count_ = static_cast<int64_t>(count);
      overflow_ = overflow == 1;
      if (family_ == family::real ? !r.f64(real_sum_) : !r.signed_varint(integer_sum_))
        return false;
    }
  }
  if (!r.done()) {
    why = "trailing bytes";
    return false;
  }
  return true;
}

} // namespace ubaflow
