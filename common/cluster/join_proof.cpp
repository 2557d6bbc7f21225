#include "common/cluster/join_proof.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace ubaflow {

std::string join_proof(std::string_view secret, std::string_view cluster_id,
                       std::string_view worker_name) {
  if (secret.empty())
    return {};
  std::string message = "ubaflow-join\n";
  message.append(cluster_id).append("\n").append(worker_name);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       digest, &length);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 15]);
  }
  return out;
}

bool proof_matches(std::string_view expected, std::string_view received) {
  return expected.size() == received.size()
         && CRYPTO_memcmp(expected.data(), received.data(), expected.size())
              == 0;
}

} // namespace ubaflow
