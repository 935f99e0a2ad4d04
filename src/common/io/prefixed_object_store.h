// PrefixedObjectStore: a view of another ObjectStore in which every key is stored under a fixed
// prefix, e.g. one storage volume's "warehouse/" inside a shared bucket. Keys passed in and
// returned by List are relative to the prefix; the base store sees "<prefix><key>".
//
// The prefix must itself be a valid key followed by '/' ("a/b/"), so every relative key maps to
// a valid base key. List tokens are passed through unchanged (they are opaque and belong to the
// base store).
//
// Ownership: shares the base store, which is usually one S3 client (one connection pool) behind
// many prefixed views. Thread-safety: as the base; this class adds no state after construction.
#pragma once

#include <memory>
#include <string>

#include "common/io/object_store.h"

namespace basalt {

class PrefixedObjectStore final : public ObjectStore {
 public:
  // InvalidArgument unless prefix is a valid key followed by '/'.
  static Result<std::unique_ptr<PrefixedObjectStore>> Make(std::shared_ptr<ObjectStore> base,
                                                           std::string prefix);

  Status Put(std::string_view key, std::string_view data) override;
  Result<std::optional<std::string>> Get(std::string_view key) override;
  Result<std::optional<std::string>> GetRange(std::string_view key, uint64_t offset,
                                              uint64_t length) override;
  Result<std::optional<ObjectInfo>> Head(std::string_view key) override;
  Result<ListPage> List(const ListOptions& options) override;
  Status Delete(std::string_view key) override;
  Status DeleteMany(std::span<const std::string> keys) override;
  Capabilities capabilities() const override { return base_->capabilities(); }
  std::string DebugName() const override { return base_->DebugName() + "/" + prefix_; }

  const std::string& prefix() const { return prefix_; }

 private:
  PrefixedObjectStore(std::shared_ptr<ObjectStore> base, std::string prefix)
      : base_(std::move(base)), prefix_(std::move(prefix)) {}
  // Validates key on its own (so errors name the caller's key) and returns the base key.
  Result<std::string> BaseKey(std::string_view key) const;

  const std::shared_ptr<ObjectStore> base_;
  const std::string prefix_;
};

}  // namespace basalt
