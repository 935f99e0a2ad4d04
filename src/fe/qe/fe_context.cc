#include "fe/qe/fe_context.h"

namespace basalt::fe {

void SessionRegistry::Add(std::shared_ptr<Session> session) {
  std::lock_guard lock(mu_);
  sessions_[session->connection_id()] = std::move(session);
}

void SessionRegistry::Remove(uint32_t connection_id) {
  std::lock_guard lock(mu_);
  sessions_.erase(connection_id);
}

std::shared_ptr<Session> SessionRegistry::Find(uint32_t connection_id) const {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(connection_id);
  return it == sessions_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<Session>> SessionRegistry::List() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<Session>> out;
  for (const auto& [id, s] : sessions_) out.push_back(s);
  return out;
}

size_t SessionRegistry::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

}  // namespace basalt::fe
