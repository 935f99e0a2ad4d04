#include "fe/load/routine_load_job.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "engine/expr_codec.h"
#include "fe/qe/binder.h"
#include "fe/sql/parser.h"

namespace basalt::fe {
namespace {

constexpr char kSeedCreate[] = R"(CREATE ROUTINE LOAD quickstart.clicks ON site_clicks
PROPERTIES
(
    "format" = "JSON",
    "jsonpaths" ="[\"$.uid\",\"$.site\",\"$.vtime\"]"
)
FROM KAFKA
(
    "kafka_broker_list" = "redpanda:29092",
    "kafka_topic" = "test2",
    "kafka_partitions" = "0",
    "kafka_offsets" = "OFFSET_BEGINNING"
))";

proto::DatabaseMeta Db() {
  proto::DatabaseMeta db;
  db.set_id(10001);
  db.set_name("quickstart");
  return db;
}

proto::TableMeta Table() {
  proto::TableMeta t;
  t.set_id(10002);
  t.set_db("quickstart");
  t.set_name("site_clicks");
  t.set_keys_type("DUP_KEYS");
  t.add_partitions()->set_name("site_clicks");
  return t;
}

Result<proto::RoutineLoadJobMeta> Build(const std::string& sql) {
  auto stmt = sql::ParseStatement(sql);
  if (!stmt.ok()) return stmt.status();
  return BuildRoutineLoadJob(*(*stmt)->routine_load, Db(), Table(), RoutineLoadDefaults{});
}

std::string ErrorOf(const std::string& sql) {
  auto job = Build(sql);
  return job.ok() ? "OK" : job.status().message();
}

TEST(RoutineLoadJobTest, SeedJobShowsExactlyLikeStarRocks) {
  auto job = Build(kSeedCreate);
  ASSERT_TRUE(job.ok()) << job.status();
  job->set_id(10078);
  EXPECT_EQ(job->state(), "NEED_SCHEDULE");
  EXPECT_EQ(RoutineLoadJobPropertiesJson(*job, 1),
            R"({"partitions":"*","partial_update":"false","columnToColumnExpr":"*","maxBatchIntervalS":"10",)"
            R"("partial_update_mode":"null","whereExpr":"*","dataFormat":"json","timezone":"Etc/UTC","format":"json",)"
            R"("log_rejected_record_num":"0","taskTimeoutSecond":"60","json_root":"","maxFilterRatio":"1.0",)"
            R"("strict_mode":"false","jsonpaths":"[\"$.uid\",\"$.site\",\"$.vtime\"]","taskConsumeSecond":"15",)"
            R"("desireTaskConcurrentNum":"5","maxErrorNum":"0","strip_outer_array":"false",)"
            R"("currentTaskConcurrentNum":"1","maxBatchRows":"200000"})");
  EXPECT_EQ(RoutineLoadStatisticJson(job->statistics()),
            R"({"receivedBytes":0,"errorRows":0,"committedTaskNum":0,"loadedRows":0,"loadRowsRate":0,)"
            R"("abortedTaskNum":0,"totalRows":0,"unselectedRows":0,"receivedBytesRate":0,"taskExecuteTimeMs":1})");
  EXPECT_EQ(RoutineLoadProgressJson(*job), R"({"0":"OFFSET_BEGINNING"})");
  (*job->mutable_next_offsets())[0] = 0;  // resolved to the partition's beginning
  EXPECT_EQ(RoutineLoadProgressJson(*job), R"({"0":"OFFSET_ZERO"})");
  (*job->mutable_next_offsets())[0] = 5;
  EXPECT_EQ(RoutineLoadProgressJson(*job), R"({"0":"4"})");

  RoutineLoadRuntime runtime;
  runtime.current_task_num = 1;
  runtime.current_concurrency = 1;
  runtime.latest_positions[0] = 5;
  job->set_state("RUNNING");
  job->set_create_time_ms(1718207472000);
  std::vector<std::optional<std::string>> row = ShowRoutineLoadRow(*job, runtime);
  ASSERT_EQ(row.size(), ShowRoutineLoadColumns().size());
  EXPECT_EQ(*row[0], "10078");
  EXPECT_EQ(*row[2], "2024-06-12 15:51:12");
  EXPECT_FALSE(row[3]);  // PauseTime NULL
  EXPECT_EQ(*row[11], R"({"topic":"test2","currentKafkaPartitions":"0","brokerList":"redpanda:29092"})");
  EXPECT_TRUE(row[12]->rfind(R"({"group.id":"clicks_)", 0) == 0) << *row[12];
  EXPECT_EQ(row[12]->size(), std::string(R"({"group.id":"clicks_ea38a713-5a0f-4abe-9b11-ff4a241ccbbd"})").size());
  EXPECT_EQ(*row[15], "{}");
  EXPECT_EQ(*row[16], "");
  EXPECT_EQ(*row[20], R"({"0":"5"})");
}

TEST(RoutineLoadJobTest, SubSecondIntervalIsShownOnlyWhenSet) {
  const std::string kafka = " FROM KAFKA (\"kafka_broker_list\" = \"b:9092\", \"kafka_topic\" = \"t\")";
  auto job = Build("CREATE ROUTINE LOAD j ON t PROPERTIES (\"format\" = \"json\", \"max_batch_interval_ms\" = \"200\")" +
                   kafka);
  ASSERT_TRUE(job.ok()) << job.status();
  std::string json = RoutineLoadJobPropertiesJson(*job, 1);
  EXPECT_NE(json.find(R"("maxBatchRows":"200000","maxBatchIntervalMs":"200"})"), std::string::npos) << json;
  EXPECT_NE(ErrorOf("CREATE ROUTINE LOAD j ON t PROPERTIES (\"max_batch_interval_ms\" = \"10\")" + kafka).find(">= 50"),
            std::string::npos);
}

TEST(RoutineLoadJobTest, StatisticRatesDivideFirst) {
  proto::RoutineLoadStatisticsPB s;
  s.set_received_bytes(372);
  s.set_loaded_rows(5);
  s.set_total_rows(5);
  s.set_committed_task_num(1);
  s.set_task_execute_ms(519);
  EXPECT_EQ(RoutineLoadStatisticJson(s),
            R"({"receivedBytes":372,"errorRows":0,"committedTaskNum":1,"loadedRows":5,"loadRowsRate":0,)"
            R"("abortedTaskNum":0,"totalRows":5,"unselectedRows":0,"receivedBytesRate":0,"taskExecuteTimeMs":519})");
}

TEST(RoutineLoadJobTest, TrackingLogJoinsTheErrorLogsAndNamesUnreadableOnes) {
  proto::RoutineLoadJobMeta job;
  EXPECT_EQ(RoutineLoadTrackingLog(job, [](const std::string&) -> Result<std::string> { return std::string("x"); }, 100),
            "");
  job.add_error_log_urls("http://cn1:8040/api/_load_error_log?file=a");
  job.add_error_log_urls("http://cn2:8040/api/_load_error_log?file=b");
  job.add_error_log_urls("http://cn1:8040/api/_load_error_log?file=c");
  std::vector<std::string> asked;
  auto fetch = [&](const std::string& url) -> Result<std::string> {
    asked.push_back(url);
    if (url.find("cn2") != std::string::npos) return Status::IOError("connection refused");
    return "Error: bad row. Row: " + url.substr(url.size() - 1);  // No trailing newline: one is added.
  };
  EXPECT_EQ(RoutineLoadTrackingLog(job, fetch, 1000),
            "Error: bad row. Row: a\n"
            "cannot read http://cn2:8040/api/_load_error_log?file=b: connection refused\n"
            "Error: bad row. Row: c\n");
  EXPECT_EQ(asked.size(), 3u);

  // Over the cap: whole lines only, with a note, and no further fetches.
  asked.clear();
  std::string cut = RoutineLoadTrackingLog(job, fetch, 30);
  EXPECT_EQ(cut.substr(0, cut.find("...")), "Error: bad row. Row: a\n");
  EXPECT_NE(cut.find("cut at 30 bytes"), std::string::npos) << cut;
  EXPECT_EQ(asked.size(), 2u);
}

TEST(RoutineLoadJobTest, CsvJobPropertiesOrderAndSeparators) {
  auto job = Build("CREATE ROUTINE LOAD j ON site_clicks COLUMNS TERMINATED BY ',', COLUMNS (uid, site, vtime) "
                   "PROPERTIES (\"desired_concurrent_number\" = \"2\") "
                   "FROM KAFKA (\"kafka_broker_list\" = \"b:9092\", \"kafka_topic\" = \"t\")");
  ASSERT_TRUE(job.ok()) << job.status();
  std::string json = RoutineLoadJobPropertiesJson(*job, 0);
  EXPECT_EQ(json.find(R"({"partitions":"*","rowDelimiter":"'\n'","partial_update":"false",)"), 0u) << json;
  EXPECT_NE(json.find(R"("columnToColumnExpr":"uid,site,vtime")"), std::string::npos);
  EXPECT_NE(json.find(R"("format":"csv","columnSeparator":"','")"), std::string::npos);
  EXPECT_EQ(json.find("dataFormat"), std::string::npos);
  EXPECT_NE(json.find(R"("desireTaskConcurrentNum":"2")"), std::string::npos);
  EXPECT_TRUE(job->next_offsets().empty());  // partitions discovered at scheduling
}

TEST(RoutineLoadJobTest, BadPropertiesAreNamed) {
  const std::string kafka = " FROM KAFKA (\"kafka_broker_list\" = \"b:9092\", \"kafka_topic\" = \"t\")";
  EXPECT_EQ(ErrorOf("CREATE ROUTINE LOAD j ON t PROPERTIES (\"format\" = \"xml\")" + kafka),
            "Format type is invalid. format=xml");
  EXPECT_EQ(ErrorOf("CREATE ROUTINE LOAD j ON t PROPERTIES (\"no_such\" = \"1\")" + kafka), "no_such is invalid property");
  EXPECT_NE(ErrorOf("CREATE ROUTINE LOAD j ON t PROPERTIES (\"max_batch_rows\" = \"10\")" + kafka).find("200000"),
            std::string::npos);
  EXPECT_NE(ErrorOf("CREATE ROUTINE LOAD j ON t PROPERTIES (\"format\" = \"json\", \"jsonpaths\" = \"[$.a\")" + kafka)
                .find("Invalid jsonpaths"),
            std::string::npos);
  EXPECT_NE(ErrorOf("CREATE ROUTINE LOAD j ON t PROPERTIES (\"strict_mode\" = \"yes\")" + kafka).find("strict_mode"),
            std::string::npos);
  EXPECT_EQ(ErrorOf("CREATE ROUTINE LOAD j ON t FROM KAFKA (\"kafka_topic\" = \"t\")"),
            "kafka_broker_list is a required property");
  EXPECT_EQ(ErrorOf("CREATE ROUTINE LOAD j ON t FROM KAFKA (\"kafka_broker_list\" = \"b:9092\")"),
            "kafka_topic is a required property");
  EXPECT_NE(ErrorOf("CREATE ROUTINE LOAD j ON t FROM KAFKA (\"kafka_broker_list\" = \"nohostport\", \"kafka_topic\" = \"t\")")
                .find("kafka_broker_list"),
            std::string::npos);
  EXPECT_EQ(ErrorOf("CREATE ROUTINE LOAD j ON t FROM KAFKA (\"kafka_broker_list\" = \"b:1\", \"kafka_topic\" = \"t\", "
                    "\"kafka_partitions\" = \"0,1\", \"kafka_offsets\" = \"1\")"),
            "Partitions number should be equals to offsets number");
  EXPECT_NE(ErrorOf("CREATE ROUTINE LOAD j ON t FROM KAFKA (\"kafka_broker_list\" = \"b:1\", \"kafka_topic\" = \"t\", "
                    "\"kafka_partitions\" = \"0\", \"kafka_offsets\" = \"OFFSET_MIDDLE\")")
                .find("OFFSET_MIDDLE"),
            std::string::npos);
  EXPECT_EQ(ErrorOf("CREATE ROUTINE LOAD j ON t FROM KAFKA (\"kafka_broker_list\" = \"b:1\", \"kafka_topic\" = \"t\", "
                    "\"bogus\" = \"1\")"),
            "bogus is invalid kafka property");
}

TEST(RoutineLoadJobTest, SecretsAreMaskedAndAlterNeedsPause) {
  auto job = Build("CREATE ROUTINE LOAD j ON t PROPERTIES (\"format\" = \"json\") FROM KAFKA ("
                   "\"kafka_broker_list\" = \"b:1\", \"kafka_topic\" = \"t\", \"kafka_partitions\" = \"0,1\", "
                   "\"kafka_offsets\" = \"OFFSET_END,7\", \"property.sasl.password\" = \"hunter2\", "
                   "\"property.group.id\" = \"g\")");
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->next_offsets().at(0), kOffsetEnd);
  EXPECT_EQ(job->next_offsets().at(1), 7);
  auto row = ShowRoutineLoadRow(*job, {});
  EXPECT_EQ(*row[12], R"({"group.id":"g","sasl.password":"******"})");
  EXPECT_EQ(*row[14], R"({"0":"OFFSET_END","1":"6"})");

  auto alter = sql::ParseStatement("ALTER ROUTINE LOAD FOR j PROPERTIES (\"max_error_number\" = \"9\") "
                                   "FROM KAFKA (\"kafka_partitions\" = \"1\", \"kafka_offsets\" = \"100\")");
  ASSERT_TRUE(alter.ok());
  Status running = AlterRoutineLoadJob(*(*alter)->routine_load, Table(), &*job);
  EXPECT_FALSE(running.ok());
  job->set_state("PAUSED");
  ASSERT_TRUE(AlterRoutineLoadJob(*(*alter)->routine_load, Table(), &*job).ok());
  EXPECT_EQ(job->properties().at("maxErrorNum"), "9");
  EXPECT_EQ(job->next_offsets().at(1), 100);
  auto not_altering = sql::ParseStatement("ALTER ROUTINE LOAD FOR j PROPERTIES (\"format\" = \"csv\")");
  EXPECT_FALSE(AlterRoutineLoadJob(*(*not_altering)->routine_load, Table(), &*job).ok());
  auto unknown_partition = sql::ParseStatement(
      "ALTER ROUTINE LOAD FOR j FROM KAFKA (\"kafka_partitions\" = \"5\", \"kafka_offsets\" = \"1\")");
  EXPECT_FALSE(AlterRoutineLoadJob(*(*unknown_partition)->routine_load, Table(), &*job).ok());
}

TEST(RoutineLoadJobTest, ShowCreatePrintsTheSeedStatement) {
  auto job = Build(kSeedCreate);
  ASSERT_TRUE(job.ok()) << job.status();
  // The generated group.id is left out; the offsets are the written ones, not the progress.
  (*job->mutable_next_offsets())[0] = 42;
  EXPECT_EQ(ShowCreateRoutineLoadText(*job), R"(CREATE ROUTINE LOAD `quickstart`.`clicks` ON `site_clicks`
PROPERTIES
(
"desired_concurrent_number" = "5",
"max_error_number" = "0",
"max_filter_ratio" = "1.0",
"max_batch_interval" = "10",
"max_batch_rows" = "200000",
"task_consume_second" = "15",
"task_timeout_second" = "60",
"format" = "json",
"jsonpaths" = "[\"$.uid\",\"$.site\",\"$.vtime\"]",
"strip_outer_array" = "false",
"json_root" = "",
"strict_mode" = "false",
"timezone" = "Etc/UTC",
"partial_update" = "false",
"log_rejected_record_num" = "0"
)
FROM KAFKA
(
"kafka_broker_list" = "redpanda:29092",
"kafka_topic" = "test2",
"kafka_partitions" = "0",
"kafka_offsets" = "OFFSET_BEGINNING"
);)");
}

// Running the printed statement (under another name) makes the same job: every load, job and
// data source property, with secrets masked and the generated group.id left to the new job.
TEST(RoutineLoadJobTest, ShowCreateRoundTrips) {
  const std::string create =
      "CREATE ROUTINE LOAD quickstart.`my job` ON site_clicks "
      "COLUMNS TERMINATED BY '|', ROWS TERMINATED BY '\\r\\n', "
      "COLUMNS (uid, tmp, site = concat('s\"', tmp), vtime = uid * 2), WHERE uid > 1 AND site <> '\\\\', "
      "PARTITION (site_clicks) "
      "PROPERTIES (\"desired_concurrent_number\" = \"2\", \"max_batch_interval_ms\" = \"200\", "
      "\"strict_mode\" = \"true\", \"timezone\" = \"+8:00\", \"enclose\" = \"\\\"\", \"escape\" = \"\\\\\", "
      "\"trim_space\" = \"true\", \"max_filter_ratio\" = \"0.5\", \"task_consume_second\" = \"5\", "
      "\"max_error_number\" = \"7\", \"log_rejected_record_num\" = \"-1\", \"pause_on_fatal_parse_error\" = \"true\") "
      "FROM KAFKA (\"kafka_broker_list\" = \"k1:9092, k2:9092\", \"kafka_topic\" = \"clicks\", "
      "\"kafka_partitions\" = \"0,1,2\", \"kafka_offsets\" = \"OFFSET_BEGINNING,OFFSET_END,42\", "
      "\"property.sasl.password\" = \"hunter2\", \"property.client.id\" = \"c\\\"q\", "
      "\"property.kafka_default_offsets\" = \"OFFSET_BEGINNING\")";
  auto job = Build(create);
  ASSERT_TRUE(job.ok()) << job.status();
  ASSERT_TRUE(job->group_id_generated());
  std::string text = ShowCreateRoutineLoadText(*job);
  EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
  EXPECT_NE(text.find("\"property.sasl.password\" = \"******\""), std::string::npos) << text;
  EXPECT_EQ(text.find("group.id"), std::string::npos) << text;
  EXPECT_EQ(text.rfind("CREATE ROUTINE LOAD `quickstart`.`my job` ON `site_clicks`\n"
                       "COLUMNS TERMINATED BY \"|\",\n",
                       0),
            0u)
      << text;

  const std::string renamed_text = "CREATE ROUTINE LOAD `quickstart`.`copy`" + text.substr(text.find(" ON "));
  auto copy = Build(renamed_text);
  ASSERT_TRUE(copy.ok()) << copy.status() << "\n" << renamed_text;
  EXPECT_EQ(copy->name(), "copy");
  // Everything but the name, the group.id and the masked secret is the same.
  proto::RoutineLoadJobMeta expected = *job;
  expected.set_name("copy");
  (*expected.mutable_custom_properties())["sasl.password"] = "******";
  (*expected.mutable_custom_properties())["group.id"] = copy->custom_properties().at("group.id");
  EXPECT_NE(copy->custom_properties().at("group.id"), job->custom_properties().at("group.id"));
  EXPECT_EQ(copy->DebugString(), expected.DebugString());
  // And it prints the same statement (under its own name).
  EXPECT_EQ(ShowCreateRoutineLoadText(*copy), renamed_text);

  // Progress does not change the statement.
  (*job->mutable_next_offsets())[1] = 1000;
  EXPECT_EQ(ShowCreateRoutineLoadText(*job), text);
}

TEST(RoutineLoadJobTest, ShowCreateKeepsWrittenGroupIdAndDiscovery) {
  auto job = Build("CREATE ROUTINE LOAD j ON t FROM KAFKA (\"kafka_broker_list\" = \"b:1\", \"kafka_topic\" = \"t\", "
                   "\"property.group.id\" = \"mine\")");
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_FALSE(job->group_id_generated());
  // Partitions found by discovery are not pinned: the copy discovers them too.
  job->add_kafka_partitions(0);
  job->add_kafka_partitions(1);
  std::string text = ShowCreateRoutineLoadText(*job);
  EXPECT_NE(text.find("\"property.group.id\" = \"mine\""), std::string::npos) << text;
  EXPECT_EQ(text.find("kafka_partitions"), std::string::npos) << text;
  EXPECT_EQ(text.find("kafka_offsets"), std::string::npos) << text;

  // A group.id given later by ALTER is the user's too.
  auto generated = Build("CREATE ROUTINE LOAD j ON t FROM KAFKA (\"kafka_broker_list\" = \"b:1\", "
                         "\"kafka_topic\" = \"t\", \"kafka_partitions\" = \"3\")");
  ASSERT_TRUE(generated.ok()) << generated.status();
  EXPECT_EQ(ShowCreateRoutineLoadText(*generated).find("group.id"), std::string::npos);
  // Partitions without written offsets: no kafka_offsets (the copy starts where this one did).
  EXPECT_NE(ShowCreateRoutineLoadText(*generated).find("\"kafka_partitions\" = \"3\"\n"), std::string::npos);
  EXPECT_EQ(ShowCreateRoutineLoadText(*generated).find("kafka_offsets"), std::string::npos);
  generated->set_state("PAUSED");
  auto alter = sql::ParseStatement("ALTER ROUTINE LOAD FOR j FROM KAFKA (\"property.group.id\" = \"g2\")");
  ASSERT_TRUE(alter.ok());
  ASSERT_TRUE(AlterRoutineLoadJob(*(*alter)->routine_load, Table(), &*generated).ok());
  EXPECT_NE(ShowCreateRoutineLoadText(*generated).find("\"property.group.id\" = \"g2\""), std::string::npos);
}

// COLUMNS with derived columns and WHERE, bound with the real binder as the executor does.
class LoadExprTest : public testing::Test {
 protected:
  LoadExprTest() : session_(1, "127.0.0.1", &globals_) {
    fe_.globals = &globals_;
    binder_ = [this](const sql::Expr& e, const std::vector<LoadExprColumn>& columns) -> Result<ExprPtr> {
      BindContext ctx;
      ctx.fe = &fe_;
      ctx.session = &session_;
      for (const LoadExprColumn& c : columns) ctx.columns.push_back({"", c.name, c.type});
      return BindExpr(e, ctx);
    };
  }

  static proto::TableMeta SeedTable() {
    proto::TableMeta t = Table();
    auto add = [&](const std::string& name, DataType type) {
      proto::ColumnMeta* c = t.add_columns();
      c->set_name(name);
      c->set_type_id(static_cast<int32_t>(type.id));
      c->set_type_length(0);  // The CN reads length 0 as unspecified (-1); binding must agree.
    };
    add("uid", DataType::Int());
    add("site", DataType::String());
    add("vtime", DataType::BigInt());
    return t;
  }

  Result<proto::RoutineLoadJobMeta> BuildAndBind(const std::string& load_properties, const std::string& props = "") {
    ASSIGN_OR_RETURN(proto::RoutineLoadJobMeta job,
                     Build("CREATE ROUTINE LOAD j ON site_clicks " + load_properties + " " + props +
                           " FROM KAFKA (\"kafka_broker_list\" = \"127.0.0.1:1\", \"kafka_topic\" = \"t\")"));
    RETURN_IF_ERROR(BindRoutineLoadExprs(SeedTable(), binder_, &job));
    return job;
  }

  GlobalVariables globals_;
  FeContext fe_;
  Session session_;
  LoadExprBinder binder_;
};

TEST_F(LoadExprTest, DerivedColumnsAndWhereAreBoundAndShownAsWritten) {
  auto job = BuildAndBind("COLUMNS TERMINATED BY ',', COLUMNS (uid, site, tmp, vtime = tmp + 1), WHERE uid > 10");
  ASSERT_TRUE(job.ok()) << job.status();
  std::string json = RoutineLoadJobPropertiesJson(*job, 0);
  EXPECT_NE(json.find(R"("columnToColumnExpr":"uid,site,tmp,vtime = tmp + 1")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("whereExpr":"uid > 10")"), std::string::npos) << json;

  ASSERT_EQ(job->load_columns_size(), 4);
  EXPECT_EQ(job->load_columns(2).name(), "tmp");
  EXPECT_FALSE(job->load_columns(2).has_expr());
  EXPECT_EQ(job->load_columns(3).name(), "vtime");
  ASSERT_TRUE(job->load_columns(3).has_expr());
  ASSERT_TRUE(job->has_where());
  // Source types: uid and site as the table's columns, the temporary tmp VARCHAR.
  std::vector<DataType> inputs = {DataType::Int(), DataType::String(), DataType::Varchar()};
  auto vtime = ExprFromPB(job->load_columns(3).expr(), inputs);
  ASSERT_TRUE(vtime.ok()) << vtime.status();
  inputs.push_back((*vtime)->type());
  auto where = ExprFromPB(job->where(), inputs);
  ASSERT_TRUE(where.ok()) << where.status();
  EXPECT_EQ((*where)->type(), DataType::Boolean());

  // Earlier derived columns are visible to later ones; later ones are not.
  EXPECT_TRUE(BuildAndBind("COLUMNS (uid, tmp, vtime = tmp + 1, site = concat(vtime, 'x'))").ok());
  auto later = BuildAndBind("COLUMNS (uid, tmp, site = concat(vtime, 'x'), vtime = tmp + 1)");
  EXPECT_EQ(later.status().sql_error().number, 1054);
}

TEST_F(LoadExprTest, PlainColumnListNeedsNoBinding) {
  auto job = BuildAndBind("COLUMNS (uid, site, vtime)");
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->load_columns_size(), 0);
  EXPECT_FALSE(job->has_where());
  EXPECT_EQ(job->column_names_size(), 3);
}

TEST_F(LoadExprTest, WhereWithoutColumnsUsesTheTableOrTheJsonPaths) {
  auto job = BuildAndBind("WHERE vtime > 0");
  ASSERT_TRUE(job.ok()) << job.status();
  ASSERT_EQ(job->load_columns_size(), 3);
  EXPECT_EQ(job->load_columns(2).name(), "vtime");

  job = BuildAndBind("WHERE uid > 0", R"(PROPERTIES ("format" = "json", "jsonpaths" = "[\"$.a\", \"$.b\"]"))");
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->load_columns_size(), 2);  // uid and site: two jsonpaths.
  EXPECT_FALSE(BuildAndBind("WHERE vtime > 0", R"(PROPERTIES ("format" = "json", "jsonpaths" = "[\"$.a\"]"))").ok());
}

TEST_F(LoadExprTest, ErrorsNameTheProblem) {
  auto unknown = BuildAndBind("COLUMNS (uid, tmp, vtime = nope + 1)");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().sql_error().number, 1054);
  EXPECT_NE(unknown.status().message().find("'nope'"), std::string::npos) << unknown.status();

  auto unknown_where = BuildAndBind("COLUMNS (uid, tmp), WHERE nope = 1");
  ASSERT_FALSE(unknown_where.ok());
  EXPECT_EQ(unknown_where.status().sql_error().number, 1054);

  auto not_predicate = BuildAndBind("COLUMNS (uid, site), WHERE site");
  ASSERT_FALSE(not_predicate.ok());
  EXPECT_NE(not_predicate.status().message().find("boolean"), std::string::npos) << not_predicate.status();

  auto aggregate = BuildAndBind("COLUMNS (uid, site), WHERE count(uid) > 1");
  ASSERT_FALSE(aggregate.ok());
  EXPECT_EQ(aggregate.status().sql_error().number, 1111);

  EXPECT_FALSE(BuildAndBind("COLUMNS (uid, uid = 1)").ok());  // Duplicate name.
}

TEST_F(LoadExprTest, AlterRebindsWhateverChanged) {
  auto job = BuildAndBind("COLUMNS (uid, tmp, vtime = tmp * 2)");
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_FALSE(job->has_where());
  job->set_state("PAUSED");
  auto alter = sql::ParseStatement("ALTER ROUTINE LOAD FOR j WHERE vtime > 3");
  ASSERT_TRUE(alter.ok()) << alter.status();
  ASSERT_TRUE(AlterRoutineLoadJob(*(*alter)->routine_load, SeedTable(), &*job).ok());
  ASSERT_TRUE(BindRoutineLoadExprs(SeedTable(), binder_, &*job).ok());
  EXPECT_EQ(job->load_columns_size(), 3);  // The COLUMNS kept from CREATE.
  EXPECT_TRUE(job->has_where());
  EXPECT_EQ(job->where_text(), "vtime > 3");

  alter = sql::ParseStatement("ALTER ROUTINE LOAD FOR j COLUMNS (uid, site, vtime)");
  ASSERT_TRUE(alter.ok()) << alter.status();
  ASSERT_TRUE(AlterRoutineLoadJob(*(*alter)->routine_load, SeedTable(), &*job).ok());
  ASSERT_TRUE(BindRoutineLoadExprs(SeedTable(), binder_, &*job).ok());
  EXPECT_EQ(job->load_columns_size(), 3);  // Plain list, but WHERE still needs the transform.
  EXPECT_FALSE(job->load_columns(2).has_expr());
}

TEST_F(LoadExprTest, SchemaChangeRebindsAndADroppedColumnIsNamed) {
  auto job = BuildAndBind("WHERE vtime > 0");
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->bound_schema_version(), 0);
  // ADD COLUMN: the sources (the table's columns, without COLUMNS) follow the new schema.
  proto::TableMeta added = SeedTable();
  added.set_schema_version(1);
  proto::ColumnMeta* extra = added.add_columns();
  extra->set_name("extra");
  extra->set_type_id(static_cast<int32_t>(TypeId::kBigInt));
  ASSERT_TRUE(BindRoutineLoadExprs(added, binder_, &*job).ok());
  EXPECT_EQ(job->bound_schema_version(), 1);
  ASSERT_EQ(job->load_columns_size(), 4);
  EXPECT_EQ(job->load_columns(3).name(), "extra");
  // DROP COLUMN of what WHERE reads: binding fails naming the column.
  proto::TableMeta dropped = SeedTable();
  dropped.set_schema_version(2);
  dropped.mutable_columns()->RemoveLast();  // vtime
  Status st = BindRoutineLoadExprs(dropped, binder_, &*job);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'vtime'"), std::string::npos) << st;
}

TEST(RoutineLoadPolicyTest, UnstableWhenAPartitionLagsBeyondTheThreshold) {
  const int64_t now = 10'000'000;
  EXPECT_FALSE(UnstableReason({}, now, 3600).has_value());
  // 3600 s exactly is not beyond the threshold; 3601 s is.
  EXPECT_FALSE(UnstableReason({{0, now - 3600 * 1000}}, now, 3600).has_value());
  auto reason = UnstableReason({{0, now - 5000}, {3, now - 3601 * 1000}, {7, now - 9999 * 1000}}, now, 3600);
  ASSERT_TRUE(reason.has_value());
  EXPECT_EQ(ErrorReasonText(*reason),
            "ErrorReason{errCode = 105, msg='The lag [3601] of partition [3] exceeds "
            "Config.routine_load_unstable_threshold_second [3600]'}");
  // Unknown timestamps say nothing about lag.
  EXPECT_FALSE(UnstableReason({{0, -1}}, now, 10).has_value());
}

TEST(RoutineLoadPolicyTest, UnstableIsShownOnlyForRunningJobs) {
  auto job = Build(kSeedCreate);
  ASSERT_TRUE(job.ok()) << job.status();
  job->set_state("RUNNING");
  RoutineLoadRuntime runtime;
  runtime.unstable = UnstableReason({{0, 0}}, 7200 * 1000 + 5, 3600);
  auto row = ShowRoutineLoadRow(*job, runtime);
  const auto& columns = ShowRoutineLoadColumns();
  auto cell = [&](const std::string& name) {
    return row[std::find(columns.begin(), columns.end(), name) - columns.begin()].value_or("NULL");
  };
  EXPECT_EQ(cell("State"), "UNSTABLE");
  EXPECT_EQ(cell("ReasonOfStateChanged"),
            "ErrorReason{errCode = 105, msg='The lag [7200] of partition [0] exceeds "
            "Config.routine_load_unstable_threshold_second [3600]'}");
  job->set_state("PAUSED");
  job->mutable_reason()->set_code(kErrManualPause);
  job->mutable_reason()->set_msg("User root pauses routine load job");
  row = ShowRoutineLoadRow(*job, runtime);
  EXPECT_EQ(cell("State"), "PAUSED");
  EXPECT_EQ(cell("ReasonOfStateChanged"), "ErrorReason{errCode = 100, msg='User root pauses routine load job'}");
}

TEST(RoutineLoadPolicyTest, RoutineLoadJobsTableReusesTheShowCellsAndAddsTheLag) {
  auto job = Build(kSeedCreate);
  ASSERT_TRUE(job.ok()) << job.status();
  job->set_id(10078);
  job->set_state("RUNNING");
  (*job->mutable_next_offsets())[0] = 5;
  (*job->mutable_next_offsets())[1] = kOffsetEnd;  // not resolved yet: no lag shown
  RoutineLoadRuntime runtime;
  runtime.latest_positions = {{0, 12}, {1, 40}};
  auto show = ShowRoutineLoadRow(*job, runtime);
  auto row = RoutineLoadJobsTableRow(*job, runtime);
  const auto& columns = RoutineLoadJobsTableColumns();
  ASSERT_EQ(row.size(), columns.size());
  ASSERT_EQ(columns.size(), 22u);
  EXPECT_EQ(columns[14], "PROGRESS");
  EXPECT_EQ(columns[20], "OFFSET_LAG");
  EXPECT_EQ(columns[21], "TIMESTAMP_PROGRESS");
  const auto& show_columns = ShowRoutineLoadColumns();
  auto show_cell = [&](const std::string& name) {
    return show[std::find(show_columns.begin(), show_columns.end(), name) - show_columns.begin()];
  };
  EXPECT_EQ(row[0], show_cell("Id"));
  EXPECT_EQ(row[13], show_cell("Statistic"));
  EXPECT_EQ(row[14], show_cell("Progress"));
  EXPECT_EQ(row[15], show_cell("ReasonOfStateChanged"));
  EXPECT_EQ(row[19], show_cell("LatestSourcePosition"));
  EXPECT_EQ(row[21], show_cell("TimestampProgress"));
  EXPECT_EQ(row[20], std::optional<std::string>(R"({"0":"7"})"));
  // A watermark read before the last commit never shows a negative lag.
  runtime.latest_positions = {{0, 3}};
  EXPECT_EQ(RoutineLoadOffsetLagJson(*job, runtime), R"({"0":"0"})");
}

TEST(RoutineLoadPolicyTest, AutoResumeOnlyReplicaFewAtMostThreeTimesPerWindow) {
  proto::RoutineLoadJobMeta job;
  job.set_state("PAUSED");
  job.mutable_reason()->set_code(kErrReplicaFew);
  AutoResumePolicy policy;  // 5 minutes, no dead node tolerated, 3 resumes
  AutoResumeState state;
  const int64_t minute = 60 * 1000;
  int64_t t = 1'000'000;
  // Blocked while a node is dead; the attempt does not count.
  EXPECT_FALSE(ShouldAutoResume(job, 1, t, policy, &state));
  EXPECT_EQ(state.resumes, 0);
  EXPECT_TRUE(ShouldAutoResume(job, 0, t, policy, &state));
  EXPECT_TRUE(ShouldAutoResume(job, 0, t + minute, policy, &state));
  EXPECT_TRUE(ShouldAutoResume(job, 0, t + 2 * minute, policy, &state));
  // A fourth pause inside the window locks the job.
  EXPECT_FALSE(ShouldAutoResume(job, 0, t + 3 * minute, policy, &state));
  EXPECT_TRUE(state.locked);
  EXPECT_FALSE(ShouldAutoResume(job, 0, t + 60 * minute, policy, &state));

  // Resumes spread over more than the window never lock.
  AutoResumeState spread;
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(ShouldAutoResume(job, 0, t + i * 2 * minute, policy, &spread)) << i;
  EXPECT_FALSE(spread.locked);

  // Tolerating a dead node.
  AutoResumeState tolerant;
  policy.max_dead_nodes = 1;
  EXPECT_TRUE(ShouldAutoResume(job, 1, t, policy, &tolerant));
  EXPECT_FALSE(ShouldAutoResume(job, 2, t, policy, &tolerant));

  // Other pause reasons are left alone.
  AutoResumeState other;
  job.mutable_reason()->set_code(kErrManualPause);
  EXPECT_FALSE(ShouldAutoResume(job, 0, t, policy, &other));
  job.mutable_reason()->set_code(kErrTooManyFailureRows);
  EXPECT_FALSE(ShouldAutoResume(job, 0, t, policy, &other));
  job.mutable_reason()->set_code(kErrReplicaFew);
  job.set_state("RUNNING");
  EXPECT_FALSE(ShouldAutoResume(job, 0, t, policy, &other));
}

TEST(RoutineLoadPolicyTest, ConcurrencyAndDivision) {
  EXPECT_EQ(RoutineLoadConcurrency(8, 5, 3, 5), 3);   // alive nodes bound it
  EXPECT_EQ(RoutineLoadConcurrency(2, 5, 3, 5), 2);   // partitions
  EXPECT_EQ(RoutineLoadConcurrency(8, 5, 10, 4), 4);  // max_routine_load_task_concurrent_num
  EXPECT_EQ(RoutineLoadConcurrency(8, 1, 10, 5), 1);  // desired_concurrent_number
  EXPECT_EQ(RoutineLoadConcurrency(8, 5, 0, 5), 0);   // no alive node
  EXPECT_EQ(RoutineLoadConcurrency(0, 5, 3, 5), 0);   // no partition

  auto tasks = DividePartitions({0, 1, 2, 3, 4}, 2);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0], (std::vector<int32_t>{0, 2, 4}));
  EXPECT_EQ(tasks[1], (std::vector<int32_t>{1, 3}));
  // A new partition changes the division but each partition still has exactly one owner.
  tasks = DividePartitions({0, 1, 2, 3, 4, 5, 6}, 3);
  std::vector<int> owners(7, 0);
  for (const auto& t : tasks) {
    for (int32_t p : t) ++owners[static_cast<size_t>(p)];
  }
  EXPECT_EQ(owners, std::vector<int>(7, 1));
  EXPECT_TRUE(DividePartitions({0, 1}, 0).empty());
}

TEST(RoutineLoadJobTest, CsvOptionsAreValidatedAndShownOnlyWhenSet) {
  const std::string kafka = " FROM KAFKA (\"kafka_broker_list\" = \"b:9092\", \"kafka_topic\" = \"t\")";
  auto plain = Build("CREATE ROUTINE LOAD j ON t COLUMNS TERMINATED BY ','" + kafka);
  ASSERT_TRUE(plain.ok()) << plain.status();
  std::string plain_json = RoutineLoadJobPropertiesJson(*plain, 0);
  for (const char* key : {"trim_space", "enclose", "escape", "pause_on_fatal_parse_error"}) {
    EXPECT_EQ(plain_json.find(key), std::string::npos) << key;
  }
  const std::string tail = R"("maxBatchRows":"200000"})";
  EXPECT_EQ(plain_json.substr(plain_json.size() - tail.size()), tail);

  auto job = Build("CREATE ROUTINE LOAD j ON t COLUMNS TERMINATED BY ',' PROPERTIES (\"enclose\" = \"\\\"\", "
                   "\"escape\" = \"\\\\\", \"trim_space\" = \"TRUE\", \"pause_on_fatal_parse_error\" = \"false\")" +
                   kafka);
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->properties().at("enclose"), "\"");
  EXPECT_EQ(job->properties().at("escape"), "\\");
  std::string json = RoutineLoadJobPropertiesJson(*job, 0);
  EXPECT_NE(json.find(R"("maxBatchRows":"200000","trim_space":"true","enclose":"34","escape":"92",)"
                      R"("pause_on_fatal_parse_error":"false"})"),
            std::string::npos)
      << json;

  EXPECT_EQ(ErrorOf("CREATE ROUTINE LOAD j ON t PROPERTIES (\"enclose\" = \"ab\")" + kafka),
            "enclose must be a single byte, got 'ab'");
  EXPECT_EQ(ErrorOf("CREATE ROUTINE LOAD j ON t PROPERTIES (\"escape\" = \"\")" + kafka),
            "escape must be a single byte, got ''");
  EXPECT_NE(ErrorOf("CREATE ROUTINE LOAD j ON t PROPERTIES (\"trim_space\" = \"maybe\")" + kafka).find("trim_space"),
            std::string::npos);
  EXPECT_NE(ErrorOf("CREATE ROUTINE LOAD j ON t PROPERTIES (\"pause_on_fatal_parse_error\" = \"1\")" + kafka)
                .find("pause_on_fatal_parse_error"),
            std::string::npos);
  // CSV options are fixed at CREATE (StarRocks does not alter them); the pause flag may change.
  job->set_state("PAUSED");
  auto alter_enclose = sql::ParseStatement("ALTER ROUTINE LOAD FOR j PROPERTIES (\"enclose\" = \"'\")");
  ASSERT_TRUE(alter_enclose.ok());
  EXPECT_FALSE(AlterRoutineLoadJob(*(*alter_enclose)->routine_load, Table(), &*job).ok());
  auto alter_pause = sql::ParseStatement("ALTER ROUTINE LOAD FOR j PROPERTIES (\"pause_on_fatal_parse_error\" = \"true\")");
  ASSERT_TRUE(AlterRoutineLoadJob(*(*alter_pause)->routine_load, Table(), &*job).ok());
  EXPECT_EQ(job->properties().at("pause_on_fatal_parse_error"), "true");
}

TEST(RoutineLoadJobTest, TimezoneIsStandardizedAndValidated) {
  const std::string kafka = " FROM KAFKA (\"kafka_broker_list\" = \"b:9092\", \"kafka_topic\" = \"t\")";
  auto offset = Build("CREATE ROUTINE LOAD j ON t PROPERTIES (\"timezone\" = \"+8:00\")" + kafka);
  ASSERT_TRUE(offset.ok()) << offset.status();
  EXPECT_EQ(offset->properties().at("timezone"), "+08:00");
  auto region = Build("CREATE ROUTINE LOAD j ON t PROPERTIES (\"timezone\" = \"Asia/Shanghai\")" + kafka);
  ASSERT_TRUE(region.ok());
  EXPECT_NE(RoutineLoadJobPropertiesJson(*region, 0).find(R"("timezone":"Asia/Shanghai")"), std::string::npos);
  auto bad = Build("CREATE ROUTINE LOAD j ON t PROPERTIES (\"timezone\" = \"Mars/Olympus\")" + kafka);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().sql_error().number, 1298);
  EXPECT_EQ(bad.status().message(), "Unknown or incorrect time zone: 'Mars/Olympus'");
  EXPECT_EQ(ErrorOf("CREATE ROUTINE LOAD j ON t PROPERTIES (\"timezone\" = \"+15:00\")" + kafka),
            "Unknown or incorrect time zone: '+15:00'");

  // The default is the CREATE session's time_zone, standardized.
  auto stmt = sql::ParseStatement("CREATE ROUTINE LOAD j ON t" + kafka);
  ASSERT_TRUE(stmt.ok());
  RoutineLoadDefaults defaults;
  defaults.timezone = "-5:00";
  auto job = BuildRoutineLoadJob(*(*stmt)->routine_load, Db(), Table(), defaults);
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->properties().at("timezone"), "-05:00");

  // ALTER may change it, standardized the same way.
  job->set_state("PAUSED");
  auto alter = sql::ParseStatement("ALTER ROUTINE LOAD FOR j PROPERTIES (\"timezone\" = \"UTC\")");
  ASSERT_TRUE(AlterRoutineLoadJob(*(*alter)->routine_load, Table(), &*job).ok());
  EXPECT_EQ(job->properties().at("timezone"), "UTC");
  auto alter_bad = sql::ParseStatement("ALTER ROUTINE LOAD FOR j PROPERTIES (\"timezone\" = \"nowhere\")");
  EXPECT_FALSE(AlterRoutineLoadJob(*(*alter_bad)->routine_load, Table(), &*job).ok());
  EXPECT_EQ(job->properties().at("timezone"), "UTC");
}

TEST(RoutineLoadPolicyTest, MaxFilterRatioCountsSelectedRowsOnly) {
  const std::string kafka = " FROM KAFKA (\"kafka_broker_list\" = \"b:9092\", \"kafka_topic\" = \"t\")";
  auto job = Build("CREATE ROUTINE LOAD j ON t PROPERTIES (\"max_filter_ratio\" = \"0.2\")" + kafka);
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->properties().at("maxFilterRatio"), "0.2");
  // 2 of 10 selected rows filtered: exactly the ratio, allowed.
  EXPECT_FALSE(FilterRatioPauseReason(*job, 10, 2, 0));
  // 3 of 10: over it.
  auto reason = FilterRatioPauseReason(*job, 10, 3, 0);
  ASSERT_TRUE(reason);
  EXPECT_EQ(reason->code(), kErrTooManyFailureRows);
  EXPECT_EQ(reason->msg().rfind("too many filtered rows: 3 of 10 rows filtered (ratio 0.3 > max_filter_ratio 0.2)", 0),
            0u)
      << reason->msg();
  EXPECT_NE(reason->msg().find("set 'max_filter_ratio' property to a greater value through ALTER ROUTINE LOAD"),
            std::string::npos);
  // Unselected (WHERE) rows are not in the denominator: 3 errors of 20 rows of which 10 unselected.
  EXPECT_TRUE(FilterRatioPauseReason(*job, 20, 3, 10));
  EXPECT_FALSE(FilterRatioPauseReason(*job, 20, 3, 5));  // 3 / 15 = 0.2
  // Nothing selected, or no errors: nothing to enforce.
  EXPECT_FALSE(FilterRatioPauseReason(*job, 5, 0, 5));
  EXPECT_FALSE(FilterRatioPauseReason(*job, 0, 0, 0));
  // The default 1.0 is never enforced; 0 refuses any error row.
  auto lenient = Build("CREATE ROUTINE LOAD j ON t" + kafka);
  EXPECT_FALSE(FilterRatioPauseReason(*lenient, 10, 10, 0));
  auto zero = Build("CREATE ROUTINE LOAD j ON t PROPERTIES (\"max_filter_ratio\" = \"0\")" + kafka);
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->properties().at("maxFilterRatio"), "0.0");
  EXPECT_TRUE(FilterRatioPauseReason(*zero, 1000, 1, 0));
  EXPECT_NE(ErrorOf("CREATE ROUTINE LOAD j ON t PROPERTIES (\"max_filter_ratio\" = \"1.5\")" + kafka)
                .find("max_filter_ratio"),
            std::string::npos);
}

}  // namespace
}  // namespace basalt::fe
