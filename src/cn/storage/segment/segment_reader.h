// SegmentReader: opens a segment object (segment_format.h) and reads columns into Chunks, skipping
// pages whose zone maps prove that no row can satisfy simple predicates.
//
//   ASSIGN_OR_RETURN(auto reader, SegmentReader::Open(source));    // reads tail + footer only
//   ReadOptions opts;
//   opts.columns = {"uid", "site"};                                 // projection (empty = all)
//   opts.predicates = {{"vtime", CompareOp::kGe, Value::Int(t0)}};  // ANDed, for pruning only
//   ASSIGN_OR_RETURN(auto it, reader->NewIterator(opts));
//   Chunk chunk;
//   while (true) { ASSIGN_OR_RETURN(bool more, it->Next(&chunk)); if (!more) break; ... }
//
// Pruning is conservative: the rows returned are every row of the segment that is not proven to
// fail some predicate, at page granularity. Callers still evaluate the predicates on the rows.
// Predicate constants must be in the column's physical representation (int64 for integers,
// DATE as days, DATETIME as microseconds, DECIMAL scaled to the column's scale; double for
// FLOAT/DOUBLE; a string for string types); a constant of another physical type, NaN, or a page
// containing NaN disables pruning for that page. A comparison with a NULL constant matches nothing.
//
// Reading: Open() reads the tail and footer and validates them. Column indexes are read and
// validated the first time a column is used; pages are read one ranged read each, checked
// against their CRC, decompressed and decoded when the iterator reaches them. Everything read is
// validated as described in segment_format.h; any violation is Status::Corruption naming the
// column, page and object offset. A source error is returned as is.
//
// Thread-safety: a SegmentReader may be shared by several threads only through const methods;
// NewIterator() and ColumnPages() load indexes lazily and must not race. An iterator is used by
// one thread at a time and must not outlive its reader.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cn/storage/segment/compression.h"
#include "cn/storage/segment/segment_format.h"
#include "cn/storage/segment/segment_writer.h"
#include "common/status.h"
#include "engine/column.h"
#include "engine/value.h"

namespace basalt::segment {

// Ranged reads of one immutable object (the object store, the data cache, or memory).
class RandomAccessSource {
 public:
  virtual ~RandomAccessSource() = default;
  // Exactly `length` bytes at `offset`; an error if the range is not inside the object.
  virtual Result<std::string> Read(uint64_t offset, uint64_t length) = 0;
  virtual uint64_t size() = 0;
};

// A source over bytes held in memory.
class StringSource final : public RandomAccessSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  Result<std::string> Read(uint64_t offset, uint64_t length) override;
  uint64_t size() override { return data_.size(); }

 private:
  std::string data_;
};

enum class CompareOp : uint8_t { kEq, kLt, kLe, kGt, kGe, kIsNull, kIsNotNull };

// `column op constant` (the constant is ignored for IS [NOT] NULL).
struct ColumnPredicate {
  std::string column;
  CompareOp op = CompareOp::kEq;
  Value constant;
};

struct ReadOptions {
  std::vector<std::string> columns;           // output columns in this order; empty = all
  std::vector<ColumnPredicate> predicates;    // ANDed; used to skip pages only
  uint32_t batch_rows = 4096;                 // rows per Chunk from Next(), 1..kMaxPageRows
};

struct ReadStats {
  bool segment_pruned = false;   // a column zone map excluded the whole segment
  uint64_t pages_pruned = 0;     // predicate-column pages excluded by their own zone map
  uint64_t pages_skipped = 0;    // projected-column pages not read: none of their rows selected
  uint64_t pages_read = 0;       // pages fetched, verified and decoded
  uint64_t rows_selected = 0;    // rows the iterator returns in total
  // (column, page number) of each page counted in pages_pruned, in predicate order.
  std::vector<std::pair<std::string, uint32_t>> pruned_pages;
};

struct PageInfo {
  uint64_t offset = 0;     // of the page header in the object
  uint32_t size = 0;       // header + stored body
  uint64_t first_row = 0;
  uint32_t rows = 0;
  ZoneMap zone;
};

// Whether a page or column with zone map `zone` over `rows` rows may hold a row satisfying `pred`
// (false only when it provably holds none). Exposed for tests.
bool ZoneMayMatch(const ZoneMap& zone, uint64_t rows, PhysicalType type, const ColumnPredicate& pred);

class SegmentIterator;

class SegmentReader {
 public:
  static Result<std::unique_ptr<SegmentReader>> Open(std::shared_ptr<RandomAccessSource> source);
  static Result<std::unique_ptr<SegmentReader>> Open(std::string bytes);
  ~SegmentReader();

  uint64_t num_rows() const { return num_rows_; }
  const SegmentSchema& schema() const { return schema_; }
  std::optional<size_t> FindColumn(std::string_view name) const;
  // The zone map of a whole column (from the footer).
  const ZoneMap& column_zone_map(size_t column) const { return columns_[column].zone; }

  // The column's page index (read and validated on first use).
  Result<const std::vector<PageInfo>*> ColumnPages(size_t column);

  // InvalidArgument for unknown column names or a bad batch size.
  Result<std::unique_ptr<SegmentIterator>> NewIterator(const ReadOptions& options);
  // Convenience: all selected rows in one Chunk.
  Result<Chunk> ReadAll(const ReadOptions& options, ReadStats* stats = nullptr);

 private:
  friend class SegmentIterator;
  struct ColumnMeta {
    PhysicalType type = PhysicalType::kInt64;
    uint64_t data_offset = 0, data_length = 0;
    uint64_t index_offset = 0;
    uint32_t index_length = 0;
    ZoneMap zone;
    bool index_loaded = false;
    std::vector<PageInfo> pages;
  };
  explicit SegmentReader(std::shared_ptr<RandomAccessSource> source) : source_(std::move(source)) {}
  Status ReadFooter();
  Status LoadIndex(size_t column);

  std::shared_ptr<RandomAccessSource> source_;
  uint64_t size_ = 0;
  uint64_t num_rows_ = 0;
  SegmentSchema schema_;
  std::vector<ColumnMeta> columns_;
};

class SegmentIterator {
 public:
  ~SegmentIterator();
  // Fills *out with the next up-to-batch_rows selected rows; false (and *out untouched) at the end.
  Result<bool> Next(Chunk* out);
  const ReadStats& stats() const { return stats_; }

 private:
  friend class SegmentReader;
  struct DecodedPage;
  struct ColumnCursor;
  explicit SegmentIterator(SegmentReader* reader);
  Status AppendRows(ColumnCursor* cursor, uint64_t begin, uint64_t end, Column* out);
  Status DecodePage(size_t column, uint32_t page, DecodedPage* decoded);

  SegmentReader* reader_;
  uint32_t batch_rows_ = 4096;
  std::vector<std::pair<uint64_t, uint64_t>> ranges_;  // selected rows [begin, end), sorted
  size_t range_index_ = 0;
  uint64_t range_pos_ = 0;
  std::vector<std::unique_ptr<ColumnCursor>> cursors_;
  ReadStats stats_;
  Codec codec_;
};

}  // namespace basalt::segment
