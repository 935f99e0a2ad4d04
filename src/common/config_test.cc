#include "common/config.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace basalt {
namespace {

TEST(ConfigTest, ParsesStarRocksStyleFile) {
  setenv("BASALT_TEST_HOME", "/opt/sr", 1);
  Config config({{"query_port", "9030", "MySQL port"}});
  ASSERT_TRUE(config.ParseText("# comment\n"
                               "run_mode = shared_data\n"
                               "  LOG_DIR = ${BASALT_TEST_HOME}/log  \n"
                               "\n"
                               "sys_log_level = \"INFO\"\n",
                               "fe.conf")
                  .ok());
  EXPECT_EQ(config.GetString("run_mode"), "shared_data");
  EXPECT_EQ(config.GetString("LOG_DIR"), "/opt/sr/log");
  EXPECT_EQ(config.GetString("sys_log_level"), "INFO");
  EXPECT_EQ(*config.GetInt("query_port", 1), 9030);  // declared default
  EXPECT_EQ(config.UnknownKeys().size(), 3u);
}

TEST(ConfigTest, BadLineNamesFileAndLine) {
  Config config;
  Status s = config.ParseText("a = 1\nnot a pair\n", "cn.conf");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cn.conf:2"), std::string::npos) << s.message();
}

TEST(ConfigTest, TypedGettersRejectGarbage) {
  Config config;
  config.Set("port", "90x");
  config.Set("flag", "maybe");
  EXPECT_FALSE(config.GetInt("port", 0).ok());
  EXPECT_FALSE(config.GetBool("flag", false).ok());
  config.Set("flag", "TRUE");
  EXPECT_TRUE(*config.GetBool("flag", false));
}

TEST(CommandLineTest, FlagsAndHelp) {
  const char* argv[] = {"basalt-fe", "--conf", "x.conf", "--query-port=9031", "--daemon", "--help"};
  auto cl = ParseCommandLine(6, argv);
  ASSERT_TRUE(cl.ok());
  EXPECT_TRUE(cl->help);
  EXPECT_EQ(cl->conf_path, "x.conf");
  ASSERT_EQ(cl->overrides.size(), 2u);
  EXPECT_EQ(cl->overrides[0].first, "query_port");
  EXPECT_EQ(cl->overrides[0].second, "9031");
  EXPECT_EQ(cl->overrides[1].second, "true");
  const char* bad[] = {"basalt-fe", "stray"};
  EXPECT_FALSE(ParseCommandLine(2, bad).ok());
}

}  // namespace
}  // namespace basalt
