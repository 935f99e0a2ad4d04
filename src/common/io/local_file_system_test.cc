#include "common/io/local_file_system.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/io/temp_dir_for_test.h"

namespace basalt {
namespace {

class LocalFileSystemTest : public ::testing::Test {
 protected:
  std::string Path(std::string_view name) const { return JoinPath(dir_.path(), name); }

  ScopedTempDir dir_;
  LocalFileSystem fs_;
};

TEST(PathTest, JoinDirNameBaseName) {
  EXPECT_EQ(JoinPath("a/b", "c"), "a/b/c");
  EXPECT_EQ(JoinPath("a/b/", "c"), "a/b/c");
  EXPECT_EQ(JoinPath("", "c"), "c");
  EXPECT_EQ(DirName("a/b/c"), "a/b");
  EXPECT_EQ(DirName("a/b//c"), "a/b");
  EXPECT_EQ(DirName("a/b/c/"), "a/b");
  EXPECT_EQ(DirName("c"), ".");
  EXPECT_EQ(DirName("/c"), "/");
  EXPECT_EQ(BaseName("a/b/c"), "c");
  EXPECT_EQ(BaseName("c"), "c");
  EXPECT_EQ(BaseName("a/b/"), "b");
}

TEST_F(LocalFileSystemTest, WriteAppendReadBack) {
  std::string path = Path("f");
  {
    auto file = fs_.NewWritableFile(path);
    ASSERT_TRUE(file.ok()) << file.status();
    ASSERT_TRUE((*file)->Append("hello ").ok());
    ASSERT_TRUE((*file)->Sync().ok());
    ASSERT_TRUE((*file)->Close().ok());
  }
  {
    auto file = fs_.NewAppendableFile(path);
    ASSERT_TRUE(file.ok()) << file.status();
    ASSERT_TRUE((*file)->Append("world").ok());
    ASSERT_TRUE((*file)->Close().ok());
  }
  auto contents = fs_.ReadFileToString(path);
  ASSERT_TRUE(contents.ok());
  EXPECT_EQ(*contents, "hello world");
  EXPECT_EQ(*fs_.GetFileSize(path), 11u);

  // NewWritableFile truncates an existing file.
  auto file = fs_.NewWritableFile(path);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(*fs_.GetFileSize(path), 0u);
}

TEST_F(LocalFileSystemTest, LargeFileRoundTrip) {
  std::string data;
  for (int i = 0; i < 300000; ++i) data.push_back(static_cast<char>(i * 7));
  auto file = fs_.NewWritableFile(Path("big"));
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append(data).ok());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(*fs_.ReadFileToString(Path("big")), data);
}

TEST_F(LocalFileSystemTest, ExistsChildrenRemoveRename) {
  EXPECT_FALSE(*fs_.FileExists(Path("a")));
  ASSERT_TRUE((*fs_.NewWritableFile(Path("a")))->Close().ok());
  ASSERT_TRUE((*fs_.NewWritableFile(Path("b")))->Close().ok());
  EXPECT_TRUE(*fs_.FileExists(Path("a")));

  auto children = fs_.GetChildren(dir_.path());
  ASSERT_TRUE(children.ok());
  std::sort(children->begin(), children->end());
  EXPECT_EQ(*children, (std::vector<std::string>{"a", "b"}));

  ASSERT_TRUE(fs_.RenameFile(Path("a"), Path("c")).ok());
  EXPECT_FALSE(*fs_.FileExists(Path("a")));
  EXPECT_TRUE(*fs_.FileExists(Path("c")));
  ASSERT_TRUE(fs_.RemoveFile(Path("c")).ok());
  EXPECT_FALSE(*fs_.FileExists(Path("c")));
  ASSERT_TRUE(fs_.SyncDir(dir_.path()).ok());
}

TEST_F(LocalFileSystemTest, ErrorsNameThePath) {
  Status s = fs_.RemoveFile(Path("missing"));
  EXPECT_TRUE(s.IsNotFound()) << s;
  EXPECT_NE(s.message().find(Path("missing")), std::string::npos) << s;
  EXPECT_NE(s.message().find("No such file"), std::string::npos) << s;

  auto read = fs_.ReadFileToString(Path("missing"));
  EXPECT_TRUE(read.status().IsNotFound());
  EXPECT_TRUE(fs_.GetFileSize(Path("missing")).status().IsNotFound());
  EXPECT_TRUE(fs_.GetChildren(Path("missing")).status().IsNotFound());
  EXPECT_FALSE(fs_.SyncDir(Path("missing")).ok());
  EXPECT_FALSE(fs_.Truncate(Path("missing"), 0).ok());

  auto file = fs_.NewWritableFile(Path("no/such/dir/f"));
  EXPECT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("no/such/dir/f"), std::string::npos);
}

TEST_F(LocalFileSystemTest, CreateDirsIsRecursiveAndIdempotent) {
  std::string nested = Path("x/y/z");
  ASSERT_TRUE(fs_.CreateDirs(nested).ok());
  ASSERT_TRUE(fs_.CreateDirs(nested).ok());
  ASSERT_TRUE(fs_.CreateDirs(nested + "/").ok());
  EXPECT_TRUE(*fs_.FileExists(nested));
  ASSERT_TRUE((*fs_.NewWritableFile(Path("file")))->Close().ok());
  Status s = fs_.CreateDirs(Path("file"));
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(fs_.CreateDirs(Path("file/sub")).ok());
}

TEST_F(LocalFileSystemTest, TruncateShrinksAndExtends) {
  auto file = fs_.NewWritableFile(Path("t"));
  ASSERT_TRUE((*file)->Append("0123456789").ok());
  ASSERT_TRUE((*file)->Close().ok());
  ASSERT_TRUE(fs_.Truncate(Path("t"), 4).ok());
  EXPECT_EQ(*fs_.ReadFileToString(Path("t")), "0123");
  ASSERT_TRUE(fs_.Truncate(Path("t"), 6).ok());
  EXPECT_EQ(*fs_.ReadFileToString(Path("t")), std::string("0123\0\0", 6));
}

}  // namespace
}  // namespace basalt
