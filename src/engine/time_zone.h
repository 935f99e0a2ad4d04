// Time zones for the time-zone-dependent functions of an expression (from_unixtime,
// unix_timestamp, now, curdate): DATETIME values are civil times without a zone, so turning an
// instant (epoch seconds, "now") into a DATETIME, or back, needs a zone. A statement evaluates
// them in the session's `time_zone` variable; a routine load evaluates its COLUMNS expressions in
// the job's `timezone` property, as StarRocks does (the load's time zone is the one its
// functions use).
//
// Names are what StarRocks accepts (TimeUtils.checkTimeZoneValidAndStandardize):
//   - an offset "[+|-]H:MM" / "[+|-]HH:MM", standardized to "+HH:MM" / "-HH:MM", within
//     -12:00..+14:00;
//   - "CST" and "PRC", aliases of Asia/Shanghai (StarRocks' alias map, CST is not US Central);
//   - a zone of the IANA database ("Asia/Shanghai", "Etc/UTC", "UTC", "GMT", ...), read from the
//     system zoneinfo through Abseil; kept as written.
// Anything else is error 1298 "Unknown or incorrect time zone: '<name>'".
//
// Thread-safety: a TimeZone is immutable and may be shared.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace basalt {

class TimeZone {
 public:
  // UTC.
  TimeZone();
  ~TimeZone();
  TimeZone(const TimeZone&);
  TimeZone& operator=(const TimeZone&);

  // Loads a name (standardized or not, see above). Error 1298 naming it when it is not a zone.
  static Result<TimeZone> Load(std::string_view name);

  // The civil time (DATETIME micros since 1970-01-01 00:00:00, as engine values hold them) of an
  // instant given in seconds since the Unix epoch.
  int64_t CivilMicrosFromEpochSeconds(int64_t epoch_seconds) const;
  // The instant (seconds since the Unix epoch) of a civil time (DATETIME micros). A civil time
  // that a DST change skips or repeats maps like absl::FromCivil (the offset before the change).
  int64_t EpochSecondsFromCivilMicros(int64_t civil_micros) const;

  const std::string& name() const { return name_; }

 private:
  struct Impl;
  std::string name_ = "UTC";
  std::shared_ptr<const Impl> impl_;  // Null for UTC.
};

// The StarRocks-standardized spelling of a time zone name ("+8:00" -> "+08:00"; others as
// written), or error 1298 when it is not a zone.
Result<std::string> StandardizeTimeZone(std::string_view name);

}  // namespace basalt
