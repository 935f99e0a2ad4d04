#include "common/io/fault_injecting_object_store.h"

#include <fnmatch.h>

namespace basalt {
namespace {

const char* OpName(ObjectStoreOp op) {
  switch (op) {
    case ObjectStoreOp::kPut: return "put";
    case ObjectStoreOp::kGet: return "get";
    case ObjectStoreOp::kHead: return "head";
    case ObjectStoreOp::kList: return "list";
    case ObjectStoreOp::kDelete: return "delete";
  }
  return "?";
}

bool Matches(const std::string& glob, const std::string& subject) {
  return ::fnmatch(glob.c_str(), subject.c_str(), 0) == 0;
}

}  // namespace

FaultInjectingObjectStore::FaultInjectingObjectStore(std::shared_ptr<ObjectStore> base)
    : base_(std::move(base)) {}

void FaultInjectingObjectStore::AddFault(FaultRule rule) {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.push_back(ActiveRule{std::move(rule)});
}

void FaultInjectingObjectStore::ClearFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.clear();
}

int64_t FaultInjectingObjectStore::injected_failures() const {
  std::lock_guard<std::mutex> lock(mu_);
  return injected_failures_;
}

FaultInjectingObjectStore::Decision FaultInjectingObjectStore::Decide(
    ObjectStoreOp op, std::string_view what, std::span<const std::string> subjects) {
  Decision decision;
  std::lock_guard<std::mutex> lock(mu_);
  for (ActiveRule& active : rules_) {
    if ((active.rule.ops & static_cast<uint32_t>(op)) == 0) continue;
    bool selected = false;
    for (const std::string& subject : subjects) {
      if (Matches(active.rule.key_glob, subject)) {
        selected = true;
        break;
      }
    }
    if (!selected) continue;
    int64_t index = active.seen++;
    if (decision.fail || index < active.rule.skip) continue;
    if (active.rule.count >= 0 && active.failed >= active.rule.count) continue;
    ++active.failed;
    ++injected_failures_;
    decision.fail = true;
    decision.when = active.rule.when;
    decision.error = Status(active.rule.code,
                            std::string("injected fault: ") + OpName(op) + " '" +
                                std::string(what) + "'" +
                                (active.rule.when == FaultRule::When::kAfterApply
                                     ? " (the operation was applied)"
                                     : ""));
  }
  return decision;
}

Status FaultInjectingObjectStore::Put(std::string_view key, std::string_view data) {
  std::string subject(key);
  Decision d = Decide(ObjectStoreOp::kPut, key, {&subject, 1});
  if (!d.fail) return base_->Put(key, data);
  if (d.when == FaultRule::When::kAfterApply) RETURN_IF_ERROR(base_->Put(key, data));
  return d.error;
}

Result<std::optional<std::string>> FaultInjectingObjectStore::Get(std::string_view key) {
  std::string subject(key);
  Decision d = Decide(ObjectStoreOp::kGet, key, {&subject, 1});
  if (!d.fail) return base_->Get(key);
  if (d.when == FaultRule::When::kAfterApply) RETURN_IF_ERROR(base_->Get(key));
  return d.error;
}

Result<std::optional<std::string>> FaultInjectingObjectStore::GetRange(std::string_view key,
                                                                       uint64_t offset,
                                                                       uint64_t length) {
  std::string subject(key);
  Decision d = Decide(ObjectStoreOp::kGet, key, {&subject, 1});
  if (!d.fail) return base_->GetRange(key, offset, length);
  if (d.when == FaultRule::When::kAfterApply) {
    RETURN_IF_ERROR(base_->GetRange(key, offset, length));
  }
  return d.error;
}

Result<std::optional<ObjectInfo>> FaultInjectingObjectStore::Head(std::string_view key) {
  std::string subject(key);
  Decision d = Decide(ObjectStoreOp::kHead, key, {&subject, 1});
  if (!d.fail) return base_->Head(key);
  if (d.when == FaultRule::When::kAfterApply) RETURN_IF_ERROR(base_->Head(key));
  return d.error;
}

Result<ListPage> FaultInjectingObjectStore::List(const ListOptions& options) {
  Decision d = Decide(ObjectStoreOp::kList, options.prefix, {&options.prefix, 1});
  if (!d.fail) return base_->List(options);
  if (d.when == FaultRule::When::kAfterApply) RETURN_IF_ERROR(base_->List(options));
  return d.error;
}

Status FaultInjectingObjectStore::Delete(std::string_view key) {
  std::string subject(key);
  Decision d = Decide(ObjectStoreOp::kDelete, key, {&subject, 1});
  if (!d.fail) return base_->Delete(key);
  if (d.when == FaultRule::When::kAfterApply) RETURN_IF_ERROR(base_->Delete(key));
  return d.error;
}

Status FaultInjectingObjectStore::DeleteMany(std::span<const std::string> keys) {
  std::string what = keys.empty() ? std::string() : keys.front();
  if (keys.size() > 1) what += " and " + std::to_string(keys.size() - 1) + " more";
  Decision d = Decide(ObjectStoreOp::kDelete, what, keys);
  if (!d.fail) return base_->DeleteMany(keys);
  if (d.when == FaultRule::When::kAfterApply) RETURN_IF_ERROR(base_->DeleteMany(keys));
  return d.error;
}

}  // namespace basalt
