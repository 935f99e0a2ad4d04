#include "common/io/slow_object_store.h"

#include <thread>

namespace basalt {

SlowObjectStore::SlowObjectStore(std::shared_ptr<ObjectStore> base,
                                 std::chrono::microseconds latency,
                                 std::chrono::microseconds jitter, uint64_t seed)
    : base_(std::move(base)), latency_(latency), jitter_(jitter), rng_(seed) {}

void SlowObjectStore::Delay() {
  std::chrono::microseconds delay = latency_;
  if (jitter_.count() > 0) {
    std::lock_guard<std::mutex> lock(rng_mu_);
    std::uniform_int_distribution<int64_t> extra(0, jitter_.count());
    delay += std::chrono::microseconds(extra(rng_));
  }
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
}

Status SlowObjectStore::Put(std::string_view key, std::string_view data) {
  Delay();
  return base_->Put(key, data);
}

Result<std::optional<std::string>> SlowObjectStore::Get(std::string_view key) {
  Delay();
  return base_->Get(key);
}

Result<std::optional<std::string>> SlowObjectStore::GetRange(std::string_view key,
                                                             uint64_t offset, uint64_t length) {
  Delay();
  return base_->GetRange(key, offset, length);
}

Result<std::optional<ObjectInfo>> SlowObjectStore::Head(std::string_view key) {
  Delay();
  return base_->Head(key);
}

Result<ListPage> SlowObjectStore::List(const ListOptions& options) {
  Delay();
  return base_->List(options);
}

Status SlowObjectStore::Delete(std::string_view key) {
  Delay();
  return base_->Delete(key);
}

Status SlowObjectStore::DeleteMany(std::span<const std::string> keys) {
  Delay();
  return base_->DeleteMany(keys);
}

}  // namespace basalt
