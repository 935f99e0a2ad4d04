// SELECT over a user table: the FE collects the visible segments of every tablet (the catalog's
// current versions), asks one compute node to stream their rows, and hands the rows to the
// executor's relational steps (WHERE, GROUP BY, ORDER BY, ...). This is the plain-scan path that
// proves the storage round trip; distributed query fragments replace it in the query engine.
#include "common/logging.h"
#include "common/string_util.h"
#include "engine/chunk_codec.h"
#include "fe/load/table_writer.h"
#include "fe/qe/executor.h"
#include "fe/qe/table_ddl.h"

namespace basalt::fe {

Status Executor::ScanUserTable(const proto::TableMeta& table, std::vector<ResultColumn>* columns, Chunk* rows) {
  std::vector<DataType> types;
  for (const proto::ColumnMeta& c : table.columns()) {
    ResultColumn rc;
    rc.name = c.name();
    rc.org_name = c.name();
    rc.table = table.name();
    rc.org_table = table.name();
    rc.schema = table.db();
    rc.type = ColumnType(c);
    rc.not_null = !c.nullable();
    columns->push_back(rc);
    types.push_back(rc.type);
    rows->columns.push_back(Column::Make(rc.type));
  }
  rows->num_rows = 0;

  proto::ScanTabletsRequest request;
  for (const proto::PartitionMeta& partition : table.partitions()) {
    for (const proto::TabletMeta& tablet : partition.tablets()) {
      if (tablet.rowsets_size() == 0) continue;
      proto::ScanTabletPB* scan = request.add_tablets();
      scan->set_tablet_id(tablet.id());
      for (const proto::RowsetPB& rowset : tablet.rowsets()) {
        for (const proto::SegmentPB& segment : rowset.segments()) *scan->add_segments() = segment;
      }
    }
  }
  if (request.tablets_size() == 0) return Status::OK();  // Nothing loaded yet.

  const std::string& volume_name = table.properties().at("storage_volume");
  auto volume = fe_->catalog->FindStorageVolume(volume_name);
  if (!volume) return Status::Sql({1064, "HY000"}, "Storage volume '" + volume_name + "' does not exist");
  ASSIGN_OR_RETURN(*request.mutable_volume(), VolumeSpecFor(*volume, *fe_->secrets));
  *request.mutable_schema() = StorageSchemaOf(table);
  ASSIGN_OR_RETURN(ComputeNodeInfo node, PickComputeNode(fe_->compute_nodes));

  int64_t timeout_s = session_->IntVariable("query_timeout", 300);
  if (timeout_s <= 0) timeout_s = 300;
  Status scanned = fe_->compute_nodes->client()->ScanTablets(
      node.host, node.be_port, request, std::chrono::seconds(timeout_s), [&](proto::ChunkPB&& pb) -> Status {
        if (session_->kill_query.load() || session_->kill_connection.load()) return Status::Sql(sql_errors::kQueryInterrupted, "Query execution was interrupted");
        ASSIGN_OR_RETURN(Chunk chunk, ChunkFromPB(pb, types));
        for (size_t c = 0; c < chunk.columns.size(); ++c) {
          rows->columns[c]->AppendRange(*chunk.columns[c], 0, chunk.num_rows);
        }
        rows->num_rows += chunk.num_rows;
        return Status::OK();
      });
  if (!scanned.ok() && !scanned.has_explicit_sql_error()) {
    return Status::Sql({1064, "HY000"}, "Scan of " + table.db() + "." + table.name() + " failed: " + scanned.message());
  }
  return scanned;
}

}  // namespace basalt::fe
