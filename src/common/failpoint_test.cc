#include "common/failpoint.h"

#include <signal.h>

#include <gtest/gtest.h>

namespace basalt {
namespace {

class FailpointTest : public ::testing::Test {
 protected:
  void TearDown() override { ASSERT_TRUE(SetFailpointsForTest("").ok()); }
};

TEST_F(FailpointTest, DisarmedByDefault) {
  EXPECT_TRUE(CheckFailpoint("anything").ok());
}

TEST_F(FailpointTest, Parse) {
  auto specs = ParseFailpoints(" a=crash, b = error ,,");
  ASSERT_TRUE(specs.ok()) << specs.status();
  std::vector<FailpointSpec> expected = {{"a", FailpointAction::kCrash}, {"b", FailpointAction::kError}};
  EXPECT_EQ(*specs, expected);
  EXPECT_TRUE(ParseFailpoints("").ok());
  EXPECT_EQ(ParseFailpoints("a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseFailpoints("=crash").status().code(), StatusCode::kInvalidArgument);
  auto bad = ParseFailpoints("a=explode");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("explode"), std::string::npos);
}

TEST_F(FailpointTest, ErrorAction) {
  ASSERT_TRUE(SetFailpointsForTest("fp_one=error").ok());
  Status st = CheckFailpoint("fp_one");
  EXPECT_EQ(st.code(), StatusCode::kIOError);
  EXPECT_EQ(st.message(), "failpoint fp_one");
  EXPECT_TRUE(CheckFailpoint("fp_two").ok());
  ASSERT_TRUE(SetFailpointsForTest("").ok());
  EXPECT_TRUE(CheckFailpoint("fp_one").ok());
}

TEST_F(FailpointTest, CrashActionKillsTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        (void)SetFailpointsForTest("fp_crash=crash");
        (void)CheckFailpoint("fp_crash");
      },
      ::testing::KilledBySignal(SIGKILL), "");
}

}  // namespace
}  // namespace basalt
