#pragma once

// A lookup dimension of a SQL job read from a CSV file (issue 13): one
// row per line in the table's column order, with the rules of the
// built-in job's csv_dimension_source: RFC 4180 quoting (split_csv_line),
// integer columns as decimal ids, a first line that is not data taken as
// the header.

#include "common/sql/exec/sql_value.hpp"
#include "common/sql/sql_bound.hpp"

#include <string>
#include <vector>

namespace ubaflow {

/// Appends the rows of `path` to `rows`, each of `kinds.size()` fields
/// split at `delimiter` (integer kinds as BIGINT, anything else as
/// STRING); false with `error` (file and line) on a file that cannot be
/// read or a bad line.
bool read_csv_rows(const std::string& path,
                   const std::vector<data_type_kind>& kinds,
                   std::vector<sql_row>& rows, std::string& error,
                   char delimiter = ',');

/// The same for the physical columns of `table`, split at its
/// 'csv.field-delimiter'.
bool read_csv_rows(const std::string& path, const bound_table& table,
                   std::vector<sql_row>& rows, std::string& error);

} // namespace ubaflow
