#include "common/string_util.h"

#include <gtest/gtest.h>

namespace basalt {
namespace {

TEST(StringUtilTest, LikeMatch) {
  EXPECT_TRUE(LikeMatch("character_set_client", "character%", false));
  EXPECT_TRUE(LikeMatch("abc", "a_c", false));
  EXPECT_FALSE(LikeMatch("abc", "a_d", false));
  EXPECT_TRUE(LikeMatch("ABC", "a%", true));
  EXPECT_FALSE(LikeMatch("ABC", "a%", false));
  EXPECT_TRUE(LikeMatch("a%b", "a\\%b", false));
  EXPECT_FALSE(LikeMatch("axb", "a\\%b", false));
  EXPECT_TRUE(LikeMatch("", "%", false));
  EXPECT_TRUE(LikeMatch("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "%a%a%a%a%a%b", false));
}

TEST(StringUtilTest, ParseInt64IsStrict) {
  int64_t v = 0;
  EXPECT_TRUE(ParseInt64("-42", &v));
  EXPECT_EQ(v, -42);
  EXPECT_FALSE(ParseInt64("42x", &v));
  EXPECT_FALSE(ParseInt64("", &v));
  EXPECT_FALSE(ParseInt64("99999999999999999999", &v));
}

TEST(StringUtilTest, TrimAndCase) {
  EXPECT_EQ(Trim("  a b \n"), "a b");
  EXPECT_TRUE(EqualsIgnoreCase("SeLeCt", "select"));
  EXPECT_EQ(ToUpper("utf8mb4"), "UTF8MB4");
}

TEST(StringUtilTest, NewUuidIsVersion4Text) {
  std::string a = NewUuid(), b = NewUuid();
  ASSERT_EQ(a.size(), 36u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a[8], '-');
  EXPECT_EQ(a[14], '4');
  EXPECT_TRUE(a[19] == '8' || a[19] == '9' || a[19] == 'a' || a[19] == 'b') << a;
  for (char c : a) EXPECT_TRUE(c == '-' || std::isxdigit(static_cast<unsigned char>(c))) << a;
}

TEST(StringUtilTest, SqlStringLiteralAndIdentifier) {
  EXPECT_EQ(SqlStringLiteral("plain"), "\"plain\"");
  EXPECT_EQ(SqlStringLiteral("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(SqlStringLiteral(std::string("\n\t\r\0\b\x1a", 6)), "\"\\n\\t\\r\\0\\b\\Z\"");
  EXPECT_EQ(SqlStringLiteral("'single' quotes stay"), "\"'single' quotes stay\"");
  EXPECT_EQ(SqlIdentifier("my job"), "`my job`");
  EXPECT_EQ(SqlIdentifier("a`b"), "`a``b`");
}

}  // namespace
}  // namespace basalt
