#include "fe/journal/journal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "common/io/atomic_file.h"
#include "common/io/fault_injection_file_system.h"
#include "common/io/local_file_system.h"
#include "common/io/temp_dir_for_test.h"
#include "fe/journal/journal_format.h"

namespace basalt::fe {
namespace {

using Entry = std::pair<uint64_t, std::string>;

// A stand-in for the catalog: records what the journal hands it.
struct Replica {
  std::optional<Entry> image;
  std::vector<Entry> entries;

  Journal::Callbacks Callbacks() {
    return Journal::Callbacks{
        .load_image =
            [this](uint64_t seq, std::string_view bytes) {
              image = Entry(seq, std::string(bytes));
              return Status::OK();
            },
        .apply =
            [this](uint64_t seq, std::string_view payload) {
              if (!entries.empty() && entries.back().first + 1 != seq) {
                return Status::Internal("apply out of order at seq " + std::to_string(seq));
              }
              entries.emplace_back(seq, std::string(payload));
              return Status::OK();
            }};
  }
};

// Deterministic payloads of varying length, including NUL and high bytes.
std::string Payload(uint64_t i) {
  std::string payload = "entry-" + std::to_string(i) + ":";
  for (uint64_t k = 0; k < (i * 37) % 97; ++k) {
    payload.push_back(static_cast<char>((i + k * 11) & 0xff));
  }
  return payload;
}

std::vector<Entry> ExpectedEntries(uint64_t from, uint64_t to) {
  std::vector<Entry> entries;
  for (uint64_t i = from; i <= to; ++i) entries.emplace_back(i, Payload(i));
  return entries;
}

class JournalTest : public ::testing::Test {
 protected:
  JournalTest() { options_.segment_roll_bytes = 64ull << 20; }

  Result<std::unique_ptr<Journal>> OpenJournal(Replica* replica, FileSystem* fs = nullptr) {
    return Journal::Open(fs != nullptr ? fs : &local_, dir(), options_, replica->Callbacks());
  }

  std::unique_ptr<Journal> MustOpen(Replica* replica, FileSystem* fs = nullptr) {
    auto journal = OpenJournal(replica, fs);
    CHECK(journal.ok()) << journal.status();
    return std::move(journal).value();
  }

  void AppendRange(Journal* journal, uint64_t from, uint64_t to) {
    for (uint64_t i = from; i <= to; ++i) {
      auto seq = journal->Append(Payload(i));
      ASSERT_TRUE(seq.ok()) << seq.status();
      ASSERT_EQ(*seq, i);
    }
  }

  std::string dir() const { return JoinPath(root_.path(), "meta"); }
  std::string Path(std::string_view name) const { return JoinPath(dir(), name); }

  std::vector<std::string> Files(std::string_view prefix) {
    auto names = local_.GetChildren(dir());
    CHECK(names.ok()) << names.status();
    std::vector<std::string> out;
    for (auto& name : *names) {
      if (name.starts_with(prefix)) out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string ReadRaw(const std::string& path) {
    auto contents = local_.ReadFileToString(path);
    CHECK(contents.ok()) << contents.status();
    return std::move(contents).value();
  }

  void WriteRaw(const std::string& path, std::string_view bytes) {
    auto file = local_.NewWritableFile(path);
    CHECK(file.ok()) << file.status();
    CHECK_OK((*file)->Append(bytes));
    CHECK_OK((*file)->Close());
  }

  // Byte offset of each record in a segment written by this journal.
  std::vector<uint64_t> RecordOffsets(const std::string& path) {
    std::string bytes = ReadRaw(path);
    std::vector<uint64_t> offsets;
    for (uint64_t offset = kSegmentHeaderSize; offset < bytes.size();
         offset += kRecordHeaderSize + DecodeFixed32(bytes.data() + offset)) {
      offsets.push_back(offset);
    }
    return offsets;
  }

  ScopedTempDir root_;
  LocalFileSystem local_;
  JournalOptions options_;
};

TEST_F(JournalTest, NewDirectoryIsAnEmptyJournal) {
  Replica replica;
  auto journal = MustOpen(&replica);
  EXPECT_EQ(journal->last_seq(), 0u);
  EXPECT_EQ(journal->image_seq(), 0u);
  EXPECT_FALSE(replica.image.has_value());
  EXPECT_TRUE(replica.entries.empty());
  EXPECT_TRUE(Files("").empty());  // Nothing is created until the first append.
  journal.reset();

  Replica again;
  journal = MustOpen(&again);
  AppendRange(journal.get(), 1, 1);
  EXPECT_EQ(Files(""), std::vector<std::string>{SegmentFileName(1)});
}

TEST_F(JournalTest, RoundTripAcrossManySegmentRolls) {
  options_.segment_roll_bytes = 512;
  Replica live;
  auto journal = MustOpen(&live);
  AppendRange(journal.get(), 1, 600);
  EXPECT_EQ(live.entries, ExpectedEntries(1, 600));  // Live appends went through apply.
  journal.reset();
  EXPECT_GT(Files(kSegmentFilePrefix).size(), 20u);

  Replica replayed;
  journal = MustOpen(&replayed);
  EXPECT_EQ(replayed.entries, live.entries);
  EXPECT_EQ(journal->last_seq(), 600u);
  AppendRange(journal.get(), 601, 650);
  journal.reset();

  Replica again;
  journal = MustOpen(&again);
  EXPECT_EQ(again.entries, ExpectedEntries(1, 650));
}

TEST_F(JournalTest, AcknowledgedEntriesSurviveCrashAfterFailedSync) {
  FaultInjectionFileSystem fs(&local_);
  options_.segment_roll_bytes = 300;
  Replica replica;
  auto journal = MustOpen(&replica, &fs);
  AppendRange(journal.get(), 1, 40);

  // Entry 41 is written but its fdatasync fails: it is not acknowledged.
  fs.FailNextSyncs(1);
  EXPECT_EQ(journal->Append(Payload(41)).status().code(), StatusCode::kIOError);
  EXPECT_FALSE(journal->Append(Payload(42)).ok());
  journal.reset();  // The process dies...
  ASSERT_TRUE(fs.DropUnsyncedData().ok());  // ...and so does the page cache.

  Replica recovered;
  journal = MustOpen(&recovered, &fs);
  EXPECT_EQ(recovered.entries, ExpectedEntries(1, 40));
  AppendRange(journal.get(), 41, 45);
  journal.reset();
  Replica again;
  journal = MustOpen(&again, &fs);
  EXPECT_EQ(again.entries, ExpectedEntries(1, 45));
}

TEST_F(JournalTest, UnacknowledgedEntryMaySurviveButNeverDuplicates) {
  // The write reached the page cache and the crash kept it: entry 11 may appear, once, in order.
  FaultInjectionFileSystem fs(&local_);
  Replica replica;
  auto journal = MustOpen(&replica, &fs);
  AppendRange(journal.get(), 1, 10);
  fs.FailNextSyncs(1);
  EXPECT_FALSE(journal->Append(Payload(11)).ok());
  journal.reset();

  Replica recovered;
  journal = MustOpen(&recovered, &fs);
  EXPECT_EQ(recovered.entries, ExpectedEntries(1, 11));
  EXPECT_EQ(*journal->Append(Payload(12)), 12u);
}

// Many crashes at random points with random faults: whatever happens, every acknowledged entry is
// replayed exactly once, in order, and the journal keeps working afterwards.
TEST_F(JournalTest, RandomizedCrashRecovery) {
  FaultInjectionFileSystem fs(&local_);
  std::mt19937 rng(20240611);
  uint64_t acknowledged = 0;
  for (int round = 0; round < 60; ++round) {
    options_.segment_roll_bytes = 64 + rng() % 400;
    Replica replica;
    auto journal = MustOpen(&replica, &fs);
    ASSERT_GE(replica.entries.size(), acknowledged) << round;
    ASSERT_EQ(std::vector<Entry>(replica.entries.begin(), replica.entries.begin() + acknowledged),
              ExpectedEntries(1, acknowledged))
        << round;
    // An unacknowledged entry that survived is now part of history; it must be the expected one.
    ASSERT_LE(replica.entries.size(), acknowledged + 1) << round;
    if (replica.entries.size() == acknowledged + 1) {
      ASSERT_EQ(replica.entries.back(), Entry(acknowledged + 1, Payload(acknowledged + 1)));
      ++acknowledged;
    }
    int appends = static_cast<int>(rng() % 15);
    for (int i = 0; i < appends; ++i) {
      auto seq = journal->Append(Payload(acknowledged + 1));
      ASSERT_TRUE(seq.ok()) << seq.status();
      acknowledged = *seq;
    }
    switch (rng() % 4) {
      case 0: fs.FailNextAppends(1, rng() % 200); break;
      case 1: fs.FailNextSyncs(1); break;
      case 2: fs.FailNextDirSyncs(1); break;
      default: break;  // A clean crash between appends.
    }
    auto last = journal->Append(Payload(acknowledged + 1));
    if (last.ok()) acknowledged = *last;
    fs.ClearFaults();
    journal.reset();
    ASSERT_TRUE(fs.DropUnsyncedData().ok());
  }
  Replica final_state;
  auto journal = MustOpen(&final_state, &fs);
  EXPECT_EQ(final_state.entries, ExpectedEntries(1, acknowledged));
  EXPECT_GT(acknowledged, 100u);
}

TEST_F(JournalTest, TornTailAtEveryOffsetOfTheLastRecord) {
  Replica replica;
  auto journal = MustOpen(&replica);
  AppendRange(journal.get(), 1, 6);
  journal.reset();
  std::string segment = Path(SegmentFileName(1));
  std::string pristine = ReadRaw(segment);
  uint64_t last_start = RecordOffsets(segment).back();
  ASSERT_GT(pristine.size() - last_start, kRecordHeaderSize + 10);

  for (uint64_t cut = last_start; cut < pristine.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    WriteRaw(segment, std::string_view(pristine).substr(0, cut));
    Replica recovered;
    auto reopened = OpenJournal(&recovered);
    ASSERT_TRUE(reopened.ok()) << reopened.status();
    EXPECT_EQ(recovered.entries, ExpectedEntries(1, 5));
    EXPECT_EQ((*reopened)->last_seq(), 5u);
    EXPECT_EQ(*local_.GetFileSize(segment), last_start);  // The torn bytes were truncated.
    // Appending continues at the right seq, and the result replays cleanly.
    auto seq = (*reopened)->Append("replacement");
    ASSERT_TRUE(seq.ok()) << seq.status();
    EXPECT_EQ(*seq, 6u);
    reopened->reset();
    Replica after;
    auto again = OpenJournal(&after);
    ASSERT_TRUE(again.ok()) << again.status();
    ASSERT_EQ(after.entries.size(), 6u);
    EXPECT_EQ(after.entries.back(), Entry(6, "replacement"));
  }
}

TEST_F(JournalTest, TornTailOfZeroBytes) {
  Replica replica;
  auto journal = MustOpen(&replica);
  AppendRange(journal.get(), 1, 3);
  journal.reset();
  std::string segment = Path(SegmentFileName(1));
  uint64_t size = *local_.GetFileSize(segment);
  ASSERT_TRUE(local_.Truncate(segment, size + 4096).ok());  // Extended but never written.
  Replica recovered;
  journal = MustOpen(&recovered);
  EXPECT_EQ(recovered.entries, ExpectedEntries(1, 3));
  EXPECT_EQ(*local_.GetFileSize(segment), size);
}

TEST_F(JournalTest, TornHeaderOfNewestSegmentIsDropped) {
  options_.segment_roll_bytes = 1;  // One record per segment.
  Replica replica;
  auto journal = MustOpen(&replica);
  AppendRange(journal.get(), 1, 3);
  journal.reset();
  std::string header = EncodeSegmentHeader();
  for (size_t len = 0; len <= header.size(); ++len) {
    SCOPED_TRACE(len);
    // The crash hit while journal.4 was being created.
    std::string bytes = len < header.size() ? header.substr(0, len) : std::string(len, '\0');
    WriteRaw(Path(SegmentFileName(4)), bytes);
    Replica recovered;
    auto reopened = OpenJournal(&recovered);
    ASSERT_TRUE(reopened.ok()) << reopened.status();
    EXPECT_EQ(recovered.entries, ExpectedEntries(1, 3));
    EXPECT_FALSE(*local_.FileExists(Path(SegmentFileName(4))));
  }
  Replica recovered;
  journal = MustOpen(&recovered);
  AppendRange(journal.get(), 4, 5);
  journal.reset();
  Replica after;
  journal = MustOpen(&after);
  EXPECT_EQ(after.entries, ExpectedEntries(1, 5));
}

TEST_F(JournalTest, FlippedBitInMiddleRecordRefusesToStart) {
  Replica replica;
  auto journal = MustOpen(&replica);
  AppendRange(journal.get(), 1, 9);
  journal.reset();
  std::string segment = Path(SegmentFileName(1));
  std::string pristine = ReadRaw(segment);
  std::vector<uint64_t> offsets = RecordOffsets(segment);
  uint64_t start = offsets[4];
  uint64_t end = offsets[5];
  // Every bit of the record: header fields and payload.
  for (uint64_t bit = start * 8; bit < end * 8; ++bit) {
    SCOPED_TRACE("bit " + std::to_string(bit));
    std::string damaged = pristine;
    damaged[bit / 8] = static_cast<char>(damaged[bit / 8] ^ (1 << (bit % 8)));
    WriteRaw(segment, damaged);
    Replica recovered;
    auto reopened = OpenJournal(&recovered);
    ASSERT_FALSE(reopened.ok());
    const Status& s = reopened.status();
    EXPECT_TRUE(s.IsCorruption()) << s;
    EXPECT_NE(s.message().find(SegmentFileName(1)), std::string::npos) << s;
    EXPECT_NE(s.message().find("byte offset " + std::to_string(start) + ")"), std::string::npos)
        << s;
    EXPECT_NE(s.message().find("refuses to start"), std::string::npos) << s;
    // Nothing was truncated or rewritten: the evidence is left for the operator.
    EXPECT_EQ(ReadRaw(segment), damaged);
  }
}

TEST_F(JournalTest, DamageInEarlierSegmentIsCorruption) {
  options_.segment_roll_bytes = 200;
  Replica replica;
  auto journal = MustOpen(&replica);
  AppendRange(journal.get(), 1, 30);
  journal.reset();
  std::vector<std::string> segments = Files(kSegmentFilePrefix);
  ASSERT_GE(segments.size(), 4u);
  std::string second = Path(segments[1]);
  std::string pristine = ReadRaw(second);

  // A record cut off at the end of a segment that is not the last one.
  WriteRaw(second, std::string_view(pristine).substr(0, pristine.size() - 1));
  Replica r1;
  auto cut = OpenJournal(&r1);
  ASSERT_TRUE(cut.status().IsCorruption()) << cut.status();
  EXPECT_NE(cut.status().message().find(segments[1]), std::string::npos);

  // Trailing zeros in a segment that is not the last one.
  WriteRaw(second, pristine + std::string(20, '\0'));
  Replica r2;
  EXPECT_TRUE(OpenJournal(&r2).status().IsCorruption());

  // Bad magic.
  std::string bad_magic = pristine;
  bad_magic[1] ^= 0x20;
  WriteRaw(second, bad_magic);
  Replica r3;
  auto magic = OpenJournal(&r3);
  ASSERT_TRUE(magic.status().IsCorruption());
  EXPECT_NE(magic.status().message().find("byte offset 0)"), std::string::npos);

  // A missing middle segment is a sequence gap.
  WriteRaw(second, pristine);
  ASSERT_TRUE(local_.RemoveFile(Path(segments[2])).ok());
  Replica r4;
  auto gap = OpenJournal(&r4);
  ASSERT_TRUE(gap.status().IsCorruption());
  EXPECT_NE(gap.status().message().find(segments[3]), std::string::npos) << gap.status();

  // A missing first segment (and no image to cover it) is a gap too.
  ASSERT_TRUE(local_.RemoveFile(Path(segments[0])).ok());
  Replica r5;
  auto head = OpenJournal(&r5);
  ASSERT_TRUE(head.status().IsCorruption());
  EXPECT_NE(head.status().message().find("entries 1.."), std::string::npos) << head.status();
}

TEST_F(JournalTest, ImageTruncatesOldSegmentsAndReplaysOnlyNewerEntries) {
  options_.segment_roll_bytes = 300;
  Replica replica;
  auto journal = MustOpen(&replica);
  AppendRange(journal.get(), 1, 100);
  size_t segments_before = Files(kSegmentFilePrefix).size();
  std::string image("catalog image\0\xff with binary", 28);
  ASSERT_TRUE(journal->WriteImage(60, image).ok());
  EXPECT_EQ(journal->image_seq(), 60u);
  EXPECT_EQ(Files(kImageFilePrefix), std::vector<std::string>{ImageFileName(60)});

  // Every segment whose entries are all <= 60 is gone; the one holding 61 is kept.
  std::vector<std::string> segments = Files(kSegmentFilePrefix);
  EXPECT_LT(segments.size(), segments_before);
  uint64_t first = *ParseSeqFileName(segments[0], kSegmentFilePrefix);
  EXPECT_LE(first, 61u);
  ASSERT_GE(segments.size(), 2u);
  EXPECT_GT(*ParseSeqFileName(segments[1], kSegmentFilePrefix), 61u);

  AppendRange(journal.get(), 101, 120);
  journal.reset();

  Replica recovered;
  journal = MustOpen(&recovered);
  ASSERT_TRUE(recovered.image.has_value());
  EXPECT_EQ(*recovered.image, Entry(60, image));
  EXPECT_EQ(recovered.entries, ExpectedEntries(61, 120));
  EXPECT_EQ(journal->last_seq(), 120u);
  EXPECT_EQ(journal->image_seq(), 60u);

  // A newer image replaces the older one and trims further.
  ASSERT_TRUE(journal->WriteImage(120, "image at 120").ok());
  EXPECT_EQ(Files(kImageFilePrefix), std::vector<std::string>{ImageFileName(120)});
  EXPECT_EQ(Files(kSegmentFilePrefix).size(), 1u);
  journal.reset();
  Replica last;
  journal = MustOpen(&last);
  EXPECT_EQ(*last.image, Entry(120, "image at 120"));
  EXPECT_TRUE(last.entries.empty());
  AppendRange(journal.get(), 121, 125);
  journal.reset();
  Replica after;
  journal = MustOpen(&after);
  EXPECT_EQ(after.entries, ExpectedEntries(121, 125));
}

TEST_F(JournalTest, ImageIsDurableUnderFaultInjection) {
  FaultInjectionFileSystem fs(&local_);
  Replica replica;
  auto journal = MustOpen(&replica, &fs);
  AppendRange(journal.get(), 1, 10);
  // Failures at each step of the image write, each followed by a crash: no image survives and
  // the journal replays from scratch.
  for (int step = 0; step < 3; ++step) {
    SCOPED_TRACE(step);
    if (step == 0) fs.FailNextAppends(1, 7);
    if (step == 1) fs.FailNextSyncs(1);
    if (step == 2) fs.FailNextDirSyncs(1);
    EXPECT_EQ(journal->WriteImage(10, "lost image").code(), StatusCode::kIOError);
    EXPECT_EQ(journal->image_seq(), 0u);
    journal.reset();
    ASSERT_TRUE(fs.DropUnsyncedData().ok());
    Replica recovered;
    journal = MustOpen(&recovered, &fs);
    EXPECT_FALSE(recovered.image.has_value());
    EXPECT_EQ(recovered.entries, ExpectedEntries(1, 10));
  }
  ASSERT_TRUE(journal->WriteImage(5, "image 5").ok());
  journal.reset();
  ASSERT_TRUE(fs.DropUnsyncedData().ok());
  Replica recovered;
  journal = MustOpen(&recovered, &fs);
  EXPECT_EQ(*recovered.image, Entry(5, "image 5"));
  EXPECT_EQ(recovered.entries, ExpectedEntries(6, 10));
}

TEST_F(JournalTest, CorruptNewestImageFallsBackToOlderImage) {
  Replica replica;
  auto journal = MustOpen(&replica);  // One big segment: WriteImage never deletes it.
  AppendRange(journal.get(), 1, 50);
  ASSERT_TRUE(journal->WriteImage(20, "image 20").ok());
  std::string image20 = ReadRaw(Path(ImageFileName(20)));
  ASSERT_TRUE(journal->WriteImage(40, "image 40").ok());
  journal.reset();
  WriteRaw(Path(ImageFileName(20)), image20);  // As if cleanup had not run yet.
  std::string image40 = ReadRaw(Path(ImageFileName(40)));
  image40[kImageHeaderSize + 2] ^= 1;
  WriteRaw(Path(ImageFileName(40)), image40);

  Replica recovered;
  journal = MustOpen(&recovered);
  EXPECT_EQ(*recovered.image, Entry(20, "image 20"));
  EXPECT_EQ(recovered.entries, ExpectedEntries(21, 50));
  journal.reset();

  // With no older image, the segments alone still hold everything from seq 1.
  ASSERT_TRUE(local_.RemoveFile(Path(ImageFileName(20))).ok());
  Replica from_scratch;
  journal = MustOpen(&from_scratch);
  EXPECT_FALSE(from_scratch.image.has_value());
  EXPECT_EQ(from_scratch.entries, ExpectedEntries(1, 50));
}

TEST_F(JournalTest, CorruptNewestImageWithoutCoverageIsCorruption) {
  options_.segment_roll_bytes = 200;
  Replica replica;
  auto journal = MustOpen(&replica);
  AppendRange(journal.get(), 1, 50);
  ASSERT_TRUE(journal->WriteImage(40, "image 40").ok());  // Deletes the early segments.
  journal.reset();
  std::string path = Path(ImageFileName(40));
  std::string image = ReadRaw(path);
  image[kImageHeaderSize] ^= 4;
  WriteRaw(path, image);

  Replica recovered;
  auto reopened = OpenJournal(&recovered);
  ASSERT_FALSE(reopened.ok());
  EXPECT_TRUE(reopened.status().IsCorruption()) << reopened.status();
  EXPECT_NE(reopened.status().message().find(ImageFileName(40)), std::string::npos)
      << reopened.status();
  EXPECT_NE(reopened.status().message().find("byte offset"), std::string::npos);
  EXPECT_FALSE(recovered.image.has_value());
  EXPECT_TRUE(recovered.entries.empty());

  // A truncated image is also caught, with its offset.
  WriteRaw(path, std::string_view(image).substr(0, 10));
  Replica again;
  auto truncated = OpenJournal(&again);
  EXPECT_TRUE(truncated.status().IsCorruption());
  EXPECT_NE(truncated.status().message().find("byte offset 10)"), std::string::npos)
      << truncated.status();
}

TEST_F(JournalTest, ImageAheadOfSegmentsStartsANewSegment) {
  Replica replica;
  auto journal = MustOpen(&replica);
  AppendRange(journal.get(), 1, 10);
  ASSERT_TRUE(journal->WriteImage(10, "image 10").ok());
  journal.reset();
  // Lose entries 9 and 10 from the segment at a record boundary.
  std::string segment = Path(SegmentFileName(1));
  ASSERT_TRUE(local_.Truncate(segment, RecordOffsets(segment)[8]).ok());

  Replica recovered;
  journal = MustOpen(&recovered);
  EXPECT_EQ(*recovered.image, Entry(10, "image 10"));
  EXPECT_TRUE(recovered.entries.empty());
  EXPECT_EQ(journal->last_seq(), 10u);
  AppendRange(journal.get(), 11, 12);
  EXPECT_TRUE(*local_.FileExists(Path(SegmentFileName(11))));
  journal.reset();
  Replica after;
  journal = MustOpen(&after);
  EXPECT_EQ(after.entries, ExpectedEntries(11, 12));
}

TEST_F(JournalTest, WriteImageValidatesSeq) {
  Replica replica;
  auto journal = MustOpen(&replica);
  EXPECT_EQ(journal->WriteImage(1, "x").code(), StatusCode::kInvalidArgument);
  AppendRange(journal.get(), 1, 5);
  EXPECT_EQ(journal->WriteImage(0, "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(journal->WriteImage(6, "x").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(journal->WriteImage(4, "x").ok());
  EXPECT_EQ(journal->WriteImage(3, "x").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(journal->WriteImage(4, "rewritten").ok());
}

TEST_F(JournalTest, RefusesAppendsAfterInjectedIOError) {
  FaultInjectionFileSystem fs(&local_);
  Replica replica;
  auto journal = MustOpen(&replica, &fs);
  AppendRange(journal.get(), 1, 3);
  fs.FailNextAppends(1);
  auto failed = journal->Append(Payload(4));
  EXPECT_EQ(failed.status().code(), StatusCode::kIOError);
  fs.ClearFaults();
  for (int i = 0; i < 3; ++i) {
    auto refused = journal->Append(Payload(4));
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.status().message().find("refuses appends"), std::string::npos)
        << refused.status();
  }
  EXPECT_EQ(replica.entries, ExpectedEntries(1, 3));  // Nothing unacknowledged was applied.
  EXPECT_EQ(journal->last_seq(), 3u);
  journal.reset();
  Replica recovered;
  journal = MustOpen(&recovered, &fs);
  EXPECT_EQ(recovered.entries, ExpectedEntries(1, 3));
  AppendRange(journal.get(), 4, 4);
}

TEST_F(JournalTest, ApplyFailureOnLivePathStopsAppendsButEntryIsDurable) {
  int calls = 0;
  Journal::Callbacks callbacks{
      .load_image = [](uint64_t, std::string_view) { return Status::OK(); },
      .apply =
          [&calls](uint64_t seq, std::string_view) {
            ++calls;
            return seq == 2 ? Status::InvalidArgument("cannot apply") : Status::OK();
          }};
  auto journal = Journal::Open(&local_, dir(), options_, callbacks);
  ASSERT_TRUE(journal.ok());
  ASSERT_TRUE((*journal)->Append("a").ok());
  auto failed = (*journal)->Append("b");
  EXPECT_EQ(failed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(failed.status().message().find("entry 2 is durable"), std::string::npos);
  EXPECT_FALSE((*journal)->Append("c").ok());
  journal->reset();

  // The same apply fails during replay, so the journal refuses to open rather than skip it.
  auto reopened = Journal::Open(&local_, dir(), options_, callbacks);
  EXPECT_EQ(reopened.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(reopened.status().message().find("replaying journal entry 2"), std::string::npos);
}

TEST_F(JournalTest, IgnoresStrangersAndRemovesLeftoverTempImages) {
  ASSERT_TRUE(local_.CreateDirs(dir()).ok());
  WriteRaw(Path("README"), "not ours");
  WriteRaw(Path("journal.12"), "wrong digit count, not ours");
  WriteRaw(Path(ImageFileName(7) + std::string(kAtomicTempSuffix)), "half an image");
  Replica replica;
  auto journal = MustOpen(&replica);
  EXPECT_FALSE(*local_.FileExists(Path(ImageFileName(7) + std::string(kAtomicTempSuffix))));
  EXPECT_TRUE(*local_.FileExists(Path("README")));
  AppendRange(journal.get(), 1, 2);
  journal.reset();
  Replica again;
  journal = MustOpen(&again);
  EXPECT_EQ(again.entries, ExpectedEntries(1, 2));
}

TEST_F(JournalTest, MissingCallbacksAreRejected) {
  auto journal = Journal::Open(&local_, dir(), options_, Journal::Callbacks{});
  EXPECT_EQ(journal.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(JournalTest, ConcurrentAppendsApplyInSeqOrder) {
  options_.segment_roll_bytes = 1024;
  Replica replica;
  auto journal = MustOpen(&replica);  // Replica::apply rejects out-of-order seqs.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&journal, t] {
      for (int i = 0; i < 40; ++i) {
        auto seq = journal->Append("thread " + std::to_string(t) + " entry " + std::to_string(i));
        CHECK(seq.ok()) << seq.status();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(replica.entries.size(), 160u);
  journal.reset();
  Replica recovered;
  journal = MustOpen(&recovered);
  EXPECT_EQ(recovered.entries, replica.entries);
}

}  // namespace
}  // namespace basalt::fe
