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

}  // namespace
}  // namespace basalt
