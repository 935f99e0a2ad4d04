// RoutineLoadScheduler: runs every routine load job (shared spec starrocks_surface.md §3.5-3.7).
//
// One thread walks the jobs every loop_interval (and when woken by CREATE/RESUME):
//   NEED_SCHEDULE  asks a compute node for the topic's partitions and watermarks, resolves
//                  OFFSET_BEGINNING / OFFSET_END to concrete offsets, and journals RUNNING with
//                  them; a failure pauses the job with a reason naming the broker list / topic.
//   RUNNING        keeps one task slot per min(partitions, desired_concurrent_number, alive CNs,
//                  max_routine_load_task_concurrent_num); partition i belongs to slot i % n. A due
//                  idle slot starts a task on a worker thread.
//                  Without kafka_partitions a worker asks Kafka for the topic's partitions every
//                  partition_discovery_interval; new ones (at property.kafka_default_offsets,
//                  resolved to offsets) are journaled with NEED_SCHEDULE once the running tasks are
//                  done, and so is a change of the alive compute nodes that changes the
//                  concurrency: the job is then divided afresh.
//   PAUSED         with REPLICA_FEW_ERR: auto-resumed under AutoResumePolicy.
//   gone table     CANCELLED.
// A task that finds data judges the UNSTABLE substate from the job's TimestampProgress; one that
// finds none resets it. A task planned after the table's schema changed re-binds COLUMNS / WHERE
// from their text (and pauses the job when they no longer bind).
// A task: read the job's next offsets for its partitions; skip (and wait max_batch_interval) when
// the high watermarks say there is nothing new; begin a transaction; ask a compute node to consume,
// parse and write; then commit with the new offsets in the same journal entry. Kafka refusing the
// job mid-run pauses it at once instead of retrying: the watermark probe failing with NotFound
// (topic gone) or InvalidArgument (credentials rejected, e.g. a password changed on the broker)
// pauses with PARTITIONS_ERR, as at CREATE / RESUME; a task the CN answers with a pause_reason
// (offset out of range, Kafka settings refused while consuming) pauses with TASKS_ABORT_ERR. The commit is
// fenced (TransactionManager::Commit's fence, under the journal lock): the job must still be
// RUNNING and its offsets for those partitions must still equal the ones the task started from,
// so a stale, duplicated or timed-out task can never publish, and an offset can never be applied
// twice. Any failure aborts the transaction (its objects become orphans) and moves no offset.
//
// Nothing here is durable: after an FE restart the startup abort of running transactions fences
// every old task and scheduling starts again from the journaled offsets.
//
// Thread-safety: public methods may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/config.h"
#include "fe/catalog/catalog.h"
#include "fe/catalog/secret_box.h"
#include "fe/cluster/compute_node_manager.h"
#include "fe/load/routine_load_job.h"
#include "fe/txn/transaction_manager.h"
#include "routine_load.pb.h"

namespace basalt::fe {

struct RoutineLoadSchedulerOptions {
  // How often due tasks are looked for; bounds how late a task starts after its interval.
  std::chrono::milliseconds loop_interval{50};
  std::chrono::milliseconds kafka_timeout{12000};  // routine_load_kafka_timeout_second
  int64_t max_batch_bytes = 4294967296;            // max_routine_load_batch_size
  int64_t max_concurrent = 5;                      // max_routine_load_task_concurrent_num
  int64_t unstable_threshold_s = 3600;             // routine_load_unstable_threshold_second
  // How often a RUNNING job without kafka_partitions asks Kafka for the topic's partition list.
  std::chrono::milliseconds partition_discovery_interval{5000};
  AutoResumePolicy auto_resume;  // period_of_auto_resume_min, max_tolerable_backend_down_num
};

// The fe.conf keys of the options above (StarRocks names and defaults), for --help and ADMIN SHOW
// FRONTEND CONFIG.
const std::vector<ConfigKey>& RoutineLoadSchedulerConfigKeys();
// Reads them into `base`; InvalidArgument naming the key for a value out of range.
Result<RoutineLoadSchedulerOptions> RoutineLoadSchedulerOptionsFromConfig(const Config& config,
                                                                          RoutineLoadSchedulerOptions base = {});

// One row of SHOW ROUTINE LOAD TASK.
struct RoutineLoadTaskInfo {
  std::string task_id;
  int64_t txn_id = -1;
  std::string txn_status = "UNKNOWN";
  int64_t job_id = 0;
  int64_t create_time_ms = 0;
  int64_t last_scheduled_time_ms = -1;
  int64_t execute_start_time_ms = -1;
  int64_t timeout_s = 0;
  int64_t be_id = -1;
  std::map<int32_t, int64_t> begin_offsets;
  std::string message;
};

class RoutineLoadScheduler {
 public:
  RoutineLoadScheduler(Catalog* catalog, MetaStore* meta, TransactionManager* txns, ComputeNodeManager* nodes,
                       const SecretBox* secrets, RoutineLoadSchedulerOptions options = {});
  ~RoutineLoadScheduler();  // Calls Stop().

  void Start();
  // Stops the loop and waits for running tasks (each bounded by its task timeout).
  void Stop();
  // Runs the loop soon (after CREATE / RESUME / ALTER).
  void Wake();
  // Binds COLUMNS / WHERE when a table's schema changed after the job was bound (the binder lives
  // above this library). Without one, such jobs keep their old binding. Call before Start().
  void SetExprBinder(LoadExprBinder binder);

  RoutineLoadRuntime Runtime(int64_t job_id) const;
  std::vector<RoutineLoadTaskInfo> Tasks(int64_t job_id) const;

 private:
  struct Slot {
    RoutineLoadTaskInfo info;
    std::vector<int32_t> partitions;
    bool running = false;
    std::chrono::steady_clock::time_point next_run;
  };
  // COLUMNS / WHERE re-bound against a newer table schema than the journaled binding's.
  struct Rebound {
    int64_t schema_version = -1;
    std::string definition;  // columns + where_text + format + jsonpaths the binding came from
    google::protobuf::RepeatedPtrField<proto::LoadColumnPB> load_columns;
    std::optional<proto::ExprPB> where;
  };
  struct JobState {
    std::vector<std::shared_ptr<Slot>> slots;
    std::string layout;  // partitions + concurrency the slots were built for
    int concurrency = 0;
    std::map<int32_t, int64_t> latest_positions;
    std::string other_msg;
    int64_t last_node_id = -1;
    std::optional<proto::ErrorReasonPB> unstable;  // the UNSTABLE substate
    // Partition discovery: at most one probe in flight, started every partition_discovery_interval.
    bool discovering = false;
    std::chrono::steady_clock::time_point last_discovery{};
    // New partitions found (already resolved to offsets) waiting for the running tasks to finish
    // before they are journaled with NEED_SCHEDULE.
    std::map<int32_t, int64_t> discovered;
    AutoResumeState auto_resume;
    std::optional<Rebound> rebound;
  };

  void Loop();
  void RunOnce();
  void PrepareJob(const proto::RoutineLoadJobMeta& job);
  void ScheduleRunningJob(const proto::RoutineLoadJobMeta& job);
  void RunTask(int64_t job_id, std::shared_ptr<Slot> slot);
  // Auto-resume of a PAUSED job (AutoResumePolicy).
  void MaybeAutoResume(const proto::RoutineLoadJobMeta& job);
  // Starts a partition probe of a RUNNING job without kafka_partitions when one is due.
  void MaybeDiscoverPartitions(const proto::RoutineLoadJobMeta& job);
  void DiscoverPartitions(const proto::RoutineLoadJobMeta& job);
  // The job's COLUMNS / WHERE bound against `table`: the journaled binding when the schema did
  // not change since, else a cached re-binding. Error: the binder's (e.g. an unknown column).
  Status CurrentBinding(const proto::RoutineLoadJobMeta& job, const proto::TableMeta& table,
                        proto::RoutineLoadFormatPB* format);
  void StartWorker(std::function<void()> work);  // REQUIRES: mu_ held
  // Journals a state change made by the scheduler (CANCELLED, PAUSED, RUNNING) unless the job
  // changed meanwhile.
  Status UpdateJob(int64_t job_id, const std::function<Status(proto::RoutineLoadJobMeta*)>& change);
  // Pauses the job with ErrorReason{code, msg} if it is still in state `from` (any state when
  // empty). Best effort: a job changed meanwhile is handled in the next round.
  void PauseJob(int64_t job_id, std::string_view from, int32_t code, const std::string& msg);
  void SetOtherMsg(int64_t job_id, const std::string& msg);
  Result<ComputeNodeInfo> PickNode(int64_t job_id);
  proto::KafkaSourcePB SourceOf(const proto::RoutineLoadJobMeta& job) const;

  Catalog* catalog_;
  MetaStore* meta_;
  TransactionManager* txns_;
  ComputeNodeManager* nodes_;
  const SecretBox* secrets_;
  const RoutineLoadSchedulerOptions options_;
  LoadExprBinder binder_;  // set before Start(), read-only after

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool wake_requested_ = false;
  std::map<int64_t, JobState> jobs_;  // guarded by mu_
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Worker> workers_;  // guarded by mu_; finished ones are joined by the loop
  std::thread loop_;
  std::atomic<uint64_t> task_seq_{0};
};

}  // namespace basalt::fe
