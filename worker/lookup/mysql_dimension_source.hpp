#pragma once

#include "common/config/connector_settings.hpp"
#include "common/sql/exec/sql_value.hpp"
#include "common/sql/sql_data_type.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace ubaflow {

/// A dimension table in MySQL/MariaDB, read whole through SOCI's MySQL
/// backend. A failed read drops the session; the next one opens a new one
/// (the caller decides when, with backoff).
/// Not thread-safe: one per source task.
class mysql_dimension_source {
public:
  explicit mysql_dimension_source(mysql_settings settings);
  ~mysql_dimension_source();

  /// For logs, without secrets ("mysql://user@host:3306/db.table").
  std::string describe() const;

  /// Opens the session now (start-up check); returns an error or nothing.
  std::optional<std::string> connect();

  /// Reads the whole table: `columns` (plain identifiers) as values of
  /// `kinds` (integer kinds as BIGINT, DOUBLE, strings), NULL as NULL, at
  /// most `max_rows` rows; false with `error` (a larger table included).
  /// A SQL job's lookup dimension (worker/lookup/sql_dimension_rows).
  bool read_all(const std::vector<std::string>& columns,
                const std::vector<data_type_kind>& kinds, size_t max_rows,
                std::vector<sql_row>& rows, std::string& error);

  uint64_t reconnects() const { return reconnects_; }

private:
  std::string connect_string() const;

  mysql_settings settings_;
  std::unique_ptr<soci::session> session_;
  uint64_t reconnects_ = 0;
};

} // namespace ubaflow
