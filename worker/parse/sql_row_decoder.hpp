#pragma once

// The parse stage of a job written in SQL (issue 13): one JSON record into
// the physical columns of its source table (bound_table), fields found by
// column name, with the same rules as the built-in job's parser where they
// overlap: integer columns take JSON integers or numeric strings (the
// seed's ids are strings), TIMESTAMP columns the timestamp shapes and the
// valid range of timestamp_parser, in the job's zone. A record that is not
// a JSON object, lacks a column or holds a value of the wrong type is
// rejected with its reason, as the built-in parser rejects it.
//
// Boost.JSON builds a DOM per record: the correct first version, used by
// the SQL oracle; the engine's hot path will want a streaming decoder.

#include "common/protocol/reject_reason.hpp"
#include "common/sql/exec/sql_value.hpp"
#include "common/sql/sql_bound.hpp"
#include "worker/parse/timestamp_parser.hpp"

#include <string_view>
#include <vector>

namespace ubaflow {

class sql_row_decoder {
public:
  sql_row_decoder(const bound_table& table, timestamp_parser timestamps);

  /// `record` as the table's physical columns in `out`; the reason on
  /// failure (`out` then holds no meaningful row).
  parse_status decode(std::string_view record, sql_row& out);

private:
  struct column {
    std::string name;
    data_type type;
  };
  std::vector<column> columns_; ///< the physical ones, in declared order
  timestamp_parser timestamps_;
};

} // namespace ubaflow
