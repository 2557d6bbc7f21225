#pragma once

#include <string>
#include <string_view>

namespace ubaflow {

/// What a worker sends instead of the cluster secret: the hex HMAC-SHA256,
/// keyed by the secret, of "ubaflow-join\n<cluster id>\n<worker name>".
/// An empty secret gives an empty proof (an open cluster).
std::string join_proof(std::string_view secret, std::string_view cluster_id,
                       std::string_view worker_name);

/// Compares a received proof with the expected one in constant time.
bool proof_matches(std::string_view expected, std::string_view received);

} // namespace ubaflow
