#include "cn/ingest/row_parser.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <span>

#include "cn/storage/tablet_schema.h"
#include "common/string_util.h"
#include "engine/expr_codec.h"
#include "engine/functions.h"

namespace basalt::cn {
namespace {

namespace od = simdjson::ondemand;

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// ASCII case-insensitive equality with an exact-match fast path: event keys usually match the
// column names exactly, and std::tolower per byte (EqualsIgnoreCase) dominated simple mode.
bool KeyEqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (std::memcmp(a.data(), b.data(), a.size()) == 0) return true;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x += 'a' - 'A';
    if (y >= 'A' && y <= 'Z') y += 'a' - 'A';
    if (x != y) return false;
  }
  return true;
}

// Whether `name` can be compared with a key as it stands in the document (still escaped): with no
// quote or backslash in it, equal bytes followed by the closing quote can only be that key.
bool IsPlainKey(std::string_view name) {
  return name.find('"') == std::string_view::npos && name.find('\\') == std::string_view::npos;
}

// `raw` points just past a key's opening quote. The comparison stops at the first difference, and
// the key's closing quote differs from every byte of a plain name, so nothing past the key is read
// (a memcmp of name.size() bytes could run off the end of a short document).
inline bool RawKeyEquals(const char* raw, std::string_view name) {
  for (size_t i = 0; i < name.size(); ++i) {
    if (raw[i] != name[i]) return false;
  }
  return raw[name.size()] == '"';
}

// Whether a message is nothing but JSON whitespace (such a message is rejected as empty).
inline bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

std::string Truncated(std::string_view s, size_t n) {
  if (s.size() <= n) return std::string(s);
  return std::string(s.substr(0, n));
}

std::string ShortText(std::string_view text) { return Truncated(text, 100); }

// A row of the evaluation chunk (source and derived columns) for the error log, "name=value, ...",
// truncated like a raw message.
std::string FormatSourceRow(const std::vector<std::string>& names, const Chunk& chunk, size_t row) {
  std::string out;
  for (size_t c = 0; c < chunk.columns.size() && c < names.size(); ++c) {
    if (c > 0) out += ", ";
    out += names[c];
    out += '=';
    out += chunk.columns[c]->IsNull(row) ? "NULL" : chunk.columns[c]->FormatRow(row);
    if (out.size() > kMaxRejectedRawBytes) break;
  }
  return Truncated(out, kMaxRejectedRawBytes);
}

// CSV separators as users write them in CREATE ROUTINE LOAD: "\t", "\n" and "\xHH" escapes are
// accepted besides the literal bytes (StarRocks takes the hex form for invisible separators).
std::string UnescapeSeparator(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char c = s[i + 1];
      if (c == 't') { out += '\t'; ++i; continue; }
      if (c == 'n') { out += '\n'; ++i; continue; }
      if ((c == 'x' || c == 'X') && i + 3 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 2])) &&
          std::isxdigit(static_cast<unsigned char>(s[i + 3]))) {
        out += static_cast<char>(std::stoi(std::string(s.substr(i + 2, 2)), nullptr, 16));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// One step of a JsonPath: a key or an array index.
struct PathStep {
  bool is_index = false;
  std::string key;
  int64_t index = 0;
};

// "$", "$.a", "$.a.b", "$['a']", "$[\"a\"]", "$.a[0]" and combinations. No wildcards, no filters.
Result<std::vector<PathStep>> ParseJsonPath(std::string_view path) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("invalid JSON path '" + std::string(path) + "': " + why);
  };
  std::string_view p = Trim(path);
  if (p.empty() || p[0] != '$') return bad("must start with '$'");
  std::vector<PathStep> steps;
  size_t i = 1;
  while (i < p.size()) {
    if (p[i] == '.') {
      size_t start = ++i;
      while (i < p.size() && p[i] != '.' && p[i] != '[') ++i;
      if (i == start) return bad("empty key");
      std::string key(p.substr(start, i - start));
      if (key == "*") return bad("wildcards are not supported");
      steps.push_back({false, std::move(key), 0});
    } else if (p[i] == '[') {
      ++i;
      if (i < p.size() && (p[i] == '\'' || p[i] == '"')) {
        char quote = p[i++];
        size_t end = p.find(quote, i);
        if (end == std::string_view::npos || end + 1 >= p.size() || p[end + 1] != ']') return bad("unterminated key");
        steps.push_back({false, std::string(p.substr(i, end - i)), 0});
        i = end + 2;
      } else {
        size_t end = p.find(']', i);
        if (end == std::string_view::npos) return bad("missing ']'");
        int64_t index = 0;
        std::string_view digits = p.substr(i, end - i);
        auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
        if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || index < 0) {
          return bad("array index must be a non-negative integer");
        }
        steps.push_back({true, "", index});
        i = end + 1;
      }
    } else {
      return bad("unexpected '" + std::string(1, p[i]) + "'");
    }
  }
  return steps;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Shared row building.

RowParser::~RowParser() = default;

Status RowParser::Init(const proto::RoutineLoadFormatPB& format, const proto::TableSchemaPB& schema,
                       RowParserOptions options) {
  format_ = format;
  strict_ = format.strict_mode();
  max_kept_rejected_ = options.max_kept_rejected;
  ASSIGN_OR_RETURN(std::vector<DataType> types, SchemaTypes(schema));
  for (int i = 0; i < schema.columns_size(); ++i) {
    const proto::ColumnSchemaPB& column = schema.columns(i);
    Target t;
    t.name = column.name();
    t.type = types[i];
    t.nullable = column.nullable();
    t.fill = Value::Null(t.type);
    if (column.has_default()) {
      auto fill = CastValue(Value::String(column.default_value()), t.type, /*strict=*/true);
      if (!fill.ok()) {
        return Status::InvalidArgument("default value of column '" + t.name + "' does not convert: " +
                                       fill.status().message());
      }
      t.fill = std::move(fill).value();
    }
    switch (t.type.id) {
      case TypeId::kBoolean: t.kind = Target::Kind::kInt; t.min = 0; t.max = 1; break;
      case TypeId::kTinyInt: t.kind = Target::Kind::kInt; t.min = INT8_MIN; t.max = INT8_MAX; break;
      case TypeId::kSmallInt: t.kind = Target::Kind::kInt; t.min = INT16_MIN; t.max = INT16_MAX; break;
      case TypeId::kInt: t.kind = Target::Kind::kInt; t.min = INT32_MIN; t.max = INT32_MAX; break;
      case TypeId::kBigInt: t.kind = Target::Kind::kInt; break;
      case TypeId::kFloat:
      case TypeId::kDouble: t.kind = Target::Kind::kDouble; break;
      case TypeId::kChar:
      case TypeId::kVarchar:
      case TypeId::kString:
      case TypeId::kBinary:
      case TypeId::kVarbinary: t.kind = Target::Kind::kString; break;
      case TypeId::kJson: t.kind = Target::Kind::kJson; break;
      default: t.kind = Target::Kind::kOther; break;  // DECIMAL, DATE, DATETIME, LARGEINT
    }
    targets_.push_back(std::move(t));
  }
  if (format.load_columns_size() > 0) RETURN_IF_ERROR(InitTransform(std::move(targets_)));
  slots_.resize(targets_.size());
  for (const Target& t : targets_) columns_.push_back(Column::Make(t.type));
  return Status::OK();
}

Status RowParser::InitTransform(std::vector<Target> table) {
  auto transform = std::make_unique<Transform>();
  auto find = [](const std::vector<Target>& targets, std::string_view name) -> int {
    for (size_t i = 0; i < targets.size(); ++i) {
      if (EqualsIgnoreCase(targets[i].name, name)) return static_cast<int>(i);
    }
    return -1;
  };
  // The parser proper fills the source columns; from here on they are its targets, mapped by the
  // plain-COLUMNS machinery (format_.columns = the source names).
  targets_.clear();
  format_.clear_columns();
  std::vector<DataType> input_types;
  for (const proto::LoadColumnPB& item : format_.load_columns()) {
    if (item.has_expr()) continue;
    int t = find(table, item.name());
    Target source;
    if (t >= 0) {
      source = table[t];  // Its type, range and default; NOT NULL is checked after WHERE.
      source.nullable = true;
    } else {
      source.type = DataType::Varchar();
      source.fill = Value::Null(source.type);
      source.kind = Target::Kind::kString;
    }
    source.name = item.name();
    input_types.push_back(source.type);
    transform->names.push_back(item.name());
    format_.add_columns(item.name());
    targets_.push_back(std::move(source));
  }
  transform->num_sources = targets_.size();
  // Time-zone-dependent functions (from_unixtime, now, ...) use the job's timezone, as StarRocks
  // evaluates a load's expressions in the load's time zone.
  FunctionContext context;
  if (!format_.timezone().empty()) {
    auto zone = TimeZone::Load(format_.timezone());
    if (!zone.ok()) return Status::InvalidArgument("timezone: " + zone.status().message());
    context.time_zone = std::move(zone).value();
  }
  for (const proto::LoadColumnPB& item : format_.load_columns()) {
    if (!item.has_expr()) continue;
    auto expr = ExprFromPB(item.expr(), input_types, context);
    if (!expr.ok()) {
      return Status::InvalidArgument("COLUMNS item '" + item.name() + "': " + expr.status().message());
    }
    input_types.push_back((*expr)->type());
    transform->names.push_back(item.name());
    transform->derived.push_back(std::move(expr).value());
  }
  if (format_.has_where()) {
    auto where = ExprFromPB(format_.where(), input_types, context);
    if (!where.ok()) return Status::InvalidArgument("WHERE: " + where.status().message());
    transform->where = std::move(where).value();
  }
  for (const Target& column : table) {
    // A derived column of the name wins over a source of the same name (the FE rejects both).
    int feed = -1;
    for (size_t i = 0; i < transform->names.size(); ++i) {
      if (EqualsIgnoreCase(transform->names[i], column.name)) feed = static_cast<int>(i);
    }
    transform->feed.push_back(feed);
  }
  transform->table = std::move(table);
  transform_ = std::move(transform);
  return Status::OK();
}

std::vector<ColumnPtr> RowParser::EvaluateRowByRow(const Chunk& sources, std::vector<std::string>* row_errors) {
  const Transform& tf = *transform_;
  std::vector<ColumnPtr> derived;
  for (const ExprPtr& e : tf.derived) derived.push_back(Column::Make(e->type(), sources.num_rows));
  for (size_t r = 0; r < sources.num_rows; ++r) {
    Chunk row = sources.Take({static_cast<uint32_t>(r)});
    size_t i = 0;
    for (; i < tf.derived.size(); ++i) {
      auto value = tf.derived[i]->Evaluate(row);
      if (!value.ok()) {
        (*row_errors)[r] = "column '" + tf.names[tf.num_sources + i] + "': " + value.status().message();
        break;
      }
      row.columns.push_back(*value);
      derived[i]->AppendValue((*value)->GetValue(0));
    }
    for (; i < tf.derived.size(); ++i) derived[i]->AppendNull();  // The row is rejected anyway.
  }
  return derived;
}

Chunk RowParser::ApplyTransform(const Chunk& sources) {
  const Transform& tf = *transform_;
  const size_t n = sources.num_rows;
  std::vector<std::string> errors(n);  // Non-empty: the row is an error row, for this reason.

  // 1. Derived columns, a whole chunk at a time; row by row only when that fails.
  Chunk eval = sources;
  for (const ExprPtr& e : tf.derived) {
    auto column = e->Evaluate(eval);
    if (!column.ok()) {
      eval.columns.resize(tf.num_sources);
      std::vector<ColumnPtr> derived = EvaluateRowByRow(sources, &errors);
      eval.columns.insert(eval.columns.end(), derived.begin(), derived.end());
      break;
    }
    eval.columns.push_back(*column);
  }

  // 2. The table's columns.
  std::vector<ColumnPtr> out;
  std::vector<std::string> null_reasons(n);  // Why a NOT NULL column is NULL, when it is not plain.
  for (size_t t = 0; t < tf.table.size(); ++t) {
    const Target& target = tf.table[t];
    const int feed = tf.feed[t];
    if (feed < 0) {
      out.push_back(Column::MakeConstant(target.fill, n));
      continue;
    }
    if (static_cast<size_t>(feed) < tf.num_sources) {
      out.push_back(eval.columns[feed]);  // Parsed into the column's type already.
      continue;
    }
    const Column& in = *eval.columns[feed];
    ColumnPtr column = Column::Make(target.type, n);
    for (size_t r = 0; r < n; ++r) {
      Value v = in.GetValue(r);
      if (v.is_null()) {
        column->AppendNull();
        continue;
      }
      auto converted = CastValue(v, target.type, strict_);
      bool failed = !converted.ok() || converted->is_null();
      if (!failed && target.kind == Target::Kind::kInt &&
          (converted->AsInt() < target.min || converted->AsInt() > target.max)) {
        failed = true;
      }
      if (failed) {
        std::string text = ShortText(v.ToString());
        if (strict_ && errors[r].empty()) {
          errors[r] = "column '" + target.name + "': value '" + text + "' cannot be converted to " + target.type.ToSql();
        } else if (!target.nullable && null_reasons[r].empty()) {
          null_reasons[r] = "column '" + target.name + "' is NOT NULL but value '" + text +
                            "' cannot be converted to " + target.type.ToSql();
        }
        column->AppendNull();
        continue;
      }
      column->AppendValue(*converted);
    }
    out.push_back(std::move(column));
  }

  // 3. WHERE, then 4. NOT NULL.
  ColumnPtr where;
  if (tf.where) {
    auto evaluated = tf.where->Evaluate(eval);
    if (evaluated.ok()) {
      where = *evaluated;
    } else {
      // Find the rows it fails for; the others get their own value.
      where = Column::Make(tf.where->type(), n);
      for (size_t r = 0; r < n; ++r) {
        auto value = tf.where->Evaluate(eval.Take({static_cast<uint32_t>(r)}));
        if (!value.ok()) {
          if (errors[r].empty()) errors[r] = "WHERE: " + value.status().message();
          where->AppendNull();
        } else {
          where->AppendValue((*value)->GetValue(0));
        }
      }
    }
  }
  std::vector<uint8_t> keep(n, 1);
  size_t kept = 0;
  for (size_t r = 0; r < n; ++r) {
    if (errors[r].empty() && where && (where->IsNull(r) || !where->GetValue(r).AsBool())) {
      keep[r] = 0;
      ++unselected_rows_;
      continue;
    }
    if (errors[r].empty()) {
      for (size_t t = 0; t < tf.table.size(); ++t) {
        const Target& target = tf.table[t];
        if (target.nullable || !out[t]->IsNull(r)) continue;
        if (!null_reasons[r].empty()) {
          errors[r] = null_reasons[r];
        } else if (tf.feed[t] < 0) {
          errors[r] = "column '" + target.name + "' is NOT NULL but the row has no value for it";
        } else {
          errors[r] = "column '" + target.name + "' is NOT NULL but the value is NULL";
        }
        break;
      }
    }
    if (!errors[r].empty()) {
      keep[r] = 0;
      ++error_rows_;
      KeepRejected(std::move(errors[r]), FormatSourceRow(tf.names, eval, r));
      continue;
    }
    ++kept;
  }
  Chunk rows;
  rows.columns = std::move(out);
  rows.num_rows = n;
  if (kept == n) return rows;
  return rows.Filter(keep);
}

int RowParser::FindTarget(std::string_view name) const {
  for (size_t i = 0; i < targets_.size(); ++i) {
    if (EqualsIgnoreCase(targets_[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

Result<std::vector<int>> RowParser::MapSourceFields(size_t count) const {
  std::vector<int> out(count, -1);
  if (format_.columns_size() > 0) {
    if (static_cast<size_t>(format_.columns_size()) != count) {
      return Status::InvalidArgument("COLUMNS lists " + std::to_string(format_.columns_size()) +
                                     " names but the source has " + std::to_string(count) + " fields");
    }
    for (size_t i = 0; i < count; ++i) out[i] = FindTarget(format_.columns(static_cast<int>(i)));
    return out;
  }
  if (count > targets_.size()) {
    return Status::InvalidArgument("the source has " + std::to_string(count) + " fields but the table only " +
                                   std::to_string(targets_.size()) + " columns; list them with COLUMNS");
  }
  for (size_t i = 0; i < count; ++i) out[i] = static_cast<int>(i);
  return out;
}

Chunk RowParser::TakeRows() {
  Chunk chunk;
  chunk.columns = std::move(columns_);
  chunk.num_rows = rows_in_chunk_;
  columns_.clear();
  // The next chunk is usually as long as this one (the task takes a chunk every N rows).
  for (const Target& t : targets_) columns_.push_back(Column::Make(t.type, rows_in_chunk_));
  rows_in_chunk_ = 0;
  if (transform_) return ApplyTransform(chunk);
  return chunk;
}

void RowParser::KeepRejected(std::string reason, std::string_view raw) {
  if (max_kept_rejected_ >= 0 && static_cast<int64_t>(rejected_.size()) >= max_kept_rejected_) return;
  rejected_.push_back({std::move(reason), Truncated(raw, kMaxRejectedRawBytes)});
}

void RowParser::BeginRow() {
  for (Slot& s : slots_) {
    s.kind = Slot::Kind::kMissing;
    s.conversion_failed = false;
  }
  row_error_.clear();
}

void RowParser::RejectRow(std::string reason, std::string_view raw) {
  ++total_rows_;
  ++error_rows_;
  KeepRejected(std::move(reason), raw);
}

void RowParser::FinishRow(std::string_view raw) {
  if (row_error_.empty()) {
    for (size_t t = 0; t < targets_.size(); ++t) {
      const Target& target = targets_[t];
      const Slot& slot = slots_[t];
      if (target.nullable) continue;
      if (slot.kind == Slot::Kind::kMissing && target.fill.is_null()) {
        row_error_ = "column '" + target.name + "' is NOT NULL but the row has no value for it";
      } else if (slot.kind == Slot::Kind::kNull) {
        row_error_ = slot.conversion_failed
                         ? "column '" + target.name + "' is NOT NULL but value '" + slot.failed_text +
                               "' cannot be converted to " + target.type.ToSql()
                         : "column '" + target.name + "' is NOT NULL but the value is NULL";
      }
      if (!row_error_.empty()) break;
    }
  }
  if (!row_error_.empty()) {
    RejectRow(std::move(row_error_), raw);
    row_error_.clear();
    return;
  }
  ++total_rows_;
  for (size_t t = 0; t < targets_.size(); ++t) {
    const Slot& slot = slots_[t];
    Column& column = *columns_[t];
    switch (slot.kind) {
      case Slot::Kind::kMissing: column.AppendValue(targets_[t].fill); break;
      case Slot::Kind::kNull: column.AppendNull(); break;
      case Slot::Kind::kInt: column.AppendInt(slot.i); break;
      case Slot::Kind::kDouble: column.AppendDouble(slot.d); break;
      case Slot::Kind::kString: column.AppendString(slot.s); break;
    }
  }
  ++rows_in_chunk_;
}


void RowParser::SetFromValue(int target, const Value& v, std::string_view text_for_errors) {
  const Target& t = targets_[target];
  Slot& slot = slots_[target];
  auto converted = CastValue(v, t.type, strict_);
  auto fail = [&]() {
    if (strict_) {
      SetRowError("column '" + t.name + "': value '" + ShortText(text_for_errors) + "' cannot be converted to " +
                  t.type.ToSql());
    } else {
      slot.kind = Slot::Kind::kNull;
      slot.conversion_failed = true;
      slot.failed_text = ShortText(text_for_errors);
    }
  };
  if (!converted.ok()) return fail();
  const Value& out = *converted;
  if (out.is_null()) {
    if (!v.is_null()) return fail();
    slot.kind = Slot::Kind::kNull;
    return;
  }
  switch (t.type.physical()) {
    case PhysicalType::kInt64:
      if (t.kind == Target::Kind::kInt && (out.int_value() < t.min || out.int_value() > t.max)) return fail();
      slot.kind = Slot::Kind::kInt;
      slot.i = out.int_value();
      break;
    case PhysicalType::kDouble:
      slot.kind = Slot::Kind::kDouble;
      slot.d = out.double_value();
      break;
    case PhysicalType::kString:
      slot.owned = out.string_value();
      slot.kind = Slot::Kind::kString;
      slot.s = slot.owned;
      break;
  }
}

void RowParser::SetInt(int target, int64_t v) {
  const Target& t = targets_[target];
  Slot& slot = slots_[target];
  switch (t.kind) {
    case Target::Kind::kInt:
      if (t.type.id == TypeId::kBoolean) v = v != 0;
      if (v < t.min || v > t.max) {
        std::string text = std::to_string(v);
        return SetFromValue(target, Value::String(text), text);  // Out of range: fails like any bad value.
      }
      slot.kind = Slot::Kind::kInt;
      slot.i = v;
      return;
    case Target::Kind::kDouble:
      slot.kind = Slot::Kind::kDouble;
      slot.d = static_cast<double>(v);
      return;
    default: {
      std::string text = std::to_string(v);
      SetFromValue(target, Value::Int(v), text);
      return;
    }
  }
}

void RowParser::SetDouble(int target, double v) {
  const Target& t = targets_[target];
  Slot& slot = slots_[target];
  if (t.kind == Target::Kind::kDouble) {
    slot.kind = Slot::Kind::kDouble;
    slot.d = v;
    return;
  }
  if (t.kind == Target::Kind::kInt) {
    // CastValue rounds; done here so huge values fail instead of overflowing llround.
    if (std::isfinite(v) && v > -9.2e18 && v < 9.2e18) return SetInt(target, static_cast<int64_t>(std::llround(v)));
    std::string text = FormatDouble(v);
    return SetFromValue(target, Value::String("not a number"), text);
  }
  SetFromValue(target, Value::Double(v), FormatDouble(v));
}

void RowParser::SetText(int target, std::string_view text) {
  const Target& t = targets_[target];
  Slot& slot = slots_[target];
  switch (t.kind) {
    case Target::Kind::kString:
      if ((t.type.id == TypeId::kChar || t.type.id == TypeId::kVarchar) && t.type.length > 0 &&
          text.size() > static_cast<size_t>(t.type.length)) {
        text = text.substr(0, t.type.length);  // As CastValue does for INSERT.
      }
      slot.kind = Slot::Kind::kString;
      slot.s = text;
      return;
    case Target::Kind::kJson:
      slot.kind = Slot::Kind::kString;
      slot.s = text;
      return;
    case Target::Kind::kInt: {
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc() && ptr == text.data() + text.size() && !text.empty()) return SetInt(target, v);
      break;
    }
    case Target::Kind::kDouble: {
      double v = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc() && ptr == text.data() + text.size() && !text.empty()) return SetDouble(target, v);
      break;
    }
    case Target::Kind::kOther: break;
  }
  SetFromValue(target, Value::String(std::string(text)), text);
}

void RowParser::SetJsonText(int target, std::string_view text, bool is_number) {
  const Target& t = targets_[target];
  if (t.kind == Target::Kind::kString || t.kind == Target::Kind::kJson) {
    Slot& slot = slots_[target];
    if (text.data() != slot.owned.data()) slot.owned.assign(text);
    if (t.kind == Target::Kind::kString && (t.type.id == TypeId::kChar || t.type.id == TypeId::kVarchar) &&
        t.type.length > 0 && slot.owned.size() > static_cast<size_t>(t.type.length)) {
      slot.owned.resize(t.type.length);
    }
    slot.kind = Slot::Kind::kString;
    slot.s = slot.owned;
    return;
  }
  if (is_number) return SetText(target, text);
  // An object or array into a number / date column.
  SetFromValue(target, Value::String("{"), text);
}

// ---------------------------------------------------------------------------------------------
// JSON.
//
// simdjson On-Demand rather than DOM: a row is read in one forward pass over the message, values
// are converted straight from the parser's buffers into the row, and fields no path asks for are
// skipped without being materialized (DOM builds a tape for every value first, ~1.5-2x the work
// for events where most fields are wanted and more when few are). The jsonpaths are compiled
// into a trie walked in document order, so several paths cost one pass; a key match first tries
// the child after the previous match (events usually repeat their key order). The price of
// On-Demand is lazy validation: bytes after the part of a document we read are checked only as
// far as skipping needs (see the header about partially read messages), and a path that is both
// a value and a prefix of other paths ("$" with "$.a") re-parses that sub-document.
//
// Messages are copied into a buffer padded with spaces (simdjson reads up to SIMDJSON_PADDING
// bytes past the end; librdkafka's buffers give no such guarantee, and padding content can change
// what an invalid document parses as).

namespace {

class JsonRowParser final : public RowParser {
 public:
  Status Setup() {
    if (!format_.json_root().empty()) {
      ASSIGN_OR_RETURN(root_steps_, ParseJsonPath(format_.json_root()));
    }
    nodes_.emplace_back();
    if (format_.jsonpaths_size() == 0) {
      simple_ = true;
      if (format_.columns_size() > 0) {
        for (const std::string& name : format_.columns()) {
          int t = FindTarget(name);
          if (t >= 0) simple_keys_.push_back({name, t, IsPlainKey(name)});
        }
      } else {
        for (size_t t = 0; t < targets_.size(); ++t) {
          simple_keys_.push_back({targets_[t].name, static_cast<int>(t), IsPlainKey(targets_[t].name)});
        }
      }
      return Status::OK();
    }
    ASSIGN_OR_RETURN(std::vector<int> mapping, MapSourceFields(static_cast<size_t>(format_.jsonpaths_size())));
    for (int i = 0; i < format_.jsonpaths_size(); ++i) {
      ASSIGN_OR_RETURN(std::vector<PathStep> steps, ParseJsonPath(format_.jsonpaths(i)));
      if (mapping[i] < 0) continue;
      int node = 0;
      for (const PathStep& step : steps) {
        int child = -1;
        auto& children = step.is_index ? nodes_[node].elements : nodes_[node].fields;
        for (const auto& c : children) {
          if (step.is_index ? c.index == step.index : c.key == step.key) child = c.node;
        }
        if (child < 0) {
          child = static_cast<int>(nodes_.size());
          Child c{step.key, step.index, child, IsPlainKey(step.key)};
          (step.is_index ? nodes_[node].elements : nodes_[node].fields).push_back(std::move(c));
          nodes_.emplace_back();
        }
        node = child;
      }
      nodes_[node].slots.push_back(mapping[i]);
    }
    return Status::OK();
  }

  void Parse(std::string_view message) override {
    received_bytes_ += static_cast<int64_t>(message.size());
    if (IsBlank(message)) return RejectRow("empty JSON message", message);
    padded_.resize(message.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(padded_.data(), message.data(), message.size());
    std::memset(padded_.data() + message.size(), ' ', simdjson::SIMDJSON_PADDING);
    od::document doc;
    simdjson::error_code err = parser_.iterate(padded_.data(), message.size(), padded_.size()).get(doc);
    if (!err) err = ParseDocument(doc, message);
    if (err) RejectRow(std::string("malformed JSON: ") + simdjson::error_message(err), message);
  }

 private:
  struct Child {
    std::string key;
    int64_t index = 0;
    int node = 0;
    bool plain = false;  // IsPlainKey(key)
  };
  struct PathNode {
    std::vector<int> slots;  // Targets that take this node's value.
    std::vector<Child> fields;
    std::vector<Child> elements;
  };
  struct SimpleKey {
    std::string name;
    int target;
    bool plain;  // IsPlainKey(name)
  };

  simdjson::error_code ParseDocument(od::document& doc, std::string_view raw) {
    if (!root_steps_.empty()) {
      od::value root;
      simdjson::error_code err = Navigate(doc, root, raw);
      if (err == simdjson::NO_SUCH_FIELD) return simdjson::SUCCESS;  // Rejected by Navigate.
      if (err) return err;
      return ParseRows(root, raw);
    }
    return ParseRows(doc, raw);
  }

  // Anything but whitespace after the document: On-Demand stops reading at the end of the root,
  // so this is checked before the last row is finished.
  static simdjson::error_code CheckEnd(od::document& doc) {
    const char* location = nullptr;
    if (doc.current_location().get(location) == simdjson::SUCCESS) return simdjson::TRAILING_CONTENT;
    return simdjson::SUCCESS;
  }
  static simdjson::error_code CheckEnd(od::value&) { return simdjson::SUCCESS; }

  // Moves to json_root. NO_SUCH_FIELD (after rejecting the message) when it is not there.
  simdjson::error_code Navigate(od::document& doc, od::value& out, std::string_view raw) {
    od::value current;
    for (size_t i = 0; i < root_steps_.size(); ++i) {
      const PathStep& step = root_steps_[i];
      simdjson::simdjson_result<od::value> next;
      if (!step.is_index) {
        next = i == 0 ? doc.find_field_unordered(step.key) : current.find_field_unordered(step.key);
      } else {
        od::array array;
        simdjson::error_code err = i == 0 ? doc.get_array().get(array) : current.get_array().get(array);
        if (err == simdjson::INCORRECT_TYPE) {
          next = simdjson::simdjson_result<od::value>(simdjson::NO_SUCH_FIELD);
        } else if (err) {
          return err;
        } else {
          next = array.at(static_cast<size_t>(step.index));
        }
      }
      simdjson::error_code err = next.get(current);
      if (err == simdjson::NO_SUCH_FIELD || err == simdjson::INCORRECT_TYPE || err == simdjson::INDEX_OUT_OF_BOUNDS) {
        RejectRow("json_root " + format_.json_root() + " is not in the message", raw);
        return simdjson::NO_SUCH_FIELD;
      }
      if (err) return err;
    }
    out = current;
    return simdjson::SUCCESS;
  }

  template <typename V>
  simdjson::error_code ParseRows(V& v, std::string_view raw) {
    bool rejected = false;
    if (format_.strip_outer_array()) {
      od::array array;
      simdjson::error_code err = v.get_array().get(array);
      if (err == simdjson::INCORRECT_TYPE) {
        RejectRow("strip_outer_array is true but the JSON is not an array", raw);
        return simdjson::SUCCESS;
      }
      if (err) return err;
      for (auto element : array) {
        od::value row;
        SIMDJSON_TRY(element.get(row));
        SIMDJSON_TRY(WalkRow(row, raw, &rejected));
        if (!rejected) FinishRow(raw);
      }
      return CheckEnd(v);
    }
    SIMDJSON_TRY(WalkRow(v, raw, &rejected));
    if (rejected) return simdjson::SUCCESS;
    SIMDJSON_TRY(CheckEnd(v));
    if (!rejected) FinishRow(raw);
    return simdjson::SUCCESS;
  }

  // Reads one row into the slots; *rejected when the row was rejected (and counted) already.
  template <typename V>
  simdjson::error_code WalkRow(V& v, std::string_view raw, bool* rejected) {
    BeginRow();
    sub_used_ = 0;
    *rejected = false;
    if (simple_) {
      od::object object;
      simdjson::error_code err = v.get_object().get(object);
      if (err == simdjson::INCORRECT_TYPE) {
        RejectRow("the row is not a JSON object (simple mode maps object keys to columns)", raw);
        *rejected = true;
        return simdjson::SUCCESS;
      }
      if (err) return err;
      size_t guess = 0;
      for (auto field : object) {
        // Events usually repeat the column order: the key after the previous match is compared
        // in place first, and only a miss reads the key out and searches.
        od::raw_json_string raw_key;
        SIMDJSON_TRY(field.key().get(raw_key));
        int target = -1;
        if (guess < simple_keys_.size() && simple_keys_[guess].plain &&
            RawKeyEquals(raw_key.raw(), simple_keys_[guess].name)) {
          target = simple_keys_[guess++].target;
        } else {
          std::string_view key;
          SIMDJSON_TRY(Key(field, &key));
          target = FindSimpleKey(key, &guess);
        }
        if (target < 0) continue;
        od::value value;
        SIMDJSON_TRY(field.value().get(value));
        int slots[1] = {target};
        SIMDJSON_TRY(Assign(value, std::span<const int>(slots, 1)));
      }
    } else {
      SIMDJSON_TRY(WalkNode(v, 0));
    }
    return simdjson::SUCCESS;
  }

  // A field's key. Keys without escapes (nearly all) are read in place: unescaping copies every
  // key into the parser's string buffer, a measurable share of parsing small events.
  static simdjson::error_code Key(simdjson::simdjson_result<od::field>& field, std::string_view* key) {
    od::raw_json_string raw;
    SIMDJSON_TRY(field.key().get(raw));
    // The document is valid up to this key, so its closing quote is there to stop the scan.
    const char* begin = raw.raw();
    for (const char* p = begin;; ++p) {
      if (*p == '"') {
        *key = std::string_view(begin, static_cast<size_t>(p - begin));
        return simdjson::SUCCESS;
      }
      if (*p == '\\') break;
    }
    return field.unescaped_key().get(*key);
  }

  int FindSimpleKey(std::string_view key, size_t* guess) const {
    if (*guess < simple_keys_.size() && KeyEqualsIgnoreCase(simple_keys_[*guess].name, key)) {
      return simple_keys_[(*guess)++].target;
    }
    for (size_t i = 0; i < simple_keys_.size(); ++i) {
      if (KeyEqualsIgnoreCase(simple_keys_[i].name, key)) {
        *guess = i + 1;
        return simple_keys_[i].target;
      }
    }
    return -1;
  }

  template <typename V>
  simdjson::error_code WalkNode(V& v, int node_index) {
    const PathNode& node = nodes_[node_index];
    bool has_children = !node.fields.empty() || !node.elements.empty();
    if (!node.slots.empty()) {
      if (!has_children) return Assign(v, node.slots);
      // Both a value and a prefix of longer paths: take its text, then re-parse it for both.
      std::string_view text;
      SIMDJSON_TRY(simdjson::to_json_string(v).get(text));
      od::document* sub = nullptr;
      SIMDJSON_TRY(SubParse(text, &sub));
      SIMDJSON_TRY(Assign(*sub, node.slots));
      // Rewinding reuses the sub-parser's string buffer: keep copies of what Assign pointed into it.
      for (int t : node.slots) {
        Slot& slot = slots_[t];
        if (slot.kind == Slot::Kind::kString && slot.s.data() != slot.owned.data()) {
          slot.owned.assign(slot.s);
          slot.s = slot.owned;
        }
      }
      sub->rewind();
      return WalkChildren(*sub, node);
    }
    return WalkChildren(v, node);
  }

  template <typename V>
  simdjson::error_code WalkChildren(V& v, const PathNode& node) {
    od::json_type type;
    SIMDJSON_TRY(v.type().get(type));
    if (type == od::json_type::object && !node.fields.empty()) {
      od::object object;
      SIMDJSON_TRY(v.get_object().get(object));
      size_t guess = 0;
      for (auto field : object) {
        od::raw_json_string raw_key;
        SIMDJSON_TRY(field.key().get(raw_key));
        int child = -1;
        if (guess < node.fields.size() && node.fields[guess].plain && RawKeyEquals(raw_key.raw(), node.fields[guess].key)) {
          child = node.fields[guess++].node;
        } else {
          std::string_view key;
          SIMDJSON_TRY(Key(field, &key));
          for (size_t i = 0; i < node.fields.size(); ++i) {
            if (node.fields[i].key == key) {
              child = node.fields[i].node;
              guess = i + 1;
              break;
            }
          }
        }
        if (child < 0) continue;
        od::value value;
        SIMDJSON_TRY(field.value().get(value));
        SIMDJSON_TRY(WalkNode(value, child));
      }
    } else if (type == od::json_type::array && !node.elements.empty()) {
      od::array array;
      SIMDJSON_TRY(v.get_array().get(array));
      int64_t index = 0;
      for (auto element : array) {
        od::value value;
        SIMDJSON_TRY(element.get(value));
        for (const Child& c : node.elements) {
          if (c.index == index) {
            SIMDJSON_TRY(WalkNode(value, c.node));
            break;
          }
        }
        ++index;
      }
    }
    // Anything else: the paths below this node are missing.
    return simdjson::SUCCESS;
  }

  static std::string_view RawToken(od::value& v) { return TrimRight(v.raw_json_token()); }
  static std::string_view RawToken(od::document& d) {
    std::string_view token;
    if (d.raw_json_token().get(token)) return {};
    return TrimRight(token);
  }

  // Converts one JSON value into every target in `targets`.
  template <typename V>
  simdjson::error_code Assign(V& v, std::span<const int> targets) {
    od::json_type type;
    SIMDJSON_TRY(v.type().get(type));
    switch (type) {
      case od::json_type::null: {
        bool is_null = false;
        SIMDJSON_TRY(v.is_null().get(is_null));
        for (int t : targets) SetNull(t);
        return simdjson::SUCCESS;
      }
      case od::json_type::string: {
        std::string_view raw;
        bool want_raw = false;
        for (int t : targets) want_raw |= targets_[t].kind == Target::Kind::kJson;
        if (want_raw) raw = RawToken(v);
        std::string_view s;
        SIMDJSON_TRY(v.get_string().get(s));
        for (int t : targets) {
          if (targets_[t].kind == Target::Kind::kJson) {
            SetJsonText(t, raw, false);
          } else {
            SetText(t, s);
          }
        }
        return simdjson::SUCCESS;
      }
      case od::json_type::number: {
        // The common case first: one integer or floating point column, read without the
        // literal's text. A failed get_* leaves the value unread, so the general path follows.
        if (targets.size() == 1) {
          const int t = targets[0];
          if (targets_[t].kind == Target::Kind::kInt) {
            int64_t i = 0;
            if (v.get_int64().get(i) == simdjson::SUCCESS) {
              SetInt(t, i);
              return simdjson::SUCCESS;
            }
          } else if (targets_[t].kind == Target::Kind::kDouble) {
            double d = 0;
            if (v.get_double().get(d) == simdjson::SUCCESS) {
              SetDouble(t, d);
              return simdjson::SUCCESS;
            }
          }
        }
        std::string_view raw = RawToken(v);
        od::number_type number_type;
        if (v.get_number_type().get(number_type)) {
          // Beyond 64 bits: treat the literal as text.
          for (int t : targets) SetJsonText(t, raw, true);
          return simdjson::SUCCESS;
        }
        if (number_type == od::number_type::signed_integer) {
          int64_t i = 0;
          SIMDJSON_TRY(v.get_int64().get(i));
          for (int t : targets) {
            Target::Kind k = targets_[t].kind;
            if (k == Target::Kind::kInt || k == Target::Kind::kDouble) {
              SetInt(t, i);
            } else {
              SetJsonText(t, raw, true);
            }
          }
        } else {
          double d = 0;
          SIMDJSON_TRY(v.get_double().get(d));
          for (int t : targets) {
            Target::Kind k = targets_[t].kind;
            if (k == Target::Kind::kDouble) {
              SetDouble(t, d);
            } else if (k == Target::Kind::kInt && number_type == od::number_type::floating_point_number) {
              SetDouble(t, d);
            } else {
              SetJsonText(t, raw, true);  // Unsigned beyond int64 into an integer column fails here.
            }
          }
        }
        return simdjson::SUCCESS;
      }
      case od::json_type::boolean: {
        bool b = false;
        SIMDJSON_TRY(v.get_bool().get(b));
        for (int t : targets) {
          Target::Kind k = targets_[t].kind;
          if (k == Target::Kind::kString || k == Target::Kind::kJson) {
            SetJsonText(t, b ? "true" : "false", false);
          } else if (k == Target::Kind::kOther) {
            SetFromValue(t, Value::Bool(b), b ? "true" : "false");
          } else {
            SetInt(t, b ? 1 : 0);
          }
        }
        return simdjson::SUCCESS;
      }
      case od::json_type::object:
      case od::json_type::array: {
        std::string_view text;
        SIMDJSON_TRY(simdjson::to_json_string(v).get(text));
        minified_.resize(text.size());
        size_t length = 0;
        SIMDJSON_TRY(simdjson::minify(text.data(), text.size(), minified_.data(), length));
        minified_.resize(length);
        for (int t : targets) SetJsonText(t, minified_, false);
        return simdjson::SUCCESS;
      }
    }
    return simdjson::SUCCESS;
  }

  // Parses `text` (a complete JSON value) with a parser of its own.
  simdjson::error_code SubParse(std::string_view text, od::document** out) {
    if (sub_used_ == subs_.size()) subs_.push_back(std::make_unique<Sub>());
    Sub& sub = *subs_[sub_used_++];
    sub.buffer.resize(text.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(sub.buffer.data(), text.data(), text.size());
    std::memset(sub.buffer.data() + text.size(), ' ', simdjson::SIMDJSON_PADDING);
    SIMDJSON_TRY(sub.parser.iterate(sub.buffer.data(), text.size(), sub.buffer.size()).get(sub.doc));
    *out = &sub.doc;
    return simdjson::SUCCESS;
  }

  struct Sub {
    od::parser parser;
    std::string buffer;
    od::document doc;
  };

  bool simple_ = false;
  std::vector<SimpleKey> simple_keys_;
  std::vector<PathStep> root_steps_;
  std::vector<PathNode> nodes_;  // nodes_[0] is the row.
  od::parser parser_;
  std::string padded_;
  std::string minified_;
  std::vector<std::unique_ptr<Sub>> subs_;
  size_t sub_used_ = 0;
};

// ---------------------------------------------------------------------------------------------
// CSV.

class CsvRowParser final : public RowParser {
 public:
  Status Setup() {
    separator_ = UnescapeSeparator(format_.column_separator().empty() ? "\t" : format_.column_separator());
    delimiter_ = UnescapeSeparator(format_.row_delimiter().empty() ? "\n" : format_.row_delimiter());
    if (separator_.empty() || delimiter_.empty()) return Status::InvalidArgument("empty CSV separator");
    size_t fields = format_.columns_size() > 0 ? static_cast<size_t>(format_.columns_size()) : targets_.size();
    ASSIGN_OR_RETURN(field_target_, MapSourceFields(fields));
    if (format_.enclose().size() > 1) return Status::InvalidArgument("CSV enclose must be a single byte");
    if (format_.escape().size() > 1) return Status::InvalidArgument("CSV escape must be a single byte");
    enclose_ = format_.enclose().empty() ? -1 : static_cast<unsigned char>(format_.enclose()[0]);
    escape_ = format_.escape().empty() ? -1 : static_cast<unsigned char>(format_.escape()[0]);
    trim_space_ = format_.trim_space();
    quoted_ = enclose_ >= 0 || escape_ >= 0 || trim_space_;
    field_values_.resize(field_target_.size());
    return Status::OK();
  }

  void Parse(std::string_view message) override {
    received_bytes_ += static_cast<int64_t>(message.size());
    if (quoted_) return ParseQuoted(message);
    size_t pos = 0;
    while (pos < message.size()) {
      size_t end = delimiter_.size() == 1 ? message.find(delimiter_[0], pos) : message.find(delimiter_, pos);
      if (end == std::string_view::npos) end = message.size();
      std::string_view line = message.substr(pos, end - pos);
      pos = end + delimiter_.size();
      if (!line.empty()) ParseLine(line);
    }
  }

 private:
  void ParseLine(std::string_view line) {
    BeginRow();
    size_t field = 0;
    size_t start = 0;
    const bool single = separator_.size() == 1;
    while (true) {
      size_t end = single ? line.find(separator_[0], start) : line.find(separator_, start);
      std::string_view text = line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      if (field < field_target_.size()) {
        int t = field_target_[field];
        if (t >= 0) {
          if (text == "\\N") {
            SetNull(t);
          } else {
            SetText(t, text);
          }
        }
      }
      ++field;
      if (end == std::string_view::npos) break;
      start = end + separator_.size();
    }
    if (field != field_target_.size()) {
      return RejectRow("expected " + std::to_string(field_target_.size()) + " fields but the row has " +
                           std::to_string(field),
                       line);
    }
    FinishRow(line);
  }

  // With enclose / escape / trim_space (StarRocks semantics): one pass over the message, since a
  // row delimiter inside an enclosed field or after an escape does not end the row. Per field:
  //   - trim_space: spaces before the field (and before its opening enclose) and after it (and
  //     after its closing enclose) are dropped; spaces inside an enclosure are kept;
  //   - a field whose first byte is the enclose byte is enclosed: up to the next lone enclose
  //     byte, separators and delimiters are data and a doubled enclose byte is one enclose byte;
  //     bytes after the closing enclose up to the separator are kept as they are;
  //   - the escape byte makes the next byte data, whatever it is (it is dropped itself);
  //   - a field whose text is exactly \N and that was not enclosed is NULL (checked before
  //     unescaping, so escape = '\\' keeps the NULL marker).
  // An enclosure still open at the end of the message makes the rest of the message one error
  // row naming the enclose byte.
  void ParseQuoted(std::string_view message) {
    size_t pos = 0;
    const size_t n = message.size();
    auto at = [&](size_t i, const std::string& token) {
      return token.size() == 1 ? message[i] == token[0] : message.compare(i, token.size(), token) == 0;
    };
    while (pos < n) {
      const size_t row_start = pos;
      BeginRow();
      size_t field = 0;
      bool row_done = false;
      bool unterminated = false;
      size_t row_end = n;  // Where the row's text ends (before its delimiter).
      while (!row_done) {
        // One field, from `pos`.
        std::string* out = field < field_values_.size() ? &field_values_[field] : &scratch_;
        out->clear();
        if (trim_space_) {
          while (pos < n && message[pos] == ' ') ++pos;
        }
        bool enclosed = false;
        size_t kept_trailing = 0;  // Bytes of `out` that trailing-space trimming must not drop.
        if (enclose_ >= 0 && pos < n && static_cast<unsigned char>(message[pos]) == enclose_) {
          enclosed = true;
          ++pos;
          bool closed = false;
          while (pos < n) {
            unsigned char c = static_cast<unsigned char>(message[pos]);
            if (escape_ >= 0 && c == escape_ && pos + 1 < n) {
              out->push_back(message[pos + 1]);
              pos += 2;
              continue;
            }
            if (c == enclose_) {
              if (pos + 1 < n && static_cast<unsigned char>(message[pos + 1]) == enclose_) {
                out->push_back(message[pos]);
                pos += 2;
                continue;
              }
              ++pos;
              closed = true;
              break;
            }
            out->push_back(message[pos++]);
          }
          if (!closed) {
            unterminated = true;
            break;
          }
          kept_trailing = out->size();
        }
        // The unenclosed part (or what follows the closing enclose), up to a separator or the
        // row delimiter.
        const size_t raw_start = pos;
        while (pos < n && !at(pos, separator_) && !at(pos, delimiter_)) {
          unsigned char c = static_cast<unsigned char>(message[pos]);
          if (escape_ >= 0 && c == escape_ && pos + 1 < n) {
            out->push_back(message[pos + 1]);
            pos += 2;
            kept_trailing = out->size();
            continue;
          }
          out->push_back(message[pos++]);
        }
        std::string_view raw = message.substr(raw_start, pos - raw_start);
        if (trim_space_) {
          while (out->size() > kept_trailing && out->back() == ' ') out->pop_back();
          while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);
        }
        if (field < field_target_.size()) {
          int t = field_target_[field];
          if (t >= 0) {
            if (!enclosed && raw == "\\N") {
              SetNull(t);
            } else {
              SetText(t, *out);
            }
          }
        }
        ++field;
        if (pos >= n) {
          row_done = true;
        } else if (at(pos, separator_)) {
          pos += separator_.size();
          // A separator right before the end of the row leaves an empty last field.
          if (pos >= n) {
            if (field < field_values_.size()) field_values_[field].clear();
            if (field < field_target_.size() && field_target_[field] >= 0) SetText(field_target_[field], "");
            ++field;
            row_done = true;
          }
        } else {
          row_end = pos;
          pos += delimiter_.size();
          row_done = true;
        }
      }
      if (unterminated) {
        std::string reason = "unterminated enclose character '" + std::string(1, static_cast<char>(enclose_)) +
                             "' in field " + std::to_string(field + 1);
        RejectRow(std::move(reason), message.substr(row_start));
        return;
      }
      std::string_view line = message.substr(row_start, row_end - row_start);
      if (line.empty()) continue;  // Empty lines are skipped, as in the plain path.
      if (field != field_target_.size()) {
        RejectRow("expected " + std::to_string(field_target_.size()) + " fields but the row has " +
                      std::to_string(field),
                  line);
        continue;
      }
      FinishRow(line);
    }
  }

  std::string separator_;
  std::string delimiter_;
  std::vector<int> field_target_;
  int enclose_ = -1;  // The enclose byte, -1 when none.
  int escape_ = -1;   // The escape byte, -1 when none.
  bool trim_space_ = false;
  bool quoted_ = false;  // Any of the three: the one-pass parser is needed.
  // The current row's field values when they had to be rewritten (enclosure, escapes, trimming);
  // slots point into them until the row is finished. Sized once, so the strings never move.
  std::vector<std::string> field_values_;
  std::string scratch_;  // Fields beyond the expected count (the row is rejected anyway).
};

}  // namespace

Result<std::unique_ptr<RowParser>> RowParser::Make(const proto::RoutineLoadFormatPB& format,
                                                   const proto::TableSchemaPB& schema, RowParserOptions options) {
  std::string kind = ToLower(format.format());
  if (kind == "json") {
    auto parser = std::make_unique<JsonRowParser>();
    RETURN_IF_ERROR(parser->Init(format, schema, options));
    RETURN_IF_ERROR(parser->Setup());
    return std::unique_ptr<RowParser>(std::move(parser));
  }
  if (kind == "csv" || kind.empty()) {
    auto parser = std::make_unique<CsvRowParser>();
    RETURN_IF_ERROR(parser->Init(format, schema, options));
    RETURN_IF_ERROR(parser->Setup());
    return std::unique_ptr<RowParser>(std::move(parser));
  }
  return Status::InvalidArgument("unsupported routine load format '" + format.format() + "' (json or csv)");
}

}  // namespace basalt::cn
