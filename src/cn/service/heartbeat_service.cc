#include "cn/service/heartbeat_service.h"

#include <utility>

#include "common/logging.h"
#include "common/status.h"

namespace basalt::cn {

HeartbeatServiceImpl::HeartbeatServiceImpl(CnNodeInfo info, std::function<CnLoad()> load_sampler,
                                           MetricRegistry* metrics)
    : info_(std::move(info)),
      load_sampler_(std::move(load_sampler)),
      heartbeat_port_(info_.heartbeat_port) {
  if (metrics != nullptr) {
    accepted_ = metrics->GetCounter("basalt_cn_heartbeats_total", "Heartbeats received from FEs.",
                                    {{"result", "accepted"}});
    rejected_ = metrics->GetCounter("basalt_cn_heartbeats_total", "Heartbeats received from FEs.",
                                    {{"result", "rejected"}});
  }
}

grpc::Status HeartbeatServiceImpl::Heartbeat(grpc::ServerContext* context,
                                             const proto::HeartbeatRequest* request,
                                             proto::HeartbeatResponse* response) {
  FeIdentity fe{request->fe_host(), request->fe_rpc_port(), request->cluster_id(),
                request->node_id()};
  const std::string fe_name = fe.host + ":" + std::to_string(fe.rpc_port);
  {
    std::lock_guard lock(mu_);
    if (first_fe_ && first_fe_->cluster_id != 0 && fe.cluster_id != 0 &&
        fe.cluster_id != first_fe_->cluster_id) {
      if (rejected_ != nullptr) rejected_->Increment();
      // Ports and version are still filled in below, so the refusing FE can show where it went.
      response->mutable_status()->set_code(static_cast<int32_t>(StatusCode::kInvalidArgument));
      response->mutable_status()->set_message(
          "cluster id mismatch: this compute node serves cluster " +
          std::to_string(first_fe_->cluster_id) + " (first FE " + first_fe_->host + ":" +
          std::to_string(first_fe_->rpc_port) + "), heartbeat from " + fe_name +
          " carries cluster " + std::to_string(fe.cluster_id));
      LOG(WARNING) << "refused heartbeat: " << response->status().message();
    } else {
      if (!first_fe_) {
        LOG(INFO) << "first heartbeat from FE " << fe_name << " (cluster " << fe.cluster_id
                  << ", node id " << fe.node_id << ")";
        first_fe_ = fe;
      } else if (current_fe_ &&
                 (current_fe_->host != fe.host || current_fe_->rpc_port != fe.rpc_port ||
                  current_fe_->node_id != fe.node_id)) {
        LOG(INFO) << "heartbeats now come from FE " << fe_name << " (node id " << fe.node_id
                  << "), previously " << current_fe_->host << ":" << current_fe_->rpc_port
                  << " (node id " << current_fe_->node_id << ")";
      }
      current_fe_ = fe;
      if (accepted_ != nullptr) accepted_->Increment();
      response->mutable_status()->set_code(0);
    }
  }
  response->set_be_port(info_.be_port);
  response->set_http_port(info_.http_port);
  response->set_brpc_port(info_.brpc_port);
  response->set_starlet_port(info_.starlet_port);
  response->set_heartbeat_port(heartbeat_port_.load());
  response->set_version(info_.version);
  response->set_process_start_time_ms(info_.process_start_time_ms);
  response->set_has_storage_path(info_.has_storage_path);
  if (response->status().code() == 0 && load_sampler_) {
    CnLoad load = load_sampler_();
    response->set_cpu_cores(load.cpu_cores);
    response->set_mem_used_pct(load.mem_used_pct);
    response->set_cpu_used_pct(load.cpu_used_pct);
    response->set_num_running_queries(load.num_running_queries);
  }
  return grpc::Status::OK;
}

std::optional<FeIdentity> HeartbeatServiceImpl::first_fe() const {
  std::lock_guard lock(mu_);
  return first_fe_;
}

std::optional<FeIdentity> HeartbeatServiceImpl::current_fe() const {
  std::lock_guard lock(mu_);
  return current_fe_;
}

}  // namespace basalt::cn
