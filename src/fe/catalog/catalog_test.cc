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

proto::JournalEntry CreateTable(const std::string& db, const std::string& name, int64_t id) {
  proto::JournalEntry e;
  auto* t = e.mutable_create_table()->mutable_table();
  t->set_id(id);
  t->set_db(db);
  t->set_name(name);
  t->set_keys_type("DUP_KEYS");
  t->add_key_columns("k");
  for (const char* c : {"k", "v"}) {
    auto* col = t->add_columns();
    col->set_name(c);
    col->set_type_id(5);
    col->set_type_sql("bigint(20)");
    col->set_is_key(std::string(c) == "k");
  }
  t->mutable_distribution()->set_kind("RANDOM");
  t->mutable_distribution()->set_buckets(1);
  (*t->mutable_properties())["storage_volume"] = "vol";
  return e;
}

std::vector<std::string> ColumnNames(const proto::TableMeta& t) {
  std::vector<std::string> names;
  for (const auto& c : t.columns()) names.push_back(c.name());
  return names;
}

TEST(CatalogTest, TableLifecycleAndImageRoundTrip) {
  Catalog catalog;
  ASSERT_TRUE(catalog.Apply(CreateDb("a")).ok());
  ASSERT_TRUE(catalog.Apply(CreateTable("a", "t1", 20000)).ok());
  ASSERT_TRUE(catalog.Apply(CreateTable("a", "t2", 20001)).ok());
  EXPECT_GT(catalog.PeekNextId(), 20001);

  proto::JournalEntry add;
  auto* a = add.mutable_alter_table_add_column();
  a->set_db("a");
  a->set_name("t1");
  a->mutable_column()->set_name("mid");
  a->set_position(1);
  ASSERT_TRUE(catalog.Apply(add).ok());
  EXPECT_EQ(ColumnNames(*catalog.FindTable("a", "t1")), (std::vector<std::string>{"k", "mid", "v"}));

  proto::JournalEntry drop_col;
  drop_col.mutable_alter_table_drop_column()->set_db("a");
  drop_col.mutable_alter_table_drop_column()->set_name("t1");
  drop_col.mutable_alter_table_drop_column()->set_column("v");
  ASSERT_TRUE(catalog.Apply(drop_col).ok());
  EXPECT_EQ(ColumnNames(*catalog.FindTable("a", "t1")), (std::vector<std::string>{"k", "mid"}));
  EXPECT_EQ(catalog.FindTable("a", "t1")->schema_version(), 2);

  proto::JournalEntry truncate;
  truncate.mutable_truncate_table()->set_db("a");
  truncate.mutable_truncate_table()->set_name("t1");
  truncate.mutable_truncate_table()->set_data_version(1);
  ASSERT_TRUE(catalog.Apply(truncate).ok());

  proto::JournalEntry drop;
  drop.mutable_drop_table()->set_db("a");
  drop.mutable_drop_table()->set_name("t2");
  ASSERT_TRUE(catalog.Apply(drop).ok());
  EXPECT_FALSE(catalog.FindTable("a", "t2"));

  Catalog copy;
  ASSERT_TRUE(copy.LoadImage(catalog.SnapshotImage()).ok());
  auto t1 = copy.FindTable("a", "t1");
  ASSERT_TRUE(t1);
  EXPECT_EQ(t1->data_version(), 1);
  EXPECT_EQ(ColumnNames(*t1), (std::vector<std::string>{"k", "mid"}));
  EXPECT_EQ(t1->properties().at("storage_volume"), "vol");
  EXPECT_EQ(copy.ListTables("a").size(), 1u);
  EXPECT_EQ(copy.ListAllTables().size(), 1u);

  // Dropping the database drops its tables.
  proto::JournalEntry drop_db;
  drop_db.mutable_drop_database()->set_name("a");
  ASSERT_TRUE(copy.Apply(drop_db).ok());
  EXPECT_TRUE(copy.ListAllTables().empty());
  ASSERT_TRUE(copy.Apply(CreateDb("a")).ok());
  EXPECT_FALSE(copy.FindTable("a", "t1"));
}

TEST(CatalogTest, ContradictoryTableEntriesAreCorruption) {
  Catalog catalog;
  EXPECT_TRUE(catalog.Apply(CreateTable("missing_db", "t", 20000)).IsCorruption());
  ASSERT_TRUE(catalog.Apply(CreateDb("a")).ok());
  ASSERT_TRUE(catalog.Apply(CreateTable("a", "t", 20000)).ok());
  EXPECT_TRUE(catalog.Apply(CreateTable("a", "t", 20001)).IsCorruption());
  proto::JournalEntry drop;
  drop.mutable_drop_table()->set_db("a");
  drop.mutable_drop_table()->set_name("nope");
  EXPECT_TRUE(catalog.Apply(drop).IsCorruption());
  proto::JournalEntry add;
  add.mutable_alter_table_add_column()->set_db("a");
  add.mutable_alter_table_add_column()->set_name("t");
  add.mutable_alter_table_add_column()->set_position(7);
  EXPECT_TRUE(catalog.Apply(add).IsCorruption());
  proto::JournalEntry drop_col;
  drop_col.mutable_alter_table_drop_column()->set_db("a");
  drop_col.mutable_alter_table_drop_column()->set_name("t");
  drop_col.mutable_alter_table_drop_column()->set_column("nope");
  EXPECT_TRUE(catalog.Apply(drop_col).IsCorruption());
}

TEST(MetaStoreTest, TablesSurviveRestart) {
  ScopedTempDir dir;
  {
    Catalog catalog;
    auto store = MetaStore::Open(LocalFileSystem::Default(), dir.path(), &catalog);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Submit(CreateDb("a")).ok());
    ASSERT_TRUE((*store)->Submit(CreateTable("a", "before_image", 30000)).ok());
    ASSERT_TRUE((*store)->Checkpoint().ok());
    ASSERT_TRUE((*store)->Submit(CreateTable("a", "after_image", 30001)).ok());
  }
  Catalog recovered;
  auto store = MetaStore::Open(LocalFileSystem::Default(), dir.path(), &recovered);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE(recovered.FindTable("a", "before_image"));
  EXPECT_TRUE(recovered.FindTable("a", "after_image"));
  EXPECT_GT(recovered.PeekNextId(), 30001);
}

}  // namespace
}  // namespace basalt::fe
