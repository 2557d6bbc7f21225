#pragma once

#include "worker/source/record_reader.hpp"

#include <string>
#include <vector>

namespace ubaflow {

/// Serves records held in memory, split into slots: the in-memory source of
/// benchmarks and tests. Bounded: a slot finishes when its records are out.
class memory_reader : public record_reader {
public:
  /// `slots[i]` are the records of slot i; the strings must outlive the
  /// reader.
  explicit memory_reader(std::vector<std::vector<std::string_view>> slots);

  bool read(record_batch& out, size_t max, int timeout_ms) override;
  const std::vector<int32_t>& partitions() const override { return ids_; }
  std::vector<partition_position> positions() override;
  void bound_to_current_end() override {}
  std::string describe() const override { return "memory"; }
  std::string slot_name(uint32_t slot) const override {
    return "memory[" + std::to_string(slot) + "]";
  }
  const std::string& last_error() const override { return error_; }

private:
  std::vector<std::vector<std::string_view>> slots_;
  std::vector<size_t> next_;
  std::vector<bool> finished_;
  std::vector<int32_t> ids_;
  size_t current_ = 0;
  std::string error_;
};

} // namespace ubaflow
