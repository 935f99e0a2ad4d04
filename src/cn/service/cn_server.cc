#include "cn/service/cn_server.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <utility>

#include <grpcpp/grpcpp.h>

#include "cn/cache/data_cache.h"
#include "cn/service/cn_rpc_service.h"
#include "common/logging.h"

namespace basalt::cn {
namespace {

constexpr int kMaxRpcMessageBytes = 256 << 20;

// Opens the data cache in options.datacache_disk_path, its metrics registered in `metrics`.
Result<std::shared_ptr<DataCache>> OpenDataCache(const CnOptions& options, MetricRegistry* metrics) {
  std::error_code ec;
  std::filesystem::create_directories(options.datacache_disk_path, ec);
  if (ec) {
    return Status::IOError("datacache_disk_path: cannot create " + options.datacache_disk_path + ": " + ec.message());
  }
  DataCacheOptions cache_options;
  cache_options.path = options.datacache_disk_path;
  auto capacity = ParseDataCacheSize(options.datacache_disk_size, options.datacache_disk_path);
  if (!capacity.ok()) return capacity.status().WithContext("datacache_disk_size");
  cache_options.capacity_bytes = *capacity;
  auto cache = DataCache::Open(cache_options, metrics);
  if (!cache.ok()) return cache.status().WithContext("datacache_disk_path");
  LOG(INFO) << "data cache at " << cache_options.path << ", " << cache_options.capacity_bytes << " bytes";
  return std::shared_ptr<DataCache>(std::move(cache).value());
}

std::string HostPort(const std::string& host, int port) {
  // IPv6 literals need brackets in a gRPC target.
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

// gRPC only says that a listening port could not be added. Binding the same address ourselves
// recovers the OS reason ("Address already in use") for the error message.
std::string ExplainBindFailure(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* result = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &result); rc != 0) {
    return std::string("cannot resolve host: ") + gai_strerror(rc);
  }
  std::string reason = "address not usable";
  for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
      reason = std::strerror(errno);
      continue;
    }
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) reason = std::strerror(errno);
    close(fd);
  }
  freeaddrinfo(result);
  return reason;
}

// Starts a gRPC server with the given services on host:port and stores the bound port in
// *bound_port.
Result<std::unique_ptr<grpc::Server>> StartGrpcServer(const std::string& host, int port,
                                                      const char* config_key,
                                                      std::vector<grpc::Service*> services, int* bound_port) {
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default, which would let a second CN on the same port start
  // "successfully" and steal half the traffic. A clear bind error is what operators need.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // WriteTablets requests and ScanTablets batches carry rows; gRPC's 4 MiB default is too small.
  builder.SetMaxReceiveMessageSize(kMaxRpcMessageBytes);
  builder.SetMaxSendMessageSize(kMaxRpcMessageBytes);
  int selected = 0;
  builder.AddListeningPort(HostPort(host, port), grpc::InsecureServerCredentials(), &selected);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || selected == 0) {
    if (server != nullptr) server->Shutdown();
    return Status::IOError(std::string(config_key) + ": cannot listen on " + HostPort(host, port) +
                           ": " + ExplainBindFailure(host, port));
  }
  *bound_port = selected;
  return server;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

CnServer::CnServer(CnOptions options) : options_(std::move(options)) {
  node_info_.be_port = options_.be_port;
  node_info_.http_port = options_.http_port;
  node_info_.heartbeat_port = options_.heartbeat_port;
  node_info_.brpc_port = options_.brpc_port;
  node_info_.starlet_port = options_.starlet_port;
  node_info_.version = options_.version;
  node_info_.process_start_time_ms = NowMs();
  node_info_.has_storage_path = !options_.storage_root_path.empty();
  running_queries_ =
      metrics_.GetGauge("basalt_cn_running_queries", "Queries currently executing on this CN.");
  metrics_.GetGauge("basalt_cn_process_start_time_ms", "When this CN process started (ms epoch).")
      ->Set(static_cast<double>(node_info_.process_start_time_ms));
}

CnServer::~CnServer() { Stop(); }

Status CnServer::Start() {
  CHECK(rpc_server_ == nullptr && http_server_ == nullptr) << "CnServer::Start called twice";
  if (options_.datacache_enabled() && data_cache_ == nullptr) {
    auto cache = OpenDataCache(options_, &metrics_);
    if (!cache.ok()) return cache.status();
    data_cache_ = std::move(cache).value();
  }
  CnRpcServiceOptions rpc_options;
  rpc_options.version = options_.version;
  rpc_options.data_cache = data_cache_;
  rpc_service_ = std::make_unique<CnRpcServiceImpl>(std::move(rpc_options));

  // Routine load tasks write through the same data cache as WriteTablets (write-through on ingest).
  const std::string error_log_dir = !options_.storage_root_path.empty() ? options_.storage_root_path + "/error_log"
                                    : !options_.sys_log_dir.empty()     ? options_.sys_log_dir + "/error_log"
                                                                        : "";
  ingest_volumes_ = std::make_unique<VolumeStoreCache>(data_cache_);
  RoutineLoadDeps deps = DefaultRoutineLoadDeps(error_log_dir);
  deps.open_store = [volumes = ingest_volumes_.get()](const proto::VolumeSpecPB& v) { return volumes->Get(v); };
  routine_load_service_ = std::make_unique<RoutineLoadServiceImpl>(std::move(deps));

  auto rpc = StartGrpcServer(options_.host, options_.be_port, "be_port",
                             {rpc_service_.get(), routine_load_service_.get()}, &node_info_.be_port);
  if (!rpc.ok()) {
    Stop();
    return rpc.status();
  }
  rpc_server_ = std::move(rpc).value();

  http_server_ = std::make_unique<HttpServer>(options_.host, options_.http_port);
  http_server_->Handle("GET", "/api/health", [](const HttpRequest&) {
    return HttpResponse::Json(200, R"({"status":"OK"})");
  });
  http_server_->Handle("GET", "/metrics", [this](const HttpRequest&) { return HandleMetrics(); });
  // Rejected rows of routine load tasks (the URLs in SHOW ROUTINE LOAD's ErrorLogUrls).
  http_server_->Handle("GET", "/api/_load_error_log", [error_log_dir](const HttpRequest& request) {
    std::optional<std::string> file = request.Param("file");
    if (!file) return HttpResponse::Text(400, "missing parameter: file\n");
    Result<std::string> log = HandleLoadErrorLog(*file, error_log_dir);
    if (!log.ok()) {
      return HttpResponse::Text(log.status().code() == StatusCode::kNotFound ? 404 : 400, log.status().message() + "\n");
    }
    return HttpResponse::Text(200, std::move(log).value());
  });
  if (Status st = http_server_->Start(); !st.ok()) {
    Stop();
    return st.WithContext("be_http_port");
  }
  node_info_.http_port = http_server_->port();

  // Last, so ports reported by heartbeats are the bound ones and all of them already serve.
  heartbeat_service_ = std::make_unique<HeartbeatServiceImpl>(
      node_info_,
      [this] {
        CnLoad load;
        load.cpu_cores = process_stats_.CpuCores();
        load.mem_used_pct = process_stats_.MemUsedPct();
        load.cpu_used_pct = process_stats_.SampleCpuUsedPct();
        load.num_running_queries = static_cast<int>(running_queries_->value());
        return load;
      },
      &metrics_);
  auto heartbeat = StartGrpcServer(options_.host, options_.heartbeat_port,
                                   "heartbeat_service_port", {heartbeat_service_.get()},
                                   &node_info_.heartbeat_port);
  if (!heartbeat.ok()) {
    Stop();
    return heartbeat.status();
  }
  heartbeat_server_ = std::move(heartbeat).value();
  heartbeat_service_->SetHeartbeatPort(node_info_.heartbeat_port);
  return Status::OK();
}

void CnServer::Stop() {
  // Heartbeats first, so the FE stops routing work here before the work ports close.
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(5);
  if (heartbeat_server_ != nullptr) {
    heartbeat_server_->Shutdown(deadline);
    heartbeat_server_->Wait();
    heartbeat_server_.reset();
  }
  if (http_server_ != nullptr) {
    http_server_->Stop();
    http_server_.reset();
  }
  if (rpc_server_ != nullptr) {
    rpc_server_->Shutdown(deadline);
    rpc_server_->Wait();
    rpc_server_.reset();
  }
}

std::optional<FeIdentity> CnServer::first_fe() const {
  return heartbeat_service_ ? heartbeat_service_->first_fe() : std::nullopt;
}

HttpResponse CnServer::HandleMetrics() {
  metrics_.GetGauge("basalt_cn_cpu_cores", "CPUs this process may run on.")
      ->Set(process_stats_.CpuCores());
  metrics_.GetGauge("basalt_cn_resident_memory_bytes", "Resident memory of this process.")
      ->Set(static_cast<double>(process_stats_.ResidentBytes()));
  HttpResponse response = HttpResponse::Text(200, metrics_.RenderPrometheus());
  response.content_type = MetricRegistry::kPrometheusContentType;
  return response;
}

}  // namespace basalt::cn
