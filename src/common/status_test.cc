#include "common/status.h"

#include <gtest/gtest.h>

#include "common/sql_errors.h"

namespace basalt {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int half, Half(x));
  ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int x) {
  RETURN_IF_ERROR(Half(x));
  return Status::OK();
}

TEST(StatusTest, OkIsCheapAndEmpty) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_EQ(s.sql_error().number, 0);
}

TEST(StatusTest, CopyKeepsMessageAndSqlError) {
  Status s = Status::Sql(sql_errors::kBadDatabase, "Unknown database 'x'");
  Status copy = s;
  EXPECT_EQ(copy.message(), "Unknown database 'x'");
  EXPECT_EQ(copy.sql_error().number, 1049);
  EXPECT_STREQ(copy.sql_error().state, "42000");
}

TEST(StatusTest, DerivedSqlErrorFromCode) {
  EXPECT_EQ(Status::Internal("x").sql_error().number, 1105);
  EXPECT_EQ(Status::NotSupported("x").sql_error().number, 1235);
  EXPECT_EQ(Status::Cancelled("x").sql_error().number, 1317);
}

TEST(StatusTest, WithContextPrefixes) {
  Status s = Status::IOError("disk full").WithContext("writing journal");
  EXPECT_EQ(s.message(), "writing journal: disk full");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
}

TEST(ResultTest, PropagatesThroughMacros) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd: 3");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_FALSE(CheckEven(5).ok());
}

TEST(ResultTest, OkStatusBecomesInternalError) {
  Result<int> r{Status::OK()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
  Result<int> r = Status::NotFound("nope");
  EXPECT_DEATH((void)r.value(), "nope");
}

}  // namespace
}  // namespace basalt
