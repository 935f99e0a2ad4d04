#include "cn/service/process_stats.h"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <thread>

namespace basalt::cn {
namespace {

double ProcessCpuSeconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

ProcessStats::ProcessStats()
    : last_wall_(std::chrono::steady_clock::now()), last_cpu_seconds_(ProcessCpuSeconds()) {}

int ProcessStats::CpuCores() const {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count > 0) return count;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

int64_t ProcessStats::ResidentBytes() const {
  // /proc/self/statm: size resident shared text lib data dt, in pages.
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long long size_pages = 0;
  long long resident_pages = 0;
  int fields = std::fscanf(f, "%lld %lld", &size_pages, &resident_pages);
  std::fclose(f);
  if (fields != 2) return 0;
  return resident_pages * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

double ProcessStats::MemUsedPct() const {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  const double total = static_cast<double>(pages) * static_cast<double>(page_size);
  return std::clamp(100.0 * static_cast<double>(ResidentBytes()) / total, 0.0, 100.0);
}

double ProcessStats::SampleCpuUsedPct() {
  const auto now = std::chrono::steady_clock::now();
  const double cpu = ProcessCpuSeconds();
  std::lock_guard lock(mu_);
  const double wall = std::chrono::duration<double>(now - last_wall_).count();
  const double used = cpu - last_cpu_seconds_;
  last_wall_ = now;
  last_cpu_seconds_ = cpu;
  if (wall <= 0) return 0;
  return std::clamp(100.0 * used / (wall * CpuCores()), 0.0, 100.0);
}

}  // namespace basalt::cn
