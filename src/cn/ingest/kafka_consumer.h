// Reading one routine-load task's batch from Kafka.
//
// KafkaBatchSource is the seam between the task (routine_load_task.h) and Kafka: the task asks for
// one batch, the source hands over messages one at a time and reports where each partition
// stopped. Tests use a fake; the CN uses the librdkafka implementation made by
// MakeRdKafkaBatchSource.
//
// librdkafka consumer (see shared/spec/ingest.md §1 for the reasoning):
//   - Settings the CN forces, before the user's properties, which cannot override them:
//       bootstrap.servers          = the job's broker list
//       enable.auto.commit         = false   offsets belong to the FE journal
//       enable.auto.offset.store   = false
//       enable.partition.eof       = true    a task stops early when every partition is caught up
//       auto.offset.reset          = error   a vanished offset pauses the job, never skips data
//     group.id is the user's property.group.id, else "basalt_<job_id>_<task_id>" (some broker ACLs
//     require one; nothing is ever committed to it). isolation.level defaults to read_committed
//     and is the one forced-looking setting the user may override. fetch.wait.max.ms defaults to
//     100 (user may override) so an idle partition answers quickly. A user property that is
//     unknown to librdkafka (Java-only keys) is ignored with a log line, as StarRocks does; an
//     invalid value is InvalidArgument naming the key (never the value: it may be a secret).
//   - Partitions are assigned explicitly at the FE's begin offsets (rd_kafka_assign): no subscribe,
//     no group rebalancing. Before assigning, topic metadata is fetched so an unknown topic or
//     partition, or unreachable brokers, is a clear error instead of a silent empty batch.
//   - A batch ends at the first of: limits.max_messages messages, limits.max_bytes payload bytes,
//     limits.max_ms elapsed, the sink asking to stop (the parsed-row count reached its limit), or
//     every partition done: it reported end-of-partition at least once, or its next offset reached
//     its end_offsets bound (messages already dequeued are still taken), so a steady stream ends a
//     batch as soon as it is caught up.
//   - Next offset per partition: one past the last message handed to the sink; when the partition
//     reported EOF after that message, the further of the consumer position (rd_kafka_position)
//     and the offset EOF was reported at, which also cover control records and aborted
//     transactional data the consumer skipped. Never below the begin offset or the last consumed
//     offset + 1.
//   - OFFSET_OUT_OF_RANGE (auto.offset.reset=error reports every offset reset this way) ends the
//     batch with a pause_reason naming the partition, the offset and the partition's watermarks
//     (below the log start: how many offsets were deleted before they were loaded).
//   - Unknown topic/partition (NotFound), unreachable brokers (IOError), authentication failures
//     and denied reads (InvalidArgument: Kafka refused the job's credentials, CA or ACLs, so
//     retrying with the same properties cannot help; the job must pause until they are altered)
//     are errors naming the brokers and topic, returned within limits.max_ms plus a few
//     seconds at most. librdkafka reports a rejected SASL login / TLS handshake only through its
//     error callback and retries forever; metadata requests are therefore made in short slices
//     with the callback served in between, so "authentication (or: TLS handshake) with Kafka
//     brokers '...' failed: <librdkafka's reason>" comes within about a second instead of a
//     timeout. Credentials are never part of an error.
//
// Thread-safety: a source is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "routine_load.pb.h"

namespace basalt::cn {

// One consumed message. payload is valid only during the sink call.
struct KafkaMessage {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;
  std::string_view payload;
};

struct KafkaConsumeLimits {
  int64_t max_messages = 0;  // <= 0: no limit.
  int64_t max_bytes = 0;     // <= 0: no limit.
  int32_t max_ms = 0;        // <= 0: 15000.
};

struct KafkaBatch {
  // One per begin offset, same order (KafkaPartitionProgressPB semantics).
  std::vector<proto::KafkaPartitionProgressPB> progress;
  int64_t messages = 0;
  int64_t bytes = 0;
  // Why consuming stopped: "rows", "bytes", "time", "eof" or "pause" (for logs).
  std::string stop_reason;
  // Non-empty when the job must pause (e.g. OFFSET_OUT_OF_RANGE); the batch must not be loaded.
  std::string pause_reason;
};

// Called once per message in offset order per partition; returns false to stop after this
// message.
using KafkaMessageSink = std::function<bool(const KafkaMessage&)>;

class KafkaBatchSource {
 public:
  virtual ~KafkaBatchSource() = default;
  // Consumes one batch from the begin offsets the source was made with. Called once.
  virtual Result<KafkaBatch> ConsumeBatch(const KafkaConsumeLimits& limits, const KafkaMessageSink& sink) = 0;
};

// What a batch source is made from.
struct KafkaTaskSource {
  proto::KafkaSourcePB source;
  std::vector<proto::KafkaOffsetPB> begin_offsets;
  // Optional per-partition bound: the partition is done once its next offset reaches it.
  std::vector<proto::KafkaOffsetPB> end_offsets;
  std::string default_group_id;  // Used when source.properties has no group.id.
};

using KafkaBatchSourceFactory = std::function<Result<std::unique_ptr<KafkaBatchSource>>(const KafkaTaskSource&)>;

// The librdkafka source described above. Fails fast (InvalidArgument) on a bad property or an
// empty broker list / topic / partition list; connects only in ConsumeBatch.
Result<std::unique_ptr<KafkaBatchSource>> MakeRdKafkaBatchSource(const KafkaTaskSource& task);

// Partitions of the request's topic (all, or the requested ones, which must exist) with their
// low/high watermarks, within request.timeout_ms (0 = 12000). Errors: NotFound for an unknown
// topic or partition, IOError for unreachable brokers or a watermark query that failed, each
// naming the brokers and topic. The response's status is left unset; the caller fills it.
Result<proto::KafkaMetaResponse> GetKafkaMeta(const proto::KafkaMetaRequest& request);

}  // namespace basalt::cn
