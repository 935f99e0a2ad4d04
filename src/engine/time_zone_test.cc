#include "engine/time_zone.h"

#include <gtest/gtest.h>

#include "engine/expr_codec.h"
#include "engine/functions.h"

namespace basalt {
namespace {

TEST(TimeZoneTest, StandardizesLikeStarRocks) {
  EXPECT_EQ(*StandardizeTimeZone("+8:00"), "+08:00");
  EXPECT_EQ(*StandardizeTimeZone("8:00"), "+08:00");
  EXPECT_EQ(*StandardizeTimeZone("-08:30"), "-08:30");
  EXPECT_EQ(*StandardizeTimeZone("+14:00"), "+14:00");
  EXPECT_EQ(*StandardizeTimeZone("Asia/Shanghai"), "Asia/Shanghai");
  EXPECT_EQ(*StandardizeTimeZone("Etc/UTC"), "Etc/UTC");
  EXPECT_EQ(*StandardizeTimeZone("UTC"), "UTC");
  EXPECT_EQ(*StandardizeTimeZone("CST"), "CST");  // Kept as written; it means Asia/Shanghai.
  for (const char* bad : {"+14:01", "-12:30", "+08:60", "Mars/Olympus", "", "../../etc/passwd", "/etc/localtime",
                          "localtime", "8", "+123:00"}) {
    auto r = StandardizeTimeZone(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().sql_error().number, 1298) << bad;
    EXPECT_NE(r.status().message().find("Unknown or incorrect time zone"), std::string::npos) << r.status();
  }
}

TEST(TimeZoneTest, ConvertsInstantsAndCivilTimes) {
  const int64_t instant = 1700000000;  // 2023-11-14 22:13:20 UTC
  TimeZone utc;
  EXPECT_EQ(utc.CivilMicrosFromEpochSeconds(instant), instant * 1000000);
  auto shanghai = TimeZone::Load("Asia/Shanghai");
  ASSERT_TRUE(shanghai.ok()) << shanghai.status();
  EXPECT_EQ(shanghai->CivilMicrosFromEpochSeconds(instant), (instant + 8 * 3600) * 1000000);
  EXPECT_EQ(shanghai->EpochSecondsFromCivilMicros((instant + 8 * 3600) * 1000000), instant);
  auto cst = TimeZone::Load("CST");
  ASSERT_TRUE(cst.ok());
  EXPECT_EQ(cst->CivilMicrosFromEpochSeconds(instant), (instant + 8 * 3600) * 1000000);
  auto minus = TimeZone::Load("-03:30");
  ASSERT_TRUE(minus.ok());
  EXPECT_EQ(minus->CivilMicrosFromEpochSeconds(instant), (instant - 3 * 3600 - 1800) * 1000000);
  // DST: New York is UTC-4 in July, UTC-5 in January.
  auto ny = TimeZone::Load("America/New_York");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(ny->CivilMicrosFromEpochSeconds(1689422400), (1689422400 - 4 * 3600) * 1000000LL);  // 2023-07-15
  EXPECT_EQ(ny->CivilMicrosFromEpochSeconds(1705320000), (1705320000 - 5 * 3600) * 1000000LL);  // 2024-01-15
}

Value CallZoned(const std::string& name, std::vector<Value> args, const std::string& zone) {
  std::vector<DataType> types;
  std::vector<ExprPtr> exprs;
  for (const Value& v : args) {
    types.push_back(v.type());
    exprs.push_back(std::make_shared<LiteralExpr>(v));
  }
  FunctionContext context;
  context.time_zone = *TimeZone::Load(zone);
  auto resolved = ResolveFunction(name, types, context);
  EXPECT_TRUE(resolved.ok()) << resolved.status();
  FunctionExpr expr(name, resolved->kernel, exprs, resolved->result_type);
  auto value = EvaluateConstant(expr);
  EXPECT_TRUE(value.ok()) << value.status();
  return *value;
}

TEST(TimeZoneTest, ZoneDependentFunctions) {
  EXPECT_EQ(CallZoned("from_unixtime", {Value::Int(1700000000)}, "UTC").ToString(), "2023-11-14 22:13:20");
  EXPECT_EQ(CallZoned("from_unixtime", {Value::Int(1700000000)}, "Asia/Shanghai").ToString(), "2023-11-15 06:13:20");
  EXPECT_TRUE(CallZoned("from_unixtime", {Value::Int(-1)}, "UTC").is_null());
  EXPECT_TRUE(CallZoned("from_unixtime", {Value::Int(INT64_MAX)}, "Asia/Shanghai").is_null());
  EXPECT_EQ(CallZoned("unix_timestamp", {Value::String("2023-11-15 06:13:20")}, "Asia/Shanghai").ToString(),
            "1700000000");
  EXPECT_EQ(CallZoned("unix_timestamp", {Value::String("2023-11-14 22:13:20")}, "UTC").ToString(), "1700000000");
  // now(): the current instant in the zone (checked to the hour against the clock).
  int64_t now_utc = CallZoned("now", {}, "UTC").int_value() / 1000000;
  int64_t now_plus8 = CallZoned("now", {}, "+08:00").int_value() / 1000000;
  EXPECT_NEAR(static_cast<double>(now_plus8 - now_utc), 8 * 3600.0, 5.0);
  EXPECT_NEAR(static_cast<double>(now_utc), static_cast<double>(std::time(nullptr)), 5.0);
}

TEST(TimeZoneTest, DecodedExpressionsUseTheContextZone) {
  // from_unixtime(column 0), encoded once, decoded for two zones.
  auto resolved = ResolveFunction("from_unixtime", {DataType::BigInt()});
  ASSERT_TRUE(resolved.ok());
  FunctionExpr call("from_unixtime", resolved->kernel, {std::make_shared<ColumnRefExpr>(0, DataType::BigInt())},
                    resolved->result_type);
  auto pb = ExprToPB(call);
  ASSERT_TRUE(pb.ok()) << pb.status();
  Chunk chunk;
  chunk.columns.push_back(Column::MakeConstant(Value::Int(1700000000), 1));
  chunk.num_rows = 1;
  FunctionContext shanghai;
  shanghai.time_zone = *TimeZone::Load("Asia/Shanghai");
  auto in_utc = ExprFromPB(*pb, {DataType::BigInt()});
  auto in_shanghai = ExprFromPB(*pb, {DataType::BigInt()}, shanghai);
  ASSERT_TRUE(in_utc.ok() && in_shanghai.ok());
  EXPECT_EQ((*(*in_utc)->Evaluate(chunk))->GetValue(0).ToString(), "2023-11-14 22:13:20");
  EXPECT_EQ((*(*in_shanghai)->Evaluate(chunk))->GetValue(0).ToString(), "2023-11-15 06:13:20");
}

}  // namespace
}  // namespace basalt
