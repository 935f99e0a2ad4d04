#include "fe/qe/system_tables.h"

#include <functional>
#include <map>

#include "common/http/http_client.h"
#include "common/string_util.h"
#include "fe/cluster/compute_node_manager.h"
#include "fe/load/routine_load_job.h"
#include "fe/qe/executor.h"
#include "fe/qe/table_ddl.h"

namespace basalt::fe {
namespace {

using Row = std::vector<std::optional<std::string>>;

struct TableDef {
  std::string name;
  // Column name and type letter: 'S' varchar, 'I' bigint.
  std::vector<std::pair<std::string, char>> columns;
  std::function<std::vector<Row>(const FeContext&, Session&)> rows;
};

std::vector<Row> NoRows(const FeContext&, Session&) { return {}; }

// load_tracking_logs: one row per routine load job that has error logs. INSERT has no rows here:
// it keeps no error log (in strict mode a filtered row fails the statement with the row named;
// without it the dropped rows are reported as warnings of the statement).
//
// The rejected rows are read from the CNs at query time (each error log URL the job journaled)
// rather than kept in FE memory from the task responses: the responses carry only 3 samples per
// task and FE memory is lost on restart, while the URLs are journaled and the logs hold every
// logged row. The price is a network read per URL, bounded by a short timeout and a size cap;
// a CN the heartbeats already report dead is not asked at all, and one that cannot be reached
// once is not asked again in the same query, so a dead node costs at most one timeout rather than
// one per log.
std::vector<Row> LoadTrackingLogRows(const FeContext& fe, Session&) {
  constexpr size_t kMaxTrackingLogBytes = 1024 * 1024;
  std::map<std::string, Status> unreachable;  // "host:port" -> why, for this query.
  if (fe.compute_nodes != nullptr) {
    for (const ComputeNodeInfo& node : fe.compute_nodes->Nodes()) {
      if (node.alive || node.http_port < 0) continue;
      std::string where = node.host + ":" + std::to_string(node.http_port);
      unreachable.emplace(where, Status::IOError("compute node " + where + " is not alive" +
                                                 (node.err_msg.empty() ? "" : ": " + node.err_msg)));
    }
  }
  ErrorLogFetcher fetch = [&](const std::string& url) -> Result<std::string> {
    Result<HttpUrl> parsed = ParseHttpUrl(url);
    if (!parsed.ok()) return parsed.status();
    std::string node = parsed->host + ":" + std::to_string(parsed->port);
    if (auto it = unreachable.find(node); it != unreachable.end()) return it->second;
    Result<HttpText> text = HttpGetText(url, {.timeout_ms = 2000, .max_bytes = kMaxTrackingLogBytes});
    if (!text.ok()) {
      unreachable.emplace(node, Status::IOError("compute node " + node + " unreachable: " + text.status().message()));
      return unreachable.at(node);
    }
    if (text->status != 200) {
      return Status::IOError("HTTP " + std::to_string(text->status) + ": " + std::string(Trim(text->body)));
    }
    return std::move(text->body);
  };
  std::vector<Row> rows;
  for (const ShownRoutineLoadJob& shown : RoutineLoadJobsForShow(fe)) {
    const proto::RoutineLoadJobMeta& job = shown.job;
    if (job.error_log_urls().empty()) continue;
    std::string id = std::to_string(job.id());
    rows.push_back({id, id, job.name(), job.db(), RoutineLoadTrackingLog(job, fetch, kMaxTrackingLogBytes),
                    "ROUTINE_LOAD"});
  }
  return rows;
}

std::vector<std::string> SortedDatabaseNames(const FeContext& fe) {
  std::vector<std::string> names = {kInformationSchema};
  for (const auto& db : fe.catalog->ListDatabases()) names.push_back(db.name());
  return names;
}

const std::vector<TableDef>& Defs();

// information_schema.COLUMNS row for a user table column.
Row UserColumnRow(const proto::TableMeta& t, const proto::ColumnMeta& c, int position) {
  DataType type = ColumnType(c);
  auto num = [](int64_t v) { return std::optional<std::string>(std::to_string(v)); };
  std::optional<std::string> char_len, octet_len, precision, scale, datetime_precision, charset, collation;
  if (type.IsStringLike() && type.id != TypeId::kJson) {
    int64_t len = type.id == TypeId::kString || type.length < 0 ? 65533 : type.length;
    char_len = num(len);
    octet_len = num(len * 4);
    charset = "utf8";
    collation = "utf8_general_ci";
  }
  switch (type.id) {
    case TypeId::kTinyInt: precision = num(3), scale = num(0); break;
    case TypeId::kSmallInt: precision = num(5), scale = num(0); break;
    case TypeId::kInt: precision = num(10), scale = num(0); break;
    case TypeId::kBigInt: precision = num(19), scale = num(0); break;
    case TypeId::kLargeInt: precision = num(39), scale = num(0); break;
    case TypeId::kFloat: precision = num(12); break;
    case TypeId::kDouble: precision = num(22); break;
    case TypeId::kDecimal: precision = num(type.precision), scale = num(type.scale); break;
    case TypeId::kDateTime: datetime_precision = num(0); break;
    default: break;
  }
  return {"def", t.db(), t.name(), c.name(), std::to_string(position), ColumnDefaultText(c), c.nullable() ? "YES" : "NO",
          DataTypeBaseName(type), char_len, octet_len, precision, scale, datetime_precision, charset, collation,
          c.type_sql(), c.is_key() ? ColumnKeyLabel(t.keys_type()) : "", "", "select,insert,update,references",
          c.comment(), std::nullopt, std::nullopt};
}

const std::vector<TableDef>& Defs() {
  static const auto* kDefs = new std::vector<TableDef>{
      {"SCHEMATA",
       {{"CATALOG_NAME", 'S'}, {"SCHEMA_NAME", 'S'}, {"DEFAULT_CHARACTER_SET_NAME", 'S'},
        {"DEFAULT_COLLATION_NAME", 'S'}, {"SQL_PATH", 'S'}, {"DEFAULT_ENCRYPTION", 'S'}},
       [](const FeContext& fe, Session&) {
         std::vector<Row> rows;
         for (const std::string& db : SortedDatabaseNames(fe)) {
           rows.push_back({"def", db, "utf8mb4", "utf8mb4_0900_ai_ci", std::nullopt, "NO"});
         }
         return rows;
       }},
      {"TABLES",
       {{"TABLE_CATALOG", 'S'}, {"TABLE_SCHEMA", 'S'}, {"TABLE_NAME", 'S'}, {"TABLE_TYPE", 'S'}, {"ENGINE", 'S'},
        {"VERSION", 'I'}, {"ROW_FORMAT", 'S'}, {"TABLE_ROWS", 'I'}, {"AVG_ROW_LENGTH", 'I'}, {"DATA_LENGTH", 'I'},
        {"MAX_DATA_LENGTH", 'I'}, {"INDEX_LENGTH", 'I'}, {"DATA_FREE", 'I'}, {"AUTO_INCREMENT", 'I'},
        {"CREATE_TIME", 'S'}, {"UPDATE_TIME", 'S'}, {"CHECK_TIME", 'S'}, {"TABLE_COLLATION", 'S'},
        {"CHECKSUM", 'I'}, {"CREATE_OPTIONS", 'S'}, {"TABLE_COMMENT", 'S'}},
       [](const FeContext& fe, Session&) {
         std::vector<Row> rows;
         for (const std::string& t : SystemTableNames()) {
           rows.push_back({"def", kInformationSchema, t, "SYSTEM VIEW", "MEMORY", "10", "Fixed", "0", "0", "0", "0", "0",
                           "0", std::nullopt, std::nullopt, std::nullopt, std::nullopt, "utf8mb4_0900_ai_ci",
                           std::nullopt, "", ""});
         }
         for (const auto& t : fe.catalog->ListAllTables()) {
           std::string created = FormatDateTime(t.create_time_ms() * 1000 - (t.create_time_ms() * 1000) % 1000000);
           rows.push_back({"def", t.db(), t.name(), "BASE TABLE", "StarRocks", std::nullopt, std::nullopt, "0", "0", "0",
                           std::nullopt, std::nullopt, std::nullopt, std::nullopt, created, std::nullopt, std::nullopt,
                           "utf8_general_ci", std::nullopt, std::nullopt, t.comment()});
         }
         return rows;
       }},
      {"COLUMNS",
       {{"TABLE_CATALOG", 'S'}, {"TABLE_SCHEMA", 'S'}, {"TABLE_NAME", 'S'}, {"COLUMN_NAME", 'S'},
        {"ORDINAL_POSITION", 'I'}, {"COLUMN_DEFAULT", 'S'}, {"IS_NULLABLE", 'S'}, {"DATA_TYPE", 'S'},
        {"CHARACTER_MAXIMUM_LENGTH", 'I'}, {"CHARACTER_OCTET_LENGTH", 'I'}, {"NUMERIC_PRECISION", 'I'},
        {"NUMERIC_SCALE", 'I'}, {"DATETIME_PRECISION", 'I'}, {"CHARACTER_SET_NAME", 'S'}, {"COLLATION_NAME", 'S'},
        {"COLUMN_TYPE", 'S'}, {"COLUMN_KEY", 'S'}, {"EXTRA", 'S'}, {"PRIVILEGES", 'S'}, {"COLUMN_COMMENT", 'S'},
        {"GENERATION_EXPRESSION", 'S'}, {"SRS_ID", 'I'}},
       [](const FeContext& fe, Session&) {
         // information_schema's own columns, so tools can describe the system views.
         std::vector<Row> rows;
         for (const TableDef& def : Defs()) {
           int pos = 1;
           for (const auto& [name, type] : def.columns) {
             bool is_int = type == 'I';
             rows.push_back({"def", kInformationSchema, def.name, name, std::to_string(pos++), std::nullopt, "YES",
                             is_int ? "bigint" : "varchar", is_int ? std::nullopt : std::optional<std::string>("65533"),
                             is_int ? std::nullopt : std::optional<std::string>("262132"),
                             is_int ? std::optional<std::string>("19") : std::nullopt,
                             is_int ? std::optional<std::string>("0") : std::nullopt, std::nullopt,
                             is_int ? std::nullopt : std::optional<std::string>("utf8mb4"),
                             is_int ? std::nullopt : std::optional<std::string>("utf8mb4_0900_ai_ci"),
                             is_int ? "bigint(20)" : "varchar(65533)", "", "", "select", "", "", std::nullopt});
           }
         }
         for (const auto& t : fe.catalog->ListAllTables()) {
           int pos = 1;
           for (const auto& c : t.columns()) rows.push_back(UserColumnRow(t, c, pos++));
         }
         return rows;
       }},
      {"VIEWS",
       {{"TABLE_CATALOG", 'S'}, {"TABLE_SCHEMA", 'S'}, {"TABLE_NAME", 'S'}, {"VIEW_DEFINITION", 'S'},
        {"CHECK_OPTION", 'S'}, {"IS_UPDATABLE", 'S'}, {"DEFINER", 'S'}, {"SECURITY_TYPE", 'S'},
        {"CHARACTER_SET_CLIENT", 'S'}, {"COLLATION_CONNECTION", 'S'}},
       NoRows},
      {"STATISTICS",
       {{"TABLE_CATALOG", 'S'}, {"TABLE_SCHEMA", 'S'}, {"TABLE_NAME", 'S'}, {"NON_UNIQUE", 'I'}, {"INDEX_SCHEMA", 'S'},
        {"INDEX_NAME", 'S'}, {"SEQ_IN_INDEX", 'I'}, {"COLUMN_NAME", 'S'}, {"COLLATION", 'S'}, {"CARDINALITY", 'I'},
        {"SUB_PART", 'I'}, {"PACKED", 'S'}, {"NULLABLE", 'S'}, {"INDEX_TYPE", 'S'}, {"COMMENT", 'S'},
        {"INDEX_COMMENT", 'S'}, {"IS_VISIBLE", 'S'}, {"EXPRESSION", 'S'}},
       NoRows},
      {"KEY_COLUMN_USAGE",
       {{"CONSTRAINT_CATALOG", 'S'}, {"CONSTRAINT_SCHEMA", 'S'}, {"CONSTRAINT_NAME", 'S'}, {"TABLE_CATALOG", 'S'},
        {"TABLE_SCHEMA", 'S'}, {"TABLE_NAME", 'S'}, {"COLUMN_NAME", 'S'}, {"ORDINAL_POSITION", 'I'},
        {"POSITION_IN_UNIQUE_CONSTRAINT", 'I'}, {"REFERENCED_TABLE_SCHEMA", 'S'}, {"REFERENCED_TABLE_NAME", 'S'},
        {"REFERENCED_COLUMN_NAME", 'S'}},
       NoRows},
      {"TABLE_CONSTRAINTS",
       {{"CONSTRAINT_CATALOG", 'S'}, {"CONSTRAINT_SCHEMA", 'S'}, {"CONSTRAINT_NAME", 'S'}, {"TABLE_SCHEMA", 'S'},
        {"TABLE_NAME", 'S'}, {"CONSTRAINT_TYPE", 'S'}, {"ENFORCED", 'S'}},
       NoRows},
      {"REFERENTIAL_CONSTRAINTS",
       {{"CONSTRAINT_CATALOG", 'S'}, {"CONSTRAINT_SCHEMA", 'S'}, {"CONSTRAINT_NAME", 'S'},
        {"UNIQUE_CONSTRAINT_CATALOG", 'S'}, {"UNIQUE_CONSTRAINT_SCHEMA", 'S'}, {"UNIQUE_CONSTRAINT_NAME", 'S'},
        {"MATCH_OPTION", 'S'}, {"UPDATE_RULE", 'S'}, {"DELETE_RULE", 'S'}, {"TABLE_NAME", 'S'},
        {"REFERENCED_TABLE_NAME", 'S'}},
       NoRows},
      {"CHECK_CONSTRAINTS",
       {{"CONSTRAINT_CATALOG", 'S'}, {"CONSTRAINT_SCHEMA", 'S'}, {"CONSTRAINT_NAME", 'S'}, {"CHECK_CLAUSE", 'S'},
        {"ENFORCED", 'S'}},
       NoRows},
      {"ROUTINES",
       {{"SPECIFIC_NAME", 'S'}, {"ROUTINE_CATALOG", 'S'}, {"ROUTINE_SCHEMA", 'S'}, {"ROUTINE_NAME", 'S'},
        {"ROUTINE_TYPE", 'S'}, {"DATA_TYPE", 'S'}, {"ROUTINE_BODY", 'S'}, {"ROUTINE_DEFINITION", 'S'},
        {"EXTERNAL_NAME", 'S'}, {"EXTERNAL_LANGUAGE", 'S'}, {"PARAMETER_STYLE", 'S'}, {"IS_DETERMINISTIC", 'S'},
        {"SQL_DATA_ACCESS", 'S'}, {"SQL_PATH", 'S'}, {"SECURITY_TYPE", 'S'}, {"CREATED", 'S'},
        {"LAST_ALTERED", 'S'}, {"SQL_MODE", 'S'}, {"ROUTINE_COMMENT", 'S'}, {"DEFINER", 'S'}},
       NoRows},
      {"PARAMETERS",
       {{"SPECIFIC_CATALOG", 'S'}, {"SPECIFIC_SCHEMA", 'S'}, {"SPECIFIC_NAME", 'S'}, {"ORDINAL_POSITION", 'I'},
        {"PARAMETER_MODE", 'S'}, {"PARAMETER_NAME", 'S'}, {"DATA_TYPE", 'S'}},
       NoRows},
      {"TRIGGERS",
       {{"TRIGGER_CATALOG", 'S'}, {"TRIGGER_SCHEMA", 'S'}, {"TRIGGER_NAME", 'S'}, {"EVENT_MANIPULATION", 'S'},
        {"EVENT_OBJECT_SCHEMA", 'S'}, {"EVENT_OBJECT_TABLE", 'S'}, {"ACTION_STATEMENT", 'S'}, {"ACTION_TIMING", 'S'}},
       NoRows},
      {"EVENTS",
       {{"EVENT_CATALOG", 'S'}, {"EVENT_SCHEMA", 'S'}, {"EVENT_NAME", 'S'}, {"DEFINER", 'S'}, {"EVENT_TYPE", 'S'},
        {"STATUS", 'S'}},
       NoRows},
      {"PARTITIONS",
       {{"TABLE_CATALOG", 'S'}, {"TABLE_SCHEMA", 'S'}, {"TABLE_NAME", 'S'}, {"PARTITION_NAME", 'S'},
        {"SUBPARTITION_NAME", 'S'}, {"PARTITION_ORDINAL_POSITION", 'I'}, {"SUBPARTITION_ORDINAL_POSITION", 'I'},
        {"PARTITION_METHOD", 'S'}, {"PARTITION_EXPRESSION", 'S'}, {"TABLE_ROWS", 'I'}},
       NoRows},
      {"ENGINES",
       {{"ENGINE", 'S'}, {"SUPPORT", 'S'}, {"COMMENT", 'S'}, {"TRANSACTIONS", 'S'}, {"XA", 'S'}, {"SAVEPOINTS", 'S'}},
       [](const FeContext&, Session&) {
         return std::vector<Row>{{"OLAP", "DEFAULT", "Basalt columnar storage on object storage", "YES", "NO", "NO"}};
       }},
      {"CHARACTER_SETS",
       {{"CHARACTER_SET_NAME", 'S'}, {"DEFAULT_COLLATE_NAME", 'S'}, {"DESCRIPTION", 'S'}, {"MAXLEN", 'I'}},
       [](const FeContext&, Session&) {
         return std::vector<Row>{{"utf8mb4", "utf8mb4_0900_ai_ci", "UTF-8 Unicode", "4"},
                                 {"utf8mb3", "utf8mb3_general_ci", "UTF-8 Unicode", "3"},
                                 {"utf8", "utf8_general_ci", "UTF-8 Unicode", "3"},
                                 {"binary", "binary", "Binary pseudo charset", "1"}};
       }},
      {"COLLATIONS",
       {{"COLLATION_NAME", 'S'}, {"CHARACTER_SET_NAME", 'S'}, {"ID", 'I'}, {"IS_DEFAULT", 'S'}, {"IS_COMPILED", 'S'},
        {"SORTLEN", 'I'}, {"PAD_ATTRIBUTE", 'S'}},
       [](const FeContext&, Session&) {
         return std::vector<Row>{{"utf8mb4_0900_ai_ci", "utf8mb4", "255", "Yes", "Yes", "0", "NO PAD"},
                                 {"utf8mb4_general_ci", "utf8mb4", "45", "", "Yes", "1", "PAD SPACE"},
                                 {"utf8mb4_bin", "utf8mb4", "46", "", "Yes", "1", "PAD SPACE"},
                                 {"utf8mb4_unicode_ci", "utf8mb4", "224", "", "Yes", "8", "PAD SPACE"},
                                 {"utf8mb3_general_ci", "utf8mb3", "33", "Yes", "Yes", "1", "PAD SPACE"},
                                 {"utf8_general_ci", "utf8", "33", "Yes", "Yes", "1", "PAD SPACE"},
                                 {"binary", "binary", "63", "Yes", "Yes", "1", "NO PAD"}};
       }},
      {"COLLATION_CHARACTER_SET_APPLICABILITY",
       {{"COLLATION_NAME", 'S'}, {"CHARACTER_SET_NAME", 'S'}},
       [](const FeContext&, Session&) {
         return std::vector<Row>{{"utf8mb4_0900_ai_ci", "utf8mb4"}, {"utf8mb4_general_ci", "utf8mb4"},
                                 {"utf8mb4_bin", "utf8mb4"}, {"utf8mb4_unicode_ci", "utf8mb4"},
                                 {"utf8mb3_general_ci", "utf8mb3"}, {"utf8_general_ci", "utf8"}, {"binary", "binary"}};
       }},
      {"KEYWORDS",
       {{"WORD", 'S'}, {"RESERVED", 'I'}},
       [](const FeContext&, Session&) {
         std::vector<Row> rows;
         for (const char* w : {"ALL", "AND", "AS", "ASC", "BETWEEN", "BY", "CASE", "CREATE", "DATABASE", "DELETE", "DESC",
                               "DISTINCT", "DROP", "ELSE", "EXISTS", "FALSE", "FROM", "GROUP", "HAVING", "IN", "INSERT",
                               "INTO", "IS", "JOIN", "LIKE", "LIMIT", "NOT", "NULL", "ON", "OR", "ORDER", "SELECT", "SET",
                               "SHOW", "TABLE", "THEN", "TRUE", "UNION", "UPDATE", "USE", "VALUES", "WHEN", "WHERE", "WITH"}) {
           rows.push_back({w, "1"});
         }
         return rows;
       }},
      {"GLOBAL_VARIABLES",
       {{"VARIABLE_NAME", 'S'}, {"VARIABLE_VALUE", 'S'}},
       [](const FeContext& fe, Session&) {
         std::vector<Row> rows;
         for (const VariableDef& def : AllVariableDefs()) rows.push_back({def.name, VariableToShowText(def, fe.globals->Get(def))});
         return rows;
       }},
      {"SESSION_VARIABLES",
       {{"VARIABLE_NAME", 'S'}, {"VARIABLE_VALUE", 'S'}},
       [](const FeContext&, Session& session) {
         std::vector<Row> rows;
         for (const VariableDef& def : AllVariableDefs()) rows.push_back({def.name, VariableToShowText(def, session.GetVariable(def))});
         return rows;
       }},
      {"PROCESSLIST",
       {{"ID", 'I'}, {"USER", 'S'}, {"HOST", 'S'}, {"DB", 'S'}, {"COMMAND", 'S'}, {"TIME", 'I'}, {"STATE", 'S'}, {"INFO", 'S'}},
       [](const FeContext& fe, Session&) {
         std::vector<Row> rows;
         int64_t now = NowMillis();
         for (const auto& s : fe.sessions->List()) {
           Session::ProcessInfo p = s->GetProcessInfo();
           rows.push_back({std::to_string(p.id), p.user, p.host, p.db.empty() ? std::nullopt : std::optional<std::string>(p.db),
                           p.command, std::to_string((now - p.command_start_ms) / 1000), "", p.info});
         }
         return rows;
       }},
      {"USER_PRIVILEGES",
       {{"GRANTEE", 'S'}, {"TABLE_CATALOG", 'S'}, {"PRIVILEGE_TYPE", 'S'}, {"IS_GRANTABLE", 'S'}},
       NoRows},
      {"SCHEMA_PRIVILEGES",
       {{"GRANTEE", 'S'}, {"TABLE_CATALOG", 'S'}, {"TABLE_SCHEMA", 'S'}, {"PRIVILEGE_TYPE", 'S'}, {"IS_GRANTABLE", 'S'}},
       NoRows},
      {"TABLE_PRIVILEGES",
       {{"GRANTEE", 'S'}, {"TABLE_CATALOG", 'S'}, {"TABLE_SCHEMA", 'S'}, {"TABLE_NAME", 'S'}, {"PRIVILEGE_TYPE", 'S'},
        {"IS_GRANTABLE", 'S'}},
       NoRows},
      {"COLUMN_PRIVILEGES",
       {{"GRANTEE", 'S'}, {"TABLE_CATALOG", 'S'}, {"TABLE_SCHEMA", 'S'}, {"TABLE_NAME", 'S'}, {"COLUMN_NAME", 'S'},
        {"PRIVILEGE_TYPE", 'S'}, {"IS_GRANTABLE", 'S'}},
       NoRows},
      {"APPLICABLE_ROLES",
       {{"USER", 'S'}, {"HOST", 'S'}, {"GRANTEE", 'S'}, {"GRANTEE_HOST", 'S'}, {"ROLE_NAME", 'S'}, {"ROLE_HOST", 'S'},
        {"IS_GRANTABLE", 'S'}, {"IS_DEFAULT", 'S'}, {"IS_MANDATORY", 'S'}},
       NoRows},
      {"TABLES_CONFIG",
       {{"TABLE_SCHEMA", 'S'}, {"TABLE_NAME", 'S'}, {"TABLE_ENGINE", 'S'}, {"TABLE_MODEL", 'S'}, {"PRIMARY_KEY", 'S'},
        {"PARTITION_KEY", 'S'}, {"DISTRIBUTE_KEY", 'S'}, {"DISTRIBUTE_TYPE", 'S'}, {"DISTRIBUTE_BUCKET", 'I'},
        {"SORT_KEY", 'S'}, {"PROPERTIES", 'S'}, {"TABLE_ID", 'I'}},
       [](const FeContext& fe, Session&) {
         std::vector<Row> rows;
         for (const auto& t : fe.catalog->ListAllTables()) {
           std::vector<std::string> keys(t.key_columns().begin(), t.key_columns().end());
           std::vector<std::string> sort(t.order_by().begin(), t.order_by().end());
           if (sort.empty()) sort = keys;
           std::map<std::string, std::string> props(t.properties().begin(), t.properties().end());
           std::string json = "{";
           for (const auto& [k, v] : props) json += (json.size() > 1 ? "," : "") + ("\"" + k + "\":\"" + v + "\"");
           json += "}";
           rows.push_back({t.db(), t.name(), "OLAP", t.keys_type(), BacktickList(keys),
                           BacktickList({t.partition().columns().begin(), t.partition().columns().end()}),
                           BacktickList({t.distribution().columns().begin(), t.distribution().columns().end()}),
                           t.distribution().kind(), std::to_string(t.distribution().buckets()), BacktickList(sort), json,
                           std::to_string(t.id())});
         }
         return rows;
       }},
      {"MATERIALIZED_VIEWS",
       {{"MATERIALIZED_VIEW_ID", 'S'}, {"TABLE_SCHEMA", 'S'}, {"TABLE_NAME", 'S'}, {"REFRESH_TYPE", 'S'},
        {"IS_ACTIVE", 'S'}, {"MATERIALIZED_VIEW_DEFINITION", 'S'}},
       NoRows},
      // Every routine load job of every database, STOPPED and CANCELLED ones too, with the cells
      // SHOW ALL ROUTINE LOAD prints (shared spec §3.9).
      {"ROUTINE_LOAD_JOBS",
       [] {
         std::vector<std::pair<std::string, char>> columns;
         for (const std::string& c : RoutineLoadJobsTableColumns()) {
           columns.emplace_back(c, c == "ID" || c == "CURRENT_TASK_NUM" ? 'I' : 'S');
         }
         return columns;
       }(),
       [](const FeContext& fe, Session&) {
         std::vector<Row> rows;
         for (const ShownRoutineLoadJob& shown : RoutineLoadJobsForShow(fe)) {
           rows.push_back(RoutineLoadJobsTableRow(shown.job, shown.runtime));
         }
         return rows;
       }},
      // StarRocks' columns: ID is the load's id and JOB_ID the same (kept for older clients).
      {"LOAD_TRACKING_LOGS",
       {{"ID", 'I'}, {"JOB_ID", 'I'}, {"LABEL", 'S'}, {"DATABASE_NAME", 'S'}, {"TRACKING_LOG", 'S'}, {"TYPE", 'S'}},
       LoadTrackingLogRows},
  };
  return *kDefs;
}

}  // namespace

std::vector<std::string> SystemTableNames() {
  std::vector<std::string> names;
  for (const TableDef& def : Defs()) {
    // StarRocks' own additions are spelled in lower case, MySQL's in upper case.
    bool starrocks_table =
        def.name == "TABLES_CONFIG" || def.name == "MATERIALIZED_VIEWS" || def.name == "ROUTINE_LOAD_JOBS" ||
        def.name == "LOAD_TRACKING_LOGS";
    names.push_back(starrocks_table ? ToLower(def.name) : def.name);
  }
  return names;
}

std::optional<SystemTable> BuildSystemTable(std::string_view name, const FeContext& fe, Session& session) {
  for (const TableDef& def : Defs()) {
    if (!EqualsIgnoreCase(def.name, name)) continue;
    TextResultBuilder builder([&] {
      std::vector<std::string> names;
      for (const auto& [column, type] : def.columns) names.push_back(column);
      return names;
    }());
    for (size_t i = 0; i < def.columns.size(); ++i) {
      if (def.columns[i].second == 'I') builder.SetType(i, DataType::BigInt());
    }
    for (Row& row : def.rows(fe, session)) builder.AddRow(std::move(row));
    QueryResult built = builder.Build();
    SystemTable table;
    table.name = def.name;
    table.columns = std::move(built.columns);
    for (ResultColumn& c : table.columns) {
      c.org_name = c.name;
      c.table = def.name;
      c.org_table = def.name;
      c.schema = kInformationSchema;
    }
    table.rows = std::move(built.chunks.front());
    return table;
  }
  return std::nullopt;
}

}  // namespace basalt::fe
