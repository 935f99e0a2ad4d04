#include "common/failpoint.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "common/string_util.h"

namespace basalt {
namespace internal {
std::atomic<bool> g_failpoints_armed{false};
}  // namespace internal

namespace {

std::mutex& Mu() {
  static std::mutex mu;
  return mu;
}

// Guarded by Mu(). Leaked on purpose: failpoints may be checked during static destruction.
std::vector<FailpointSpec>& Active() {
  static auto* active = new std::vector<FailpointSpec>();
  return *active;
}

void Install(std::vector<FailpointSpec> specs) {
  std::lock_guard<std::mutex> lock(Mu());
  Active() = std::move(specs);
  internal::g_failpoints_armed.store(!Active().empty(), std::memory_order_relaxed);
}

// Read before main() so "read once at startup" holds even for code that runs early; entries that
// do not parse are reported and skipped rather than stopping the process.
const bool kLoadedFromEnv = [] {
  const char* env = std::getenv("BASALT_FAILPOINTS");
  if (env == nullptr || *env == '\0') return false;
  std::vector<FailpointSpec> good;
  std::string_view rest = env;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view entry = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    auto parsed = ParseFailpoints(entry);
    if (!parsed.ok()) {
      std::fprintf(stderr, "BASALT_FAILPOINTS: ignoring %s\n", parsed.status().message().c_str());
      continue;
    }
    for (FailpointSpec& spec : *parsed) good.push_back(std::move(spec));
  }
  for (const FailpointSpec& spec : good) {
    std::fprintf(stderr, "BASALT_FAILPOINTS: %s=%s enabled\n", spec.name.c_str(),
                 spec.action == FailpointAction::kCrash ? "crash" : "error");
  }
  Install(std::move(good));
  return true;
}();

}  // namespace

Result<std::vector<FailpointSpec>> ParseFailpoints(std::string_view spec) {
  std::vector<FailpointSpec> out;
  while (!spec.empty()) {
    size_t comma = spec.find(',');
    std::string_view entry = Trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    if (entry.empty()) continue;
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument("failpoint entry '" + std::string(entry) + "' is not name=action");
    }
    FailpointSpec fp;
    fp.name = std::string(Trim(entry.substr(0, eq)));
    std::string_view action = Trim(entry.substr(eq + 1));
    if (fp.name.empty()) {
      return Status::InvalidArgument("failpoint entry '" + std::string(entry) + "' has no name");
    }
    if (action == "crash") {
      fp.action = FailpointAction::kCrash;
    } else if (action == "error") {
      fp.action = FailpointAction::kError;
    } else {
      return Status::InvalidArgument("failpoint '" + fp.name + "' has unknown action '" +
                                     std::string(action) + "' (crash or error)");
    }
    out.push_back(std::move(fp));
  }
  return out;
}

Status SetFailpointsForTest(std::string_view spec) {
  ASSIGN_OR_RETURN(std::vector<FailpointSpec> specs, ParseFailpoints(spec));
  Install(std::move(specs));
  return Status::OK();
}

namespace internal {

Status CheckFailpointSlow(std::string_view name) {
  (void)kLoadedFromEnv;
  FailpointAction action;
  {
    std::lock_guard<std::mutex> lock(Mu());
    auto& active = Active();
    auto it = std::find_if(active.begin(), active.end(), [&](const FailpointSpec& s) { return s.name == name; });
    if (it == active.end()) return Status::OK();
    action = it->action;
  }
  if (action == FailpointAction::kCrash) {
    std::fprintf(stderr, "failpoint %.*s: crashing\n", static_cast<int>(name.size()), name.data());
    ::kill(::getpid(), SIGKILL);
    ::_exit(137);  // Not reached; SIGKILL cannot be caught.
  }
  return Status::IOError("failpoint " + std::string(name));
}

}  // namespace internal
}  // namespace basalt
