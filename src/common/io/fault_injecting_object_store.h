// FaultInjectingObjectStore: wraps another ObjectStore and makes chosen calls fail, to test that
// callers handle store errors (and the nastier "it worked but I was told it failed").
//
// A FaultRule selects calls by operation and by key glob (fnmatch(3) without flags, so '*' also
// matches '/'), lets the first `skip` matching calls through, then fails the next `count` of them
// with IOError or TimedOut. With kAfterApply the call is first forwarded to the base store and
// its effect kept (the object is written or deleted), and only the answer is replaced by the
// error: the client-side view of a request that succeeded on the server but whose response was
// lost. With kBeforeApply (the default) the base store is not touched.
//
// List and DeleteMany match a rule's key glob against the listing prefix and against each key
// respectively (DeleteMany fails if any key matches).
//
// With no rules it is a transparent pass-through (the conformance suite checks that).
//
// Ownership: shares the base store. Thread-safety: safe for concurrent use; rule matching is
// serialized on one mutex, base calls are not.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/io/object_store.h"

namespace basalt {

enum class ObjectStoreOp : uint32_t {
  kPut = 1u << 0,
  kGet = 1u << 1,  // Get and GetRange.
  kHead = 1u << 2,
  kList = 1u << 3,
  kDelete = 1u << 4,  // Delete and DeleteMany.
};
inline constexpr uint32_t kAllObjectStoreOps = 0x1F;
inline constexpr uint32_t operator|(ObjectStoreOp a, ObjectStoreOp b) {
  return static_cast<uint32_t>(a) | static_cast<uint32_t>(b);
}

struct FaultRule {
  enum class When { kBeforeApply, kAfterApply };

  uint32_t ops = kAllObjectStoreOps;  // Bitwise or of ObjectStoreOp values.
  std::string key_glob = "*";
  int64_t skip = 0;    // Matching calls let through before failing ("fail the Nth": skip N-1).
  int64_t count = 1;   // Matching calls failed after that; -1 fails forever.
  StatusCode code = StatusCode::kIOError;  // kIOError or kTimedOut, typically.
  When when = When::kBeforeApply;
};

class FaultInjectingObjectStore final : public ObjectStore {
 public:
  explicit FaultInjectingObjectStore(std::shared_ptr<ObjectStore> base);

  // Rules are checked in the order added; the first rule that selects a call (and still has
  // failures left) decides it. Every matching rule counts the call toward its skip.
  void AddFault(FaultRule rule);
  void ClearFaults();
  // Calls failed by this wrapper so far.
  int64_t injected_failures() const;

  Status Put(std::string_view key, std::string_view data) override;
  Result<std::optional<std::string>> Get(std::string_view key) override;
  Result<std::optional<std::string>> GetRange(std::string_view key, uint64_t offset,
                                              uint64_t length) override;
  Result<std::optional<ObjectInfo>> Head(std::string_view key) override;
  Result<ListPage> List(const ListOptions& options) override;
  Status Delete(std::string_view key) override;
  Status DeleteMany(std::span<const std::string> keys) override;
  Capabilities capabilities() const override { return base_->capabilities(); }
  std::string DebugName() const override { return "faulty(" + base_->DebugName() + ")"; }

 private:
  struct ActiveRule {
    FaultRule rule;
    int64_t seen = 0;
    int64_t failed = 0;
  };
  struct Decision {
    bool fail = false;
    FaultRule::When when = FaultRule::When::kBeforeApply;
    Status error;
  };
  // Decides one call; subjects are the keys (or listing prefix) the call concerns.
  Decision Decide(ObjectStoreOp op, std::string_view what, std::span<const std::string> subjects);

  const std::shared_ptr<ObjectStore> base_;
  mutable std::mutex mu_;
  std::vector<ActiveRule> rules_;
  int64_t injected_failures_ = 0;
};

}  // namespace basalt
