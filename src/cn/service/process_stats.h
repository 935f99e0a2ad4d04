// ProcessStats: CPU and memory figures of this process, as reported in heartbeats and /metrics.
//
// Linux only: reads /proc/self/statm, sysconf and getrusage. Figures are best effort; when a source
// cannot be read the value is 0 rather than an error, because a heartbeat must never fail over a
// statistic.
//
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace basalt::cn {

class ProcessStats {
 public:
  ProcessStats();

  // CPUs this process may run on (its affinity mask), at least 1.
  int CpuCores() const;
  // Resident set size in bytes.
  int64_t ResidentBytes() const;
  // Resident set size as a percentage of physical memory, 0..100.
  double MemUsedPct() const;
  // CPU time (user + system) used since the previous call, as a percentage of all usable cores
  // over the wall time since that call, 0..100. The first call measures from construction.
  double SampleCpuUsedPct();

 private:
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_wall_;  // Guarded by mu_.
  double last_cpu_seconds_ = 0;                      // Guarded by mu_.
};

}  // namespace basalt::cn
