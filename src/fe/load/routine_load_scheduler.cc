#include "fe/load/routine_load_scheduler.h"

#include <algorithm>

#include "common/failpoint.h"
#include "common/logging.h"
#include "common/string_util.h"
#include "fe/catalog/table_layout.h"
#include "fe/load/table_writer.h"

namespace basalt::fe {
namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t IntProp(const proto::RoutineLoadJobMeta& job, const std::string& key, int64_t fallback) {
  auto it = job.properties().find(key);
  int64_t v = 0;
  if (it == job.properties().end() || !ParseInt64(it->second, &v)) return fallback;
  return v;
}

std::string Stamped(const std::string& msg) { return "[" + FormatDateTimeMillis(NowMillis()) + "] " + msg; }

Status FromCnStatus(const proto::CnRpcStatus& status, const ComputeNodeInfo& node) {
  if (status.code() == 0) return Status::OK();
  return Status(static_cast<StatusCode>(status.code()),
                "compute node " + node.host + ":" + std::to_string(node.be_port) + ": " + status.message());
}

// The task's view of the target table: partitions with bounds and tablet prefixes, schema, volume.
Result<proto::LoadTargetPB> LoadTargetOf(const proto::RoutineLoadJobMeta& job, const proto::TableMeta& table,
                                         const proto::StorageVolumeMeta& volume, const SecretBox& secrets) {
  proto::LoadTargetPB target;
  ASSIGN_OR_RETURN(*target.mutable_volume(), VolumeSpecFor(volume, secrets));
  *target.mutable_schema() = StorageSchemaOf(table);
  auto column_index = [&](const std::string& name) {
    for (int i = 0; i < table.columns_size(); ++i) {
      if (table.columns(i).name() == name) return i;
    }
    return -1;
  };
  const std::string& kind = table.partition().kind();
  if (!kind.empty() && kind != "UNPARTITIONED" && kind != "RANGE") {
    return Status::Sql(kRoutineLoadError, "Loading into a table partitioned by " + table.partition().text() +
                                              " is not supported yet (only RANGE partitions and unpartitioned tables)");
  }
  for (const std::string& c : table.partition().columns()) target.add_partition_columns(column_index(c));
  auto add_partition = [&](const proto::PartitionMeta& p, bool max_value, const proto::RangePartitionMeta* range) {
    proto::PartitionTargetPB* out = target.add_partitions();
    out->set_partition_id(p.id());
    out->set_name(p.name());
    out->set_max_value(max_value);
    if (range) {
      for (const auto& b : range->upper_bound()) out->add_upper_bound(b);
    }
    for (const auto& t : p.tablets()) {
      proto::TabletTargetPB* tablet = out->add_tablets();
      tablet->set_tablet_id(t.id());
      tablet->set_prefix(TabletPrefix(job.db_id(), table.id(), p.id(), t.id()));
    }
  };
  if (kind == "RANGE") {
    for (const auto& range : table.partition().ranges()) {
      for (const auto& p : table.partitions()) {
        if (p.name() == range.name()) add_partition(p, range.max_value(), &range);
      }
    }
  } else {
    for (const auto& p : table.partitions()) add_partition(p, true, nullptr);
  }
  target.set_distribution(table.distribution().kind());
  for (const std::string& c : table.distribution().columns()) target.add_distribution_columns(column_index(c));
  for (const std::string& name : job.partitions()) {
    for (const auto& p : table.partitions()) {
      if (p.name() == name) target.add_allowed_partitions(p.id());
    }
  }
  return target;
}

}  // namespace

RoutineLoadScheduler::RoutineLoadScheduler(Catalog* catalog, MetaStore* meta, TransactionManager* txns,
                                           ComputeNodeManager* nodes, const SecretBox* secrets,
                                           RoutineLoadSchedulerOptions options)
    : catalog_(catalog), meta_(meta), txns_(txns), nodes_(nodes), secrets_(secrets), options_(options) {}

RoutineLoadScheduler::~RoutineLoadScheduler() { Stop(); }

void RoutineLoadScheduler::Start() {
  std::lock_guard lock(mu_);
  if (loop_.joinable()) return;
  stop_ = false;
  loop_ = std::thread([this] { Loop(); });
}

void RoutineLoadScheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (loop_.joinable()) loop_.join();
  std::vector<Worker> workers;
  {
    std::lock_guard lock(mu_);
    workers.swap(workers_);
  }
  for (Worker& w : workers) w.thread.join();
}

void RoutineLoadScheduler::Wake() {
  {
    std::lock_guard lock(mu_);
    wake_requested_ = true;
  }
  wake_.notify_all();
}

void RoutineLoadScheduler::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    // Reap finished task threads.
    for (auto it = workers_.begin(); it != workers_.end();) {
      if (it->done->load()) {
        it->thread.join();
        it = workers_.erase(it);
      } else {
        ++it;
      }
    }
    lock.unlock();
    RunOnce();
    lock.lock();
    wake_.wait_for(lock, options_.loop_interval, [this] { return stop_ || wake_requested_; });
    wake_requested_ = false;
  }
}

void RoutineLoadScheduler::RunOnce() {
  for (const proto::RoutineLoadJobMeta& job : catalog_->ListRoutineLoadJobs()) {
    const std::string& state = job.state();
    if (state == "STOPPED" || state == "CANCELLED" || state == "PAUSED") {
      std::lock_guard lock(mu_);
      auto it = jobs_.find(job.id());
      if (it != jobs_.end()) {
        // Idle slots go now; running tasks finish and are fenced at commit.
        auto& slots = it->second.slots;
        slots.erase(std::remove_if(slots.begin(), slots.end(), [](const auto& s) { return !s->running; }), slots.end());
        it->second.layout.clear();
      }
      continue;
    }
    if (!catalog_->FindTableById(job.table_id())) {
      Status st = UpdateJob(job.id(), [&](proto::RoutineLoadJobMeta* j) {
        j->set_state("CANCELLED");
        j->set_end_time_ms(NowMillis());
        j->mutable_reason()->set_code(kErrTable);
        j->mutable_reason()->set_msg("table " + job.db() + "." + job.table() + " does not exist any more");
        return Status::OK();
      });
      if (!st.ok()) LOG(WARNING) << "routine load " << job.name() << ": " << st.ToString();
      continue;
    }
    if (state == "NEED_SCHEDULE") {
      PrepareJob(job);
    } else if (state == "RUNNING") {
      ScheduleRunningJob(job);
    }
  }
}

Result<ComputeNodeInfo> RoutineLoadScheduler::PickNode(int64_t job_id) {
  std::vector<ComputeNodeInfo> alive = nodes_ ? nodes_->AliveNodes() : std::vector<ComputeNodeInfo>{};
  if (alive.empty()) return Status::IOError("no alive compute node to run the task");
  std::lock_guard lock(mu_);
  JobState& state = jobs_[job_id];
  // Round robin over the alive nodes, so the tasks of a job spread over the cluster.
  size_t next = 0;
  for (size_t i = 0; i < alive.size(); ++i) {
    if (alive[i].id == state.last_node_id) next = (i + 1) % alive.size();
  }
  state.last_node_id = alive[next].id;
  return alive[next];
}

proto::KafkaSourcePB RoutineLoadScheduler::SourceOf(const proto::RoutineLoadJobMeta& job) const {
  proto::KafkaSourcePB source;
  source.set_brokers(job.brokers());
  source.set_topic(job.topic());
  for (const auto& [k, v] : job.custom_properties()) {
    if (k == "kafka_default_offsets") continue;  // Basalt's, not librdkafka's
    (*source.mutable_properties())[k] = v;
  }
  return source;
}

void RoutineLoadScheduler::SetOtherMsg(int64_t job_id, const std::string& msg) {
  std::lock_guard lock(mu_);
  jobs_[job_id].other_msg = Stamped(msg);
}

Status RoutineLoadScheduler::UpdateJob(int64_t job_id,
                                       const std::function<Status(proto::RoutineLoadJobMeta*)>& change) {
  proto::JournalEntry entry;
  auto validate = [&](const Catalog& catalog, proto::JournalEntry* e) -> Status {
    auto job = catalog.FindRoutineLoadJob(job_id);
    if (!job) return Status::NotFound("routine load job " + std::to_string(job_id) + " is gone");
    RETURN_IF_ERROR(change(&*job));
    *e->mutable_update_routine_load_job()->mutable_job() = std::move(*job);
    return Status::OK();
  };
  return meta_->Submit(std::move(entry), validate).status();
}

void RoutineLoadScheduler::PrepareJob(const proto::RoutineLoadJobMeta& job) {
  Result<ComputeNodeInfo> node = PickNode(job.id());
  if (!node.ok()) {
    SetOtherMsg(job.id(), "waiting for an alive compute node to fetch the partitions of topic " + job.topic());
    return;
  }
  proto::KafkaMetaRequest request;
  *request.mutable_source() = SourceOf(job);
  if (job.partitions_explicit()) {
    for (int32_t p : job.kafka_partitions()) request.add_partitions(p);
  }
  request.set_timeout_ms(static_cast<int32_t>(options_.kafka_timeout.count()));
  auto response = nodes_->client()->GetKafkaMeta(node->host, node->be_port, request,
                                                 options_.kafka_timeout + std::chrono::seconds(5));
  Status status = response.ok() ? FromCnStatus(response->status(), *node) : response.status();
  if (status.ok() && response->partitions_size() == 0) {
    status = Status::NotFound("topic " + job.topic() + " has no partitions");
  }
  if (!status.ok()) {
    if (status.code() == StatusCode::kIOError && !response.ok()) {
      // The compute node itself is unreachable: not the job's fault; retry.
      SetOtherMsg(job.id(), "failed to reach compute node: " + status.message());
      return;
    }
    (void)UpdateJob(job.id(), [&](proto::RoutineLoadJobMeta* j) {
      if (j->state() != "NEED_SCHEDULE") return Status::Cancelled("state changed");
      j->set_state("PAUSED");
      j->set_pause_time_ms(NowMillis());
      j->mutable_reason()->set_code(kErrPartitions);
      j->mutable_reason()->set_msg("Job failed to fetch all current partition with error [" + status.message() + "]");
      return Status::OK();
    });
    LOG(WARNING) << "routine load " << job.db() << "." << job.name() << " paused: cannot fetch partitions of topic "
                 << job.topic() << " from " << job.brokers() << ": " << status.message();
    return;
  }
  std::map<int32_t, proto::KafkaPartitionMetaPB> meta;
  for (const auto& p : response->partitions()) meta[p.partition()] = p;
  int64_t default_offset = kOffsetEnd;
  if (auto it = job.custom_properties().find("kafka_default_offsets"); it != job.custom_properties().end()) {
    default_offset = EqualsIgnoreCase(it->second, "OFFSET_BEGINNING") ? kOffsetBeginning
                     : EqualsIgnoreCase(it->second, "OFFSET_END")     ? kOffsetEnd
                                                                      : std::atoll(it->second.c_str());
  }
  Status st = UpdateJob(job.id(), [&](proto::RoutineLoadJobMeta* j) {
    if (j->state() != "NEED_SCHEDULE") return Status::Cancelled("state changed");
    if (!j->partitions_explicit()) {
      j->clear_kafka_partitions();
      for (const auto& [p, m] : meta) j->add_kafka_partitions(p);
    }
    for (int32_t p : j->kafka_partitions()) {
      auto m = meta.find(p);
      if (m == meta.end()) {
        return Status::NotFound("partition " + std::to_string(p) + " of topic " + j->topic() + " does not exist");
      }
      auto offset = j->next_offsets().find(p);
      int64_t next = offset == j->next_offsets().end() ? default_offset : offset->second;
      if (next == kOffsetBeginning) next = m->second.low_watermark();
      if (next == kOffsetEnd) next = m->second.high_watermark();
      (*j->mutable_next_offsets())[p] = next;
    }
    j->set_state("RUNNING");
    j->clear_reason();
    return Status::OK();
  });
  if (st.code() == StatusCode::kNotFound) {
    UpdateJob(job.id(), [&](proto::RoutineLoadJobMeta* j) {
      j->set_state("PAUSED");
      j->set_pause_time_ms(NowMillis());
      j->mutable_reason()->set_code(kErrPartitions);
      j->mutable_reason()->set_msg("Job failed to fetch all current partition with error [" + st.message() + "]");
      return Status::OK();
    }).ok();  // Best effort: a job changed meanwhile is handled in the next round.
    return;
  }
  if (st.ok()) {
    std::lock_guard lock(mu_);
    JobState& state = jobs_[job.id()];
    for (const auto& [p, m] : meta) state.latest_positions[p] = m.high_watermark();
    LOG(INFO) << "routine load " << job.db() << "." << job.name() << " is RUNNING on topic " << job.topic();
  }
}

void RoutineLoadScheduler::ScheduleRunningJob(const proto::RoutineLoadJobMeta& job) {
  std::vector<int32_t> partitions(job.kafka_partitions().begin(), job.kafka_partitions().end());
  int alive = static_cast<int>(nodes_ ? nodes_->AliveNodes().size() : 0);
  int concurrency = static_cast<int>(std::min<int64_t>(
      {static_cast<int64_t>(partitions.size()), IntProp(job, "desireTaskConcurrentNum", 5), int64_t{alive}, 5}));
  std::string layout;
  for (int32_t p : partitions) layout += std::to_string(p) + ",";
  layout += "/" + std::to_string(concurrency);
  auto now = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<Slot>> due;
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    JobState& state = jobs_[job.id()];
    if (concurrency == 0) {
      state.other_msg = Stamped("waiting for an alive compute node");
      return;
    }
    if (state.layout != layout) {
      bool any_running = false;
      for (const auto& s : state.slots) any_running = any_running || s->running;
      if (any_running) return;  // re-divide once the current tasks are done
      state.slots.clear();
      for (int i = 0; i < concurrency; ++i) {
        auto slot = std::make_shared<Slot>();
        slot->info.job_id = job.id();
        slot->info.create_time_ms = NowMillis();
        slot->next_run = now;
        state.slots.push_back(slot);
      }
      for (size_t i = 0; i < partitions.size(); ++i) state.slots[i % concurrency]->partitions.push_back(partitions[i]);
      state.layout = layout;
      state.concurrency = concurrency;
    }
    for (auto& slot : state.slots) {
      if (!slot->running && slot->next_run <= now) {
        slot->running = true;
        due.push_back(slot);
      }
    }
    for (auto& slot : due) {
      auto done = std::make_shared<std::atomic<bool>>(false);
      int64_t job_id = job.id();
      workers_.push_back({std::thread([this, job_id, slot, done] {
                            RunTask(job_id, slot);
                            done->store(true);
                          }),
                          done});
    }
  }
}

void RoutineLoadScheduler::RunTask(int64_t job_id, std::shared_ptr<Slot> slot) {
  auto finish = [&](std::chrono::milliseconds delay, const std::string& message) {
    std::lock_guard lock(mu_);
    slot->running = false;
    slot->next_run = std::chrono::steady_clock::now() + delay;
    if (!message.empty()) {
      slot->info.message = message;
      jobs_[job_id].other_msg = Stamped(message);
    }
  };
  auto job = catalog_->FindRoutineLoadJob(job_id);
  if (!job || job->state() != "RUNNING") return finish(std::chrono::milliseconds(0), "");
  // max_batch_interval (s), or Basalt's max_batch_interval_ms when set.
  const std::chrono::milliseconds interval(IntProp(*job, "maxBatchIntervalMs", 0) > 0
                                               ? IntProp(*job, "maxBatchIntervalMs", 0)
                                               : 1000 * std::max<int64_t>(1, IntProp(*job, "maxBatchIntervalS", 10)));
  const std::string wait_text = interval.count() % 1000 == 0 ? std::to_string(interval.count() / 1000) + " seconds"
                                                              : std::to_string(interval.count()) + " milliseconds";
  const auto timeout = std::chrono::seconds(std::max<int64_t>(1, IntProp(*job, "taskTimeoutSecond", 60)));
  const std::string task_id = NewUuid();
  {
    std::lock_guard lock(mu_);
    slot->info = RoutineLoadTaskInfo{};
    slot->info.task_id = task_id;
    slot->info.job_id = job_id;
    slot->info.create_time_ms = NowMillis();
    slot->info.last_scheduled_time_ms = NowMillis();
    slot->info.timeout_s = timeout.count();
  }
  std::map<int32_t, int64_t> begin;
  for (int32_t p : slot->partitions) {
    auto it = job->next_offsets().find(p);
    if (it == job->next_offsets().end() || it->second < 0) {
      return finish(interval, "partition " + std::to_string(p) + " has no resolved offset yet");
    }
    begin[p] = it->second;
  }
  Result<ComputeNodeInfo> node = PickNode(job_id);
  if (!node.ok()) return finish(interval, node.status().message());

  // Anything new? The watermarks also feed LatestSourcePosition.
  proto::KafkaMetaRequest meta_request;
  *meta_request.mutable_source() = SourceOf(*job);
  for (int32_t p : slot->partitions) meta_request.add_partitions(p);
  meta_request.set_timeout_ms(static_cast<int32_t>(options_.kafka_timeout.count()));
  auto meta = nodes_->client()->GetKafkaMeta(node->host, node->be_port, meta_request,
                                             options_.kafka_timeout + std::chrono::seconds(5));
  Status meta_status = meta.ok() ? FromCnStatus(meta->status(), *node) : meta.status();
  if (!meta_status.ok()) return finish(interval, "failed to fetch the watermarks of topic " + job->topic() + ": " + meta_status.message());
  bool has_data = false;
  std::map<int32_t, int64_t> end_offsets;  // What the task should consume at least up to.
  for (const auto& m : meta->partitions()) {
    end_offsets[m.partition()] = m.high_watermark();
    {
      std::lock_guard lock(mu_);
      jobs_[job_id].latest_positions[m.partition()] = m.high_watermark();
    }
    auto b = begin.find(m.partition());
    if (b == begin.end()) continue;
    if (b->second > m.high_watermark()) {
      // The committed offset is beyond the end of the partition: the topic was recreated or
      // truncated. Never skip silently: pause with the partition and offset.
      UpdateJob(job_id, [&](proto::RoutineLoadJobMeta* j) {
        if (j->state() != "RUNNING") return Status::Cancelled("state changed");
        j->set_state("PAUSED");
        j->set_pause_time_ms(NowMillis());
        j->mutable_reason()->set_code(kErrTasksAbort);
        j->mutable_reason()->set_msg("FE aborts the task with reason: failed to check task ready to execute, err: partition " +
                                     std::to_string(m.partition()) + " offset " + std::to_string(b->second) +
                                     " has no data (high watermark " + std::to_string(m.high_watermark()) + ")");
        return Status::OK();
      }).ok();  // Best effort: a job changed meanwhile is handled in the next round.
      return finish(std::chrono::milliseconds(0), "");
    }
    has_data = has_data || b->second < m.high_watermark();
  }
  if (!has_data) {
    return finish(interval, "[task id: " + task_id + "] [txn id: -1] there is no new data in kafka, wait for " +
                                wait_text + " to schedule again");
  }

  auto table = catalog_->FindTableById(job->table_id());
  if (!table) return finish(interval, "table " + job->table() + " is gone");
  auto volume = catalog_->FindStorageVolume(table->properties().at("storage_volume"));
  if (!volume) return finish(interval, "storage volume " + table->properties().at("storage_volume") + " is gone");
  Result<proto::LoadTargetPB> target = LoadTargetOf(*job, *table, *volume, *secrets_);
  if (!target.ok()) return finish(interval, target.status().message());

  BeginTxnRequest begin_request;
  begin_request.db = job->db();
  begin_request.table = job->table();
  begin_request.label = job->name() + "-" + std::to_string(job_id) + "-" + task_id;
  begin_request.source_type = "ROUTINE_LOAD";
  begin_request.timeout = timeout;
  for (const auto& p : table->partitions()) {
    for (const auto& t : p.tablets()) begin_request.tablet_ids.push_back(t.id());
  }
  Result<proto::TxnMeta> txn = txns_->Begin(begin_request);
  if (!txn.ok()) return finish(interval, "failed to begin txn for task " + task_id + ": " + txn.status().message());
  {
    std::lock_guard lock(mu_);
    slot->info.txn_id = txn->txn_id();
    slot->info.txn_status = "PREPARE";
    slot->info.be_id = node->id;
    slot->info.execute_start_time_ms = NowMillis();
    slot->info.begin_offsets = begin;
    slot->info.message = "task submitted to execute";
  }

  proto::RoutineLoadTaskRequest request;
  request.set_job_id(job_id);
  request.set_job_name(job->name());
  request.set_task_id(task_id);
  request.set_txn_id(txn->txn_id());
  *request.mutable_source() = SourceOf(*job);
  for (const auto& [p, offset] : begin) {
    proto::KafkaOffsetPB* o = request.add_begin_offsets();
    o->set_partition(p);
    o->set_offset(offset);
    if (auto end = end_offsets.find(p); end != end_offsets.end()) {
      proto::KafkaOffsetPB* e = request.add_end_offsets();
      e->set_partition(p);
      e->set_offset(end->second);
    }
  }
  request.set_max_batch_rows(IntProp(*job, "maxBatchRows", 200000));
  request.set_max_batch_bytes(options_.max_batch_bytes);
  request.set_max_consume_ms(static_cast<int32_t>(IntProp(*job, "taskConsumeSecond", 15) * 1000));
  proto::RoutineLoadFormatPB* format = request.mutable_format();
  format->set_format(job->properties().at("format"));
  if (auto jp = job->properties().find("jsonpaths"); jp != job->properties().end() && !Trim(jp->second).empty()) {
    // Validated at CREATE / ALTER; the CN gets the parsed list.
    Result<std::vector<std::string>> paths = ParseJsonStringArray(jp->second);
    if (!paths.ok()) {
      (void)txns_->Abort(txn->txn_id(), paths.status().message());
      return finish(interval, paths.status().message());
    }
    for (std::string& path : *paths) format->add_jsonpaths(std::move(path));
  }
  format->set_json_root(job->properties().count("json_root") ? job->properties().at("json_root") : "");
  format->set_strip_outer_array(job->properties().count("strip_outer_array") &&
                                job->properties().at("strip_outer_array") == "true");
  format->set_column_separator(job->column_separator());
  format->set_row_delimiter(job->row_delimiter());
  format->set_strict_mode(job->properties().count("strict_mode") && job->properties().at("strict_mode") == "true");
  format->set_timezone(job->properties().count("timezone") ? job->properties().at("timezone") : "");
  if (job->load_columns_size() > 0 || job->has_where()) {
    // Bound at CREATE / ALTER; they replace the plain name list.
    *format->mutable_load_columns() = job->load_columns();
    if (job->has_where()) {
      *format->mutable_where() = job->where();
    }
  } else {
    for (const std::string& c : job->column_names()) format->add_columns(c);
  }
  *request.mutable_target() = std::move(*target);
  request.set_log_rejected_record_num(IntProp(*job, "log_rejected_record_num", 0));

  proto::RoutineLoadTaskOutcomePB outcome;
  outcome.set_job_id(job_id);
  outcome.set_task_id(task_id);
  auto abort = [&](const std::string& reason, const proto::ErrorReasonPB* pause) {
    if (pause) *outcome.mutable_pause_reason() = *pause;
    Status st = txns_->Abort(txn->txn_id(), reason, &outcome);
    if (!st.ok()) LOG(WARNING) << "routine load " << job->name() << ": abort of txn " << txn->txn_id() << " failed: " << st.ToString();
    {
      std::lock_guard lock(mu_);
      slot->info.txn_status = "ABORTED";
    }
    LOG(WARNING) << "routine load " << job->db() << "." << job->name() << " task " << task_id << " (txn "
                 << txn->txn_id() << ") aborted: " << reason;
    finish(interval, "previous task aborted because of " + reason);
  };

  auto response = nodes_->client()->RunRoutineLoadTask(node->host, node->be_port, request, timeout);
  Status task_status = response.ok() ? FromCnStatus(response->status(), *node) : response.status();
  if (!task_status.ok()) {
    if (response.ok() && !response->pause_reason().empty()) {
      proto::ErrorReasonPB pause;
      pause.set_code(kErrTasksAbort);
      pause.set_msg("be " + std::to_string(node->id) + " abort task with reason: " + response->pause_reason());
      return abort(response->pause_reason(), &pause);
    }
    return abort(task_status.message(), nullptr);
  }

  // Progress and accounting.
  bool moved = false;
  bool behind = false;
  for (const auto& p : response->progress()) {
    auto b = begin.find(p.partition());
    if (b == begin.end() || p.next_offset() < b->second) {
      return abort("compute node reported an invalid progress for partition " + std::to_string(p.partition()), nullptr);
    }
    if (p.next_offset() > b->second) {
      moved = true;
      (*outcome.mutable_next_offsets())[p.partition()] = p.next_offset();
      if (p.last_timestamp_ms() >= 0) (*outcome.mutable_timestamp_progress())[p.partition()] = p.last_timestamp_ms();
    }
    if (p.high_watermark() > p.next_offset()) behind = true;
    if (p.high_watermark() >= 0) {
      std::lock_guard lock(mu_);
      int64_t& latest = jobs_[job_id].latest_positions[p.partition()];
      latest = std::max(latest, p.high_watermark());
    }
  }
  int64_t loaded = response->total_rows() - response->error_rows() - response->unselected_rows();
  outcome.set_total_rows(response->total_rows());
  outcome.set_loaded_rows(loaded);
  outcome.set_error_rows(response->error_rows());
  outcome.set_unselected_rows(response->unselected_rows());
  outcome.set_received_bytes(response->received_bytes());
  outcome.set_execute_ms(response->execute_ms());
  if (!response->error_log_file().empty()) {
    outcome.set_error_log_url("http://" + node->host + ":" + std::to_string(node->http_port) +
                              "/api/_load_error_log?file=" + response->error_log_file());
  }
  if (!moved) {
    Status st = txns_->Abort(txn->txn_id(), "no data consumed");
    if (!st.ok()) LOG(WARNING) << "abort of txn " << txn->txn_id() << " failed: " << st.ToString();
    return finish(interval, "[task id: " + task_id + "] [txn id: " + std::to_string(txn->txn_id()) +
                                "] there is no new data in kafka, wait for " + wait_text + " to schedule again");
  }
  std::vector<proto::TabletCommitPB> tablets;
  std::map<int64_t, int64_t> partition_of_tablet;
  for (const auto& p : table->partitions()) {
    for (const auto& t : p.tablets()) partition_of_tablet[t.id()] = p.id();
  }
  for (const auto& written : response->tablets()) {
    auto p = partition_of_tablet.find(written.tablet_id());
    if (p == partition_of_tablet.end()) {
      return abort("compute node wrote unknown tablet " + std::to_string(written.tablet_id()), nullptr);
    }
    proto::TabletCommitPB tc;
    tc.set_partition_id(p->second);
    tc.set_tablet_id(written.tablet_id());
    *tc.mutable_rowset() = written.rowset();
    tc.mutable_rowset()->set_txn_id(txn->txn_id());
    tablets.push_back(std::move(tc));
  }
  // The fence, under the journal lock: still RUNNING, offsets unchanged since the task began.
  // The error window decides here too, against the job's current counters.
  auto fence = [&](const Catalog& catalog) -> Status {
    auto current = catalog.FindRoutineLoadJob(job_id);
    if (!current || current->state() != "RUNNING") {
      return Status::Cancelled("job " + job->name() + " is " + (current ? current->state() : "gone") +
                               "; task " + task_id + " is fenced");
    }
    for (const auto& [p, offset] : begin) {
      auto it = current->next_offsets().find(p);
      if (it == current->next_offsets().end() || it->second != offset) {
        return Status::Cancelled("offsets of partition " + std::to_string(p) + " moved since task " + task_id + " began");
      }
    }
    int64_t max_errors = IntProp(*current, "maxErrorNum", 0);
    int64_t window_errors = current->statistics().window_error_rows() + outcome.error_rows();
    if (window_errors > max_errors) {
      outcome.mutable_pause_reason()->set_code(kErrTooManyFailureRows);
      outcome.mutable_pause_reason()->set_msg("Current error rows: " + std::to_string(window_errors) +
                                             " is more than max error num: " + std::to_string(max_errors) +
                                             ". Check the ErrorLogUrls or raise max_error_number");
    }
    return Status::OK();
  };
  if (Status s = CheckFailpoint("fe_routine_load_before_commit"); !s.ok()) return abort(s.message(), nullptr);
  Result<uint64_t> committed = txns_->Commit(txn->txn_id(), std::move(tablets), loaded, response->error_rows(),
                                             &outcome, fence);
  if (committed.ok()) (void)CheckFailpoint("fe_routine_load_after_commit");
  if (!committed.ok()) {
    {
      std::lock_guard lock(mu_);
      slot->info.txn_status = "ABORTED";
    }
    LOG(WARNING) << "routine load " << job->name() << " task " << task_id << " not committed: " << committed.status().ToString();
    return finish(interval, "previous task aborted because of " + committed.status().message());
  }
  {
    std::lock_guard lock(mu_);
    slot->info.txn_status = "VISIBLE";
  }
  // Still behind the watermark: go again right away; caught up: wait the batch interval.
  finish(behind ? std::chrono::milliseconds(0) : interval, "");
}

RoutineLoadRuntime RoutineLoadScheduler::Runtime(int64_t job_id) const {
  std::lock_guard lock(mu_);
  RoutineLoadRuntime out;
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return out;
  out.current_task_num = static_cast<int>(it->second.slots.size());
  out.current_concurrency = it->second.concurrency;
  out.latest_positions = it->second.latest_positions;
  out.other_msg = it->second.other_msg;
  return out;
}

std::vector<RoutineLoadTaskInfo> RoutineLoadScheduler::Tasks(int64_t job_id) const {
  std::lock_guard lock(mu_);
  std::vector<RoutineLoadTaskInfo> out;
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return out;
  for (const auto& slot : it->second.slots) {
    RoutineLoadTaskInfo info = slot->info;
    if (info.task_id.empty()) info.task_id = "(not started)";
    if (info.begin_offsets.empty()) {
      for (int32_t p : slot->partitions) info.begin_offsets[p] = -1;
    }
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace basalt::fe
