#include "common/metrics/metrics.h"

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace basalt {
namespace {

TEST(MetricsTest, CounterAndGaugeBasics) {
  Counter counter;
  counter.Increment();
  counter.Increment(41);
  EXPECT_EQ(counter.value(), 42);

  Gauge gauge;
  gauge.Set(2.5);
  gauge.Add(-1.0);
  EXPECT_DOUBLE_EQ(gauge.value(), 1.5);
}

TEST(MetricsTest, SameNameAndLabelsReturnSameInstance) {
  MetricRegistry registry;
  Counter* a = registry.GetCounter("x_total", "help", {{"b", "2"}, {"a", "1"}});
  Counter* b = registry.GetCounter("x_total", "other help", {{"a", "1"}, {"b", "2"}});
  Counter* c = registry.GetCounter("x_total", "help", {{"a", "1"}});
  EXPECT_EQ(a, b);  // Label order does not matter.
  EXPECT_NE(a, c);
}

TEST(MetricsTest, RendersPrometheusTextFormat) {
  MetricRegistry registry;
  registry.GetGauge("basalt_up", "Whether the process is serving.")->Set(1);
  Counter* get = registry.GetCounter("basalt_http_requests_total", "HTTP requests.",
                                     {{"method", "GET"}, {"path", "/metrics"}});
  get->Increment(3);
  registry.GetCounter("basalt_http_requests_total", "HTTP requests.",
                      {{"method", "DELETE"}, {"path", "/x"}});
  registry.GetGauge("basalt_ratio", "A ratio.")->Set(0.25);

  const std::string expected =
      "# HELP basalt_http_requests_total HTTP requests.\n"
      "# TYPE basalt_http_requests_total counter\n"
      "basalt_http_requests_total{method=\"DELETE\",path=\"/x\"} 0\n"
      "basalt_http_requests_total{method=\"GET\",path=\"/metrics\"} 3\n"
      "# HELP basalt_ratio A ratio.\n"
      "# TYPE basalt_ratio gauge\n"
      "basalt_ratio 0.25\n"
      "# HELP basalt_up Whether the process is serving.\n"
      "# TYPE basalt_up gauge\n"
      "basalt_up 1\n";
  EXPECT_EQ(registry.RenderPrometheus(), expected);
}

TEST(MetricsTest, EscapesHelpAndLabelValues) {
  MetricRegistry registry;
  registry.GetGauge("g", "line one\nback\\slash", {{"v", "say \"hi\"\n\\"}})->Set(-3);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP g line one\\nback\\\\slash\n"
            "# TYPE g gauge\n"
            "g{v=\"say \\\"hi\\\"\\n\\\\\"} -3\n");
}

TEST(MetricsTest, FormatsSpecialValues) {
  EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatMetricValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatMetricValue(1719000000123.0), "1719000000123");
  EXPECT_EQ(FormatMetricValue(0.1), "0.1");
}

TEST(MetricsTest, ConcurrentUpdatesAreNotLost) {
  MetricRegistry registry;
  Counter* counter = registry.GetCounter("c_total", "c");
  Gauge* gauge = registry.GetGauge("g", "g");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter->Increment();
        gauge->Add(1);
        // Registration and rendering race with updates too.
        if (i % 1000 == 0) {
          registry.GetCounter("c_total", "c", {{"t", std::to_string(i)}});
          (void)registry.RenderPrometheus();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter->value(), 40000);
  EXPECT_DOUBLE_EQ(gauge->value(), 40000);
}

TEST(MetricsDeathTest, InvalidNameOrTypeClashAborts) {
  MetricRegistry registry;
  EXPECT_DEATH(registry.GetCounter("bad-name", "x"), "invalid metric name");
  EXPECT_DEATH(registry.GetCounter("ok", "x", {{"__reserved", "v"}}), "invalid metric label");
  registry.GetCounter("both", "x");
  EXPECT_DEATH(registry.GetGauge("both", "x"), "both counter and gauge");
}

}  // namespace
}  // namespace basalt
