// Failpoints: named places in the code where a fault-injection test can make a process crash or an
// operation fail, to check what survives (e2e tests kill a CN between writing segments and
// answering the FE, for example).
//
// They are for fault-injection tests only and harmless when unset: with BASALT_FAILPOINTS absent
// from the environment, CheckFailpoint is one relaxed atomic load and always returns OK.
//
// Enabling: the environment variable BASALT_FAILPOINTS, read once when the process starts, holds
// a comma-separated list of `name=action`:
//
//   BASALT_FAILPOINTS="cn_write_after_segments=crash,cn_write_before_segments=error"
//
// Actions:
//   crash   the process sends itself SIGKILL at the failpoint (no cleanup, no flush), like kill -9.
//   error   CheckFailpoint returns Status::IOError("failpoint <name>"); the call site treats it as
//           an I/O failure at that point.
// Malformed entries are reported on stderr and ignored. Names are chosen by the call sites; list
// them with `grep -rn CheckFailpoint src`.
//
// Thread-safety: CheckFailpoint may be called from any thread. SetFailpointsForTest must not race
// with itself.
#pragma once

#include <atomic>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace basalt {

enum class FailpointAction { kCrash, kError };

struct FailpointSpec {
  std::string name;
  FailpointAction action = FailpointAction::kError;
  bool operator==(const FailpointSpec&) const = default;
};

// Parses the BASALT_FAILPOINTS syntax; InvalidArgument naming the bad entry. Empty entries (for
// example from a trailing comma) are skipped.
Result<std::vector<FailpointSpec>> ParseFailpoints(std::string_view spec);

// Replaces the active failpoints (an empty spec disarms all). For unit tests.
Status SetFailpointsForTest(std::string_view spec);

namespace internal {
extern std::atomic<bool> g_failpoints_armed;
Status CheckFailpointSlow(std::string_view name);
}  // namespace internal

// OK unless the failpoint `name` is enabled; see the actions above.
inline Status CheckFailpoint(std::string_view name) {
  if (!internal::g_failpoints_armed.load(std::memory_order_relaxed)) return Status::OK();
  return internal::CheckFailpointSlow(name);
}

}  // namespace basalt
