// RoutineLoadScheduler: runs every routine load job (shared spec starrocks_surface.md §3.5-3.7).
//
// One thread walks the jobs every loop_interval (and when woken by CREATE/RESUME):
//   NEED_SCHEDULE  asks a compute node for the topic's partitions and watermarks, resolves
//                  OFFSET_BEGINNING / OFFSET_END to concrete offsets, and journals RUNNING with
//                  them; a failure pauses the job with a reason naming the broker list / topic.
//   RUNNING        keeps one task slot per min(partitions, desired_concurrent_number, alive CNs,
//                  max_routine_load_task_concurrent_num); partition i belongs to slot i % n. A due
//                  idle slot starts a task on a worker thread.
//   gone table     CANCELLED.
// A task: read the job's next offsets for its partitions; skip (and wait max_batch_interval) when
// the high watermarks say there is nothing new; begin a transaction; ask a compute node to consume,
// parse and write; then commit with the new offsets in the same journal entry. The commit is
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
#include <string>
#include <thread>
#include <vector>

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
};

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

  RoutineLoadRuntime Runtime(int64_t job_id) const;
  std::vector<RoutineLoadTaskInfo> Tasks(int64_t job_id) const;

 private:
  struct Slot {
    RoutineLoadTaskInfo info;
    std::vector<int32_t> partitions;
    bool running = false;
    std::chrono::steady_clock::time_point next_run;
  };
  struct JobState {
    std::vector<std::shared_ptr<Slot>> slots;
    std::string layout;  // partitions + concurrency the slots were built for
    int concurrency = 0;
    std::map<int32_t, int64_t> latest_positions;
    std::string other_msg;
    int64_t last_node_id = -1;
  };

  void Loop();
  void RunOnce();
  void PrepareJob(const proto::RoutineLoadJobMeta& job);
  void ScheduleRunningJob(const proto::RoutineLoadJobMeta& job);
  void RunTask(int64_t job_id, std::shared_ptr<Slot> slot);
  // Journals a state change made by the scheduler (CANCELLED, PAUSED, RUNNING) unless the job
  // changed meanwhile.
  Status UpdateJob(int64_t job_id, const std::function<Status(proto::RoutineLoadJobMeta*)>& change);
  void SetOtherMsg(int64_t job_id, const std::string& msg);
  Result<ComputeNodeInfo> PickNode(int64_t job_id);
  proto::KafkaSourcePB SourceOf(const proto::RoutineLoadJobMeta& job) const;

  Catalog* catalog_;
  MetaStore* meta_;
  TransactionManager* txns_;
  ComputeNodeManager* nodes_;
  const SecretBox* secrets_;
  const RoutineLoadSchedulerOptions options_;

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
