#pragma once

#include "common/protocol/results.hpp"
#include "worker/sink/bulk_buffer.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// A row's index name in the store: an optional prefix plus the row's
/// index (the seed's name of a result, or a SQL sink table's 'index').
class index_names {
public:
  explicit index_names(std::string prefix = "") : prefix_(std::move(prefix)) {}
  std::string of(std::string_view index) const {
    return prefix_ + std::string{index};
  }
  std::string of(result_kind kind) const { return of(to_string(kind)); }
  const std::string& prefix() const { return prefix_; }

private:
  std::string prefix_;
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
