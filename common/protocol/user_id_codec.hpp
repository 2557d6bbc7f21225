#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// Wire encoding of a strictly increasing list of user ids: the first id,
/// then the gaps, each as an unsigned LEB128 varint. Ids of one key group
/// in one flush are dense enough that most gaps fit in one to three bytes,
/// against eight for the plain integers.
void encode_user_ids(const std::vector<uint64_t>& ids,
                     std::vector<uint8_t>& out);
void encode_user_ids(const std::vector<uint64_t>& ids, std::string& out);

/// The size encode_user_ids would write, without writing it (for the
/// exchange-volume metric).
std::size_t encoded_user_ids_size(const std::vector<uint64_t>& ids);

/// Decodes what encode_user_ids wrote. Returns false, leaving `ids` in an
/// unspecified state, for truncated or overlong input, a gap of zero (ids
/// must be strictly increasing) or an id overflowing 64 bits.
bool decode_user_ids(std::string_view bytes, std::vector<uint64_t>& ids);
bool decode_user_ids(const std::vector<uint8_t>& bytes,
                     std::vector<uint64_t>& ids);

} // namespace ubaflow
