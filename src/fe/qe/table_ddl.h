// Table DDL analysis: turns a parsed CREATE TABLE / ADD COLUMN into the persisted TableMeta /
// ColumnMeta (StarRocks' rules for key inference, key prefixes, distribution and properties),
// and renders a TableMeta back as StarRocks prints it (SHOW CREATE TABLE, DESC, information_schema).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/sql_errors.h"
#include "common/status.h"
#include "engine/types.h"
#include "fe/catalog/catalog.h"
#include "fe/catalog/table_layout.h"
#include "fe/sql/ast.h"

namespace basalt::fe {

// StarRocks reports analysis errors of DDL as 1064 with SQLSTATE HY000.
inline constexpr SqlError kTableDdlError{1064, "HY000"};

// Validates `stmt` against the catalog and builds the table (id and create time left unset).
// `db` is the resolved database; `default_buckets` is used when BUCKETS is omitted.
Result<proto::TableMeta> BuildTableMeta(const sql::CreateTableStmt& stmt, const proto::DatabaseMeta& db,
                                        const Catalog& catalog, int32_t default_buckets);

// A column definition as stored (not yet marked as a key column).
Result<proto::ColumnMeta> BuildColumnMeta(const sql::ColumnDef& def);

// SHOW CREATE TABLE text, in StarRocks' layout.
std::string ShowCreateTableText(const proto::TableMeta& table);

// "DUPLICATE KEY" for DUP_KEYS, etc.
std::string KeysTypeSql(const std::string& keys_type);

// information_schema.COLUMNS.COLUMN_KEY for a key column: DUP, AGG, UNI or PRI.
std::string ColumnKeyLabel(const std::string& keys_type);

// information_schema.COLUMNS.DATA_TYPE: the lower-case base type name ("int", "varchar").
std::string DataTypeBaseName(const DataType& type);

// The DEFAULT shown by DESC / information_schema; nullopt when none (NULL).
std::optional<std::string> ColumnDefaultText(const proto::ColumnMeta& column);

// "`a`, `b`"
std::string BacktickList(const std::vector<std::string>& names);

}  // namespace basalt::fe
