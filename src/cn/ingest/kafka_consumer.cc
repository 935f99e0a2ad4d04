#include "cn/ingest/kafka_consumer.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/logging.h"

namespace basalt::cn {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int32_t kDefaultConsumeMs = 15000;
constexpr int32_t kDefaultMetaTimeoutMs = 12000;
// Metadata and watermark queries get at least this long even when the consume budget is smaller:
// a broker round trip on a loaded machine can take a second.
constexpr int32_t kMinRequestMs = 2000;
// Messages dequeued per consume_batch_queue call (ingest.md §1.3: batches of a few thousand).
constexpr size_t kDequeueBatch = 4096;
// One metadata attempt; failures seen in between (authentication) end the wait early.
constexpr int64_t kMetadataSliceMs = 500;

int64_t MillisLeft(Clock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
}

// Errors librdkafka reports through the error callback (broker down, authentication failed, ...),
// kept so a failing metadata request or an empty batch can say *why*.
struct ErrorLog {
  std::mutex mu;
  rd_kafka_resp_err_t last_err = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string last_reason;
  std::atomic<bool> auth_failed{false};
  // Kept apart from last_reason: "1/1 brokers are down" follows a failed login and would hide it.
  std::string auth_reason;
  rd_kafka_resp_err_t auth_err = RD_KAFKA_RESP_ERR_NO_ERROR;

  void Record(rd_kafka_resp_err_t err, const char* reason) {
    std::lock_guard<std::mutex> lock(mu);
    last_err = err;
    last_reason = reason != nullptr ? reason : rd_kafka_err2str(err);
    if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION || err == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED ||
        err == RD_KAFKA_RESP_ERR__SSL) {
      auth_reason = last_reason;
      auth_err = err;
      auth_failed = true;
    }
  }
  std::string Describe() {
    std::lock_guard<std::mutex> lock(mu);
    return last_reason;
  }
  std::string DescribeAuth() {
    std::lock_guard<std::mutex> lock(mu);
    return auth_reason;
  }
  bool TlsFailed() {
    std::lock_guard<std::mutex> lock(mu);
    return auth_err == RD_KAFKA_RESP_ERR__SSL;
  }
};

void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    // The callback only says "fatal"; the underlying error (e.g. an authentication failure) is
    // what the job's pause reason must name.
    char fatal_reason[512];
    rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(rk, fatal_reason, sizeof(fatal_reason));
    if (fatal != RD_KAFKA_RESP_ERR_NO_ERROR) {
      static_cast<ErrorLog*>(opaque)->Record(fatal, fatal_reason);
      return;
    }
  }
  static_cast<ErrorLog*>(opaque)->Record(static_cast<rd_kafka_resp_err_t>(err), reason);
}

void OnLog(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  // syslog levels: 0..3 error, 4 warning; librdkafka's info/debug chatter stays out of our log.
  if (level <= 3) {
    LOG(ERROR) << "librdkafka " << fac << ": " << buf;
  } else if (level == 4) {
    LOG(WARNING) << "librdkafka " << fac << ": " << buf;
  }
}

bool IsForcedKey(const std::string& key) {
  static const std::set<std::string> kForced = {"bootstrap.servers", "metadata.broker.list",
                                                "enable.auto.commit", "enable.auto.offset.store",
                                                "enable.partition.eof", "auto.offset.reset", "group.id"};
  return kForced.count(key) > 0;
}

Status SetConf(rd_kafka_conf_t* conf, const std::string& key, const std::string& value, bool user) {
  char errstr[512];
  rd_kafka_conf_res_t res = rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof(errstr));
  if (res == RD_KAFKA_CONF_OK) return Status::OK();
  if (res == RD_KAFKA_CONF_UNKNOWN && user) {
    // StarRocks ignores Java-client-only keys too; failing the job for them would break
    // properties copied from a Java consumer config.
    LOG(WARNING) << "ignoring Kafka property '" << key << "': unknown to librdkafka";
    return Status::OK();
  }
  // errstr may quote the value; the value may be a password, so only the key is named.
  return Status::InvalidArgument("invalid Kafka property '" + key + "'" +
                                 (res == RD_KAFKA_CONF_UNKNOWN ? ": unknown property" : ""));
}

struct RdKafkaHandle {
  rd_kafka_t* rk = nullptr;
  std::unique_ptr<ErrorLog> errors = std::make_unique<ErrorLog>();
  ~RdKafkaHandle() {
    // No group membership and no commits: skip the consumer-close handshake so shutting down
    // never waits on unreachable brokers.
    if (rk != nullptr) rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  }
};

// Creates a consumer handle with the forced settings, then the user's properties.
Result<std::unique_ptr<RdKafkaHandle>> NewConsumer(const proto::KafkaSourcePB& source, const std::string& group_id) {
  if (source.brokers().empty()) return Status::InvalidArgument("Kafka broker list is empty");
  if (source.topic().empty()) return Status::InvalidArgument("Kafka topic is empty");
  auto handle = std::make_unique<RdKafkaHandle>();
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto fail = [&](Status s) {
    rd_kafka_conf_destroy(conf);
    return s;
  };
  auto group = source.properties().find("group.id");
  std::string group_value = group != source.properties().end() && !group->second.empty() ? group->second : group_id;
  // librdkafka refuses an assignment without a group ("Unknown group").
  if (group_value.empty()) group_value = "basalt_routine_load";
  const std::vector<std::pair<std::string, std::string>> forced = {
      {"bootstrap.servers", source.brokers()},
      {"group.id", group_value},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "true"},
      {"auto.offset.reset", "error"},
      {"isolation.level", "read_committed"},
      {"fetch.wait.max.ms", "100"},
  };
  for (const auto& [key, value] : forced) {
    Status s = SetConf(conf, key, value, /*user=*/false);
    if (!s.ok()) return fail(std::move(s));
  }
  for (const auto& [key, value] : source.properties()) {
    if (IsForcedKey(key)) {
      if (key != "group.id") LOG(WARNING) << "ignoring Kafka property '" << key << "': set by the compute node";
      continue;
    }
    Status s = SetConf(conf, key, value, /*user=*/true);
    if (!s.ok()) return fail(std::move(s));
  }
  rd_kafka_conf_set_opaque(conf, handle->errors.get());
  rd_kafka_conf_set_error_cb(conf, OnError);
  rd_kafka_conf_set_log_cb(conf, OnLog);
  char errstr[512];
  handle->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
  if (handle->rk == nullptr) {
    return fail(Status::InvalidArgument(std::string("cannot create Kafka consumer: ") + errstr));
  }
  // Errors and callbacks are served by the consumer queue we poll.
  rd_kafka_poll_set_consumer(handle->rk);
  return handle;
}

std::string Where(const proto::KafkaSourcePB& source) {
  return "topic '" + source.topic() + "' on Kafka brokers '" + source.brokers() + "'";
}

// Serves the consumer queue without waiting, so errors librdkafka raised in its own threads reach
// OnError. Nothing is assigned while this runs, so no message is dropped.
void DrainErrors(RdKafkaHandle& handle) {
  while (rd_kafka_message_t* m = rd_kafka_consumer_poll(handle.rk, 0)) {
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) handle.errors->Record(m->err, rd_kafka_message_errstr(m));
    rd_kafka_message_destroy(m);
  }
}

// librdkafka reports a rejected SASL login or TLS handshake only through the error callback and
// keeps retrying, so a metadata request just times out; this names the real cause instead. The
// reason names the broker ("sasl_plaintext://host:port/...") and never the credentials.
//
// InvalidArgument, not IOError: Kafka refused the job's own settings (credentials, CA), so a retry
// with the same properties fails the same way, even when they worked before (a password changed
// on the broker). Callers pause the job on it until ALTER ROUTINE LOAD fixes the properties,
// where an IOError (broker down) is retried.
Status AuthenticationError(RdKafkaHandle& handle, const proto::KafkaSourcePB& source) {
  auto protocol = source.properties().find("security.protocol");
  std::string how = protocol == source.properties().end() ? "plaintext" : protocol->second;
  const char* what = handle.errors->TlsFailed() ? "TLS handshake" : "authentication";
  return Status::InvalidArgument(std::string(what) + " with Kafka brokers '" + source.brokers() +
                                 "' failed (security.protocol " + how + "): " + handle.errors->DescribeAuth());
}

// The partition ids of the topic, or NotFound / IOError naming the brokers and topic.
//
// Asks for the metadata of all topics and looks for ours: a metadata request naming the topic
// may create it (brokers with auto.create.topics.enable, and librdkafka's mock cluster, do), and a
// typo in a job's topic must not create a topic.
Result<std::vector<int32_t>> TopicPartitions(RdKafkaHandle& handle, const proto::KafkaSourcePB& source,
                                             int timeout_ms) {
  const struct rd_kafka_metadata* md = nullptr;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__TIMED_OUT;
  // Short attempts with the error callback served in between: a failed login is known within a
  // second, not after the whole timeout.
  for (;;) {
    int64_t left = MillisLeft(deadline);
    if (left <= 0) break;
    const Clock::time_point attempt = Clock::now();
    err = rd_kafka_metadata(handle.rk, /*all_topics=*/1, nullptr, &md,
                            static_cast<int>(std::min<int64_t>(left, kMetadataSliceMs)));
    DrainErrors(handle);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (handle.errors->auth_failed) return AuthenticationError(handle, source);
    // A request that fails at once (no broker up yet) must not turn this into a busy loop.
    if (Clock::now() - attempt < std::chrono::milliseconds(50)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::string why = handle.errors->Describe();
    return Status::IOError("cannot read metadata of " + Where(source) + " within " + std::to_string(timeout_ms) +
                           " ms: " + rd_kafka_err2str(err) + (why.empty() ? "" : " (" + why + ")"));
  }
  std::vector<int32_t> partitions;
  Status status = Status::NotFound("Kafka " + Where(source) + " does not exist");
  for (int t = 0; t < md->topic_cnt; ++t) {
    const rd_kafka_metadata_topic& topic = md->topics[t];
    if (topic.topic == nullptr || source.topic() != topic.topic) continue;
    if (topic.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || topic.err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) break;
    if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status = Status::IOError("cannot read metadata of " + Where(source) + ": " + rd_kafka_err2str(topic.err));
      break;
    }
    status = Status::OK();
    for (int i = 0; i < topic.partition_cnt; ++i) partitions.push_back(topic.partitions[i].id);
    std::sort(partitions.begin(), partitions.end());
    break;
  }
  rd_kafka_metadata_destroy(md);
  if (!status.ok()) return status;
  return partitions;
}

Status CheckPartitionsExist(const std::vector<int32_t>& existing, const std::vector<int32_t>& wanted,
                            const proto::KafkaSourcePB& source) {
  for (int32_t p : wanted) {
    if (!std::binary_search(existing.begin(), existing.end(), p)) {
      return Status::NotFound("partition " + std::to_string(p) + " of Kafka " + Where(source) +
                              " does not exist (the topic has " + std::to_string(existing.size()) + " partitions)");
    }
  }
  return Status::OK();
}

class RdKafkaBatchSource final : public KafkaBatchSource {
 public:
  explicit RdKafkaBatchSource(KafkaTaskSource task) : task_(std::move(task)) {}

  Status Init() {
    if (task_.begin_offsets.empty()) return Status::InvalidArgument("routine load task has no Kafka partitions");
    std::set<int32_t> seen;
    for (const auto& b : task_.begin_offsets) {
      if (b.offset() < 0) {
        return Status::InvalidArgument("begin offset " + std::to_string(b.offset()) + " of partition " +
                                       std::to_string(b.partition()) + " is not a concrete offset");
      }
      if (!seen.insert(b.partition()).second) {
        return Status::InvalidArgument("partition " + std::to_string(b.partition()) + " is listed twice");
      }
    }
    ASSIGN_OR_RETURN(handle_, NewConsumer(task_.source, task_.default_group_id));
    return Status::OK();
  }

  Result<KafkaBatch> ConsumeBatch(const KafkaConsumeLimits& limits, const KafkaMessageSink& sink) override;

 private:
  struct PartitionState {
    int64_t begin = 0;
    int64_t last_offset = -1;  // Of the last message handed to the sink.
    int64_t last_timestamp_ms = -1;
    bool eof = false;          // EOF reported after the last handed-over message.
    bool reached_end = false;  // EOF reported at least once, or the end_offsets bound consumed.
    int64_t end_bound = -1;    // From task.end_offsets; -1 = none.
    int64_t eof_offset = -1;   // The offset EOF was reported at (librdkafka's next fetch offset).
  };

  std::string OutOfRangeReason(int32_t partition, int64_t offset);

  KafkaTaskSource task_;
  std::unique_ptr<RdKafkaHandle> handle_;
};

std::string RdKafkaBatchSource::OutOfRangeReason(int32_t partition, int64_t offset) {
  std::string reason = "OFFSET_OUT_OF_RANGE: partition " + std::to_string(partition) + " offset " +
                       std::to_string(offset) + " of Kafka topic '" + task_.source.topic() + "'";
  int64_t low = -1, high = -1;
  rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(handle_->rk, task_.source.topic().c_str(), partition,
                                                             &low, &high, kMinRequestMs);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return reason + " is not available on the brokers";
  if (offset < low) {
    // Never skipped: the job pauses and the user decides (ALTER ROUTINE LOAD ... kafka_offsets).
    return reason + " is below the log start offset " + std::to_string(low) + " (the data was deleted by retention " +
           "or delete-records before it was loaded: " + std::to_string(low - offset) + " offsets in [" +
           std::to_string(offset) + ", " + std::to_string(low) + ") are gone)";
  }
  if (offset > high) {
    return reason + " is beyond the end offset " + std::to_string(high) + " (was the topic recreated?)";
  }
  return reason + " is not available on the brokers (valid range [" + std::to_string(low) + ", " +
         std::to_string(high) + "])";
}

Result<KafkaBatch> RdKafkaBatchSource::ConsumeBatch(const KafkaConsumeLimits& limits, const KafkaMessageSink& sink) {
  const int32_t max_ms = limits.max_ms > 0 ? limits.max_ms : kDefaultConsumeMs;
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + std::chrono::milliseconds(max_ms);
  rd_kafka_t* rk = handle_->rk;
  const proto::KafkaSourcePB& source = task_.source;

  std::vector<int32_t> wanted;
  for (const auto& b : task_.begin_offsets) wanted.push_back(b.partition());
  ASSIGN_OR_RETURN(std::vector<int32_t> existing,
                   TopicPartitions(*handle_, source, static_cast<int>(std::max<int64_t>(MillisLeft(deadline), kMinRequestMs))));
  RETURN_IF_ERROR(CheckPartitionsExist(existing, wanted, source));

  std::map<int32_t, PartitionState> state;
  rd_kafka_topic_partition_list_t* assignment =
      rd_kafka_topic_partition_list_new(static_cast<int>(task_.begin_offsets.size()));
  for (const auto& b : task_.begin_offsets) {
    rd_kafka_topic_partition_list_add(assignment, source.topic().c_str(), b.partition())->offset = b.offset();
    state[b.partition()].begin = b.offset();
    for (const auto& e : task_.end_offsets) {
      if (e.partition() == b.partition()) state[b.partition()].end_bound = e.offset();
    }
  }
  rd_kafka_resp_err_t err = rd_kafka_assign(rk, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("cannot assign partitions of Kafka " + Where(source) + ": " + rd_kafka_err2str(err));
  }

  KafkaBatch batch;
  rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(rk);
  std::vector<rd_kafka_message_t*> messages(kDequeueBatch);
  size_t eof_count = 0;
  // Partitions that reached their end at least once. The batch stops when all have: under a
  // steady stream a partition is rarely at its end at the instant we look, and waiting for that
  // would stretch every batch to max_consume_ms, which is what freshness cannot afford.
  size_t reached_count = 0;
  for (auto& [partition, ps] : state) {
    if (ps.end_bound >= 0 && ps.begin >= ps.end_bound) {  // nothing to read up to the bound
      ps.reached_end = true;
      ++reached_count;
    }
  }
  Status error;
  bool stop = false;
  while (!stop) {
    int64_t left = MillisLeft(deadline);
    if (left <= 0) {
      batch.stop_reason = "time";
      break;
    }
    if (handle_->errors->auth_failed) {
      error = AuthenticationError(*handle_, source);
      break;
    }
    size_t want = kDequeueBatch;
    if (limits.max_messages > 0) want = std::min<size_t>(want, static_cast<size_t>(limits.max_messages - batch.messages));
    // Short waits so the deadline and authentication failures are noticed promptly.
    ssize_t n = rd_kafka_consume_batch_queue(queue, static_cast<int>(std::min<int64_t>(left, 100)), messages.data(), want);
    if (n < 0) {
      error = Status::IOError(std::string("consuming from Kafka failed: ") + rd_kafka_err2str(rd_kafka_last_error()));
      break;
    }
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = messages[i];
      if (stop || !error.ok() || !batch.pause_reason.empty()) {
        rd_kafka_message_destroy(m);  // Dequeued after the batch ended: not consumed.
        continue;
      }
      auto it = state.find(m->partition);
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        if (it != state.end()) {
          if (!it->second.eof) ++eof_count;
          if (!it->second.reached_end) ++reached_count;
          it->second.eof = true;
          it->second.reached_end = true;
          it->second.eof_offset = std::max(it->second.eof_offset, m->offset);
        }
      } else if (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET || m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
        int64_t offset = m->offset >= 0 ? m->offset : (it != state.end() ? it->second.begin : -1);
        if (it != state.end() && it->second.last_offset >= 0) offset = it->second.last_offset + 1;
        batch.pause_reason = OutOfRangeReason(m->partition, offset);
      } else if (m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || m->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
                 m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
        error = Status::NotFound("partition " + std::to_string(m->partition) + " of Kafka " + Where(source) +
                                 " does not exist: " + rd_kafka_message_errstr(m));
      } else if (m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
                 m->err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED || m->err == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
                 m->err == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED) {
        // Refused credentials or missing ACLs: as persistent as AuthenticationError, hence its code.
        error = Status::InvalidArgument("not allowed to read Kafka " + Where(source) + ": " +
                                        rd_kafka_message_errstr(m));
      } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        // Transient (broker restarting, leader moving): librdkafka retries by itself.
        handle_->errors->Record(m->err, rd_kafka_message_errstr(m));
      } else if (it != state.end()) {
        PartitionState& ps = it->second;
        if (ps.eof) {
          ps.eof = false;  // New data arrived after EOF.
          --eof_count;
        }
        ps.last_offset = std::max(ps.last_offset, m->offset);
        if (!ps.reached_end && ps.end_bound >= 0 && ps.last_offset + 1 >= ps.end_bound) {
          ps.reached_end = true;
          ++reached_count;
        }
        ps.last_timestamp_ms = rd_kafka_message_timestamp(m, nullptr);
        KafkaMessage message{m->partition, m->offset, ps.last_timestamp_ms,
                             std::string_view(static_cast<const char*>(m->payload), m->payload ? m->len : 0)};
        ++batch.messages;
        batch.bytes += static_cast<int64_t>(message.payload.size());
        bool more = sink(message);
        if (!more) {
          batch.stop_reason = "rows";
          stop = true;
        } else if (limits.max_messages > 0 && batch.messages >= limits.max_messages) {
          batch.stop_reason = "rows";
          stop = true;
        } else if (limits.max_bytes > 0 && batch.bytes >= limits.max_bytes) {
          batch.stop_reason = "bytes";
          stop = true;
        }
      }
      rd_kafka_message_destroy(m);
    }
    if (!error.ok()) break;
    if (!batch.pause_reason.empty()) {
      batch.stop_reason = "pause";
      break;
    }
    if (!stop && reached_count == state.size()) {
      batch.stop_reason = "eof";
      break;
    }
  }

  // Positions and cached watermarks before unassigning.
  rd_kafka_topic_partition_list_t* positions = rd_kafka_topic_partition_list_new(static_cast<int>(state.size()));
  for (const auto& [p, ps] : state) rd_kafka_topic_partition_list_add(positions, source.topic().c_str(), p);
  rd_kafka_position(rk, positions);
  for (const auto& b : task_.begin_offsets) {
    const PartitionState& ps = state[b.partition()];
    proto::KafkaPartitionProgressPB* progress = &batch.progress.emplace_back();
    progress->set_partition(b.partition());
    int64_t next = std::max(ps.begin, ps.last_offset + 1);
    if (ps.eof) {
      // Caught up: both the position and the EOF offset are past control records and aborted
      // data librdkafka skipped; take whichever is further (each is at most the end of the log).
      rd_kafka_topic_partition_t* pos = rd_kafka_topic_partition_list_find(positions, source.topic().c_str(), b.partition());
      if (pos != nullptr && pos->err == RD_KAFKA_RESP_ERR_NO_ERROR && pos->offset >= 0) next = std::max(next, pos->offset);
      next = std::max(next, ps.eof_offset);
    }
    progress->set_next_offset(next);
    progress->set_last_timestamp_ms(ps.last_timestamp_ms);
    int64_t low = -1, high = -1;
    if (rd_kafka_get_watermark_offsets(rk, source.topic().c_str(), b.partition(), &low, &high) ==
            RD_KAFKA_RESP_ERR_NO_ERROR &&
        high >= 0) {
      progress->set_high_watermark(high);
    } else {
      progress->set_high_watermark(-1);
    }
  }
  rd_kafka_topic_partition_list_destroy(positions);
  rd_kafka_assign(rk, nullptr);
  rd_kafka_queue_destroy(queue);

  if (!error.ok()) return error;
  if (batch.messages == 0 && eof_count < state.size() && batch.pause_reason.empty()) {
    // Nothing came and not every partition reached its end: say why if librdkafka told us.
    std::string why = handle_->errors->Describe();
    if (!why.empty()) {
      return Status::IOError("no data from Kafka " + Where(source) + " within " + std::to_string(max_ms) +
                             " ms: " + why);
    }
  }
  return batch;
}

}  // namespace

Result<std::unique_ptr<KafkaBatchSource>> MakeRdKafkaBatchSource(const KafkaTaskSource& task) {
  auto source = std::make_unique<RdKafkaBatchSource>(task);
  RETURN_IF_ERROR(source->Init());
  return std::unique_ptr<KafkaBatchSource>(std::move(source));
}

Result<proto::KafkaMetaResponse> GetKafkaMeta(const proto::KafkaMetaRequest& request) {
  const int32_t timeout_ms = request.timeout_ms() > 0 ? request.timeout_ms() : kDefaultMetaTimeoutMs;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafkaHandle> handle, NewConsumer(request.source(), "basalt_meta"));
  ASSIGN_OR_RETURN(std::vector<int32_t> existing, TopicPartitions(*handle, request.source(), timeout_ms));
  std::vector<int32_t> wanted(request.partitions().begin(), request.partitions().end());
  if (wanted.empty()) {
    wanted = existing;
  } else {
    RETURN_IF_ERROR(CheckPartitionsExist(existing, wanted, request.source()));
  }
  proto::KafkaMetaResponse response;
  for (int32_t p : wanted) {
    int64_t left = std::max<int64_t>(MillisLeft(deadline), 1);
    int64_t low = -1, high = -1;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(handle->rk, request.source().topic().c_str(), p, &low,
                                                               &high, static_cast<int>(left));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::string why = handle->errors->Describe();
      return Status::IOError("cannot read the offsets of partition " + std::to_string(p) + " of Kafka " +
                             Where(request.source()) + ": " + rd_kafka_err2str(err) + (why.empty() ? "" : " (" + why + ")"));
    }
    proto::KafkaPartitionMetaPB* meta = response.add_partitions();
    meta->set_partition(p);
    meta->set_low_watermark(low);
    meta->set_high_watermark(high);
  }
  return response;
}

}  // namespace basalt::cn
