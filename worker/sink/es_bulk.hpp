#pragma once

#include "common/protocol/results.hpp"
#include "worker/sink/bulk_buffer.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// Index name per result: an optional prefix plus the seed's index name.
class index_names {
public:
  explicit index_names(const std::string& prefix = "");
  const std::string& of(result_kind kind) const {
    return names_[static_cast<size_t>(kind)];
  }

private:
  std::array<std::string, result_kind_count> names_;
};

/// Encodes rows as an Elasticsearch `_bulk` body: one `index` action with an
/// explicit `_index` and `_id` per row, newline-terminated (the last line
/// too), no pretty-printing.
std::string encode_bulk(const std::vector<taken_row>& rows,
                        const index_names& names);

enum class item_outcome {
  ok,     ///< stored
  retry,  ///< 429 or 5xx: send again later
  reject, ///< any other error: the document itself is wrong; not retried
};

/// How a sink treats an HTTP or item status.
item_outcome classify_status(int status);

struct bulk_item_result {
  item_outcome outcome = item_outcome::ok;
  int status = 0;
  std::string error_type;
  std::string reason;
};

/// A parsed `_bulk` response (HTTP 200). `error` is set when the body is not
/// a bulk response or its item count differs from what was sent.
struct bulk_response {
  std::vector<bulk_item_result> items;
  bool errors = false;
  std::string error;
};

bulk_response parse_bulk_response(std::string_view body, size_t expected);

/// Describes an Elasticsearch error body ({"error":{"type","reason"}}) for
/// logs; falls back to a preview of the raw body.
std::string describe_es_error(std::string_view body);

} // namespace ubaflow
