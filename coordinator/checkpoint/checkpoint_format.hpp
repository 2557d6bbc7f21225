#pragma once

// The stored form of checkpoints and savepoints (docs/operations.md,
// "Savepoint compatibility"): a marker line, one field-tagged record
// (common/storage/tagged_record.hpp) whose first field is a header, and a
// CRC-32 of everything before it. The record's tags are the format: a tag is
// never reused or given another meaning; a new field gets a new tag and a
// default that reproduces the old behaviour, so a file stays readable by
// every later version. Files of the previous, CAF-encoded format (version 2)
// are still read.

#include "common/protocol/checkpoints.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// The format this version writes.
constexpr uint32_t checkpoint_format_version = 4; ///< 4: SQL state

/// The marker at the start of every file of this format.
constexpr std::string_view checkpoint_format_marker = "UBAFLOW-STATE\n";

/// Encodes `data` (never fails).
std::vector<char> encode_checkpoint(const checkpoint_data& data);

/// Decodes what encode_checkpoint (or version 2) wrote; `origin` names the
/// bytes in errors. Refuses damaged files, files another format, and files
/// a newer version wrote that this version cannot interpret.
std::optional<checkpoint_data> decode_checkpoint(std::string_view bytes,
                                                 const std::string& origin,
                                                 std::string& error);

/// Version 2: the marker line, then CAF 0.17's binary encoding of the
/// fields in declaration order (checkpoint_legacy_format.cpp).
std::optional<checkpoint_data>
decode_checkpoint_v2(std::string_view bytes, const std::string& origin,
                     std::string& error);

} // namespace ubaflow
