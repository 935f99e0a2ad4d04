// TableWriter: the FE side of writing rows into a table inside one load transaction (INSERT).
//
// Rows arrive in the table's column order with values already of the column types. Each row is
// routed to a partition (the only one of an unpartitioned table, or the RANGE partition whose
// bounds hold the partition column's value) and to a bucket (engine/distribution.h for HASH,
// round robin for RANDOM), then the per-tablet rows are sent to one compute node in
// WriteTablets requests of at most rows_per_request rows. Each request is a separate writer of the
// transaction (writer ids 1, 2, ...), so its object names never collide with another request's.
// Finish() returns what to commit: one TabletCommitPB per tablet written, with all its segments.
//
// Nothing written here is visible until TransactionManager::Commit publishes it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/column.h"
#include "fe/catalog/secret_box.h"
#include "fe/cluster/compute_node_manager.h"
#include "journal.pb.h"
#include "storage.pb.h"

namespace basalt::fe {

// What a compute node needs to open a volume: type, first location, parameters with the secrets
// unsealed. Only ever sent over the cluster-internal RPC channel.
Result<proto::VolumeSpecPB> VolumeSpecFor(const proto::StorageVolumeMeta& volume, const SecretBox& secrets);

// An alive compute node to run work on, spreading successive calls over the alive nodes.
Result<ComputeNodeInfo> PickComputeNode(const ComputeNodeManager* nodes);

// The partition index (into table.partitions()) of every row, or -1 when no partition holds the
// row (a RANGE value above every bound). NotSupported for partitioning kinds whose partitions are
// created by loads (expression, LIST), which INSERT cannot write yet.
Result<std::vector<int>> RoutePartitions(const proto::TableMeta& table, const Chunk& rows);

struct TableWriterOptions {
  size_t rows_per_request = 256 * 1024;
  std::chrono::milliseconds rpc_timeout{std::chrono::minutes(5)};
};

class TableWriter {
 public:
  TableWriter(proto::DatabaseMeta db, proto::TableMeta table, proto::VolumeSpecPB volume, CnClient* client,
              ComputeNodeInfo node, int64_t txn_id, TableWriterOptions options = {});

  // `rows` has the table's columns in order; `partition_of_row` comes from RoutePartitions and
  // must not hold -1 (the caller filters those rows first).
  Status Write(const Chunk& rows, const std::vector<int>& partition_of_row);
  // Sends what is buffered and returns the rowsets to commit.
  Result<std::vector<proto::TabletCommitPB>> Finish();

  int64_t rows_written() const { return rows_written_; }

 private:
  struct TabletBuffer {
    int64_t partition_id = 0;
    int64_t tablet_id = 0;
    std::string prefix;
    Chunk rows;
  };
  Status Flush();

  proto::DatabaseMeta db_;
  proto::TableMeta table_;
  proto::VolumeSpecPB volume_;
  proto::TableSchemaPB schema_;
  CnClient* client_;
  ComputeNodeInfo node_;
  int64_t txn_id_;
  TableWriterOptions options_;
  std::vector<size_t> distribution_columns_;
  std::map<int64_t, TabletBuffer> buffers_;  // by tablet id
  size_t buffered_rows_ = 0;
  int64_t next_writer_id_ = 1;
  uint64_t round_robin_ = 0;
  int64_t rows_written_ = 0;
  std::map<int64_t, proto::TabletCommitPB> results_;  // by tablet id
};

}  // namespace basalt::fe
