#include "common/io/atomic_file.h"

#include <gtest/gtest.h>

#include "common/io/fault_injection_file_system.h"
#include "common/io/local_file_system.h"
#include "common/io/temp_dir_for_test.h"

namespace basalt {
namespace {

class AtomicFileTest : public ::testing::Test {
 protected:
  std::string Path(std::string_view name) const { return JoinPath(dir_.path(), name); }

  ScopedTempDir dir_;
  LocalFileSystem local_;
  FaultInjectionFileSystem fs_{&local_};
};

TEST_F(AtomicFileTest, WritesAndReplacesDurably) {
  ASSERT_TRUE(WriteFileAtomically(&fs_, Path("img"), "first").ok());
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  EXPECT_EQ(*fs_.ReadFileToString(Path("img")), "first");

  ASSERT_TRUE(WriteFileAtomically(&fs_, Path("img"), "second, longer").ok());
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  EXPECT_EQ(*fs_.ReadFileToString(Path("img")), "second, longer");
  EXPECT_FALSE(*fs_.FileExists(Path("img") + std::string(kAtomicTempSuffix)));
}

TEST_F(AtomicFileTest, FailedSyncLeavesOldContents) {
  ASSERT_TRUE(WriteFileAtomically(&fs_, Path("img"), "old").ok());
  fs_.FailNextSyncs(1);
  Status s = WriteFileAtomically(&fs_, Path("img"), "new");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_EQ(*fs_.ReadFileToString(Path("img")), "old");
  EXPECT_FALSE(*fs_.FileExists(Path("img") + std::string(kAtomicTempSuffix)));
}

TEST_F(AtomicFileTest, FailedAppendLeavesOldContents) {
  ASSERT_TRUE(WriteFileAtomically(&fs_, Path("img"), "old").ok());
  fs_.FailNextAppends(1, 2);
  EXPECT_FALSE(WriteFileAtomically(&fs_, Path("img"), "new").ok());
  EXPECT_EQ(*fs_.ReadFileToString(Path("img")), "old");
}

TEST_F(AtomicFileTest, CrashBeforeDirSyncYieldsOldOrNew) {
  ASSERT_TRUE(WriteFileAtomically(&fs_, Path("img"), "old").ok());
  // Rename happens, then the directory fsync fails: the caller must not assume the new contents
  // are durable, and after the crash the old contents are back.
  {
    auto file = fs_.NewWritableFile(Path("img.tmp"));
    ASSERT_TRUE((*file)->Append("new").ok());
    ASSERT_TRUE((*file)->Sync().ok());
  }
  fs_.FailNextDirSyncs(1);
  ASSERT_TRUE(fs_.RenameFile(Path("img.tmp"), Path("img")).ok());
  EXPECT_FALSE(fs_.SyncDir(dir_.path()).ok());
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  EXPECT_EQ(*fs_.ReadFileToString(Path("img")), "old");
}

TEST_F(AtomicFileTest, FailedDirSyncIsReported) {
  ASSERT_TRUE(WriteFileAtomically(&fs_, Path("img"), "old").ok());
  fs_.FailNextDirSyncs(1);
  EXPECT_EQ(WriteFileAtomically(&fs_, Path("img"), "new").code(), StatusCode::kIOError);
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  EXPECT_EQ(*fs_.ReadFileToString(Path("img")), "old");
}

TEST_F(AtomicFileTest, MissingDirectoryIsAnError) {
  Status s = WriteFileAtomically(&fs_, Path("nope/img"), "x");
  EXPECT_TRUE(s.IsNotFound()) << s;
  EXPECT_NE(s.message().find("nope/img"), std::string::npos);
}

}  // namespace
}  // namespace basalt
