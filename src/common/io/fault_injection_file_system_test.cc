#include "common/io/fault_injection_file_system.h"

#include <gtest/gtest.h>

#include "common/io/local_file_system.h"
#include "common/io/temp_dir_for_test.h"

namespace basalt {
namespace {

class FaultInjectionFileSystemTest : public ::testing::Test {
 protected:
  std::string Path(std::string_view name) const { return JoinPath(dir_.path(), name); }

  std::unique_ptr<WritableFile> Create(const std::string& path) {
    auto file = fs_.NewWritableFile(path);
    CHECK(file.ok()) << file.status();
    return std::move(file).value();
  }

  ScopedTempDir dir_;
  LocalFileSystem local_;
  FaultInjectionFileSystem fs_{&local_};
};

TEST_F(FaultInjectionFileSystemTest, DropsBytesAfterLastSync) {
  auto file = Create(Path("f"));
  ASSERT_TRUE(fs_.SyncDir(dir_.path()).ok());
  ASSERT_TRUE(file->Append("durable").ok());
  ASSERT_TRUE(file->Sync().ok());
  ASSERT_TRUE(file->Append("-lost").ok());
  EXPECT_EQ(fs_.SyncedSizeForTest(Path("f")), 7u);
  file.reset();

  EXPECT_EQ(*fs_.ReadFileToString(Path("f")), "durable-lost");
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  EXPECT_EQ(*fs_.ReadFileToString(Path("f")), "durable");
  EXPECT_EQ(fs_.SyncedSizeForTest(Path("f")), std::nullopt);
}

TEST_F(FaultInjectionFileSystemTest, NewFileWithoutDirSyncVanishes) {
  auto file = Create(Path("new"));
  ASSERT_TRUE(file->Append("synced but not linked").ok());
  ASSERT_TRUE(file->Sync().ok());
  file.reset();
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  EXPECT_FALSE(*fs_.FileExists(Path("new")));
}

TEST_F(FaultInjectionFileSystemTest, PreexistingFilesAreDurable) {
  {
    auto file = local_.NewWritableFile(Path("old"));
    ASSERT_TRUE((*file)->Append("before").ok());
    ASSERT_TRUE((*file)->Close().ok());
  }
  auto file = fs_.NewAppendableFile(Path("old"));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append(" after").ok());
  file->reset();
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  EXPECT_EQ(*fs_.ReadFileToString(Path("old")), "before");
}

TEST_F(FaultInjectionFileSystemTest, RenameWithoutDirSyncRestoresReplacedFile) {
  {
    auto file = Create(Path("target"));
    ASSERT_TRUE(file->Append("v1").ok());
    ASSERT_TRUE(file->Sync().ok());
    ASSERT_TRUE(fs_.SyncDir(dir_.path()).ok());
  }
  {
    auto file = Create(Path("target.tmp"));
    ASSERT_TRUE(file->Append("v2").ok());
    ASSERT_TRUE(file->Sync().ok());
  }
  ASSERT_TRUE(fs_.RenameFile(Path("target.tmp"), Path("target")).ok());
  EXPECT_EQ(*fs_.ReadFileToString(Path("target")), "v2");
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  EXPECT_EQ(*fs_.ReadFileToString(Path("target")), "v1");
  EXPECT_FALSE(*fs_.FileExists(Path("target.tmp")));
}

TEST_F(FaultInjectionFileSystemTest, RenameWithDirSyncIsDurable) {
  {
    auto file = Create(Path("a"));
    ASSERT_TRUE(file->Append("data").ok());
    ASSERT_TRUE(file->Sync().ok());
  }
  ASSERT_TRUE(fs_.RenameFile(Path("a"), Path("b")).ok());
  ASSERT_TRUE(fs_.SyncDir(dir_.path() + "/").ok());  // Trailing slash names the same directory.
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  EXPECT_EQ(*fs_.ReadFileToString(Path("b")), "data");
  EXPECT_FALSE(*fs_.FileExists(Path("a")));
}

TEST_F(FaultInjectionFileSystemTest, InjectedAppendFailures) {
  auto file = Create(Path("f"));
  fs_.FailNextAppends(2, /*bytes_written_before_failure=*/3);
  Status s = file->Append("abcdef");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find(Path("f")), std::string::npos) << s;
  EXPECT_FALSE(file->Append("ghijkl").ok());
  EXPECT_TRUE(file->Append("!").ok());
  // Failed appends left their prefixes behind, as a short write would.
  EXPECT_EQ(*fs_.ReadFileToString(Path("f")), "abcghi!");
}

TEST_F(FaultInjectionFileSystemTest, InjectedSyncFailures) {
  auto file = Create(Path("f"));
  ASSERT_TRUE(fs_.SyncDir(dir_.path()).ok());
  ASSERT_TRUE(file->Append("x").ok());
  fs_.FailNextSyncs(1);
  fs_.FailNextDirSyncs(1);
  EXPECT_EQ(file->Sync().code(), StatusCode::kIOError);
  EXPECT_EQ(fs_.SyncDir(dir_.path()).code(), StatusCode::kIOError);
  EXPECT_TRUE(fs_.SyncDir(dir_.path()).ok());
  EXPECT_EQ(fs_.SyncedSizeForTest(Path("f")), 0u);
  ASSERT_TRUE(file->Sync().ok());
  EXPECT_EQ(fs_.SyncedSizeForTest(Path("f")), 1u);

  fs_.FailNextSyncs(5);
  fs_.FailNextDirSyncs(5);
  fs_.ClearFaults();
  EXPECT_TRUE(fs_.SyncDir(dir_.path()).ok());
  EXPECT_TRUE(file->Sync().ok());
}

TEST_F(FaultInjectionFileSystemTest, TruncateAndRemoveAreTracked) {
  auto file = Create(Path("f"));
  ASSERT_TRUE(fs_.SyncDir(dir_.path()).ok());
  ASSERT_TRUE(file->Append("0123456789").ok());
  ASSERT_TRUE(file->Sync().ok());
  file.reset();
  ASSERT_TRUE(fs_.Truncate(Path("f"), 4).ok());
  EXPECT_EQ(fs_.SyncedSizeForTest(Path("f")), 4u);

  auto other = Create(Path("g"));
  other.reset();
  ASSERT_TRUE(fs_.RemoveFile(Path("g")).ok());
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  EXPECT_EQ(*fs_.ReadFileToString(Path("f")), "0123");
  EXPECT_FALSE(*fs_.FileExists(Path("g")));
}

}  // namespace
}  // namespace basalt
