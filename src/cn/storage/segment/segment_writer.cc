#include "cn/storage/segment/segment_writer.h"

#include <algorithm>
#include <unordered_set>

#include "cn/storage/segment/encoding.h"
#include "common/crc32c.h"

namespace basalt::segment {

struct PageMeta {
  uint64_t offset = 0;  // relative to the column's data start until Finish()
  uint32_t size = 0;
  uint32_t rows = 0;
  ZoneMap zone;
};

struct SegmentWriter::ColumnState {
  PhysicalType type = PhysicalType::kInt64;
  // The open page.
  std::vector<uint8_t> nulls;
  uint32_t pending_nulls = 0;
  uint64_t pending_bytes = 0;
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  std::string arena;                // string bytes of the open page
  std::vector<uint32_t> string_ends;  // end offset of each string in `arena`
  // Closed pages.
  std::string data;
  std::vector<PageMeta> pages;
  ZoneMap zone;
};

SegmentWriter::SegmentWriter(SegmentSchema schema, SegmentWriterOptions options)
    : schema_(std::move(schema)), options_(options) {
  for (const SegmentColumn& c : schema_) {
    auto state = std::make_unique<ColumnState>();
    state->type = c.type.physical();
    columns_.push_back(std::move(state));
  }
  stats_.resize(schema_.size());
}

SegmentWriter::~SegmentWriter() = default;

Result<std::unique_ptr<SegmentWriter>> SegmentWriter::Make(SegmentSchema schema,
                                                           SegmentWriterOptions options) {
  if (schema.empty()) return Status::InvalidArgument("segment schema has no columns");
  if (schema.size() > kMaxColumns) return Status::InvalidArgument("segment schema has too many columns");
  std::unordered_set<std::string> names;
  for (const SegmentColumn& c : schema) {
    if (c.name.empty() || c.name.size() > kMaxColumnNameLength) {
      return Status::InvalidArgument("segment column name empty or too long");
    }
    if (!names.insert(c.name).second) return Status::InvalidArgument("duplicate column name " + c.name);
    if (static_cast<uint8_t>(c.type.id) > static_cast<uint8_t>(TypeId::kJson)) {
      return Status::InvalidArgument("unknown type of column " + c.name);
    }
  }
  if (options.max_page_rows == 0 || options.max_page_rows > kMaxPageRows) {
    return Status::InvalidArgument("max_page_rows out of range");
  }
  if (options.max_page_bytes == 0 || options.max_page_bytes > kMaxValueBytes) {
    return Status::InvalidArgument("max_page_bytes out of range");
  }
  if (static_cast<uint8_t>(options.compression) > kMaxCompression) {
    return Status::InvalidArgument("unknown compression");
  }
  if (options.compression == Compression::kZstd && (options.zstd_level < 1 || options.zstd_level > 19)) {
    return Status::InvalidArgument("zstd_level must be 1..19");
  }
  return std::unique_ptr<SegmentWriter>(new SegmentWriter(std::move(schema), options));
}

Status SegmentWriter::Append(const Chunk& chunk) { return AppendRows(chunk, nullptr, chunk.num_rows); }

Status SegmentWriter::Append(const Chunk& chunk, std::span<const uint32_t> rows) {
  for (uint32_t row : rows) {
    if (row >= chunk.num_rows) {
      failed_ = true;
      return Status::InvalidArgument("row " + std::to_string(row) + " is outside a chunk of " +
                                     std::to_string(chunk.num_rows) + " rows");
    }
  }
  return AppendRows(chunk, rows.data(), rows.size());
}

Status SegmentWriter::AppendRows(const Chunk& chunk, const uint32_t* rows, size_t n) {
  if (finished_) return Status::Internal("SegmentWriter::Append after Finish");
  if (failed_) return Status::Internal("SegmentWriter used after an error");
  if (chunk.columns.size() != schema_.size()) {
    failed_ = true;
    return Status::InvalidArgument("chunk has " + std::to_string(chunk.columns.size()) +
                                   " columns, segment schema has " + std::to_string(schema_.size()));
  }
  for (size_t c = 0; c < schema_.size(); ++c) {
    const Column* col = chunk.columns[c].get();
    if (col == nullptr || col->physical() != columns_[c]->type || col->size() != chunk.num_rows) {
      failed_ = true;
      return Status::InvalidArgument("chunk column " + schema_[c].name +
                                     " does not match the segment schema or the chunk's row count");
    }
  }
  for (size_t c = 0; c < schema_.size(); ++c) {
    const Column& col = *chunk.columns[c];
    ColumnState& s = *columns_[c];
    const bool has_nulls = col.has_nulls();
    if (s.type != PhysicalType::kString && !has_nulls) {
      RETURN_IF_ERROR(AppendFixedWidth(c, col, rows, n));
      continue;
    }
    for (size_t i = 0; i < n; ++i) {
      const size_t r = rows == nullptr ? i : rows[i];
      const bool is_null = has_nulls && col.IsNull(r);
      uint64_t bytes = 8;
      if (s.type == PhysicalType::kString && !is_null) {
        const size_t len = col.GetString(r).size();
        if (len > kMaxValueBytes) {
          failed_ = true;
          return Status::InvalidArgument("string value of " + std::to_string(len) + " bytes in column " +
                                         schema_[c].name + " exceeds the segment limit");
        }
        bytes = len + 4;
        // Close the page first if this value would overflow it.
        if (!s.nulls.empty() && s.pending_bytes + bytes > options_.max_page_bytes) RETURN_IF_ERROR(FlushPage(c));
      }
      s.nulls.push_back(is_null ? 1 : 0);
      s.pending_bytes += is_null ? 1 : bytes;
      if (is_null) {
        ++s.pending_nulls;
      } else {
        switch (s.type) {
          case PhysicalType::kInt64: s.ints.push_back(col.GetInt(r)); break;
          case PhysicalType::kDouble: s.doubles.push_back(col.GetDouble(r)); break;
          case PhysicalType::kString:
            s.arena.append(col.GetString(r));
            s.string_ends.push_back(static_cast<uint32_t>(s.arena.size()));
            break;
        }
      }
      if (s.nulls.size() >= options_.max_page_rows || s.pending_bytes >= options_.max_page_bytes) {
        RETURN_IF_ERROR(FlushPage(c));
      }
    }
  }
  num_rows_ += n;
  return Status::OK();
}

// Integers and doubles without NULLs: whole runs up to the next page boundary at a time. The
// boundaries are where the value-at-a-time loop would put them (a page closes once it holds
// max_page_rows values or max_page_bytes of them, 8 bytes each).
Status SegmentWriter::AppendFixedWidth(size_t c, const Column& col, const uint32_t* rows, size_t n) {
  ColumnState& s = *columns_[c];
  size_t i = 0;
  while (i < n) {
    const size_t rows_left = options_.max_page_rows - s.nulls.size();
    const size_t bytes_left = (options_.max_page_bytes - s.pending_bytes + 7) / 8;
    const size_t page_room = std::min(rows_left, bytes_left);
    const size_t take = std::min(page_room, n - i);
    if (s.type == PhysicalType::kInt64) {
      const int64_t* values = col.int_data();
      if (rows == nullptr) {
        s.ints.insert(s.ints.end(), values + i, values + i + take);
      } else {
        for (size_t j = i; j < i + take; ++j) s.ints.push_back(values[rows[j]]);
      }
    } else {
      const double* values = col.double_data();
      if (rows == nullptr) {
        s.doubles.insert(s.doubles.end(), values + i, values + i + take);
      } else {
        for (size_t j = i; j < i + take; ++j) s.doubles.push_back(values[rows[j]]);
      }
    }
    s.nulls.resize(s.nulls.size() + take, 0);
    s.pending_bytes += 8 * take;
    i += take;
    if (take == page_room) RETURN_IF_ERROR(FlushPage(c));
  }
  return Status::OK();
}

Status SegmentWriter::FlushPage(size_t c) {
  ColumnState& s = *columns_[c];
  const uint32_t rows = static_cast<uint32_t>(s.nulls.size());
  if (rows == 0) return Status::OK();
  ColumnWriteStats& st = stats_[c];
  std::string& body = scratch_body_;
  body.clear();
  PageMeta meta;
  meta.rows = rows;
  meta.zone.null_count = s.pending_nulls;
  if (s.pending_nulls > 0) {
    body.assign((rows + 7) / 8, '\0');
    for (uint32_t r = 0; r < rows; ++r) {
      if (s.nulls[r]) body[r >> 3] = static_cast<char>(static_cast<uint8_t>(body[r >> 3]) | (1u << (r & 7)));
    }
  }
  Encoding encoding = Encoding::kPlain;
  switch (s.type) {
    case PhysicalType::kInt64: {
      encoding = EncodeInt64Auto(s.ints, &body);
      if (!s.ints.empty()) {
        auto [mn, mx] = std::minmax_element(s.ints.begin(), s.ints.end());
        meta.zone.AddInt(*mn);
        meta.zone.AddInt(*mx);
      }
      break;
    }
    case PhysicalType::kDouble:
      encoding = EncodeDoubleAuto(s.doubles, &body);
      for (double v : s.doubles) meta.zone.AddDouble(v);
      break;
    case PhysicalType::kString: {
      std::vector<std::string_view> views(s.string_ends.size());
      uint32_t start = 0;
      for (size_t i = 0; i < views.size(); ++i) {
        views[i] = std::string_view(s.arena.data() + start, s.string_ends[i] - start);
        start = s.string_ends[i];
      }
      StringRange range;
      encoding = EncodeStringAuto(views, &body, &range);
      if (!views.empty()) {
        meta.zone.AddString(range.min);
        meta.zone.AddString(range.max);
        meta.zone.FinishStrings();
      }
      break;
    }
  }
  if (body.size() > kMaxPageBodyBytes) {
    failed_ = true;
    return Status::Internal("segment page body exceeds the format limit");
  }

  Compression compression = Compression::kNone;
  std::string_view stored = body;
  if (options_.compression != Compression::kNone && body.size() >= 32 &&
      codec_.Compress(options_.compression, body, options_.zstd_level, &scratch_compressed_) &&
      scratch_compressed_.size() + body.size() / 32 < body.size()) {
    compression = options_.compression;
    stored = scratch_compressed_;
  }

  std::string header;
  header.reserve(kPageHeaderSize);
  PutU8(&header, static_cast<uint8_t>(encoding));
  PutU8(&header, static_cast<uint8_t>(compression));
  PutU8(&header, s.pending_nulls > 0 ? kPageFlagHasNulls : 0);
  PutU8(&header, 0);
  PutU32(&header, rows);
  PutU32(&header, s.pending_nulls);
  PutU32(&header, static_cast<uint32_t>(body.size()));
  PutU32(&header, static_cast<uint32_t>(stored.size()));
  const uint32_t crc = crc32c::Extend(crc32c::Value(header), stored);
  PutU32(&header, crc32c::Mask(crc));

  meta.offset = s.data.size();
  meta.size = static_cast<uint32_t>(kPageHeaderSize + stored.size());
  s.data.append(header);
  s.data.append(stored);
  s.zone.Merge(meta.zone, s.type);

  ++st.pages;
  ++st.pages_by_encoding[static_cast<size_t>(encoding)];
  if (compression != Compression::kNone) ++st.compressed_pages;
  st.raw_bytes += s.pending_bytes;
  st.stored_bytes += meta.size;
  s.pages.push_back(std::move(meta));

  s.nulls.clear();
  s.pending_nulls = 0;
  s.pending_bytes = 0;
  s.ints.clear();
  s.doubles.clear();
  s.arena.clear();
  s.string_ends.clear();
  return Status::OK();
}

Result<std::string> SegmentWriter::Finish() {
  if (finished_) return Status::Internal("SegmentWriter::Finish called twice");
  if (failed_) return Status::Internal("SegmentWriter used after an error");
  for (size_t c = 0; c < columns_.size(); ++c) RETURN_IF_ERROR(FlushPage(c));
  finished_ = true;

  size_t total = kHeaderSize + kTailSize;
  for (const auto& s : columns_) total += s->data.size() + s->pages.size() * 64 + 64;
  std::string out;
  out.reserve(total);
  out.append(kSegmentMagic, sizeof(kSegmentMagic));
  PutU32(&out, kSegmentVersion);
  PutU32(&out, 0);

  std::vector<uint64_t> data_offsets(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    data_offsets[c] = out.size();
    out.append(columns_[c]->data);
    std::string().swap(columns_[c]->data);
  }
  std::vector<uint64_t> index_offsets(columns_.size());
  std::vector<uint32_t> index_lengths(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    const ColumnState& s = *columns_[c];
    const size_t start = out.size();
    index_offsets[c] = start;
    PutU32(&out, static_cast<uint32_t>(s.pages.size()));
    for (const PageMeta& p : s.pages) {
      PutU64(&out, data_offsets[c] + p.offset);
      PutU32(&out, p.size);
      PutU32(&out, p.rows);
      AppendZoneMap(p.zone, s.type, &out);
    }
    PutU32(&out, crc32c::Mask(crc32c::Value(out.data() + start, out.size() - start)));
    index_lengths[c] = static_cast<uint32_t>(out.size() - start);
  }

  const size_t footer_start = out.size();
  PutU32(&out, kSegmentVersion);
  PutU64(&out, num_rows_);
  PutU32(&out, static_cast<uint32_t>(schema_.size()));
  for (size_t c = 0; c < schema_.size(); ++c) {
    const SegmentColumn& col = schema_[c];
    ColumnState& s = *columns_[c];
    PutU16(&out, static_cast<uint16_t>(col.name.size()));
    out.append(col.name);
    PutU8(&out, static_cast<uint8_t>(col.type.id));
    PutU32(&out, static_cast<uint32_t>(col.type.length));
    PutU16(&out, static_cast<uint16_t>(col.type.precision));
    PutU16(&out, static_cast<uint16_t>(col.type.scale));
    PutU64(&out, data_offsets[c]);
    PutU64(&out, (c + 1 < schema_.size() ? data_offsets[c + 1] : index_offsets[0]) - data_offsets[c]);
    PutU64(&out, index_offsets[c]);
    PutU32(&out, index_lengths[c]);
    s.zone.FinishStrings();
    AppendZoneMap(s.zone, s.type, &out);
  }
  const uint32_t footer_len = static_cast<uint32_t>(out.size() - footer_start);
  const uint32_t footer_crc = crc32c::Mask(crc32c::Value(out.data() + footer_start, footer_len));
  PutU32(&out, footer_len);
  PutU32(&out, footer_crc);
  out.append(kSegmentMagic, sizeof(kSegmentMagic));
  return out;
}

}  // namespace basalt::segment
