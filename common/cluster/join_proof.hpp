#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace ubaflow {

/// What a worker (or `ubaflow savepoint`) sends instead of the cluster
/// secret: the hex HMAC-SHA256, keyed by the secret, of
/// "ubaflow-join\n<cluster id>\n<name>\n<challenge>", where the challenge
/// is a fresh random value the coordinator handed out for this one proof,
/// so a recorded proof cannot be replayed. An empty secret gives an empty
/// proof (an insecure cluster).
std::string join_proof(std::string_view secret, std::string_view cluster_id,
                       std::string_view name, std::string_view challenge);

/// Compares a received proof with the expected one in constant time.
bool proof_matches(std::string_view expected, std::string_view received);

/// The coordinator's outstanding join challenges: each is random, valid
/// for `ttl_ms` and for one proof only. At most `capacity` are kept (the
/// oldest go first), so asking for challenges costs bounded memory.
class challenge_book {
public:
  explicit challenge_book(int64_t ttl_ms = 30'000, size_t capacity = 1024)
    : ttl_ms_(ttl_ms), capacity_(capacity) {}

  /// A new challenge (32 hex digits from the system's CSPRNG).
  std::string issue(int64_t now_ms);

  /// True once for a challenge issued here and not expired; it is used up.
  bool redeem(std::string_view challenge, int64_t now_ms);

  size_t outstanding() const { return issued_.size(); }

private:
  struct entry {
    std::string challenge;
    int64_t expires_ms;
  };
  int64_t ttl_ms_;
  size_t capacity_;
  std::deque<entry> issued_; ///< oldest first
};

} // namespace ubaflow
