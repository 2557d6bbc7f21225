#include "common/util/process_control.hpp"

#include <spdlog/spdlog.h>

#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace ubaflow {

/// A streaming process allocates and frees message buffers at a high rate
/// (librdkafka's fetch buffers above all). Keeping freed memory in the
/// process instead of returning it to the kernel at once avoids a page
/// fault per fresh buffer; the resident size stays bounded by the peak.
void tune_allocator() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
}

void arm_exit_watchdog(int64_t ms, std::string what) {
  std::thread([ms, what = std::move(what)] {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    spdlog::error("{} did not end within {} ms of the stop request; exiting "
                  "now (job.stop-timeout)",
                  what, ms);
    spdlog::shutdown();
    std::fflush(nullptr);
    std::_Exit(1);
  }).detach();
}

void exit_without_teardown(int code) {
  spdlog::shutdown();
  std::fflush(nullptr);
  std::_Exit(code);
}

} // namespace ubaflow
