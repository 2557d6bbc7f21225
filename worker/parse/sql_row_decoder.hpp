#pragma once

// The parse stage of a job: one JSON record into the physical columns of
// its source table (bound_table), fields found by column name, with the
// rules of the former hard-wired job's parser where they overlap: integer columns take JSON integers or numeric strings (the
// seed's ids are strings), TIMESTAMP columns the timestamp shapes and the
// valid range of timestamp_parser, in the job's zone. A record that is not
// a JSON object, lacks a column or holds a value of the wrong type is
// rejected with its reason (reject_reason); with two
// fields of one name the last counts.
//
// Streaming: the record is read in one pass with json_reader, a strict
// reader (RFC 8259, UTF-8 checked, nesting at most
// 64 deep); only the columns' top-level fields are kept, as views of the
// record where they hold no escapes, so no document tree is built and the
// buffers are reused from record to record. Numbers keep their text; a
// DOUBLE column gets it correctly rounded.
//
// CSV ('format' = 'csv', as Flink's csv format): one line, its fields the
// physical columns in declared order, split at the table's
// 'csv.field-delimiter' (',' by default) with RFC 4180 quoting; each field
// read as a JSON string of that column would be (so a TIMESTAMP field may
// also be epoch seconds or milliseconds, as the Tianchi CSV has them), a
// DOUBLE field as a number, a BOOLEAN field as true or false. An empty
// field is a missing value (rejected) except in a STRING column.

#include "common/protocol/reject_reason.hpp"
#include "common/sql/exec/sql_value.hpp"
#include "common/sql/sql_bound.hpp"
#include "worker/parse/timestamp_parser.hpp"

#include <memory>
#include <string_view>
#include <vector>

namespace ubaflow {

class json_reader;

/// Where a decoded row puts the columns.
enum class sql_row_layout : uint8_t {
  physical, ///< the physical columns only, in declared order
  /// every column of the table at its index, the computed ones left for
  /// the caller (a source task fills them in place: no copy per record)
  table,
};

class sql_row_decoder {
public:
  sql_row_decoder(const bound_table& table, timestamp_parser timestamps,
                  sql_row_layout layout = sql_row_layout::physical);
  ~sql_row_decoder();
  sql_row_decoder(sql_row_decoder&&) noexcept;
  sql_row_decoder& operator=(sql_row_decoder&&) noexcept;

  /// `record` as the table's physical columns in `out` (placed as the
  /// layout says); the reason on failure (`out` then holds no meaningful
  /// row).
  parse_status decode(std::string_view record, sql_row& out);
  /// The same for one CSV line (see above).
  parse_status decode_csv(std::string_view line, sql_row& out);
  /// Whether a file's first line is a header: its first field names the
  /// first column (any case).
  bool is_csv_header(std::string_view line);

  /// One column's field as the record held it (internal to the decoder).
  struct field;

private:
  struct column {
    std::string name;
    data_type type;
    uint32_t position = 0; ///< in the decoded row
  };
  struct streaming; ///< the fields of the record being read, buffers
  parse_status convert(const column& c, const field& f, sql_value& out);
  /// One member's value into its column's field and converted into `out`
  /// (-1: validated, skipped); false on a syntax error.
  bool read_field(json_reader& in, int column, sql_row& out);
  /// A number's kind and value from its text (f.written).
  static void read_number(field& f);

  /// The CSV line's fields, as views of the line or of `copies` (quoted).
  bool split_csv(std::string_view line);

  std::vector<column> columns_; ///< the physical ones, in declared order
  size_t row_size_ = 0;         ///< of a decoded row
  char delimiter_ = ',';
  timestamp_parser timestamps_;
  std::unique_ptr<streaming> parser_;
};

} // namespace ubaflow
