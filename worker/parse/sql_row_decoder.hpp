#pragma once

// The parse stage of a job written in SQL (issue 13): one JSON record into
// the physical columns of its source table (bound_table), fields found by
// column name, with the same rules as the built-in job's parser where they
// overlap: integer columns take JSON integers or numeric strings (the
// seed's ids are strings), TIMESTAMP columns the timestamp shapes and the
// valid range of timestamp_parser, in the job's zone. A record that is not
// a JSON object, lacks a column or holds a value of the wrong type is
// rejected with its reason, as the built-in parser rejects it; with two
// fields of one name the last counts.
//
// Streaming: Boost.JSON's basic_parser calls back per token and only the
// columns' top-level fields are kept, so no document tree is built; the
// parser and its buffers are reused from record to record.

#include "common/protocol/reject_reason.hpp"
#include "common/sql/exec/sql_value.hpp"
#include "common/sql/sql_bound.hpp"
#include "worker/parse/timestamp_parser.hpp"

#include <memory>
#include <string_view>
#include <vector>

namespace ubaflow {

class sql_row_decoder {
public:
  sql_row_decoder(const bound_table& table, timestamp_parser timestamps);
  ~sql_row_decoder();
  sql_row_decoder(sql_row_decoder&&) noexcept;
  sql_row_decoder& operator=(sql_row_decoder&&) noexcept;

  /// `record` as the table's physical columns in `out`; the reason on
  /// failure (`out` then holds no meaningful row).
  parse_status decode(std::string_view record, sql_row& out);

  /// One column's field as the record held it (internal to the decoder).
  struct field;

private:
  struct column {
    std::string name;
    data_type type;
  };
  struct streaming; ///< the basic_parser and its handler
  parse_status convert(const column& c, const field& f, sql_value& out);

  std::vector<column> columns_; ///< the physical ones, in declared order
  timestamp_parser timestamps_;
  std::unique_ptr<streaming> parser_;
};

} // namespace ubaflow
