// Checkpoint and savepoint files (checkpoint.restore names one, which may
// come from anywhere): the stored format's decoder over arbitrary bytes.
// The input is decoded as it is (mostly stopped by the checksum, and the
// version 2 path) and with a valid checksum appended, so the fuzzer reaches
// the field decoding behind it. Whatever decodes must encode and decode
// again to the same bytes.

#include "coordinator/checkpoint/checkpoint_format.hpp"

#include <boost/crc.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace ubaflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input{reinterpret_cast<const char*>(data), size};
  std::string error;
  (void) decode_checkpoint(input, "fuzz", error);
  std::string with_crc = input;
  boost::crc_32_type crc;
  crc.process_bytes(with_crc.data(), with_crc.size());
  for (int i = 0; i < 4; ++i)
    with_crc.push_back(static_cast<char>((crc.checksum() >> (8 * i)) & 0xff));
  auto decoded = decode_checkpoint(with_crc, "fuzz", error);
  if (!decoded)
    return 0;
  const auto once = encode_checkpoint(*decoded);
  auto again = decode_checkpoint({once.data(), once.size()}, "fuzz", error);
  if (!again)
    std::abort(); // what this version wrote, it must read
  if (encode_checkpoint(*again) != once)
    std::abort();
  return 0;
}
