#include <gtest/gtest.h>

#include "cn/storage/segment/segment_reader.h"
#include "cn/storage/segment/segment_test_util.h"
#include "cn/storage/segment/segment_writer.h"

namespace basalt::segment {
namespace {

using testing::Concat;
using testing::ExpectColumnEq;
using testing::MakeColumn;
using testing::Shape;
using testing::WriteSegment;

struct ColumnSpec {
  std::string name;
  DataType type;
  Shape shape;
};

// Every physical type in several shapes, through several logical types.
std::vector<ColumnSpec> WideSpecs() {
  return {
      {"i_random", DataType::BigInt(), Shape::kRandom},
      {"i_extremes", DataType::BigInt(), Shape::kExtremes},
      {"ts_sorted", DataType::DateTime(), Shape::kSorted},
      {"i_constant", DataType::Int(), Shape::kConstant},
      {"flag", DataType::Boolean(), Shape::kRandom},
      {"day_lowcard", DataType::Date(), Shape::kLowCard},
      {"price", DataType::Decimal(10, 2), Shape::kRandom},
      {"d_random", DataType::Double(), Shape::kRandom},
      {"d_extremes", DataType::Double(), Shape::kExtremes},
      {"d_lowcard", DataType::Double(), Shape::kLowCard},
      {"d_constant", DataType::Double(), Shape::kConstant},
      {"s_lowcard", DataType::Varchar(16), Shape::kLowCard},
      {"s_binary", DataType::String(), Shape::kRandom},
      {"s_sorted", DataType::Varchar(), Shape::kSorted},
      {"s_empty", DataType::String(), Shape::kEmptyStrings},
      {"s_extremes", DataType{TypeId::kVarbinary}, Shape::kExtremes},
  };
}

SegmentSchema SchemaOf(const std::vector<ColumnSpec>& specs) {
  SegmentSchema schema;
  for (const auto& s : specs) schema.push_back({s.name, s.type});
  return schema;
}

// `rows` rows split into chunks of varying sizes.
std::vector<Chunk> MakeChunks(const std::vector<ColumnSpec>& specs, size_t rows, double null_rate, uint64_t seed) {
  std::vector<Chunk> chunks;
  size_t done = 0;
  uint64_t k = 0;
  while (done < rows) {
    const size_t n = std::min<size_t>(rows - done, 1 + (seed * 7919 + k * 104729) % 5000);
    Chunk chunk;
    chunk.num_rows = n;
    for (size_t c = 0; c < specs.size(); ++c) {
      chunk.columns.push_back(MakeColumn(specs[c].type, n, specs[c].shape, null_rate, seed * 1000 + c * 31 + k, done));
    }
    chunks.push_back(std::move(chunk));
    done += n;
    ++k;
  }
  return chunks;
}

void ExpectChunkEq(const Chunk& expected, const Chunk& actual, const SegmentSchema& schema, const std::string& what) {
  ASSERT_EQ(expected.num_rows, actual.num_rows) << what;
  ASSERT_EQ(expected.columns.size(), actual.columns.size()) << what;
  for (size_t c = 0; c < expected.columns.size(); ++c) {
    ExpectColumnEq(*expected.columns[c], *actual.columns[c], what + " column " + schema[c].name);
  }
}

Chunk ReadAllOrDie(const std::string& bytes, const ReadOptions& options = {}, ReadStats* stats = nullptr) {
  auto reader = SegmentReader::Open(bytes);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return {};
  auto chunk = (*reader)->ReadAll(options, stats);
  EXPECT_TRUE(chunk.ok()) << chunk.status();
  return chunk.ok() ? std::move(chunk).value() : Chunk{};
}

TEST(SegmentRoundTripTest, AllTypesShapesNullDensitiesAndCompressions) {
  const auto specs = WideSpecs();
  const auto schema = SchemaOf(specs);
  uint64_t seed = 1;
  for (Compression comp : {Compression::kNone, Compression::kLz4, Compression::kZstd}) {
    for (double null_rate : {0.0, 0.01, 0.5, 1.0}) {
      for (size_t rows : {size_t{1}, size_t{777}, size_t{12000}}) {
        const std::string what = std::string(CompressionName(comp)) + " nulls=" + std::to_string(null_rate) +
                                 " rows=" + std::to_string(rows);
        const auto chunks = MakeChunks(specs, rows, null_rate, ++seed);
        SegmentWriterOptions options;
        options.compression = comp;
        options.max_page_rows = rows > 10000 ? 3000 : 8192;
        const std::string bytes = WriteSegment(schema, chunks, options);
        auto reader = SegmentReader::Open(bytes);
        ASSERT_TRUE(reader.ok()) << reader.status();
        EXPECT_EQ((*reader)->num_rows(), rows);
        EXPECT_EQ((*reader)->schema().size(), schema.size());
        for (size_t c = 0; c < schema.size(); ++c) {
          EXPECT_EQ((*reader)->schema()[c].name, schema[c].name);
          EXPECT_EQ((*reader)->schema()[c].type, schema[c].type);
        }
        ExpectChunkEq(Concat(chunks, schema), ReadAllOrDie(bytes), schema, what);
      }
    }
  }
}

TEST(SegmentRoundTripTest, EmptySegment) {
  const auto schema = SchemaOf(WideSpecs());
  for (bool append_empty : {false, true}) {
    std::vector<Chunk> chunks;
    if (append_empty) chunks = MakeChunks(WideSpecs(), 0, 0, 1), chunks.push_back([&] {
      Chunk c;
      for (const auto& col : schema) c.columns.push_back(Column::Make(col.type));
      return c;
    }());
    const std::string bytes = WriteSegment(schema, chunks);
    auto reader = SegmentReader::Open(bytes);
    ASSERT_TRUE(reader.ok()) << reader.status();
    EXPECT_EQ((*reader)->num_rows(), 0u);
    ReadStats stats;
    Chunk all = ReadAllOrDie(bytes, {}, &stats);
    EXPECT_EQ(all.num_rows, 0u);
    EXPECT_EQ(all.columns.size(), schema.size());
    EXPECT_EQ(stats.pages_read, 0u);
    auto pages = (*reader)->ColumnPages(0);
    ASSERT_TRUE(pages.ok());
    EXPECT_TRUE((*pages)->empty());
  }
}

TEST(SegmentRoundTripTest, ManyPagesSmallPageLimits) {
  const std::vector<ColumnSpec> specs = {{"id", DataType::BigInt(), Shape::kSorted},
                                         {"s", DataType::String(), Shape::kRandom},
                                         {"d", DataType::Double(), Shape::kRandom}};
  const auto schema = SchemaOf(specs);
  const auto chunks = MakeChunks(specs, 30000, 0.1, 99);
  SegmentWriterOptions options;
  options.max_page_rows = 100;
  options.max_page_bytes = 1000;
  const std::string bytes = WriteSegment(schema, chunks, options);
  auto reader = SegmentReader::Open(bytes);
  ASSERT_TRUE(reader.ok());
  for (size_t c = 0; c < schema.size(); ++c) {
    auto pages = (*reader)->ColumnPages(c);
    ASSERT_TRUE(pages.ok());
    EXPECT_GE((*pages)->size(), 300u) << schema[c].name;
  }
  // String pages are cut by bytes, so they do not line up with the integer pages.
  EXPECT_NE((*(*reader)->ColumnPages(0))->size(), (*(*reader)->ColumnPages(1))->size());
  ExpectChunkEq(Concat(chunks, schema), ReadAllOrDie(bytes), schema, "many pages");
}

// Integer and double columns without NULLs are appended a run at a time; gathered rows must land
// in the same order and the pages must close where a value-at-a-time append closes them.
TEST(SegmentRoundTripTest, GatheredRowsWithoutNullsKeepOrderAndPageBoundaries) {
  const std::vector<ColumnSpec> specs = {{"id", DataType::BigInt(), Shape::kSorted},
                                         {"d", DataType::Double(), Shape::kRandom}};
  const auto schema = SchemaOf(specs);
  const auto chunks = MakeChunks(specs, 20000, 0.0, 5);
  SegmentWriterOptions options;
  options.max_page_rows = 100;
  options.max_page_bytes = 300;  // 38 values of 8 bytes reach it before 100 rows do.
  auto writer = SegmentWriter::Make(schema, options);
  ASSERT_TRUE(writer.ok());
  std::vector<Chunk> expected;
  for (const Chunk& chunk : chunks) {
    std::vector<uint32_t> rows;  // Every other row, backwards.
    for (size_t r = chunk.num_rows; r-- > 0;) {
      if (r % 2 == 0) rows.push_back(static_cast<uint32_t>(r));
    }
    ASSERT_TRUE((*writer)->Append(chunk, rows).ok());
    expected.push_back(chunk.Take(rows));
  }
  auto bytes = (*writer)->Finish();
  ASSERT_TRUE(bytes.ok());
  auto reader = SegmentReader::Open(*bytes);
  ASSERT_TRUE(reader.ok());
  for (size_t c = 0; c < schema.size(); ++c) {
    const auto& pages = **(*reader)->ColumnPages(c);
    for (size_t p = 0; p + 1 < pages.size(); ++p) EXPECT_EQ(pages[p].rows, 38u) << schema[c].name << " page " << p;
  }
  ExpectChunkEq(Concat(expected, schema), ReadAllOrDie(*bytes), schema, "gathered");
}

TEST(SegmentRoundTripTest, LargeStringsGetTheirOwnPages) {
  SegmentSchema schema = {{"blob", DataType::String()}};
  Chunk chunk;
  chunk.num_rows = 5;
  chunk.columns.push_back(Column::Make(DataType::String()));
  for (size_t len : {size_t{10}, size_t{200000}, size_t{3}, size_t{1} << 20, size_t{0}}) {
    chunk.columns[0]->AppendString(std::string(len, 'z'));
  }
  const std::string bytes = WriteSegment(schema, {chunk});
  auto reader = SegmentReader::Open(bytes);
  ASSERT_TRUE(reader.ok());
  // A value that does not fit the open page closes it first: [10] [200000] [3] [1 MiB] [0].
  EXPECT_EQ((*(*reader)->ColumnPages(0))->size(), 5u);
  ExpectChunkEq(chunk, ReadAllOrDie(bytes), schema, "blobs");
}

TEST(SegmentReaderTest, ProjectionAndBatchSizes) {
  const auto specs = WideSpecs();
  const auto schema = SchemaOf(specs);
  const auto chunks = MakeChunks(specs, 10000, 0.2, 5);
  const Chunk expected = Concat(chunks, schema);
  SegmentWriterOptions options;
  options.max_page_rows = 1024;
  const std::string bytes = WriteSegment(schema, chunks, options);
  auto reader = SegmentReader::Open(bytes);
  ASSERT_TRUE(reader.ok());
  for (uint32_t batch : {1u, 7u, 1000u, 4096u, 65536u}) {
    ReadOptions opts;
    opts.columns = {"s_binary", "i_random", "d_extremes"};
    opts.batch_rows = batch;
    auto it = (*reader)->NewIterator(opts);
    ASSERT_TRUE(it.ok()) << it.status();
    size_t row = 0;
    Chunk chunk;
    while (true) {
      auto more = (*it)->Next(&chunk);
      ASSERT_TRUE(more.ok()) << more.status();
      if (!*more) break;
      ASSERT_LE(chunk.num_rows, batch);
      ASSERT_EQ(chunk.columns.size(), 3u);
      if (batch >= 1000) {
        for (size_t r = 0; r < chunk.num_rows; ++r) {
          ASSERT_TRUE(testing::SameValue(*expected.columns[12], row + r, *chunk.columns[0], r));
          ASSERT_TRUE(testing::SameValue(*expected.columns[0], row + r, *chunk.columns[1], r));
          ASSERT_TRUE(testing::SameValue(*expected.columns[8], row + r, *chunk.columns[2], r));
        }
      }
      row += chunk.num_rows;
    }
    EXPECT_EQ(row, 10000u);
    EXPECT_EQ((*it)->stats().rows_selected, 10000u);
  }
  ReadOptions bad;
  bad.columns = {"nope"};
  EXPECT_EQ((*reader)->NewIterator(bad).status().code(), StatusCode::kInvalidArgument);
  bad.columns = {};
  bad.batch_rows = 0;
  EXPECT_EQ((*reader)->NewIterator(bad).status().code(), StatusCode::kInvalidArgument);
}

// A source that records the ranges read, to check that projection reads only what it needs.
class CountingSource final : public RandomAccessSource {
 public:
  explicit CountingSource(std::string data) : inner_(std::move(data)) {}
  Result<std::string> Read(uint64_t offset, uint64_t length) override {
    reads.emplace_back(offset, length);
    bytes_read += length;
    return inner_.Read(offset, length);
  }
  uint64_t size() override { return inner_.size(); }
  std::vector<std::pair<uint64_t, uint64_t>> reads;
  uint64_t bytes_read = 0;

 private:
  StringSource inner_;
};

TEST(SegmentReaderTest, OpenReadsTailFooterHeaderAndProjectionReadsOneColumn) {
  const std::vector<ColumnSpec> specs = {{"a", DataType::BigInt(), Shape::kRandom},
                                         {"b", DataType::String(), Shape::kRandom},
                                         {"c", DataType::BigInt(), Shape::kSorted}};
  const auto schema = SchemaOf(specs);
  const auto chunks = MakeChunks(specs, 20000, 0, 8);
  const std::string bytes = WriteSegment(schema, chunks);
  auto source = std::make_shared<CountingSource>(bytes);
  auto reader = SegmentReader::Open(source);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(source->reads.size(), 3u);  // tail, footer, header
  const auto pages_c = **(*reader)->ColumnPages(2);
  source->reads.clear();
  source->bytes_read = 0;
  ReadOptions opts;
  opts.columns = {"c"};
  ReadStats stats;
  auto chunk = (*reader)->ReadAll(opts, &stats);
  ASSERT_TRUE(chunk.ok());
  EXPECT_EQ(stats.pages_read, pages_c.size());
  EXPECT_EQ(source->reads.size(), pages_c.size());  // the index was already loaded
  uint64_t column_bytes = 0;
  for (const PageInfo& p : pages_c) column_bytes += p.size;
  EXPECT_EQ(source->bytes_read, column_bytes);
  EXPECT_LT(source->bytes_read * 10, bytes.size());  // the random columns dominate the object
  ExpectColumnEq(*Concat(chunks, schema).columns[2], *chunk->columns[0], "c");
}

TEST(SegmentWriterTest, ChoosesEncodingsPerColumnShape) {
  const std::vector<ColumnSpec> specs = {{"ts", DataType::DateTime(), Shape::kSorted},
                                         {"country", DataType::Varchar(), Shape::kLowCard},
                                         {"session", DataType::String(), Shape::kRandom},
                                         {"status", DataType::Int(), Shape::kConstant}};
  const auto schema = SchemaOf(specs);
  auto writer = SegmentWriter::Make(schema);
  ASSERT_TRUE(writer.ok());
  for (const Chunk& c : MakeChunks(specs, 50000, 0, 3)) ASSERT_TRUE((*writer)->Append(c).ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  const auto& stats = (*writer)->column_stats();
  auto only = [&](size_t c, Encoding e) {
    EXPECT_EQ(stats[c].pages_by_encoding[static_cast<size_t>(e)], stats[c].pages) << schema[c].name;
  };
  only(0, Encoding::kDelta);
  only(1, Encoding::kDict);
  only(2, Encoding::kPlain);
  only(3, Encoding::kRle);
  EXPECT_LT(stats[1].stored_bytes, 50000u);  // < 1 byte per low-cardinality string
}

TEST(SegmentWriterTest, RejectsBadSchemasAndChunks) {
  EXPECT_FALSE(SegmentWriter::Make({}).ok());
  EXPECT_FALSE(SegmentWriter::Make({{"a", DataType::Int()}, {"a", DataType::Int()}}).ok());
  EXPECT_FALSE(SegmentWriter::Make({{"", DataType::Int()}}).ok());
  SegmentWriterOptions bad;
  bad.max_page_rows = 0;
  EXPECT_FALSE(SegmentWriter::Make({{"a", DataType::Int()}}, bad).ok());

  auto writer = SegmentWriter::Make({{"a", DataType::Int()}});
  ASSERT_TRUE(writer.ok());
  Chunk wrong;
  wrong.num_rows = 1;
  wrong.columns.push_back(MakeColumn(DataType::String(), 1, Shape::kRandom, 0, 1));
  EXPECT_EQ((*writer)->Append(wrong).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE((*writer)->Finish().ok());  // unusable after an error

  auto w2 = SegmentWriter::Make({{"a", DataType::Int()}});
  ASSERT_TRUE(w2.ok());
  ASSERT_TRUE((*w2)->Finish().ok());
  EXPECT_FALSE((*w2)->Finish().ok());
}

// ---------------------------------------------------------------------------- zone-map pruning

class PruningTest : public ::testing::Test {
 protected:
  // 8 pages of 1000 rows: ts = row * 10 (sorted), name = "n" + page, score double, maybe NULL in page 3.
  void SetUp() override {
    schema_ = {{"ts", DataType::BigInt()}, {"name", DataType::Varchar()}, {"score", DataType::Double()},
               {"opt", DataType::BigInt()}};
    Chunk chunk;
    chunk.num_rows = 8000;
    for (const auto& c : schema_) chunk.columns.push_back(Column::Make(c.type));
    for (int64_t r = 0; r < 8000; ++r) {
      chunk.columns[0]->AppendInt(r * 10);
      chunk.columns[1]->AppendString("n" + std::to_string(r / 1000));
      if (r / 1000 == 5) {
        chunk.columns[2]->AppendDouble(r % 2 ? std::numeric_limits<double>::quiet_NaN() : 1.0);
      } else {
        chunk.columns[2]->AppendDouble(static_cast<double>(r));
      }
      if (r / 1000 == 3 && r % 7 == 0) chunk.columns[3]->AppendNull(); else chunk.columns[3]->AppendInt(r % 100);
    }
    SegmentWriterOptions options;
    options.max_page_rows = 1000;
    bytes_ = WriteSegment(schema_, {chunk}, options);
    data_ = std::move(chunk);
  }

  ReadStats Run(std::vector<ColumnPredicate> preds, size_t* rows = nullptr, std::vector<std::string> cols = {"ts"}) {
    ReadOptions opts;
    opts.columns = std::move(cols);
    opts.predicates = std::move(preds);
    ReadStats stats;
    Chunk out = ReadAllOrDie(bytes_, opts, &stats);
    if (rows) *rows = out.num_rows;
    EXPECT_EQ(out.num_rows, stats.rows_selected);
    return stats;
  }

  SegmentSchema schema_;
  Chunk data_;
  std::string bytes_;
};

TEST_F(PruningTest, IntegerComparisons) {
  size_t rows;
  ReadStats s = Run({{"ts", CompareOp::kGe, Value::Int(60000)}}, &rows);
  EXPECT_EQ(s.pages_pruned, 6u);
  EXPECT_EQ(s.pages_read, 2u);
  EXPECT_EQ(s.pages_skipped, 6u);
  EXPECT_EQ(rows, 2000u);
  EXPECT_EQ(s.pruned_pages.front(), std::make_pair(std::string("ts"), 0u));

  s = Run({{"ts", CompareOp::kLt, Value::Int(10000)}}, &rows);
  EXPECT_EQ(s.pages_pruned, 7u);
  EXPECT_EQ(rows, 1000u);
  s = Run({{"ts", CompareOp::kLe, Value::Int(10000)}}, &rows);
  EXPECT_EQ(s.pages_pruned, 6u);
  s = Run({{"ts", CompareOp::kEq, Value::Int(25000)}}, &rows);
  EXPECT_EQ(s.pages_pruned, 7u);
  EXPECT_EQ(rows, 1000u);
  s = Run({{"ts", CompareOp::kGt, Value::Int(79990)}}, &rows);
  EXPECT_TRUE(s.segment_pruned);
  EXPECT_EQ(rows, 0u);
  EXPECT_EQ(s.pages_read, 0u);
  // AND of two predicates intersects the kept ranges.
  s = Run({{"ts", CompareOp::kGe, Value::Int(20000)}, {"ts", CompareOp::kLt, Value::Int(40000)}}, &rows);
  EXPECT_EQ(rows, 2000u);
  // A predicate on another column than the one read.
  s = Run({{"name", CompareOp::kEq, Value::String("n4")}}, &rows, {"ts", "score"});
  EXPECT_EQ(rows, 1000u);
  EXPECT_EQ(s.pages_read, 2u);
}

TEST_F(PruningTest, NullsNaNAndTypeMismatches) {
  size_t rows;
  ReadStats s = Run({{"opt", CompareOp::kIsNull, Value()}}, &rows);
  EXPECT_EQ(s.pages_pruned, 7u);
  EXPECT_EQ(rows, 1000u);
  s = Run({{"ts", CompareOp::kIsNull, Value()}}, &rows);
  EXPECT_TRUE(s.segment_pruned);
  s = Run({{"opt", CompareOp::kIsNotNull, Value()}}, &rows);
  EXPECT_EQ(rows, 8000u);
  s = Run({{"ts", CompareOp::kEq, Value::Null(DataType::BigInt())}}, &rows);
  EXPECT_EQ(rows, 0u);
  // Page 5 of score has NaNs and is never pruned; others prune normally.
  s = Run({{"score", CompareOp::kGt, Value::Double(1e9)}}, &rows);
  EXPECT_EQ(rows, 1000u);
  s = Run({{"score", CompareOp::kLt, Value::Double(std::numeric_limits<double>::quiet_NaN())}}, &rows);
  EXPECT_EQ(rows, 8000u);
  // A constant of another physical type disables pruning.
  s = Run({{"ts", CompareOp::kEq, Value::Double(5.0)}}, &rows);
  EXPECT_EQ(rows, 8000u);
  EXPECT_EQ(s.pages_pruned, 0u);
}

TEST_F(PruningTest, Strings) {
  size_t rows;
  ReadStats s = Run({{"name", CompareOp::kGe, Value::String("n6")}}, &rows);
  EXPECT_EQ(rows, 2000u);
  s = Run({{"name", CompareOp::kLt, Value::String("n")}}, &rows);
  EXPECT_EQ(rows, 0u);
  EXPECT_TRUE(s.segment_pruned);
}

// Property: for random data and random predicates, every row that satisfies all predicates is
// returned (pruning never drops a match), and pages proven empty are really empty.
TEST(PruningPropertyTest, NeverDropsAMatchingRow) {
  const std::vector<ColumnSpec> specs = {{"id", DataType::BigInt(), Shape::kSorted},
                                         {"i", DataType::BigInt(), Shape::kLowCard},
                                         {"x", DataType::BigInt(), Shape::kExtremes},
                                         {"d", DataType::Double(), Shape::kExtremes},
                                         {"s", DataType::String(), Shape::kExtremes},
                                         {"c", DataType::Varchar(), Shape::kLowCard}};
  const auto schema = SchemaOf(specs);
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    const auto chunks = MakeChunks(specs, 6000, seed % 2 ? 0.05 : 0.0, seed);
    const Chunk data = Concat(chunks, schema);
    SegmentWriterOptions options;
    options.max_page_rows = 500;
    const std::string bytes = WriteSegment(schema, chunks, options);
    testing::ValueGen gen(seed, Shape::kRandom);
    for (int trial = 0; trial < 30; ++trial) {
      // Constants are taken from the data (so predicates hit) or from the generators.
      std::vector<ColumnPredicate> preds;
      const int npred = 1 + static_cast<int>(gen.Next() % 2);
      for (int k = 0; k < npred; ++k) {
        const size_t c = gen.Next() % specs.size();
        const size_t row = gen.Next() % data.num_rows;
        ColumnPredicate p{schema[c].name, static_cast<CompareOp>(gen.Next() % 7), data.columns[c]->GetValue(row)};
        preds.push_back(std::move(p));
      }
      ReadOptions opts;
      opts.predicates = preds;
      ReadStats stats;
      const Chunk out = ReadAllOrDie(bytes, opts, &stats);
      // Returned rows are a subsequence of the data, identified by the unique sorted id.
      size_t j = 0;
      for (size_t r = 0; r < data.num_rows; ++r) {
        bool match = true;
        for (const auto& p : preds) {
          size_t ci = 0;
          while (schema[ci].name != p.column) ++ci;
          const Column& col = *data.columns[ci];
          if (p.op == CompareOp::kIsNull) { match = match && col.IsNull(r); continue; }
          if (p.op == CompareOp::kIsNotNull) { match = match && !col.IsNull(r); continue; }
          if (col.IsNull(r) || p.constant.is_null()) { match = false; continue; }
          int cmp = 0;
          switch (col.physical()) {
            case PhysicalType::kInt64: {
              const int64_t a = col.GetInt(r), b = p.constant.int_value();
              cmp = a < b ? -1 : a > b ? 1 : 0;
              break;
            }
            case PhysicalType::kDouble: {
              const double a = col.GetDouble(r), b = p.constant.double_value();
              if (std::isnan(a) || std::isnan(b)) { match = false; continue; }
              cmp = a < b ? -1 : a > b ? 1 : 0;
              break;
            }
            case PhysicalType::kString: {
              const int x = col.GetString(r).compare(p.constant.string_value());
              cmp = x < 0 ? -1 : x > 0 ? 1 : 0;
              break;
            }
          }
          switch (p.op) {
            case CompareOp::kEq: match = match && cmp == 0; break;
            case CompareOp::kLt: match = match && cmp < 0; break;
            case CompareOp::kLe: match = match && cmp <= 0; break;
            case CompareOp::kGt: match = match && cmp > 0; break;
            case CompareOp::kGe: match = match && cmp >= 0; break;
            default: break;
          }
        }
        while (j < out.num_rows && out.columns[0]->GetInt(j) < data.columns[0]->GetInt(r)) ++j;
        const bool returned = j < out.num_rows && !out.columns[0]->IsNull(j) && !data.columns[0]->IsNull(r) &&
                              out.columns[0]->GetInt(j) == data.columns[0]->GetInt(r);
        if (match && !data.columns[0]->IsNull(r)) {
          ASSERT_TRUE(returned) << "seed " << seed << " trial " << trial << " row " << r;
        }
      }
    }
  }
}

TEST(ZoneMapTest, LongStringBoundsStayValid) {
  ZoneMap zm;
  zm.AddString(std::string(100, 'a'));
  zm.AddString(std::string(100, 'b') + "c");
  zm.FinishStrings();
  EXPECT_EQ(zm.min_string, std::string(kZoneMapMaxString, 'a'));
  EXPECT_EQ(zm.max_string, std::string(kZoneMapMaxString - 1, 'b') + "c");
  EXPECT_GT(zm.max_string, std::string(100, 'b') + "c");
  EXPECT_FALSE(zm.max_unbounded);

  ZoneMap ff;
  ff.AddString(std::string(100, '\xff'));
  ff.FinishStrings();
  EXPECT_TRUE(ff.max_unbounded);
  ColumnPredicate p{"s", CompareOp::kGt, Value::String(std::string(200, '\xff'))};
  EXPECT_TRUE(ZoneMayMatch(ff, 1, PhysicalType::kString, p));

  std::string bytes;
  AppendZoneMap(ff, PhysicalType::kString, &bytes);
  ByteReader in(bytes);
  ZoneMap back;
  ASSERT_TRUE(ReadZoneMap(&in, PhysicalType::kString, &back));
  EXPECT_TRUE(back.max_unbounded);
  EXPECT_EQ(back.min_string, ff.min_string);
}

}  // namespace
}  // namespace basalt::segment
