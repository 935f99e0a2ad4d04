#include "fe/load/table_writer.h"

#include <atomic>
#include <chrono>

#include "common/logging.h"
#include "engine/chunk_codec.h"
#include "engine/distribution.h"
#include "engine/functions.h"
#include "fe/catalog/table_layout.h"

namespace basalt::fe {

Result<proto::VolumeSpecPB> VolumeSpecFor(const proto::StorageVolumeMeta& volume, const SecretBox& secrets) {
  proto::VolumeSpecPB spec;
  spec.set_id(volume.id());
  spec.set_name(volume.name());
  spec.set_type(volume.type());
  if (volume.locations().empty()) return Status::Internal("storage volume " + volume.name() + " has no location");
  spec.set_location(volume.locations(0));
  for (const auto& [key, value] : volume.params()) {
    if (SecretBox::IsSealed(value)) {
      ASSIGN_OR_RETURN((*spec.mutable_params())[key], secrets.Unseal(value));
    } else {
      (*spec.mutable_params())[key] = value;
    }
  }
  return spec;
}

Result<ComputeNodeInfo> PickComputeNode(const ComputeNodeManager* nodes) {
  static std::atomic<uint64_t> next{0};
  std::vector<ComputeNodeInfo> alive = nodes ? nodes->AliveNodes() : std::vector<ComputeNodeInfo>{};
  if (alive.empty()) {
    return Status::Sql({1064, "HY000"},
                       "No alive compute node: every compute node is down or none was added "
                       "(ALTER SYSTEM ADD COMPUTE NODE \"host:9050\"); see SHOW COMPUTE NODES");
  }
  return alive[next.fetch_add(1, std::memory_order_relaxed) % alive.size()];
}

Result<std::vector<int>> RoutePartitions(const proto::TableMeta& table, const Chunk& rows) {
  const std::string& kind = table.partition().kind();
  if (kind.empty() || kind == "UNPARTITIONED") {
    if (table.partitions_size() != 1) return Status::Internal("unpartitioned table " + table.name() + " without its partition");
    return std::vector<int>(rows.num_rows, 0);
  }
  if (kind != "RANGE") {
    return Status::Sql({1064, "HY000"}, "Loading into a table partitioned by " + table.partition().text() +
                                            " is not supported yet (only RANGE partitions and unpartitioned tables)");
  }
  // Partition column positions and the typed upper bounds of each range, in DDL order.
  std::vector<size_t> columns;
  std::vector<DataType> types;
  for (const std::string& name : table.partition().columns()) {
    for (int i = 0; i < table.columns_size(); ++i) {
      if (table.columns(i).name() == name) {
        columns.push_back(i);
        types.push_back(ColumnType(table.columns(i)));
      }
    }
  }
  if (columns.size() != static_cast<size_t>(table.partition().columns_size())) {
    return Status::Internal("partition column missing from table " + table.name());
  }
  std::vector<RangeUpperBound> bounds;
  std::vector<int> partition_index;
  for (const auto& range : table.partition().ranges()) {
    RangeUpperBound bound;
    bound.max_value = range.max_value();
    for (int i = 0; i < range.upper_bound_size() && i < static_cast<int>(types.size()); ++i) {
      ASSIGN_OR_RETURN(Value v, CastValue(Value::String(range.upper_bound(i)), types[i], /*strict=*/true));
      bound.values.push_back(std::move(v));
    }
    int index = -1;
    for (int p = 0; p < table.partitions_size(); ++p) {
      if (table.partitions(p).name() == range.name()) index = p;
    }
    if (index < 0) return Status::Internal("partition " + range.name() + " of " + table.name() + " has no tablets");
    bounds.push_back(std::move(bound));
    partition_index.push_back(index);
  }
  std::vector<int> out = RouteRangePartitions(rows, columns, bounds);
  for (int& p : out) {
    if (p >= 0) p = partition_index[p];
  }
  return out;
}

TableWriter::TableWriter(proto::DatabaseMeta db, proto::TableMeta table, proto::VolumeSpecPB volume,
                         CnClient* client, ComputeNodeInfo node, int64_t txn_id, TableWriterOptions options)
    : db_(std::move(db)),
      table_(std::move(table)),
      volume_(std::move(volume)),
      schema_(StorageSchemaOf(table_)),
      client_(client),
      node_(std::move(node)),
      txn_id_(txn_id),
      options_(options) {
  if (table_.distribution().kind() == "HASH") {
    for (const std::string& name : table_.distribution().columns()) {
      for (int i = 0; i < table_.columns_size(); ++i) {
        if (table_.columns(i).name() == name) distribution_columns_.push_back(i);
      }
    }
  }
}

Status TableWriter::Write(const Chunk& rows, const std::vector<int>& partition_of_row) {
  // Group row positions by (partition, bucket) -> tablet.
  std::map<int64_t, std::vector<uint32_t>> rows_of_tablet;
  std::vector<uint32_t> buckets;
  if (!distribution_columns_.empty()) {
    buckets = HashBuckets(rows, distribution_columns_, static_cast<uint32_t>(table_.distribution().buckets()));
  }
  for (size_t row = 0; row < rows.num_rows; ++row) {
    const proto::PartitionMeta& partition = table_.partitions(partition_of_row[row]);
    if (partition.tablets_size() == 0) return Status::Internal("partition " + partition.name() + " has no tablets");
    size_t bucket = buckets.empty() ? round_robin_++ % partition.tablets_size()
                                    : buckets[row] % static_cast<uint32_t>(partition.tablets_size());
    const proto::TabletMeta& tablet = partition.tablets(static_cast<int>(bucket));
    TabletBuffer& buffer = buffers_[tablet.id()];
    if (buffer.tablet_id == 0) {
      buffer.tablet_id = tablet.id();
      buffer.partition_id = partition.id();
      buffer.prefix = TabletPrefix(db_.id(), table_.id(), partition.id(), tablet.id());
    }
    rows_of_tablet[tablet.id()].push_back(static_cast<uint32_t>(row));
  }
  for (auto& [tablet_id, positions] : rows_of_tablet) {
    TabletBuffer& buffer = buffers_[tablet_id];
    Chunk part = rows.Take(positions);
    if (buffer.rows.columns.empty()) {
      buffer.rows = std::move(part);
    } else {
      for (size_t c = 0; c < part.columns.size(); ++c) {
        buffer.rows.columns[c]->AppendRange(*part.columns[c], 0, part.num_rows);
      }
      buffer.rows.num_rows += part.num_rows;
    }
    buffered_rows_ += positions.size();
  }
  if (buffered_rows_ >= options_.rows_per_request) return Flush();
  return Status::OK();
}

Status TableWriter::Flush() {
  if (buffers_.empty()) return Status::OK();
  proto::WriteTabletsRequest request;
  request.set_txn_id(txn_id_);
  request.set_writer_id(next_writer_id_++);
  *request.mutable_volume() = volume_;
  *request.mutable_schema() = schema_;
  int64_t rows = 0;
  for (auto& [id, buffer] : buffers_) {
    proto::TabletRowsPB* tablet = request.add_tablets();
    tablet->set_tablet_id(buffer.tablet_id);
    tablet->set_prefix(buffer.prefix);
    *tablet->mutable_rows() = ChunkToPB(buffer.rows);
    rows += static_cast<int64_t>(buffer.rows.num_rows);
  }
  std::map<int64_t, int64_t> partition_of_tablet;
  for (const auto& [id, buffer] : buffers_) partition_of_tablet[id] = buffer.partition_id;
  buffers_.clear();
  buffered_rows_ = 0;

  ASSIGN_OR_RETURN(proto::WriteTabletsResponse response,
                   client_->WriteTablets(node_.host, node_.be_port, request, options_.rpc_timeout));
  if (response.status().code() != 0) {
    return Status(static_cast<StatusCode>(response.status().code()),
                  "compute node " + node_.host + ":" + std::to_string(node_.be_port) + " could not write: " +
                      response.status().message());
  }
  if (response.tablets_size() != request.tablets_size()) {
    return Status::Internal("compute node answered for " + std::to_string(response.tablets_size()) + " of " +
                            std::to_string(request.tablets_size()) + " tablets");
  }
  for (const proto::TabletWriteResultPB& written : response.tablets()) {
    auto partition = partition_of_tablet.find(written.tablet_id());
    if (partition == partition_of_tablet.end()) {
      return Status::Internal("compute node answered for unknown tablet " + std::to_string(written.tablet_id()));
    }
    proto::TabletCommitPB& commit = results_[written.tablet_id()];
    commit.set_partition_id(partition->second);
    commit.set_tablet_id(written.tablet_id());
    proto::RowsetPB* rowset = commit.mutable_rowset();
    rowset->set_txn_id(txn_id_);
    for (const auto& segment : written.rowset().segments()) *rowset->add_segments() = segment;
    rowset->set_num_rows(rowset->num_rows() + written.rowset().num_rows());
    rowset->set_data_size(rowset->data_size() + written.rowset().data_size());
  }
  rows_written_ += rows;
  return Status::OK();
}

Result<std::vector<proto::TabletCommitPB>> TableWriter::Finish() {
  RETURN_IF_ERROR(Flush());
  std::vector<proto::TabletCommitPB> out;
  for (auto& [id, commit] : results_) out.push_back(std::move(commit));
  results_.clear();
  return out;
}

}  // namespace basalt::fe
