// TabletReader: reads the rows of a tablet's visible segments (SegmentPB, as listed by the FE)
// through the table's current schema, as Chunks of at most batch_rows rows.
//
// Schema evolution: segments name their columns by ColumnSchemaPB.unique_id (tablet_writer.h).
//   - A schema column missing from a segment (it was added by ALTER TABLE ADD COLUMN after the
//     segment was written) reads as its default: NULL unless has_default, else default_value
//     converted to the column type (an unconvertible default is InvalidArgument at Make()).
//   - Segment columns not in the schema (dropped columns) are never read.
//   - A segment column stored with another type than the schema's is converted per value
//     (engine CastValue; values that do not convert read as NULL).
//
// Segments are read one after another in the given order, through a segment::RandomAccessSource
// over ObjectStore::GetRange (one ranged read per tail, footer, index and page; see
// segment_reader.h). The object size is taken from SegmentPB.size_bytes, or from Head when that
// is 0. A chunk never spans two segments, so it may hold fewer than batch_rows rows.
//
// Errors: InvalidArgument for a bad schema, unknown or duplicate output column ids; NotFound
// naming the key when a listed segment object does not exist; Corruption naming the key when an
// object is shorter than listed, fails the segment format's checks or holds another row count
// than its SegmentPB says. Store errors are returned with the key as context.
//
// Thread-safety: one thread at a time. The reader shares ownership of the store.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cn/storage/segment/segment_reader.h"
#include "common/io/object_store.h"
#include "common/status.h"
#include "engine/column.h"
#include "storage.pb.h"

namespace basalt::cn {

// The segment source over an object store: ranged reads of one object of known size.
class ObjectSource final : public segment::RandomAccessSource {
 public:
  ObjectSource(std::shared_ptr<ObjectStore> store, std::string key, uint64_t size)
      : store_(std::move(store)), key_(std::move(key)), size_(size) {}
  // Head to learn the size; NotFound when the object does not exist.
  static Result<std::shared_ptr<ObjectSource>> Open(std::shared_ptr<ObjectStore> store, std::string key);

  Result<std::string> Read(uint64_t offset, uint64_t length) override;
  uint64_t size() override { return size_; }

 private:
  std::shared_ptr<ObjectStore> store_;
  const std::string key_;
  const uint64_t size_;
};

struct TabletReadOptions {
  std::vector<int32_t> columns;  // Output columns by unique_id, in output order; empty = all.
  uint32_t batch_rows = 4096;    // 0 = 4096; values above segment::kMaxPageRows are clamped.
};

class TabletReader {
 public:
  static Result<std::unique_ptr<TabletReader>> Make(std::shared_ptr<ObjectStore> store,
                                                    const proto::TableSchemaPB& schema,
                                                    std::vector<proto::SegmentPB> segments,
                                                    TabletReadOptions options = {});
  ~TabletReader();

  // Fills *out with the next rows; false (and *out untouched) after the last segment.
  Result<bool> Next(Chunk* out);

  // Types of the output columns, in output order.
  const std::vector<DataType>& output_types() const { return output_types_; }

 private:
  struct OutputColumn {
    std::string name;          // Schema name, for messages.
    std::string segment_name;  // unique_id in decimal text.
    DataType type;
    Value fill;  // Value of rows from segments without the column.
  };
  TabletReader() = default;
  Status OpenSegment(const proto::SegmentPB& segment);
  Result<Chunk> BuildOutput(const Chunk* projected, size_t rows);

  std::shared_ptr<ObjectStore> store_;
  std::vector<proto::SegmentPB> segments_;
  std::vector<OutputColumn> outputs_;
  std::vector<DataType> output_types_;
  uint32_t batch_rows_ = 4096;

  // The open segment.
  size_t next_segment_ = 0;
  std::string current_key_;
  std::unique_ptr<segment::SegmentReader> reader_;
  std::unique_ptr<segment::SegmentIterator> iterator_;
  std::vector<int> source_of_output_;  // Index into the projected chunk, or -1 to fill.
  uint64_t fill_rows_left_ = 0;         // Rows still to produce when nothing is projected.
};

}  // namespace basalt::cn
