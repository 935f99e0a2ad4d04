// WriteTabletRows: one writer's rows for one tablet in one load transaction become segment objects
// and a transaction log in the storage volume (docs/formats/object_layout.md).
//
// Objects written, relative to the volume root, for tablet prefix P:
//   P data/<txn_id>_<writer_id>_<seq>.seg   seq = 0, 1, ...: the rows cut into segments of at
//                                           most max_segment_rows rows, in input order
//   P log/<txn_id>_<writer_id>.txnlog       a serialized proto::TxnLogPB listing those segments,
//                                           written after every segment Put succeeded
// Segment columns are named by the schema's ColumnSchemaPB.unique_id in decimal text (see
// tablet_schema.h), so later schema changes map them by id, not by name; the page compression is
// schema.compression ("LZ4" when empty, "ZSTD", "NONE"). Zero rows write no segment but still a
// transaction log with an empty rowset, so the FE can tell "wrote nothing" from "never ran".
//
// Names are a function of (prefix, txn_id, writer_id, seq) only: a retried request rewrites the
// same keys (the txn log's create_time_ms differs; nothing reads it for correctness). Nothing
// written here is visible until the FE publishes the transaction.
//
// Errors: InvalidArgument for a bad schema, prefix or chunk (wrong column count or types);
// the object store's error, prefixed with the key, when a Put fails. After an error some objects
// may exist; they are garbage until a retry overwrites them or GC removes them.
//
// Thread-safety: a pure function of its arguments; the store must be thread-safe (all are).
#pragma once

#include <cstdint>
#include <string>

#include "common/io/object_store.h"
#include "common/status.h"
#include "engine/column.h"
#include "storage.pb.h"

namespace basalt::cn {

struct TabletWriteTarget {
  int64_t tablet_id = 0;
  // "db<id>/t<id>/p<id>/tablet<id>/": empty or ending in '/'.
  std::string prefix;
  int64_t txn_id = 0;
  int64_t writer_id = 0;
};

struct TabletWriteOptions {
  uint64_t max_segment_rows = 1ull << 20;  // >= 1
  // Stored in the txn log; 0 = now.
  int64_t create_time_ms = 0;
};

struct TabletWriteResult {
  proto::RowsetPB rowset;
  std::string txn_log_key;  // Relative to the volume root.
};

// Segment and txn log keys (exposed for tests and GC).
std::string SegmentKey(const TabletWriteTarget& target, uint64_t seq);
std::string TxnLogKey(const TabletWriteTarget& target);

// Writes `rows` (columns in schema order) as described above.
Result<TabletWriteResult> WriteTabletRows(ObjectStore& store, const TabletWriteTarget& target,
                                          const proto::TableSchemaPB& schema, const Chunk& rows,
                                          const TabletWriteOptions& options = {});

}  // namespace basalt::cn
