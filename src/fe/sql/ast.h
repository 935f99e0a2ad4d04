// Abstract syntax tree produced by the parser: what the user wrote, before names are resolved.
//
// Every expression keeps the byte range of its source text, because MySQL names an unaliased
// result column by the text of its expression as written (`SELECT @@version_comment` yields a
// column named "@@version_comment").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/types.h"
#include "engine/value.h"

namespace basalt::sql {

enum class VariableScope : uint8_t { kDefault, kSession, kGlobal };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
struct SelectStmt;

enum class ExprKind : uint8_t {
  kLiteral,         // value
  kColumnRef,       // names = [db.][table.]column
  kStar,            // names = [table] qualifier, or empty for *
  kSystemVariable,  // name, scope
  kUserVariable,    // name
  kPlaceholder,     // placeholder_index
  kFunction,        // name, children = args, distinct
  kUnary,           // op in {"-", "+", "NOT", "~"}, children[0]
  kBinary,          // op in {"+","-","*","/","DIV","%","=","<=>","<>","<","<=",">",">=","AND","OR","XOR","&","|","^","<<",">>"}
  kIsNull,          // negated, children[0]
  kIsBool,          // IS [NOT] TRUE/FALSE: negated, bool_value, children[0]
  kLike,            // negated, children = {value, pattern[, escape]}; op = "LIKE" or "REGEXP"
  kBetween,         // negated, children = {value, low, high}
  kInList,          // negated, children = {value, items...}
  kCase,            // has_case_operand; children = [operand], when1, then1, ..., [else]; has_else
  kCast,            // cast_type, children[0]
  kSubquery,        // subquery (scalar)
  kExists,          // subquery
  kInSubquery,      // negated, children[0], subquery
  kInterval,        // children[0] = amount, name = unit (DAY, HOUR, ...)
  kDefault,         // the DEFAULT keyword (SET x = DEFAULT)
};

struct Expr {
  ExprKind kind;
  uint32_t begin = 0;  // Source byte range.
  uint32_t end = 0;
  Value value;
  std::vector<std::string> names;
  std::string name;
  std::string op;
  VariableScope scope = VariableScope::kDefault;
  int placeholder_index = -1;
  bool distinct = false;
  bool negated = false;
  bool bool_value = false;
  bool has_case_operand = false;
  bool has_else = false;
  DataType cast_type;
  std::vector<ExprPtr> children;
  std::shared_ptr<SelectStmt> subquery;

  explicit Expr(ExprKind k) : kind(k) {}
};

struct SelectItem {
  ExprPtr expr;
  std::string alias;       // Empty when not given.
  std::string expr_text;   // The item's source text, the column name when there is no alias.
};

struct TableName {
  std::string catalog;  // Rarely used: default_catalog.db.table
  std::string db;       // Empty = the session's current database.
  std::string table;
};

struct TableRef {
  TableName name;
  std::string alias;
  std::shared_ptr<SelectStmt> derived;  // FROM (SELECT ...) alias
};

struct OrderItem {
  ExprPtr expr;
  bool ascending = true;
};

struct SelectStmt {
  bool distinct = false;
  std::vector<SelectItem> items;
  std::vector<TableRef> from;  // Empty for a constant SELECT (or FROM DUAL).
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  ExprPtr having;
  std::vector<OrderItem> order_by;
  std::optional<int64_t> limit;
  int64_t offset = 0;
  bool for_update = false;

  // Set operation: when non-empty this node is `members[0] UNION [ALL] members[1] ...` and only
  // order_by / limit / offset above apply (to the combined result). union_all[i] describes the
  // operator before members[i] (index 0 unused).
  std::vector<std::shared_ptr<SelectStmt>> union_members;
  std::vector<bool> union_all;
};

// SET statement: a list of assignments.
struct SetAssignment {
  enum class Kind : uint8_t {
    kSystemVariable,  // [GLOBAL|SESSION] name = value
    kUserVariable,    // @name = value
    kNames,           // NAMES charset [COLLATE collation] | NAMES DEFAULT
    kCharacterSet,    // CHARACTER SET charset | CHARSET charset
    kTransaction,     // TRANSACTION ISOLATION LEVEL ... | READ ONLY | READ WRITE (accepted, no-op)
    kPassword,        // PASSWORD [FOR user] = 'text'
  };
  Kind kind = Kind::kSystemVariable;
  VariableScope scope = VariableScope::kDefault;
  std::string name;        // variable name, charset, or user for PASSWORD FOR
  std::string collation;   // NAMES ... COLLATE
  ExprPtr value;           // nullptr for NAMES/CHARACTER SET/TRANSACTION
  std::string text;        // transaction characteristic text, or password
};

struct SetStmt {
  std::vector<SetAssignment> assignments;
};

enum class ShowKind : uint8_t {
  kDatabases,
  kTables,
  kColumns,
  kVariables,
  kStatus,
  kWarnings,
  kErrors,
  kProcesslist,
  kFrontends,
  kComputeNodes,
  kBackends,
  kCreateDatabase,
  kCreateTable,
  kCharset,
  kCollation,
  kEngines,
  kPlugins,
  kGrants,
  kIndex,
  kTableStatus,
  kCatalogs,
  kUsers,
  kProcedureStatus,
  kFunctionStatus,
  kTriggers,
  kPrivileges,
  kFrontendConfig,   // ADMIN SHOW FRONTEND CONFIG
  kStorageVolumes,
  kRoutineLoad,      // SHOW [ALL] ROUTINE LOAD [FOR [db.]job] [FROM db] [WHERE ...]
  kRoutineLoadTask,  // SHOW ROUTINE LOAD TASK [FROM db] WHERE JobName = "job"
  kCreateRoutineLoad,  // SHOW CREATE ROUTINE LOAD [db.]job (the job in `table`)
};

struct ShowStmt {
  ShowKind kind;
  bool full = false;
  VariableScope scope = VariableScope::kDefault;
  std::string db;             // FROM/IN db
  TableName table;            // SHOW COLUMNS FROM t, SHOW CREATE TABLE t
  std::string target;         // SHOW CREATE DATABASE name, SHOW GRANTS FOR user
  std::optional<std::string> like;
  ExprPtr where;
  bool all = false;           // SHOW ALL ROUTINE LOAD
  // SHOW ROUTINE LOAD ... ORDER BY <column> [ASC|DESC], ... LIMIT ...
  std::vector<OrderItem> order_by;
  std::optional<int64_t> limit;
  int64_t offset = 0;
};

// A column definition in CREATE TABLE / ALTER TABLE ADD COLUMN.
struct ColumnDef {
  std::string name;
  DataType type;
  std::string aggregation;            // SUM, MAX, MIN, REPLACE, ... (upper case); empty when none.
  std::optional<bool> nullable;       // Unset when neither NULL nor NOT NULL was written.
  std::optional<std::string> default_value;  // Literal text; nullopt when no DEFAULT.
  bool default_is_expr = false;       // DEFAULT CURRENT_TIMESTAMP / DEFAULT (expr): text is the expression.
  bool default_is_null = false;       // DEFAULT NULL
  std::string comment;
  bool auto_increment = false;
};

struct RangePartitionDef {
  std::string name;
  std::vector<std::string> upper_bound;  // VALUES LESS THAN (...); empty when max_value.
  bool max_value = false;
};

struct CreateTableStmt {
  TableName name;
  bool if_not_exists = false;
  std::vector<ColumnDef> columns;
  std::string engine;                      // Empty when not written.
  std::string keys_type;                   // DUPLICATE, AGGREGATE, UNIQUE, PRIMARY or empty.
  std::vector<std::string> key_columns;
  std::optional<std::string> comment;
  std::string partition_kind;              // Empty, RANGE, LIST or EXPR.
  std::string partition_text;              // The whole PARTITION BY clause as written.
  std::vector<std::string> partition_columns;  // RANGE/LIST columns, or columns an EXPR references.
  std::vector<RangePartitionDef> ranges;   // PARTITION p VALUES LESS THAN (...) items.
  std::string distribution_kind;           // Empty, HASH or RANDOM.
  std::vector<std::string> distribution_columns;
  int64_t buckets = 0;                     // 0 = not written.
  std::vector<std::string> order_by;
  std::vector<std::pair<std::string, std::string>> properties;
};

// INSERT INTO t [PARTITION (p, ...)] [WITH LABEL l] [(cols)] [PROPERTIES (...)] {VALUES ... | query}
struct InsertStmt {
  TableName table;
  bool overwrite = false;                    // INSERT OVERWRITE (refused by the executor for now)
  std::vector<std::string> partitions;       // PARTITION (...) as written; empty = all
  std::string label;                         // WITH LABEL; empty = generated
  std::vector<std::string> columns;          // Target column list; empty = all columns in order
  std::vector<std::pair<std::string, std::string>> properties;
  // VALUES rows; a null ExprPtr stands for the DEFAULT keyword.
  std::vector<std::vector<ExprPtr>> values;
  std::shared_ptr<SelectStmt> query;         // INSERT ... SELECT (values is empty then)
};

// One item of a routine load's COLUMNS (...): a name, or `name = expr`.
struct LoadColumn {
  std::string name;
  ExprPtr expr;        // Null for a plain name.
  std::string text;    // The item as written ("name" or "name = expr").
};

// CREATE / ALTER ROUTINE LOAD. Optional parts are unset when not written (ALTER changes only
// what it names).
struct RoutineLoadStmt {
  TableName job;                                  // [db.]job_name
  std::string table;                              // ON table (CREATE only)
  std::optional<std::string> column_separator;    // COLUMNS TERMINATED BY
  std::optional<std::string> row_delimiter;       // ROWS TERMINATED BY
  std::optional<std::vector<LoadColumn>> columns; // COLUMNS (...)
  ExprPtr where;                                  // WHERE ...
  std::string where_text;
  std::optional<std::vector<std::string>> partitions;  // [TEMPORARY] PARTITION (...)
  bool temporary_partitions = false;
  std::vector<std::pair<std::string, std::string>> properties;  // PROPERTIES (...)
  std::string source_type;                                      // KAFKA; empty when no FROM
  std::vector<std::pair<std::string, std::string>> source_properties;
};

struct UserIdentity {
  std::string user;
  std::string host = "%";
};

enum class StatementKind : uint8_t {
  kSelect,
  kSet,
  kShow,
  kUse,
  kCreateDatabase,
  kDropDatabase,
  kCreateUser,
  kAlterUser,
  kDropUser,
  kKill,
  kTransaction,  // BEGIN / START TRANSACTION / COMMIT / ROLLBACK (no-ops for now)
  kAlterSystem,
  kDescribe,
  kCreateStorageVolume,
  kAlterStorageVolume,
  kDropStorageVolume,
  kDescStorageVolume,
  kSetDefaultStorageVolume,
  kCreateTable,
  kDropTable,     // table, if_exists, force
  kTruncateTable, // table
  kAlterTable,    // table, alter_action, column_def / column_name, after_column, first
  kInsert,        // insert
  kCreateRoutineLoad,  // routine_load
  kAlterRoutineLoad,   // routine_load
  kPauseRoutineLoad,   // routine_load->job
  kResumeRoutineLoad,  // routine_load->job
  kStopRoutineLoad,    // routine_load->job
  kEmpty,        // only comments / semicolons
};

struct Statement {
  StatementKind kind;
  uint32_t begin = 0;
  uint32_t end = 0;
  std::unique_ptr<SelectStmt> select;
  std::unique_ptr<SetStmt> set;
  std::unique_ptr<ShowStmt> show;

  // USE / CREATE DATABASE / DROP DATABASE
  std::string db;
  bool if_not_exists = false;
  bool if_exists = false;
  bool force = false;
  std::vector<std::pair<std::string, std::string>> properties;

  // CREATE/ALTER/DROP USER
  UserIdentity user;
  std::optional<std::string> password;         // IDENTIFIED BY 'plain'
  std::optional<std::string> password_hash;    // IDENTIFIED BY PASSWORD '*HEX' / WITH ... AS
  // KILL
  bool kill_query_only = false;
  ExprPtr kill_id;
  // Transaction statement word: BEGIN, COMMIT, ROLLBACK
  std::string transaction_word;
  // ALTER SYSTEM ADD|DROP COMPUTE NODE "host:port", ...
  std::string alter_system_action;  // "ADD" or "DROP"
  std::string alter_system_target;  // "COMPUTE NODE", "BACKEND", "FOLLOWER", "OBSERVER"
  std::vector<std::string> host_ports;
  // DESCRIBE table
  TableName table;
  // Storage volumes: name in `name`; CREATE also TYPE, LOCATIONS, COMMENT, PROPERTIES.
  std::string name;
  std::string volume_type;
  std::vector<std::string> locations;
  std::optional<std::string> comment;

  // CREATE TABLE
  std::unique_ptr<CreateTableStmt> create_table;
  // ALTER TABLE t ADD COLUMN def [FIRST | AFTER c] / DROP COLUMN c
  std::string alter_action;  // "ADD COLUMN" or "DROP COLUMN"
  std::unique_ptr<ColumnDef> column_def;
  std::string column_name;
  std::string after_column;
  bool first = false;

  // INSERT
  std::unique_ptr<InsertStmt> insert;
  // Routine load statements
  std::unique_ptr<RoutineLoadStmt> routine_load;

  int num_placeholders = 0;

  explicit Statement(StatementKind k) : kind(k) {}
};

}  // namespace basalt::sql
