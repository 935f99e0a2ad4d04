// SlowObjectStore: adds latency to every call of another ObjectStore, to test timeouts, deadline
// propagation and overlap of I/O (e.g. that a scan's prefetch actually runs in parallel).
//
// Each call sleeps latency + a uniformly random extra in [0, jitter] before forwarding. The
// random source is seeded, so a test's delays are reproducible for a given call order.
//
// Ownership: shares the base store. Thread-safety: safe for concurrent use; sleeping calls do not
// block each other.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>

#include "common/io/object_store.h"

namespace basalt {

class SlowObjectStore final : public ObjectStore {
 public:
  SlowObjectStore(std::shared_ptr<ObjectStore> base, std::chrono::microseconds latency,
                  std::chrono::microseconds jitter = std::chrono::microseconds(0),
                  uint64_t seed = 42);

  Status Put(std::string_view key, std::string_view data) override;
  Result<std::optional<std::string>> Get(std::string_view key) override;
  Result<std::optional<std::string>> GetRange(std::string_view key, uint64_t offset,
                                              uint64_t length) override;
  Result<std::optional<ObjectInfo>> Head(std::string_view key) override;
  Result<ListPage> List(const ListOptions& options) override;
  Status Delete(std::string_view key) override;
  Status DeleteMany(std::span<const std::string> keys) override;
  Capabilities capabilities() const override { return base_->capabilities(); }
  std::string DebugName() const override { return "slow(" + base_->DebugName() + ")"; }

 private:
  void Delay();

  const std::shared_ptr<ObjectStore> base_;
  const std::chrono::microseconds latency_;
  const std::chrono::microseconds jitter_;
  std::mutex rng_mu_;
  std::mt19937_64 rng_;
};

}  // namespace basalt
