#include "cn/ingest/routine_load_task.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "cn/ingest/row_parser.h"
#include "cn/storage/tablet_schema.h"
#include "cn/storage/tablet_writer.h"
#include "common/failpoint.h"
#include "common/io/volume_store.h"
#include "engine/distribution.h"
#include "engine/functions.h"

namespace basalt::cn {
namespace {

constexpr int kMaxErrorSamples = 3;
// Rejected rows kept in a task's error log (the ErrorLogUrls of SHOW ROUTINE LOAD) when the job
// does not set log_rejected_record_num: like StarRocks, error rows are always logged so users can
// see why they were rejected, but a flood of bad messages cannot fill the disk.
constexpr int64_t kDefaultErrorLogRows = 1000;

// The row as text for the error log when it was rejected after parsing (no partition).
std::string FormatRow(const Chunk& chunk, size_t row, const proto::TableSchemaPB& schema) {
  std::string out;
  for (size_t c = 0; c < chunk.columns.size(); ++c) {
    if (c > 0) out += ", ";
    out += schema.columns(static_cast<int>(c)).name();
    out += '=';
    out += chunk.columns[c]->IsNull(row) ? "NULL" : chunk.columns[c]->FormatRow(row);
  }
  return out;
}

std::string EscapeLine(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

std::string RejectLine(const RejectedRow& row) { return "Error: " + row.reason + ". Row: " + EscapeLine(row.raw); }

// Writes the kept rejected rows; returns the file name, empty when nothing was written.
Result<std::string> WriteErrorLog(const std::string& dir, int64_t job_id, int64_t txn_id,
                                  const std::vector<RejectedRow>& rows, int64_t limit) {
  if (dir.empty() || limit == 0 || rows.empty()) return std::string();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create error log directory " + dir + ": " + ec.message());
  std::string name = ErrorLogFileName(job_id, txn_id);
  std::string path = (std::filesystem::path(dir) / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IOError("cannot write error log " + path);
  size_t n = limit < 0 ? rows.size() : std::min<size_t>(rows.size(), static_cast<size_t>(limit));
  for (size_t i = 0; i < n; ++i) out << RejectLine(rows[i]) << '\n';
  out.close();
  if (!out) return Status::IOError("cannot write error log " + path);
  return name;
}

Status ValidateRequest(const proto::RoutineLoadTaskRequest& request, const std::vector<DataType>& types) {
  const proto::LoadTargetPB& target = request.target();
  if (request.begin_offsets_size() == 0) return Status::InvalidArgument("routine load task has no Kafka partitions");
  if (target.partitions_size() == 0) return Status::InvalidArgument("routine load target has no partitions");
  for (int32_t c : target.partition_columns()) {
    if (c < 0 || static_cast<size_t>(c) >= types.size()) {
      return Status::InvalidArgument("partition column position " + std::to_string(c) + " is out of range");
    }
  }
  for (int32_t c : target.distribution_columns()) {
    if (c < 0 || static_cast<size_t>(c) >= types.size()) {
      return Status::InvalidArgument("distribution column position " + std::to_string(c) + " is out of range");
    }
  }
  if (target.partition_columns_size() == 0 && (target.partitions_size() != 1 || !target.partitions(0).max_value())) {
    return Status::InvalidArgument("a table without partition columns must have one partition with max_value");
  }
  if (target.distribution() != "HASH" && target.distribution() != "RANDOM") {
    return Status::InvalidArgument("unknown distribution '" + target.distribution() + "' (HASH or RANDOM)");
  }
  if (target.distribution() == "HASH" && target.distribution_columns_size() == 0) {
    return Status::InvalidArgument("HASH distribution without distribution columns");
  }
  for (const auto& p : target.partitions()) {
    if (p.tablets_size() == 0) return Status::InvalidArgument("partition " + p.name() + " has no tablets");
  }
  return Status::OK();
}

Result<std::vector<RangeUpperBound>> PartitionBounds(const proto::LoadTargetPB& target,
                                                     const std::vector<DataType>& types) {
  std::vector<RangeUpperBound> bounds;
  for (const auto& p : target.partitions()) {
    RangeUpperBound bound;
    bound.max_value = p.max_value();
    if (!bound.max_value) {
      if (p.upper_bound_size() != target.partition_columns_size()) {
        return Status::InvalidArgument("partition " + p.name() + " has " + std::to_string(p.upper_bound_size()) +
                                       " bound values for " + std::to_string(target.partition_columns_size()) +
                                       " partition columns");
      }
      for (int i = 0; i < p.upper_bound_size(); ++i) {
        auto v = CastValue(Value::String(p.upper_bound(i)), types[target.partition_columns(i)], /*strict=*/true);
        if (!v.ok()) {
          return Status::InvalidArgument("upper bound '" + p.upper_bound(i) + "' of partition " + p.name() + ": " +
                                         v.status().message());
        }
        bound.values.push_back(std::move(v).value());
      }
    }
    bounds.push_back(std::move(bound));
  }
  return bounds;
}

// Parsed rows per routing + write step: large enough that per-chunk overheads vanish, small
// enough that a chunk and its per-tablet copies stay in cache.
constexpr size_t kRowsPerChunk = 8192;

// Routes parsed chunks to their tablets (step 3 of the header) and streams them into one
// TabletRowsetWriter per tablet, opened on the tablet's first row.
class TabletSink {
 public:
  TabletSink(const proto::RoutineLoadTaskRequest& request, const RoutineLoadDeps& deps,
             const std::vector<RangeUpperBound>& bounds, RowParser* parser)
      : request_(request),
        target_(request.target()),
        deps_(deps),
        bounds_(bounds),
        parser_(parser),
        partition_columns_(target_.partition_columns().begin(), target_.partition_columns().end()),
        dist_columns_(target_.distribution_columns().begin(), target_.distribution_columns().end()),
        allowed_(target_.allowed_partitions().begin(), target_.allowed_partitions().end()) {}

  int64_t routing_errors() const { return routing_errors_; }

  Status Write(Chunk rows) {
    if (rows.num_rows == 0) return Status::OK();
    // Partition of every row, then drop rows without an (allowed) partition.
    std::vector<int> partition_of_row = RouteRangePartitions(rows, partition_columns_, bounds_);
    std::vector<uint8_t> keep(rows.num_rows, 1);
    size_t dropped = 0;
    for (size_t r = 0; r < rows.num_rows; ++r) {
      const int p = partition_of_row[r];
      std::string reason;
      if (p < 0) {
        reason = "no partition for the row (its partition key is at or above every partition's upper bound)";
      } else if (!allowed_.empty() && allowed_.count(target_.partitions(p).partition_id()) == 0) {
        reason = "the row belongs to partition " + target_.partitions(p).name() +
                 ", which is not in the job's PARTITION list";
      }
      if (!reason.empty()) {
        keep[r] = 0;
        ++dropped;
        parser_->KeepRejected(std::move(reason), FormatRow(rows, r, target_.schema()));
      }
    }
    if (dropped > 0) {
      rows = rows.Filter(keep);
      std::vector<int> kept;
      kept.reserve(rows.num_rows);
      for (size_t r = 0; r < keep.size(); ++r) {
        if (keep[r]) kept.push_back(partition_of_row[r]);
      }
      partition_of_row = std::move(kept);
      routing_errors_ += static_cast<int64_t>(dropped);
    }
    if (rows.num_rows == 0) return Status::OK();

    // Bucket: tablet of every row, grouped per (partition, bucket) in that order.
    std::map<std::pair<int, int>, std::vector<uint32_t>> rows_of_tablet;
    const bool hash = target_.distribution() == "HASH";
    // HashBuckets takes one bucket count; partitions may differ, so hash once per distinct count.
    std::map<int, std::vector<uint32_t>> buckets_by_count;
    for (size_t r = 0; r < rows.num_rows; ++r) {
      const int p = partition_of_row[r];
      const int tablets = target_.partitions(p).tablets_size();
      int bucket;
      if (hash) {
        auto it = buckets_by_count.find(tablets);
        if (it == buckets_by_count.end()) {
          it = buckets_by_count.emplace(tablets, HashBuckets(rows, dist_columns_, static_cast<uint32_t>(tablets)))
                   .first;
        }
        bucket = static_cast<int>(it->second[r]);
      } else {
        bucket = static_cast<int>(round_robin_++ % static_cast<uint64_t>(tablets));
      }
      rows_of_tablet[{p, bucket}].push_back(static_cast<uint32_t>(r));
    }
    for (const auto& [key, positions] : rows_of_tablet) {
      ASSIGN_OR_RETURN(TabletRowsetWriter * writer, WriterFor(key));
      if (Status st = writer->Append(rows, positions); !st.ok()) {
        return st.WithContext("tablet " + std::to_string(TabletOf(key).tablet_id()));
      }
    }
    return Status::OK();
  }

  // Closes every tablet's rowset (last segment + txn log) and lists them in the response.
  Status Finish(proto::RoutineLoadTaskResponse* response, int64_t* loaded_bytes) {
    for (auto& [key, writer] : writers_) {
      auto written = writer->Finish();
      if (!written.ok()) return written.status().WithContext("tablet " + std::to_string(TabletOf(key).tablet_id()));
      proto::TabletWriteResultPB* result = response->add_tablets();
      result->set_tablet_id(TabletOf(key).tablet_id());
      *result->mutable_rowset() = written->rowset;
      result->set_txn_log_key(written->txn_log_key);
      *loaded_bytes += written->rowset.data_size();
    }
    return Status::OK();
  }

 private:
  const proto::TabletTargetPB& TabletOf(const std::pair<int, int>& key) const {
    return target_.partitions(key.first).tablets(key.second);
  }

  Result<TabletRowsetWriter*> WriterFor(const std::pair<int, int>& key) {
    auto it = writers_.find(key);
    if (it != writers_.end()) return it->second.get();
    if (store_ == nullptr) {
      if (!deps_.open_store) return Status::Internal("routine load without an object store opener");
      ASSIGN_OR_RETURN(store_, deps_.open_store(target_.volume()));
    }
    const proto::TabletTargetPB& tablet = TabletOf(key);
    TabletWriteTarget write_target;
    write_target.tablet_id = tablet.tablet_id();
    write_target.prefix = tablet.prefix();
    write_target.txn_id = request_.txn_id();
    write_target.writer_id = 1;
    TabletWriteOptions options;
    options.max_segment_rows = std::max<uint64_t>(deps_.max_segment_rows, 1);
    auto made = TabletRowsetWriter::Make(*store_, write_target, target_.schema(), options);
    if (!made.ok()) return made.status().WithContext("tablet " + std::to_string(tablet.tablet_id()));
    return writers_.emplace(key, std::move(made).value()).first->second.get();
  }

  const proto::RoutineLoadTaskRequest& request_;
  const proto::LoadTargetPB& target_;
  const RoutineLoadDeps& deps_;
  const std::vector<RangeUpperBound>& bounds_;
  RowParser* parser_;
  const std::vector<size_t> partition_columns_;
  const std::vector<size_t> dist_columns_;
  const std::set<int64_t> allowed_;
  uint64_t round_robin_ = 0;
  int64_t routing_errors_ = 0;
  std::shared_ptr<ObjectStore> store_;
  std::map<std::pair<int, int>, std::unique_ptr<TabletRowsetWriter>> writers_;
};

}  // namespace

std::string ErrorLogFileName(int64_t job_id, int64_t txn_id) {
  return "error_log_" + std::to_string(job_id) + "_" + std::to_string(txn_id);
}

RoutineLoadDeps DefaultRoutineLoadDeps(std::string error_log_dir) {
  RoutineLoadDeps deps;
  deps.open_store = [](const proto::VolumeSpecPB& pb) -> Result<std::shared_ptr<ObjectStore>> {
    VolumeSpec spec;
    spec.name = pb.name();
    spec.type = pb.type();
    spec.location = pb.location();
    for (const auto& [k, v] : pb.params()) spec.params[k] = v;
    return OpenVolumeStore(spec);
  };
  deps.make_source = MakeRdKafkaBatchSource;
  deps.error_log_dir = std::move(error_log_dir);
  return deps;
}

Result<proto::RoutineLoadTaskResponse> RunRoutineLoadTask(const proto::RoutineLoadTaskRequest& request,
                                                          const RoutineLoadDeps& deps) {
  const auto start = std::chrono::steady_clock::now();
  const proto::LoadTargetPB& target = request.target();
  const proto::TableSchemaPB& schema = target.schema();
  ASSIGN_OR_RETURN(std::vector<DataType> types, SchemaTypes(schema));
  RETURN_IF_ERROR(ValidateRequest(request, types));
  ASSIGN_OR_RETURN(std::vector<RangeUpperBound> bounds, PartitionBounds(target, types));

  RowParserOptions parser_options;
  const int64_t log_limit =
      request.log_rejected_record_num() == 0 ? kDefaultErrorLogRows : request.log_rejected_record_num();
  parser_options.max_kept_rejected = log_limit < 0 ? -1 : std::max<int64_t>(log_limit, kMaxErrorSamples);
  ASSIGN_OR_RETURN(std::unique_ptr<RowParser> parser, RowParser::Make(request.format(), schema, parser_options));

  // Consume, parse, route and write as the messages arrive: every kRowsPerChunk parsed rows are
  // routed and appended to their tablets' open segments, so the batch is never held in memory as
  // a whole and each row goes from the parsed chunk straight into its tablet's open segment.
  KafkaTaskSource task_source;
  task_source.source = request.source();
  task_source.begin_offsets.assign(request.begin_offsets().begin(), request.begin_offsets().end());
  task_source.end_offsets.assign(request.end_offsets().begin(), request.end_offsets().end());
  task_source.default_group_id = "basalt_" + std::to_string(request.job_id()) + "_" + request.task_id();
  if (!deps.make_source) return Status::Internal("routine load without a Kafka source factory");
  // InvalidArgument from the source: Kafka refused the job's settings (an invalid property,
  // credentials the broker rejects, e.g. a password changed while the job ran). Every retry would
  // fail the same way, so the FE is asked to pause the job (StarRocks' BE aborts such tasks with a
  // "PAUSE:" reason); other errors (broker down) abort the task and it is retried.
  auto pause_on_refusal = [&](const Status& status) -> Result<proto::RoutineLoadTaskResponse> {
    if (status.code() != StatusCode::kInvalidArgument) return status;
    proto::RoutineLoadTaskResponse response;
    response.mutable_status()->set_code(static_cast<int32_t>(StatusCode::kInvalidArgument));
    response.mutable_status()->set_message(status.message());
    response.set_pause_reason(status.message());
    response.set_execute_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - start).count());
    return response;
  };
  Result<std::unique_ptr<KafkaBatchSource>> made = deps.make_source(task_source);
  if (!made.ok()) return pause_on_refusal(made.status());
  std::unique_ptr<KafkaBatchSource> source = std::move(made).value();
  KafkaConsumeLimits limits;
  limits.max_messages = request.max_batch_rows();
  limits.max_bytes = request.max_batch_bytes();
  limits.max_ms = request.max_consume_ms();
  const int64_t max_rows = request.max_batch_rows();
  TabletSink sink(request, deps, bounds, parser.get());
  Status write_status;
  Result<KafkaBatch> consumed = source->ConsumeBatch(limits, [&](const KafkaMessage& m) {
    parser->Parse(m.payload);
    if (parser->buffered_rows() >= kRowsPerChunk) {
      write_status = sink.Write(parser->TakeRows());
      if (!write_status.ok()) return false;
    }
    return max_rows <= 0 || parser->total_rows() < max_rows;
  });
  source.reset();
  RETURN_IF_ERROR(write_status);
  // Segments already streamed for a refused batch are never committed (as for pause_reason below).
  if (!consumed.ok()) return pause_on_refusal(consumed.status());
  KafkaBatch batch = std::move(consumed).value();

  proto::RoutineLoadTaskResponse response;
  for (auto& p : batch.progress) *response.add_progress() = std::move(p);
  if (!batch.pause_reason.empty()) {
    response.mutable_status()->set_code(static_cast<int32_t>(StatusCode::kInvalidArgument));
    response.mutable_status()->set_message(batch.pause_reason);
    response.set_pause_reason(batch.pause_reason);
    response.set_received_bytes(batch.bytes);
    response.set_execute_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - start).count());
    return response;
  }
  RETURN_IF_ERROR(sink.Write(parser->TakeRows()));
  const int64_t error_rows = parser->error_rows() + sink.routing_errors();
  int64_t loaded_bytes = 0;
  RETURN_IF_ERROR(sink.Finish(&response, &loaded_bytes));
  RETURN_IF_ERROR(CheckFailpoint("cn_routine_load_after_write"));

  // Answer.
  const std::vector<RejectedRow>& rejected = parser->rejected();
  ASSIGN_OR_RETURN(std::string log_name,
                   WriteErrorLog(deps.error_log_dir, request.job_id(), request.txn_id(), rejected, log_limit));
  for (size_t i = 0; i < rejected.size() && i < static_cast<size_t>(kMaxErrorSamples); ++i) {
    response.add_error_samples(RejectLine(rejected[i]));
  }
  response.mutable_status()->set_code(0);
  response.set_total_rows(parser->total_rows());
  response.set_error_rows(error_rows);
  response.set_unselected_rows(parser->unselected_rows());
  response.set_received_bytes(parser->received_bytes());
  response.set_loaded_bytes(loaded_bytes);
  response.set_error_log_file(log_name);
  response.set_execute_ms(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
  return response;
}

}  // namespace basalt::cn
