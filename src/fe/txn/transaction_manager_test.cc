#include "fe/txn/transaction_manager.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/io/local_file_system.h"
#include "common/io/temp_dir_for_test.h"
#include "fe/catalog/table_layout.h"

namespace basalt::fe {
namespace {

// A catalog with database d (id 1), volume v and table d.t of 2 buckets in one partition.
class TransactionManagerTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    catalog_ = std::make_unique<Catalog>();
    auto store = MetaStore::Open(LocalFileSystem::Default(), dir_.path(), catalog_.get());
    ASSERT_TRUE(store.ok()) << store.status();
    meta_ = std::move(*store);
    txns_ = std::make_unique<TransactionManager>(catalog_.get(), meta_.get());
    if (catalog_->FindTable("d", "t")) return;
    proto::JournalEntry volume;
    auto* v = volume.mutable_create_storage_volume()->mutable_volume();
    v->set_id(100);
    v->set_name("v");
    v->set_type("LOCAL");
    v->add_locations("file:///nowhere");
    ASSERT_TRUE(meta_->Submit(volume).ok());
    proto::JournalEntry db;
    db.mutable_create_database()->mutable_database()->set_name("d");
    db.mutable_create_database()->mutable_database()->set_id(1);
    ASSERT_TRUE(meta_->Submit(db).ok());
    proto::JournalEntry create;
    proto::TableMeta* table = create.mutable_create_table()->mutable_table();
    table->set_id(catalog_->PeekNextId());
    table->set_db("d");
    table->set_name("t");
    table->mutable_distribution()->set_kind("RANDOM");
    table->mutable_distribution()->set_buckets(2);
    (*table->mutable_properties())["storage_volume"] = "v";
    int64_t next = table->id() + 1;
    CreateInitialPartitions(table, &next);
    ASSERT_TRUE(meta_->Submit(create).ok());
  }

  proto::TableMeta Table() { return *catalog_->FindTable("d", "t"); }

  std::vector<proto::TabletCommitPB> OneRowsetPerTablet(int64_t txn_id, int64_t rows) {
    std::vector<proto::TabletCommitPB> out;
    proto::TableMeta table = Table();
    for (const auto& tablet : table.partitions(0).tablets()) {
      proto::TabletCommitPB tc;
      tc.set_partition_id(table.partitions(0).id());
      tc.set_tablet_id(tablet.id());
      tc.mutable_rowset()->set_txn_id(txn_id);
      tc.mutable_rowset()->set_num_rows(rows);
      auto* segment = tc.mutable_rowset()->add_segments();
      segment->set_key("k" + std::to_string(tablet.id()) + "_" + std::to_string(txn_id));
      segment->set_num_rows(rows);
      out.push_back(tc);
    }
    return out;
  }

  BeginTxnRequest Request(const std::string& label) {
    BeginTxnRequest r;
    r.db = "d";
    r.table = "t";
    r.label = label;
    proto::TableMeta table = Table();
    for (const auto& tablet : table.partitions(0).tablets()) r.tablet_ids.push_back(tablet.id());
    return r;
  }

  ScopedTempDir dir_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<MetaStore> meta_;
  std::unique_ptr<TransactionManager> txns_;
};

TEST_F(TransactionManagerTest, CommitPublishesRowsetsAndBumpsTheVersionOnce) {
  auto txn = txns_->Begin(Request("l1"));
  ASSERT_TRUE(txn.ok()) << txn.status();
  EXPECT_EQ(Table().partitions(0).visible_version(), 1);
  EXPECT_EQ(RowCountOf(Table().partitions(0)), 0);
  ASSERT_TRUE(txns_->Commit(txn->txn_id(), OneRowsetPerTablet(txn->txn_id(), 5), 10, 0).ok());
  EXPECT_EQ(Table().partitions(0).visible_version(), 2);
  EXPECT_EQ(RowCountOf(Table().partitions(0)), 10);
  EXPECT_EQ(catalog_->FindLabel(1, "l1")->status(), "VISIBLE");
  EXPECT_FALSE(catalog_->FindRunningTxn(txn->txn_id()));
  // Committing again is refused: the transaction is no longer running.
  auto again = txns_->Commit(txn->txn_id(), OneRowsetPerTablet(txn->txn_id(), 5), 10, 0);
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(RowCountOf(Table().partitions(0)), 10);
}

TEST_F(TransactionManagerTest, LabelsAreUniqueUnlessAborted) {
  auto first = txns_->Begin(Request("same"));
  ASSERT_TRUE(first.ok());
  auto clash = txns_->Begin(Request("same"));
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.status().message(), "Label [same] has already been used.");
  ASSERT_TRUE(txns_->Abort(first->txn_id(), "test").ok());
  auto reuse = txns_->Begin(Request("same"));
  ASSERT_TRUE(reuse.ok()) << reuse.status();
  EXPECT_GT(reuse->txn_id(), first->txn_id());
  ASSERT_TRUE(txns_->Commit(reuse->txn_id(), OneRowsetPerTablet(reuse->txn_id(), 1), 2, 0).ok());
  EXPECT_FALSE(txns_->Begin(Request("same")).ok());
}

TEST_F(TransactionManagerTest, RoutineLoadLabelsAreNotKept) {
  BeginTxnRequest r = Request("clicks-1-task");
  r.source_type = "ROUTINE_LOAD";
  auto txn = txns_->Begin(r);
  ASSERT_TRUE(txn.ok()) << txn.status();
  EXPECT_FALSE(catalog_->FindLabel(1, "clicks-1-task"));
  ASSERT_TRUE(txns_->Commit(txn->txn_id(), OneRowsetPerTablet(txn->txn_id(), 2), 4, 0).ok());
  EXPECT_FALSE(catalog_->FindLabel(1, "clicks-1-task"));
  EXPECT_EQ(RowCountOf(Table().partitions(0)), 4);
}

TEST_F(TransactionManagerTest, AbortRecordsOrphansAndFencesLateCommits) {
  auto txn = txns_->Begin(Request("a"));
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE(txns_->Abort(txn->txn_id(), "compute node lost").ok());
  EXPECT_TRUE(txns_->Abort(txn->txn_id(), "twice is fine").ok());
  auto late = txns_->Commit(txn->txn_id(), OneRowsetPerTablet(txn->txn_id(), 3), 6, 0);
  EXPECT_FALSE(late.ok());
  EXPECT_EQ(RowCountOf(Table().partitions(0)), 0);
  std::vector<proto::OrphanPB> orphans = catalog_->ListOrphans();
  ASSERT_EQ(orphans.size(), 4u);  // data/ and log/ prefixes of 2 tablets
  for (const auto& o : orphans) {
    EXPECT_EQ(o.txn_id(), txn->txn_id());
    EXPECT_EQ(o.volume_name(), "v");
    EXPECT_NE(o.prefix().find("_"), std::string::npos);
  }
}

TEST_F(TransactionManagerTest, TimedOutTransactionCannotCommit) {
  BeginTxnRequest r = Request("slow");
  r.timeout = std::chrono::milliseconds(1);
  auto txn = txns_->Begin(r);
  ASSERT_TRUE(txn.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto late = txns_->Commit(txn->txn_id(), OneRowsetPerTablet(txn->txn_id(), 3), 6, 0);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kTimedOut);
  EXPECT_FALSE(catalog_->FindRunningTxn(txn->txn_id()));  // aborted on the way out
  EXPECT_EQ(catalog_->FindLabel(1, "slow")->status(), "ABORTED");
}

TEST_F(TransactionManagerTest, TruncateFencesTransactionsOnTheOldTablets) {
  auto txn = txns_->Begin(Request("t"));
  ASSERT_TRUE(txn.ok());
  std::vector<proto::TabletCommitPB> written = OneRowsetPerTablet(txn->txn_id(), 3);
  proto::JournalEntry truncate;
  truncate.mutable_truncate_table()->set_db("d");
  truncate.mutable_truncate_table()->set_name("t");
  int64_t next = catalog_->PeekNextId();
  *truncate.mutable_truncate_table()->mutable_partitions() = EmptyCopiesOfPartitions(Table(), &next);
  ASSERT_TRUE(meta_->Submit(truncate).ok());
  EXPECT_FALSE(txns_->Commit(txn->txn_id(), written, 6, 0).ok());
  EXPECT_EQ(RowCountOf(Table().partitions(0)), 0);
}

TEST_F(TransactionManagerTest, StateSurvivesRestartAndStartupAbortsRunningInserts) {
  auto committed = txns_->Begin(Request("c"));
  ASSERT_TRUE(committed.ok());
  ASSERT_TRUE(txns_->Commit(committed->txn_id(), OneRowsetPerTablet(committed->txn_id(), 4), 8, 0).ok());
  ASSERT_TRUE(meta_->Checkpoint().ok());
  auto running = txns_->Begin(Request("r"));
  ASSERT_TRUE(running.ok());
  int64_t next_before = catalog_->PeekNextId();

  txns_.reset();
  meta_.reset();
  Open();
  EXPECT_EQ(RowCountOf(Table().partitions(0)), 8);
  EXPECT_EQ(Table().partitions(0).visible_version(), 2);
  ASSERT_TRUE(catalog_->FindRunningTxn(running->txn_id()));
  EXPECT_GE(catalog_->PeekNextId(), next_before);  // ids never repeat
  auto aborted = txns_->AbortOrphanedAtStartup();
  ASSERT_TRUE(aborted.ok());
  EXPECT_EQ(*aborted, 1);
  EXPECT_FALSE(catalog_->FindRunningTxn(running->txn_id()));
  EXPECT_EQ(catalog_->FindLabel(1, "c")->status(), "VISIBLE");
  EXPECT_EQ(catalog_->FindLabel(1, "r")->status(), "ABORTED");
}

}  // namespace
}  // namespace basalt::fe
