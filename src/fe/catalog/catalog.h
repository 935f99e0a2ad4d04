// The FE catalog: databases, their tables, users, storage volumes and compute-node membership.
//
// The catalog changes only by applying journal entries (Apply), so replay at startup and the
// live path run the same code. Readers take a shared lock and get copies; nothing hands out
// references into the maps.
//
// MetaStore ties the catalog to the journal: Submit() validates an edit against the current
// catalog, appends it durably, applies it, and only then returns OK, so an acknowledged DDL
// survives any crash. Submits are serialized by one mutex (DDL rates are tiny; clarity wins).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/io/file_system.h"
#include "common/status.h"
#include "fe/journal/journal.h"
#include "journal.pb.h"

namespace basalt::fe {

class Catalog {
 public:
  Catalog();

  // Journal apply path. Errors mean the entry contradicts the catalog (a bug or a damaged
  // journal); the journal then refuses further writes.
  Status Apply(const proto::JournalEntry& entry);
  Status LoadImage(const proto::CatalogImage& image);
  proto::CatalogImage SnapshotImage() const;

  std::optional<proto::DatabaseMeta> FindDatabase(std::string_view name) const;
  std::vector<proto::DatabaseMeta> ListDatabases() const;
  std::optional<proto::UserMeta> FindUser(std::string_view name) const;
  std::vector<proto::UserMeta> ListUsers() const;
  std::vector<proto::ComputeNodeMeta> ListComputeNodes() const;
  std::optional<proto::ComputeNodeMeta> FindComputeNode(std::string_view host, int port) const;
  int64_t PeekNextId() const;

  std::optional<proto::StorageVolumeMeta> FindStorageVolume(std::string_view name) const;
  std::vector<proto::StorageVolumeMeta> ListStorageVolumes() const;
  std::string default_storage_volume() const;  // Empty when none is set.

  // Values set with SET GLOBAL, by variable name.
  std::vector<proto::GlobalVariable> ListGlobalVariables() const;

  // Tables of a database, by name (case-sensitive, as in StarRocks). Dropping a database drops
  // its tables with it.
  std::optional<proto::TableMeta> FindTable(std::string_view db, std::string_view name) const;
  std::vector<proto::TableMeta> ListTables(std::string_view db) const;  // Sorted by name.
  std::vector<proto::TableMeta> ListAllTables() const;                  // Sorted by db, name.

  // Called after a compute node is added/removed by Apply, so runtime services can follow.
  void SetComputeNodeListener(std::function<void(const proto::ComputeNodeMeta&, bool added)> listener);
  // Called after a SET GLOBAL entry applies (live or at replay), so the variable table follows.
  void SetGlobalVariableListener(std::function<void(const proto::GlobalVariable&)> listener);

 private:
  proto::TableMeta* FindTableLocked(std::string_view db, std::string_view name);  // mu_ held exclusively.

  mutable std::shared_mutex mu_;
  int64_t next_id_ = 10000;  // Ids below are reserved for built-in objects.
  std::map<std::string, proto::DatabaseMeta, std::less<>> databases_;  // by name (case-sensitive)
  std::map<std::string, proto::UserMeta, std::less<>> users_;          // by user name
  std::map<int64_t, proto::ComputeNodeMeta> compute_nodes_;
  std::map<std::string, proto::StorageVolumeMeta, std::less<>> storage_volumes_;
  std::string default_storage_volume_;
  std::map<std::string, proto::GlobalVariable, std::less<>> global_variables_;
  // db name -> table name -> table.
  std::map<std::string, std::map<std::string, proto::TableMeta, std::less<>>, std::less<>> tables_;
  std::function<void(const proto::ComputeNodeMeta&, bool)> compute_node_listener_;
  std::function<void(const proto::GlobalVariable&)> global_variable_listener_;
};

class MetaStore {
 public:
  // Opens (or creates) the journal under `meta_dir`, replays it into `catalog`, and creates the
  // root user on first start. Corruption here means the FE must not start.
  static Result<std::unique_ptr<MetaStore>> Open(FileSystem* fs, const std::string& meta_dir, Catalog* catalog);

  // `validate` runs under the DDL lock against the current catalog and may fill in ids; when it
  // returns OK the entry is journaled and applied. Returns the entry's journal sequence number.
  Result<uint64_t> Submit(proto::JournalEntry entry,
                          const std::function<Status(const Catalog&, proto::JournalEntry*)>& validate = nullptr);

  // Writes an image of the catalog and lets the journal drop covered segments.
  Status Checkpoint();
  uint64_t last_seq() const { return journal_->last_seq(); }
  const std::string& meta_dir() const { return meta_dir_; }

 private:
  MetaStore(Catalog* catalog, std::string meta_dir) : catalog_(catalog), meta_dir_(std::move(meta_dir)) {}
  Catalog* catalog_;
  std::string meta_dir_;
  std::unique_ptr<Journal> journal_;
  std::mutex ddl_mu_;
};

}  // namespace basalt::fe
