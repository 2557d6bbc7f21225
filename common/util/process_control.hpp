#pragma once

#include <cstdint>
#include <string>

namespace ubaflow {

/// How a ubaflow process (run, coordinator, worker) manages its memory and
/// its end.

/// Keeps freed memory in the process instead of returning it to the kernel
/// at once (see the definition for why).
void tune_allocator();

/// Ends the process at once with `code` after flushing the logs and stdio:
/// for a process whose work is complete (files synced, offsets committed),
/// where destructors would only wait on library threads.
[[noreturn]] void exit_without_teardown(int code);

/// Ends the process with exit code 1 after `ms` unless it ended before:
/// the last resort that makes SIGTERM always end a process in bounded
/// time (a hung peer, a full disk). Logs `what` when it fires.
void arm_exit_watchdog(int64_t ms, std::string what);

} // namespace ubaflow
