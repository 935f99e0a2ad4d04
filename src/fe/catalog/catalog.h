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

  // The table with this id, with its db and name; nullopt when dropped.
  std::optional<proto::TableMeta> FindTableById(int64_t table_id) const;

  // Load transactions (DESIGN.md "The commit rule"). A transaction is running from its BeginTxn
  // entry until its CommitTxn or AbortTxn entry; only a running transaction may commit, which is
  // what fences a timed-out or abandoned writer.
  std::optional<proto::TxnMeta> FindRunningTxn(int64_t txn_id) const;
  std::vector<proto::TxnMeta> ListRunningTxns() const;
  // The latest transaction that used `label` in database `db_id`: running (status PREPARE),
  // VISIBLE or ABORTED. nullopt when the label was never used.
  std::optional<proto::LabelMeta> FindLabel(int64_t db_id, std::string_view label) const;
  // Objects waiting for garbage collection.
  std::vector<proto::OrphanPB> ListOrphans() const;

  // Routine load jobs, by id (ids from the catalog's id sequence, so creation order).
  std::vector<proto::RoutineLoadJobMeta> ListRoutineLoadJobs() const;
  std::optional<proto::RoutineLoadJobMeta> FindRoutineLoadJob(int64_t job_id) const;
  // The job named `name` in `db` that is not STOPPED/CANCELLED, else the newest one of that name.
  std::optional<proto::RoutineLoadJobMeta> FindRoutineLoadJob(std::string_view db, std::string_view name) const;

  // Called after a compute node is added/removed by Apply, so runtime services can follow.
  void SetComputeNodeListener(std::function<void(const proto::ComputeNodeMeta&, bool added)> listener);
  // Called after a SET GLOBAL entry applies (live or at replay), so the variable table follows.
  void SetGlobalVariableListener(std::function<void(const proto::GlobalVariable&)> listener);

 private:
  proto::TableMeta* FindTableLocked(std::string_view db, std::string_view name);  // mu_ held exclusively.
  proto::TableMeta* FindTableByIdLocked(int64_t table_id);
  Status ApplyTxnLocked(const proto::JournalEntry& entry);
  // A routine load task's outcome, inside a CommitTxn (committed = true) or AbortTxn entry.
  Status ApplyRoutineLoadOutcomeLocked(const proto::RoutineLoadTaskOutcomePB& outcome, bool committed, int64_t txn_id,
                                       int64_t time_ms);
  // Records every tablet of `table` (or the given partitions) as orphaned objects.
  void OrphanTabletsLocked(const proto::TableMeta& table, const google::protobuf::RepeatedPtrField<proto::PartitionMeta>& partitions,
                           int64_t now_ms, const std::string& reason);

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
  std::map<int64_t, proto::TxnMeta> running_txns_;
  // (db id, label) -> the label's latest transaction outcome.
  std::map<std::pair<int64_t, std::string>, proto::LabelMeta, std::less<>> labels_;
  std::vector<proto::OrphanPB> orphans_;
  std::map<int64_t, proto::RoutineLoadJobMeta> routine_load_jobs_;
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
