#include "cn/service/cn_rpc_service.h"

#include <chrono>

#include "cn/cache/data_cache.h"
#include "cn/storage/tablet_reader.h"
#include "cn/storage/tablet_schema.h"
#include "cn/storage/tablet_writer.h"
#include "common/failpoint.h"
#include "common/io/volume_store.h"
#include "common/logging.h"
#include "common/sha1.h"
#include "engine/chunk_codec.h"

namespace basalt::cn {
namespace {

void SetStatus(const Status& status, proto::CnRpcStatus* out) {
  out->set_code(static_cast<int32_t>(status.code()));
  out->set_message(status.ok() ? "" : status.message());
}

std::string Fingerprint(const proto::VolumeSpecPB& volume) {
  // Length-prefixed fields so no two different specs serialize alike; params sorted by key.
  std::string text;
  auto add = [&](const std::string& s) { text += std::to_string(s.size()) + ":" + s; };
  add(volume.type());
  add(volume.location());
  std::map<std::string, std::string> params(volume.params().begin(), volume.params().end());
  for (const auto& [k, v] : params) {
    add(k);
    add(v);
  }
  return Sha1(text);
}

std::string TabletContext(int64_t tablet_id) { return "tablet " + std::to_string(tablet_id); }

}  // namespace

Result<std::shared_ptr<ObjectStore>> VolumeStoreCache::Get(const proto::VolumeSpecPB& volume) {
  const std::string fingerprint = Fingerprint(volume);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(volume.id());
    if (it != entries_.end() && it->second.fingerprint == fingerprint) return it->second.store;
  }
  // Opening makes no request, but keep it outside the lock anyway; two racing opens of the same
  // volume both succeed and the later one wins the slot.
  VolumeSpec spec;
  spec.name = volume.name();
  spec.type = volume.type();
  spec.location = volume.location();
  spec.params = std::map<std::string, std::string>(volume.params().begin(), volume.params().end());
  ASSIGN_OR_RETURN(std::shared_ptr<ObjectStore> store, OpenVolumeStore(spec));
  if (data_cache_ != nullptr) store = std::make_shared<CachingObjectStore>(std::move(store), data_cache_);
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= kMaxEntries && !entries_.contains(volume.id())) entries_.clear();
  entries_[volume.id()] = Entry{fingerprint, store};
  return store;
}

size_t VolumeStoreCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

CnRpcServiceImpl::CnRpcServiceImpl(CnRpcServiceOptions options)
    : options_(std::move(options)), volumes_(options_.data_cache) {}

grpc::Status CnRpcServiceImpl::Ping(grpc::ServerContext* context, const proto::PingRequest* request,
                                    proto::PingResponse* response) {
  response->mutable_status()->set_code(0);
  response->set_version(options_.version);
  return grpc::Status::OK;
}

grpc::Status CnRpcServiceImpl::WriteTablets(grpc::ServerContext* context, const proto::WriteTabletsRequest* request,
                                            proto::WriteTabletsResponse* response) {
  Status st = DoWriteTablets(*request, response);
  if (!st.ok()) {
    response->clear_tablets();
    LOG(WARNING) << "WriteTablets txn=" << request->txn_id() << " writer=" << request->writer_id()
                 << " failed: " << st.ToString();
  }
  SetStatus(st, response->mutable_status());
  return grpc::Status::OK;
}

Status CnRpcServiceImpl::DoWriteTablets(const proto::WriteTabletsRequest& request,
                                        proto::WriteTabletsResponse* response) {
  const auto start = std::chrono::steady_clock::now();
  // Validate everything before writing anything, so a bad request leaves no objects behind.
  auto types = SchemaTypes(request.schema());
  if (!types.ok()) return types.status().WithContext("txn " + std::to_string(request.txn_id()));
  if (request.txn_id() <= 0 || request.writer_id() < 0) {
    return Status::InvalidArgument("WriteTablets needs txn_id > 0 and writer_id >= 0, got " +
                                   std::to_string(request.txn_id()) + " / " + std::to_string(request.writer_id()));
  }
  const std::vector<std::string> names = SchemaNames(request.schema());
  std::vector<Chunk> chunks;
  chunks.reserve(request.tablets_size());
  for (const proto::TabletRowsPB& tablet : request.tablets()) {
    if (tablet.prefix().empty() || tablet.prefix().back() != '/') {
      return Status::InvalidArgument(TabletContext(tablet.tablet_id()) + ": object prefix '" + tablet.prefix() +
                                     "' must be non-empty and end with '/'");
    }
    auto chunk = ChunkFromPB(tablet.rows(), *types, names);
    if (!chunk.ok()) return chunk.status().WithContext(TabletContext(tablet.tablet_id()));
    chunks.push_back(std::move(chunk).value());
  }
  ASSIGN_OR_RETURN(std::shared_ptr<ObjectStore> store, volumes_.Get(request.volume()));

  RETURN_IF_ERROR(CheckFailpoint("cn_write_before_segments"));
  TabletWriteOptions write_options;
  write_options.max_segment_rows = options_.max_segment_rows;
  int64_t rows = 0, bytes = 0;
  for (int i = 0; i < request.tablets_size(); ++i) {
    const proto::TabletRowsPB& tablet = request.tablets(i);
    TabletWriteTarget target{tablet.tablet_id(), tablet.prefix(), request.txn_id(), request.writer_id()};
    auto written = WriteTabletRows(*store, target, request.schema(), chunks[i], write_options);
    if (!written.ok()) return written.status().WithContext(TabletContext(tablet.tablet_id()));
    proto::TabletWriteResultPB* result = response->add_tablets();
    result->set_tablet_id(tablet.tablet_id());
    *result->mutable_rowset() = std::move(written->rowset);
    result->set_txn_log_key(std::move(written->txn_log_key));
    rows += result->rowset().num_rows();
    bytes += result->rowset().data_size();
    chunks[i] = Chunk();  // Free the rows as soon as they are stored.
  }
  RETURN_IF_ERROR(CheckFailpoint("cn_write_after_segments"));

  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  LOG(INFO) << "WriteTablets txn=" << request.txn_id() << " writer=" << request.writer_id()
            << " volume=" << request.volume().name() << " tablets=" << request.tablets_size() << " rows=" << rows
            << " bytes=" << bytes << " ms=" << ms.count();
  return Status::OK();
}

grpc::Status CnRpcServiceImpl::ScanTablets(grpc::ServerContext* context, const proto::ScanTabletsRequest* request,
                                           grpc::ServerWriter<proto::ScanTabletsResponse>* writer) {
  Status st = DoScanTablets(context, *request, writer);
  if (!st.ok()) {
    LOG(WARNING) << "ScanTablets failed: " << st.ToString();
    proto::ScanTabletsResponse last;
    SetStatus(st, last.mutable_status());
    writer->Write(last);
  }
  return grpc::Status::OK;
}

Status CnRpcServiceImpl::DoScanTablets(grpc::ServerContext* context, const proto::ScanTabletsRequest& request,
                                       grpc::ServerWriter<proto::ScanTabletsResponse>* writer) {
  RETURN_IF_ERROR(SchemaTypes(request.schema()).status());
  if (request.batch_rows() < 0) return Status::InvalidArgument("batch_rows must not be negative");
  ASSIGN_OR_RETURN(std::shared_ptr<ObjectStore> store, volumes_.Get(request.volume()));
  TabletReadOptions read_options;
  read_options.columns.assign(request.columns().begin(), request.columns().end());
  read_options.batch_rows = static_cast<uint32_t>(request.batch_rows());
  for (const proto::ScanTabletPB& tablet : request.tablets()) {
    std::vector<proto::SegmentPB> segments(tablet.segments().begin(), tablet.segments().end());
    auto reader = TabletReader::Make(store, request.schema(), std::move(segments), read_options);
    if (!reader.ok()) return reader.status().WithContext(TabletContext(tablet.tablet_id()));
    Chunk chunk;
    while (true) {
      if (context->IsCancelled()) return Status::Cancelled("ScanTablets cancelled by the client");
      auto more = (*reader)->Next(&chunk);
      if (!more.ok()) return more.status().WithContext(TabletContext(tablet.tablet_id()));
      if (!*more) break;
      proto::ScanTabletsResponse response;
      response.mutable_status()->set_code(0);
      *response.mutable_chunk() = ChunkToPB(chunk);
      if (!writer->Write(response)) return Status::Cancelled("ScanTablets client went away");
    }
  }
  return Status::OK();
}

}  // namespace basalt::cn
