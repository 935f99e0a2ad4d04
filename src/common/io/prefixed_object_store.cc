#include "common/io/prefixed_object_store.h"

namespace basalt {

Result<std::unique_ptr<PrefixedObjectStore>> PrefixedObjectStore::Make(
    std::shared_ptr<ObjectStore> base, std::string prefix) {
  if (base == nullptr) return Status::InvalidArgument("prefixed object store: no base store");
  if (prefix.empty() || prefix.back() != '/') {
    return Status::InvalidArgument("object store prefix '" + prefix + "' must end with '/'");
  }
  RETURN_IF_ERROR(ValidateObjectKey(std::string_view(prefix).substr(0, prefix.size() - 1))
                      .WithContext("object store prefix"));
  return std::unique_ptr<PrefixedObjectStore>(
      new PrefixedObjectStore(std::move(base), std::move(prefix)));
}

Result<std::string> PrefixedObjectStore::BaseKey(std::string_view key) const {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  return prefix_ + std::string(key);
}

Status PrefixedObjectStore::Put(std::string_view key, std::string_view data) {
  ASSIGN_OR_RETURN(std::string base_key, BaseKey(key));
  return base_->Put(base_key, data);
}

Result<std::optional<std::string>> PrefixedObjectStore::Get(std::string_view key) {
  ASSIGN_OR_RETURN(std::string base_key, BaseKey(key));
  return base_->Get(base_key);
}

Result<std::optional<std::string>> PrefixedObjectStore::GetRange(std::string_view key,
                                                                 uint64_t offset,
                                                                 uint64_t length) {
  ASSIGN_OR_RETURN(std::string base_key, BaseKey(key));
  return base_->GetRange(base_key, offset, length);
}

Result<std::optional<ObjectInfo>> PrefixedObjectStore::Head(std::string_view key) {
  ASSIGN_OR_RETURN(std::string base_key, BaseKey(key));
  ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, base_->Head(base_key));
  if (info.has_value()) info->key = std::string(key);
  return info;
}

Result<ListPage> PrefixedObjectStore::List(const ListOptions& options) {
  ListOptions base_options = options;
  base_options.prefix = prefix_ + options.prefix;
  ASSIGN_OR_RETURN(ListPage page, base_->List(base_options));
  for (ObjectInfo& info : page.objects) {
    if (!info.key.starts_with(prefix_)) {
      return Status::Internal("object store " + base_->DebugName() + " listed '" + info.key +
                              "' for prefix '" + base_options.prefix + "'");
    }
    info.key.erase(0, prefix_.size());
  }
  return page;
}

Status PrefixedObjectStore::Delete(std::string_view key) {
  ASSIGN_OR_RETURN(std::string base_key, BaseKey(key));
  return base_->Delete(base_key);
}

Status PrefixedObjectStore::DeleteMany(std::span<const std::string> keys) {
  std::vector<std::string> base_keys;
  base_keys.reserve(keys.size());
  for (const std::string& key : keys) {
    ASSIGN_OR_RETURN(std::string base_key, BaseKey(key));
    base_keys.push_back(std::move(base_key));
  }
  return base_->DeleteMany(base_keys);
}

}  // namespace basalt
