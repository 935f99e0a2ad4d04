#include "fe/txn/transaction_manager.h"

#include "common/logging.h"
#include "fe/catalog/table_layout.h"

namespace basalt::fe {
namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<proto::TxnMeta> TransactionManager::Begin(const BeginTxnRequest& request) {
  proto::JournalEntry entry;
  proto::TxnMeta txn;
  auto validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
    auto db = catalog.FindDatabase(request.db);
    if (!db) return Status::Sql(sql_errors::kBadDatabase, "Unknown database '" + request.db + "'");
    auto table = catalog.FindTable(request.db, request.table);
    if (!table) return Status::Sql({1146, "42S02"}, "Table '" + request.db + "." + request.table + "' doesn't exist");
    if (auto used = catalog.FindLabel(db->id(), request.label); used && used->status() != "ABORTED") {
      return Status::Sql(kLabelAlreadyUsed, "Label [" + request.label + "] has already been used.");
    }
    const std::string& volume_name = table->properties().at("storage_volume");
    auto volume = catalog.FindStorageVolume(volume_name);
    if (!volume) return Status::Sql({1064, "HY000"}, "Storage volume '" + volume_name + "' does not exist");
    txn.set_txn_id(catalog.PeekNextId());
    txn.set_db_id(db->id());
    txn.set_table_id(table->id());
    txn.set_label(request.label);
    txn.set_source_type(request.source_type);
    txn.set_begin_time_ms(NowMillis());
    txn.set_timeout_ms(request.timeout.count());
    txn.set_volume_id(volume->id());
    txn.set_volume_name(volume_name);
    const std::string id = std::to_string(txn.txn_id());
    for (const auto& partition : table->partitions()) {
      for (const auto& tablet : partition.tablets()) {
        for (int64_t wanted : request.tablet_ids) {
          if (wanted != tablet.id()) continue;
          std::string prefix = TabletPrefix(db->id(), table->id(), partition.id(), tablet.id());
          txn.add_write_prefixes(prefix + "data/" + id + "_");
          txn.add_write_prefixes(prefix + "log/" + id + "_");
        }
      }
    }
    *e->mutable_begin_txn()->mutable_txn() = txn;
    return Status::OK();
  };
  RETURN_IF_ERROR(meta_->Submit(std::move(entry), validate).status());
  return txn;
}

Result<uint64_t> TransactionManager::Commit(int64_t txn_id, std::vector<proto::TabletCommitPB> tablets,
                                            int64_t loaded_rows, int64_t filtered_rows,
                                            const proto::RoutineLoadTaskOutcomePB* outcome,
                                            const std::function<Status(const Catalog&)>& fence) {
  proto::JournalEntry entry;
  bool expired = false;
  auto validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
    auto txn = catalog.FindRunningTxn(txn_id);
    if (!txn) return Status::Cancelled("transaction " + std::to_string(txn_id) + " is no longer running");
    int64_t now = NowMillis();
    if (now > txn->begin_time_ms() + txn->timeout_ms()) {
      expired = true;
      return Status::TimedOut("transaction " + std::to_string(txn_id) + " timed out after " +
                              std::to_string(txn->timeout_ms() / 1000) + " s");
    }
    auto table = catalog.FindTableById(txn->table_id());
    if (!table) return Status::Cancelled("the table of transaction " + std::to_string(txn_id) + " was dropped");
    if (fence) {
      Status fenced = fence(catalog);
      if (!fenced.ok()) return Status::Cancelled(fenced.message());
    }
    // The tablets must still be the table's (a TRUNCATE replaces them).
    std::map<int64_t, int64_t> partition_of_tablet;
    for (const auto& p : table->partitions()) {
      for (const auto& t : p.tablets()) partition_of_tablet[t.id()] = p.id();
    }
    auto* commit = e->mutable_commit_txn();
    commit->set_txn_id(txn_id);
    commit->set_db_id(txn->db_id());
    commit->set_table_id(txn->table_id());
    for (proto::TabletCommitPB& tc : tablets) {
      auto it = partition_of_tablet.find(tc.tablet_id());
      if (it == partition_of_tablet.end() || it->second != tc.partition_id()) {
        return Status::Cancelled("tablet " + std::to_string(tc.tablet_id()) + " of transaction " +
                               std::to_string(txn_id) + " no longer exists (table truncated or altered)");
      }
      *commit->add_tablets() = std::move(tc);
    }
    commit->set_loaded_rows(loaded_rows);
    commit->set_filtered_rows(filtered_rows);
    commit->set_commit_time_ms(now);
    if (outcome) *commit->mutable_routine_load() = *outcome;
    return Status::OK();
  };
  Result<uint64_t> seq = meta_->Submit(std::move(entry), validate);
  if (!seq.ok() && (expired || seq.status().code() == StatusCode::kCancelled)) {
    Status aborted = Abort(txn_id, seq.status().message(), outcome);
    if (!aborted.ok()) LOG(WARNING) << "could not abort transaction " << txn_id << ": " << aborted.ToString();
  }
  return seq;
}

Status TransactionManager::Abort(int64_t txn_id, const std::string& reason,
                                 const proto::RoutineLoadTaskOutcomePB* outcome) {
  proto::JournalEntry entry;
  bool not_running = false;
  auto validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
    if (!catalog.FindRunningTxn(txn_id)) {
      not_running = true;
      return Status::Cancelled("not running");
    }
    auto* abort = e->mutable_abort_txn();
    abort->set_txn_id(txn_id);
    abort->set_reason(reason);
    abort->set_abort_time_ms(NowMillis());
    if (outcome) {
      // An aborted task moves no offsets; it only counts, and may pause the job.
      proto::RoutineLoadTaskOutcomePB* counted = abort->mutable_routine_load();
      counted->set_job_id(outcome->job_id());
      counted->set_task_id(outcome->task_id());
      *counted->mutable_pause_reason() = outcome->pause_reason();
      // The rejected rows of a batch refused for them (max_filter_ratio) stay explainable.
      counted->set_error_log_url(outcome->error_log_url());
    }
    return Status::OK();
  };
  Result<uint64_t> seq = meta_->Submit(std::move(entry), validate);
  if (not_running) return Status::OK();
  RETURN_IF_ERROR(seq.status());
  LOG(INFO) << "aborted transaction " << txn_id << ": " << reason;
  return Status::OK();
}

Result<int> TransactionManager::AbortOrphanedAtStartup() {
  int aborted = 0;
  for (const proto::TxnMeta& txn : catalog_->ListRunningTxns()) {
    RETURN_IF_ERROR(Abort(txn.txn_id(), "the FE restarted while the " + txn.source_type() + " was running"));
    ++aborted;
  }
  return aborted;
}

}  // namespace basalt::fe
