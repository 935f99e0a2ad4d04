#include "fe/catalog/catalog.h"

#include <gtest/gtest.h>

#include "common/io/fault_injection_file_system.h"
#include "common/io/local_file_system.h"
#include "common/io/temp_dir_for_test.h"

namespace basalt::fe {
namespace {

proto::JournalEntry CreateDb(const std::string& name) {
  proto::JournalEntry e;
  e.mutable_create_database()->mutable_database()->set_name(name);
  return e;
}

TEST(MetaStoreTest, AcknowledgedDdlSurvivesLosingUnsyncedData) {
  ScopedTempDir dir;
  FaultInjectionFileSystem fs(LocalFileSystem::Default());
  std::string meta = dir.path() + "/meta";
  {
    Catalog catalog;
    auto store = MetaStore::Open(&fs, meta, &catalog);
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 0; i < 20; ++i) ASSERT_TRUE((*store)->Submit(CreateDb("db" + std::to_string(i))).ok());
    ASSERT_TRUE((*store)->Checkpoint().ok());
    for (int i = 20; i < 30; ++i) ASSERT_TRUE((*store)->Submit(CreateDb("db" + std::to_string(i))).ok());
    // A failed sync: that DDL is not acknowledged and may or may not survive.
    fs.FailNextSyncs(1);
    EXPECT_FALSE((*store)->Submit(CreateDb("unacknowledged")).ok());
  }
  ASSERT_TRUE(fs.DropUnsyncedData().ok());
  fs.ClearFaults();
  Catalog recovered;
  auto store = MetaStore::Open(&fs, meta, &recovered);
  ASSERT_TRUE(store.ok()) << store.status();
  for (int i = 0; i < 30; ++i) EXPECT_TRUE(recovered.FindDatabase("db" + std::to_string(i))) << i;
  EXPECT_TRUE(recovered.FindUser("root"));
}

TEST(MetaStoreTest, ValidationFailureWritesNothing) {
  ScopedTempDir dir;
  Catalog catalog;
  auto store = MetaStore::Open(LocalFileSystem::Default(), dir.path(), &catalog);
  ASSERT_TRUE(store.ok());
  uint64_t before = (*store)->last_seq();
  auto rejected = (*store)->Submit(CreateDb("x"), [](const Catalog&, proto::JournalEntry*) {
    return Status::InvalidArgument("no");
  });
  EXPECT_FALSE(rejected.ok());
  EXPECT_EQ((*store)->last_seq(), before);
  EXPECT_FALSE(catalog.FindDatabase("x"));
}

TEST(CatalogTest, ImageRoundTripKeepsEverything) {
  Catalog catalog;
  ASSERT_TRUE(catalog.Apply(CreateDb("a")).ok());
  proto::JournalEntry volume;
  auto* v = volume.mutable_create_storage_volume()->mutable_volume();
  v->set_name("vol");
  v->set_type("S3");
  v->set_id(10500);
  ASSERT_TRUE(catalog.Apply(volume).ok());
  proto::JournalEntry def;
  def.mutable_set_default_storage_volume()->set_name("vol");
  ASSERT_TRUE(catalog.Apply(def).ok());
  Catalog copy;
  ASSERT_TRUE(copy.LoadImage(catalog.SnapshotImage()).ok());
  EXPECT_TRUE(copy.FindDatabase("a"));
  EXPECT_TRUE(copy.FindStorageVolume("vol"));
  EXPECT_EQ(copy.default_storage_volume(), "vol");
  EXPECT_GT(copy.PeekNextId(), 10500);
}

TEST(CatalogTest, ContradictoryEntriesAreCorruption) {
  Catalog catalog;
  ASSERT_TRUE(catalog.Apply(CreateDb("a")).ok());
  EXPECT_TRUE(catalog.Apply(CreateDb("a")).IsCorruption());
  proto::JournalEntry drop;
  drop.mutable_drop_storage_volume()->set_name("missing");
  EXPECT_TRUE(catalog.Apply(drop).IsCorruption());
  EXPECT_TRUE(catalog.Apply(proto::JournalEntry()).IsCorruption());
}

}  // namespace
}  // namespace basalt::fe
