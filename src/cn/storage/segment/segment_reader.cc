#include "cn/storage/segment/segment_reader.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "cn/storage/segment/encoding.h"
#include "common/crc32c.h"

namespace basalt::segment {
namespace {

std::string At(uint64_t offset) { return " at offset " + std::to_string(offset); }

Status Corrupt(std::string msg) { return Status::Corruption("segment: " + std::move(msg)); }

// Smallest encoded sizes, used to bound counts by the bytes that must hold them.
constexpr size_t kMinZoneMapSize = 9;
constexpr size_t kMinFooterColumnSize = 2 + 1 + 1 + 4 + 2 + 2 + 8 + 8 + 8 + 4 + kMinZoneMapSize;
constexpr size_t kMinIndexEntrySize = 8 + 4 + 4 + kMinZoneMapSize;

}  // namespace

Result<std::string> StringSource::Read(uint64_t offset, uint64_t length) {
  if (offset > data_.size() || length > data_.size() - offset) {
    return Status::InvalidArgument("read of " + std::to_string(length) + " bytes at " + std::to_string(offset) +
                                   " beyond an object of " + std::to_string(data_.size()) + " bytes");
  }
  return data_.substr(offset, length);
}

// ------------------------------------------------------------------------------ zone-map pruning

namespace {

template <typename T>
bool RangeMayMatch(const T& mn, const T& mx, bool max_unbounded, CompareOp op, const T& c) {
  switch (op) {
    case CompareOp::kEq: return !(c < mn) && (max_unbounded || !(mx < c));
    case CompareOp::kLt: return mn < c;
    case CompareOp::kLe: return !(c < mn);
    case CompareOp::kGt: return max_unbounded || c < mx;
    case CompareOp::kGe: return max_unbounded || !(mx < c);
    default: return true;
  }
}

}  // namespace

bool ZoneMayMatch(const ZoneMap& zone, uint64_t rows, PhysicalType type, const ColumnPredicate& pred) {
  if (pred.op == CompareOp::kIsNull) return zone.null_count > 0;
  if (pred.op == CompareOp::kIsNotNull) return zone.null_count < rows;
  const Value& c = pred.constant;
  if (c.is_null()) return false;  // x op NULL is never true.
  if (zone.has_nan) return true;
  if (!zone.has_min_max) return false;  // Only NULLs.
  const DataType& ct = c.type();
  switch (type) {
    case PhysicalType::kInt64:
      if (ct.physical() != PhysicalType::kInt64 || ct.IsStringLike()) return true;
      return RangeMayMatch(zone.min_int, zone.max_int, false, pred.op, c.int_value());
    case PhysicalType::kDouble: {
      if (ct.physical() != PhysicalType::kDouble) return true;
      const double v = c.double_value();
      if (std::isnan(v)) return true;
      return RangeMayMatch(zone.min_double, zone.max_double, false, pred.op, v);
    }
    case PhysicalType::kString:
      if (!ct.IsStringLike()) return true;
      return RangeMayMatch(std::string_view(zone.min_string), std::string_view(zone.max_string),
                           zone.max_unbounded, pred.op, std::string_view(c.string_value()));
  }
  return true;
}

// ---------------------------------------------------------------------------------------- open

SegmentReader::~SegmentReader() = default;

Result<std::unique_ptr<SegmentReader>> SegmentReader::Open(std::shared_ptr<RandomAccessSource> source) {
  std::unique_ptr<SegmentReader> reader(new SegmentReader(std::move(source)));
  RETURN_IF_ERROR(reader->ReadFooter());
  return reader;
}

Result<std::unique_ptr<SegmentReader>> SegmentReader::Open(std::string bytes) {
  return Open(std::make_shared<StringSource>(std::move(bytes)));
}

std::optional<size_t> SegmentReader::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < schema_.size(); ++i) {
    if (schema_[i].name == name) return i;
  }
  return std::nullopt;
}

Status SegmentReader::ReadFooter() {
  size_ = source_->size();
  if (size_ < kHeaderSize + kTailSize) {
    return Corrupt("object of " + std::to_string(size_) + " bytes is shorter than header + tail");
  }
  ASSIGN_OR_RETURN(std::string tail, source_->Read(size_ - kTailSize, kTailSize));
  if (tail.size() != kTailSize) return Corrupt("short read of the tail");
  if (std::memcmp(tail.data() + 8, kSegmentMagic, 8) != 0) return Corrupt("bad tail magic" + At(size_ - 8));
  const uint32_t footer_len = LoadU32(tail.data());
  const uint32_t footer_crc = LoadU32(tail.data() + 4);
  if (footer_len > size_ - kHeaderSize - kTailSize) {
    return Corrupt("footer length " + std::to_string(footer_len) + " exceeds the object" + At(size_ - kTailSize));
  }
  const uint64_t footer_offset = size_ - kTailSize - footer_len;
  ASSIGN_OR_RETURN(std::string footer, source_->Read(footer_offset, footer_len));
  if (footer.size() != footer_len) return Corrupt("short read of the footer");
  if (crc32c::Unmask(footer_crc) != crc32c::Value(footer)) return Corrupt("footer checksum mismatch" + At(footer_offset));

  ASSIGN_OR_RETURN(std::string header, source_->Read(0, kHeaderSize));
  if (header.size() != kHeaderSize) return Corrupt("short read of the header");
  if (std::memcmp(header.data(), kSegmentMagic, 8) != 0) return Corrupt("bad header magic at offset 0");
  if (LoadU32(header.data() + 8) != kSegmentVersion) {
    return Corrupt("unsupported version " + std::to_string(LoadU32(header.data() + 8)) + At(8));
  }
  if (LoadU32(header.data() + 12) != 0) return Corrupt("non-zero header flags" + At(12));

  ByteReader in(footer);
  auto bad = [&](const std::string& what) { return Corrupt("footer: " + what + At(footer_offset + in.position())); };
  uint32_t version, column_count;
  if (!in.GetU32(&version) || !in.GetU64(&num_rows_) || !in.GetU32(&column_count)) return bad("truncated");
  if (version != kSegmentVersion) return bad("version " + std::to_string(version) + " differs from the header's");
  if (column_count == 0 || column_count > kMaxColumns || column_count > in.remaining() / kMinFooterColumnSize) {
    return bad("column count " + std::to_string(column_count) + " out of range");
  }
  schema_.reserve(column_count);
  columns_.resize(column_count);
  std::unordered_set<std::string> names;
  uint64_t expected_data = kHeaderSize;
  for (uint32_t c = 0; c < column_count; ++c) {
    const std::string col = "column " + std::to_string(c);
    uint16_t name_len;
    std::string_view name;
    if (!in.GetU16(&name_len) || name_len == 0 || name_len > kMaxColumnNameLength || !in.GetBytes(name_len, &name)) {
      return bad(col + " name truncated or of bad length");
    }
    SegmentColumn sc;
    sc.name.assign(name);
    if (!names.insert(sc.name).second) return bad("duplicate column name " + sc.name);
    uint8_t type_id;
    uint32_t length;
    uint16_t precision, scale;
    if (!in.GetU8(&type_id) || !in.GetU32(&length) || !in.GetU16(&precision) || !in.GetU16(&scale)) {
      return bad(sc.name + " type truncated");
    }
    if (type_id > static_cast<uint8_t>(TypeId::kJson)) return bad(sc.name + " unknown type id " + std::to_string(type_id));
    sc.type.id = static_cast<TypeId>(type_id);
    sc.type.length = static_cast<int32_t>(length);
    sc.type.precision = static_cast<int16_t>(precision);
    sc.type.scale = static_cast<int16_t>(scale);
    ColumnMeta& m = columns_[c];
    m.type = sc.type.physical();
    if (!in.GetU64(&m.data_offset) || !in.GetU64(&m.data_length) || !in.GetU64(&m.index_offset) ||
        !in.GetU32(&m.index_length)) {
      return bad(sc.name + " offsets truncated");
    }
    if (m.data_offset != expected_data || m.data_length > footer_offset - m.data_offset) {
      return bad(sc.name + " data range not contiguous or outside the object");
    }
    expected_data = m.data_offset + m.data_length;
    if (!ReadZoneMap(&in, m.type, &m.zone) || m.zone.null_count > num_rows_) {
      return bad(sc.name + " zone map malformed");
    }
    schema_.push_back(std::move(sc));
  }
  if (in.remaining() != 0) return bad("trailing bytes");
  uint64_t expected_index = expected_data;
  for (uint32_t c = 0; c < column_count; ++c) {
    ColumnMeta& m = columns_[c];
    if (m.index_offset != expected_index || m.index_length > footer_offset - m.index_offset) {
      return Corrupt("footer: index range of column " + schema_[c].name + " not contiguous or outside the object");
    }
    expected_index = m.index_offset + m.index_length;
  }
  if (expected_index != footer_offset) return Corrupt("footer: indexes do not end where the footer starts");
  // Every page holds at least one row and takes at least a page header: a cheap bound that keeps
  // a forged row count from driving allocations.
  if (num_rows_ > 0) {
    for (const ColumnMeta& m : columns_) {
      if (m.data_length < kPageHeaderSize ||
          num_rows_ / kMaxPageRows > m.data_length / kPageHeaderSize) {
        return Corrupt("footer: row count " + std::to_string(num_rows_) + " impossible for the data size");
      }
    }
  }
  return Status::OK();
}

Status SegmentReader::LoadIndex(size_t c) {
  ColumnMeta& m = columns_[c];
  if (m.index_loaded) return Status::OK();
  const std::string& name = schema_[c].name;
  auto bad = [&](const std::string& what, uint64_t pos) {
    return Corrupt("index of column " + name + ": " + what + At(m.index_offset + pos));
  };
  if (m.index_length < 8) return bad("too short", 0);
  ASSIGN_OR_RETURN(std::string bytes, source_->Read(m.index_offset, m.index_length));
  if (bytes.size() != m.index_length) return bad("short read", 0);
  const size_t body = bytes.size() - 4;
  if (crc32c::Unmask(LoadU32(bytes.data() + body)) != crc32c::Value(bytes.data(), body)) {
    return bad("checksum mismatch", 0);
  }
  ByteReader in(std::string_view(bytes.data(), body));
  uint32_t count;
  if (!in.GetU32(&count)) return bad("truncated", 0);
  if (count > in.remaining() / kMinIndexEntrySize || count > num_rows_ || (num_rows_ > 0 && count == 0)) {
    return bad("page count " + std::to_string(count) + " out of range", 0);
  }
  std::vector<PageInfo> pages(count);
  uint64_t offset = m.data_offset, first_row = 0, nulls = 0;
  for (uint32_t p = 0; p < count; ++p) {
    PageInfo& info = pages[p];
    const std::string page = "page " + std::to_string(p);
    const size_t pos = in.position();
    if (!in.GetU64(&info.offset) || !in.GetU32(&info.size) || !in.GetU32(&info.rows)) return bad(page + " truncated", pos);
    if (info.offset != offset || info.size < kPageHeaderSize || info.size > m.data_offset + m.data_length - offset) {
      return bad(page + " offset/size outside the column's data", pos);
    }
    if (info.rows == 0 || info.rows > kMaxPageRows || info.rows > num_rows_ - first_row) {
      return bad(page + " row count " + std::to_string(info.rows) + " out of range", pos);
    }
    if (!ReadZoneMap(&in, m.type, &info.zone) || info.zone.null_count > info.rows) {
      return bad(page + " zone map malformed", pos);
    }
    info.first_row = first_row;
    first_row += info.rows;
    offset += info.size;
    nulls += info.zone.null_count;
  }
  if (in.remaining() != 0) return bad("trailing bytes", in.position());
  if (first_row != num_rows_) return bad("page rows add up to " + std::to_string(first_row) + ", not the row count", 0);
  if (offset != m.data_offset + m.data_length) return bad("pages do not cover the column's data", 0);
  if (nulls != m.zone.null_count) return bad("page null counts disagree with the column's", 0);
  m.pages = std::move(pages);
  m.index_loaded = true;
  return Status::OK();
}

Result<const std::vector<PageInfo>*> SegmentReader::ColumnPages(size_t column) {
  if (column >= columns_.size()) return Status::InvalidArgument("column number out of range");
  RETURN_IF_ERROR(LoadIndex(column));
  return &columns_[column].pages;
}

// ------------------------------------------------------------------------------------ iterator

struct SegmentIterator::DecodedPage {
  bool valid = false;
  uint32_t page = 0;
  uint64_t first_row = 0;
  uint32_t rows = 0;
  std::vector<uint8_t> nulls;  // per row; empty when the page has no NULLs
  std::vector<int64_t> ints;   // per row (0 at NULLs)
  std::vector<double> doubles;
  std::vector<std::string_view> strings;  // per row, into `body`
  std::string body;
};

struct SegmentIterator::ColumnCursor {
  size_t column = 0;
  DecodedPage page;
};

SegmentIterator::SegmentIterator(SegmentReader* reader) : reader_(reader) {}
SegmentIterator::~SegmentIterator() = default;

Result<std::unique_ptr<SegmentIterator>> SegmentReader::NewIterator(const ReadOptions& options) {
  if (options.batch_rows == 0 || options.batch_rows > kMaxPageRows) {
    return Status::InvalidArgument("batch_rows out of range");
  }
  std::unique_ptr<SegmentIterator> it(new SegmentIterator(this));
  it->batch_rows_ = options.batch_rows;
  std::vector<size_t> projection;
  if (options.columns.empty()) {
    for (size_t c = 0; c < schema_.size(); ++c) projection.push_back(c);
  } else {
    for (const std::string& name : options.columns) {
      auto c = FindColumn(name);
      if (!c) return Status::InvalidArgument("segment has no column " + name);
      projection.push_back(*c);
    }
  }
  ReadStats& stats = it->stats_;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  if (num_rows_ > 0) ranges.emplace_back(0, num_rows_);
  for (const ColumnPredicate& pred : options.predicates) {
    auto c = FindColumn(pred.column);
    if (!c) return Status::InvalidArgument("segment has no column " + pred.column);
    if (ranges.empty()) break;
    const ColumnMeta& m = columns_[*c];
    if (!ZoneMayMatch(m.zone, num_rows_, m.type, pred)) {
      stats.segment_pruned = true;
      ranges.clear();
      break;
    }
    RETURN_IF_ERROR(LoadIndex(*c));
    std::vector<std::pair<uint64_t, uint64_t>> keep;
    for (uint32_t p = 0; p < m.pages.size(); ++p) {
      const PageInfo& info = m.pages[p];
      if (!ZoneMayMatch(info.zone, info.rows, m.type, pred)) {
        ++stats.pages_pruned;
        stats.pruned_pages.emplace_back(schema_[*c].name, p);
        continue;
      }
      if (!keep.empty() && keep.back().second == info.first_row) {
        keep.back().second += info.rows;
      } else {
        keep.emplace_back(info.first_row, info.first_row + info.rows);
      }
    }
    // Intersect with what earlier predicates kept.
    std::vector<std::pair<uint64_t, uint64_t>> both;
    size_t i = 0, j = 0;
    while (i < ranges.size() && j < keep.size()) {
      const uint64_t b = std::max(ranges[i].first, keep[j].first);
      const uint64_t e = std::min(ranges[i].second, keep[j].second);
      if (b < e) both.emplace_back(b, e);
      if (ranges[i].second < keep[j].second) ++i; else ++j;
    }
    ranges = std::move(both);
  }
  for (size_t c : projection) {
    auto cursor = std::make_unique<SegmentIterator::ColumnCursor>();
    cursor->column = c;
    it->cursors_.push_back(std::move(cursor));
    if (ranges.empty()) continue;
    RETURN_IF_ERROR(LoadIndex(c));
    // Count pages no selected row falls in (ranges are sorted, pages too).
    size_t r = 0;
    for (const PageInfo& info : columns_[c].pages) {
      const uint64_t end = info.first_row + info.rows;
      while (r < ranges.size() && ranges[r].second <= info.first_row) ++r;
      if (r == ranges.size() || ranges[r].first >= end) ++stats.pages_skipped;
    }
  }
  if (ranges.empty()) {
    for (size_t c : projection) {
      if (columns_[c].index_loaded) stats.pages_skipped += columns_[c].pages.size();
    }
  }
  for (const auto& [b, e] : ranges) stats.rows_selected += e - b;
  it->ranges_ = std::move(ranges);
  return it;
}

Result<Chunk> SegmentReader::ReadAll(const ReadOptions& options, ReadStats* stats) {
  ASSIGN_OR_RETURN(auto it, NewIterator(options));
  Chunk all;
  for (const auto& cursor : it->cursors_) all.columns.push_back(Column::Make(schema_[cursor->column].type));
  Chunk chunk;
  while (true) {
    ASSIGN_OR_RETURN(bool more, it->Next(&chunk));
    if (!more) break;
    for (size_t i = 0; i < chunk.columns.size(); ++i) {
      all.columns[i]->AppendRange(*chunk.columns[i], 0, chunk.num_rows);
    }
    all.num_rows += chunk.num_rows;
  }
  if (stats != nullptr) *stats = it->stats();
  return all;
}

Result<bool> SegmentIterator::Next(Chunk* out) {
  if (range_index_ >= ranges_.size()) return false;
  // The row ranges of this batch.
  std::vector<std::pair<uint64_t, uint64_t>> batch;
  uint64_t n = 0;
  while (n < batch_rows_ && range_index_ < ranges_.size()) {
    const auto& [b, e] = ranges_[range_index_];
    const uint64_t begin = std::max(b, range_pos_);
    const uint64_t take = std::min<uint64_t>(e - begin, batch_rows_ - n);
    batch.emplace_back(begin, begin + take);
    n += take;
    range_pos_ = begin + take;
    if (range_pos_ >= e) ++range_index_;
  }
  Chunk chunk;
  chunk.num_rows = n;
  for (const auto& cursor : cursors_) {
    ColumnPtr col = Column::Make(reader_->schema_[cursor->column].type, n);
    for (const auto& [b, e] : batch) RETURN_IF_ERROR(AppendRows(cursor.get(), b, e, col.get()));
    chunk.columns.push_back(std::move(col));
  }
  *out = std::move(chunk);
  return true;
}

Status SegmentIterator::AppendRows(ColumnCursor* cursor, uint64_t begin, uint64_t end, Column* out) {
  const auto& pages = reader_->columns_[cursor->column].pages;
  while (begin < end) {
    DecodedPage& dp = cursor->page;
    if (!dp.valid || begin < dp.first_row || begin >= dp.first_row + dp.rows) {
      // The page holding `begin`: the last one starting at or before it.
      auto it = std::upper_bound(pages.begin(), pages.end(), begin,
                                 [](uint64_t row, const PageInfo& p) { return row < p.first_row; });
      if (it == pages.begin()) return Status::Internal("segment: no page for row " + std::to_string(begin));
      const uint32_t p = static_cast<uint32_t>(it - pages.begin() - 1);
      RETURN_IF_ERROR(DecodePage(cursor->column, p, &dp));
    }
    const uint64_t stop = std::min(end, dp.first_row + dp.rows);
    const size_t from = begin - dp.first_row, to = stop - dp.first_row;
    const bool has_nulls = !dp.nulls.empty();
    switch (reader_->columns_[cursor->column].type) {
      case PhysicalType::kInt64:
        for (size_t r = from; r < to; ++r) {
          if (has_nulls && dp.nulls[r]) out->AppendNull(); else out->AppendInt(dp.ints[r]);
        }
        break;
      case PhysicalType::kDouble:
        for (size_t r = from; r < to; ++r) {
          if (has_nulls && dp.nulls[r]) out->AppendNull(); else out->AppendDouble(dp.doubles[r]);
        }
        break;
      case PhysicalType::kString:
        for (size_t r = from; r < to; ++r) {
          if (has_nulls && dp.nulls[r]) out->AppendNull(); else out->AppendString(dp.strings[r]);
        }
        break;
    }
    begin = stop;
  }
  return Status::OK();
}

Status SegmentIterator::DecodePage(size_t column, uint32_t page, DecodedPage* dp) {
  dp->valid = false;
  const SegmentReader::ColumnMeta& m = reader_->columns_[column];
  const PageInfo& info = m.pages[page];
  const std::string where = "column " + reader_->schema_[column].name + " page " + std::to_string(page);
  auto bad = [&](const std::string& what, uint64_t pos) { return Corrupt(where + ": " + what + At(info.offset + pos)); };
  ASSIGN_OR_RETURN(std::string bytes, reader_->source_->Read(info.offset, info.size));
  if (bytes.size() != info.size) return bad("short read", 0);
  const auto* h = reinterpret_cast<const uint8_t*>(bytes.data());
  const uint8_t enc = h[0], comp = h[1], flags = h[2], reserved = h[3];
  const uint32_t rows = LoadU32(bytes.data() + 4), nulls = LoadU32(bytes.data() + 8);
  const uint32_t body_size = LoadU32(bytes.data() + 12), stored_size = LoadU32(bytes.data() + 16);
  const uint32_t crc = LoadU32(bytes.data() + 20);
  const std::string_view stored(bytes.data() + kPageHeaderSize, bytes.size() - kPageHeaderSize);
  if (crc32c::Unmask(crc) != crc32c::Extend(crc32c::Value(bytes.data(), 20), stored)) {
    return bad("checksum mismatch", 20);
  }
  if (enc > kMaxEncoding || !EncodingValidFor(static_cast<Encoding>(enc), m.type)) {
    return bad("encoding " + std::to_string(enc) + " not valid for the column", 0);
  }
  if (comp > kMaxCompression) return bad("unknown compression " + std::to_string(comp), 1);
  if ((flags & ~kPageFlagHasNulls) != 0 || reserved != 0) return bad("unknown flags", 2);
  if (rows != info.rows) return bad("row count disagrees with the index", 4);
  if (nulls != info.zone.null_count || ((flags & kPageFlagHasNulls) != 0) != (nulls > 0)) {
    return bad("null count disagrees with the index or flags", 8);
  }
  if (body_size > kMaxPageBodyBytes) return bad("body size " + std::to_string(body_size) + " over the limit", 12);
  if (stored_size != stored.size()) return bad("stored size disagrees with the index", 16);
  if (comp == static_cast<uint8_t>(Compression::kNone) && body_size != stored_size) {
    return bad("uncompressed page with different body and stored sizes", 12);
  }
  if (comp == static_cast<uint8_t>(Compression::kNone)) {
    dp->body.assign(stored);
  } else {
    dp->body.resize(body_size);
    Status st = codec_.Decompress(static_cast<Compression>(comp), stored, dp->body.data(), body_size);
    if (!st.ok()) return bad(st.message(), kPageHeaderSize);
  }
  ++stats_.pages_read;

  std::string_view body = dp->body;
  dp->nulls.clear();
  if (nulls > 0) {
    const size_t bitmap = (rows + 7) / 8;
    if (bitmap > body.size()) return bad("null bitmap truncated", kPageHeaderSize);
    dp->nulls.resize(rows);
    uint32_t count = 0;
    for (uint32_t r = 0; r < rows; ++r) {
      dp->nulls[r] = (static_cast<uint8_t>(body[r >> 3]) >> (r & 7)) & 1;
      count += dp->nulls[r];
    }
    if ((rows & 7) != 0 && (static_cast<uint8_t>(body[bitmap - 1]) >> (rows & 7)) != 0) {
      return bad("null bitmap padding bits set", kPageHeaderSize);
    }
    if (count != nulls) return bad("null bitmap disagrees with the null count", kPageHeaderSize);
    body.remove_prefix(bitmap);
  }
  const size_t n = rows - nulls;
  ByteReader in(body);
  const Encoding encoding = static_cast<Encoding>(enc);
  Status st;
  switch (m.type) {
    case PhysicalType::kInt64: {
      dp->ints.resize(rows);
      st = DecodeInt64(encoding, &in, n, dp->ints.data());
      if (st.ok() && nulls > 0) {  // Spread the dense values over the non-null rows, back to front.
        size_t v = n;
        for (size_t r = rows; r-- > 0;) dp->ints[r] = dp->nulls[r] ? 0 : dp->ints[--v];
      }
      break;
    }
    case PhysicalType::kDouble: {
      dp->doubles.resize(rows);
      st = DecodeDouble(encoding, &in, n, dp->doubles.data());
      if (st.ok() && nulls > 0) {
        size_t v = n;
        for (size_t r = rows; r-- > 0;) dp->doubles[r] = dp->nulls[r] ? 0 : dp->doubles[--v];
      }
      break;
    }
    case PhysicalType::kString: {
      dp->strings.resize(rows);
      st = DecodeString(encoding, &in, n, kMaxPageValueBytes, dp->strings.data());
      if (st.ok() && nulls > 0) {
        size_t v = n;
        for (size_t r = rows; r-- > 0;) dp->strings[r] = dp->nulls[r] ? std::string_view() : dp->strings[--v];
      }
      break;
    }
  }
  const uint64_t values_pos = kPageHeaderSize + (body.data() - dp->body.data());
  if (!st.ok()) return bad(st.message() + " (body offset " + std::to_string(in.position()) + ")", values_pos);
  if (in.remaining() != 0) return bad(std::to_string(in.remaining()) + " unread bytes after the values", values_pos);
  dp->valid = true;
  dp->page = page;
  dp->first_row = info.first_row;
  dp->rows = rows;
  return Status::OK();
}

}  // namespace basalt::segment
