// DataCache and CachingObjectStore: the ObjectStore conformance suite over the decorator, plus
// hits and misses, block-spanning ranges, LRU eviction, restart, a vanished directory, corrupt
// block files, base failures and concurrent readers.
#include "cn/cache/data_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "common/io/fault_injecting_object_store.h"
#include "common/io/memory_object_store.h"
#include "common/io/object_store_conformance.h"
#include "common/io/temp_dir_for_test.h"

namespace basalt {
namespace {

// The cache and its directory live as long as the store under test.
Result<ObjectStoreTestTarget> CachedMemory(uint64_t block_size, uint64_t capacity) {
  auto dir = std::make_shared<ScopedTempDir>();
  ASSIGN_OR_RETURN(std::unique_ptr<DataCache> cache,
                   DataCache::Open({dir->path() + "/cache", capacity, block_size}));
  auto store = std::make_shared<CachingObjectStore>(std::make_shared<InMemoryObjectStore>(),
                                                    std::move(cache));
  return ObjectStoreTestTarget{std::move(store), [dir] {}, ""};
}

INSTANTIATE_TEST_SUITE_P(
    DataCache, ObjectStoreConformanceTest,
    ::testing::Values(
        ObjectStoreFactory{"CachedMemory",
                           [] { return CachedMemory(kDefaultDataCacheBlockSize, 64ull << 20); }},
        // Small blocks: objects span many blocks, so multi-block assembly is exercised.
        ObjectStoreFactory{"CachedMemorySmallBlocks",
                           [] { return CachedMemory(4096, 64ull << 20); }},
        // Capacity smaller than many objects: constant eviction must not change answers.
        ObjectStoreFactory{"CachedMemoryTinyCapacity",
                           [] { return CachedMemory(1024, 16 << 10); }}),
    ObjectStoreFactoryName);

std::string Bytes(size_t n, int seed) {
  std::string s(n, '\0');
  uint32_t x = 2654435761u * static_cast<uint32_t>(seed + 1);
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    s[i] = static_cast<char>(x >> 16);
  }
  return s;
}

std::string MustGet(ObjectStore& store, const std::string& key) {
  Result<std::optional<std::string>> got = store.Get(key);
  EXPECT_TRUE(got.ok()) << got.status();
  if (!got.ok() || !got->has_value()) {
    ADD_FAILURE() << "missing " << key;
    return "";
  }
  return **got;
}

std::string MustGetRange(ObjectStore& store, const std::string& key, uint64_t off, uint64_t len) {
  Result<std::optional<std::string>> got = store.GetRange(key, off, len);
  EXPECT_TRUE(got.ok()) << got.status();
  if (!got.ok() || !got->has_value()) {
    ADD_FAILURE() << "missing " << key;
    return "";
  }
  return **got;
}

std::vector<std::filesystem::path> BlockFiles(const std::string& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".blk") out.push_back(it->path());
  }
  return out;
}

class DataCacheTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kBlock = 1024;

  void SetUp() override {
    base_ = std::make_shared<InMemoryObjectStore>();
    faulty_ = std::make_shared<FaultInjectingObjectStore>(base_);
    Open(1 << 20);
  }

  void Open(uint64_t capacity) {
    store_.reset();
    cache_.reset();
    registry_ = std::make_unique<MetricRegistry>();
    Result<std::unique_ptr<DataCache>> cache =
        DataCache::Open({cache_dir(), capacity, kBlock}, registry_.get());
    ASSERT_TRUE(cache.ok()) << cache.status();
    cache_ = std::move(*cache);
    store_ = std::make_unique<CachingObjectStore>(faulty_, cache_);
  }

  std::string cache_dir() const { return dir_.path() + "/datacache"; }
  DataCacheStats stats() const { return cache_->stats(); }

  ScopedTempDir dir_;
  std::shared_ptr<InMemoryObjectStore> base_;
  std::shared_ptr<FaultInjectingObjectStore> faulty_;
  std::unique_ptr<MetricRegistry> registry_;
  std::shared_ptr<DataCache> cache_;
  std::unique_ptr<CachingObjectStore> store_;
};

TEST_F(DataCacheTest, MissThenHitAndMetrics) {
  const std::string data = Bytes(2500, 1);  // Blocks of 1024, 1024, 452.
  ASSERT_TRUE(base_->Put("seg/a", data).ok());  // Not through the cache: cold.
  EXPECT_EQ(MustGet(*store_, "seg/a"), data);
  DataCacheStats s = stats();
  EXPECT_EQ(s.hits, 0);
  EXPECT_EQ(s.misses, 3);
  EXPECT_EQ(s.fetched_bytes, 2500);
  EXPECT_EQ(s.blocks, 3u);

  EXPECT_EQ(MustGet(*store_, "seg/a"), data);
  s = stats();
  EXPECT_EQ(s.hits, 3);
  EXPECT_EQ(s.misses, 3);
  EXPECT_EQ(s.read_bytes, 2500);
  EXPECT_EQ(MustGetRange(*store_, "seg/a", 1000, 100), data.substr(1000, 100));
  EXPECT_EQ(stats().hits, 5);
  EXPECT_EQ(stats().misses, 3);

  const std::string text = registry_->RenderPrometheus();
  EXPECT_NE(text.find("basalt_datacache_hits_total 5"), std::string::npos) << text;
  EXPECT_NE(text.find("basalt_datacache_misses_total 3"), std::string::npos) << text;
  EXPECT_NE(text.find("basalt_datacache_used_bytes"), std::string::npos) << text;
  EXPECT_NE(text.find("basalt_datacache_corrupt_blocks_total 0"), std::string::npos) << text;
}

TEST_F(DataCacheTest, PutWritesThroughAndDeleteEvicts) {
  const std::string data = Bytes(3000, 2);
  ASSERT_TRUE(store_->Put("seg/b", data).ok());
  EXPECT_EQ(MustGet(*base_, "seg/b"), data);
  EXPECT_EQ(stats().blocks, 3u);
  EXPECT_EQ(MustGet(*store_, "seg/b"), data);
  EXPECT_EQ(stats().misses, 0);
  EXPECT_EQ(stats().hits, 3);

  ASSERT_TRUE(store_->Delete("seg/b").ok());
  EXPECT_EQ(stats().blocks, 0u);
  EXPECT_EQ(stats().used_bytes, 0u);
  EXPECT_TRUE(BlockFiles(cache_dir()).empty());
  Result<std::optional<std::string>> gone = store_->Get("seg/b");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

TEST_F(DataCacheTest, RangesSpanningBlocksAndTheObjectEnd) {
  const std::string data = Bytes(5 * kBlock + 17, 3);
  ASSERT_TRUE(base_->Put("r", data).ok());
  struct Range {
    uint64_t off, len;
  };
  const std::vector<Range> ranges = {
      {0, 1},           {kBlock - 1, 2},  {kBlock - 5, 3 * kBlock}, {4 * kBlock + 3, 2 * kBlock},
      {5 * kBlock, 17}, {5 * kBlock, 100}, {5 * kBlock + 17, 10},    {9 * kBlock, 10},
      {0, UINT64_MAX},  {2 * kBlock, 0},  {100, UINT64_MAX},        {UINT64_MAX - 1, 10}};
  for (int pass = 0; pass < 2; ++pass) {  // Cold, then (partly) warm.
    for (const Range& r : ranges) {
      std::string want = r.off >= data.size() ? "" : data.substr(r.off, r.len);
      EXPECT_EQ(MustGetRange(*store_, "r", r.off, r.len), want)
          << "pass " << pass << " off " << r.off << " len " << r.len;
    }
  }
  // An object whose size is an exact multiple of the block size ends with an empty block.
  const std::string exact = Bytes(2 * kBlock, 4);
  ASSERT_TRUE(base_->Put("exact", exact).ok());
  EXPECT_EQ(MustGet(*store_, "exact"), exact);
  EXPECT_EQ(MustGet(*store_, "exact"), exact);
  EXPECT_EQ(MustGetRange(*store_, "exact", 2 * kBlock, 5), "");
  // Missing keys stay missing, warm or cold.
  for (int i = 0; i < 2; ++i) {
    Result<std::optional<std::string>> none = store_->GetRange("nope", 10, 10);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
  }
}

TEST_F(DataCacheTest, LruEvictionStaysWithinCapacity) {
  // Each object is one block file of ~1 KiB + header; room for about four.
  Open(4 * (kBlock + 64));
  std::vector<std::string> objects;
  for (int i = 0; i < 4; ++i) {
    objects.push_back(Bytes(kBlock - 1, 10 + i));  // Short: one block each.
    ASSERT_TRUE(base_->Put("o" + std::to_string(i), objects.back()).ok());
    EXPECT_EQ(MustGet(*store_, "o" + std::to_string(i)), objects.back());
  }
  EXPECT_EQ(stats().blocks, 4u);
  EXPECT_EQ(stats().evictions, 0);
  // Touch o0 so o1 is the least recently used, then bring in o4.
  EXPECT_EQ(MustGet(*store_, "o0"), objects[0]);
  ASSERT_TRUE(base_->Put("o4", Bytes(kBlock - 1, 14)).ok());
  EXPECT_EQ(MustGet(*store_, "o4"), Bytes(kBlock - 1, 14));
  DataCacheStats s = stats();
  EXPECT_EQ(s.evictions, 1);
  EXPECT_LE(s.used_bytes, cache_->capacity_bytes());
  EXPECT_EQ(BlockFiles(cache_dir()).size(), 4u);

  const int64_t misses = s.misses;
  EXPECT_EQ(MustGet(*store_, "o0"), objects[0]);  // Kept.
  EXPECT_EQ(stats().misses, misses);
  EXPECT_EQ(MustGet(*store_, "o1"), objects[1]);  // Evicted: a miss.
  EXPECT_EQ(stats().misses, misses + 1);

  // Many more objects: never above capacity, on disk too.
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(store_->Put("many/" + std::to_string(i), Bytes(3 * kBlock + 5, i)).ok());
    ASSERT_LE(stats().used_bytes, cache_->capacity_bytes());
  }
  uint64_t on_disk = 0;
  for (const auto& f : BlockFiles(cache_dir())) on_disk += std::filesystem::file_size(f);
  EXPECT_LE(on_disk, cache_->capacity_bytes());
  EXPECT_EQ(on_disk, stats().used_bytes);
  // An object bigger than the whole cache is served but not cached.
  const std::string huge = Bytes(10 * kBlock, 99);
  ASSERT_TRUE(base_->Put("huge", huge).ok());
  EXPECT_EQ(MustGet(*store_, "huge"), huge);
  EXPECT_LE(stats().used_bytes, cache_->capacity_bytes());
}

TEST_F(DataCacheTest, RestartRebuildsTheIndex) {
  const std::string a = Bytes(2 * kBlock + 3, 20);
  const std::string b = Bytes(100, 21);
  ASSERT_TRUE(store_->Put("t/a", a).ok());
  ASSERT_TRUE(store_->Put("t/b", b).ok());
  const uint64_t used = stats().used_bytes;
  // A stray temporary file from a crash is cleaned up; foreign files are left alone.
  std::filesystem::create_directories(cache_dir() + "/00");
  std::ofstream(cache_dir() + "/00/0000000000000000-0.blk.tmp7") << "partial";
  std::ofstream(cache_dir() + "/README") << "not a block";

  Open(1 << 20);  // A new instance over the same directory.
  EXPECT_EQ(stats().used_bytes, used);
  EXPECT_EQ(stats().blocks, 4u);
  EXPECT_EQ(MustGet(*store_, "t/a"), a);
  EXPECT_EQ(MustGet(*store_, "t/b"), b);
  EXPECT_EQ(stats().misses, 0);
  EXPECT_EQ(stats().hits, 4);
  EXPECT_FALSE(std::filesystem::exists(cache_dir() + "/00/0000000000000000-0.blk.tmp7"));
  EXPECT_TRUE(std::filesystem::exists(cache_dir() + "/README"));

  // Reopening with a smaller capacity evicts down to it.
  Open(kBlock + 100);
  EXPECT_LE(stats().used_bytes, kBlock + 100);
  EXPECT_EQ(MustGet(*store_, "t/a"), a);
  EXPECT_EQ(MustGet(*store_, "t/b"), b);
}

TEST_F(DataCacheTest, DeletingTheDirectoryWhileRunningOnlyCausesMisses) {
  const std::string data = Bytes(3 * kBlock, 30);
  ASSERT_TRUE(store_->Put("d/x", data).ok());
  EXPECT_EQ(MustGet(*store_, "d/x"), data);
  std::filesystem::remove_all(cache_dir());
  const int64_t misses = stats().misses;
  EXPECT_EQ(MustGet(*store_, "d/x"), data);
  EXPECT_GT(stats().misses, misses);
  // The cache refills (directories are recreated) and serves hits again.
  const int64_t hits = stats().hits;
  EXPECT_EQ(MustGet(*store_, "d/x"), data);
  EXPECT_GT(stats().hits, hits);
  EXPECT_FALSE(BlockFiles(cache_dir()).empty());
  // Writes into a vanished directory are fine too.
  std::filesystem::remove_all(cache_dir());
  ASSERT_TRUE(store_->Put("d/y", "why").ok());
  EXPECT_EQ(MustGet(*store_, "d/y"), "why");
}

TEST_F(DataCacheTest, CorruptBlockIsAMissAndIsRefetched) {
  const std::string data = Bytes(kBlock / 2, 40);  // One block.
  ASSERT_TRUE(store_->Put("c/x", data).ok());
  std::vector<std::filesystem::path> files = BlockFiles(cache_dir());
  ASSERT_EQ(files.size(), 1u);
  {
    std::fstream f(files[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-10, std::ios::end);
    f.put('\x5a').put('\xa5');
  }
  EXPECT_EQ(MustGet(*store_, "c/x"), data);
  EXPECT_EQ(stats().corrupt_blocks, 1);
  EXPECT_EQ(stats().misses, 1);
  EXPECT_EQ(MustGet(*store_, "c/x"), data);  // Refetched and cached again.
  EXPECT_EQ(stats().hits, 1);

  // Truncated.
  files = BlockFiles(cache_dir());
  ASSERT_EQ(files.size(), 1u);
  std::filesystem::resize_file(files[0], 30);
  EXPECT_EQ(MustGet(*store_, "c/x"), data);
  EXPECT_EQ(stats().corrupt_blocks, 2);

  // A corrupt header found at startup is dropped then.
  files = BlockFiles(cache_dir());
  ASSERT_EQ(files.size(), 1u);
  std::filesystem::resize_file(files[0], 10);
  Open(1 << 20);
  EXPECT_EQ(stats().corrupt_blocks, 1);
  EXPECT_EQ(stats().blocks, 0u);
  EXPECT_EQ(MustGet(*store_, "c/x"), data);
}

TEST_F(DataCacheTest, BaseFailuresSurfaceAndDoNotPoisonTheCache) {
  const std::string data = Bytes(2 * kBlock + 1, 50);
  ASSERT_TRUE(base_->Put("f/x", data).ok());
  faulty_->AddFault(FaultRule{.ops = static_cast<uint32_t>(ObjectStoreOp::kGet), .count = 2});
  EXPECT_EQ(store_->Get("f/x").status().code(), StatusCode::kIOError);
  EXPECT_EQ(store_->GetRange("f/x", 5, 5).status().code(), StatusCode::kIOError);
  EXPECT_EQ(stats().blocks, 0u);
  EXPECT_EQ(MustGet(*store_, "f/x"), data);

  // A Put that fails after the base applied it: the old cached bytes are dropped.
  ASSERT_TRUE(store_->Put("f/y", "old").ok());
  faulty_->AddFault(FaultRule{.ops = static_cast<uint32_t>(ObjectStoreOp::kPut),
                              .when = FaultRule::When::kAfterApply});
  EXPECT_FALSE(store_->Put("f/y", "new").ok());
  EXPECT_EQ(MustGet(*store_, "f/y"), "new");

  // A Put that fails before applying caches nothing.
  faulty_->AddFault(FaultRule{.ops = static_cast<uint32_t>(ObjectStoreOp::kPut)});
  EXPECT_FALSE(store_->Put("f/z", "zzz").ok());
  Result<std::optional<std::string>> z = store_->Get("f/z");
  ASSERT_TRUE(z.ok());
  EXPECT_FALSE(z->has_value());

  // A failed Delete still evicts (its effect is unknown).
  faulty_->AddFault(FaultRule{.ops = static_cast<uint32_t>(ObjectStoreOp::kDelete),
                              .when = FaultRule::When::kAfterApply});
  EXPECT_FALSE(store_->Delete("f/x").ok());
  Result<std::optional<std::string>> x = store_->Get("f/x");
  ASSERT_TRUE(x.ok());
  EXPECT_FALSE(x->has_value());
}

TEST_F(DataCacheTest, ConcurrentReadersOfOneKey) {
  const std::string data = Bytes(6 * kBlock + 123, 60);
  ASSERT_TRUE(base_->Put("hot", data).ok());
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const uint64_t off = static_cast<uint64_t>((t * 977 + i * 331) % data.size());
        const uint64_t len = static_cast<uint64_t>((i * 1231) % (3 * kBlock) + 1);
        Result<std::optional<std::string>> got =
            i % 5 == 0 ? store_->Get("hot") : store_->GetRange("hot", off, len);
        std::string want = i % 5 == 0 ? data : data.substr(off, len);
        if (!got.ok() || !got->has_value() || **got != want) ++bad;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(stats().hits, 0);
  EXPECT_LE(stats().blocks, 7u);
}

TEST(DataCacheOpenTest, RejectsBadOptions) {
  ScopedTempDir dir;
  EXPECT_EQ(DataCache::Open({"", 100, 1024}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DataCache::Open({dir.path(), 100, 0}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DataCache::Open({dir.path(), 100, kMaxDataCacheBlockSize + 1}).status().code(),
            StatusCode::kInvalidArgument);
  std::ofstream(dir.path() + "/file") << "x";
  EXPECT_FALSE(DataCache::Open({dir.path() + "/file/sub", 100, 1024}).ok());
}

TEST(DataCacheSizeTest, Parses) {
  ScopedTempDir dir;
  EXPECT_EQ(*ParseDataCacheSize("1048576", dir.path()), 1048576u);
  EXPECT_EQ(*ParseDataCacheSize("500G", dir.path()), 500ull << 30);
  EXPECT_EQ(*ParseDataCacheSize("64mb", dir.path()), 64ull << 20);
  EXPECT_EQ(*ParseDataCacheSize("2T", dir.path()), 2ull << 40);
  EXPECT_EQ(*ParseDataCacheSize("0", dir.path()), 0u);
  Result<uint64_t> pct = ParseDataCacheSize("80%", dir.path());
  ASSERT_TRUE(pct.ok()) << pct.status();
  EXPECT_GT(*pct, 0u);
  EXPECT_EQ(*ParseDataCacheSize("0%", dir.path()), 0u);
  for (const char* bad : {"", "G", "-1", "12X", "101%", "%", "1.5G", "99999999999999999999"}) {
    EXPECT_EQ(ParseDataCacheSize(bad, dir.path()).status().code(), StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_FALSE(ParseDataCacheSize("50%", dir.path() + "/missing").ok());
}

}  // namespace
}  // namespace basalt
