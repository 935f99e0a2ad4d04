#include "cn/ingest/row_parser.h"

#include <gtest/gtest.h>

#include "cn/storage/tablet_test_util.h"

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

}  // namespace
}  // namespace basalt::cn
