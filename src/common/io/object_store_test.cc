// The conformance suite over the in-process implementations and the decorators, plus the
// behaviour specific to each (fault rules, local layout, prefix mapping, latency).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>

#include "common/io/fault_injecting_object_store.h"
#include "common/io/local_object_store.h"
#include "common/io/memory_object_store.h"
#include "common/io/object_store_conformance.h"
#include "common/io/prefixed_object_store.h"
#include "common/io/slow_object_store.h"
#include "common/io/temp_dir_for_test.h"

namespace basalt {
namespace {

using ::testing::HasSubstr;

Result<ObjectStoreTestTarget> InMemory() {
  return ObjectStoreTestTarget{std::make_shared<InMemoryObjectStore>(), nullptr, ""};
}

Result<ObjectStoreTestTarget> LocalInTempDir() {
  auto dir = std::make_shared<ScopedTempDir>();
  ASSIGN_OR_RETURN(std::unique_ptr<LocalObjectStore> store,
                   LocalObjectStore::Open(dir->path() + "/objects"));
  // The cleanup owns the directory, so it outlives the store's use in the test.
  return ObjectStoreTestTarget{std::move(store), [dir] {}, ""};
}

INSTANTIATE_TEST_SUITE_P(
    InProcess, ObjectStoreConformanceTest,
    ::testing::Values(
        ObjectStoreFactory{"Memory", InMemory},
        ObjectStoreFactory{"Local", LocalInTempDir},
        ObjectStoreFactory{"FaultInjectingWithoutFaults",
                           [] {
                             return Result<ObjectStoreTestTarget>(ObjectStoreTestTarget{
                                 std::make_shared<FaultInjectingObjectStore>(
                                     std::make_shared<InMemoryObjectStore>()),
                                 nullptr, ""});
                           }},
        ObjectStoreFactory{"PrefixedMemory",
                           []() -> Result<ObjectStoreTestTarget> {
                             auto base = std::make_shared<InMemoryObjectStore>();
                             // Neighbours outside the prefix must stay invisible.
                             RETURN_IF_ERROR(base->Put("tenant", "outside"));
                             RETURN_IF_ERROR(base->Put("tenant0/x", "outside"));
                             ASSIGN_OR_RETURN(auto store,
                                              PrefixedObjectStore::Make(base, "tenant/"));
                             return ObjectStoreTestTarget{std::move(store), nullptr, ""};
                           }},
        ObjectStoreFactory{"PrefixedLocal",
                           []() -> Result<ObjectStoreTestTarget> {
                             ASSIGN_OR_RETURN(ObjectStoreTestTarget local, LocalInTempDir());
                             ASSIGN_OR_RETURN(auto store,
                                              PrefixedObjectStore::Make(local.store, "a/b/"));
                             return ObjectStoreTestTarget{std::move(store), local.cleanup, ""};
                           }},
        ObjectStoreFactory{"SlowMemory",
                           [] {
                             return Result<ObjectStoreTestTarget>(ObjectStoreTestTarget{
                                 std::make_shared<SlowObjectStore>(
                                     std::make_shared<InMemoryObjectStore>(),
                                     std::chrono::microseconds(0),
                                     std::chrono::microseconds(50)),
                                 nullptr, ""});
                           }}),
    ObjectStoreFactoryName);

// ------------------------------------------------------------------------------------------------
// FaultInjectingObjectStore

class FaultInjectingObjectStoreTest : public ::testing::Test {
 protected:
  std::shared_ptr<InMemoryObjectStore> base_ = std::make_shared<InMemoryObjectStore>();
  FaultInjectingObjectStore faulty_{base_};
};

TEST_F(FaultInjectingObjectStoreTest, FailsTheNthMatchingCall) {
  FaultRule rule;
  rule.ops = static_cast<uint32_t>(ObjectStoreOp::kPut);
  rule.skip = 2;  // The third put fails.
  faulty_.AddFault(rule);
  EXPECT_TRUE(faulty_.Put("a", "1").ok());
  EXPECT_TRUE(faulty_.Get("a").ok());  // Other operations do not count.
  EXPECT_TRUE(faulty_.Put("b", "2").ok());
  Status third = faulty_.Put("c", "3");
  EXPECT_EQ(third.code(), StatusCode::kIOError);
  EXPECT_THAT(third.message(), HasSubstr("injected fault: put 'c'"));
  EXPECT_FALSE(base_->Head("c")->has_value()) << "a failed-before put must not write";
  EXPECT_TRUE(faulty_.Put("d", "4").ok()) << "count defaults to one failure";
  EXPECT_EQ(faulty_.injected_failures(), 1);
}

TEST_F(FaultInjectingObjectStoreTest, FailsCallsMatchingAKeyGlobWithTimedOut) {
  FaultRule rule;
  rule.key_glob = "segments/*.dat";
  rule.count = -1;
  rule.code = StatusCode::kTimedOut;
  faulty_.AddFault(rule);
  EXPECT_TRUE(faulty_.Put("meta/1", "m").ok());
  EXPECT_EQ(faulty_.Put("segments/t1/s1.dat", "d").code(), StatusCode::kTimedOut);
  EXPECT_EQ(faulty_.Get("segments/t1/s1.dat").status().code(), StatusCode::kTimedOut);
  EXPECT_EQ(faulty_.GetRange("segments/x.dat", 0, 1).status().code(), StatusCode::kTimedOut);
  EXPECT_EQ(faulty_.Head("segments/x.dat").status().code(), StatusCode::kTimedOut);
  EXPECT_EQ(faulty_.Delete("segments/x.dat").code(), StatusCode::kTimedOut);
  std::vector<std::string> keys = {"meta/1", "segments/y.dat"};
  EXPECT_EQ(faulty_.DeleteMany(keys).code(), StatusCode::kTimedOut);
  EXPECT_TRUE(base_->Head("meta/1")->has_value()) << "the failed batch deleted nothing";
  EXPECT_EQ(faulty_.injected_failures(), 6);
  faulty_.ClearFaults();
  EXPECT_TRUE(faulty_.Put("segments/t1/s1.dat", "d").ok());
}

TEST_F(FaultInjectingObjectStoreTest, AfterApplyPerformsTheWriteButReportsFailure) {
  FaultRule rule;
  rule.ops = ObjectStoreOp::kPut | ObjectStoreOp::kDelete;
  rule.count = 2;
  rule.when = FaultRule::When::kAfterApply;
  faulty_.AddFault(rule);
  Status put = faulty_.Put("k", "written anyway");
  EXPECT_EQ(put.code(), StatusCode::kIOError);
  EXPECT_THAT(put.message(), HasSubstr("applied"));
  EXPECT_EQ(base_->Get("k")->value(), "written anyway");
  EXPECT_FALSE(faulty_.Delete("k").ok());
  EXPECT_FALSE(base_->Head("k")->has_value()) << "the delete happened";
  EXPECT_TRUE(faulty_.Put("k", "v").ok());
}

TEST_F(FaultInjectingObjectStoreTest, ListFaultsMatchThePrefix) {
  FaultRule rule;
  rule.ops = static_cast<uint32_t>(ObjectStoreOp::kList);
  rule.key_glob = "txn/*";
  faulty_.AddFault(rule);
  ASSERT_TRUE(faulty_.Put("txn/1", "x").ok());
  EXPECT_TRUE(faulty_.ListAll("data/").ok());
  EXPECT_EQ(faulty_.ListAll("txn/").status().code(), StatusCode::kIOError);
  EXPECT_TRUE(faulty_.ListAll("txn/").ok());
}

// ------------------------------------------------------------------------------------------------
// LocalObjectStore

TEST(LocalObjectStoreTest, KeysAreFilesAndDeleteLeavesNoEmptyDirectories) {
  ScopedTempDir dir;
  auto store = LocalObjectStore::Open(dir.path() + "/root/");
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Put("db1/t1/p1/seg 1.dat", "data").ok());
  EXPECT_TRUE(std::filesystem::is_regular_file(dir.path() + "/root/db1/t1/p1/seg 1.dat"));
  ASSERT_TRUE((*store)->Put("db1/keep", "k").ok());
  ASSERT_TRUE((*store)->Delete("db1/t1/p1/seg 1.dat").ok());
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/root/db1/t1"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/root/db1/keep"));
  // No temp files are left behind by successful puts.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() + "/root/.basalt-tmp"));
}

TEST(LocalObjectStoreTest, TheTempDirectoryIsReservedAndHidden) {
  ScopedTempDir dir;
  auto store = LocalObjectStore::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Put(".basalt-tmp/x", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE((*store)->Put(".basalt-tmpx", "fine").ok());
  EXPECT_TRUE((*store)->Put("a/.basalt-tmp", "fine too").ok());
  auto all = (*store)->ListAll();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].key, ".basalt-tmpx");
  EXPECT_EQ((*all)[1].key, "a/.basalt-tmp");
}

TEST(LocalObjectStoreTest, AnObjectCannotAlsoBeADirectory) {
  ScopedTempDir dir;
  auto store = LocalObjectStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  EXPECT_FALSE((*store)->capabilities().object_and_prefix_may_share_name);
  ASSERT_TRUE((*store)->Put("x", "object").ok());
  Status nested = (*store)->Put("x/y", "nested");
  EXPECT_EQ(nested.code(), StatusCode::kNotSupported) << nested;
  EXPECT_EQ((*store)->Get("x")->value(), "object");
  EXPECT_FALSE((*store)->Get("x/y")->has_value());
  ASSERT_TRUE((*store)->Put("p/q", "nested").ok());
  Status outer = (*store)->Put("p", "object");
  EXPECT_EQ(outer.code(), StatusCode::kNotSupported) << outer;
  EXPECT_EQ((*store)->Get("p/q")->value(), "nested");
  EXPECT_FALSE((*store)->Head("p")->has_value());
}

TEST(LocalObjectStoreTest, ObjectsSurviveReopening) {
  ScopedTempDir dir;
  {
    auto store = LocalObjectStore::Open(dir.path());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Put("x/y", "persisted").ok());
  }
  auto store = LocalObjectStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Get("x/y")->value(), "persisted");
}

TEST(LocalObjectStoreTest, RootThatIsAFileIsAnError) {
  ScopedTempDir dir;
  auto store = LocalObjectStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put("file", "x").ok());
  auto bad = LocalObjectStore::Open(dir.path() + "/file");
  EXPECT_EQ(bad.status().code(), StatusCode::kIOError) << bad.status();
}

// ------------------------------------------------------------------------------------------------
// PrefixedObjectStore and SlowObjectStore

TEST(PrefixedObjectStoreTest, MapsKeysUnderThePrefix) {
  auto base = std::make_shared<InMemoryObjectStore>();
  auto store = PrefixedObjectStore::Make(base, "volume/v1/");
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Put("t/1", "x").ok());
  EXPECT_TRUE(base->Head("volume/v1/t/1")->has_value());
  auto head = (*store)->Head("t/1");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ((*head)->key, "t/1");
  EXPECT_EQ((*store)->DebugName(), "memory/volume/v1/");
}

TEST(PrefixedObjectStoreTest, RejectsBadPrefixes) {
  auto base = std::make_shared<InMemoryObjectStore>();
  for (std::string prefix : {"", "no-slash", "/lead/", "a//", "../x/"}) {
    EXPECT_EQ(PrefixedObjectStore::Make(base, prefix).status().code(),
              StatusCode::kInvalidArgument)
        << prefix;
  }
}

TEST(SlowObjectStoreTest, AddsLatencyToEveryCall) {
  SlowObjectStore slow(std::make_shared<InMemoryObjectStore>(), std::chrono::milliseconds(20));
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(slow.Put("k", "v").ok());
  ASSERT_TRUE(slow.Get("k").ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(40));
}

}  // namespace
}  // namespace basalt

namespace basalt {
namespace {

TEST(ValidateObjectKeyTest, LengthLimitIsInBytes) {
  EXPECT_TRUE(ValidateObjectKey(std::string(kMaxObjectKeyBytes, 'k')).ok());
  EXPECT_EQ(ValidateObjectKey(std::string(kMaxObjectKeyBytes + 1, 'k')).code(),
            StatusCode::kInvalidArgument);
  // 341 three-byte characters = 1023 bytes; one more is over.
  std::string cjk;
  for (int i = 0; i < 341; ++i) cjk += "\xE6\x97\xA5";
  EXPECT_TRUE(ValidateObjectKey(cjk).ok());
  EXPECT_FALSE(ValidateObjectKey(cjk + "\xE6\x97\xA5").ok());
  EXPECT_FALSE(ValidateObjectKey("surrogate \xED\xA0\x80").ok());
  EXPECT_TRUE(ValidateObjectKey(".hidden/..dots/...").ok());
}

TEST(LocalObjectStoreTest, SegmentsLongerThanAFileNameAreRejected) {
  ScopedTempDir dir;
  auto store = LocalObjectStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->Put(std::string(255, 'n'), "x").ok());
  EXPECT_EQ((*store)->Put("a/" + std::string(256, 'n'), "x").code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace basalt
