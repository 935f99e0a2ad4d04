#include "fe/load/routine_load_job.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>

#include "common/string_util.h"
#include "engine/chunk_codec.h"
#include "engine/expr_codec.h"
#include "engine/time_zone.h"
#include "fe/catalog/table_layout.h"
#include "fe/sql/parser.h"

namespace basalt::fe {
namespace {

Status Invalid(const std::string& message) { return Status::Sql(kRoutineLoadError, message); }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Result<bool> ParseBoolProperty(const std::string& key, const std::string& value) {
  if (EqualsIgnoreCase(value, "true")) return true;
  if (EqualsIgnoreCase(value, "false")) return false;
  return Invalid(key + " should be true or false, got '" + value + "'");
}

Result<int64_t> ParseIntProperty(const std::string& key, const std::string& value, int64_t min) {
  int64_t v = 0;
  if (!ParseInt64(Trim(value), &v)) return Invalid(key + " should be an integer, got '" + value + "'");
  if (v < min) return Invalid(key + " should be >= " + std::to_string(min) + ", got " + value);
  return v;
}

Result<std::vector<std::string>> ParseJsonStringArrayImpl(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  auto skip = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  auto fail = [&]() -> Result<std::vector<std::string>> {
    return Invalid("Invalid jsonpaths: " + std::string(text) + " (expected a JSON array of strings such as [\"$.a\", \"$.b\"])");
  };
  skip();
  if (i >= text.size() || text[i] != '[') return fail();
  ++i;
  skip();
  if (i < text.size() && text[i] == ']') return out;
  while (true) {
    skip();
    if (i >= text.size() || text[i] != '"') return fail();
    ++i;
    std::string value;
    while (i < text.size() && text[i] != '"') {
      if (text[i] == '\\') {
        if (++i >= text.size()) return fail();
        switch (text[i]) {
          case '"': value += '"'; break;
          case '\\': value += '\\'; break;
          case '/': value += '/'; break;
          case 'n': value += '\n'; break;
          case 't': value += '\t'; break;
          default: return fail();
        }
        ++i;
      } else {
        value += text[i++];
      }
    }
    if (i >= text.size()) return fail();
    ++i;
    out.push_back(std::move(value));
    skip();
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (i < text.size() && text[i] == ']') {
      ++i;
      skip();
      if (i != text.size()) return fail();
      return out;
    }
    return fail();
  }
}

Result<std::vector<int32_t>> ParsePartitionList(const std::string& text) {
  std::vector<int32_t> out;
  for (std::string_view part : Split(text, ',')) {
    int64_t v = 0;
    if (!ParseInt64(Trim(part), &v) || v < 0 || v > INT32_MAX) {
      return Invalid("Invalid kafka partition '" + std::string(Trim(part)) + "' in kafka_partitions = \"" + text + "\"");
    }
    if (std::find(out.begin(), out.end(), v) != out.end()) {
      return Invalid("Duplicate kafka partition " + std::to_string(v) + " in kafka_partitions");
    }
    out.push_back(static_cast<int32_t>(v));
  }
  return out;
}

Result<int64_t> ParseOffset(const std::string& key, std::string_view text) {
  text = Trim(text);
  if (EqualsIgnoreCase(text, "OFFSET_BEGINNING")) return kOffsetBeginning;
  if (EqualsIgnoreCase(text, "OFFSET_END")) return kOffsetEnd;
  int64_t v = 0;
  if (!ParseInt64(text, &v) || v < 0) {
    return Invalid("Invalid " + key + " value '" + std::string(text) +
                   "': expected an offset >= 0, OFFSET_BEGINNING or OFFSET_END");
  }
  return v;
}

bool ValidBrokerList(const std::string& list) {
  if (list.empty()) return false;
  for (std::string_view broker : Split(list, ',')) {
    broker = Trim(broker);
    size_t colon = broker.rfind(':');
    if (broker.empty() || colon == std::string_view::npos || colon == 0 || colon + 1 == broker.size()) return false;
    int64_t port = 0;
    if (!ParseInt64(broker.substr(colon + 1), &port) || port <= 0 || port > 65535) return false;
  }
  return true;
}

// The job properties StarRocks accepts; the value is true when ALTER may change it.
const std::map<std::string, bool>& KnownJobProperties() {
  static const std::map<std::string, bool> known = {
      {"format", false},
      {"jsonpaths", true},
      {"json_root", true},
      {"strip_outer_array", true},
      {"desired_concurrent_number", true},
      {"max_batch_interval", true},
      {"max_batch_interval_ms", true},
      {"max_batch_rows", true},
      {"max_batch_size", true},
      {"max_error_number", true},
      {"max_filter_ratio", true},
      {"strict_mode", true},
      {"timezone", true},
      {"time_zone", true},
      {"task_consume_second", true},
      {"task_timeout_second", true},
      {"log_rejected_record_num", true},
      {"partial_update", false},
      {"partial_update_mode", false},
      {"merge_condition", false},
      {"trim_space", false},
      {"enclose", false},
      {"escape", false},
      {"pause_on_fatal_parse_error", true},
      {"warehouse", true},
  };
  return known;
}

// Applies PROPERTIES to the normalized map (StarRocks display names), validating each value.
Status ApplyJobProperties(const std::vector<std::pair<std::string, std::string>>& properties, bool altering,
                          proto::RoutineLoadJobMeta* job) {
  auto& p = *job->mutable_properties();
  std::optional<int64_t> consume, timeout;
  for (const auto& [raw_key, value] : properties) {
    std::string key = Lower(raw_key);
    auto known = KnownJobProperties().find(key);
    if (known == KnownJobProperties().end()) return Invalid(raw_key + " is invalid property");
    if (altering && !known->second) return Invalid(raw_key + " cannot be altered");
    if (key == "format") {
      std::string format = Lower(value);
      if (format == "avro") return Status::Sql(sql_errors::kNotSupportedYet, "Avro routine load is not supported yet");
      if (format != "csv" && format != "json") return Invalid("Format type is invalid. format=" + value);
      p["format"] = format;
    } else if (key == "jsonpaths") {
      if (!Trim(value).empty()) RETURN_IF_ERROR(ParseJsonStringArrayImpl(value).status());
      p["jsonpaths"] = value;
    } else if (key == "json_root") {
      p["json_root"] = value;
    } else if (key == "strip_outer_array" || key == "strict_mode" || key == "partial_update" ||
               key == "trim_space" || key == "pause_on_fatal_parse_error") {
      // pause_on_fatal_parse_error is accepted, validated and shown, and changes nothing: in
      // StarRocks a malformed document aborts the task (offsets stay) and, without this property,
      // the job retries the same offset forever. Basalt never stalls like that: the CN counts a
      // malformed document as an error row, so max_error_number (default 0) pauses the job with
      // TOO_MANY_FAILURE_ROWS_ERR, which is the behaviour the property asks for.
      ASSIGN_OR_RETURN(bool b, ParseBoolProperty(raw_key, value));
      p[key] = b ? "true" : "false";
    } else if (key == "desired_concurrent_number") {
      ASSIGN_OR_RETURN(int64_t v, ParseIntProperty(raw_key, value, 1));
      p["desireTaskConcurrentNum"] = std::to_string(v);
    } else if (key == "max_batch_interval") {
      // StarRocks asks for >= 5 s; Basalt's commit path is cheap enough for 1 s.
      ASSIGN_OR_RETURN(int64_t v, ParseIntProperty(raw_key, value, 1));
      p["maxBatchIntervalS"] = std::to_string(v);
    } else if (key == "max_batch_interval_ms") {
      // Basalt's own: sub-second scheduling for fresh data (the commit path takes tens of ms).
      ASSIGN_OR_RETURN(int64_t v, ParseIntProperty(raw_key, value, 50));
      p["maxBatchIntervalMs"] = std::to_string(v);
    } else if (key == "max_batch_rows") {
      ASSIGN_OR_RETURN(int64_t v, ParseIntProperty(raw_key, value, 200000));
      p["maxBatchRows"] = std::to_string(v);
    } else if (key == "max_batch_size") {
      RETURN_IF_ERROR(ParseIntProperty(raw_key, value, 1).status());  // accepted, ignored (deprecated)
    } else if (key == "max_error_number") {
      ASSIGN_OR_RETURN(int64_t v, ParseIntProperty(raw_key, value, 0));
      p["maxErrorNum"] = std::to_string(v);
    } else if (key == "max_filter_ratio") {
      double ratio = 0;
      if (!ParseDouble(Trim(value), &ratio) || ratio < 0 || ratio > 1) {
        return Invalid("max_filter_ratio should be between 0 and 1, got '" + value + "'");
      }
      p["maxFilterRatio"] = value.find('.') == std::string::npos ? value + ".0" : value;
    } else if (key == "timezone" || key == "time_zone") {
      // Standardized like StarRocks ("+8:00" -> "+08:00"); 1298 for an unknown zone.
      ASSIGN_OR_RETURN(p["timezone"], StandardizeTimeZone(value));
    } else if (key == "task_consume_second") {
      ASSIGN_OR_RETURN(consume, ParseIntProperty(raw_key, value, 1));
    } else if (key == "task_timeout_second") {
      ASSIGN_OR_RETURN(timeout, ParseIntProperty(raw_key, value, 1));
    } else if (key == "log_rejected_record_num") {
      ASSIGN_OR_RETURN(int64_t v, ParseIntProperty(raw_key, value, -1));
      p["log_rejected_record_num"] = std::to_string(v);
    } else if (key == "partial_update_mode") {
      // Shown as "null" by StarRocks whatever was set; the job loads in row mode.
    } else if (key == "enclose" || key == "escape") {
      // One byte (StarRocks keeps them as a Java byte); the CSV parser applies them.
      if (value.size() != 1) return Invalid(key + " must be a single byte, got '" + value + "'");
      p[key] = value;
    } else if (key == "merge_condition" || key == "warehouse") {
      p[key] = value;
    }
  }
  // task_consume_second / task_timeout_second default from each other (§3.1).
  if (consume && !timeout) timeout = *consume * 4;
  if (timeout && !consume) consume = std::max<int64_t>(1, *timeout / 4);
  if (consume) p["taskConsumeSecond"] = std::to_string(*consume);
  if (timeout) p["taskTimeoutSecond"] = std::to_string(*timeout);
  if (std::atoll(p["taskTimeoutSecond"].c_str()) <= std::atoll(p["taskConsumeSecond"].c_str())) {
    return Invalid("task_timeout_second (" + p["taskTimeoutSecond"] + ") must be greater than task_consume_second (" +
                   p["taskConsumeSecond"] + ")");
  }
  if (p["strict_mode"] == "true" && p["partial_update"] == "true") {
    return Invalid("partial_update and strict_mode cannot both be true");
  }
  return Status::OK();
}

Status ApplyLoadProperties(const sql::RoutineLoadStmt& stmt, const proto::TableMeta& table,
                           proto::RoutineLoadJobMeta* job) {
  if (stmt.column_separator) {
    if (stmt.column_separator->empty() || stmt.column_separator->size() > 50) {
      return Invalid("column separator must be 1 to 50 bytes");
    }
    job->set_column_separator(*stmt.column_separator);
  }
  if (stmt.row_delimiter) {
    if (stmt.row_delimiter->empty() || stmt.row_delimiter->size() > 50) return Invalid("row delimiter must be 1 to 50 bytes");
    job->set_row_delimiter(*stmt.row_delimiter);
  }
  if (stmt.columns) {
    job->clear_columns();
    job->clear_column_names();
    std::set<std::string> seen;
    for (const sql::LoadColumn& c : *stmt.columns) {
      // Derived items (`name = expr`) are kept as written; BindRoutineLoadExprs binds them (and
      // WHERE) once the whole definition is known.
      if (!seen.insert(Lower(c.name)).second) return Invalid("Duplicate column: " + c.name);
      job->add_columns(c.text);
      job->add_column_names(c.name);
    }
  }
  if (stmt.where) {
    if (Trim(stmt.where_text).empty()) return Invalid("WHERE needs a predicate");
    job->set_where_text(stmt.where_text);
  }
  if (stmt.partitions) {
    if (stmt.temporary_partitions) {
      return Status::Sql(sql_errors::kNotSupportedYet, "loading into temporary partitions is not supported yet");
    }
    job->clear_partitions();
    for (const std::string& name : *stmt.partitions) {
      bool found = false;
      for (const auto& p : table.partitions()) found = found || p.name() == name;
      if (!found) return Invalid("Unknown partition '" + name + "' in table '" + table.name() + "'");
      job->add_partitions(name);
    }
  }
  return Status::OK();
}

Status ApplySourceProperties(const std::vector<std::pair<std::string, std::string>>& properties, bool creating,
                             proto::RoutineLoadJobMeta* job) {
  std::optional<std::string> partitions_text, offsets_text;
  for (const auto& [raw_key, value] : properties) {
    std::string key = Lower(raw_key);
    if (key == "kafka_broker_list") {
      if (!creating) return Invalid("kafka_broker_list cannot be altered");
      std::string list;
      for (char c : value) {
        if (c != ' ') list += c;
      }
      if (!ValidBrokerList(list)) {
        return Invalid("kafka_broker_list format is invalid: '" + value + "' (expected host:port[,host:port...])");
      }
      job->set_brokers(list);
    } else if (key == "kafka_topic") {
      if (!creating) return Invalid("kafka_topic cannot be altered");
      if (Trim(value).empty()) return Invalid("kafka_topic is a required property");
      job->set_topic(std::string(Trim(value)));
    } else if (key == "kafka_partitions") {
      partitions_text = value;
    } else if (key == "kafka_offsets") {
      offsets_text = value;
    } else if (key.rfind("property.", 0) == 0 && key.size() > 9) {
      std::string name = raw_key.substr(9);
      if (name == "kafka_default_offsets") RETURN_IF_ERROR(ParseOffset("property.kafka_default_offsets", value).status());
      if (name == "group.id") job->set_group_id_generated(false);
      (*job->mutable_custom_properties())[name] = value;
    } else {
      return Invalid(raw_key + " is invalid kafka property");
    }
  }
  if (creating && job->brokers().empty()) return Invalid("kafka_broker_list is a required property");
  if (creating && job->topic().empty()) return Invalid("kafka_topic is a required property");
  if (offsets_text && !partitions_text) return Invalid("kafka_offsets must be given with kafka_partitions");
  if (partitions_text) {
    ASSIGN_OR_RETURN(std::vector<int32_t> partitions, ParsePartitionList(*partitions_text));
    std::vector<int64_t> offsets;
    if (offsets_text) {
      for (std::string_view part : Split(*offsets_text, ',')) {
        ASSIGN_OR_RETURN(int64_t offset, ParseOffset("kafka_offsets", part));
        offsets.push_back(offset);
      }
      if (offsets.size() != partitions.size()) return Invalid("Partitions number should be equals to offsets number");
    }
    int64_t default_offset = kOffsetEnd;
    if (auto it = job->custom_properties().find("kafka_default_offsets"); it != job->custom_properties().end()) {
      ASSIGN_OR_RETURN(default_offset, ParseOffset("property.kafka_default_offsets", it->second));
    }
    if (!creating) {
      // ALTER may only move partitions the job already consumes.
      for (int32_t p : partitions) {
        if (!job->next_offsets().count(p)) {
          return Invalid("kafka partition " + std::to_string(p) + " is not consumed by this job and cannot be altered");
        }
      }
    } else {
      job->set_partitions_explicit(true);
      job->clear_kafka_partitions();
      for (int32_t p : partitions) job->add_kafka_partitions(p);
      // next_offsets moves with every commit; SHOW CREATE ROUTINE LOAD prints what was written.
      job->clear_written_offsets();
      for (size_t i = 0; i < offsets.size(); ++i) (*job->mutable_written_offsets())[partitions[i]] = offsets[i];
    }
    for (size_t i = 0; i < partitions.size(); ++i) {
      if (creating || i < offsets.size()) {
        (*job->mutable_next_offsets())[partitions[i]] = i < offsets.size() ? offsets[i] : default_offset;
      }
    }
  }
  return Status::OK();
}

// {"k":"v",...} from ordered pairs; `quote_values` = false for numbers.
std::string JsonObject(const std::vector<std::pair<std::string, std::string>>& fields, bool quote_values) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : fields) {
    if (!first) out += ',';
    first = false;
    out += JsonQuote(k);
    out += ':';
    out += quote_values ? JsonQuote(v) : v;
  }
  out += '}';
  return out;
}

// Custom properties whose values are never shown (StarRocks masks keys naming a password or a
// secret, e.g. sasl.password, ssl.key.password).
bool IsSecretProperty(const std::string& key) {
  std::string lower = Lower(key);
  return lower.find("password") != std::string::npos || lower.find("secret") != std::string::npos;
}

std::string OffsetText(int64_t offset) {
  return offset == kOffsetBeginning ? "OFFSET_BEGINNING" : offset == kOffsetEnd ? "OFFSET_END" : std::to_string(offset);
}

std::string Prop(const proto::RoutineLoadJobMeta& job, const std::string& key, const std::string& fallback = "") {
  auto it = job.properties().find(key);
  return it == job.properties().end() ? fallback : it->second;
}

}  // namespace

int64_t DefaultKafkaOffset(const proto::RoutineLoadJobMeta& job) {
  auto it = job.custom_properties().find("kafka_default_offsets");
  if (it == job.custom_properties().end()) return kOffsetEnd;
  Result<int64_t> offset = ParseOffset("property.kafka_default_offsets", it->second);
  return offset.ok() ? *offset : kOffsetEnd;
}

Result<std::vector<std::string>> ParseJsonStringArray(std::string_view text) {
  return ParseJsonStringArrayImpl(text);
}

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string FormatDateTimeMillis(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

Result<proto::RoutineLoadJobMeta> BuildRoutineLoadJob(const sql::RoutineLoadStmt& stmt, const proto::DatabaseMeta& db,
                                                      const proto::TableMeta& table,
                                                      const RoutineLoadDefaults& defaults) {
  if (stmt.source_type != "KAFKA") {
    return Status::Sql(sql_errors::kNotSupportedYet, "routine load from " + stmt.source_type + " is not supported (only KAFKA)");
  }
  proto::RoutineLoadJobMeta job;
  job.set_name(stmt.job.table);
  job.set_db(db.name());
  job.set_db_id(db.id());
  job.set_table(table.name());
  job.set_table_id(table.id());
  job.set_state("NEED_SCHEDULE");
  job.set_pause_time_ms(-1);
  job.set_end_time_ms(-1);
  auto& p = *job.mutable_properties();
  p["format"] = "csv";
  p["jsonpaths"] = "";
  p["json_root"] = "";
  p["strip_outer_array"] = "false";
  p["desireTaskConcurrentNum"] = std::to_string(defaults.max_concurrent);
  p["maxBatchIntervalS"] = "10";
  p["maxBatchRows"] = "200000";
  p["maxErrorNum"] = "0";
  p["maxFilterRatio"] = "1.0";
  p["strict_mode"] = "false";
  ASSIGN_OR_RETURN(p["timezone"], StandardizeTimeZone(defaults.timezone));
  p["taskConsumeSecond"] = std::to_string(defaults.consume_second);
  p["taskTimeoutSecond"] = std::to_string(defaults.timeout_second);
  p["log_rejected_record_num"] = "0";
  p["partial_update"] = "false";
  RETURN_IF_ERROR(ApplyLoadProperties(stmt, table, &job));
  RETURN_IF_ERROR(ApplyJobProperties(stmt.properties, /*altering=*/false, &job));
  if (p["partial_update"] == "true" && table.keys_type() != "PRI_KEYS") {
    return Invalid("partial_update is only supported for PRIMARY KEY tables");
  }
  if (p["format"] == "csv" && !p["jsonpaths"].empty()) return Invalid("jsonpaths is only valid with format json");
  RETURN_IF_ERROR(ApplySourceProperties(stmt.source_properties, /*creating=*/true, &job));
  auto& custom = *job.mutable_custom_properties();
  if (!custom.count("group.id")) {
    custom["group.id"] = job.name() + "_" + NewUuid();
    job.set_group_id_generated(true);  // SHOW CREATE ROUTINE LOAD leaves it out, as StarRocks does.
  }
  job.mutable_statistics()->set_task_execute_ms(1);  // StarRocks starts the counter at 1.
  return job;
}

Status AlterRoutineLoadJob(const sql::RoutineLoadStmt& stmt, const proto::TableMeta& table,
                           proto::RoutineLoadJobMeta* job) {
  if (job->state() != "PAUSED") {
    return Invalid("Only paused routine load job could be modified; job " + job->name() + " is " + job->state());
  }
  proto::RoutineLoadJobMeta altered = *job;
  RETURN_IF_ERROR(ApplyLoadProperties(stmt, table, &altered));
  RETURN_IF_ERROR(ApplyJobProperties(stmt.properties, /*altering=*/true, &altered));
  if (!stmt.source_type.empty()) {
    if (stmt.source_type != "KAFKA") return Invalid("data source type " + stmt.source_type + " does not match KAFKA");
    RETURN_IF_ERROR(ApplySourceProperties(stmt.source_properties, /*creating=*/false, &altered));
  }
  *job = std::move(altered);
  return Status::OK();
}

Status BindRoutineLoadExprs(const proto::TableMeta& table, const LoadExprBinder& bind, proto::RoutineLoadJobMeta* job) {
  job->clear_load_columns();
  job->clear_where();
  job->set_bound_schema_version(table.schema_version());
  if (job->columns_size() == 0 && job->where_text().empty()) return Status::OK();
  // The items and the predicate are journaled as text (SHOW prints them as written); parsing
  // them back as one load-property list gives both ASTs whichever of them an ALTER replaced.
  std::string sql = "ALTER ROUTINE LOAD FOR j";
  if (job->columns_size() > 0) {
    sql += " COLUMNS (";
    for (int i = 0; i < job->columns_size(); ++i) sql += (i ? ", " : "") + job->columns(i);
    sql += ")";
  }
  if (!job->where_text().empty()) sql += std::string(job->columns_size() > 0 ? "," : "") + " WHERE " + job->where_text();
  ASSIGN_OR_RETURN(std::unique_ptr<sql::Statement> parsed, sql::ParseStatement(sql));
  if (!parsed->routine_load) return Status::Internal("re-parsed load properties are not a routine load");
  const sql::RoutineLoadStmt& rl = *parsed->routine_load;
  bool derived = false;
  if (rl.columns) {
    for (const sql::LoadColumn& c : *rl.columns) derived = derived || c.expr != nullptr;
  }
  if (!derived && !rl.where) return Status::OK();

  // Types exactly as the CN derives them from the storage schema it is sent (the decoder checks
  // every column reference against them).
  const proto::TableSchemaPB schema = StorageSchemaOf(table);
  auto table_type = [&](const std::string& name) -> Result<std::optional<DataType>> {
    for (const proto::ColumnSchemaPB& c : schema.columns()) {
      if (!EqualsIgnoreCase(c.name(), name)) continue;
      ASSIGN_OR_RETURN(DataType type, DataTypeFromSchemaPB(c));
      return std::optional<DataType>(type);
    }
    return std::optional<DataType>();
  };
  std::vector<LoadExprColumn> scope;
  auto add_source = [&](const std::string& name) -> Status {
    ASSIGN_OR_RETURN(std::optional<DataType> type, table_type(name));
    scope.push_back({name, type ? *type : DataType::Varchar()});
    job->add_load_columns()->set_name(name);
    return Status::OK();
  };
  if (rl.columns) {
    for (const sql::LoadColumn& c : *rl.columns) {
      if (!c.expr) RETURN_IF_ERROR(add_source(c.name));
    }
  } else {
    // No COLUMNS: the source fields are the table's columns, as the plain path maps them.
    size_t count = static_cast<size_t>(table.columns_size());
    if (Prop(*job, "format") == "json" && !Trim(Prop(*job, "jsonpaths")).empty()) {
      ASSIGN_OR_RETURN(std::vector<std::string> paths, ParseJsonStringArray(Prop(*job, "jsonpaths")));
      count = std::min(count, paths.size());
    }
    for (size_t i = 0; i < count; ++i) RETURN_IF_ERROR(add_source(table.columns(static_cast<int>(i)).name()));
  }
  if (rl.columns) {
    for (const sql::LoadColumn& c : *rl.columns) {
      if (!c.expr) continue;
      ASSIGN_OR_RETURN(ExprPtr expr, bind(*c.expr, scope));
      ASSIGN_OR_RETURN(proto::ExprPB pb, ExprToPB(*expr));
      proto::LoadColumnPB* item = job->add_load_columns();
      item->set_name(c.name);
      *item->mutable_expr() = std::move(pb);
      scope.push_back({c.name, expr->type()});
    }
  }
  if (rl.where) {
    ASSIGN_OR_RETURN(ExprPtr where, bind(*rl.where, scope));
    const DataType& type = where->type();
    if (!(type.id == TypeId::kNull || type.IsNumeric())) {
      return Invalid("WHERE predicate must be a boolean expression, but '" + job->where_text() + "' is " +
                     type.ToSql());
    }
    ASSIGN_OR_RETURN(*job->mutable_where(), ExprToPB(*where));
  }
  return Status::OK();
}

const std::vector<std::string>& ShowRoutineLoadColumns() {
  static const std::vector<std::string> columns = {
      "Id",           "Name",           "CreateTime",           "PauseTime",        "EndTime",
      "DbName",       "TableName",      "State",                "DataSourceType",   "CurrentTaskNum",
      "JobProperties", "DataSourceProperties", "CustomProperties", "Statistic",     "Progress",
      "TimestampProgress", "ReasonOfStateChanged", "ErrorLogUrls", "TrackingSQL",   "OtherMsg",
      "LatestSourcePosition"};
  return columns;
}

std::string RoutineLoadJobPropertiesJson(const proto::RoutineLoadJobMeta& job, int current_concurrency) {
  bool json = Prop(job, "format") == "json";
  std::string partitions = "*";
  if (job.partitions_size() > 0) {
    partitions.clear();
    for (int i = 0; i < job.partitions_size(); ++i) partitions += (i ? "," : "") + job.partitions(i);
  }
  std::string columns = "*";
  if (job.columns_size() > 0) {
    columns.clear();
    for (int i = 0; i < job.columns_size(); ++i) columns += (i ? "," : "") + job.columns(i);
  }
  std::string where = job.where_text().empty() ? "*" : job.where_text();
  std::vector<std::pair<std::string, std::string>> f;
  f.emplace_back("partitions", partitions);
  if (!json) f.emplace_back("rowDelimiter", "'" + (job.row_delimiter().empty() ? std::string("\n") : job.row_delimiter()) + "'");
  f.emplace_back("partial_update", Prop(job, "partial_update", "false"));
  f.emplace_back("columnToColumnExpr", columns);
  f.emplace_back("maxBatchIntervalS", Prop(job, "maxBatchIntervalS"));
  f.emplace_back("partial_update_mode", "null");
  f.emplace_back("whereExpr", where);
  if (json) f.emplace_back("dataFormat", "json");
  f.emplace_back("timezone", Prop(job, "timezone"));
  f.emplace_back("format", Prop(job, "format"));
  if (!json) {
    f.emplace_back("columnSeparator",
                   "'" + (job.column_separator().empty() ? std::string("\t") : job.column_separator()) + "'");
  }
  f.emplace_back("log_rejected_record_num", Prop(job, "log_rejected_record_num", "0"));
  f.emplace_back("taskTimeoutSecond", Prop(job, "taskTimeoutSecond"));
  f.emplace_back("json_root", Prop(job, "json_root"));
  f.emplace_back("maxFilterRatio", Prop(job, "maxFilterRatio", "1.0"));
  f.emplace_back("strict_mode", Prop(job, "strict_mode", "false"));
  f.emplace_back("jsonpaths", Prop(job, "jsonpaths"));
  f.emplace_back("taskConsumeSecond", Prop(job, "taskConsumeSecond"));
  f.emplace_back("desireTaskConcurrentNum", Prop(job, "desireTaskConcurrentNum"));
  f.emplace_back("maxErrorNum", Prop(job, "maxErrorNum", "0"));
  f.emplace_back("strip_outer_array", Prop(job, "strip_outer_array", "false"));
  f.emplace_back("currentTaskConcurrentNum", std::to_string(current_concurrency));
  f.emplace_back("maxBatchRows", Prop(job, "maxBatchRows"));
  // Basalt's sub-second interval, only when set, so StarRocks jobs print exactly as StarRocks does.
  if (!Prop(job, "maxBatchIntervalMs").empty()) f.emplace_back("maxBatchIntervalMs", Prop(job, "maxBatchIntervalMs"));
  // Newer StarRocks properties, only when set, so jobs without them print byte-identically with the
  // seed. enclose / escape show their byte value, as StarRocks keeps them (a Java byte).
  if (!Prop(job, "trim_space").empty()) f.emplace_back("trim_space", Prop(job, "trim_space"));
  for (const char* key : {"enclose", "escape"}) {
    std::string v = Prop(job, key);
    if (!v.empty()) f.emplace_back(key, std::to_string(static_cast<int>(static_cast<signed char>(v[0]))));
  }
  if (!Prop(job, "pause_on_fatal_parse_error").empty()) {
    f.emplace_back("pause_on_fatal_parse_error", Prop(job, "pause_on_fatal_parse_error"));
  }
  return JsonObject(f, /*quote_values=*/true);
}

std::string RoutineLoadStatisticJson(const proto::RoutineLoadStatisticsPB& s) {
  int64_t execute_ms = std::max<int64_t>(1, s.task_execute_ms());
  // StarRocks divides first (integer division), so small loads show rates of 0.
  int64_t bytes_rate = s.received_bytes() / execute_ms * 1000;
  int64_t rows_rate = s.loaded_rows() / execute_ms * 1000;
  return JsonObject({{"receivedBytes", std::to_string(s.received_bytes())},
                     {"errorRows", std::to_string(s.error_rows())},
                     {"committedTaskNum", std::to_string(s.committed_task_num())},
                     {"loadedRows", std::to_string(s.loaded_rows())},
                     {"loadRowsRate", std::to_string(rows_rate)},
                     {"abortedTaskNum", std::to_string(s.aborted_task_num())},
                     {"totalRows", std::to_string(s.total_rows())},
                     {"unselectedRows", std::to_string(s.unselected_rows())},
                     {"receivedBytesRate", std::to_string(bytes_rate)},
                     {"taskExecuteTimeMs", std::to_string(execute_ms)}},
                    /*quote_values=*/false);
}

std::string RoutineLoadProgressJson(const proto::RoutineLoadJobMeta& job) {
  std::vector<std::pair<std::string, std::string>> f;
  std::vector<int32_t> partitions(job.kafka_partitions().begin(), job.kafka_partitions().end());
  for (const auto& [p, offset] : job.next_offsets()) {
    if (std::find(partitions.begin(), partitions.end(), p) == partitions.end()) partitions.push_back(p);
  }
  std::sort(partitions.begin(), partitions.end());
  for (int32_t p : partitions) {
    auto it = job.next_offsets().find(p);
    int64_t next = it == job.next_offsets().end() ? kOffsetEnd : it->second;
    std::string shown = next == kOffsetBeginning ? "OFFSET_BEGINNING"
                        : next == kOffsetEnd     ? "OFFSET_END"
                        : next == 0              ? "OFFSET_ZERO"
                                                 : std::to_string(next - 1);
    f.emplace_back(std::to_string(p), shown);
  }
  return JsonObject(f, /*quote_values=*/true);
}

std::string ErrorReasonText(const proto::ErrorReasonPB& reason) {
  if (reason.code() == 0) return "";
  return "ErrorReason{errCode = " + std::to_string(reason.code()) + ", msg='" + reason.msg() + "'}";
}

std::vector<std::optional<std::string>> ShowRoutineLoadRow(const proto::RoutineLoadJobMeta& job,
                                                           const RoutineLoadRuntime& runtime) {
  auto time_or_null = [](int64_t ms) -> std::optional<std::string> {
    if (ms <= 0) return std::nullopt;
    return FormatDateTimeMillis(ms);
  };
  std::string partitions;
  for (int i = 0; i < job.kafka_partitions_size(); ++i) {
    partitions += (i ? "," : "") + std::to_string(job.kafka_partitions(i));
  }
  std::string data_source = JsonObject(
      {{"topic", job.topic()}, {"currentKafkaPartitions", partitions}, {"brokerList", job.brokers()}}, true);
  std::vector<std::pair<std::string, std::string>> custom;
  // Protobuf maps iterate in no particular order; show keys sorted so output is stable.
  std::map<std::string, std::string> sorted_custom(job.custom_properties().begin(), job.custom_properties().end());
  for (const auto& [k, v] : sorted_custom) custom.emplace_back(k, IsSecretProperty(k) ? "******" : v);
  std::vector<std::pair<std::string, std::string>> timestamps;
  std::map<int32_t, int64_t> sorted_ts(job.timestamp_progress().begin(), job.timestamp_progress().end());
  for (const auto& [p, ts] : sorted_ts) timestamps.emplace_back(std::to_string(p), std::to_string(ts));
  std::vector<std::pair<std::string, std::string>> latest;
  for (const auto& [p, hwm] : runtime.latest_positions) latest.emplace_back(std::to_string(p), std::to_string(hwm));
  std::string urls;
  for (int i = 0; i < job.error_log_urls_size(); ++i) urls += (i ? ", " : "") + job.error_log_urls(i);
  std::string tracking =
      urls.empty() ? "" : "select tracking_log from information_schema.load_tracking_logs where job_id=" + std::to_string(job.id());
  bool shows_reason = job.state() == "PAUSED" || job.state() == "CANCELLED";
  bool unstable = job.state() == "RUNNING" && runtime.unstable.has_value();
  std::string reason = shows_reason ? ErrorReasonText(job.reason())
                       : unstable   ? ErrorReasonText(*runtime.unstable)
                                    : std::string();
  return {std::to_string(job.id()),
          job.name(),
          time_or_null(job.create_time_ms()),
          time_or_null(job.pause_time_ms()),
          time_or_null(job.end_time_ms()),
          job.db(),
          job.table(),
          unstable ? std::string("UNSTABLE") : job.state(),
          std::string("KAFKA"),
          std::to_string(runtime.current_task_num),
          RoutineLoadJobPropertiesJson(job, runtime.current_concurrency),
          data_source,
          JsonObject(custom, true),
          RoutineLoadStatisticJson(job.statistics()),
          RoutineLoadProgressJson(job),
          JsonObject(timestamps, true),
          reason,
          urls,
          tracking,
          runtime.other_msg,
          JsonObject(latest, true)};
}

std::string ShowCreateRoutineLoadText(const proto::RoutineLoadJobMeta& job) {
  std::string sql = "CREATE ROUTINE LOAD " + SqlIdentifier(job.db()) + "." + SqlIdentifier(job.name()) + " ON " +
                    SqlIdentifier(job.table());
  // Load properties, only those written (the stored fields are empty otherwise), comma separated.
  std::vector<std::string> load;
  if (!job.column_separator().empty()) load.push_back("COLUMNS TERMINATED BY " + SqlStringLiteral(job.column_separator()));
  if (!job.row_delimiter().empty()) load.push_back("ROWS TERMINATED BY " + SqlStringLiteral(job.row_delimiter()));
  if (job.columns_size() > 0) {
    std::string columns = "COLUMNS (";
    for (int i = 0; i < job.columns_size(); ++i) columns += (i ? ", " : "") + job.columns(i);
    load.push_back(columns + ")");
  }
  if (!job.where_text().empty()) load.push_back("WHERE " + job.where_text());
  if (job.partitions_size() > 0) {
    std::string partitions = "PARTITION (";
    for (int i = 0; i < job.partitions_size(); ++i) partitions += (i ? ", " : "") + SqlIdentifier(job.partitions(i));
    load.push_back(partitions + ")");
  }
  for (size_t i = 0; i < load.size(); ++i) sql += "\n" + load[i] + (i + 1 < load.size() ? "," : "");

  // Job properties under the names CREATE takes, in StarRocks' jobPropertiesToSql order. The ones
  // Basalt stores only when written (and shows only when set) are printed only when set, so the
  // statement recreates exactly this job's properties.
  std::vector<std::pair<std::string, std::string>> props = {
      {"desired_concurrent_number", Prop(job, "desireTaskConcurrentNum")},
      {"max_error_number", Prop(job, "maxErrorNum", "0")},
      {"max_filter_ratio", Prop(job, "maxFilterRatio", "1.0")},
      {"max_batch_interval", Prop(job, "maxBatchIntervalS")},
  };
  if (!Prop(job, "maxBatchIntervalMs").empty()) {
    props.emplace_back("max_batch_interval_ms", Prop(job, "maxBatchIntervalMs"));
  }
  props.insert(props.end(), {
                                {"max_batch_rows", Prop(job, "maxBatchRows")},
                                {"task_consume_second", Prop(job, "taskConsumeSecond")},
                                {"task_timeout_second", Prop(job, "taskTimeoutSecond")},
                                {"format", Prop(job, "format")},
                                {"jsonpaths", Prop(job, "jsonpaths")},
                                {"strip_outer_array", Prop(job, "strip_outer_array", "false")},
                                {"json_root", Prop(job, "json_root")},
                                {"strict_mode", Prop(job, "strict_mode", "false")},
                            });
  if (!Prop(job, "pause_on_fatal_parse_error").empty()) {
    props.emplace_back("pause_on_fatal_parse_error", Prop(job, "pause_on_fatal_parse_error"));
  }
  props.emplace_back("timezone", Prop(job, "timezone"));
  props.emplace_back("partial_update", Prop(job, "partial_update", "false"));
  for (const char* key : {"merge_condition", "trim_space", "enclose", "escape"}) {
    if (!Prop(job, key).empty()) props.emplace_back(key, Prop(job, key));
  }
  props.emplace_back("log_rejected_record_num", Prop(job, "log_rejected_record_num", "0"));
  if (!Prop(job, "warehouse").empty()) props.emplace_back("warehouse", Prop(job, "warehouse"));
  auto block = [](const std::vector<std::pair<std::string, std::string>>& kv) {
    std::string out = "(\n";
    for (size_t i = 0; i < kv.size(); ++i) {
      out += SqlStringLiteral(kv[i].first) + " = " + SqlStringLiteral(kv[i].second) + (i + 1 < kv.size() ? ",\n" : "\n");
    }
    return out + ")";
  };
  sql += "\nPROPERTIES\n" + block(props);

  // Data source. kafka_partitions / kafka_offsets as written: a job that discovers its partitions
  // is recreated discovering them (StarRocks pins the current list here, which would turn
  // discovery off), and offsets as written rather than the progress, so the statement recreates
  // the definition, not a continuation (ALTER ... FROM KAFKA moves the offsets of a copy).
  std::vector<std::pair<std::string, std::string>> source = {{"kafka_broker_list", job.brokers()},
                                                             {"kafka_topic", job.topic()}};
  if (job.partitions_explicit()) {
    std::string partitions, offsets;
    bool all_offsets = true;
    for (int i = 0; i < job.kafka_partitions_size(); ++i) {
      int32_t p = job.kafka_partitions(i);
      partitions += (i ? "," : "") + std::to_string(p);
      auto written = job.written_offsets().find(p);
      all_offsets = all_offsets && written != job.written_offsets().end();
      if (written != job.written_offsets().end()) offsets += (i ? "," : "") + OffsetText(written->second);
    }
    source.emplace_back("kafka_partitions", partitions);
    if (all_offsets && !job.written_offsets().empty()) source.emplace_back("kafka_offsets", offsets);
  }
  std::map<std::string, std::string> custom(job.custom_properties().begin(), job.custom_properties().end());
  for (const auto& [k, v] : custom) {
    // The group.id Basalt made up at CREATE would tie a copy to this job's consumer group.
    if (k == "group.id" && job.group_id_generated()) continue;
    source.emplace_back("property." + k, IsSecretProperty(k) ? "******" : v);
  }
  sql += "\nFROM KAFKA\n" + block(source) + ";";
  return sql;
}

const std::vector<std::string>& RoutineLoadJobsTableColumns() {
  static const std::vector<std::string> columns = {
      "ID",           "NAME",           "CREATE_TIME",          "PAUSE_TIME",        "END_TIME",
      "DB_NAME",      "TABLE_NAME",     "STATE",                "DATA_SOURCE_TYPE",  "CURRENT_TASK_NUM",
      "JOB_PROPERTIES", "DATA_SOURCE_PROPERTIES", "CUSTOM_PROPERTIES", "STATISTICS", "PROGRESS",
      "REASONS_OF_STATE_CHANGED", "ERROR_LOG_URLS", "TRACKING_SQL", "OTHER_MSG", "LATEST_SOURCE_POSITION",
      "OFFSET_LAG",   "TIMESTAMP_PROGRESS"};
  return columns;
}

std::vector<std::optional<std::string>> RoutineLoadJobsTableRow(const proto::RoutineLoadJobMeta& job,
                                                                const RoutineLoadRuntime& runtime) {
  // The SHOW row is the one rendering of a job; this table only renames and reorders its cells.
  std::vector<std::optional<std::string>> show = ShowRoutineLoadRow(job, runtime);
  const std::vector<std::string>& names = ShowRoutineLoadColumns();
  auto cell = [&](std::string_view name) -> std::optional<std::string> {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return show[i];
    }
    return std::nullopt;  // Unreachable: every name below is a SHOW column.
  };
  return {cell("Id"),           cell("Name"),          cell("CreateTime"),   cell("PauseTime"),
          cell("EndTime"),      cell("DbName"),        cell("TableName"),    cell("State"),
          cell("DataSourceType"), cell("CurrentTaskNum"), cell("JobProperties"), cell("DataSourceProperties"),
          cell("CustomProperties"), cell("Statistic"), cell("Progress"),     cell("ReasonOfStateChanged"),
          cell("ErrorLogUrls"), cell("TrackingSQL"),   cell("OtherMsg"),     cell("LatestSourcePosition"),
          RoutineLoadOffsetLagJson(job, runtime), cell("TimestampProgress")};
}

std::string RoutineLoadTrackingLog(const proto::RoutineLoadJobMeta& job, const ErrorLogFetcher& fetch,
                                   size_t max_bytes) {
  std::string out;
  for (const std::string& url : job.error_log_urls()) {
    if (out.size() >= max_bytes) break;
    Result<std::string> log = fetch(url);
    std::string text = log.ok() ? std::move(log).value() : "cannot read " + url + ": " + log.status().message();
    if (!text.empty() && text.back() != '\n') text += '\n';
    out += text;
  }
  if (out.size() > max_bytes) {
    // Cut at a line end when there is one, so no half row is shown.
    size_t cut = out.rfind('\n', max_bytes);
    out.resize(cut == std::string::npos ? max_bytes : cut + 1);
    out += "... (tracking log cut at " + std::to_string(max_bytes) + " bytes; the ErrorLogUrls have all of it)\n";
  }
  return out;
}

std::string RoutineLoadOffsetLagJson(const proto::RoutineLoadJobMeta& job, const RoutineLoadRuntime& runtime) {
  std::vector<std::pair<std::string, std::string>> lags;
  for (const auto& [p, hwm] : runtime.latest_positions) {
    auto next = job.next_offsets().find(p);
    if (next == job.next_offsets().end() || next->second < 0 || hwm < 0) continue;
    lags.emplace_back(std::to_string(p), std::to_string(std::max<int64_t>(0, hwm - next->second)));
  }
  return JsonObject(lags, /*quote_values=*/true);
}

std::optional<proto::ErrorReasonPB> UnstableReason(const std::map<int32_t, int64_t>& timestamp_progress,
                                                   int64_t now_ms, int64_t threshold_s) {
  for (const auto& [partition, ts] : timestamp_progress) {
    if (ts < 0) continue;
    int64_t lag_s = (now_ms - ts) / 1000;
    if (lag_s > threshold_s) {
      proto::ErrorReasonPB reason;
      reason.set_code(kErrSlowRunning);
      reason.set_msg("The lag [" + std::to_string(lag_s) + "] of partition [" + std::to_string(partition) +
                     "] exceeds Config.routine_load_unstable_threshold_second [" + std::to_string(threshold_s) + "]");
      return reason;
    }
  }
  return std::nullopt;
}

std::optional<proto::ErrorReasonPB> FilterRatioPauseReason(const proto::RoutineLoadJobMeta& job, int64_t total_rows,
                                                           int64_t error_rows, int64_t unselected_rows) {
  double max_ratio = 1.0;
  std::string max_text = Prop(job, "maxFilterRatio", "1.0");
  if (!ParseDouble(max_text, &max_ratio) || max_ratio >= 1.0) return std::nullopt;
  int64_t selected = total_rows - unselected_rows;
  if (selected <= 0 || error_rows <= 0) return std::nullopt;
  double ratio = static_cast<double>(error_rows) / static_cast<double>(selected);
  if (ratio <= max_ratio) return std::nullopt;
  char ratio_text[32];
  std::snprintf(ratio_text, sizeof(ratio_text), "%.4g", ratio);
  proto::ErrorReasonPB reason;
  reason.set_code(kErrTooManyFailureRows);
  // StarRocks' text (ERR_TOO_MANY_ERROR_ROWS around the BE's "too many filtered rows"), with the
  // numbers that decided it.
  reason.set_msg("too many filtered rows: " + std::to_string(error_rows) + " of " + std::to_string(selected) +
                 " rows filtered (ratio " + ratio_text + " > max_filter_ratio " + max_text +
                 "). Check the 'TrackingSQL' field for detailed information. If you are sure that the data has "
                 "many errors, you can set 'max_filter_ratio' property to a greater value through ALTER ROUTINE "
                 "LOAD and RESUME the job");
  return reason;
}

bool ShouldAutoResume(const proto::RoutineLoadJobMeta& job, int64_t dead_nodes, int64_t now_ms,
                      const AutoResumePolicy& policy, AutoResumeState* state) {
  if (job.state() != "PAUSED" || job.reason().code() != kErrReplicaFew) return false;
  if (state->locked) return false;
  // With too many nodes down a resumed job would only pause again; wait for them instead.
  if (dead_nodes > policy.max_dead_nodes) return false;
  if (state->window_start_ms == 0 || now_ms - state->window_start_ms >= policy.period_min * 60 * 1000) {
    state->window_start_ms = now_ms;
    state->resumes = 1;
    return true;
  }
  if (state->resumes >= policy.max_resumes) {
    // Paused again and again within one window: the error is not transient; leave it to a human.
    state->locked = true;
    return false;
  }
  ++state->resumes;
  return true;
}

int RoutineLoadConcurrency(size_t partitions, int64_t desired, int64_t alive_nodes, int64_t max_concurrent) {
  int64_t n = std::min({static_cast<int64_t>(partitions), desired, alive_nodes, max_concurrent});
  return static_cast<int>(std::max<int64_t>(0, n));
}

std::vector<std::vector<int32_t>> DividePartitions(const std::vector<int32_t>& partitions, int n) {
  std::vector<std::vector<int32_t>> tasks(static_cast<size_t>(std::max(0, n)));
  if (n <= 0) return tasks;
  for (size_t i = 0; i < partitions.size(); ++i) tasks[i % static_cast<size_t>(n)].push_back(partitions[i]);
  return tasks;
}

}  // namespace basalt::fe
