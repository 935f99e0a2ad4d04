#include "fe/qe/table_ddl.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/string_util.h"

namespace basalt::fe {
namespace {

Status DdlError(std::string message) { return Status::Sql(kTableDdlError, std::move(message)); }

// StarRocks' short-key limits (FeConstants.SHORTKEY_MAX_COLUMN_COUNT / SHORTKEY_MAXSIZE_BYTES).
constexpr size_t kShortKeyMaxColumns = 3;
constexpr int kShortKeyMaxBytes = 36;

// The index size StarRocks counts for a column when inferring the short key (its slot size;
// CHAR counts its length).
int IndexSize(const DataType& t) {
  switch (t.id) {
    case TypeId::kBoolean:
    case TypeId::kTinyInt: return 1;
    case TypeId::kSmallInt: return 2;
    case TypeId::kInt:
    case TypeId::kFloat: return 4;
    case TypeId::kBigInt:
    case TypeId::kDouble: return 8;
    case TypeId::kDecimal: return t.precision <= 9 ? 4 : t.precision <= 18 ? 8 : 16;
    case TypeId::kChar: return t.length < 0 ? 1 : t.length;
    default: return 16;  // LARGEINT, DATE, DATETIME, VARCHAR, STRING, ...
  }
}

// Types that can be a key (sort key, distribution, partition) column.
bool Keyable(const DataType& t) {
  return t.id != TypeId::kFloat && t.id != TypeId::kDouble && t.id != TypeId::kJson && t.id != TypeId::kNull &&
         t.id != TypeId::kBinary && t.id != TypeId::kVarbinary;
}

int FindColumn(const proto::TableMeta& t, const std::string& name) {
  for (int i = 0; i < t.columns_size(); ++i) {
    if (EqualsIgnoreCase(t.columns(i).name(), name)) return i;
  }
  return -1;
}

Result<std::string> BoolProperty(const std::string& key, const std::string& value) {
  std::string v = ToLower(value);
  if (v != "true" && v != "false") {
    return DdlError("Invalid value '" + value + "' for property '" + key + "': expected true or false");
  }
  return v;
}

Result<std::string> CompressionProperty(const std::string& value) {
  std::string v = ToUpper(value);
  static const std::set<std::string> kNames = {"LZ4", "LZ4_FRAME", "ZSTD", "ZLIB", "SNAPPY", "NO_COMPRESSION"};
  if (kNames.count(v)) return v;
  if (v.rfind("ZSTD(", 0) == 0 && v.back() == ')') {
    int64_t level = 0;
    if (ParseInt64(v.substr(5, v.size() - 6), &level) && level >= 1 && level <= 22) return v;
  }
  return DdlError("Unknown compression type '" + value + "' (supported: LZ4, ZSTD[(level)], ZLIB, SNAPPY, LZ4_FRAME)");
}

}  // namespace

std::string BacktickList(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "`" : ", `") + n + "`";
  return out;
}

Result<proto::ColumnMeta> BuildColumnMeta(const sql::ColumnDef& def) {
  if (def.auto_increment) return Status::Sql(sql_errors::kNotSupportedYet, "AUTO_INCREMENT is not supported yet");
  proto::ColumnMeta c;
  c.set_name(def.name);
  c.set_type_id(static_cast<int32_t>(def.type.id));
  c.set_type_length(def.type.length);
  c.set_type_precision(def.type.precision);
  c.set_type_scale(def.type.scale);
  c.set_type_sql(def.type.ToSql());
  c.set_nullable(def.nullable.value_or(true));
  c.set_comment(def.comment);
  c.set_aggregation(def.aggregation);
  if (def.default_is_null && !c.nullable()) {
    return DdlError("Invalid default value for '" + def.name + "': the column is NOT NULL");
  }
  if (def.default_value) {
    if (def.default_is_expr && *def.default_value == "CURRENT_TIMESTAMP" && def.type.id != TypeId::kDateTime) {
      return DdlError("Invalid default value for '" + def.name + "': CURRENT_TIMESTAMP is only allowed for DATETIME");
    }
    c.set_has_default(true);
    c.set_default_value(*def.default_value);
    c.set_default_is_expr(def.default_is_expr);
  }
  return c;
}

Result<proto::TableMeta> BuildTableMeta(const sql::CreateTableStmt& stmt, const proto::DatabaseMeta& db,
                                        const Catalog& catalog, int32_t default_buckets) {
  proto::TableMeta t;
  t.set_db(db.name());
  t.set_name(stmt.name.table);
  if (!stmt.engine.empty() && !EqualsIgnoreCase(stmt.engine, "OLAP")) {
    return DdlError("Unknown engine '" + stmt.engine + "': Basalt tables use ENGINE=OLAP");
  }
  if (stmt.columns.empty()) return DdlError("A table needs at least one column");
  for (const sql::ColumnDef& def : stmt.columns) {
    if (FindColumn(t, def.name) >= 0) {
      return Status::Sql(sql_errors::kDuplicateFieldName, "Duplicate column name '" + def.name + "'");
    }
    ASSIGN_OR_RETURN(proto::ColumnMeta c, BuildColumnMeta(def));
    *t.add_columns() = std::move(c);
  }
  auto column_named = [&](const std::string& name, const char* what) -> Result<int> {
    int i = FindColumn(t, name);
    if (i < 0) return DdlError(std::string(what) + " column '" + name + "' does not exist");
    return i;
  };

  // ---- keys ----
  bool has_aggregation = false;
  for (const auto& c : t.columns()) has_aggregation = has_aggregation || !c.aggregation().empty();
  std::string keys = stmt.keys_type;
  std::vector<std::string> key_columns = stmt.key_columns;
  if (keys.empty() && has_aggregation) {
    // Columns with an aggregation make an AGGREGATE KEY table keyed on the others.
    keys = "AGGREGATE";
    for (const auto& c : t.columns()) {
      if (c.aggregation().empty()) key_columns.push_back(c.name());
    }
  } else if (keys.empty()) {
    keys = "DUPLICATE";
    // StarRocks' inferred sort key: leading columns while there are fewer than 3 and their index
    // sizes stay within 36 bytes; a float/double/json column stops the walk, a VARCHAR is taken
    // and stops it.
    int bytes = 0;
    for (const auto& c : t.columns()) {
      DataType type = ColumnType(c);
      bytes += IndexSize(type);
      if (key_columns.size() >= kShortKeyMaxColumns || bytes > kShortKeyMaxBytes) {
        if (key_columns.empty() && type.IsStringLike()) key_columns.push_back(c.name());
        break;
      }
      if (!Keyable(type)) break;
      key_columns.push_back(c.name());
      if (type.id == TypeId::kVarchar || type.id == TypeId::kString) break;
    }
    if (key_columns.empty()) {
      return DdlError("Data type of first column cannot be " + ToUpper(t.columns(0).type_sql()));
    }
  }
  if (has_aggregation && keys != "AGGREGATE") {
    for (const auto& c : t.columns()) {
      if (!c.aggregation().empty()) {
        return DdlError("Column '" + c.name() + "' has aggregation type " + c.aggregation() +
                        ", which is only allowed in AGGREGATE KEY tables");
      }
    }
  }
  if (key_columns.empty()) return DdlError("The key clause needs at least one column");
  for (size_t i = 0; i < key_columns.size(); ++i) {
    ASSIGN_OR_RETURN(int index, column_named(key_columns[i], "Key"));
    if (index != static_cast<int>(i)) return DdlError("Key columns should be a ordered prefix of the schema.");
    proto::ColumnMeta* c = t.mutable_columns(index);
    key_columns[i] = c->name();
    c->set_is_key(true);
    DataType type = ColumnType(*c);
    if (type.id == TypeId::kFloat || type.id == TypeId::kDouble) {
      return DdlError("Invalid key column '" + c->name() + "': Float or double can not used as a key, use decimal instead.");
    }
    if (!Keyable(type)) return DdlError("Invalid key column '" + c->name() + "': type " + c->type_sql() + " can not be a key");
    if (!c->aggregation().empty()) {
      return DdlError("Key column '" + c->name() + "' can not have an aggregation type");
    }
    if (keys == "PRIMARY") {
      const sql::ColumnDef& def = stmt.columns[index];
      if (def.nullable.value_or(false)) return DdlError("primary key column '" + c->name() + "' cannot be nullable");
      c->set_nullable(false);
    }
  }
  if (keys == "AGGREGATE") {
    for (const auto& c : t.columns()) {
      if (!c.is_key() && c.aggregation().empty()) {
        return DdlError("Value column '" + c.name() +
                        "' of an AGGREGATE KEY table needs an aggregation type (SUM, MAX, MIN, REPLACE, ...)");
      }
    }
  }
  static const std::map<std::string, std::string> kKeysTypes = {
      {"DUPLICATE", "DUP_KEYS"}, {"AGGREGATE", "AGG_KEYS"}, {"UNIQUE", "UNQ_KEYS"}, {"PRIMARY", "PRI_KEYS"}};
  t.set_keys_type(kKeysTypes.at(keys));
  for (const std::string& k : key_columns) t.add_key_columns(k);
  bool duplicate = keys == "DUPLICATE";

  // ---- partitioning ----
  auto* partition = t.mutable_partition();
  if (stmt.partition_kind.empty()) {
    partition->set_kind("UNPARTITIONED");
  } else {
    partition->set_kind(stmt.partition_kind);
    partition->set_text(stmt.partition_text);
    for (const std::string& name : stmt.partition_columns) {
      ASSIGN_OR_RETURN(int index, column_named(name, "Partition"));
      const proto::ColumnMeta& c = t.columns(index);
      if (!Keyable(ColumnType(c))) return DdlError("Invalid partition column '" + c.name() + "': type " + c.type_sql());
      if (!duplicate && !c.is_key() && stmt.partition_kind != "EXPR") {
        return DdlError("Partition column '" + c.name() + "' must be a key column");
      }
      partition->add_columns(c.name());
    }
    std::set<std::string> names;
    for (const sql::RangePartitionDef& r : stmt.ranges) {
      if (!names.insert(ToLower(r.name)).second) return DdlError("Duplicate partition name " + r.name);
      if (!r.max_value && r.upper_bound.size() != stmt.partition_columns.size()) {
        return DdlError("Partition " + r.name + " has " + std::to_string(r.upper_bound.size()) +
                        " bound values for " + std::to_string(stmt.partition_columns.size()) + " partition columns");
      }
      auto* range = partition->add_ranges();
      range->set_name(r.name);
      range->set_max_value(r.max_value);
      for (const std::string& v : r.upper_bound) range->add_upper_bound(v);
    }
  }

  // ---- distribution ----
  auto* dist = t.mutable_distribution();
  std::string kind = stmt.distribution_kind;
  if (kind.empty()) kind = duplicate ? "RANDOM" : "HASH";
  dist->set_kind(kind);
  if (kind == "RANDOM") {
    if (!duplicate) return DdlError("RANDOM distribution is only supported by DUPLICATE KEY tables");
  } else {
    std::vector<std::string> columns = stmt.distribution_columns;
    if (stmt.distribution_kind.empty()) columns = key_columns;
    std::set<std::string> seen;
    for (const std::string& name : columns) {
      ASSIGN_OR_RETURN(int index, column_named(name, "Distribution"));
      const proto::ColumnMeta& c = t.columns(index);
      if (!seen.insert(ToLower(c.name())).second) return DdlError("Duplicate distribution column '" + c.name() + "'");
      if (!Keyable(ColumnType(c))) {
        return DdlError("Distribution column '" + c.name() + "' can not be of type " + c.type_sql());
      }
      if (!duplicate && !c.is_key()) return DdlError("Distribution column '" + c.name() + "' must be a key column");
      dist->add_columns(c.name());
    }
  }
  dist->set_buckets(stmt.buckets > 0 ? static_cast<int32_t>(std::min<int64_t>(stmt.buckets, 1 << 20)) : default_buckets);
  dist->set_buckets_explicit(stmt.buckets > 0);

  // ---- ORDER BY ----
  std::set<std::string> order_seen;
  for (const std::string& name : stmt.order_by) {
    ASSIGN_OR_RETURN(int index, column_named(name, "Sort key"));
    if (!order_seen.insert(ToLower(name)).second) return DdlError("Duplicate sort key column '" + name + "'");
    t.add_order_by(t.columns(index).name());
  }

  // ---- properties ----
  auto& props = *t.mutable_properties();
  props["compression"] = "LZ4";
  props["datacache.enable"] = "true";
  props["enable_async_write_back"] = "false";
  props["replication_num"] = "1";  // Accepted and echoed; shared-data keeps no replicas.
  std::string volume_name;
  for (const auto& [raw_key, value] : stmt.properties) {
    std::string key = ToLower(raw_key);
    if (key == "replication_num") {
      int64_t n = 0;
      if (!ParseInt64(value, &n) || n <= 0) {
        return DdlError("Invalid value '" + value + "' for property 'replication_num': expected a positive integer");
      }
      props[key] = std::to_string(n);
    } else if (key == "storage_volume") {
      volume_name = value;
    } else if (key == "datacache.enable" || key == "enable_async_write_back" || key == "enable_persistent_index" ||
               key == "fast_schema_evolution" || key == "file_bundling" || key == "in_memory") {
      ASSIGN_OR_RETURN(props[key], BoolProperty(raw_key, value));
    } else if (key == "compression") {
      ASSIGN_OR_RETURN(props[key], CompressionProperty(value));
    } else if (key == "persistent_index_type") {
      std::string v = ToUpper(value);
      if (v != "LOCAL" && v != "CLOUD_NATIVE") {
        return DdlError("Invalid value '" + value + "' for property 'persistent_index_type': expected LOCAL or CLOUD_NATIVE");
      }
      props[key] = v;
    } else if (key == "bloom_filter_columns") {
      std::vector<std::string> names;
      for (std::string_view part : Split(value, ',')) {
        std::string name(Trim(part));
        if (name.empty()) continue;
        ASSIGN_OR_RETURN(int index, column_named(name, "Bloom filter"));
        const proto::ColumnMeta& c = t.columns(index);
        if (!Keyable(ColumnType(c)) || c.type_id() == static_cast<int32_t>(TypeId::kBoolean) ||
            c.type_id() == static_cast<int32_t>(TypeId::kTinyInt)) {
          return DdlError("Bloom filter index is not supported on column '" + c.name() + "' of type " + c.type_sql());
        }
        names.push_back(c.name());
      }
      std::string joined;
      for (const std::string& n : names) joined += (joined.empty() ? "" : ", ") + n;
      props[key] = joined;
    } else if (key == "datacache.partition_duration" || key == "colocate_with" ||
               key == "primary_index_cache_expire_sec" || key == "partition_live_number") {
      props[key] = value;
    } else {
      return DdlError("Unknown table property '" + raw_key + "'");
    }
  }
  // The table's storage volume: its own property, else its database's, else the default.
  if (volume_name.empty() || volume_name == "default") {
    auto it = db.properties().find("storage_volume");
    volume_name = it != db.properties().end() ? it->second : catalog.default_storage_volume();
    if (volume_name.empty()) return DdlError("Default storage volume not exists, it should be created first");
  }
  auto volume = catalog.FindStorageVolume(volume_name);
  if (!volume) return DdlError("Unknown storage volume \"" + volume_name + "\"");
  if (!volume->enabled()) return DdlError("Storage volume " + volume_name + " is disabled");
  props["storage_volume"] = volume_name;
  t.set_comment(stmt.comment.value_or(""));
  return t;
}

std::string KeysTypeSql(const std::string& keys_type) {
  if (keys_type == "AGG_KEYS") return "AGGREGATE KEY";
  if (keys_type == "UNQ_KEYS") return "UNIQUE KEY";
  if (keys_type == "PRI_KEYS") return "PRIMARY KEY";
  return "DUPLICATE KEY";
}

std::string ColumnKeyLabel(const std::string& keys_type) {
  if (keys_type == "AGG_KEYS") return "AGG";
  if (keys_type == "UNQ_KEYS") return "UNI";
  if (keys_type == "PRI_KEYS") return "PRI";
  return "DUP";
}

std::string DataTypeBaseName(const DataType& type) {
  switch (type.id) {
    case TypeId::kNull: return "null";
    case TypeId::kBoolean: return "boolean";
    case TypeId::kTinyInt: return "tinyint";
    case TypeId::kSmallInt: return "smallint";
    case TypeId::kInt: return "int";
    case TypeId::kBigInt: return "bigint";
    case TypeId::kLargeInt: return "largeint";
    case TypeId::kFloat: return "float";
    case TypeId::kDouble: return "double";
    case TypeId::kDecimal: return "decimal";
    case TypeId::kDate: return "date";
    case TypeId::kDateTime: return "datetime";
    case TypeId::kChar: return "char";
    case TypeId::kVarchar:
    case TypeId::kString: return "varchar";
    case TypeId::kBinary: return "binary";
    case TypeId::kVarbinary: return "varbinary";
    case TypeId::kJson: return "json";
  }
  return "unknown";
}

std::optional<std::string> ColumnDefaultText(const proto::ColumnMeta& column) {
  if (!column.has_default()) return std::nullopt;
  return column.default_value();
}

std::string ShowCreateTableText(const proto::TableMeta& t) {
  std::string s = "CREATE TABLE `" + t.name() + "` (\n";
  for (int i = 0; i < t.columns_size(); ++i) {
    const proto::ColumnMeta& c = t.columns(i);
    s += "  `" + c.name() + "` " + c.type_sql();
    if (!c.aggregation().empty()) s += " " + c.aggregation();
    s += c.nullable() ? " NULL" : " NOT NULL";
    if (c.has_default()) s += " DEFAULT " + (c.default_is_expr() ? c.default_value() : SqlStringLiteral(c.default_value()));
    s += " COMMENT " + SqlStringLiteral(c.comment());
    s += i + 1 < t.columns_size() ? ",\n" : "\n";
  }
  // StarRocks prints a space after the engine name.
  s += ") ENGINE=OLAP \n";
  s += KeysTypeSql(t.keys_type()) + "(" + BacktickList({t.key_columns().begin(), t.key_columns().end()}) + ")\n";
  s += "COMMENT " + SqlStringLiteral(t.comment().empty() ? "OLAP" : t.comment()) + "\n";
  if (t.partition().kind() != "UNPARTITIONED" && !t.partition().text().empty()) s += t.partition().text() + "\n";
  const auto& d = t.distribution();
  if (d.kind() == "HASH") {
    s += "DISTRIBUTED BY HASH(" + BacktickList({d.columns().begin(), d.columns().end()}) + ")";
  } else {
    s += "DISTRIBUTED BY RANDOM";
  }
  if (d.buckets_explicit()) s += " BUCKETS " + std::to_string(d.buckets());
  s += "\n";
  if (t.order_by_size() > 0) s += "ORDER BY(" + BacktickList({t.order_by().begin(), t.order_by().end()}) + ")\n";
  std::map<std::string, std::string> sorted(t.properties().begin(), t.properties().end());
  s += "PROPERTIES (\n";
  size_t n = 0;
  for (const auto& [k, v] : sorted) s += SqlStringLiteral(k) + " = " + SqlStringLiteral(v) + (++n < sorted.size() ? ",\n" : "\n");
  s += ");";
  return s;
}

}  // namespace basalt::fe
