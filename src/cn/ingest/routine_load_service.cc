#include "cn/ingest/routine_load_service.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "cn/ingest/kafka_consumer.h"
#include "common/logging.h"

namespace basalt::cn {
namespace {

void SetStatus(const Status& status, proto::CnRpcStatus* out) {
  out->set_code(static_cast<int32_t>(status.code()));
  out->set_message(status.ok() ? "" : status.message());
}

}  // namespace

RoutineLoadServiceImpl::RoutineLoadServiceImpl(RoutineLoadDeps deps) : deps_(std::move(deps)) {}

grpc::Status RoutineLoadServiceImpl::GetKafkaMeta(grpc::ServerContext* context, const proto::KafkaMetaRequest* request,
                                                  proto::KafkaMetaResponse* response) {
  auto meta = cn::GetKafkaMeta(*request);
  if (!meta.ok()) {
    LOG(WARNING) << "GetKafkaMeta topic " << request->source().topic() << ": " << meta.status();
    SetStatus(meta.status(), response->mutable_status());
    return grpc::Status::OK;
  }
  *response = std::move(meta).value();
  SetStatus(Status::OK(), response->mutable_status());
  return grpc::Status::OK;
}

grpc::Status RoutineLoadServiceImpl::RunRoutineLoadTask(grpc::ServerContext* context,
                                                        const proto::RoutineLoadTaskRequest* request,
                                                        proto::RoutineLoadTaskResponse* response) {
  const auto start = std::chrono::steady_clock::now();
  std::string partitions;
  for (const auto& b : request->begin_offsets()) {
    if (!partitions.empty()) partitions += ',';
    partitions += std::to_string(b.partition()) + "@" + std::to_string(b.offset());
  }
  auto result = cn::RunRoutineLoadTask(*request, deps_);
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  if (!result.ok()) {
    LOG(WARNING) << "routine load job " << request->job_id() << " (" << request->job_name() << ") task "
                 << request->task_id() << " txn " << request->txn_id() << " partitions [" << partitions
                 << "] failed after " << ms << " ms: " << result.status();
    SetStatus(result.status(), response->mutable_status());
    return grpc::Status::OK;
  }
  *response = std::move(result).value();
  LOG(INFO) << "routine load job " << request->job_id() << " (" << request->job_name() << ") task "
            << request->task_id() << " txn " << request->txn_id() << " partitions [" << partitions
            << "] rows total " << response->total_rows() << " loaded "
            << (response->total_rows() - response->error_rows() - response->unselected_rows()) << " error "
            << response->error_rows() << ", bytes received " << response->received_bytes() << " written "
            << response->loaded_bytes() << ", tablets " << response->tablets_size() << ", " << ms << " ms"
            << (response->pause_reason().empty() ? "" : ", pause: " + response->pause_reason());
  return grpc::Status::OK;
}

Result<std::string> HandleLoadErrorLog(const std::string& file_name, const std::string& dir) {
  constexpr std::string_view kPrefix = "error_log_";
  bool valid = file_name.size() > kPrefix.size() && file_name.size() <= 255 &&
               file_name.compare(0, kPrefix.size(), kPrefix) == 0 && file_name.find("..") == std::string::npos;
  for (char c : file_name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-';
    if (!ok) valid = false;
  }
  if (!valid) return Status::InvalidArgument("invalid error log file name");
  if (dir.empty()) return Status::NotFound("error log " + file_name + " does not exist");
  std::ifstream in(dir + "/" + file_name, std::ios::binary);
  if (!in) return Status::NotFound("error log " + file_name + " does not exist");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace basalt::cn
