#include "engine/functions.h"

#include <gtest/gtest.h>

namespace basalt {
namespace {

Value Call(const std::string& name, std::vector<Value> args) {
  std::vector<DataType> types;
  std::vector<ExprPtr> exprs;
  for (const Value& v : args) {
    types.push_back(v.type());
    exprs.push_back(std::make_shared<LiteralExpr>(v));
  }
  auto resolved = ResolveFunction(name, types);
  EXPECT_TRUE(resolved.ok()) << resolved.status();
  FunctionExpr expr(name, resolved->kernel, exprs, resolved->result_type);
  auto value = EvaluateConstant(expr);
  EXPECT_TRUE(value.ok()) << value.status();
  return *value;
}

TEST(FunctionsTest, Arithmetic) {
  EXPECT_EQ(Call("+", {Value::Int(1), Value::Int(2)}).ToString(), "3");
  EXPECT_EQ(Call("/", {Value::Int(1), Value::Int(2)}).ToString(), "0.5");
  EXPECT_TRUE(Call("/", {Value::Int(1), Value::Int(0)}).is_null());
  EXPECT_EQ(Call("+", {Value::Int(150, DataType::Decimal(3, 2)), Value::Int(1)}).ToString(), "2.50");
  EXPECT_EQ(Call("*", {Value::Int(15, DataType::Decimal(2, 1)), Value::Int(15, DataType::Decimal(2, 1))}).ToString(), "2.25");
  EXPECT_EQ(Call("DIV", {Value::Int(7), Value::Int(2)}).ToString(), "3");
}

TEST(FunctionsTest, OverflowIsAnError) {
  auto resolved = ResolveFunction("+", {DataType::BigInt(), DataType::BigInt()});
  ASSERT_TRUE(resolved.ok());
  FunctionExpr expr("+", resolved->kernel,
                    {std::make_shared<LiteralExpr>(Value::Int(INT64_MAX)), std::make_shared<LiteralExpr>(Value::Int(1))},
                    resolved->result_type);
  EXPECT_FALSE(EvaluateConstant(expr).ok());
}

TEST(FunctionsTest, ThreeValuedLogic) {
  EXPECT_EQ(Call("AND", {Value::Null(), Value::Bool(false)}).ToString(), "0");
  EXPECT_TRUE(Call("AND", {Value::Null(), Value::Bool(true)}).is_null());
  EXPECT_EQ(Call("OR", {Value::Null(), Value::Bool(true)}).ToString(), "1");
  EXPECT_TRUE(Call("=", {Value::Null(), Value::Int(1)}).is_null());
  EXPECT_EQ(Call("<=>", {Value::Null(), Value::Null()}).ToString(), "1");
}

TEST(FunctionsTest, Strings) {
  EXPECT_EQ(Call("concat", {Value::String("a"), Value::Int(1)}).ToString(), "a1");
  EXPECT_TRUE(Call("concat", {Value::String("a"), Value::Null()}).is_null());
  EXPECT_EQ(Call("concat_ws", {Value::String(","), Value::String("a"), Value::Null(), Value::String("b")}).ToString(), "a,b");
  EXPECT_EQ(Call("substring", {Value::String("héllo"), Value::Int(2), Value::Int(3)}).ToString(), "éll");
  EXPECT_EQ(Call("substring", {Value::String("hello"), Value::Int(-3)}).ToString(), "llo");
  EXPECT_EQ(Call("char_length", {Value::String("héllo")}).ToString(), "5");
  EXPECT_EQ(Call("length", {Value::String("héllo")}).ToString(), "6");
  EXPECT_EQ(Call("lpad", {Value::String("7"), Value::Int(3), Value::String("0")}).ToString(), "007");
  EXPECT_EQ(Call("replace", {Value::String("aXbX"), Value::String("X"), Value::String("--")}).ToString(), "a--b--");
  EXPECT_EQ(Call("md5", {Value::String("")}).ToString(), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Call("like", {Value::String("utf8mb4"), Value::String("utf8%")}).ToString(), "1");
}

TEST(FunctionsTest, Conditionals) {
  EXPECT_EQ(Call("if", {Value::Bool(true), Value::Int(1), Value::String("x")}).ToString(), "1");
  EXPECT_EQ(Call("ifnull", {Value::Null(), Value::Int(5)}).ToString(), "5");
  EXPECT_EQ(Call("coalesce", {Value::Null(), Value::Null(), Value::Int(3)}).ToString(), "3");
  EXPECT_TRUE(Call("nullif", {Value::Int(3), Value::Int(3)}).is_null());
  EXPECT_EQ(Call("case_operand_else", {Value::Int(2), Value::Int(1), Value::String("one"), Value::Int(2),
                                       Value::String("two"), Value::String("many")})
                .ToString(),
            "two");
  EXPECT_TRUE(Call("in", {Value::Int(5), Value::Int(1), Value::Null()}).is_null());
  EXPECT_EQ(Call("in", {Value::Int(1), Value::Int(1), Value::Null()}).ToString(), "1");
}

TEST(FunctionsTest, UnknownFunction) {
  auto r = ResolveFunction("no_such_fn", {DataType::BigInt()});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().sql_error().number, 1305);
  auto count = ResolveFunction("upper", {});
  ASSERT_FALSE(count.ok());
  EXPECT_EQ(count.status().sql_error().number, 1582);
}

TEST(FunctionsTest, Casts) {
  EXPECT_EQ(CastValue(Value::String("2024-06-10"), DataType::Date())->ToString(), "2024-06-10");
  EXPECT_TRUE(CastValue(Value::String("nope"), DataType::BigInt())->is_null());
  EXPECT_FALSE(CastValue(Value::String("nope"), DataType::BigInt(), /*strict=*/true).ok());
  EXPECT_EQ(CastValue(Value::String(" 42 "), DataType::BigInt())->ToString(), "42");
  // Beyond int64 there is no BIGINT value (llround would be undefined); 1e18 still converts.
  EXPECT_TRUE(CastValue(Value::String("18446744073709551615"), DataType::BigInt())->is_null());
  EXPECT_TRUE(CastValue(Value::String("-1e19"), DataType::BigInt())->is_null());
  EXPECT_EQ(CastValue(Value::String("1e18"), DataType::BigInt())->ToString(), "1000000000000000000");
  EXPECT_EQ(CastValue(Value::Double(1.005), DataType::Decimal(10, 2))->ToString(), "1.00");
}

TEST(FunctionsTest, CastsToStringKeepTheWholeTextUnlessALengthIsGiven) {
  const Value datetime = Value::Int(1704164645000000, DataType::DateTime());  // 2024-01-02 03:04:05
  // VARCHAR without a length (-1) is unbounded, as are STRING and CHAR's cast form.
  EXPECT_EQ(CastValue(datetime, DataType::Varchar())->ToString(), "2024-01-02 03:04:05");
  EXPECT_EQ(CastValue(datetime, DataType::String())->ToString(), "2024-01-02 03:04:05");
  EXPECT_EQ(CastValue(Value::Int(19724, DataType::Date()), DataType::Varchar())->ToString(), "2024-01-02");
  EXPECT_EQ(CastValue(Value::Int(150, DataType::Decimal(10, 2)), DataType::Varchar())->ToString(), "1.50");
  EXPECT_EQ(CastValue(Value::Double(2.5), DataType::Varchar())->ToString(), "2.5");
  EXPECT_EQ(CastValue(Value::Int(-9223372036854775807LL), DataType::Varchar())->ToString(), "-9223372036854775807");
  EXPECT_EQ(CastValue(Value::Bool(true), DataType::Varchar())->ToString(), "1");
  // A length cuts to that many characters, never inside a UTF-8 sequence.
  EXPECT_EQ(CastValue(datetime, DataType::Varchar(10))->ToString(), "2024-01-02");
  EXPECT_EQ(CastValue(Value::String("日本語"), DataType::Varchar(2))->ToString(), "日本");
  EXPECT_EQ(CastValue(Value::String("héllo"), DataType{TypeId::kChar, 2})->ToString(), "hé");
  EXPECT_EQ(CastValue(Value::String("ab"), DataType::Varchar(5))->ToString(), "ab");
}

TEST(FunctionsTest, TimeZoneDependentNames) {
  for (const char* name : {"from_unixtime", "unix_timestamp", "now", "current_timestamp", "localtime",
                           "localtimestamp", "curdate", "current_date"}) {
    EXPECT_TRUE(IsTimeZoneDependent(name)) << name;
  }
  for (const char* name : {"year", "date", "datediff", "concat", "+"}) EXPECT_FALSE(IsTimeZoneDependent(name)) << name;
}

}  // namespace
}  // namespace basalt
