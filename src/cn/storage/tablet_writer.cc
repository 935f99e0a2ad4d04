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

TabletRowsetWriter::TabletRowsetWriter(ObjectStore& store, TabletWriteTarget target, proto::TableSchemaPB schema,
                                       TabletWriteOptions options)
    : store_(store), target_(std::move(target)), schema_(std::move(schema)), options_(options) {}

TabletRowsetWriter::~TabletRowsetWriter() = default;

Result<std::unique_ptr<TabletRowsetWriter>> TabletRowsetWriter::Make(ObjectStore& store, TabletWriteTarget target,
                                                                     const proto::TableSchemaPB& schema,
                                                                     TabletWriteOptions options) {
  if (!target.prefix.empty() && target.prefix.back() != '/') {
    return Status::InvalidArgument("tablet " + std::to_string(target.tablet_id) + " prefix '" + target.prefix +
                                   "' does not end with '/'");
  }
  if (options.max_segment_rows == 0) return Status::InvalidArgument("max_segment_rows must be at least 1");
  ASSIGN_OR_RETURN(std::vector<DataType> types, SchemaTypes(schema));
  ASSIGN_OR_RETURN(segment::Compression compression, ParseCompression(schema.compression()));
  std::unique_ptr<TabletRowsetWriter> writer(new TabletRowsetWriter(store, std::move(target), schema, options));
  for (int i = 0; i < schema.columns_size(); ++i) {
    writer->segment_schema_.push_back({SegmentColumnName(schema.columns(i).unique_id()), types[i]});
  }
  writer->writer_options_.compression = compression;
  writer->result_.rowset.set_txn_id(writer->target_.txn_id);
  return writer;
}

Status TabletRowsetWriter::Append(const Chunk& rows) { return AppendRows(rows, nullptr, rows.num_rows); }

Status TabletRowsetWriter::Append(const Chunk& rows, std::span<const uint32_t> positions) {
  return AppendRows(rows, positions.data(), positions.size());
}

Status TabletRowsetWriter::AppendRows(const Chunk& rows, const uint32_t* positions, size_t count) {
  if (finished_ || failed_) return Status::Internal("TabletRowsetWriter used after Finish or an error");
  if (rows.columns.size() != segment_schema_.size()) {
    failed_ = true;
    return Status::InvalidArgument("tablet " + std::to_string(target_.tablet_id) + ": rows have " +
                                   std::to_string(rows.columns.size()) + " columns, schema has " +
                                   std::to_string(segment_schema_.size()));
  }
  for (size_t begin = 0; begin < count;) {
    if (open_ == nullptr) {
      auto made = segment::SegmentWriter::Make(segment_schema_, writer_options_);
      if (!made.ok()) {
        failed_ = true;
        return made.status();
      }
      open_ = std::move(made).value();
      open_rows_ = 0;
    }
    const size_t end = begin + std::min<uint64_t>(options_.max_segment_rows - open_rows_, count - begin);
    Status st = positions == nullptr ? open_->Append(rows.Slice(begin, end))
                                     : open_->Append(rows, std::span<const uint32_t>(positions + begin, end - begin));
    if (!st.ok()) {
      failed_ = true;
      return st;
    }
    open_rows_ += end - begin;
    begin = end;
    if (open_rows_ >= options_.max_segment_rows) RETURN_IF_ERROR(CloseSegment());
  }
  return Status::OK();
}

Status TabletRowsetWriter::CloseSegment() {
  std::unique_ptr<segment::SegmentWriter> writer = std::move(open_);
  failed_ = true;  // Until the segment is stored.
  ASSIGN_OR_RETURN(std::string object, writer->Finish());
  const std::string key = SegmentKey(target_, next_seq_++);
  RETURN_IF_ERROR(ValidateObjectKey(key));
  if (Status st = store_.Put(key, object); !st.ok()) return st.WithContext("writing segment " + key);
  proto::SegmentPB* segment = result_.rowset.add_segments();
  segment->set_key(key);
  segment->set_num_rows(static_cast<int64_t>(open_rows_));
  segment->set_size_bytes(static_cast<int64_t>(object.size()));
  segment->set_schema_version(schema_.schema_version());
  result_.rowset.set_num_rows(result_.rowset.num_rows() + segment->num_rows());
  result_.rowset.set_data_size(result_.rowset.data_size() + segment->size_bytes());
  open_rows_ = 0;
  failed_ = false;
  return Status::OK();
}

Result<TabletWriteResult> TabletRowsetWriter::Finish() {
  if (finished_ || failed_) return Status::Internal("TabletRowsetWriter used after Finish or an error");
  if (open_ != nullptr && open_rows_ > 0) RETURN_IF_ERROR(CloseSegment());
  finished_ = true;
  proto::TxnLogPB log;
  log.set_tablet_id(target_.tablet_id);
  log.set_txn_id(target_.txn_id);
  log.set_writer_id(target_.writer_id);
  *log.mutable_rowset() = result_.rowset;
  log.set_create_time_ms(options_.create_time_ms != 0 ? options_.create_time_ms : NowMs());
  result_.txn_log_key = TxnLogKey(target_);
  RETURN_IF_ERROR(ValidateObjectKey(result_.txn_log_key));
  if (Status st = store_.Put(result_.txn_log_key, log.SerializeAsString()); !st.ok()) {
    return st.WithContext("writing txn log " + result_.txn_log_key);
  }
  return std::move(result_);
}

Result<TabletWriteResult> WriteTabletRows(ObjectStore& store, const TabletWriteTarget& target,
                                          const proto::TableSchemaPB& schema, const Chunk& rows,
                                          const TabletWriteOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<TabletRowsetWriter> writer,
                   TabletRowsetWriter::Make(store, target, schema, options));
  RETURN_IF_ERROR(writer->Append(rows));
  return writer->Finish();
}

}  // namespace basalt::cn
