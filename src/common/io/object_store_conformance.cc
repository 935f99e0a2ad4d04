#include "common/io/object_store_conformance.h"

#include <gmock/gmock.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace basalt {

std::string ObjectStoreFactoryName(const ::testing::TestParamInfo<ObjectStoreFactory>& info) {
  return info.param.name;
}

void PrintTo(const ObjectStoreFactory& factory, std::ostream* os) { *os << factory.name; }

void ObjectStoreConformanceTest::SetUp() {
  Result<ObjectStoreTestTarget> target = GetParam().make();
  ASSERT_TRUE(target.ok()) << target.status();
  target_ = std::move(target).value();
  if (!target_.skip_reason.empty()) GTEST_SKIP() << target_.skip_reason;
  ASSERT_NE(target_.store, nullptr);
}

void ObjectStoreConformanceTest::TearDown() {
  if (target_.cleanup) target_.cleanup();
}

namespace {

using ::testing::ElementsAre;

// Deterministic bytes that differ per seed and contain every byte value, NUL included.
std::string Bytes(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < size; ++i) {
    x = x * 1664525u + 1013904223u;
    out[i] = static_cast<char>(x >> 24);
  }
  return out;
}

// Runs fn(i) for i in [0, n) on `threads` threads.
void ParallelFor(int n, int threads, const std::function<void(int)>& fn) {
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = next++; i < n; i = next++) fn(i);
    });
  }
  for (std::thread& w : workers) w.join();
}

std::vector<std::string> Keys(const std::vector<ObjectInfo>& infos) {
  std::vector<std::string> keys;
  for (const ObjectInfo& info : infos) keys.push_back(info.key);
  return keys;
}

#define ASSERT_OK(expr)                            \
  do {                                             \
    ::basalt::Status _st = ::basalt::internal::ToStatus((expr)); \
    ASSERT_TRUE(_st.ok()) << _st;                  \
  } while (0)

// Unwraps a Result<std::optional<T>> that must be OK and hold a value.
template <typename T>
T Present(Result<std::optional<T>> result) {
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok()) return T();
  EXPECT_TRUE(result->has_value());
  if (!result->has_value()) return T();
  return std::move(**result);
}

template <typename T>
void ExpectAbsent(const Result<std::optional<T>>& result) {
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->has_value());
}

TEST_P(ObjectStoreConformanceTest, PutThenGetReturnsTheBytes) {
  std::string data = Bytes(4099, 1);
  ASSERT_OK(store().Put("dir/object.bin", data));
  EXPECT_EQ(Present(store().Get("dir/object.bin")), data);
  ObjectInfo info = Present(store().Head("dir/object.bin"));
  EXPECT_EQ(info.key, "dir/object.bin");
  EXPECT_EQ(info.size, data.size());
}

TEST_P(ObjectStoreConformanceTest, MissingKeyIsAnAnswerNotAnError) {
  ExpectAbsent(store().Get("no/such/key"));
  ExpectAbsent(store().GetRange("no/such/key", 0, 10));
  ExpectAbsent(store().GetRange("no/such/key", 0, 0));
  ExpectAbsent(store().Head("no/such/key"));
  ASSERT_OK(store().Put("no/such", "x"));  // A prefix of the missing key exists.
  ExpectAbsent(store().Get("no/such/key"));
  ExpectAbsent(store().Head("no/such/key"));
  ExpectAbsent(store().Head("no"));  // A "directory" is not an object.
}

TEST_P(ObjectStoreConformanceTest, EmptyObject) {
  ASSERT_OK(store().Put("empty", ""));
  EXPECT_EQ(Present(store().Get("empty")), "");
  EXPECT_EQ(Present(store().Head("empty")).size, 0u);
  EXPECT_EQ(Present(store().GetRange("empty", 0, 10)), "");
  EXPECT_EQ(Present(store().GetRange("empty", 5, 10)), "");
  Result<std::vector<ObjectInfo>> all = store().ListAll();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(*all, ElementsAre(ObjectInfo{"empty", 0}));
}

TEST_P(ObjectStoreConformanceTest, RangedGet) {
  std::string data = Bytes(1000, 2);
  ASSERT_OK(store().Put("ranged", data));
  EXPECT_EQ(Present(store().GetRange("ranged", 0, 10)), data.substr(0, 10));
  EXPECT_EQ(Present(store().GetRange("ranged", 100, 250)), data.substr(100, 250));
  EXPECT_EQ(Present(store().GetRange("ranged", 990, 10)), data.substr(990));
  EXPECT_EQ(Present(store().GetRange("ranged", 0, 1000)), data);
  // Past the end: cut short, then empty; never an error.
  EXPECT_EQ(Present(store().GetRange("ranged", 995, 100)), data.substr(995));
  EXPECT_EQ(Present(store().GetRange("ranged", 0, UINT64_MAX)), data);
  EXPECT_EQ(Present(store().GetRange("ranged", 999, UINT64_MAX)), data.substr(999));
  EXPECT_EQ(Present(store().GetRange("ranged", 1000, 10)), "");
  EXPECT_EQ(Present(store().GetRange("ranged", 5000, 10)), "");
  EXPECT_EQ(Present(store().GetRange("ranged", 10, 0)), "");
}

TEST_P(ObjectStoreConformanceTest, PutReplacesAnExistingObject) {
  ASSERT_OK(store().Put("k", Bytes(5000, 3)));
  std::string shorter = Bytes(17, 4);
  ASSERT_OK(store().Put("k", shorter));
  EXPECT_EQ(Present(store().Get("k")), shorter);
  EXPECT_EQ(Present(store().Head("k")).size, 17u);
  std::string longer = Bytes(9000, 5);
  ASSERT_OK(store().Put("k", longer));
  EXPECT_EQ(Present(store().Get("k")), longer);
  Result<std::vector<ObjectInfo>> all = store().ListAll();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(*all, ElementsAre(ObjectInfo{"k", 9000}));
}

TEST_P(ObjectStoreConformanceTest, ListIsSortedWithSizesAndFiltersByBytePrefix) {
  for (std::string key : {"b/2", "a/bc", "a/b/1", "a/b/0", "c", "a/b", "ab"}) {
    if (key == "a/b" && !store().capabilities().object_and_prefix_may_share_name) continue;
    ASSERT_OK(store().Put(key, std::string(key.size(), 'x')));
  }
  bool shared = store().capabilities().object_and_prefix_may_share_name;
  Result<std::vector<ObjectInfo>> all = store().ListAll();
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<std::string> expected = {"a/b", "a/b/0", "a/b/1", "a/bc", "ab", "b/2", "c"};
  if (!shared) expected.erase(expected.begin());
  EXPECT_EQ(Keys(*all), expected);
  for (const ObjectInfo& info : *all) EXPECT_EQ(info.size, info.key.size()) << info.key;

  Result<std::vector<ObjectInfo>> ab = store().ListAll("a/b");
  ASSERT_TRUE(ab.ok()) << ab.status();
  std::vector<std::string> expected_ab = {"a/b", "a/b/0", "a/b/1", "a/bc"};
  if (!shared) expected_ab.erase(expected_ab.begin());
  EXPECT_EQ(Keys(*ab), expected_ab);

  Result<std::vector<ObjectInfo>> dir = store().ListAll("a/b/");
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_EQ(Keys(*dir), (std::vector<std::string>{"a/b/0", "a/b/1"}));

  Result<std::vector<ObjectInfo>> none = store().ListAll("zzz");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());

  ListOptions options;
  options.prefix = "nothing/here/";
  Result<ListPage> page = store().List(options);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->objects.empty());
  EXPECT_TRUE(page->next_continuation_token.empty());
}

TEST_P(ObjectStoreConformanceTest, ObjectAndPrefixWithTheSameName) {
  // Only where the backend promises it; elsewhere what happens is implementation-specific (the
  // local store refuses, MinIO accepts but lists only one of them) and is tested per backend.
  // Not a GTEST_SKIP: the e2e run requires zero skipped S3 tests.
  if (!store().capabilities().object_and_prefix_may_share_name) return;
  ASSERT_OK(store().Put("x", "object"));
  ASSERT_OK(store().Put("x/y", "nested"));
  EXPECT_EQ(Present(store().Get("x")), "object");
  EXPECT_EQ(Present(store().Get("x/y")), "nested");
  Result<std::vector<ObjectInfo>> all = store().ListAll();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(Keys(*all), (std::vector<std::string>{"x", "x/y"}));
}

TEST_P(ObjectStoreConformanceTest, ListPaginatesAcrossMoreThanOneThousandKeys) {
  constexpr int kKeys = 1100;
  auto key_of = [](int i) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "many/%05d", i);
    return std::string(buf);
  };
  std::atomic<int> failures{0};
  ParallelFor(kKeys, 8, [&](int i) {
    if (!store().Put(key_of(i), std::to_string(i)).ok()) ++failures;
  });
  ASSERT_EQ(failures.load(), 0);
  ASSERT_OK(store().Put("other", "not listed under many/"));

  // Default page size: S3 caps a page at 1000, so at least two pages.
  Result<std::vector<ObjectInfo>> all = store().ListAll("many/");
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), static_cast<size_t>(kKeys));
  for (int i = 0; i < kKeys; ++i) {
    ASSERT_EQ((*all)[i].key, key_of(i));
    ASSERT_EQ((*all)[i].size, std::to_string(i).size());
  }

  // Small pages: every page holds at most max_keys, pages are in order, nothing twice.
  ListOptions options;
  options.prefix = "many/";
  options.max_keys = 97;
  std::vector<std::string> seen;
  int pages = 0;
  do {
    Result<ListPage> page = store().List(options);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_LE(page->objects.size(), 97u);
    for (ObjectInfo& info : page->objects) seen.push_back(std::move(info.key));
    options.continuation_token = page->next_continuation_token;
    ASSERT_LT(++pages, 1000) << "listing does not terminate";
  } while (!options.continuation_token.empty());
  EXPECT_GE(pages, 12);
  ASSERT_EQ(seen.size(), static_cast<size_t>(kKeys));
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());

  // max_keys out of range is clamped, not rejected.
  options.continuation_token.clear();
  options.max_keys = 0;
  Result<ListPage> one = store().List(options);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->objects.size(), 1u);
  options.max_keys = 5000;
  Result<ListPage> capped = store().List(options);
  ASSERT_TRUE(capped.ok()) << capped.status();
  EXPECT_EQ(capped->objects.size(), 1000u);
  EXPECT_FALSE(capped->next_continuation_token.empty());

  // Clean up with the batch delete (more than one S3 batch).
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; ++i) keys.push_back(key_of(i));
  ASSERT_OK(store().DeleteMany(keys));
  Result<std::vector<ObjectInfo>> after = store().ListAll("many/");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE(after->empty());
}

TEST_P(ObjectStoreConformanceTest, DeleteRemovesAndMissingKeyIsOk) {
  ASSERT_OK(store().Put("d/1", "one"));
  ASSERT_OK(store().Put("d/2", "two"));
  ASSERT_OK(store().Delete("d/1"));
  ExpectAbsent(store().Get("d/1"));
  ExpectAbsent(store().Head("d/1"));
  ASSERT_OK(store().Delete("d/1"));
  ASSERT_OK(store().Delete("never/existed"));
  ASSERT_OK(store().Delete("d"));  // Only a prefix, not an object.
  EXPECT_EQ(Present(store().Get("d/2")), "two");
  Result<std::vector<ObjectInfo>> all = store().ListAll();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(Keys(*all), std::vector<std::string>{"d/2"});
  // A deleted key can be written again.
  ASSERT_OK(store().Put("d/1", "again"));
  EXPECT_EQ(Present(store().Get("d/1")), "again");
}

TEST_P(ObjectStoreConformanceTest, DeleteManyIncludingMissingKeys) {
  std::vector<std::string> keys;
  for (int i = 0; i < 30; ++i) {
    keys.push_back("batch/" + std::to_string(i));
    ASSERT_OK(store().Put(keys.back(), "v"));
  }
  ASSERT_OK(store().Put("batch-keep", "k"));
  keys.push_back("batch/missing-1");
  keys.push_back("batch/missing-2");
  ASSERT_OK(store().DeleteMany(keys));
  Result<std::vector<ObjectInfo>> all = store().ListAll();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(Keys(*all), std::vector<std::string>{"batch-keep"});
  ASSERT_OK(store().DeleteMany(std::span<const std::string>()));
}

TEST_P(ObjectStoreConformanceTest, LargeObject) {
  // Above the multipart threshold the S3 factories configure (5 MiB), with a short last part.
  std::string data = Bytes((11u << 20) + 123, 6);
  ASSERT_OK(store().Put("large/object", data));
  EXPECT_EQ(Present(store().Head("large/object")).size, data.size());
  std::string got = Present(store().Get("large/object"));
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data) << "content differs";
  // A range across the first part boundary, and the tail.
  uint64_t boundary = 5u << 20;
  EXPECT_TRUE(Present(store().GetRange("large/object", boundary - 10, 20)) ==
              data.substr(boundary - 10, 20));
  EXPECT_TRUE(Present(store().GetRange("large/object", data.size() - 50, 100)) ==
              data.substr(data.size() - 50));
}

TEST_P(ObjectStoreConformanceTest, KeysWithCharactersThatNeedEncoding) {
  const std::vector<std::string> keys = {
      "with space/a b",
      "plus+sign=equals",
      "percent%20literal",
      "query?and#hash",
      "amp&lt<gt>quote\"apos'",
      "sub-delims!$&'()*,;:@",
      "tilde~under_score.dot-dash",
      "brackets[]{}|^`",
      "unicode/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E/\xD0\xBA\xD0\xBB\xD1\x8E\xD1\x87",
      "emoji/\xF0\x9F\x99\x82",
      "trailing space ",
      "-leading-dash",
  };
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_OK(store().Put(keys[i], "value " + std::to_string(i)));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(Present(store().Get(keys[i])), "value " + std::to_string(i)) << keys[i];
    EXPECT_EQ(Present(store().Head(keys[i])).size, ("value " + std::to_string(i)).size());
    EXPECT_EQ(Present(store().GetRange(keys[i], 6, 100)), std::to_string(i)) << keys[i];
  }
  Result<std::vector<ObjectInfo>> all = store().ListAll();
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(Keys(*all), sorted);
  // Prefixes with special characters are encoded in the query string.
  Result<std::vector<ObjectInfo>> plus = store().ListAll("plus+sign=");
  ASSERT_TRUE(plus.ok()) << plus.status();
  EXPECT_EQ(Keys(*plus), std::vector<std::string>{"plus+sign=equals"});
  Result<std::vector<ObjectInfo>> spaced = store().ListAll("with space/");
  ASSERT_TRUE(spaced.ok()) << spaced.status();
  EXPECT_EQ(Keys(*spaced), std::vector<std::string>{"with space/a b"});
  Result<std::vector<ObjectInfo>> unicode = store().ListAll("unicode/\xE6\x97\xA5");
  ASSERT_TRUE(unicode.ok()) << unicode.status();
  EXPECT_EQ(unicode->size(), 1u);

  ASSERT_OK(store().Delete(keys[0]));
  ExpectAbsent(store().Get(keys[0]));
  ASSERT_OK(store().DeleteMany(std::span<const std::string>(keys).subspan(1)));
  Result<std::vector<ObjectInfo>> after = store().ListAll();
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE(after->empty()) << after->front().key;
}

TEST_P(ObjectStoreConformanceTest, InvalidKeysAreRejected) {
  const std::vector<std::string> bad = {
      "", "/leading", "trailing/", "double//slash", "./dot", "a/../b", "a/.",
      std::string("nul\0byte", 8), "ctrl\x01", "bad utf8 \xC3", "overlong \xC0\xAF",
      std::string(kMaxObjectKeyBytes + 1, 'k')};
  for (const std::string& key : bad) {
    EXPECT_EQ(store().Put(key, "x").code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store().Get(key).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store().Head(key).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store().Delete(key).code(), StatusCode::kInvalidArgument) << key;
  }
  // Long keys work (file systems limit a name to 255 bytes, so segments stay shorter; a prefixed
  // store spends some of the 1024 bytes on its prefix).
  std::string long_key;
  for (int i = 0; i < 8; ++i) long_key += (i ? "/" : "") + std::string(100, static_cast<char>('a' + i));
  ASSERT_OK(store().Put(long_key, "long key"));
  EXPECT_EQ(Present(store().Get(long_key)), "long key");
}

TEST_P(ObjectStoreConformanceTest, ConcurrentPutsFromSeveralThreads) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 16;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string key = "conc/" + std::to_string(t) + "/" + std::to_string(i);
        if (!store().Put(key, Bytes(100 + i, t * 100 + i)).ok()) ++failures;
        // Everyone also fights over one key; the winner's bytes must be intact.
        if (!store().Put("conc/shared", Bytes(64 << 10, t)).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      std::string key = "conc/" + std::to_string(t) + "/" + std::to_string(i);
      ASSERT_EQ(Present(store().Get(key)), Bytes(100 + i, t * 100 + i)) << key;
    }
  }
  std::string shared = Present(store().Get("conc/shared"));
  bool matches_one = false;
  for (int t = 0; t < kThreads; ++t) matches_one |= shared == Bytes(64 << 10, t);
  EXPECT_TRUE(matches_one) << "the shared object is a mix of writers";
  Result<std::vector<ObjectInfo>> all = store().ListAll("conc/");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), static_cast<size_t>(kThreads * kPerThread + 1));
}

TEST_P(ObjectStoreConformanceTest, ReadersNeverSeeAPartialObject) {
  const std::string a(256 << 10, 'a');
  const std::string b(128 << 10, 'b');
  ASSERT_OK(store().Put("flip", a));
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        Result<std::optional<std::string>> got = store().Get("flip");
        if (!got.ok() || !got->has_value() || !(**got == a || **got == b)) ++bad;
      }
    });
  }
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK(store().Put("flip", i % 2 == 0 ? b : a));
  }
  done = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace basalt
