#include "cn/ingest/row_parser.h"

#include <gtest/gtest.h>

#include "cn/storage/tablet_test_util.h"
#include "engine/expr_codec.h"
#include "engine/functions.h"

namespace basalt::cn {
namespace {

using testing::AddColumn;

proto::TableSchemaPB SeedSchema() {
  // The seed tutorial's table: (uid INT, site STRING, vtime BIGINT).
  proto::TableSchemaPB schema;
  AddColumn(&schema, 1, "uid", TypeId::kInt);
  AddColumn(&schema, 2, "site", TypeId::kString);
  AddColumn(&schema, 3, "vtime", TypeId::kBigInt);
  return schema;
}

proto::RoutineLoadFormatPB Json(std::vector<std::string> paths = {}) {
  proto::RoutineLoadFormatPB f;
  f.set_format("json");
  for (auto& p : paths) f.add_jsonpaths(p);
  return f;
}

std::unique_ptr<RowParser> MakeParser(const proto::RoutineLoadFormatPB& format, const proto::TableSchemaPB& schema,
                                      RowParserOptions options = {}) {
  auto parser = RowParser::Make(format, schema, options);
  EXPECT_TRUE(parser.ok()) << parser.status();
  return std::move(parser).value();
}

// Rows as text, NULL as "NULL", columns joined by '|'.
std::vector<std::string> Rows(const Chunk& chunk) {
  std::vector<std::string> out;
  for (size_t r = 0; r < chunk.num_rows; ++r) {
    std::string row;
    for (size_t c = 0; c < chunk.columns.size(); ++c) {
      if (c > 0) row += '|';
      row += chunk.columns[c]->IsNull(r) ? "NULL" : chunk.columns[c]->FormatRow(r);
    }
    out.push_back(row);
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST(RowParserTest, SeedJsonPaths) {
  auto parser = MakeParser(Json({"$.uid", "$.site", "$.vtime"}), SeedSchema());
  parser->Parse(R"({ "uid": 6926, "site": "https://docs.starrocks.io/", "vtime": 1718034793 } )");
  parser->Parse(R"({"vtime": 1, "site": "b", "uid": 2, "extra": {"x": [1, 2]}})");
  EXPECT_EQ(parser->total_rows(), 2);
  EXPECT_EQ(parser->error_rows(), 0);
  EXPECT_EQ(parser->loaded_rows(), 2);
  Chunk chunk = parser->TakeRows();
  EXPECT_EQ(Rows(chunk), (Strings{"6926|https://docs.starrocks.io/|1718034793", "2|b|1"}));
  EXPECT_EQ(parser->TakeRows().num_rows, 0u);
}

TEST(RowParserTest, NestedPathsAndArrays) {
  proto::TableSchemaPB schema;
  AddColumn(&schema, 1, "a", TypeId::kBigInt);
  AddColumn(&schema, 2, "b", TypeId::kVarchar, 64);
  AddColumn(&schema, 3, "c", TypeId::kDouble);
  AddColumn(&schema, 4, "d", TypeId::kVarchar, 64);
  auto parser = MakeParser(Json({"$.x.y", "$['k 1']", "$.arr[1]", "$.arr[2].z"}), schema);
  parser->Parse(R"({"x": {"y": 7, "w": 1}, "k 1": "v", "arr": [1, 2.5, {"z": "deep"}]})");
  parser->Parse(R"({"x": 5, "arr": []})");  // Paths into the wrong kind of value are missing.
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"7|v|2.5|deep", "NULL|NULL|NULL|NULL"}));
}

TEST(RowParserTest, RootPathKeepsWholeRowMinified) {
  proto::TableSchemaPB schema;
  AddColumn(&schema, 1, "id", TypeId::kBigInt);
  AddColumn(&schema, 2, "doc", TypeId::kJson);
  AddColumn(&schema, 3, "obj", TypeId::kString);
  auto parser = MakeParser(Json({"$.id", "$", "$.o"}), schema);
  parser->Parse(R"({ "id": 3, "o": { "p": [1, 2] } })");
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{R"(3|{"id":3,"o":{"p":[1,2]}}|{"p":[1,2]})"}));
}

TEST(RowParserTest, JsonRootAndStripOuterArray) {
  auto format = Json({"$.uid", "$.site", "$.vtime"});
  format.set_json_root("$.data");
  format.set_strip_outer_array(true);
  auto parser = MakeParser(format, SeedSchema());
  parser->Parse(R"({"meta": 1, "data": [{"uid": 1, "site": "a", "vtime": 10}, {"uid": 2, "site": "b", "vtime": 20}]})");
  parser->Parse(R"({"other": []})");
  EXPECT_EQ(parser->total_rows(), 3);
  EXPECT_EQ(parser->error_rows(), 1);
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"1|a|10", "2|b|20"}));
  ASSERT_EQ(parser->rejected().size(), 1u);
  EXPECT_NE(parser->rejected()[0].reason.find("json_root"), std::string::npos);
}

TEST(RowParserTest, StripOuterArrayNeedsArray) {
  auto format = Json();
  format.set_strip_outer_array(true);
  auto parser = MakeParser(format, SeedSchema());
  parser->Parse(R"([{"uid": 1}, {"UID": 2, "Site": "x"}])");
  parser->Parse(R"({"uid": 3})");
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"1|NULL|NULL", "2|x|NULL"}));
  EXPECT_EQ(parser->error_rows(), 1);
}

TEST(RowParserTest, SimpleModeIsCaseInsensitiveAndIgnoresUnknownKeys) {
  auto parser = MakeParser(Json(), SeedSchema());
  parser->Parse(R"({"VTIME": 5, "unknown": [1, {"a": 2}], "Uid": 9, "site": null})");
  parser->Parse(R"([1, 2])");
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"9|NULL|5"}));
  EXPECT_EQ(parser->error_rows(), 1);
  EXPECT_NE(parser->rejected()[0].reason.find("not a JSON object"), std::string::npos);
}

// Keys are compared in place while they hold no escape; one with an escape (or in another order,
// or repeated, or in another case) goes the slow way and must still find its column.
TEST(RowParserTest, KeysWithEscapesOrderAndCaseFindTheirColumns) {
  auto parser = MakeParser(Json(), SeedSchema());
  parser->Parse(R"({"uid": 1, "site": "a", "vtime": 2})");
  parser->Parse(R"({"vtime": 3, "site": "b", "uid": 4})");
  parser->Parse(R"({"u\u0069d": 5, "s\"ite": "x", "SITE": "c", "vt\\ime": 9, "vtime": 6})");
  parser->Parse(R"({"uid": 7, "uid": 8, "si": "short", "siteX": "long", "site": "d"})");
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"1|a|2", "4|b|3", "5|c|6", "8|d|NULL"}));

  auto paths = MakeParser(Json({"$.uid", "$.site", "$.vtime"}), SeedSchema());
  paths->Parse(R"({"uid": 1, "site": "a", "vtime": 2})");
  paths->Parse(R"({"vtime": 3, "u\u0069d": 4, "Site": "no", "site": "b"})");
  paths->Parse(R"({"ui": 0, "uidd": 0, "uid": 5})");
  EXPECT_EQ(Rows(paths->TakeRows()), (Strings{"1|a|2", "4|b|3", "5|NULL|NULL"}));
}

// Integers and floats into integer and floating columns take a fast path; what it does not take
// (floats into integers, out-of-range and beyond-64-bit integers) must convert as before.
TEST(RowParserTest, NumbersIntoNumericColumns) {
  proto::TableSchemaPB schema;
  AddColumn(&schema, 1, "i", TypeId::kInt);
  AddColumn(&schema, 2, "b", TypeId::kBigInt);
  AddColumn(&schema, 3, "d", TypeId::kDouble);
  auto parser = MakeParser(Json(), schema);
  parser->Parse(R"({"i": -7, "b": 9223372036854775807, "d": 5})");
  parser->Parse(R"({"i": 2.5, "b": -1.4e2, "d": -0.25})");
  parser->Parse(R"({"i": 2147483648, "b": 18446744073709551615, "d": 123456789012345678901234567890})");
  EXPECT_EQ(Rows(parser->TakeRows()),
            (Strings{"-7|9223372036854775807|5", "3|-140|-0.25", "NULL|NULL|1.2345678901234568e29"}));
  EXPECT_EQ(parser->error_rows(), 0);
}

TEST(RowParserTest, ColumnsMappingJson) {
  auto format = Json({"$.a", "$.b", "$.c"});
  format.add_columns("vtime");
  format.add_columns("ignored");
  format.add_columns("UID");
  auto parser = MakeParser(format, SeedSchema());
  parser->Parse(R"({"a": 1, "b": 2, "c": 3})");
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"3|NULL|1"}));
}

TEST(RowParserTest, JsonValueConversions) {
  proto::TableSchemaPB schema;
  AddColumn(&schema, 1, "i", TypeId::kInt);
  AddColumn(&schema, 2, "s", TypeId::kString);
  AddColumn(&schema, 3, "d", TypeId::kDouble);
  AddColumn(&schema, 4, "dt", TypeId::kDateTime);
  AddColumn(&schema, 5, "dec", TypeId::kDecimal)->set_type_precision(10);
  schema.mutable_columns(4)->set_type_scale(2);
  AddColumn(&schema, 6, "b", TypeId::kBoolean);
  auto parser = MakeParser(Json(), schema);
  parser->Parse(R"({"i": true, "s": 12.50, "d": 3, "dt": "2024-06-10 15:53:13", "dec": 1.256, "b": 7})");
  parser->Parse(R"({"i": "42", "s": [1, {"a": "b"}], "d": "2.5", "dt": "2024-06-10", "dec": "3.1", "b": false})");
  parser->Parse(R"({"i": 2.6, "s": true, "d": 1e3, "dec": 2})");
  EXPECT_EQ(Rows(parser->TakeRows()),
            (Strings{"1|12.50|3|2024-06-10 15:53:13|1.26|1", R"(42|[1,{"a":"b"}]|2.5|2024-06-10 00:00:00|3.10|0)",
                     "3|true|1000|NULL|2.00|NULL"}));
  EXPECT_EQ(parser->error_rows(), 0);
}

TEST(RowParserTest, StrictAndNonStrict) {
  proto::TableSchemaPB schema;
  AddColumn(&schema, 1, "k", TypeId::kBigInt)->set_nullable(false);
  AddColumn(&schema, 2, "v", TypeId::kInt);
  AddColumn(&schema, 3, "t", TypeId::kTinyInt);
  const char* bad_value = R"({"k": 1, "v": "abc", "t": 1})";
  const char* out_of_range = R"({"k": 2, "v": 1, "t": 300})";
  const char* bad_key = R"({"k": "zz", "v": 1, "t": 1})";
  const char* null_key = R"({"k": null, "v": 1})";
  const char* missing_key = R"({"v": 1})";
  {
    auto parser = MakeParser(Json(), schema);
    for (const char* m : {bad_value, out_of_range, bad_key, null_key, missing_key}) parser->Parse(m);
    EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"1|NULL|1", "2|1|NULL"}));
    EXPECT_EQ(parser->error_rows(), 3);
    ASSERT_EQ(parser->rejected().size(), 3u);
    EXPECT_NE(parser->rejected()[0].reason.find("'zz' cannot be converted"), std::string::npos)
        << parser->rejected()[0].reason;
    EXPECT_NE(parser->rejected()[1].reason.find("NOT NULL"), std::string::npos);
    EXPECT_EQ(parser->rejected()[1].raw, null_key);
  }
  {
    auto format = Json();
    format.set_strict_mode(true);
    auto parser = MakeParser(format, schema, {.max_kept_rejected = -1});
    for (const char* m : {bad_value, out_of_range, bad_key, null_key, missing_key}) parser->Parse(m);
    EXPECT_EQ(parser->TakeRows().num_rows, 0u);
    EXPECT_EQ(parser->error_rows(), 5);
    EXPECT_EQ(parser->rejected().size(), 5u);
  }
}

TEST(RowParserTest, MalformedEmptyAndGarbage) {
  auto parser = MakeParser(Json({"$.uid", "$.site", "$.vtime"}), SeedSchema(), {.max_kept_rejected = -1});
  parser->Parse(R"({"uid": 1, "site": )");
  parser->Parse("");
  parser->Parse("   ");
  parser->Parse(std::string("\xff\xfe\x00\x01garbage\x80", 13));
  parser->Parse(R"({"uid": 1} trailing)");
  parser->Parse(R"({"uid": 5, "site": "ok", "vtime": 6})");
  EXPECT_EQ(parser->total_rows(), 6);
  EXPECT_EQ(parser->error_rows(), 5);
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"5|ok|6"}));
  for (const auto& r : parser->rejected()) EXPECT_FALSE(r.reason.empty());
  EXPECT_NE(parser->rejected()[1].reason.find("empty"), std::string::npos);
}

TEST(RowParserTest, LargeMessageAndRawTruncation) {
  std::string big(1 << 20, 'x');
  auto parser = MakeParser(Json({"$.uid", "$.site", "$.vtime"}), SeedSchema());
  parser->Parse(R"({"uid": 1, "site": ")" + big + R"(", "vtime": 2})");
  parser->Parse(R"({"uid": "bad", "site": ")" + big + R"(", "vtime": 2)");  // Truncated document.
  Chunk chunk = parser->TakeRows();
  ASSERT_EQ(chunk.num_rows, 1u);
  EXPECT_EQ(chunk.columns[1]->GetString(0).size(), big.size());
  ASSERT_EQ(parser->rejected().size(), 1u);
  EXPECT_EQ(parser->rejected()[0].raw.size(), kMaxRejectedRawBytes);
  EXPECT_EQ(parser->received_bytes(), static_cast<int64_t>(2 * big.size() + 34 + 37));
}

TEST(RowParserTest, CsvSeparatorsNullsAndFieldCount) {
  proto::RoutineLoadFormatPB format;
  format.set_format("csv");
  format.set_column_separator("||");
  format.set_row_delimiter("\n");
  auto parser = MakeParser(format, SeedSchema(), {.max_kept_rejected = -1});
  parser->Parse("1||a||10\n2||\\N||20\n3||||30\n");
  parser->Parse("4||x\n\n5||y||50||extra");
  parser->Parse("");
  EXPECT_EQ(parser->total_rows(), 5);
  EXPECT_EQ(parser->error_rows(), 2);
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"1|a|10", "2|NULL|20", "3||30"}));
  EXPECT_EQ(parser->rejected()[0].raw, "4||x");
  EXPECT_NE(parser->rejected()[0].reason.find("expected 3 fields"), std::string::npos);
}

TEST(RowParserTest, CsvDefaultsColumnsAndStrict) {
  proto::TableSchemaPB schema = SeedSchema();
  schema.mutable_columns(2)->set_has_default(true);
  schema.mutable_columns(2)->set_default_value("99");
  proto::RoutineLoadFormatPB format;
  format.set_format("CSV");
  format.set_column_separator("\\x01");
  format.add_columns("site");
  format.add_columns("uid");
  auto parser = MakeParser(format, schema);
  parser->Parse("a\x01" "1\nb\x01notanumber");
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"1|a|99", "NULL|b|99"}));
  format.set_strict_mode(true);
  auto strict = MakeParser(format, schema);
  strict->Parse("a\x01" "1\nb\x01notanumber");
  EXPECT_EQ(Rows(strict->TakeRows()), (Strings{"1|a|99"}));
  EXPECT_EQ(strict->error_rows(), 1);
}

TEST(RowParserTest, BadFormats) {
  EXPECT_FALSE(RowParser::Make(Json({"uid"}), SeedSchema()).ok());
  EXPECT_FALSE(RowParser::Make(Json({"$.a[x]"}), SeedSchema()).ok());
  EXPECT_FALSE(RowParser::Make(Json({"$.a", "$.b", "$.c", "$.d"}), SeedSchema()).ok());
  proto::RoutineLoadFormatPB avro;
  avro.set_format("avro");
  EXPECT_FALSE(RowParser::Make(avro, SeedSchema()).ok());
}

TEST(RowParserTest, KeepsOnlyTheFirstRejects) {
  auto parser = MakeParser(Json(), SeedSchema(), {.max_kept_rejected = 2});
  for (int i = 0; i < 5; ++i) parser->Parse("nope");
  EXPECT_EQ(parser->error_rows(), 5);
  EXPECT_EQ(parser->rejected().size(), 2u);
}

// ---------------------------------------------------------------------------------------------
// Derived columns and WHERE (format.load_columns / where), with expressions built the way the FE
// binder builds them and shipped as ExprPB.

ExprPtr Ref(size_t i, DataType t) { return std::make_shared<ColumnRefExpr>(i, t); }
ExprPtr Lit(Value v) { return std::make_shared<LiteralExpr>(std::move(v)); }
ExprPtr Fn(const std::string& name, std::vector<ExprPtr> args) {
  std::vector<DataType> types;
  for (const ExprPtr& a : args) types.push_back(a->type());
  auto fn = ResolveFunction(name, types);
  EXPECT_TRUE(fn.ok()) << fn.status();
  return std::make_shared<FunctionExpr>(name, fn->kernel, std::move(args), fn->result_type);
}

void AddSource(proto::RoutineLoadFormatPB* f, const std::string& name) { f->add_load_columns()->set_name(name); }
void AddDerived(proto::RoutineLoadFormatPB* f, const std::string& name, const ExprPtr& expr) {
  proto::LoadColumnPB* c = f->add_load_columns();
  c->set_name(name);
  auto pb = ExprToPB(*expr);
  ASSERT_TRUE(pb.ok()) << pb.status();
  *c->mutable_expr() = *pb;
}
void SetWhere(proto::RoutineLoadFormatPB* f, const ExprPtr& expr) {
  auto pb = ExprToPB(*expr);
  ASSERT_TRUE(pb.ok()) << pb.status();
  *f->mutable_where() = *pb;
}

proto::RoutineLoadFormatPB Csv() {
  proto::RoutineLoadFormatPB f;
  f.set_format("csv");
  f.set_column_separator(",");
  return f;
}

TEST(RowParserTest, DerivedColumnsFromTemporaries) {
  // COLUMNS (uid, site, tmp, vtime = tmp * 2): tmp is a VARCHAR temporary; vtime its double.
  proto::RoutineLoadFormatPB f = Csv();
  AddSource(&f, "uid");
  AddSource(&f, "site");
  AddSource(&f, "tmp");
  AddDerived(&f, "vtime", Fn("*", {Ref(2, DataType::Varchar()), Lit(Value::Int(2))}));
  auto parser = MakeParser(f, SeedSchema());
  parser->Parse("1,a,10\n2,b,x\n3,c,\\N\n");
  Chunk chunk = parser->TakeRows();
  // "x" * 2 is 0 (MySQL string arithmetic); NULL stays NULL.
  EXPECT_EQ(Rows(chunk), (Strings{"1|a|20", "2|b|0", "3|c|NULL"}));
  EXPECT_EQ(chunk.columns[2]->type(), DataType::BigInt());
  EXPECT_EQ(parser->total_rows(), 3);
  EXPECT_EQ(parser->error_rows(), 0);
  EXPECT_EQ(parser->unselected_rows(), 0);
}

TEST(RowParserTest, DerivedColumnsSeeEarlierDerivedOnesAndJsonPaths) {
  // jsonpaths ["$.id", "$.n"] COLUMNS (uid, n, vtime = n + 1, site = concat('s', vtime)).
  proto::RoutineLoadFormatPB f = Json({"$.id", "$.n"});
  AddSource(&f, "uid");
  AddSource(&f, "n");
  ExprPtr vtime = Fn("+", {Ref(1, DataType::Varchar()), Lit(Value::Int(1))});
  AddDerived(&f, "vtime", vtime);
  AddDerived(&f, "site", Fn("concat", {Lit(Value::String("s")), Ref(2, vtime->type())}));
  auto parser = MakeParser(f, SeedSchema());
  parser->Parse(R"({"id": 7, "n": 41, "extra": true})");
  parser->Parse(R"({"id": 8, "n": "2.5"})");
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"7|s42|42", "8|s3.5|4"}));  // 3.5 rounds into BIGINT.
}

TEST(RowParserTest, SimpleModeSourcesByName) {
  proto::RoutineLoadFormatPB f = Json();
  AddSource(&f, "uid");
  AddSource(&f, "raw");
  AddDerived(&f, "site", Fn("upper", {Ref(1, DataType::Varchar())}));
  auto parser = MakeParser(f, SeedSchema());
  parser->Parse(R"({"raw": "abc", "UID": 3, "vtime": 9})");  // vtime is not a COLUMNS name: dropped.
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"3|ABC|NULL"}));
}

TEST(RowParserTest, WhereCountsUnselectedRows) {
  // COLUMNS (uid, site, tmp, vtime = tmp + 1) WHERE uid > 10: NULL and false are unselected.
  proto::RoutineLoadFormatPB f = Csv();
  AddSource(&f, "uid");
  AddSource(&f, "site");
  AddSource(&f, "tmp");
  ExprPtr vtime = Fn("+", {Ref(2, DataType::Varchar()), Lit(Value::Int(1))});
  AddDerived(&f, "vtime", vtime);
  SetWhere(&f, Fn(">", {Ref(0, DataType::Int()), Lit(Value::Int(10))}));
  auto parser = MakeParser(f, SeedSchema());
  parser->Parse("5,a,1\n11,b,2\n\\N,c,3\n12,d,4\nbad,line\n");
  Chunk chunk = parser->TakeRows();
  EXPECT_EQ(Rows(chunk), (Strings{"11|b|3", "12|d|5"}));
  EXPECT_EQ(parser->total_rows(), 5);
  EXPECT_EQ(parser->error_rows(), 1);  // The field-count mismatch.
  EXPECT_EQ(parser->unselected_rows(), 2);
  EXPECT_EQ(parser->loaded_rows(), 2);

  // WHERE on a derived column.
  proto::RoutineLoadFormatPB g = f;
  SetWhere(&g, Fn("=", {Ref(3, vtime->type()), Lit(Value::Int(2))}));
  parser = MakeParser(g, SeedSchema());
  parser->Parse("5,a,1\n11,b,2\n");
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"5|a|2"}));
  EXPECT_EQ(parser->unselected_rows(), 1);
}

TEST(RowParserTest, DerivedValueConversionNonStrictAndStrict) {
  // uid INT = tmp (a VARCHAR temporary): "x" and 3e9 do not convert.
  proto::RoutineLoadFormatPB f = Csv();
  AddSource(&f, "tmp");
  AddSource(&f, "site");
  AddDerived(&f, "uid", Ref(0, DataType::Varchar()));
  auto parser = MakeParser(f, SeedSchema());
  parser->Parse("7,a\nx,b\n3000000000,c\n");
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"7|a|NULL", "NULL|b|NULL", "NULL|c|NULL"}));
  EXPECT_EQ(parser->error_rows(), 0);

  f.set_strict_mode(true);
  parser = MakeParser(f, SeedSchema());
  parser->Parse("7,a\nx,b\n3000000000,c\n");
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"7|a|NULL"}));
  EXPECT_EQ(parser->error_rows(), 2);
  ASSERT_EQ(parser->rejected().size(), 2u);
  EXPECT_EQ(parser->rejected()[0].reason, "column 'uid': value 'x' cannot be converted to int(11)");
  EXPECT_EQ(parser->rejected()[0].raw, "tmp=x, site=b, uid=x");
}

TEST(RowParserTest, NotNullColumnsAfterWhere) {
  proto::TableSchemaPB schema = SeedSchema();
  schema.mutable_columns(0)->set_nullable(false);  // uid
  schema.mutable_columns(2)->set_nullable(false);  // vtime
  schema.mutable_columns(2)->set_has_default(true);
  schema.mutable_columns(2)->set_default_value("5");
  proto::RoutineLoadFormatPB f = Csv();
  AddSource(&f, "tmp");
  AddDerived(&f, "uid", Fn("+", {Ref(0, DataType::Varchar()), Lit(Value::Int(0))}));
  SetWhere(&f, Fn("isnotnull", {Ref(0, DataType::Varchar())}));
  auto parser = MakeParser(f, schema);
  // "x" + 0 is 0; NULL is filtered by WHERE before NOT NULL is checked; vtime gets its default.
  parser->Parse("1\n\\N\nx\n");
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"1|NULL|5", "0|NULL|5"}));
  EXPECT_EQ(parser->unselected_rows(), 1);
  EXPECT_EQ(parser->error_rows(), 0);

  // A NOT NULL column without default that nothing feeds: every selected row is an error.
  schema.mutable_columns(2)->set_has_default(false);
  parser = MakeParser(f, schema);
  parser->Parse("1\n\\N\n");
  EXPECT_EQ(parser->TakeRows().num_rows, 0u);
  EXPECT_EQ(parser->error_rows(), 1);
  EXPECT_EQ(parser->unselected_rows(), 1);
  ASSERT_EQ(parser->rejected().size(), 1u);
  EXPECT_EQ(parser->rejected()[0].reason, "column 'vtime' is NOT NULL but the row has no value for it");
}

TEST(RowParserTest, EvaluationErrorsRejectOnlyTheirRows) {
  // vtime = tmp + 9223372036854775807 overflows for tmp > 0 (BIGINT arithmetic).
  proto::RoutineLoadFormatPB f = Csv();
  AddSource(&f, "uid");
  AddSource(&f, "tmp");
  ExprPtr tmp_int = MakeCastExpr(Ref(1, DataType::Varchar()), DataType::BigInt());
  AddDerived(&f, "vtime", Fn("+", {tmp_int, Lit(Value::Int(INT64_MAX))}));
  auto parser = MakeParser(f, SeedSchema());
  parser->Parse("1,0\n2,5\n3,-1\n");
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"1|NULL|9223372036854775807", "3|NULL|9223372036854775806"}));
  EXPECT_EQ(parser->error_rows(), 1);
  ASSERT_EQ(parser->rejected().size(), 1u);
  EXPECT_EQ(parser->rejected()[0].reason.rfind("column 'vtime': ", 0), 0u) << parser->rejected()[0].reason;
  EXPECT_EQ(parser->rejected()[0].raw, "uid=2, tmp=5, vtime=NULL");
}

TEST(RowParserTest, BadLoadExpressionsFailMake) {
  proto::RoutineLoadFormatPB f = Csv();
  AddSource(&f, "uid");
  AddDerived(&f, "vtime", Ref(1, DataType::Varchar()));  // No input column 1.
  auto parser = RowParser::Make(f, SeedSchema());
  ASSERT_FALSE(parser.ok());
  EXPECT_EQ(parser.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(parser.status().message().find("vtime"), std::string::npos) << parser.status();

  proto::RoutineLoadFormatPB g = Csv();
  AddSource(&g, "uid");
  SetWhere(&g, Ref(0, DataType::Varchar()));  // uid is INT here.
  EXPECT_FALSE(RowParser::Make(g, SeedSchema()).ok());
}

// ---------------------------------------------------------------------------------------------
// CSV enclose / escape / trim_space.

proto::RoutineLoadFormatPB QuotedCsv(std::string enclose, std::string escape, bool trim) {
  proto::RoutineLoadFormatPB f = Csv();
  f.set_enclose(std::move(enclose));
  f.set_escape(std::move(escape));
  f.set_trim_space(trim);
  return f;
}

TEST(RowParserTest, CsvEncloseHoldsSeparatorsDelimitersAndDoubledEncloses) {
  auto parser = MakeParser(QuotedCsv("\"", "", false), SeedSchema(), {.max_kept_rejected = -1});
  // A separator, a row delimiter (the row goes on) and a doubled enclose inside enclosures.
  parser->Parse("1,\"a,b\",10\n2,\"line1\nline2\",20\n3,\"say \"\"hi\"\"\",30\n");
  // Enclosed empty string, enclosed \N (a string, not NULL), unenclosed \N (NULL), text after the
  // closing enclose, an enclose inside an unenclosed field (literal).
  parser->Parse("4,\"\",40\n5,\"\\N\",50\n6,\\N,60\n7,\"ab\"cd,70\n8,x\"y,80");
  EXPECT_EQ(parser->error_rows(), 0) << parser->rejected()[0].reason;
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"1|a,b|10", "2|line1\nline2|20", "3|say \"hi\"|30", "4||40",
                                               "5|\\N|50", "6|NULL|60", "7|abcd|70", "8|x\"y|80"}));
  EXPECT_EQ(parser->total_rows(), 8);
}

TEST(RowParserTest, CsvEncloseWithMultiByteSeparators) {
  proto::RoutineLoadFormatPB f = QuotedCsv("'", "", false);
  f.set_column_separator("||");
  f.set_row_delimiter("\r\n");
  auto parser = MakeParser(f, SeedSchema());
  parser->Parse("1||'x||y\r\nz'||10\r\n2||'it''s'||20\r\n");
  EXPECT_EQ(parser->error_rows(), 0);
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"1|x||y\r\nz|10", "2|it's|20"}));
}

TEST(RowParserTest, CsvEscapeMakesTheNextByteLiteral) {
  auto parser = MakeParser(QuotedCsv("\"", "\\", false), SeedSchema(), {.max_kept_rejected = -1});
  // Escaped separator, escaped row delimiter, escaped enclose inside an enclosure, escaped
  // escape; an unenclosed \N stays NULL with escape '\'.
  parser->Parse("1,a\\,b,10\n2,a\\\nb,20\n3,\"q\\\"x\",30\n4,back\\\\slash,40\n5,\\N,50\n");
  EXPECT_EQ(parser->error_rows(), 0) << parser->rejected()[0].reason;
  EXPECT_EQ(Rows(parser->TakeRows()),
            (Strings{"1|a,b|10", "2|a\nb|20", "3|q\"x|30", "4|back\\slash|40", "5|NULL|50"}));

  // Escape without enclose.
  auto plain = MakeParser(QuotedCsv("", "#", false), SeedSchema());
  plain->Parse("1,a#,b,10\n2,##,20");
  EXPECT_EQ(Rows(plain->TakeRows()), (Strings{"1|a,b|10", "2|#|20"}));
}

TEST(RowParserTest, CsvTrimSpaceOutsideEnclosures) {
  auto parser = MakeParser(QuotedCsv("\"", "", true), SeedSchema());
  parser->Parse("  1 ,  \" padded \"  ,  10  \n 2,  plain text  ,20\n");
  EXPECT_EQ(parser->error_rows(), 0);
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"1| padded |10", "2|plain text|20"}));

  // Without trim_space spaces are data (and " 1 " is not an INT).
  auto untrimmed = MakeParser(QuotedCsv("\"", "", false), SeedSchema());
  untrimmed->Parse("3, x ,30");
  EXPECT_EQ(Rows(untrimmed->TakeRows()), (Strings{"3| x |30"}));

  // trim_space alone takes the one-pass path too.
  auto trim_only = MakeParser(QuotedCsv("", "", true), SeedSchema());
  trim_only->Parse(" 4 , y , 40 \n\n");
  EXPECT_EQ(Rows(trim_only->TakeRows()), (Strings{"4|y|40"}));
  EXPECT_EQ(trim_only->total_rows(), 1);
}

TEST(RowParserTest, CsvUnterminatedEnclosureIsAnErrorRow) {
  auto parser = MakeParser(QuotedCsv("\"", "", false), SeedSchema(), {.max_kept_rejected = -1});
  parser->Parse("1,ok,10\n2,\"never closed,20\n3,c,30");
  EXPECT_EQ(parser->total_rows(), 2);
  EXPECT_EQ(parser->error_rows(), 1);
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"1|ok|10"}));
  ASSERT_EQ(parser->rejected().size(), 1u);
  EXPECT_NE(parser->rejected()[0].reason.find("unterminated enclose character '\"' in field 2"), std::string::npos)
      << parser->rejected()[0].reason;
  EXPECT_EQ(parser->rejected()[0].raw, "2,\"never closed,20\n3,c,30");
  // The next message starts afresh.
  parser->Parse("4,d,40");
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"4|d|40"}));
}

TEST(RowParserTest, CsvQuotedFieldCountAndEmptyFields) {
  auto parser = MakeParser(QuotedCsv("\"", "\\", false), SeedSchema(), {.max_kept_rejected = -1});
  parser->Parse("1,\"a\"\n2,,20\n3,\"x\",30,extra\n4,\"b\",");
  EXPECT_EQ(parser->total_rows(), 4);
  EXPECT_EQ(parser->error_rows(), 2);
  EXPECT_EQ(Rows(parser->TakeRows()), (Strings{"2||20", "4|b|NULL"}));
  EXPECT_EQ(parser->rejected()[0].raw, "1,\"a\"");
  EXPECT_NE(parser->rejected()[0].reason.find("expected 3 fields but the row has 2"), std::string::npos);
  EXPECT_NE(parser->rejected()[1].reason.find("expected 3 fields but the row has 4"), std::string::npos);
}

TEST(RowParserTest, CsvEncloseAndEscapeMustBeSingleBytes) {
  EXPECT_FALSE(RowParser::Make(QuotedCsv("\"\"", "", false), SeedSchema()).ok());
  EXPECT_FALSE(RowParser::Make(QuotedCsv("", "ab", false), SeedSchema()).ok());
}

// ---------------------------------------------------------------------------------------------
// The job's timezone for time-zone-dependent functions in COLUMNS.

TEST(RowParserTest, DerivedColumnsUseTheJobTimeZone) {
  // COLUMNS (uid, site, ts, vtime = unix_timestamp(from_unixtime(ts)) , dt = from_unixtime(ts))
  // over a table with a DATETIME column.
  proto::TableSchemaPB schema = SeedSchema();
  AddColumn(&schema, 4, "dt", TypeId::kDateTime);
  auto make = [&](const std::string& zone) {
    proto::RoutineLoadFormatPB f = Csv();
    f.set_timezone(zone);
    AddSource(&f, "uid");
    AddSource(&f, "site");
    AddSource(&f, "ts");
    ExprPtr ts = MakeCastExpr(Ref(2, DataType::Varchar()), DataType::BigInt());
    AddDerived(&f, "dt", Fn("from_unixtime", {ts}));
    AddDerived(&f, "vtime", Fn("unix_timestamp", {Ref(3, DataType::DateTime())}));
    return MakeParser(f, schema);
  };
  auto utc = make("UTC");
  auto shanghai = make("Asia/Shanghai");
  auto unset = make("");
  for (auto* p : {utc.get(), shanghai.get(), unset.get()}) p->Parse("1,a,1700000000");
  EXPECT_EQ(Rows(utc->TakeRows()), (Strings{"1|a|1700000000|2023-11-14 22:13:20"}));
  EXPECT_EQ(Rows(shanghai->TakeRows()), (Strings{"1|a|1700000000|2023-11-15 06:13:20"}));
  EXPECT_EQ(Rows(unset->TakeRows()), (Strings{"1|a|1700000000|2023-11-14 22:13:20"}));

  proto::RoutineLoadFormatPB bad = Csv();
  bad.set_timezone("Mars/Olympus");
  AddSource(&bad, "uid");
  AddDerived(&bad, "vtime", Fn("from_unixtime", {Ref(0, DataType::Int())}));
  auto parser = RowParser::Make(bad, schema);
  ASSERT_FALSE(parser.ok());
  EXPECT_NE(parser.status().message().find("Mars/Olympus"), std::string::npos) << parser.status();
}

}  // namespace
}  // namespace basalt::cn
