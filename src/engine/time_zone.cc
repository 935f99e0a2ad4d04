#include "engine/time_zone.h"

#include <absl/time/time.h>

#include <cctype>
#include <cstdio>
#include <optional>

#include "common/sql_errors.h"
#include "engine/types.h"

namespace basalt {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kSecondsPerDay = 86400;

Status UnknownTimeZone(std::string_view name) {
  return Status::Sql(sql_errors::kUnknownTimeZone, "Unknown or incorrect time zone: '" + std::string(name) + "'");
}

// "[+|-]H:MM" or "[+|-]HH:MM" (StarRocks' TIMEZONE_OFFSET_FORMAT_REG): the offset in seconds and
// its standardized text, or nullopt when `name` does not have that shape.
struct Offset {
  int seconds = 0;
  std::string text;
};
std::optional<Offset> ParseOffset(std::string_view name) {
  std::string_view s = name;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || s.size() != colon + 3) return std::nullopt;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i != colon && !std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  }
  int hours = std::stoi(std::string(s.substr(0, colon)));
  int minutes = std::stoi(std::string(s.substr(colon + 1)));
  char text[16];
  std::snprintf(text, sizeof(text), "%c%02d:%02d", negative ? '-' : '+', hours, minutes);
  Offset out;
  out.seconds = (negative ? -1 : 1) * (hours * 3600 + minutes * 60);
  out.text = text;
  return out;
}

// A name the zoneinfo lookup may see: IANA names are letters, digits and "/_-+"; anything else
// (notably ".." or a leading "/", which would make Abseil read an arbitrary file) is refused.
bool PlausibleZoneName(std::string_view name) {
  if (name.empty() || name[0] == '/' || name.find("..") != std::string_view::npos) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+')) return false;
  }
  // Abseil's own pseudo-names, which Java's ZoneId (StarRocks' validator) does not know.
  return name != "localtime" && name.rfind("Fixed/", 0) != 0;
}

}  // namespace

struct TimeZone::Impl {
  absl::TimeZone zone;
};

TimeZone::TimeZone() = default;
TimeZone::~TimeZone() = default;
TimeZone::TimeZone(const TimeZone&) = default;
TimeZone& TimeZone::operator=(const TimeZone&) = default;

Result<std::string> StandardizeTimeZone(std::string_view name) {
  if (auto offset = ParseOffset(name)) {
    // Offsets in use around the world run from -12:00 to +14:00.
    if (offset->seconds < -12 * 3600 || offset->seconds > 14 * 3600 || offset->text.substr(4) >= "60") {
      return UnknownTimeZone(offset->text);
    }
    return offset->text;
  }
  RETURN_IF_ERROR(TimeZone::Load(name).status());
  return std::string(name);
}

Result<TimeZone> TimeZone::Load(std::string_view name) {
  TimeZone tz;
  tz.name_ = std::string(name);
  auto impl = std::make_shared<Impl>();
  if (auto offset = ParseOffset(name)) {
    if (offset->seconds < -12 * 3600 || offset->seconds > 14 * 3600 || offset->text.substr(4) >= "60") {
      return UnknownTimeZone(name);
    }
    impl->zone = absl::FixedTimeZone(offset->seconds);
  } else {
    std::string zone_name(name);
    if (zone_name == "CST" || zone_name == "PRC") zone_name = "Asia/Shanghai";  // StarRocks' alias map.
    if (!PlausibleZoneName(zone_name) || !absl::LoadTimeZone(zone_name, &impl->zone)) return UnknownTimeZone(name);
  }
  tz.impl_ = std::move(impl);
  return tz;
}

int64_t TimeZone::CivilMicrosFromEpochSeconds(int64_t epoch_seconds) const {
  if (!impl_) return epoch_seconds * kMicrosPerSecond;
  absl::CivilSecond civil = absl::ToCivilSecond(absl::FromUnixSeconds(epoch_seconds), impl_->zone);
  int64_t days = DaysFromCivil(civil.year(), static_cast<unsigned>(civil.month()), static_cast<unsigned>(civil.day()));
  int64_t seconds = days * kSecondsPerDay + civil.hour() * 3600 + civil.minute() * 60 + civil.second();
  return seconds * kMicrosPerSecond;
}

int64_t TimeZone::EpochSecondsFromCivilMicros(int64_t civil_micros) const {
  int64_t seconds = civil_micros / kMicrosPerSecond - (civil_micros % kMicrosPerSecond < 0 ? 1 : 0);
  if (!impl_) return seconds;
  int64_t days = seconds / kSecondsPerDay - (seconds % kSecondsPerDay < 0 ? 1 : 0);
  int64_t in_day = seconds - days * kSecondsPerDay;
  int64_t year = 0;
  unsigned month = 0, day = 0;
  CivilFromDays(days, &year, &month, &day);
  absl::CivilSecond civil(year, static_cast<int>(month), static_cast<int>(day), static_cast<int>(in_day / 3600),
                          static_cast<int>(in_day / 60 % 60), static_cast<int>(in_day % 60));
  return absl::ToUnixSeconds(absl::FromCivil(civil, impl_->zone));
}

}  // namespace basalt
