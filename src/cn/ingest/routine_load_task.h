// RunRoutineLoadTask: one routine-load task on a CN, from the FE's request to its answer
// (proto/routine_load.proto RoutineLoadTaskRequest / RoutineLoadTaskResponse).
//
//   1. Validate the request and build the row parser (a bad format fails before any Kafka I/O).
//   2. Consume one batch from the begin offsets (KafkaBatchSource), parsing each message as it
//      arrives; the batch stops at max_batch_rows parsed rows (or messages), max_batch_bytes,
//      max_consume_ms or when every partition is at its end. Every 8192 parsed rows (and at the
//      end) the parser's chunk goes through steps 3 and 4, so a batch is streamed, never held
//      whole. Derived columns and WHERE (format.load_columns / where) are applied per chunk
//      (RowParser::TakeRows); rows WHERE drops are reported as unselected_rows.
//   3. Route the rows exactly like INSERT (engine/distribution.h): RANGE partition by the
//      partition columns against upper_bound converted with CastValue (strict); a row at or above
//      every bound, or in a partition outside allowed_partitions, is an error row. Bucket by
//      HashBuckets over the distribution columns with the partition's tablet count (HASH), or
//      round-robin (RANDOM).
//   4. Append to a TabletRowsetWriter per tablet that got rows, writer_id 1, named by the FE's
//      txn_id (a retry of the same task rewrites the same keys); segments are Put as they fill,
//      the txn logs after the batch ends. Nothing becomes visible here; the FE commits the rows
//      and the new offsets together.
//   5. Failpoint "cn_routine_load_after_write" (after writing, before answering).
//   6. Answer: progress per begin offset (same order), tablets written, counters, up to 3 error
//      samples, the error log file name.
//
// A batch with no loadable row writes nothing but still reports progress, so the FE can move the
// offsets past all-error or control-record-only batches. When the source asks to pause (e.g.
// OFFSET_OUT_OF_RANGE) or refuses the job's Kafka settings (InvalidArgument from making or
// consuming it: an invalid property, credentials the broker rejects, denied ACLs, which no retry
// fixes) the response carries pause_reason, a non-OK status and no tablets: segments
// already streamed for the batch are never committed (the FE aborts the txn; its data prefix is
// garbage for GC, like a task that crashed mid-write).
//
// Error log: rejected rows go to `<error_log_dir>/error_log_<job_id>_<txn_id>`, one line per row,
// "Error: <reason>. Row: <raw>" with CR/LF in the raw data written as \r / \n, at most
// log_rejected_record_num rows (-1 all; 0, the default, means a built-in cap of 1000 rows). <raw> is the message (CSV: the line), truncated to
// 1 KiB; for rows rejected after parsing (no partition) it is the parsed row as "col=value, ...".
// Rejects are in the order found (per chunk: parse rejects, then routing rejects). Its file name
// is reported when a line was written.
//
// Errors (returned, for the service to put into CnRpcStatus): InvalidArgument for a bad request,
// the source's other errors (NotFound / IOError naming brokers and topic), store errors from
// writing.
//
// Thread-safety: a pure function of its arguments; tasks may run concurrently.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "cn/ingest/kafka_consumer.h"
#include "common/io/object_store.h"
#include "common/status.h"
#include "routine_load.pb.h"

namespace basalt::cn {

using ObjectStoreOpener = std::function<Result<std::shared_ptr<ObjectStore>>(const proto::VolumeSpecPB&)>;

struct RoutineLoadDeps {
  ObjectStoreOpener open_store;
  KafkaBatchSourceFactory make_source;
  std::string error_log_dir;  // Created when missing; empty: rejected rows are not logged.
  uint64_t max_segment_rows = 1ull << 20;
};

// open_store: OpenVolumeStore on the spec (no caching); make_source: MakeRdKafkaBatchSource.
RoutineLoadDeps DefaultRoutineLoadDeps(std::string error_log_dir);

// The error log file name of a task.
std::string ErrorLogFileName(int64_t job_id, int64_t txn_id);

Result<proto::RoutineLoadTaskResponse> RunRoutineLoadTask(const proto::RoutineLoadTaskRequest& request,
                                                          const RoutineLoadDeps& deps);

}  // namespace basalt::cn
