#include "common/cluster/join_proof.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace ubaflow {

namespace {

std::string hex(const unsigned char* data, size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 15]);
  }
  return out;
}

} // namespace

std::string join_proof(std::string_view secret, std::string_view cluster_id,
                       std::string_view name, std::string_view challenge) {
  if (secret.empty())
    return {};
  std::string message = "ubaflow-join\n";
  message.append(cluster_id)
    .append("\n")
    .append(name)
    .append("\n")
    .append(challenge);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       digest, &length);
  return hex(digest, length);
}

bool proof_matches(std::string_view expected, std::string_view received) {
  return expected.size() == received.size()
         && CRYPTO_memcmp(expected.data(), received.data(), expected.size())
              == 0;
}

std::string challenge_book::issue(int64_t now_ms) {
  unsigned char random[16];
  if (RAND_bytes(random, sizeof random) != 1)
    throw std::runtime_error("the system's random generator failed");
  while (!issued_.empty() && issued_.front().expires_ms <= now_ms)
    issued_.pop_front();
  while (issued_.size() >= capacity_)
    issued_.pop_front();
  issued_.push_back({hex(random, sizeof random), now_ms + ttl_ms_});
  return issued_.back().challenge;
}

bool challenge_book::redeem(std::string_view challenge, int64_t now_ms) {
  for (auto i = issued_.begin(); i != issued_.end(); ++i) {
    if (!proof_matches(i->challenge, challenge))
      continue;
    const bool fresh = i->expires_ms > now_ms;
    issued_.erase(i);
    return fresh;
  }
  return false;
}

} // namespace ubaflow
