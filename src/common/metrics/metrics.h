// Process metrics: Counter, Gauge and the MetricRegistry that renders them for Prometheus.
//
//   MetricRegistry registry;
//   Counter* requests = registry.GetCounter("basalt_http_requests_total", "HTTP requests served.",
//                                           {{"path", "/metrics"}});
//   requests->Increment();
//   std::string text = registry.RenderPrometheus();
//
// Output follows the Prometheus text exposition format 0.0.4: per metric family one
// `# HELP <name> <help>` line, one `# TYPE <name> counter|gauge` line, then one sample line per
// label set, `name{k="v",...} value`. Families are sorted by name and samples by labels, so the
// output is deterministic. HELP text escapes `\` and newline; label values also escape `"`.
//
// Ownership and thread-safety: the registry owns every metric; the returned pointers stay valid
// for the registry's lifetime. Counter and Gauge updates are lock-free atomics and may run on any
// thread; GetCounter/GetGauge and RenderPrometheus take the registry's mutex and are thread-safe.
// Register once and keep the pointer rather than looking a metric up on a hot path.
//
// Misuse is a programmer mistake and aborts (CHECK): an invalid metric or label name, or one name
// registered as both a counter and a gauge. Names and labels never come from user input.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace basalt {

// Label name/value pairs; order does not matter (they are sorted on registration).
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count (requests, bytes, errors).
class Counter {
 public:
  void Increment(int64_t delta = 1) { value_.fetch_add(delta, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// A value that goes up and down (queries running, memory in use, a timestamp).
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class MetricRegistry {
 public:
  MetricRegistry() = default;
  MetricRegistry(const MetricRegistry&) = delete;
  MetricRegistry& operator=(const MetricRegistry&) = delete;

  // Returns the counter with this name and labels, creating it on first use. help is taken from
  // the first registration of the name.
  Counter* GetCounter(std::string_view name, std::string_view help, MetricLabels labels = {});
  Gauge* GetGauge(std::string_view name, std::string_view help, MetricLabels labels = {});

  // The whole registry in Prometheus text exposition format (Content-Type kPrometheusContentType).
  std::string RenderPrometheus() const;

  static constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  enum class Type { kCounter, kGauge };
  struct Family {
    Type type;
    std::string help;
    // Keyed by the rendered label block (`{a="1",b="2"}` or ""), which also gives sorted output.
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
  };

  Family& FamilyFor(std::string_view name, std::string_view help, Type type);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;  // Guarded by mu_.
};

// Formats a sample value the way Prometheus parses it: shortest round-trip decimal, "NaN",
// "+Inf", "-Inf". Exposed for tests.
std::string FormatMetricValue(double value);

}  // namespace basalt
