#include "cn/storage/tablet_reader.h"

#include <algorithm>
#include <set>

#include "cn/storage/tablet_schema.h"
#include "engine/functions.h"

namespace basalt::cn {

Result<std::shared_ptr<ObjectSource>> ObjectSource::Open(std::shared_ptr<ObjectStore> store, std::string key) {
  auto head = store->Head(key);
  if (!head.ok()) return head.status().WithContext("segment " + key);
  if (!head->has_value()) return Status::NotFound("segment object " + key + " does not exist");
  const uint64_t size = (*head)->size;
  return std::make_shared<ObjectSource>(std::move(store), std::move(key), size);
}

Result<std::string> ObjectSource::Read(uint64_t offset, uint64_t length) {
  if (offset > size_ || length > size_ - offset) {
    return Status::Corruption("segment " + key_ + ": read of " + std::to_string(length) + " bytes at " +
                              std::to_string(offset) + " beyond its " + std::to_string(size_) + " bytes");
  }
  auto data = store_->GetRange(key_, offset, length);
  if (!data.ok()) return data.status().WithContext("segment " + key_);
  if (!data->has_value()) return Status::NotFound("segment object " + key_ + " does not exist");
  if ((*data)->size() != length) {
    return Status::Corruption("segment " + key_ + " is shorter than expected: " + std::to_string(length) +
                              " bytes at " + std::to_string(offset) + " yielded " + std::to_string((*data)->size()));
  }
  return std::move(**data);
}

TabletReader::~TabletReader() = default;

Result<std::unique_ptr<TabletReader>> TabletReader::Make(std::shared_ptr<ObjectStore> store,
                                                         const proto::TableSchemaPB& schema,
                                                         std::vector<proto::SegmentPB> segments,
                                                         TabletReadOptions options) {
  ASSIGN_OR_RETURN(std::vector<DataType> types, SchemaTypes(schema));
  std::unique_ptr<TabletReader> reader(new TabletReader());
  reader->store_ = std::move(store);
  reader->segments_ = std::move(segments);
  reader->batch_rows_ = options.batch_rows == 0 ? 4096 : std::min(options.batch_rows, segment::kMaxPageRows);

  std::vector<int> picked;  // Schema positions of the output columns.
  if (options.columns.empty()) {
    for (int i = 0; i < schema.columns_size(); ++i) picked.push_back(i);
  } else {
    std::set<int32_t> seen;
    for (int32_t id : options.columns) {
      if (!seen.insert(id).second) {
        return Status::InvalidArgument("output column unique id " + std::to_string(id) + " requested twice");
      }
      int found = -1;
      for (int i = 0; i < schema.columns_size(); ++i) {
        if (schema.columns(i).unique_id() == id) found = i;
      }
      if (found < 0) {
        return Status::InvalidArgument("output column unique id " + std::to_string(id) + " is not in the schema of table " +
                                       std::to_string(schema.table_id()));
      }
      picked.push_back(found);
    }
  }
  for (int i : picked) {
    const proto::ColumnSchemaPB& column = schema.columns(i);
    OutputColumn out;
    out.name = column.name();
    out.segment_name = SegmentColumnName(column.unique_id());
    out.type = types[i];
    out.fill = Value::Null(out.type);
    if (column.has_default()) {
      auto value = CastValue(Value::String(column.default_value(), DataType::Varchar()), out.type, /*strict=*/true);
      if (!value.ok()) {
        return Status::InvalidArgument("column '" + column.name() + "': default value '" + column.default_value() +
                                       "' is not a valid " + out.type.ToSql() + ": " + value.status().message());
      }
      out.fill = *value;
    }
    reader->output_types_.push_back(out.type);
    reader->outputs_.push_back(std::move(out));
  }
  return reader;
}

Status TabletReader::OpenSegment(const proto::SegmentPB& segment) {
  current_key_ = segment.key();
  std::shared_ptr<segment::RandomAccessSource> source;
  if (segment.size_bytes() > 0) {
    source = std::make_shared<ObjectSource>(store_, segment.key(), static_cast<uint64_t>(segment.size_bytes()));
  } else {
    ASSIGN_OR_RETURN(source, ObjectSource::Open(store_, segment.key()));
  }
  auto reader = segment::SegmentReader::Open(std::move(source));
  if (!reader.ok()) return reader.status().WithContext("segment " + segment.key());
  reader_ = std::move(reader).value();
  if (reader_->num_rows() != static_cast<uint64_t>(segment.num_rows())) {
    return Status::Corruption("segment " + segment.key() + " holds " + std::to_string(reader_->num_rows()) +
                              " rows, its metadata says " + std::to_string(segment.num_rows()));
  }
  segment::ReadOptions read;
  read.batch_rows = batch_rows_;
  source_of_output_.assign(outputs_.size(), -1);
  for (size_t i = 0; i < outputs_.size(); ++i) {
    if (!reader_->FindColumn(outputs_[i].segment_name).has_value()) continue;
    source_of_output_[i] = static_cast<int>(read.columns.size());
    read.columns.push_back(outputs_[i].segment_name);
  }
  if (read.columns.empty()) {
    // None of the wanted columns existed when the segment was written: only its row count matters.
    iterator_.reset();
    fill_rows_left_ = reader_->num_rows();
    return Status::OK();
  }
  auto iterator = reader_->NewIterator(read);
  if (!iterator.ok()) return iterator.status().WithContext("segment " + segment.key());
  iterator_ = std::move(iterator).value();
  return Status::OK();
}

Result<Chunk> TabletReader::BuildOutput(const Chunk* projected, size_t rows) {
  Chunk out;
  out.num_rows = rows;
  for (size_t i = 0; i < outputs_.size(); ++i) {
    const OutputColumn& want = outputs_[i];
    if (source_of_output_[i] < 0) {
      ColumnPtr column = Column::Make(want.type, rows);
      for (size_t r = 0; r < rows; ++r) column->AppendValue(want.fill);
      out.columns.push_back(std::move(column));
      continue;
    }
    const ColumnPtr& stored = projected->columns[static_cast<size_t>(source_of_output_[i])];
    if (stored->size() != rows) {
      return Status::Corruption("segment " + current_key_ + ": column " + want.segment_name + " returned " +
                                std::to_string(stored->size()) + " rows for a batch of " + std::to_string(rows));
    }
    if (stored->type() == want.type) {
      out.columns.push_back(stored);
      continue;
    }
    // Written under another type of the column (same unique id): convert value by value.
    ColumnPtr column = Column::Make(want.type, rows);
    // Same type id: only length metadata can differ (a DECIMAL of another scale needs rescaling).
    const bool copy_raw = want.type.id == stored->type().id &&
                          (want.type.id != TypeId::kDecimal || want.type.scale == stored->type().scale) &&
                          stored->physical() == column->physical();
    if (copy_raw) {
      column->AppendRange(*stored, 0, rows);  // Only length / precision metadata differ.
      out.columns.push_back(std::move(column));
      continue;
    }
    for (size_t r = 0; r < rows; ++r) {
      auto value = CastValue(stored->GetValue(r), want.type);
      column->AppendValue(value.ok() ? *value : Value::Null(want.type));
    }
    out.columns.push_back(std::move(column));
  }
  return out;
}

Result<bool> TabletReader::Next(Chunk* out) {
  while (true) {
    if (reader_ == nullptr) {
      if (next_segment_ >= segments_.size()) return false;
      RETURN_IF_ERROR(OpenSegment(segments_[next_segment_++]));
    }
    if (iterator_ == nullptr) {
      if (fill_rows_left_ == 0) {
        reader_.reset();
        continue;
      }
      const size_t rows = static_cast<size_t>(std::min<uint64_t>(fill_rows_left_, batch_rows_));
      fill_rows_left_ -= rows;
      ASSIGN_OR_RETURN(*out, BuildOutput(nullptr, rows));
      return true;
    }
    Chunk projected;
    auto more = iterator_->Next(&projected);
    if (!more.ok()) return more.status().WithContext("segment " + current_key_);
    if (!*more) {
      iterator_.reset();
      reader_.reset();
      continue;
    }
    ASSIGN_OR_RETURN(*out, BuildOutput(&projected, projected.num_rows));
    return true;
  }
}

}  // namespace basalt::cn
