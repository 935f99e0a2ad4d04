#include "fe/catalog/catalog.h"

#include "fe/catalog/table_layout.h"

#include <chrono>
#include <mutex>

#include "common/logging.h"

namespace basalt::fe {

Catalog::Catalog() = default;

void Catalog::SetGlobalVariableListener(std::function<void(const proto::GlobalVariable&)> listener) {
  std::unique_lock lock(mu_);
  global_variable_listener_ = std::move(listener);
}

std::vector<proto::GlobalVariable> Catalog::ListGlobalVariables() const {
  std::shared_lock lock(mu_);
  std::vector<proto::GlobalVariable> out;
  for (const auto& [name, variable] : global_variables_) out.push_back(variable);
  return out;
}

void Catalog::SetComputeNodeListener(std::function<void(const proto::ComputeNodeMeta&, bool)> listener) {
  std::unique_lock lock(mu_);
  compute_node_listener_ = std::move(listener);
}

Status Catalog::Apply(const proto::JournalEntry& entry) {
  std::function<void()> notify;
  {
    std::unique_lock lock(mu_);
    switch (entry.entry_case()) {
      case proto::JournalEntry::kCreateDatabase: {
        const auto& db = entry.create_database().database();
        if (databases_.count(db.name())) return Status::Corruption("journal creates existing database " + db.name());
        databases_[db.name()] = db;
        next_id_ = std::max(next_id_, db.id() + 1);
        break;
      }
      case proto::JournalEntry::kDropDatabase: {
        if (!databases_.count(entry.drop_database().name())) {
          return Status::Corruption("journal drops missing database " + entry.drop_database().name());
        }
        // The database's tables go with it; their objects wait for garbage collection.
        if (auto it = tables_.find(entry.drop_database().name()); it != tables_.end()) {
          for (const auto& [name, table] : it->second) {
            OrphanTabletsLocked(table, table.partitions(), entry.timestamp_ms(), "database dropped");
          }
          tables_.erase(it);
        }
        databases_.erase(entry.drop_database().name());
        break;
      }
      case proto::JournalEntry::kUpsertUser:
        users_[entry.upsert_user().user().name()] = entry.upsert_user().user();
        break;
      case proto::JournalEntry::kDropUser:
        if (!users_.erase(entry.drop_user().name())) {
          return Status::Corruption("journal drops missing user " + entry.drop_user().name());
        }
        break;
      case proto::JournalEntry::kAddComputeNode: {
        const auto& node = entry.add_compute_node().node();
        compute_nodes_[node.id()] = node;
        next_id_ = std::max(next_id_, node.id() + 1);
        if (compute_node_listener_) notify = [l = compute_node_listener_, node] { l(node, true); };
        break;
      }
      case proto::JournalEntry::kDropComputeNode: {
        auto it = compute_nodes_.find(entry.drop_compute_node().id());
        if (it == compute_nodes_.end()) {
          return Status::Corruption("journal drops missing compute node " + std::to_string(entry.drop_compute_node().id()));
        }
        proto::ComputeNodeMeta node = it->second;
        compute_nodes_.erase(it);
        if (compute_node_listener_) notify = [l = compute_node_listener_, node] { l(node, false); };
        break;
      }
      case proto::JournalEntry::kCreateStorageVolume: {
        const auto& volume = entry.create_storage_volume().volume();
        if (storage_volumes_.count(volume.name())) {
          return Status::Corruption("journal creates existing storage volume " + volume.name());
        }
        storage_volumes_[volume.name()] = volume;
        next_id_ = std::max(next_id_, volume.id() + 1);
        break;
      }
      case proto::JournalEntry::kAlterStorageVolume: {
        const auto& volume = entry.alter_storage_volume().volume();
        if (!storage_volumes_.count(volume.name())) {
          return Status::Corruption("journal alters missing storage volume " + volume.name());
        }
        storage_volumes_[volume.name()] = volume;
        break;
      }
      case proto::JournalEntry::kDropStorageVolume: {
        const std::string& name = entry.drop_storage_volume().name();
        if (!storage_volumes_.erase(name)) return Status::Corruption("journal drops missing storage volume " + name);
        if (default_storage_volume_ == name) default_storage_volume_.clear();
        break;
      }
      case proto::JournalEntry::kSetDefaultStorageVolume: {
        const std::string& name = entry.set_default_storage_volume().name();
        if (!storage_volumes_.count(name)) {
          return Status::Corruption("journal makes missing storage volume " + name + " the default");
        }
        default_storage_volume_ = name;
        break;
      }
      case proto::JournalEntry::kCreateTable: {
        const auto& table = entry.create_table().table();
        if (!databases_.count(table.db())) {
          return Status::Corruption("journal creates table " + table.name() + " in missing database " + table.db());
        }
        auto& tables = tables_[table.db()];
        if (tables.count(table.name())) {
          return Status::Corruption("journal creates existing table " + table.db() + "." + table.name());
        }
        tables[table.name()] = table;
        next_id_ = std::max(next_id_, MaxIdOf(table) + 1);
        break;
      }
      case proto::JournalEntry::kDropTable: {
        const auto& drop = entry.drop_table();
        proto::TableMeta* table = FindTableLocked(drop.db(), drop.name());
        if (!table) return Status::Corruption("journal drops missing table " + drop.db() + "." + drop.name());
        OrphanTabletsLocked(*table, table->partitions(), entry.timestamp_ms(), "table dropped");
        tables_[drop.db()].erase(drop.name());
        break;
      }
      case proto::JournalEntry::kTruncateTable: {
        const auto& truncate = entry.truncate_table();
        proto::TableMeta* table = FindTableLocked(truncate.db(), truncate.name());
        if (!table) return Status::Corruption("journal truncates missing table " + truncate.db() + "." + truncate.name());
        table->set_data_version(truncate.data_version());
        OrphanTabletsLocked(*table, table->partitions(), entry.timestamp_ms(), "table truncated");
        *table->mutable_partitions() = truncate.partitions();
        next_id_ = std::max(next_id_, MaxIdOf(*table) + 1);
        break;
      }
      case proto::JournalEntry::kAlterTableAddColumn: {
        const auto& add = entry.alter_table_add_column();
        proto::TableMeta* table = FindTableLocked(add.db(), add.name());
        if (!table) return Status::Corruption("journal alters missing table " + add.db() + "." + add.name());
        if (add.position() < 0 || add.position() > table->columns_size()) {
          return Status::Corruption("journal adds a column at invalid position " + std::to_string(add.position()));
        }
        auto* columns = table->mutable_columns();
        columns->Add()->CopyFrom(add.column());
        table->set_next_column_unique_id(std::max(table->next_column_unique_id(), add.column().unique_id() + 1));
        for (int i = columns->size() - 1; i > add.position(); --i) columns->SwapElements(i, i - 1);
        table->set_schema_version(table->schema_version() + 1);
        break;
      }
      case proto::JournalEntry::kAlterTableDropColumn: {
        const auto& drop = entry.alter_table_drop_column();
        proto::TableMeta* table = FindTableLocked(drop.db(), drop.name());
        if (!table) return Status::Corruption("journal alters missing table " + drop.db() + "." + drop.name());
        auto* columns = table->mutable_columns();
        int index = -1;
        for (int i = 0; i < columns->size(); ++i) {
          if (columns->Get(i).name() == drop.column()) index = i;
        }
        if (index < 0) return Status::Corruption("journal drops missing column " + drop.column());
        columns->DeleteSubrange(index, 1);
        table->set_schema_version(table->schema_version() + 1);
        break;
      }
      case proto::JournalEntry::kSetGlobalVariable: {
        const auto& variable = entry.set_global_variable().variable();
        global_variables_[variable.name()] = variable;
        if (global_variable_listener_) notify = [l = global_variable_listener_, variable] { l(variable); };
        break;
      }
      case proto::JournalEntry::kBeginTxn:
      case proto::JournalEntry::kCommitTxn:
      case proto::JournalEntry::kAbortTxn:
        RETURN_IF_ERROR(ApplyTxnLocked(entry));
        break;
      case proto::JournalEntry::kCreateRoutineLoadJob: {
        const auto& job = entry.create_routine_load_job().job();
        if (routine_load_jobs_.count(job.id())) {
          return Status::Corruption("journal creates existing routine load job " + std::to_string(job.id()));
        }
        routine_load_jobs_[job.id()] = job;
        next_id_ = std::max(next_id_, job.id() + 1);
        break;
      }
      case proto::JournalEntry::kUpdateRoutineLoadJob: {
        const auto& job = entry.update_routine_load_job().job();
        auto it = routine_load_jobs_.find(job.id());
        if (it == routine_load_jobs_.end()) {
          return Status::Corruption("journal updates missing routine load job " + std::to_string(job.id()));
        }
        it->second = job;
        break;
      }
      case proto::JournalEntry::ENTRY_NOT_SET:
        return Status::Corruption("journal entry of unknown kind (written by a newer FE?)");
    }
  }
  if (notify) notify();
  return Status::OK();
}

Status Catalog::LoadImage(const proto::CatalogImage& image) {
  std::vector<proto::ComputeNodeMeta> nodes;
  std::function<void(const proto::ComputeNodeMeta&, bool)> listener;
  std::function<void(const proto::GlobalVariable&)> variable_listener;
  {
    std::unique_lock lock(mu_);
    next_id_ = image.next_id();
    global_variables_.clear();
    for (const auto& variable : image.global_variables()) global_variables_[variable.name()] = variable;
    variable_listener = global_variable_listener_;
    databases_.clear();
    users_.clear();
    compute_nodes_.clear();
    storage_volumes_.clear();
    tables_.clear();
    for (const auto& table : image.tables()) tables_[table.db()][table.name()] = table;
    running_txns_.clear();
    for (const auto& txn : image.running_txns()) running_txns_[txn.txn_id()] = txn;
    labels_.clear();
    for (const auto& label : image.labels()) labels_[{label.db_id(), label.label()}] = label;
    orphans_.assign(image.orphans().begin(), image.orphans().end());
    routine_load_jobs_.clear();
    for (const auto& job : image.routine_load_jobs()) routine_load_jobs_[job.id()] = job;
    for (const auto& volume : image.storage_volumes()) storage_volumes_[volume.name()] = volume;
    default_storage_volume_ = image.default_storage_volume();
    for (const auto& db : image.databases()) databases_[db.name()] = db;
    for (const auto& user : image.users()) users_[user.name()] = user;
    for (const auto& node : image.compute_nodes()) {
      compute_nodes_[node.id()] = node;
      nodes.push_back(node);
    }
    listener = compute_node_listener_;
  }
  if (listener) {
    for (const auto& node : nodes) listener(node, true);
  }
  if (variable_listener) {
    for (const auto& variable : image.global_variables()) variable_listener(variable);
  }
  return Status::OK();
}

proto::CatalogImage Catalog::SnapshotImage() const {
  std::shared_lock lock(mu_);
  proto::CatalogImage image;
  image.set_next_id(next_id_);
  for (const auto& [name, db] : databases_) *image.add_databases() = db;
  for (const auto& [name, user] : users_) *image.add_users() = user;
  for (const auto& [id, node] : compute_nodes_) *image.add_compute_nodes() = node;
  for (const auto& [name, volume] : storage_volumes_) *image.add_storage_volumes() = volume;
  image.set_default_storage_volume(default_storage_volume_);
  for (const auto& [name, variable] : global_variables_) *image.add_global_variables() = variable;
  for (const auto& [db, tables] : tables_) {
    for (const auto& [name, table] : tables) *image.add_tables() = table;
  }
  for (const auto& [id, txn] : running_txns_) *image.add_running_txns() = txn;
  for (const auto& [key, label] : labels_) *image.add_labels() = label;
  for (const auto& orphan : orphans_) *image.add_orphans() = orphan;
  for (const auto& [id, job] : routine_load_jobs_) *image.add_routine_load_jobs() = job;
  return image;
}

std::optional<proto::DatabaseMeta> Catalog::FindDatabase(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = databases_.find(name);
  if (it == databases_.end()) return std::nullopt;
  return it->second;
}

std::vector<proto::DatabaseMeta> Catalog::ListDatabases() const {
  std::shared_lock lock(mu_);
  std::vector<proto::DatabaseMeta> out;
  for (const auto& [name, db] : databases_) out.push_back(db);
  return out;
}

std::optional<proto::UserMeta> Catalog::FindUser(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = users_.find(name);
  if (it == users_.end()) return std::nullopt;
  return it->second;
}

std::vector<proto::UserMeta> Catalog::ListUsers() const {
  std::shared_lock lock(mu_);
  std::vector<proto::UserMeta> out;
  for (const auto& [name, user] : users_) out.push_back(user);
  return out;
}

std::vector<proto::ComputeNodeMeta> Catalog::ListComputeNodes() const {
  std::shared_lock lock(mu_);
  std::vector<proto::ComputeNodeMeta> out;
  for (const auto& [id, node] : compute_nodes_) out.push_back(node);
  return out;
}

std::optional<proto::ComputeNodeMeta> Catalog::FindComputeNode(std::string_view host, int port) const {
  std::shared_lock lock(mu_);
  for (const auto& [id, node] : compute_nodes_) {
    if (node.host() == host && node.heartbeat_port() == port) return node;
  }
  return std::nullopt;
}

std::optional<proto::StorageVolumeMeta> Catalog::FindStorageVolume(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = storage_volumes_.find(name);
  if (it == storage_volumes_.end()) return std::nullopt;
  return it->second;
}

std::vector<proto::StorageVolumeMeta> Catalog::ListStorageVolumes() const {
  std::shared_lock lock(mu_);
  std::vector<proto::StorageVolumeMeta> out;
  for (const auto& [name, volume] : storage_volumes_) out.push_back(volume);
  return out;
}

proto::TableMeta* Catalog::FindTableLocked(std::string_view db, std::string_view name) {
  auto db_it = tables_.find(db);
  if (db_it == tables_.end()) return nullptr;
  auto it = db_it->second.find(name);
  return it == db_it->second.end() ? nullptr : &it->second;
}

proto::TableMeta* Catalog::FindTableByIdLocked(int64_t table_id) {
  for (auto& [db, tables] : tables_) {
    for (auto& [name, table] : tables) {
      if (table.id() == table_id) return &table;
    }
  }
  return nullptr;
}

std::optional<proto::TableMeta> Catalog::FindTableById(int64_t table_id) const {
  std::shared_lock lock(mu_);
  proto::TableMeta* table = const_cast<Catalog*>(this)->FindTableByIdLocked(table_id);
  if (!table) return std::nullopt;
  return *table;
}

void Catalog::OrphanTabletsLocked(const proto::TableMeta& table,
                                  const google::protobuf::RepeatedPtrField<proto::PartitionMeta>& partitions,
                                  int64_t now_ms, const std::string& reason) {
  auto db = databases_.find(table.db());
  auto volume_name = table.properties().find("storage_volume");
  if (db == databases_.end() || volume_name == table.properties().end()) return;
  auto volume = storage_volumes_.find(volume_name->second);
  for (const auto& partition : partitions) {
    for (const auto& tablet : partition.tablets()) {
      if (tablet.rowsets_size() == 0) continue;  // Nothing was ever published there.
      proto::OrphanPB orphan;
      orphan.set_volume_id(volume == storage_volumes_.end() ? 0 : volume->second.id());
      orphan.set_volume_name(volume_name->second);
      orphan.set_prefix(TabletPrefix(db->second.id(), table.id(), partition.id(), tablet.id()));
      orphan.set_recorded_time_ms(now_ms);
      orphan.set_reason(reason + ": " + table.db() + "." + table.name());
      orphans_.push_back(std::move(orphan));
    }
  }
}

Status Catalog::ApplyTxnLocked(const proto::JournalEntry& entry) {
  switch (entry.entry_case()) {
    case proto::JournalEntry::kBeginTxn: {
      const proto::TxnMeta& txn = entry.begin_txn().txn();
      if (running_txns_.count(txn.txn_id())) {
        return Status::Corruption("journal begins running transaction " + std::to_string(txn.txn_id()));
      }
      running_txns_[txn.txn_id()] = txn;
      next_id_ = std::max(next_id_, txn.txn_id() + 1);
      // Routine load labels embed a fresh task UUID, so they cannot clash and are not kept: a
      // job committing every second would otherwise grow the label map without bound.
      if (txn.source_type() != "ROUTINE_LOAD") {
        proto::LabelMeta& label = labels_[{txn.db_id(), txn.label()}];
        label.set_db_id(txn.db_id());
        label.set_label(txn.label());
        label.set_txn_id(txn.txn_id());
        label.set_status("PREPARE");
        label.set_finish_time_ms(0);
      }
      return Status::OK();
    }
    case proto::JournalEntry::kCommitTxn: {
      const proto::CommitTxn& commit = entry.commit_txn();
      auto running = running_txns_.find(commit.txn_id());
      if (running == running_txns_.end()) {
        return Status::Corruption("journal commits transaction " + std::to_string(commit.txn_id()) +
                                  " that is not running");
      }
      proto::TableMeta* table = FindTableByIdLocked(commit.table_id());
      if (!table) return Status::Corruption("journal commits into missing table " + std::to_string(commit.table_id()));
      std::map<int64_t, proto::PartitionMeta*> partitions;
      for (auto& p : *table->mutable_partitions()) partitions[p.id()] = &p;
      std::map<int64_t, proto::PartitionMeta*> touched;
      for (const proto::TabletCommitPB& tc : commit.tablets()) {
        auto p = partitions.find(tc.partition_id());
        if (p == partitions.end()) {
          return Status::Corruption("journal commits into missing partition " + std::to_string(tc.partition_id()));
        }
        proto::TabletMeta* tablet = nullptr;
        for (auto& t : *p->second->mutable_tablets()) {
          if (t.id() == tc.tablet_id()) tablet = &t;
        }
        if (!tablet) return Status::Corruption("journal commits into missing tablet " + std::to_string(tc.tablet_id()));
        if (tc.rowset().num_rows() > 0 || tc.rowset().segments_size() > 0) *tablet->add_rowsets() = tc.rowset();
        touched[p->first] = p->second;
      }
      for (auto& [id, partition] : touched) {
        partition->set_visible_version(partition->visible_version() + 1);
        partition->set_visible_time_ms(commit.commit_time_ms());
      }
      if (commit.has_routine_load()) {
        RETURN_IF_ERROR(ApplyRoutineLoadOutcomeLocked(commit.routine_load(), /*committed=*/true, commit.txn_id(),
                                                      commit.commit_time_ms()));
      }
      if (auto label = labels_.find(std::make_pair(running->second.db_id(), running->second.label()));
          label != labels_.end()) {
        label->second.set_status("VISIBLE");
        label->second.set_finish_time_ms(commit.commit_time_ms());
      }
      running_txns_.erase(running);
      return Status::OK();
    }
    case proto::JournalEntry::kAbortTxn: {
      const proto::AbortTxn& abort = entry.abort_txn();
      auto running = running_txns_.find(abort.txn_id());
      if (running == running_txns_.end()) {
        return Status::Corruption("journal aborts transaction " + std::to_string(abort.txn_id()) +
                                  " that is not running");
      }
      const proto::TxnMeta& txn = running->second;
      if (abort.has_routine_load()) {
        RETURN_IF_ERROR(ApplyRoutineLoadOutcomeLocked(abort.routine_load(), /*committed=*/false, abort.txn_id(),
                                                      abort.abort_time_ms()));
      }
      for (const std::string& prefix : txn.write_prefixes()) {
        proto::OrphanPB orphan;
        orphan.set_volume_id(txn.volume_id());
        orphan.set_volume_name(txn.volume_name());
        orphan.set_prefix(prefix);
        orphan.set_txn_id(txn.txn_id());
        orphan.set_recorded_time_ms(abort.abort_time_ms());
        orphan.set_reason("transaction aborted: " + abort.reason());
        orphans_.push_back(std::move(orphan));
      }
      if (auto label = labels_.find(std::make_pair(txn.db_id(), txn.label())); label != labels_.end()) {
        label->second.set_status("ABORTED");
        label->second.set_finish_time_ms(abort.abort_time_ms());
      }
      running_txns_.erase(running);
      return Status::OK();
    }
    default:
      return Status::Internal("not a transaction entry");
  }
}

Status Catalog::ApplyRoutineLoadOutcomeLocked(const proto::RoutineLoadTaskOutcomePB& outcome, bool committed,
                                              int64_t txn_id, int64_t time_ms) {
  auto it = routine_load_jobs_.find(outcome.job_id());
  if (it == routine_load_jobs_.end()) {
    return Status::Corruption("journal has a task outcome for missing routine load job " +
                              std::to_string(outcome.job_id()));
  }
  proto::RoutineLoadJobMeta& job = it->second;
  proto::RoutineLoadStatisticsPB& stats = *job.mutable_statistics();
  if (committed) {
    for (const auto& [partition, offset] : outcome.next_offsets()) (*job.mutable_next_offsets())[partition] = offset;
    for (const auto& [partition, ts] : outcome.timestamp_progress()) (*job.mutable_timestamp_progress())[partition] = ts;
    stats.set_committed_task_num(stats.committed_task_num() + 1);
    stats.set_total_rows(stats.total_rows() + outcome.total_rows());
    stats.set_loaded_rows(stats.loaded_rows() + outcome.loaded_rows());
    stats.set_error_rows(stats.error_rows() + outcome.error_rows());
    stats.set_unselected_rows(stats.unselected_rows() + outcome.unselected_rows());
    stats.set_received_bytes(stats.received_bytes() + outcome.received_bytes());
    stats.set_task_execute_ms(stats.task_execute_ms() + outcome.execute_ms());
    // The error window (shared spec §3.7): the scheduler decided any pause before journaling;
    // here the window only accumulates and resets, the same way at replay.
    stats.set_window_total_rows(stats.window_total_rows() + outcome.total_rows());
    stats.set_window_error_rows(stats.window_error_rows() + outcome.error_rows());
    int64_t max_batch_rows = 200000;
    if (auto p = job.properties().find("maxBatchRows"); p != job.properties().end()) {
      max_batch_rows = std::max<int64_t>(1, std::atoll(p->second.c_str()));
    }
    if (stats.window_total_rows() > 10 * max_batch_rows) {
      stats.set_window_total_rows(0);
      stats.set_window_error_rows(0);
    }
  } else {
    stats.set_aborted_task_num(stats.aborted_task_num() + 1);
  }
  // Aborted tasks keep theirs too (StarRocks adds the URL of any task with an attachment): the
  // pause reason of a batch refused by max_filter_ratio points at it.
  if (!outcome.error_log_url().empty()) {
    job.add_error_log_urls(outcome.error_log_url());
    while (job.error_log_urls_size() > 3) job.mutable_error_log_urls()->erase(job.mutable_error_log_urls()->begin());
  }
  if (outcome.has_pause_reason() && outcome.pause_reason().code() != 0 &&
      (job.state() == "RUNNING" || job.state() == "NEED_SCHEDULE")) {
    job.set_state("PAUSED");
    job.set_pause_time_ms(time_ms);
    *job.mutable_reason() = outcome.pause_reason();
    stats.set_window_total_rows(0);
    stats.set_window_error_rows(0);
  }
  job.set_last_txn_id(std::max(job.last_txn_id(), txn_id));
  return Status::OK();
}

std::vector<proto::RoutineLoadJobMeta> Catalog::ListRoutineLoadJobs() const {
  std::shared_lock lock(mu_);
  std::vector<proto::RoutineLoadJobMeta> out;
  for (const auto& [id, job] : routine_load_jobs_) out.push_back(job);
  return out;
}

std::optional<proto::RoutineLoadJobMeta> Catalog::FindRoutineLoadJob(int64_t job_id) const {
  std::shared_lock lock(mu_);
  auto it = routine_load_jobs_.find(job_id);
  if (it == routine_load_jobs_.end()) return std::nullopt;
  return it->second;
}

std::optional<proto::RoutineLoadJobMeta> Catalog::FindRoutineLoadJob(std::string_view db, std::string_view name) const {
  std::shared_lock lock(mu_);
  const proto::RoutineLoadJobMeta* newest = nullptr;
  for (const auto& [id, job] : routine_load_jobs_) {
    if (job.db() != db || job.name() != name) continue;
    if (job.state() != "STOPPED" && job.state() != "CANCELLED") return job;
    newest = &job;
  }
  if (!newest) return std::nullopt;
  return *newest;
}

std::optional<proto::TxnMeta> Catalog::FindRunningTxn(int64_t txn_id) const {
  std::shared_lock lock(mu_);
  auto it = running_txns_.find(txn_id);
  if (it == running_txns_.end()) return std::nullopt;
  return it->second;
}

std::vector<proto::TxnMeta> Catalog::ListRunningTxns() const {
  std::shared_lock lock(mu_);
  std::vector<proto::TxnMeta> out;
  for (const auto& [id, txn] : running_txns_) out.push_back(txn);
  return out;
}

std::optional<proto::LabelMeta> Catalog::FindLabel(int64_t db_id, std::string_view label) const {
  std::shared_lock lock(mu_);
  auto it = labels_.find(std::make_pair(db_id, std::string(label)));
  if (it == labels_.end()) return std::nullopt;
  return it->second;
}

std::vector<proto::OrphanPB> Catalog::ListOrphans() const {
  std::shared_lock lock(mu_);
  return orphans_;
}

std::optional<proto::TableMeta> Catalog::FindTable(std::string_view db, std::string_view name) const {
  std::shared_lock lock(mu_);
  auto db_it = tables_.find(db);
  if (db_it == tables_.end()) return std::nullopt;
  auto it = db_it->second.find(name);
  if (it == db_it->second.end()) return std::nullopt;
  return it->second;
}

std::vector<proto::TableMeta> Catalog::ListTables(std::string_view db) const {
  std::shared_lock lock(mu_);
  std::vector<proto::TableMeta> out;
  auto db_it = tables_.find(db);
  if (db_it == tables_.end()) return out;
  for (const auto& [name, table] : db_it->second) out.push_back(table);
  return out;
}

std::vector<proto::TableMeta> Catalog::ListAllTables() const {
  std::shared_lock lock(mu_);
  std::vector<proto::TableMeta> out;
  for (const auto& [db, tables] : tables_) {
    for (const auto& [name, table] : tables) out.push_back(table);
  }
  return out;
}

std::string Catalog::default_storage_volume() const {
  std::shared_lock lock(mu_);
  return default_storage_volume_;
}

int64_t Catalog::PeekNextId() const {
  std::shared_lock lock(mu_);
  return next_id_;
}

Result<std::unique_ptr<MetaStore>> MetaStore::Open(FileSystem* fs, const std::string& meta_dir, Catalog* catalog) {
  std::unique_ptr<MetaStore> store(new MetaStore(catalog, meta_dir));
  RETURN_IF_ERROR(fs->CreateDirs(meta_dir));
  Journal::Callbacks callbacks;
  callbacks.load_image = [catalog](uint64_t, std::string_view bytes) -> Status {
    proto::CatalogImage image;
    if (!image.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return Status::Corruption("catalog image does not parse");
    }
    return catalog->LoadImage(image);
  };
  callbacks.apply = [catalog](uint64_t seq, std::string_view payload) -> Status {
    proto::JournalEntry entry;
    if (!entry.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
      return Status::Corruption("journal entry " + std::to_string(seq) + " does not parse");
    }
    return catalog->Apply(entry);
  };
  ASSIGN_OR_RETURN(store->journal_, Journal::Open(fs, meta_dir, JournalOptions(), std::move(callbacks)));
  LOG(INFO) << "catalog recovered from " << meta_dir << ": journal at seq " << store->journal_->last_seq()
            << ", " << catalog->ListDatabases().size() << " databases, " << catalog->ListComputeNodes().size()
            << " compute nodes";
  if (!catalog->FindUser("root")) {
    proto::JournalEntry entry;
    auto* user = entry.mutable_upsert_user()->mutable_user();
    user->set_name("root");
    user->set_host("%");
    RETURN_IF_ERROR(store->Submit(std::move(entry)).status());
    LOG(INFO) << "created user root with an empty password";
  }
  return store;
}

Result<uint64_t> MetaStore::Submit(proto::JournalEntry entry,
                                   const std::function<Status(const Catalog&, proto::JournalEntry*)>& validate) {
  std::lock_guard lock(ddl_mu_);
  if (validate) RETURN_IF_ERROR(validate(*catalog_, &entry));
  entry.set_timestamp_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
  std::string payload;
  if (!entry.SerializeToString(&payload)) return Status::Internal("cannot serialize journal entry");
  return journal_->Append(payload);
}

Status MetaStore::Checkpoint() {
  std::lock_guard lock(ddl_mu_);
  uint64_t seq = journal_->last_seq();
  if (seq == 0 || seq == journal_->image_seq()) return Status::OK();
  std::string bytes;
  if (!catalog_->SnapshotImage().SerializeToString(&bytes)) return Status::Internal("cannot serialize catalog image");
  return journal_->WriteImage(seq, bytes);
}

}  // namespace basalt::fe
