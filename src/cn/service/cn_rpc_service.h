// CnRpcServiceImpl: the CN's main RPC service on be_port (proto/cn_service.proto, CnService).
//
//   Ping          liveness.
//   WriteTablets  a load's rows for some tablets become segment objects and transaction logs in
//                 the request's storage volume (cn/storage/tablet_writer.h). The whole request is
//                 validated first (schema, every tablet's chunk against the schema types), then
//                 the tablets are written one after another; the answer lists one
//                 TabletWriteResultPB per tablet in request order. Failpoints (common/failpoint.h)
//                 `cn_write_before_segments` and `cn_write_after_segments` bracket the writes.
//   ScanTablets   streams the rows of the listed segments through the request's schema
//                 (cn/storage/tablet_reader.h) as ChunkPB batches, tablet after tablet.
//
// Errors: application errors (bad request, store failure, corrupt object) are answered in
// CnRpcStatus with code = numeric basalt::StatusCode and a message naming the tablet or object;
// the gRPC status stays OK so the FE can tell "the CN said no" from "the CN is unreachable". A
// ScanTablets stream ends with one response carrying the error status.
//
// Volume stores: opened from the request's VolumeSpecPB and kept in a small cache keyed by volume
// id; an entry is reused only while the volume's type, location and parameters are unchanged (a
// SHA-1 fingerprint of them), so ALTER STORAGE VOLUME (new credentials, endpoint) takes effect on
// the next request. With a data cache every store is wrapped in a CachingObjectStore: ingest writes
// through it, so freshly loaded segments are read from local disk. The cache is keyed by object
// key only, which is safe because object keys embed table, tablet and transaction ids that the FE
// never reuses across volumes.
//
// Thread-safety: gRPC calls the handlers concurrently; the volume cache is guarded by a mutex and
// everything else is immutable after construction.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "cn_service.grpc.pb.h"
#include "common/io/object_store.h"
#include "common/status.h"

namespace basalt {
class DataCache;
}

namespace basalt::cn {

struct CnRpcServiceOptions {
  std::string version;                 // Reported by Ping.
  std::shared_ptr<DataCache> data_cache;  // nullptr: volumes are used without a local cache.
  uint64_t max_segment_rows = 1ull << 20;
};

// Opened volume stores by volume id; see the header comment.
class VolumeStoreCache {
 public:
  explicit VolumeStoreCache(std::shared_ptr<DataCache> data_cache) : data_cache_(std::move(data_cache)) {}
  Result<std::shared_ptr<ObjectStore>> Get(const proto::VolumeSpecPB& volume);
  size_t size() const;

 private:
  struct Entry {
    std::string fingerprint;
    std::shared_ptr<ObjectStore> store;
  };
  // Clusters have a handful of volumes; past this many entries the cache starts over.
  static constexpr size_t kMaxEntries = 64;

  const std::shared_ptr<DataCache> data_cache_;
  mutable std::mutex mu_;
  std::map<int64_t, Entry> entries_;  // Guarded by mu_.
};

class CnRpcServiceImpl final : public proto::CnService::Service {
 public:
  explicit CnRpcServiceImpl(CnRpcServiceOptions options);

  grpc::Status Ping(grpc::ServerContext* context, const proto::PingRequest* request,
                    proto::PingResponse* response) override;
  grpc::Status WriteTablets(grpc::ServerContext* context, const proto::WriteTabletsRequest* request,
                            proto::WriteTabletsResponse* response) override;
  grpc::Status ScanTablets(grpc::ServerContext* context, const proto::ScanTabletsRequest* request,
                           grpc::ServerWriter<proto::ScanTabletsResponse>* writer) override;

 private:
  Status DoWriteTablets(const proto::WriteTabletsRequest& request, proto::WriteTabletsResponse* response);
  Status DoScanTablets(grpc::ServerContext* context, const proto::ScanTabletsRequest& request,
                       grpc::ServerWriter<proto::ScanTabletsResponse>* writer);

  const CnRpcServiceOptions options_;
  VolumeStoreCache volumes_;
};

}  // namespace basalt::cn
