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

bool mysql_dimension_source::lookup(
  const std::vector<int64_t>& ids,
  std::vector<std::pair<int64_t, std::string>>& found, std::string& error) {
  if (ids.empty())
    return true;
  if (!session_) {
    if (auto failure = connect()) {
      error = *failure;
      return false;
    }
  }
  // Ids are integers, so the IN list needs no escaping.
  std::string query = "SELECT `" + settings_.key_column + "`, `"
                      + settings_.value_column + "` FROM `" + settings_.table
                      + "` WHERE `" + settings_.key_column + "` IN (";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i)
      query += ',';
    query += std::to_string(ids[i]);
  }
  query += ')';
  try {
    soci::rowset<soci::row> rows = session_->prepare << query;
    for (const auto& row : rows) {
      int64_t id = 0;
      switch (row.get_properties(0).get_data_type()) {
        case soci::dt_long_long:
          id = row.get<long long>(0);
          break;
        case soci::dt_unsigned_long_long:
          id = static_cast<int64_t>(row.get<unsigned long long>(0));
          break;
        case soci::dt_integer:
          id = row.get<int>(0);
          break;
        default:
          error = describe() + ": key column " + settings_.key_column
                  + " is not an integer column";
          return false;
      }
      if (row.get_indicator(1) == soci::i_null)
        continue; // a NULL name is a miss, like an absent row
      found.emplace_back(id, row.get<std::string>(1));
    }
    return true;
  } catch (const std::exception& e) {
    error = describe() + ": " + e.what();
    session_.reset(); // reconnect on the next attempt
    return false;
  }
}

} // namespace ubaflow
