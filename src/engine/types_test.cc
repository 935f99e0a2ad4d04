#include "engine/types.h"

#include <gtest/gtest.h>

#include "engine/value.h"

namespace basalt {
namespace {

TEST(TypesTest, DateRoundTrip) {
  for (int64_t days : {-719468LL, -1LL, 0LL, 1LL, 19000LL, 2932896LL}) {
    int64_t back = 0;
    ASSERT_TRUE(ParseDate(FormatDate(days), &back)) << FormatDate(days);
    EXPECT_EQ(back, days);
  }
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDateTime(1718034793LL * 1000000), "2024-06-10 15:53:13");
}

TEST(TypesTest, ParseDateTimeRejectsGarbage) {
  int64_t v;
  EXPECT_FALSE(ParseDateTime("2024-02-30", &v));
  EXPECT_FALSE(ParseDateTime("2024-01-01 25:00:00", &v));
  EXPECT_FALSE(ParseDateTime("hello", &v));
  EXPECT_TRUE(ParseDateTime("2024-02-29 10:11:12.5", &v));
  EXPECT_EQ(FormatDateTime(v, 6), "2024-02-29 10:11:12.500000");
}

TEST(TypesTest, NamesAndSql) {
  EXPECT_EQ(DataTypeFromName("BIGINT")->ToSql(), "bigint(20)");
  EXPECT_EQ(DataTypeFromName("string")->ToSql(), "varchar(65533)");
  EXPECT_EQ(DataTypeFromName("decimal", 10, 2)->ToSql(), "decimal(10,2)");
  EXPECT_FALSE(DataTypeFromName("decimal", 50, 2).ok());
  EXPECT_FALSE(DataTypeFromName("blobby").ok());
}

TEST(ValueTest, Formatting) {
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatDouble(3), "3");
  EXPECT_EQ(FormatDouble(1e20), "1e20");
  EXPECT_EQ(FormatScaledDecimal(-5, 2), "-0.05");
  EXPECT_EQ(FormatScaledDecimal(150, 2), "1.50");
  EXPECT_EQ(Value::Int(42).ToString(), "42");
  EXPECT_DOUBLE_EQ(ParseNumericPrefix("12abc"), 12);
}

}  // namespace
}  // namespace basalt
