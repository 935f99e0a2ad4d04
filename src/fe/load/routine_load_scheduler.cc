#include "fe/load/routine_load_scheduler.h"

#include <algorithm>
#include <set>

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

// The pause reason when Kafka cannot give the job's partitions (StarRocks' wording).
std::string FetchPartitionsError(const std::string& why) {
  return "Job failed to fetch all current partition with error [" + why + "]";
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

const std::vector<ConfigKey>& RoutineLoadSchedulerConfigKeys() {
  static const std::vector<ConfigKey> kKeys = {
      {"max_routine_load_task_concurrent_num", "5", "Most tasks one routine load job runs at once"},
      {"max_routine_load_batch_size", "4294967296", "Most bytes one routine load task consumes"},
      {"routine_load_kafka_timeout_second", "12", "Timeout of Kafka metadata and offset requests"},
      {"routine_load_unstable_threshold_second", "3600",
       "A RUNNING job shows UNSTABLE when the last consumed message of a partition is older than this"},
      {"routine_load_partition_discovery_interval_second", "5",
       "How often a job without kafka_partitions looks for new partitions of its topic"},
      {"period_of_auto_resume_min", "5", "Window of the routine load auto-resume limit (3 resumes)"},
      {"max_tolerable_backend_down_num", "0",
       "Routine load jobs are not auto-resumed while more compute nodes than this are down"},
  };
  return kKeys;
}

Result<RoutineLoadSchedulerOptions> RoutineLoadSchedulerOptionsFromConfig(const Config& config,
                                                                          RoutineLoadSchedulerOptions base) {
  auto read = [&](const char* key, int64_t fallback, int64_t min) -> Result<int64_t> {
    ASSIGN_OR_RETURN(int64_t v, config.GetInt(key, fallback));
    if (v < min) return Status::InvalidArgument(std::string("config `") + key + "` must be >= " + std::to_string(min));
    return v;
  };
  ASSIGN_OR_RETURN(base.max_concurrent, read("max_routine_load_task_concurrent_num", base.max_concurrent, 1));
  ASSIGN_OR_RETURN(base.max_batch_bytes, read("max_routine_load_batch_size", base.max_batch_bytes, 1));
  ASSIGN_OR_RETURN(int64_t kafka_s, read("routine_load_kafka_timeout_second", base.kafka_timeout.count() / 1000, 1));
  base.kafka_timeout = std::chrono::seconds(kafka_s);
  ASSIGN_OR_RETURN(base.unstable_threshold_s,
                   read("routine_load_unstable_threshold_second", base.unstable_threshold_s, 0));
  ASSIGN_OR_RETURN(int64_t discovery_s, read("routine_load_partition_discovery_interval_second",
                                             base.partition_discovery_interval.count() / 1000, 1));
  base.partition_discovery_interval = std::chrono::seconds(discovery_s);
  ASSIGN_OR_RETURN(base.auto_resume.period_min, read("period_of_auto_resume_min", base.auto_resume.period_min, 0));
  ASSIGN_OR_RETURN(base.auto_resume.max_dead_nodes,
                   read("max_tolerable_backend_down_num", base.auto_resume.max_dead_nodes, 0));
  return base;
}

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

void RoutineLoadScheduler::SetExprBinder(LoadExprBinder binder) { binder_ = std::move(binder); }

void RoutineLoadScheduler::StartWorker(std::function<void()> work) {
  auto done = std::make_shared<std::atomic<bool>>(false);
  workers_.push_back({std::thread([work = std::move(work), done] {
                        work();
                        done->store(true);
                      }),
                      done});
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
      {
        std::lock_guard lock(mu_);
        auto it = jobs_.find(job.id());
        if (it != jobs_.end()) {
          // Idle slots go now; running tasks finish and are fenced at commit.
          auto& slots = it->second.slots;
          slots.erase(std::remove_if(slots.begin(), slots.end(), [](const auto& s) { return !s->running; }),
                      slots.end());
          it->second.layout.clear();
          it->second.unstable.reset();
          it->second.discovered.clear();
        }
      }
      if (state == "PAUSED") MaybeAutoResume(job);
      continue;
    }
    {
      std::lock_guard lock(mu_);
      auto it = jobs_.find(job.id());
      // A locked job is never auto-resumed, so seeing it run again means a user resumed it: that
      // clears the lock and the window (as StarRocks' RESUME does).
      if (it != jobs_.end() && it->second.auto_resume.locked) it->second.auto_resume = AutoResumeState{};
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
      MaybeDiscoverPartitions(job);
    }
  }
}

void RoutineLoadScheduler::MaybeAutoResume(const proto::RoutineLoadJobMeta& job) {
  // Only REPLICA_FEW_ERR pauses are auto-resumed. Basalt pauses with no such error today: a task
  // that finds no alive compute node waits without pausing (PickNode), and a task whose compute node
  // fails to write to the object store, or dies, is aborted and retried (its offsets do not move),
  // where StarRocks would see too few replicas. The policy still runs so any future transient pause
  // classified REPLICA_FEW_ERR is resumed as StarRocks resumes it.
  if (job.reason().code() != kErrReplicaFew) return;
  int64_t dead = 0;
  if (nodes_) {
    for (const ComputeNodeInfo& node : nodes_->Nodes()) dead += node.alive ? 0 : 1;
  }
  bool resume = false;
  {
    std::lock_guard lock(mu_);
    resume = ShouldAutoResume(job, dead, NowMillis(), options_.auto_resume, &jobs_[job.id()].auto_resume);
  }
  if (!resume) return;
  Status st = UpdateJob(job.id(), [&](proto::RoutineLoadJobMeta* j) {
    if (j->state() != "PAUSED" || j->pause_time_ms() != job.pause_time_ms()) return Status::Cancelled("state changed");
    j->set_state("NEED_SCHEDULE");
    j->set_pause_time_ms(-1);
    j->clear_reason();
    return Status::OK();
  });
  if (st.ok()) {
    LOG(INFO) << "routine load " << job.db() << "." << job.name() << " auto-resumed after: " << job.reason().msg();
    SetOtherMsg(job.id(), "auto resumed after: " + job.reason().msg());
  }
}

void RoutineLoadScheduler::MaybeDiscoverPartitions(const proto::RoutineLoadJobMeta& job) {
  // Explicit kafka_partitions pin the partition set (shared spec §3.1): nothing to discover.
  if (job.partitions_explicit()) return;
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  if (stop_) return;
  JobState& state = jobs_[job.id()];
  if (state.discovering || !state.discovered.empty()) return;
  if (now - state.last_discovery < options_.partition_discovery_interval) return;
  state.discovering = true;
  state.last_discovery = now;
  // The probe waits on Kafka (up to routine_load_kafka_timeout_second): off the loop thread.
  StartWorker([this, job] { DiscoverPartitions(job); });
}

void RoutineLoadScheduler::DiscoverPartitions(const proto::RoutineLoadJobMeta& job) {
  std::map<int32_t, int64_t> found;  // new partition -> resolved first offset
  auto done = [&] {
    std::lock_guard lock(mu_);
    JobState& state = jobs_[job.id()];
    state.discovering = false;
    state.discovered = std::move(found);
  };
  Result<ComputeNodeInfo> node = PickNode(job.id());
  if (!node.ok()) return done();
  proto::KafkaMetaRequest request;
  *request.mutable_source() = SourceOf(job);
  request.set_timeout_ms(static_cast<int32_t>(options_.kafka_timeout.count()));
  auto response = nodes_->client()->GetKafkaMeta(node->host, node->be_port, request,
                                                 options_.kafka_timeout + std::chrono::seconds(5));
  Status status = response.ok() ? FromCnStatus(response->status(), *node) : response.status();
  if (!status.ok()) {
    // The tasks of the known partitions go on; the next probe tries again.
    LOG(WARNING) << "routine load " << job.db() << "." << job.name() << ": partition discovery on topic "
                 << job.topic() << " failed: " << status.message();
    return done();
  }
  std::set<int32_t> known(job.kafka_partitions().begin(), job.kafka_partitions().end());
  int64_t default_offset = DefaultKafkaOffset(job);
  for (const auto& m : response->partitions()) {
    if (known.count(m.partition())) continue;
    // New partitions start at property.kafka_default_offsets (OFFSET_END unless set), resolved now
    // to a concrete offset so the journaled progress never depends on when the first task runs.
    int64_t next = default_offset == kOffsetBeginning ? m.low_watermark()
                   : default_offset == kOffsetEnd     ? m.high_watermark()
                                                      : default_offset;
    found[m.partition()] = next;
  }
  if (!found.empty()) {
    LOG(INFO) << "routine load " << job.db() << "." << job.name() << " found " << found.size()
              << " new partition(s) of topic " << job.topic();
  }
  done();
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

void RoutineLoadScheduler::PauseJob(int64_t job_id, std::string_view from, int32_t code, const std::string& msg) {
  UpdateJob(job_id, [&](proto::RoutineLoadJobMeta* j) {
    if (!from.empty() && j->state() != from) return Status::Cancelled("state changed");
    j->set_state("PAUSED");
    j->set_pause_time_ms(NowMillis());
    j->mutable_reason()->set_code(code);
    j->mutable_reason()->set_msg(msg);
    return Status::OK();
  }).ok();  // Best effort: a job changed meanwhile is handled in the next round.
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
    PauseJob(job.id(), "NEED_SCHEDULE", kErrPartitions, FetchPartitionsError(status.message()));
    LOG(WARNING) << "routine load " << job.db() << "." << job.name() << " paused: cannot fetch partitions of topic "
                 << job.topic() << " from " << job.brokers() << ": " << status.message();
    return;
  }
  std::map<int32_t, proto::KafkaPartitionMetaPB> meta;
  for (const auto& p : response->partitions()) meta[p.partition()] = p;
  int64_t default_offset = DefaultKafkaOffset(job);
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
    PauseJob(job.id(), "", kErrPartitions, FetchPartitionsError(st.message()));
    return;
  }
  if (st.ok()) {
    std::lock_guard lock(mu_);
    JobState& state = jobs_[job.id()];
    for (const auto& [p, m] : meta) state.latest_positions[p] = m.high_watermark();
    // Divide afresh: the partitions or the alive compute nodes may have changed.
    state.layout.clear();
    state.discovered.clear();
    LOG(INFO) << "routine load " << job.db() << "." << job.name() << " is RUNNING on topic " << job.topic();
  }
}

void RoutineLoadScheduler::ScheduleRunningJob(const proto::RoutineLoadJobMeta& job) {
  std::vector<int32_t> partitions(job.kafka_partitions().begin(), job.kafka_partitions().end());
  int64_t alive = nodes_ ? static_cast<int64_t>(nodes_->AliveNodes().size()) : 0;
  int concurrency = RoutineLoadConcurrency(partitions.size(), IntProp(job, "desireTaskConcurrentNum", 5), alive,
                                           options_.max_concurrent);
  std::string layout;
  for (int32_t p : partitions) layout += std::to_string(p) + ",";
  layout += "/" + std::to_string(concurrency);
  auto now = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<Slot>> due;
  // Set when the job must be re-divided through NEED_SCHEDULE (shared spec §3.5): new partitions
  // were discovered, or the alive compute nodes changed the concurrency.
  std::string reschedule;
  std::map<int32_t, int64_t> discovered;
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    JobState& state = jobs_[job.id()];
    bool any_running = false;
    for (const auto& s : state.slots) any_running = any_running || s->running;
    if (!state.discovered.empty()) {
      // Let the running tasks commit first (they would be fenced by the state change otherwise);
      // meanwhile no new task starts.
      if (any_running) return;
      discovered.swap(state.discovered);
      reschedule = "found " + std::to_string(discovered.size()) + " new partition(s) of topic " + job.topic();
    } else if (concurrency == 0) {
      state.other_msg = Stamped("waiting for an alive compute node");
      return;
    } else if (state.layout != layout) {
      if (any_running) return;  // re-divide once the current tasks are done
      if (!state.layout.empty() && state.concurrency != concurrency) {
        // The partitions only change through NEED_SCHEDULE (which clears the layout), so this is
        // the alive compute nodes changing how many tasks the job can run.
        reschedule = "compute nodes changed: re-dividing " + std::to_string(state.concurrency) + " task(s) into " +
                     std::to_string(concurrency);
      } else {
        state.slots.clear();
        for (std::vector<int32_t>& owned : DividePartitions(partitions, concurrency)) {
          auto slot = std::make_shared<Slot>();
          slot->info.job_id = job.id();
          slot->info.create_time_ms = NowMillis();
          slot->next_run = now;
          slot->partitions = std::move(owned);
          state.slots.push_back(slot);
        }
        state.layout = layout;
        state.concurrency = concurrency;
      }
    }
    if (reschedule.empty()) {
      for (auto& slot : state.slots) {
        if (!slot->running && slot->next_run <= now) {
          slot->running = true;
          due.push_back(slot);
        }
      }
      for (auto& slot : due) {
        int64_t job_id = job.id();
        StartWorker([this, job_id, slot] { RunTask(job_id, slot); });
      }
    }
  }
  if (reschedule.empty()) return;
  // New partitions join with their resolved offsets; the offsets of the known partitions are not
  // touched, so the commit fence of any later task still sees exactly what it began from.
  Status st = UpdateJob(job.id(), [&](proto::RoutineLoadJobMeta* j) {
    if (j->state() != "RUNNING") return Status::Cancelled("state changed");
    std::set<int32_t> all(j->kafka_partitions().begin(), j->kafka_partitions().end());
    for (const auto& [p, offset] : discovered) {
      if (!all.insert(p).second) continue;
      auto current = j->next_offsets().find(p);
      if (current == j->next_offsets().end() || current->second < 0) (*j->mutable_next_offsets())[p] = offset;
    }
    j->clear_kafka_partitions();
    for (int32_t p : all) j->add_kafka_partitions(p);
    j->set_state("NEED_SCHEDULE");
    return Status::OK();
  });
  if (!st.ok()) {
    LOG(WARNING) << "routine load " << job.db() << "." << job.name() << ": cannot re-divide: " << st.message();
    return;  // The next discovery round finds the partitions again.
  }
  LOG(INFO) << "routine load " << job.db() << "." << job.name() << " is NEED_SCHEDULE: " << reschedule;
  SetOtherMsg(job.id(), reschedule);
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
  if (meta.ok() &&
      (meta_status.code() == StatusCode::kNotFound || meta_status.code() == StatusCode::kInvalidArgument)) {
    // The compute node reached Kafka, which says the topic (or one of the job's partitions) is
    // gone, e.g. deleted while the job ran, or refuses the job's settings (InvalidArgument: the
    // credentials were rejected, e.g. the password changed on the broker while the job ran).
    // Retrying would spin forever: pause at once, as failing to fetch the partitions does before
    // the job runs (shared spec §3.5), with the same code and text a wrong password shows at
    // CREATE / RESUME.
    PauseJob(job_id, "RUNNING", kErrPartitions, FetchPartitionsError(meta_status.message()));
    LOG(WARNING) << "routine load " << job->db() << "." << job->name() << " paused: " << meta_status.message();
    return finish(std::chrono::milliseconds(0), "");
  }
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
      PauseJob(job_id, "RUNNING", kErrTasksAbort,
               "FE aborts the task with reason: failed to check task ready to execute, err: partition " +
                   std::to_string(m.partition()) + " offset " + std::to_string(b->second) +
                   " has no data (high watermark " + std::to_string(m.high_watermark()) + ")");
      return finish(std::chrono::milliseconds(0), "");
    }
    has_data = has_data || b->second < m.high_watermark();
  }
  {
    // The UNSTABLE substate (shared spec §3.5): judged whenever a task finds data, from the job's
    // TimestampProgress; a task that finds nothing new means the job keeps up, so stable.
    std::optional<proto::ErrorReasonPB> unstable;
    if (has_data) {
      std::map<int32_t, int64_t> timestamps(job->timestamp_progress().begin(), job->timestamp_progress().end());
      unstable = UnstableReason(timestamps, NowMillis(), options_.unstable_threshold_s);
    }
    std::lock_guard lock(mu_);
    jobs_[job_id].unstable = std::move(unstable);
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
  // COLUMNS / WHERE against the table as it is now (it may have changed since CREATE / ALTER).
  proto::RoutineLoadFormatPB binding;
  if (Status bound = CurrentBinding(*job, *table, &binding); !bound.ok()) {
    // Retrying cannot help until the job (or the table) is altered: pause with the binder's error,
    // which names the column.
    std::string msg = "failed to create task: COLUMNS / WHERE of the job no longer bind against table " +
                      job->table() + " after its schema changed: " + bound.message();
    PauseJob(job_id, "RUNNING", kErrCreateTasks, msg);
    LOG(WARNING) << "routine load " << job->db() << "." << job->name() << " paused: " << msg;
    return finish(std::chrono::milliseconds(0), msg);
  }

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
  // CSV enclose / escape / trim_space, validated (one byte, a bool) at CREATE.
  if (auto it = job->properties().find("enclose"); it != job->properties().end()) format->set_enclose(it->second);
  if (auto it = job->properties().find("escape"); it != job->properties().end()) format->set_escape(it->second);
  format->set_trim_space(job->properties().count("trim_space") && job->properties().at("trim_space") == "true");
  // Bound load columns and WHERE replace the plain name list (CurrentBinding chose them).
  *format->mutable_load_columns() = std::move(*binding.mutable_load_columns());
  if (binding.has_where()) *format->mutable_where() = std::move(*binding.mutable_where());
  for (std::string& c : *binding.mutable_columns()) format->add_columns(std::move(c));
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
    // max_filter_ratio: the batch is not loaded (refusing aborts the txn, offsets stay) and the
    // abort, carrying the pause reason, pauses the job. StarRocks' BE checks it before committing;
    // deciding it here, under the fence, is equivalent and judges the counts the commit would
    // journal against the job's current ratio.
    if (auto filtered = FilterRatioPauseReason(*current, outcome.total_rows(), outcome.error_rows(),
                                               outcome.unselected_rows())) {
      *outcome.mutable_pause_reason() = *filtered;
      return Status::Cancelled(filtered->msg().substr(0, filtered->msg().find(". Check")));
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

Status RoutineLoadScheduler::CurrentBinding(const proto::RoutineLoadJobMeta& job, const proto::TableMeta& table,
                                            proto::RoutineLoadFormatPB* format) {
  auto fill = [&](const proto::RoutineLoadJobMeta& bound) {
    if (bound.load_columns_size() > 0 || bound.has_where()) {
      *format->mutable_load_columns() = bound.load_columns();
      if (bound.has_where()) *format->mutable_where() = bound.where();
    } else {
      for (const std::string& c : bound.column_names()) format->add_columns(c);
    }
  };
  bool has_exprs = job.columns_size() > 0 || !job.where_text().empty();
  if (!has_exprs || table.schema_version() == job.bound_schema_version() || !binder_) {
    fill(job);
    return Status::OK();
  }
  // Everything the binding depends on besides the schema, so an ALTER of the job (which binds and
  // journals anew) never meets a stale cache entry.
  std::string definition;
  for (const std::string& c : job.columns()) definition += c + '\x01';
  definition += '\x02' + job.where_text() + '\x02';
  for (const char* key : {"format", "jsonpaths"}) {
    auto it = job.properties().find(key);
    definition += (it == job.properties().end() ? "" : it->second) + '\x02';
  }
  {
    std::lock_guard lock(mu_);
    const std::optional<Rebound>& cached = jobs_[job.id()].rebound;
    if (cached && cached->schema_version == table.schema_version() && cached->definition == definition) {
      proto::RoutineLoadJobMeta bound;
      *bound.mutable_load_columns() = cached->load_columns;
      if (cached->where) *bound.mutable_where() = *cached->where;
      *bound.mutable_column_names() = job.column_names();
      fill(bound);
      return Status::OK();
    }
  }
  proto::RoutineLoadJobMeta rebound = job;
  RETURN_IF_ERROR(BindRoutineLoadExprs(table, binder_, &rebound));
  LOG(INFO) << "routine load " << job.db() << "." << job.name() << ": COLUMNS / WHERE re-bound against schema version "
            << table.schema_version() << " of table " << table.name();
  {
    std::lock_guard lock(mu_);
    Rebound cached;
    cached.schema_version = table.schema_version();
    cached.definition = std::move(definition);
    cached.load_columns = rebound.load_columns();
    if (rebound.has_where()) cached.where = rebound.where();
    jobs_[job.id()].rebound = std::move(cached);
  }
  fill(rebound);
  return Status::OK();
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
  out.unstable = it->second.unstable;
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
