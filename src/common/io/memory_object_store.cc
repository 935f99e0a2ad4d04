#include "common/io/memory_object_store.h"

#include <algorithm>

namespace basalt {

Status InMemoryObjectStore::Put(std::string_view key, std::string_view data) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  // Copy outside the lock; the swap below is the atomic publication.
  auto object = std::make_shared<const std::string>(data);
  std::lock_guard<std::mutex> lock(mu_);
  objects_.insert_or_assign(std::string(key), std::move(object));
  return Status::OK();
}

std::shared_ptr<const std::string> InMemoryObjectStore::Find(std::string_view key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

Result<std::optional<std::string>> InMemoryObjectStore::Get(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  std::shared_ptr<const std::string> object = Find(key);
  if (object == nullptr) return std::optional<std::string>();
  return std::optional<std::string>(*object);
}

Result<std::optional<std::string>> InMemoryObjectStore::GetRange(std::string_view key,
                                                                 uint64_t offset,
                                                                 uint64_t length) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  std::shared_ptr<const std::string> object = Find(key);
  if (object == nullptr) return std::optional<std::string>();
  if (offset >= object->size()) return std::optional<std::string>(std::string());
  uint64_t n = std::min<uint64_t>(length, object->size() - offset);
  return std::optional<std::string>(object->substr(offset, n));
}

Result<std::optional<ObjectInfo>> InMemoryObjectStore::Head(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  std::shared_ptr<const std::string> object = Find(key);
  if (object == nullptr) return std::optional<ObjectInfo>();
  return std::optional<ObjectInfo>(ObjectInfo{std::string(key), object->size()});
}

Result<ListPage> InMemoryObjectStore::List(const ListOptions& options) {
  size_t max_keys = static_cast<size_t>(ClampListMaxKeys(options.max_keys));
  ListPage page;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = options.continuation_token.empty() ? objects_.lower_bound(options.prefix)
                                               : objects_.upper_bound(options.continuation_token);
  for (; it != objects_.end() && it->first.starts_with(options.prefix); ++it) {
    if (page.objects.size() == max_keys) {
      page.next_continuation_token = page.objects.back().key;
      break;
    }
    page.objects.push_back(ObjectInfo{it->first, it->second->size()});
  }
  return page;
}

Status InMemoryObjectStore::Delete(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(key);
  if (it != objects_.end()) objects_.erase(it);
  return Status::OK();
}

Status InMemoryObjectStore::DeleteMany(std::span<const std::string> keys) {
  for (const std::string& key : keys) RETURN_IF_ERROR(ValidateObjectKey(key));
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& key : keys) objects_.erase(key);
  return Status::OK();
}

Capabilities InMemoryObjectStore::capabilities() const {
  Capabilities caps;
  caps.durable = false;
  return caps;
}

size_t InMemoryObjectStore::object_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return objects_.size();
}

uint64_t InMemoryObjectStore::total_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t total = 0;
  for (const auto& [key, object] : objects_) total += object->size();
  return total;
}

}  // namespace basalt
