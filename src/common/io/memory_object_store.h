// InMemoryObjectStore: an ObjectStore in a std::map, for unit tests and the in-process cluster.
//
// Objects are immutable shared buffers, so Get copies bytes out but never blocks writers for long,
// and Put swaps the pointer under the lock (which is what makes it all-or-nothing). Nothing is
// durable: the contents die with the object (capabilities().durable is false).
//
// Thread-safety: safe for concurrent use; every call takes one mutex for the map lookup only.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/io/object_store.h"

namespace basalt {

class InMemoryObjectStore final : public ObjectStore {
 public:
  InMemoryObjectStore() = default;

  Status Put(std::string_view key, std::string_view data) override;
  Result<std::optional<std::string>> Get(std::string_view key) override;
  Result<std::optional<std::string>> GetRange(std::string_view key, uint64_t offset,
                                              uint64_t length) override;
  Result<std::optional<ObjectInfo>> Head(std::string_view key) override;
  Result<ListPage> List(const ListOptions& options) override;
  Status Delete(std::string_view key) override;
  Status DeleteMany(std::span<const std::string> keys) override;
  Capabilities capabilities() const override;
  std::string DebugName() const override { return "memory"; }

  // Number of objects and their total size, for tests.
  size_t object_count() const;
  uint64_t total_bytes() const;

 private:
  std::shared_ptr<const std::string> Find(std::string_view key) const;

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const std::string>, std::less<>> objects_;
};

}  // namespace basalt
