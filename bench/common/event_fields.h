// The field vocabulary of the generated benchmark events, shared by the Kafka generator
// (bench/gen) and the segment-size benchmark (bench/segment_size) so both produce the same rows:
// event i depends only on the seed and i (splitmix64 of seed + i), never on the clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace basalt::bench {

// splitmix64: a tiny, well-mixed, stateless-per-index generator.
inline uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

inline constexpr std::string_view kSites[] = {
    "https://www.starrocks.io/",
    "https://www.starrocks.io/blog",
    "https://www.starrocks.io/product/community",
    "https://docs.starrocks.io/",
    "https://docs.starrocks.io/docs/quick_start/",
    "https://docs.starrocks.io/docs/loading/RoutineLoad/",
    "https://docs.starrocks.io/docs/sql-reference/sql-statements/",
    "https://github.com/StarRocks/starrocks",
};
inline constexpr std::string_view kCountries[] = {"JP", "US", "DE", "FR", "CN", "BR", "IN", "GB", "KR", "CA"};
inline constexpr std::string_view kDevices[] = {"desktop", "mobile", "tablet"};
inline constexpr std::string_view kBrowsers[] = {"Chrome", "Firefox", "Safari", "Edge"};
inline constexpr uint64_t kBaseEpoch = 1718000000;  // fixed: the sequence never depends on the clock

template <size_t N>
std::string_view Pick(const std::string_view (&arr)[N], uint64_t r) {
  return arr[r % N];
}

// A row count from the command line: a number with an optional k/m/g suffix ("10m"). False for
// anything else, so a typo is reported instead of silently becoming 0.
inline bool ParseCount(const char* text, uint64_t* out) {
  char* end = nullptr;
  double v = std::strtod(text, &end);
  if (end == text || v < 0) return false;
  if (*end == 'k' || *end == 'K') {
    v *= 1e3;
    ++end;
  } else if (*end == 'm' || *end == 'M') {
    v *= 1e6;
    ++end;
  } else if (*end == 'g' || *end == 'G') {
    v *= 1e9;
    ++end;
  }
  if (*end != '\0') return false;
  *out = static_cast<uint64_t>(v);
  return true;
}

}  // namespace basalt::bench
