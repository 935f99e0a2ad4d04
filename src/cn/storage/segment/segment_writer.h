// SegmentWriter: turns Chunks of a fixed schema into one segment object (segment_format.h).
//
//   ASSIGN_OR_RETURN(auto writer, SegmentWriter::Make(schema));
//   RETURN_IF_ERROR(writer->Append(chunk));   // any number of times, any chunk sizes
//   ASSIGN_OR_RETURN(std::string object, writer->Finish());
//
// Each column cuts its own pages: a page is closed when it holds max_page_rows rows or its raw
// values reach max_page_bytes (8 bytes per number, length + 4 per string). At the cut the page's
// non-null values are encoded with the smallest encoding for them (encoding.h), prefixed with a
// null bitmap when the page has NULLs, and compressed when that saves at least 1/32 of the body.
// The whole object is built in memory; Finish() returns it (callers write it to the object store
// with a single Put). Memory: the encoded pages written so far plus one open page per column.
//
// Errors: Make() returns InvalidArgument for an empty schema, empty, too long or duplicate column
// names, or bad options. Append() returns InvalidArgument when the chunk does not match the schema
// (column count, physical types, column lengths) or a string value exceeds kMaxValueBytes; the
// writer is unusable after an error. Append/Finish after Finish return Internal.
//
// Thread-safety: none; one thread uses a writer at a time.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cn/storage/segment/compression.h"
#include "cn/storage/segment/segment_format.h"
#include "common/status.h"
#include "engine/column.h"

namespace basalt::segment {

struct SegmentColumn {
  std::string name;
  DataType type;
};
using SegmentSchema = std::vector<SegmentColumn>;

// Largest single string value a segment accepts (the format's page limits are larger).
inline constexpr size_t kMaxValueBytes = 16u << 20;

struct SegmentWriterOptions {
  Compression compression = Compression::kLz4;
  int zstd_level = 3;                  // 1..19; only with Compression::kZstd
  uint32_t max_page_rows = 8192;       // 1..kMaxPageRows
  uint32_t max_page_bytes = 64 << 10;  // raw value bytes; 1..kMaxValueBytes
};

// What the writer did, per column (for benchmarks, tests and logs).
struct ColumnWriteStats {
  uint64_t pages = 0;
  std::array<uint64_t, kMaxEncoding + 1> pages_by_encoding{};
  uint64_t compressed_pages = 0;
  uint64_t raw_bytes = 0;     // values as counted for page cuts
  uint64_t stored_bytes = 0;  // page headers + stored bodies
};

class SegmentWriter {
 public:
  static Result<std::unique_ptr<SegmentWriter>> Make(SegmentSchema schema,
                                                     SegmentWriterOptions options = {});
  ~SegmentWriter();
  SegmentWriter(const SegmentWriter&) = delete;
  SegmentWriter& operator=(const SegmentWriter&) = delete;

  Status Append(const Chunk& chunk);
  // Appends the chunk's rows at `rows`, in that order: a gather straight from the chunk, so a
  // caller splitting rows among writers (one per tablet) needs no copy of them first.
  Status Append(const Chunk& chunk, std::span<const uint32_t> rows);
  // Closes all pages and returns the object. Call once.
  Result<std::string> Finish();

  uint64_t num_rows() const { return num_rows_; }
  const SegmentSchema& schema() const { return schema_; }
  // Valid after Finish().
  const std::vector<ColumnWriteStats>& column_stats() const { return stats_; }

 private:
  struct ColumnState;
  SegmentWriter(SegmentSchema schema, SegmentWriterOptions options);
  Status FlushPage(size_t column);
  // rows == nullptr: rows 0..n-1.
  Status AppendRows(const Chunk& chunk, const uint32_t* rows, size_t n);
  Status AppendFixedWidth(size_t column, const Column& col, const uint32_t* rows, size_t n);

  SegmentSchema schema_;
  SegmentWriterOptions options_;
  std::vector<std::unique_ptr<ColumnState>> columns_;
  std::vector<ColumnWriteStats> stats_;
  uint64_t num_rows_ = 0;
  bool finished_ = false;
  bool failed_ = false;
  Codec codec_;
  std::string scratch_body_;
  std::string scratch_compressed_;
};

}  // namespace basalt::segment
