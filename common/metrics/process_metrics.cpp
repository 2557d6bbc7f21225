#include "common/metrics/process_metrics.hpp"

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

void add_process_samples(std::vector<metric_sample>& out) {
  const auto stat = read_stat();
  if (!stat.ok)
    return;
  auto add = [&](const char* name, double value) {
    out.push_back({name, {}, value});
  };
  add("process_cpu_seconds_total", stat.cpu_seconds);
  add("process_resident_memory_bytes", stat.resident_bytes);
  add("process_virtual_memory_bytes", stat.virtual_bytes);
  add("process_start_time_seconds", boot_time() + stat.start_seconds);
  add("process_threads", stat.threads);
  std::error_code ec;
  double fds = 0;
  for (auto it = std::filesystem::directory_iterator{"/proc/self/fd", ec};
       !ec && it != std::filesystem::directory_iterator{}; it.increment(ec))
    ++fds;
  add("process_open_fds", fds);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
    add("process_max_fds", static_cast<double>(limit.rlim_cur));
}

} // namespace ubaflow
