#include "fe/sql/parser.h"

#include <gtest/gtest.h>

#include "fe/sql/lexer.h"

namespace basalt::sql {
namespace {

std::unique_ptr<Statement> Parse(std::string_view sql) {
  auto r = ParseStatement(sql);
  EXPECT_TRUE(r.ok()) << sql << " -> " << r.status();
  return r.ok() ? std::move(r).value() : nullptr;
}

Status ParseError(std::string_view sql) {
  auto r = ParseStatements(sql);
  EXPECT_FALSE(r.ok()) << sql;
  return r.ok() ? Status::OK() : r.status();
}

TEST(LexerTest, CommentsStringsAndVersionedComments) {
  auto tokens = Tokenize("/* mysql-connector-j */SELECT 'it''s', \"a\\nb\" -- tail\n#x\n/*!40101 SET */");
  ASSERT_TRUE(tokens.ok());
  std::vector<std::string> texts;
  for (const Token& t : *tokens) texts.push_back(t.text);
  ASSERT_EQ(texts.size(), 6u);
  EXPECT_EQ(texts[0], "SELECT");
  EXPECT_EQ(texts[1], "it's");
  EXPECT_EQ(texts[3], "a\nb");
  EXPECT_EQ(texts[4], "SET");
}

TEST(LexerTest, EveryTokenMakesProgress) {
  // ".5x" once sent the lexer into an endless loop of empty tokens (found by the fuzzer).
  for (const char* sql : {".5x", "select .5e", "1.5abc", "select 1e5x"}) {
    auto tokens = Tokenize(sql);
    if (!tokens.ok()) continue;
    for (const Token& t : *tokens) {
      if (t.kind != TokenKind::kEnd) {
        EXPECT_LT(t.begin, t.end) << sql;
      }
    }
  }
}

TEST(LexerTest, UnterminatedStringIs1064) {
  auto tokens = Tokenize("select 'abc");
  ASSERT_FALSE(tokens.ok());
  EXPECT_EQ(tokens.status().sql_error().number, 1064);
}

TEST(ParserTest, SelectItemsKeepTheirText) {
  auto stmt = Parse("select @@version_comment limit 1");
  ASSERT_EQ(stmt->kind, StatementKind::kSelect);
  ASSERT_EQ(stmt->select->items.size(), 1u);
  EXPECT_EQ(stmt->select->items[0].expr_text, "@@version_comment");
  EXPECT_EQ(stmt->select->limit, 1);
  auto two = Parse("SELECT  @@session.auto_increment_increment AS auto_increment_increment, 1+ 2");
  EXPECT_EQ(two->select->items[0].alias, "auto_increment_increment");
  EXPECT_EQ(two->select->items[0].expr->scope, VariableScope::kSession);
  EXPECT_EQ(two->select->items[1].expr_text, "1+ 2");
}

TEST(ParserTest, ClientInitStatements) {
  for (const char* sql : {
           "SET NAMES utf8mb4",
           "SET NAMES 'utf8mb4' COLLATE 'utf8mb4_0900_ai_ci'",
           "SET character_set_results = NULL",
           "SET autocommit=1",
           "SET AUTOCOMMIT = 0",
           "SET @@session.autocommit = OFF",
           "SET sql_mode='ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES'",
           "SET sql_select_limit=DEFAULT",
           "set autocommit=1, sql_mode = concat(@@sql_mode,',STRICT_TRANS_TABLES'), transaction_isolation='REPEATABLE-READ'",
           "SET sql_mode=(SELECT CONCAT(@@sql_mode, ',PIPES_AS_CONCAT,NO_ENGINE_SUBSTITUTION')),time_zone='+00:00',NAMES utf8mb4 COLLATE utf8mb4_unicode_ci",
           "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
           "SET SESSION TRANSACTION READ ONLY",
           "SET CHARACTER SET utf8",
           "/*!40101 SET NAMES utf8 */",
       }) {
    auto stmt = Parse(sql);
    ASSERT_NE(stmt, nullptr) << sql;
    EXPECT_EQ(stmt->kind, StatementKind::kSet) << sql;
  }
  auto multi = Parse("set autocommit=1, sql_mode = concat(@@sql_mode,',STRICT_TRANS_TABLES'), transaction_isolation='REPEATABLE-READ'");
  EXPECT_EQ(multi->set->assignments.size(), 3u);
}

TEST(ParserTest, ShowStatements) {
  EXPECT_EQ(Parse("SHOW FULL TABLES FROM `db` LIKE 'x%'")->show->like, "x%");
  EXPECT_EQ(Parse("show variables where Variable_name = 'a' or Variable_name='b'")->show->kind, ShowKind::kVariables);
  EXPECT_EQ(Parse("SHOW COMPUTE NODES")->show->kind, ShowKind::kComputeNodes);
  EXPECT_EQ(Parse("show frontends")->show->kind, ShowKind::kFrontends);
  EXPECT_EQ(Parse("SHOW SESSION STATUS LIKE 'Ssl_cipher'")->show->kind, ShowKind::kStatus);
  EXPECT_EQ(Parse("SHOW FULL COLUMNS FROM `t` FROM `db` LIKE '%'")->show->table.db, "db");
  EXPECT_EQ(Parse("SHOW GRANTS FOR CURRENT_USER()")->show->kind, ShowKind::kGrants);
  EXPECT_EQ(Parse("ADMIN SHOW FRONTEND CONFIG LIKE 'run_mode'")->show->kind, ShowKind::kFrontendConfig);
}

TEST(ParserTest, DdlAndAdmin) {
  auto create = Parse("CREATE DATABASE IF NOT EXISTS quickstart PROPERTIES (\"storage_volume\" = \"s3_volume\")");
  EXPECT_TRUE(create->if_not_exists);
  EXPECT_EQ(create->properties.size(), 1u);
  EXPECT_TRUE(Parse("drop database if exists x force")->force);
  auto user = Parse("CREATE USER 'bob'@'%' IDENTIFIED BY 'secret'");
  EXPECT_EQ(user->user.user, "bob");
  EXPECT_EQ(*user->password, "secret");
  auto add = Parse("ALTER SYSTEM ADD COMPUTE NODE \"127.0.0.1:9050\", \"cn2:9050\"");
  EXPECT_EQ(add->host_ports.size(), 2u);
  EXPECT_EQ(Parse("KILL QUERY 7")->kill_query_only, true);
  EXPECT_EQ(Parse("START TRANSACTION READ ONLY")->kind, StatementKind::kTransaction);
}

TEST(ParserTest, ExpressionPrecedence) {
  auto stmt = Parse("select 1 + 2 * 3 = 7 and not 0 or null is null");
  const Expr& e = *stmt->select->items[0].expr;
  EXPECT_EQ(e.op, "OR");
  EXPECT_EQ(e.children[0]->op, "AND");
  EXPECT_EQ(Parse("select -9223372036854775808")->select->items[0].expr->value.int_value(), INT64_MIN);
  EXPECT_EQ(Parse("select x from t where a not in (1,2) and b between 1 and 3")->select->where->op, "AND");
}

TEST(ParserTest, CastTargetsWithoutALengthAreUnbounded) {
  auto cast_type = [](std::string_view sql) {
    auto stmt = Parse(sql);
    return stmt ? stmt->select->items[0].expr->cast_type : DataType::Null();
  };
  // A column's bare VARCHAR is VARCHAR(1); a cast's is StarRocks' unbounded VARCHAR.
  EXPECT_EQ(cast_type("select cast(x as varchar)"), DataType::Varchar());
  EXPECT_EQ(cast_type("select cast(x as varchar(10))"), DataType::Varchar(10));
  EXPECT_EQ(cast_type("select cast(x as char)"), DataType::Varchar());
  EXPECT_EQ(cast_type("select cast(x as char(3))"), DataType::Varchar(3));
  EXPECT_EQ(cast_type("select convert(x, char)"), DataType::Varchar());
  EXPECT_EQ(cast_type("select cast(x as string)").id, TypeId::kString);
  EXPECT_EQ(cast_type("select cast(x as varchar)").ToSql(), "varchar(65533)");
}

// Found by the SQL parser fuzzer: thousands of "(" before SELECT overflowed the stack.
TEST(ParserTest, DeeplyNestedQueriesAreAnErrorNotACrash) {
  Status deep = ParseError(std::string(100000, '(') + "SELECT 1");
  EXPECT_NE(deep.message().find("nesting is too deep"), std::string::npos) << deep.message();
  EXPECT_TRUE(ParseStatement("((((SELECT 1))))").ok());
  EXPECT_TRUE(ParseStatement("SELECT * FROM (SELECT * FROM (SELECT 1) a) b").ok());
}

TEST(ParserTest, ErrorsNamePosition) {
  // As in MySQL, FORM is taken as an alias, so the error points at `dual`.
  Status s = ParseError("SELECT 1 FORM dual");
  EXPECT_EQ(s.sql_error().number, 1064);
  EXPECT_NE(s.message().find("at line 1, column 15"), std::string::npos) << s.message();
  Status s2 = ParseError("select\n  1 +");
  EXPECT_NE(s2.message().find("at line 2"), std::string::npos) << s2.message();
  EXPECT_EQ(ParseError("blah blah").sql_error().number, 1064);
}

TEST(ParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string sql = "select " + std::string(100000, '(') + "1" + std::string(100000, ')');
  EXPECT_EQ(ParseError(sql).sql_error().number, 1064);
  std::string minus = "select " + std::string(100000, '-') + "1";
  EXPECT_EQ(ParseError(minus).sql_error().number, 1064);
}

TEST(ParserTest, MultipleStatements) {
  auto r = ParseStatements("select 1; select 2;");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 2u);
  auto empty = ParseStatements("  -- nothing\n ");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ((*empty)[0]->kind, StatementKind::kEmpty);
}

TEST(ParserTest, CreateTableSeedStatement) {
  auto stmt = Parse(
      "CREATE TABLE site_clicks (\n"
      "    `uid` bigint NOT NULL COMMENT \"uid\",\n"
      "    `site` string NOT NULL COMMENT \"site url\",\n"
      "    `vtime` bigint NOT NULL COMMENT \"vtime\"\n"
      ")\n"
      "DISTRIBUTED BY HASH(`uid`)\n"
      "PROPERTIES(\"replication_num\"=\"1\")");
  ASSERT_TRUE(stmt);
  ASSERT_EQ(stmt->kind, StatementKind::kCreateTable);
  const CreateTableStmt& ct = *stmt->create_table;
  EXPECT_EQ(ct.name.table, "site_clicks");
  ASSERT_EQ(ct.columns.size(), 3u);
  EXPECT_EQ(ct.columns[1].name, "site");
  EXPECT_EQ(ct.columns[1].type.ToSql(), "varchar(65533)");
  EXPECT_EQ(ct.columns[1].nullable, std::optional<bool>(false));
  EXPECT_EQ(ct.columns[1].comment, "site url");
  EXPECT_TRUE(ct.keys_type.empty());
  EXPECT_EQ(ct.distribution_kind, "HASH");
  EXPECT_EQ(ct.distribution_columns, std::vector<std::string>{"uid"});
  EXPECT_EQ(ct.buckets, 0);
  ASSERT_EQ(ct.properties.size(), 1u);
  EXPECT_EQ(ct.properties[0].first, "replication_num");
}

TEST(ParserTest, CreateTableAllClauses) {
  auto stmt = Parse(
      "CREATE TABLE IF NOT EXISTS d.t (k1 int, k2 decimal(10, 2) NOT NULL DEFAULT \"1.5\", "
      "v bigint SUM DEFAULT -3 COMMENT 'c', ts datetime DEFAULT CURRENT_TIMESTAMP) ENGINE = olap "
      "AGGREGATE KEY(k1, k2) COMMENT 'tbl' "
      "PARTITION BY RANGE(k1) (PARTITION p1 VALUES LESS THAN (\"10\"), PARTITION p2 VALUES LESS THAN MAXVALUE, "
      "START (\"1\") END (\"5\") EVERY (1)) "
      "DISTRIBUTED BY HASH(k1, k2) BUCKETS 8 ORDER BY (k2, k1) PROPERTIES ('a' = 'b')");
  ASSERT_TRUE(stmt);
  const CreateTableStmt& ct = *stmt->create_table;
  EXPECT_TRUE(ct.if_not_exists);
  EXPECT_EQ(ct.name.db, "d");
  EXPECT_EQ(ct.columns[1].type, DataType::Decimal(10, 2));
  EXPECT_EQ(ct.columns[1].default_value, std::optional<std::string>("1.5"));
  EXPECT_EQ(ct.columns[2].aggregation, "SUM");
  EXPECT_EQ(ct.columns[2].default_value, std::optional<std::string>("-3"));
  EXPECT_TRUE(ct.columns[3].default_is_expr);
  EXPECT_EQ(ct.engine, "olap");
  EXPECT_EQ(ct.keys_type, "AGGREGATE");
  EXPECT_EQ(ct.key_columns, (std::vector<std::string>{"k1", "k2"}));
  EXPECT_EQ(ct.comment, std::optional<std::string>("tbl"));
  EXPECT_EQ(ct.partition_kind, "RANGE");
  ASSERT_EQ(ct.ranges.size(), 2u);
  EXPECT_EQ(ct.ranges[0].upper_bound, std::vector<std::string>{"10"});
  EXPECT_TRUE(ct.ranges[1].max_value);
  EXPECT_EQ(ct.partition_text.rfind("PARTITION BY RANGE(k1)", 0), 0u);
  EXPECT_EQ(ct.partition_text.back(), ')');
  EXPECT_EQ(ct.buckets, 8);
  EXPECT_EQ(ct.order_by, (std::vector<std::string>{"k2", "k1"}));
}

TEST(ParserTest, CreateTableExpressionPartitioning) {
  auto stmt = Parse("CREATE TABLE t (dt datetime, c int) PARTITION BY date_trunc('day', dt) DISTRIBUTED BY RANDOM");
  ASSERT_TRUE(stmt);
  EXPECT_EQ(stmt->create_table->partition_kind, "EXPR");
  EXPECT_EQ(stmt->create_table->partition_text, "PARTITION BY date_trunc('day', dt)");
  EXPECT_EQ(stmt->create_table->partition_columns, std::vector<std::string>{"dt"});
  EXPECT_EQ(stmt->create_table->distribution_kind, "RANDOM");
  auto cols = Parse("CREATE TABLE t (a int, b int) PARTITION BY (a, b)");
  ASSERT_TRUE(cols);
  EXPECT_EQ(cols->create_table->partition_columns, (std::vector<std::string>{"a", "b"}));
}

TEST(ParserTest, CreateTableErrorsNameTheColumn) {
  Status bad_type = ParseError("CREATE TABLE t (a nosuchtype)");
  EXPECT_NE(bad_type.message().find("'a'"), std::string::npos) << bad_type;
  Status bad_len = ParseError("CREATE TABLE t (name varchar(0))");
  EXPECT_NE(bad_len.message().find("'name'"), std::string::npos) << bad_len;
  EXPECT_FALSE(ParseError("CREATE TABLE t (a int) DISTRIBUTED BY HASH(a) BUCKETS 0").ok());
  EXPECT_FALSE(ParseError("CREATE TABLE t (a int) COMMENT 'x' COMMENT 'y'").ok());
  EXPECT_FALSE(ParseError("CREATE TABLE t ()").ok());
  EXPECT_FALSE(ParseError("CREATE TABLE t (a int) DUPLICATE KEY()").ok());
}

TEST(ParserTest, TableStatements) {
  auto drop = Parse("DROP TABLE IF EXISTS d.t FORCE");
  ASSERT_TRUE(drop);
  EXPECT_EQ(drop->kind, StatementKind::kDropTable);
  EXPECT_TRUE(drop->if_exists);
  EXPECT_TRUE(drop->force);
  EXPECT_EQ(drop->table.db, "d");
  auto truncate = Parse("TRUNCATE TABLE t");
  ASSERT_TRUE(truncate);
  EXPECT_EQ(truncate->kind, StatementKind::kTruncateTable);
  auto add = Parse("ALTER TABLE t ADD COLUMN c varchar(10) NOT NULL DEFAULT 'x' AFTER b");
  ASSERT_TRUE(add);
  EXPECT_EQ(add->kind, StatementKind::kAlterTable);
  EXPECT_EQ(add->alter_action, "ADD COLUMN");
  EXPECT_EQ(add->column_def->name, "c");
  EXPECT_EQ(add->after_column, "b");
  auto first = Parse("ALTER TABLE t ADD COLUMN c int FIRST");
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->first);
  auto dropcol = Parse("ALTER TABLE t DROP COLUMN c");
  ASSERT_TRUE(dropcol);
  EXPECT_EQ(dropcol->column_name, "c");
  auto insert = Parse("INSERT INTO d.t (a, b) VALUES (1, 'x'), (2, 'y')");
  ASSERT_TRUE(insert);
  EXPECT_EQ(insert->kind, StatementKind::kInsert);
  EXPECT_EQ(insert->table.table, "t");
}

TEST(ParserTest, InsertForms) {
  auto values = Parse("INSERT INTO d.t (a, b) VALUES (1, 'x'), (DEFAULT, upper('y'))");
  ASSERT_TRUE(values);
  const InsertStmt& v = *values->insert;
  EXPECT_EQ(v.table.db, "d");
  EXPECT_EQ(v.columns, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(v.values.size(), 2u);
  EXPECT_TRUE(v.values[0][0]);
  EXPECT_FALSE(v.values[1][0]);  // DEFAULT
  EXPECT_FALSE(v.query);

  auto full = Parse("INSERT INTO t PARTITION (p1, `p2`) WITH LABEL my_label_1 (a) "
                    "PROPERTIES (\"timeout\" = \"60\") VALUES (1)");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->insert->partitions, (std::vector<std::string>{"p1", "p2"}));
  EXPECT_EQ(full->insert->label, "my_label_1");
  EXPECT_EQ(full->insert->properties.size(), 1u);

  auto select = Parse("INSERT INTO t SELECT a, b FROM s WHERE a > 1");
  ASSERT_TRUE(select);
  ASSERT_TRUE(select->insert->query);
  EXPECT_TRUE(select->insert->values.empty());
  EXPECT_TRUE(select->insert->columns.empty());

  auto paren = Parse("INSERT INTO t (SELECT 1)");
  ASSERT_TRUE(paren);
  EXPECT_TRUE(paren->insert->query);
  EXPECT_TRUE(paren->insert->columns.empty());

  auto overwrite = Parse("INSERT OVERWRITE t VALUES (1)");
  ASSERT_TRUE(overwrite);
  EXPECT_TRUE(overwrite->insert->overwrite);

  EXPECT_FALSE(ParseStatement("INSERT INTO t").ok());
  EXPECT_FALSE(ParseStatement("INSERT INTO t VALUES (1").ok());
  EXPECT_FALSE(ParseStatement("INSERT t VALUES (1)").ok());
  EXPECT_FALSE(ParseStatement("INSERT INTO t WITH LABEL VALUES (1)").ok());
}

TEST(ParserTest, RoutineLoadStatements) {
  // The seed's statement, verbatim.
  auto create = Parse(R"(CREATE ROUTINE LOAD quickstart.clicks ON site_clicks
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
    ))");
  ASSERT_TRUE(create);
  ASSERT_EQ(create->kind, StatementKind::kCreateRoutineLoad);
  const RoutineLoadStmt& rl = *create->routine_load;
  EXPECT_EQ(rl.job.db, "quickstart");
  EXPECT_EQ(rl.job.table, "clicks");
  EXPECT_EQ(rl.table, "site_clicks");
  ASSERT_EQ(rl.properties.size(), 2u);
  EXPECT_EQ(rl.properties[1].second, R"(["$.uid","$.site","$.vtime"])");
  EXPECT_EQ(rl.source_type, "KAFKA");
  EXPECT_EQ(rl.source_properties.size(), 4u);

  auto full = Parse("CREATE ROUTINE LOAD j ON t COLUMNS TERMINATED BY ',', ROWS TERMINATED BY '\\n', "
                    "COLUMNS (k, tmp, v = tmp * 2), WHERE k > 1, TEMPORARY PARTITION (p1, p2) "
                    "FROM KAFKA (\"kafka_topic\" = \"x\")");
  ASSERT_TRUE(full);
  const RoutineLoadStmt& f = *full->routine_load;
  EXPECT_EQ(*f.column_separator, ",");
  ASSERT_EQ(f.columns->size(), 3u);
  EXPECT_EQ((*f.columns)[2].name, "v");
  EXPECT_TRUE((*f.columns)[2].expr);
  EXPECT_EQ((*f.columns)[2].text, "v = tmp * 2");
  EXPECT_EQ(f.where_text, "k > 1");
  EXPECT_TRUE(f.temporary_partitions);
  EXPECT_EQ(f.partitions->size(), 2u);

  auto twice = ParseStatement("CREATE ROUTINE LOAD j ON t WHERE a > 1, WHERE b > 1 FROM KAFKA (\"a\"=\"b\")");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("repeat setting of where predicate"), std::string::npos);
  EXPECT_FALSE(ParseStatement("CREATE ROUTINE LOAD j ON t PROPERTIES (\"a\"=\"b\")").ok());  // no FROM

  for (const char* sql : {"PAUSE ROUTINE LOAD FOR quickstart.clicks", "RESUME ROUTINE LOAD FOR clicks",
                          "STOP ROUTINE LOAD FOR clicks"}) {
    auto control = Parse(sql);
    ASSERT_TRUE(control) << sql;
    EXPECT_EQ(control->routine_load->job.table, "clicks");
  }
  auto alter = Parse("ALTER ROUTINE LOAD FOR clicks PROPERTIES (\"max_error_number\" = \"5\") "
                     "FROM KAFKA (\"kafka_partitions\" = \"0\", \"kafka_offsets\" = \"10\")");
  ASSERT_TRUE(alter);
  EXPECT_EQ(alter->kind, StatementKind::kAlterRoutineLoad);
  EXPECT_EQ(alter->routine_load->source_properties.size(), 2u);

  auto show = Parse("SHOW ROUTINE LOAD");
  ASSERT_TRUE(show);
  EXPECT_EQ(show->show->kind, ShowKind::kRoutineLoad);
  EXPECT_FALSE(show->show->all);
  auto show_all = Parse("SHOW ALL ROUTINE LOAD FOR quickstart.clicks");
  ASSERT_TRUE(show_all);
  EXPECT_TRUE(show_all->show->all);
  EXPECT_EQ(show_all->show->table.table, "clicks");
  auto ordered = Parse("SHOW ALL ROUTINE LOAD FROM quickstart WHERE State = 'RUNNING' ORDER BY Name DESC, Id LIMIT 2, 3");
  ASSERT_TRUE(ordered);
  ASSERT_EQ(ordered->show->order_by.size(), 2u);
  EXPECT_FALSE(ordered->show->order_by[0].ascending);
  EXPECT_TRUE(ordered->show->order_by[1].ascending);
  EXPECT_EQ(ordered->show->offset, 2);
  EXPECT_EQ(ordered->show->limit, 3);
  auto limit_offset = Parse("SHOW ROUTINE LOAD LIMIT 4 OFFSET 1");
  ASSERT_TRUE(limit_offset);
  EXPECT_EQ(limit_offset->show->limit, 4);
  EXPECT_EQ(limit_offset->show->offset, 1);
  auto show_create = Parse("SHOW CREATE ROUTINE LOAD quickstart.clicks");
  ASSERT_TRUE(show_create);
  EXPECT_EQ(show_create->show->kind, ShowKind::kCreateRoutineLoad);
  EXPECT_EQ(show_create->show->table.db, "quickstart");
  EXPECT_EQ(show_create->show->table.table, "clicks");
  auto show_create_here = Parse("show create routine load `my job`");
  ASSERT_TRUE(show_create_here);
  EXPECT_EQ(show_create_here->show->kind, ShowKind::kCreateRoutineLoad);
  EXPECT_TRUE(show_create_here->show->table.db.empty());
  EXPECT_EQ(show_create_here->show->table.table, "my job");
  EXPECT_FALSE(ParseStatement("SHOW CREATE ROUTINE LOAD").ok());
  EXPECT_FALSE(ParseStatement("SHOW CREATE ROUTINE clicks").ok());
  auto tasks = Parse("SHOW ROUTINE LOAD TASK FROM quickstart WHERE JobName = \"clicks\"");
  ASSERT_TRUE(tasks);
  EXPECT_EQ(tasks->show->kind, ShowKind::kRoutineLoadTask);
  EXPECT_EQ(tasks->show->db, "quickstart");
  EXPECT_TRUE(tasks->show->where);
}

}  // namespace
}  // namespace basalt::sql
