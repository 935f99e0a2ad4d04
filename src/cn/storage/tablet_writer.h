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
// TabletRowsetWriter is the streaming form for loads that produce rows in batches (a routine load
// task parses a few thousand rows at a time): each Append() goes into the open segment, a segment
// is cut and Put as soon as it holds max_segment_rows rows, and Finish() writes the last segment
// and the txn log. The objects are exactly those WriteTabletRows writes for the concatenated rows;
// memory is one open segment instead of the whole load. WriteTabletRows is Make + Append + Finish.
//
// Thread-safety: WriteTabletRows is a pure function of its arguments; a TabletRowsetWriter is used
// by one thread at a time. The store must be thread-safe (all are).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cn/storage/segment/segment_writer.h"
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

class TabletRowsetWriter {
 public:
  // InvalidArgument for a bad schema, prefix or options. `store` must outlive the writer.
  static Result<std::unique_ptr<TabletRowsetWriter>> Make(ObjectStore& store, TabletWriteTarget target,
                                                          const proto::TableSchemaPB& schema,
                                                          TabletWriteOptions options = {});
  ~TabletRowsetWriter();
  TabletRowsetWriter(const TabletRowsetWriter&) = delete;
  TabletRowsetWriter& operator=(const TabletRowsetWriter&) = delete;

  // Appends rows (columns in schema order); Puts every segment that fills up.
  Status Append(const Chunk& rows);
  // Appends the rows at `positions` of `rows`, in that order (no copy of them first).
  Status Append(const Chunk& rows, std::span<const uint32_t> positions);
  // Puts the open segment and the txn log. Call once; the writer is unusable after an error.
  Result<TabletWriteResult> Finish();

 private:
  TabletRowsetWriter(ObjectStore& store, TabletWriteTarget target, proto::TableSchemaPB schema,
                     TabletWriteOptions options);
  Status CloseSegment();
  // positions == nullptr: rows 0..count-1.
  Status AppendRows(const Chunk& rows, const uint32_t* positions, size_t count);

  ObjectStore& store_;
  const TabletWriteTarget target_;
  const proto::TableSchemaPB schema_;
  const TabletWriteOptions options_;
  segment::SegmentSchema segment_schema_;
  segment::SegmentWriterOptions writer_options_;
  std::unique_ptr<segment::SegmentWriter> open_;
  uint64_t open_rows_ = 0;
  uint64_t next_seq_ = 0;
  bool failed_ = false;
  bool finished_ = false;
  TabletWriteResult result_;
};

// Writes `rows` (columns in schema order) as described above.
Result<TabletWriteResult> WriteTabletRows(ObjectStore& store, const TabletWriteTarget& target,
                                          const proto::TableSchemaPB& schema, const Chunk& rows,
                                          const TabletWriteOptions& options = {});

}  // namespace basalt::cn
