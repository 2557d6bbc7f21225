#include "coordinator/rest/process_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace ubaflow {

namespace {

struct proc_stat {
  double cpu_seconds = 0;
  double start_seconds = 0; ///< since boot
  double threads = 0;
  double virtual_bytes = 0;
  double resident_bytes = 0;
  bool ok = false;
};

proc_stat read_stat() {
  proc_stat out;
  std::ifstream in{"/proc/self/stat"};
  std::string line;
  if (!std::getline(in, line))
    return out;
  // Fields after the command name (which may hold spaces) in parentheses.
  const auto close = line.rfind(')');
  if (close == std::string::npos)
    return out;
  std::istringstream fields{line.substr(close + 2)};
  std::string f;
  double values[50] = {};
  for (int i = 3; i <= 24 && fields >> f; ++i)
    values[i] = std::strtod(f.c_str(), nullptr);
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  out.cpu_seconds = (values[14] + values[15]) / ticks;
  out.threads = values[20];
  out.start_seconds = values[22] / ticks;
  out.virtual_bytes = values[23];
  out.resident_bytes = values[24] * static_cast<double>(sysconf(_SC_PAGESIZE));
  out.ok = true;
  return out;
}

double boot_time() {
  std::ifstream in{"/proc/stat"};
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime") {
      in >> value;
      return value;
    }
    in.ignore(1 << 16, '\n');
  }
  return 0;
}

} // namespace

void add_process_metrics(prometheus::Registry& registry) {
  const auto stat = read_stat();
  if (!stat.ok)
    return;
  auto gauge = [&](const char* name, const char* help, double value) {
    prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({}).Set(
      value);
  };
  prometheus::BuildCounter()
    .Name("process_cpu_seconds_total")
    .Help("Total user and system CPU time spent in seconds.")
    .Register(registry)
    .Add({})
    .Increment(stat.cpu_seconds);
  gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
        stat.resident_bytes);
  gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.",
        stat.virtual_bytes);
  gauge("process_start_time_seconds",
        "Start time of the process since unix epoch in seconds.",
        boot_time() + stat.start_seconds);
  gauge("process_threads", "Number of OS threads in the process.",
        stat.threads);
  std::error_code ec;
  double fds = 0;
  for (auto it = std::filesystem::directory_iterator{"/proc/self/fd", ec};
       !ec && it != std::filesystem::directory_iterator{}; it.increment(ec))
    ++fds;
  gauge("process_open_fds", "Number of open file descriptors.", fds);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
    gauge("process_max_fds", "Maximum number of open file descriptors.",
          static_cast<double>(limit.rlim_cur));
}

} // namespace ubaflow
