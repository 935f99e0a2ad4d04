#include "cn/storage/tablet_writer.h"

#include <chrono>

#include "cn/storage/segment/segment_writer.h"
#include "cn/storage/tablet_schema.h"
#include "common/string_util.h"

namespace basalt::cn {
namespace {

Result<segment::Compression> ParseCompression(const std::string& name) {
  const std::string lower = ToLower(name);
  if (lower.empty() || lower == "lz4") return segment::Compression::kLz4;
  if (lower == "zstd") return segment::Compression::kZstd;
  if (lower == "none") return segment::Compression::kNone;
  return Status::InvalidArgument("unknown compression '" + name + "' (LZ4, ZSTD or NONE)");
}

// Rows [begin, end) of `chunk`.
Chunk Slice(const Chunk& chunk, size_t begin, size_t end) {
  if (begin == 0 && end == chunk.num_rows) return chunk;
  Chunk out;
  out.num_rows = end - begin;
  for (const ColumnPtr& column : chunk.columns) {
    ColumnPtr part = Column::Make(column->type(), end - begin);
    for (size_t r = begin; r < end; ++r) part->AppendFrom(*column, r);
    out.columns.push_back(std::move(part));
  }
  return out;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string SegmentKey(const TabletWriteTarget& target, uint64_t seq) {
  return target.prefix + "data/" + std::to_string(target.txn_id) + "_" + std::to_string(target.writer_id) + "_" +
         std::to_string(seq) + ".seg";
}

std::string TxnLogKey(const TabletWriteTarget& target) {
  return target.prefix + "log/" + std::to_string(target.txn_id) + "_" + std::to_string(target.writer_id) +
         ".txnlog";
}

Result<TabletWriteResult> WriteTabletRows(ObjectStore& store, const TabletWriteTarget& target,
                                          const proto::TableSchemaPB& schema, const Chunk& rows,
                                          const TabletWriteOptions& options) {
  if (!target.prefix.empty() && target.prefix.back() != '/') {
    return Status::InvalidArgument("tablet " + std::to_string(target.tablet_id) + " prefix '" + target.prefix +
                                   "' does not end with '/'");
  }
  if (options.max_segment_rows == 0) return Status::InvalidArgument("max_segment_rows must be at least 1");
  ASSIGN_OR_RETURN(std::vector<DataType> types, SchemaTypes(schema));
  ASSIGN_OR_RETURN(segment::Compression compression, ParseCompression(schema.compression()));
  if (rows.columns.size() != types.size()) {
    return Status::InvalidArgument("tablet " + std::to_string(target.tablet_id) + ": rows have " +
                                   std::to_string(rows.columns.size()) + " columns, schema has " +
                                   std::to_string(types.size()));
  }
  segment::SegmentSchema segment_schema;
  for (int i = 0; i < schema.columns_size(); ++i) {
    segment_schema.push_back({SegmentColumnName(schema.columns(i).unique_id()), types[i]});
  }
  segment::SegmentWriterOptions writer_options;
  writer_options.compression = compression;

  TabletWriteResult result;
  result.rowset.set_txn_id(target.txn_id);
  for (size_t begin = 0, seq = 0; begin < rows.num_rows; ++seq) {
    const size_t end = begin + std::min<uint64_t>(options.max_segment_rows, rows.num_rows - begin);
    ASSIGN_OR_RETURN(auto writer, segment::SegmentWriter::Make(segment_schema, writer_options));
    RETURN_IF_ERROR(writer->Append(Slice(rows, begin, end)));
    ASSIGN_OR_RETURN(std::string object, writer->Finish());
    const std::string key = SegmentKey(target, seq);
    RETURN_IF_ERROR(ValidateObjectKey(key));
    if (Status st = store.Put(key, object); !st.ok()) return st.WithContext("writing segment " + key);
    proto::SegmentPB* segment = result.rowset.add_segments();
    segment->set_key(key);
    segment->set_num_rows(static_cast<int64_t>(end - begin));
    segment->set_size_bytes(static_cast<int64_t>(object.size()));
    segment->set_schema_version(schema.schema_version());
    result.rowset.set_num_rows(result.rowset.num_rows() + segment->num_rows());
    result.rowset.set_data_size(result.rowset.data_size() + segment->size_bytes());
    begin = end;
  }

  proto::TxnLogPB log;
  log.set_tablet_id(target.tablet_id);
  log.set_txn_id(target.txn_id);
  log.set_writer_id(target.writer_id);
  *log.mutable_rowset() = result.rowset;
  log.set_create_time_ms(options.create_time_ms != 0 ? options.create_time_ms : NowMs());
  result.txn_log_key = TxnLogKey(target);
  RETURN_IF_ERROR(ValidateObjectKey(result.txn_log_key));
  if (Status st = store.Put(result.txn_log_key, log.SerializeAsString()); !st.ok()) {
    return st.WithContext("writing txn log " + result.txn_log_key);
  }
  return result;
}

}  // namespace basalt::cn
