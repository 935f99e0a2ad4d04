#include "common/metrics/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/logging.h"

namespace basalt {
namespace {

// Metric names: [a-zA-Z_:][a-zA-Z0-9_:]*. Label names: [a-zA-Z_][a-zA-Z0-9_]*, and names starting
// with "__" are reserved by Prometheus.
bool IsValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool ok = alpha || (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string EscapeHelp(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeLabelValue(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"') {
      out += "\\\"";
    } else {
      out += EscapeHelp(std::string_view(&c, 1));
    }
  }
  return out;
}

std::string LabelBlock(MetricLabels labels) {
  if (labels.empty()) return "";
  std::sort(labels.begin(), labels.end());
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto& [key, value] = labels[i];
    CHECK(IsValidName(key, /*allow_colon=*/false) && key.rfind("__", 0) != 0)
        << "invalid metric label name `" << key << "`";
    CHECK(i == 0 || labels[i - 1].first != key) << "duplicate metric label `" << key << "`";
    if (i > 0) out += ',';
    out += key + "=\"" + EscapeLabelValue(value) + "\"";
  }
  out += '}';
  return out;
}

}  // namespace

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  CHECK(ec == std::errc()) << "cannot format metric value";
  return std::string(buf, end);
}

MetricRegistry::Family& MetricRegistry::FamilyFor(std::string_view name, std::string_view help,
                                                  Type type) {
  CHECK(IsValidName(name, /*allow_colon=*/true)) << "invalid metric name `" << name << "`";
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{type, std::string(help), {}, {}}).first;
  }
  CHECK(it->second.type == type) << "metric `" << name << "` registered as both counter and gauge";
  return it->second;
}

Counter* MetricRegistry::GetCounter(std::string_view name, std::string_view help,
                                    MetricLabels labels) {
  std::string block = LabelBlock(std::move(labels));
  std::lock_guard lock(mu_);
  auto& slot = FamilyFor(name, help, Type::kCounter).counters[block];
  if (!slot) slot = std::make_unique<Counter>();
  return slot.get();
}

Gauge* MetricRegistry::GetGauge(std::string_view name, std::string_view help,
                                MetricLabels labels) {
  std::string block = LabelBlock(std::move(labels));
  std::lock_guard lock(mu_);
  auto& slot = FamilyFor(name, help, Type::kGauge).gauges[block];
  if (!slot) slot = std::make_unique<Gauge>();
  return slot.get();
}

std::string MetricRegistry::RenderPrometheus() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + EscapeHelp(family.help) + "\n";
    out += "# TYPE " + name + (family.type == Type::kCounter ? " counter\n" : " gauge\n");
    for (const auto& [labels, counter] : family.counters) {
      out += name + labels + " " + std::to_string(counter->value()) + "\n";
    }
    for (const auto& [labels, gauge] : family.gauges) {
      out += name + labels + " " + FormatMetricValue(gauge->value()) + "\n";
    }
  }
  return out;
}

}  // namespace basalt
