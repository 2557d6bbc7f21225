#pragma once

// Splitting one CSV line into its fields, shared by every CSV reader of
// the worker: the category file, a SQL job's dimension tables and a SQL
// job's CSV records (RFC 4180 quoting within the line, as Flink's csv
// format writes and reads it).

#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// Splits `line` at `delimiter`: a field in double quotes may hold the
/// delimiter, and "" inside it is one quote; '\r' outside quotes is
/// dropped (CRLF files). False on an unterminated quote.
bool split_csv_line(std::string_view line, std::vector<std::string>& fields,
                    char delimiter = ',');

} // namespace ubaflow
