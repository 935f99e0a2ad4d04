// RoutineLoadServiceImpl: the CN side of proto/routine_load.proto, served on be_port next to
// CnService.
//
//   GetKafkaMeta        partitions and watermarks of a topic (kafka_consumer.h GetKafkaMeta).
//   RunRoutineLoadTask  one task, synchronously (routine_load_task.h).
//
// Errors: application errors are answered in CnRpcStatus (code = numeric basalt::StatusCode,
// message naming brokers / topic / tablet); the gRPC status stays OK so the FE can tell "the CN
// said no" from "the CN is unreachable". One log line per task: job, txn, partitions with begin
// offsets, rows total/loaded/error, bytes received/written, tablets, milliseconds, pause reason.
//
// HandleLoadErrorLog serves /api/_load_error_log?file=<name>: the name must match
// error_log_[A-Za-z0-9_.-]* (no '/', no "..") and name a file in the error-log directory.
//
// Thread-safety: handlers run concurrently; the service holds only immutable state.
#pragma once

#include <string>

#include "cn/ingest/routine_load_task.h"
#include "common/status.h"
#include "routine_load.grpc.pb.h"

namespace basalt::cn {

class RoutineLoadServiceImpl final : public proto::RoutineLoadService::Service {
 public:
  explicit RoutineLoadServiceImpl(RoutineLoadDeps deps);

  grpc::Status GetKafkaMeta(grpc::ServerContext* context, const proto::KafkaMetaRequest* request,
                            proto::KafkaMetaResponse* response) override;
  grpc::Status RunRoutineLoadTask(grpc::ServerContext* context, const proto::RoutineLoadTaskRequest* request,
                                  proto::RoutineLoadTaskResponse* response) override;

 private:
  const RoutineLoadDeps deps_;
};

// The contents of error log `file_name` in `dir`. InvalidArgument for a name that is not a valid
// error log name, NotFound when there is no such file.
Result<std::string> HandleLoadErrorLog(const std::string& file_name, const std::string& dir);

}  // namespace basalt::cn
