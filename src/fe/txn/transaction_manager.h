// TransactionManager: the FE side of load transactions (DESIGN.md "The commit rule").
//
//   Begin   journals BeginTxn: a new txn id (from the catalog's id sequence, so ids never repeat,
//           even across crashes) and the label, refused when the label is in use.
//   Commit  journals CommitTxn: the transaction's rowsets become visible and the touched
//           partitions' versions advance, in one entry. Refused unless the transaction is still
//           running and within its timeout: that is the fence that keeps a stale writer (timed
//           out, its CN presumed dead, its FE restarted) from ever publishing.
//   Abort   journals AbortTxn; the objects the transaction may have written are recorded as
//           orphans for garbage collection.
//
// All three go through MetaStore::Submit, which validates against the catalog under the journal
// lock, so checks and the entry are atomic with respect to every other catalog change.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/sql_errors.h"
#include "common/status.h"
#include "fe/catalog/catalog.h"
#include "journal.pb.h"

namespace basalt::fe {

// StarRocks reports a reused label as "Label [x] has already been used." (analysis error class).
inline constexpr SqlError kLabelAlreadyUsed{1064, "HY000"};

struct BeginTxnRequest {
  std::string db;
  std::string table;
  std::string label;
  std::string source_type = "INSERT";  // INSERT or ROUTINE_LOAD
  std::chrono::milliseconds timeout{std::chrono::hours(4)};
  // Tablets the transaction will write (ids); their object prefixes are recorded for GC on abort.
  std::vector<int64_t> tablet_ids;
};

class TransactionManager {
 public:
  TransactionManager(Catalog* catalog, MetaStore* meta) : catalog_(catalog), meta_(meta) {}

  Result<proto::TxnMeta> Begin(const BeginTxnRequest& request);
  // `tablets` are the rowsets written, by tablet; the table must still exist with those tablets.
  // For a routine load task, `outcome` carries the job's new offsets and statistics into the same
  // journal entry, and `fence` (run under the journal lock) may refuse the commit, e.g. because the
  // job was paused or its offsets moved since the task started. A refused or timed-out commit
  // aborts the transaction.
  Result<uint64_t> Commit(int64_t txn_id, std::vector<proto::TabletCommitPB> tablets, int64_t loaded_rows,
                          int64_t filtered_rows, const proto::RoutineLoadTaskOutcomePB* outcome = nullptr,
                          const std::function<Status(const Catalog&)>& fence = nullptr);
  // A no-op (OK) when the transaction is no longer running. `outcome` (routine load) counts the
  // task as aborted in its job and may pause the job.
  Status Abort(int64_t txn_id, const std::string& reason, const proto::RoutineLoadTaskOutcomePB* outcome = nullptr);
  // At startup: no coordinator or task survives an FE restart, so every running transaction is
  // aborted. Returns how many were aborted.
  Result<int> AbortOrphanedAtStartup();

 private:
  Catalog* catalog_;
  MetaStore* meta_;
};

}  // namespace basalt::fe
