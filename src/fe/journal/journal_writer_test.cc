#include "fe/journal/journal_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "common/io/fault_injection_file_system.h"
#include "common/io/local_file_system.h"
#include "common/io/temp_dir_for_test.h"
#include "fe/journal/journal_format.h"
#include "fe/journal/journal_reader.h"

namespace basalt::fe {
namespace {

class JournalWriterTest : public ::testing::Test {
 protected:
  std::unique_ptr<JournalWriter> NewWriter(uint64_t roll_bytes = 64ull << 20) {
    JournalOptions options;
    options.segment_roll_bytes = roll_bytes;
    auto writer = JournalWriter::Open(&fs_, dir_.path(), options, 1, std::nullopt);
    CHECK(writer.ok()) << writer.status();
    return std::move(writer).value();
  }

  std::vector<std::string> SegmentNames() {
    auto names = local_.GetChildren(dir_.path());
    CHECK(names.ok());
    std::vector<std::string> segments;
    for (const auto& name : *names) {
      if (ParseSeqFileName(name, kSegmentFilePrefix)) segments.push_back(name);
    }
    std::sort(segments.begin(), segments.end());
    return segments;
  }

  // All seqs found in the directory's segments, validating each as the reader would.
  std::vector<uint64_t> ReadAllSeqs() {
    std::vector<uint64_t> seqs;
    for (const auto& name : SegmentNames()) {
      std::string path = JoinPath(dir_.path(), name);
      auto contents = local_.ReadFileToString(path);
      CHECK(contents.ok());
      auto result = ReadSegment(path, *contents, *ParseSeqFileName(name, kSegmentFilePrefix),
                                false, [&](uint64_t seq, std::string_view) {
                                  seqs.push_back(seq);
                                  return Status::OK();
                                });
      CHECK(result.ok()) << result.status();
    }
    return seqs;
  }

  ScopedTempDir dir_;
  LocalFileSystem local_;
  FaultInjectionFileSystem fs_{&local_};
};

TEST_F(JournalWriterTest, AppendsAreDurableOnReturn) {
  auto writer = NewWriter();
  for (uint64_t i = 1; i <= 20; ++i) {
    auto seq = writer->Append("entry " + std::to_string(i));
    ASSERT_TRUE(seq.ok()) << seq.status();
    EXPECT_EQ(*seq, i);
    EXPECT_EQ(writer->last_seq(), i);
  }
  writer.reset();
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  std::vector<uint64_t> seqs = ReadAllSeqs();
  ASSERT_EQ(seqs.size(), 20u);
  EXPECT_EQ(seqs.back(), 20u);
}

TEST_F(JournalWriterTest, RollsSegmentsAtThreshold) {
  auto writer = NewWriter(/*roll_bytes=*/100);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(writer->Append(std::string(30, 'x')).ok());
  // Header 12 + records of 46 bytes: a segment is full after 2 records (104 >= 100).
  std::vector<std::string> names = SegmentNames();
  ASSERT_EQ(names.size(), 15u);
  EXPECT_EQ(names[0], SegmentFileName(1));
  EXPECT_EQ(names[1], SegmentFileName(3));
  EXPECT_EQ(names.back(), SegmentFileName(29));
  writer.reset();
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());  // Every new segment's directory entry was synced.
  EXPECT_EQ(ReadAllSeqs().size(), 30u);
}

TEST_F(JournalWriterTest, RefusesAppendsAfterAppendFailure) {
  auto writer = NewWriter();
  ASSERT_TRUE(writer->Append("one").ok());
  fs_.FailNextAppends(1, /*bytes_written_before_failure=*/5);
  auto failed = writer->Append("two");
  EXPECT_EQ(failed.status().code(), StatusCode::kIOError);
  EXPECT_FALSE(writer->health().ok());
  auto refused = writer->Append("three");
  EXPECT_EQ(refused.status().code(), StatusCode::kIOError);
  EXPECT_NE(refused.status().message().find("refuses appends"), std::string::npos)
      << refused.status();
  EXPECT_NE(refused.status().message().find("injected append failure"), std::string::npos);
  EXPECT_EQ(writer->last_seq(), 1u);
}

TEST_F(JournalWriterTest, RefusesAppendsAfterSyncFailure) {
  auto writer = NewWriter();
  ASSERT_TRUE(writer->Append("one").ok());
  fs_.FailNextSyncs(1);
  EXPECT_FALSE(writer->Append("two").ok());
  fs_.ClearFaults();
  EXPECT_FALSE(writer->Append("three").ok());
  EXPECT_EQ(writer->last_seq(), 1u);
}

TEST_F(JournalWriterTest, RefusesAppendsAfterFailedRoll) {
  // With a 1-byte threshold every append starts a new segment; fail each step of the roll.
  for (int step = 0; step < 3; ++step) {
    ScopedTempDir dir;
    JournalOptions options;
    options.segment_roll_bytes = 1;
    auto writer = JournalWriter::Open(&fs_, dir.path(), options, 1, std::nullopt);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append("one").ok());
    if (step == 0) fs_.FailNextAppends(1);   // Writing the new segment's header.
    if (step == 1) fs_.FailNextSyncs(1);     // Syncing the header.
    if (step == 2) fs_.FailNextDirSyncs(1);  // Syncing the directory.
    EXPECT_EQ((*writer)->Append("two").status().code(), StatusCode::kIOError) << step;
    fs_.ClearFaults();
    EXPECT_FALSE((*writer)->Append("three").ok()) << step;
    EXPECT_EQ((*writer)->last_seq(), 1u);
    writer->reset();
    ASSERT_TRUE(fs_.DropUnsyncedData().ok());
    auto names = local_.GetChildren(dir.path());
    ASSERT_TRUE(names.ok());
    // The failed segment was never made durable, so only journal.1 survives the crash.
    EXPECT_EQ(*names, std::vector<std::string>{SegmentFileName(1)}) << step;
  }
}

TEST_F(JournalWriterTest, OversizedPayloadIsRejectedWithoutBreakingTheWriter) {
  auto writer = NewWriter();
  std::string huge(kMaxRecordPayload + 1, 'x');
  EXPECT_EQ(writer->Append(huge).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(writer->health().ok());
  EXPECT_EQ(*writer->Append("fine"), 1u);
}

TEST_F(JournalWriterTest, ConcurrentAppendsGetDenseUniqueSeqs) {
  auto writer = NewWriter(/*roll_bytes=*/2048);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::vector<uint64_t>> seqs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto seq = writer->Append("t" + std::to_string(t) + "-" + std::to_string(i));
        CHECK(seq.ok()) << seq.status();
        seqs[t].push_back(*seq);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<uint64_t> all;
  for (const auto& per_thread : seqs) {
    EXPECT_TRUE(std::is_sorted(per_thread.begin(), per_thread.end()));
    all.insert(all.end(), per_thread.begin(), per_thread.end());
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i + 1);
  EXPECT_EQ(ReadAllSeqs(), all);
}

}  // namespace
}  // namespace basalt::fe
