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

}  // namespace
}  // namespace basalt::sql
