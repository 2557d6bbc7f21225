#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// One record as a source delivered it. `payload` stays valid until the
/// reader's next read().
struct raw_record {
  std::string_view payload;
  uint32_t slot = 0;  ///< index of the partition within this reader
  int64_t offset = 0; ///< Kafka offset, or line number for files
  /// The record was longer than the reader keeps (a file line beyond
  /// source.max-record-size): `payload` is only its beginning.
  bool truncated = false;
};

/// What one read() produced.
struct record_batch {
  std::vector<raw_record> records;
  /// Slots that reached the end of a bounded input during this read.
  std::vector<uint32_t> finished_slots;

  void clear() {
    records.clear();
    finished_slots.clear();
  }
};

/// A start offset asking for a partition's first record, whatever the
/// job's startup mode (a partition added to the topic while the job runs).
constexpr int64_t start_from_beginning = -2;

/// Position of one partition, for progress displays, lag and checkpoints.
struct partition_position {
  int32_t partition = 0;
  int64_t next_offset = -1; ///< next offset to read; -1 before the first record
  int64_t end_offset = -1;  ///< high watermark if known, else -1
  bool finished = false;
};

/// How a reader's connection to its input is doing (Kafka's brokers), for
/// the source's status and metrics.
struct connection_health {
  uint64_t errors = 0;            ///< error events (transport, broker down, ...)
  uint64_t partition_errors = 0;  ///< per-partition consume errors
  uint64_t offset_resets = 0;     ///< offset out of range: records were lost
  bool brokers_down = false;      ///< no broker reachable right now
  int brokers_up = -1;            ///< brokers usable now; -1: not known yet
  int64_t max_consumer_lag = -1;  ///< librdkafka's view; -1: unknown
  std::string last_error;
};

/// A source of raw records split into partitions ("slots"): Kafka
/// partitions, or files. Readers do blocking I/O with bounded timeouts and
/// are used from one thread.
class record_reader {
public:
  virtual ~record_reader() = default;

  /// Reads up to `max` records, waiting at most `timeout_ms` for the first.
  /// Returns false on a fatal error (described by last_error()).
  virtual bool read(record_batch& out, size_t max, int timeout_ms) = 0;

  /// Number of slots; slot i is partition partitions()[i].
  virtual const std::vector<int32_t>& partitions() const = 0;

  /// Positions per slot (cheap: cached values, no round trips).
  virtual std::vector<partition_position> positions() = 0;

  /// Turns an unbounded read into a bounded one ending at the partitions'
  /// current ends (Flink's "stop with drain"): used for a graceful finish.
  virtual void bound_to_current_end() = 0;

  /// A description of the source for logs.
  virtual std::string describe() const = 0;

  /// Where a slot's records come from, for log lines that also give the
  /// offset: "user_behavior[3]" or a file path.
  virtual std::string slot_name(uint32_t slot) const = 0;

  virtual const std::string& last_error() const = 0;

  /// Whether "next offset -1" (nothing read yet) means the same position
  /// whenever the partition is opened again, so a checkpoint may store it.
  virtual bool unread_start_is_stable() const { return true; }

  /// The connection's health; nothing for inputs without one (files).
  virtual std::optional<connection_health> health() const {
    return std::nullopt;
  }

  /// Records `positions` as consumed where the input keeps track of its
  /// readers (Kafka's consumer group); true if done or nothing to do, else
  /// false and why in `error`. Asynchronous if `async`.
  virtual bool commit(const std::vector<partition_position>& positions,
                      std::string& error, bool async) {
    (void) positions;
    (void) error;
    (void) async;
    return true;
  }
};

} // namespace ubaflow
