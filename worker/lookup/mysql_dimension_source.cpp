#include "worker/lookup/mysql_dimension_source.hpp"

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include <cctype>

namespace ubaflow {

mysql_dimension_source::mysql_dimension_source(mysql_settings settings)
  : settings_(std::move(settings)) {
  // nop
}

mysql_dimension_source::~mysql_dimension_source() = default;

std::string mysql_dimension_source::describe() const {
  return "mysql://" + settings_.user + "@" + settings_.host + ":"
         + std::to_string(settings_.port) + "/" + settings_.database + "."
         + settings_.table;
}

std::string mysql_dimension_source::connect_string() const {
  std::string s = "db=" + settings_.database + " user='" + settings_.user
                  + "' host='" + settings_.host
                  + "' port=" + std::to_string(settings_.port)
                  + " charset=utf8mb4 connect_timeout="
                  + std::to_string(settings_.connect_timeout_s)
                  + " read_timeout=" + std::to_string(settings_.read_timeout_s);
  if (!settings_.password.empty())
    s += " password='" + settings_.password + "'";
  return s;
}

std::optional<std::string> mysql_dimension_source::connect() {
  try {
    auto session = std::make_unique<soci::session>(soci::mysql,
                                                   connect_string());
    if (session_)
      ++reconnects_;
    session_ = std::move(session);
    return std::nullopt;
  } catch (const std::exception& e) {
    session_.reset();
    return describe() + ": " + e.what();
  }
}

namespace {

bool plain_identifier(const std::string& name) {
  if (name.empty() || name.size() > 64)
    return false;
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '_')
      return false;
  return true;
}

bool integer_kind(data_type_kind kind) {
  return kind == data_type_kind::tinyint || kind == data_type_kind::smallint
         || kind == data_type_kind::integer || kind == data_type_kind::bigint;
}

} // namespace

bool mysql_dimension_source::read_all(const std::vector<std::string>& columns,
                                      const std::vector<data_type_kind>& kinds,
                                      size_t max_rows,
                                      std::vector<sql_row>& rows,
                                      std::string& error) {
  if (columns.empty() || columns.size() != kinds.size()) {
    error = describe() + ": no columns to read";
    return false;
  }
  std::string query = "SELECT ";
  for (size_t c = 0; c < columns.size(); ++c) {
    if (!plain_identifier(columns[c])) {
      error = describe() + ": column '" + columns[c]
              + "' is not a plain identifier ([A-Za-z0-9_])";
      return false;
    }
    query += (c ? ", `" : "`") + columns[c] + "`";
  }
  query += " FROM `" + settings_.table + "`"; // validated by the loader
  if (!session_)
    if (auto failure = connect()) {
      error = *failure;
      return false;
    }
  try {
    soci::rowset<soci::row> result = session_->prepare << query;
    for (const auto& row : result) {
      if (rows.size() >= max_rows) {
        error = describe() + " has more than " + std::to_string(max_rows)
                + " rows: too many to keep whole";
        return false;
      }
      sql_row values;
      for (size_t c = 0; c < columns.size(); ++c) {
        if (row.get_indicator(c) == soci::i_null) {
          values.push_back(sql_value::null());
          continue;
        }
        const auto type = row.get_properties(c).get_data_type();
        if (integer_kind(kinds[c])) {
          switch (type) {
            case soci::dt_long_long:
              values.push_back(sql_value::bigint(row.get<long long>(c)));
              break;
            case soci::dt_unsigned_long_long:
              values.push_back(sql_value::bigint(
                static_cast<int64_t>(row.get<unsigned long long>(c))));
              break;
            case soci::dt_integer:
              values.push_back(sql_value::bigint(row.get<int>(c)));
              break;
            default:
              error = describe() + ": column " + columns[c]
                      + " is not an integer column";
              return false;
          }
        } else if (kinds[c] == data_type_kind::double_
                   || kinds[c] == data_type_kind::float_) {
          if (type != soci::dt_double) {
            error = describe() + ": column " + columns[c] + " is not a DOUBLE";
            return false;
          }
          values.push_back(sql_value::double_(row.get<double>(c)));
        } else if (kinds[c] == data_type_kind::varchar
                   || kinds[c] == data_type_kind::char_) {
          if (type != soci::dt_string) {
            error = describe() + ": column " + columns[c] + " is not a string";
            return false;
          }
          values.push_back(sql_value::string(row.get<std::string>(c)));
        } else {
          error = describe() + ": column " + columns[c]
                  + ": only integer, DOUBLE and string columns are read";
          return false;
        }
      }
      rows.push_back(std::move(values));
    }
    return true;
  } catch (const std::exception& e) {
    error = describe() + ": " + e.what();
    session_.reset();
    return false;
  }
}

} // namespace ubaflow
