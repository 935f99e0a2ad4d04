#include "engine/functions.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <functional>
#include <optional>
#include <unordered_map>

#include "common/sql_errors.h"
#include "common/string_util.h"

namespace basalt {
namespace {

using RowFn = std::function<Result<Value>(const std::vector<Value>& args, const DataType& result_type)>;
using Resolver = std::function<Result<ResolvedFunction>(const std::vector<DataType>& args)>;

// Wraps a per-row function into a kernel. When `null_in_null_out`, a NULL argument yields NULL
// without calling `fn`.
ScalarKernel RowWise(RowFn fn, bool null_in_null_out = true) {
  return [fn = std::move(fn), null_in_null_out](const std::vector<ColumnPtr>& args, size_t rows,
                                                const DataType& result_type) -> Result<ColumnPtr> {
    ColumnPtr out = Column::Make(result_type, rows);
    std::vector<Value> values(args.size());
    for (size_t row = 0; row < rows; ++row) {
      bool any_null = false;
      for (size_t i = 0; i < args.size(); ++i) {
        values[i] = args[i]->GetValue(row);
        any_null = any_null || values[i].is_null();
      }
      if (null_in_null_out && any_null) {
        out->AppendNull();
        continue;
      }
      ASSIGN_OR_RETURN(Value v, fn(values, result_type));
      out->AppendValue(v);
    }
    return out;
  };
}

Status ArgCountError(std::string_view name) {
  return Status::Sql(sql_errors::kWrongParamCount,
                     "Incorrect parameter count in the call to native function '" + std::string(name) + "'");
}

// A resolver for a fixed result type and an argument count range.
Resolver Simple(std::string name, size_t min_args, size_t max_args, std::function<DataType(const std::vector<DataType>&)> type_fn,
                RowFn fn, bool null_in_null_out = true) {
  return [=](const std::vector<DataType>& args) -> Result<ResolvedFunction> {
    if (args.size() < min_args || args.size() > max_args) return ArgCountError(name);
    return ResolvedFunction{RowWise(fn, null_in_null_out), type_fn(args)};
  };
}

auto ReturnsString = [](const std::vector<DataType>&) { return DataType::Varchar(); };
auto ReturnsBigInt = [](const std::vector<DataType>&) { return DataType::BigInt(); };
auto ReturnsDouble = [](const std::vector<DataType>&) { return DataType::Double(); };
auto ReturnsBool = [](const std::vector<DataType>&) { return DataType::Boolean(); };

DataType CommonOf(const std::vector<DataType>& args, size_t from = 0) {
  DataType t = DataType::Null();
  for (size_t i = from; i < args.size(); ++i) t = CommonType(t, args[i]);
  return t;
}

int64_t Pow10(int n) {
  int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// ---- arithmetic -----------------------------------------------------------------------------

DataType ArithmeticType(const std::string& op, const DataType& a, const DataType& b) {
  if (op == "/") return DataType::Double();
  if (op == "DIV") return DataType::BigInt();
  auto is_int_like = [](const DataType& t) { return t.IsInteger() || t.id == TypeId::kNull; };
  if (is_int_like(a) && is_int_like(b)) return DataType::BigInt();
  bool a_dec = a.id == TypeId::kDecimal || a.IsInteger() || a.id == TypeId::kNull;
  bool b_dec = b.id == TypeId::kDecimal || b.IsInteger() || b.id == TypeId::kNull;
  if (a_dec && b_dec) {
    int16_t sa = a.id == TypeId::kDecimal ? a.scale : 0;
    int16_t sb = b.id == TypeId::kDecimal ? b.scale : 0;
    int16_t scale = op == "*" ? static_cast<int16_t>(sa + sb) : std::max(sa, sb);
    if (scale <= 9) return DataType::Decimal(18, scale);
  }
  return DataType::Double();
}

Result<Value> Arithmetic(const std::string& op, const Value& a, const Value& b, const DataType& type) {
  if (type.id == TypeId::kBigInt) {
    int64_t x = a.AsInt(), y = b.AsInt(), r = 0;
    if (op == "+") {
      if (__builtin_add_overflow(x, y, &r)) return Status::Sql(sql_errors::kUnknownError, "BIGINT value is out of range in '+'");
    } else if (op == "-") {
      if (__builtin_sub_overflow(x, y, &r)) return Status::Sql(sql_errors::kUnknownError, "BIGINT value is out of range in '-'");
    } else if (op == "*") {
      if (__builtin_mul_overflow(x, y, &r)) return Status::Sql(sql_errors::kUnknownError, "BIGINT value is out of range in '*'");
    } else if (op == "%") {
      if (y == 0) return Value::Null(type);
      r = y == -1 ? 0 : x % y;
    } else if (op == "DIV") {
      if (y == 0) return Value::Null(type);
      if (x == INT64_MIN && y == -1) return Status::Sql(sql_errors::kUnknownError, "BIGINT value is out of range in 'DIV'");
      r = x / y;
    }
    return Value::Int(r, type);
  }
  if (type.id == TypeId::kDecimal) {
    auto scaled = [&](const Value& v, int scale) -> int64_t {
      if (v.type().id == TypeId::kDecimal) return v.int_value() * Pow10(scale - v.type().scale);
      return v.AsInt() * Pow10(scale);
    };
    __int128 r = 0;
    if (op == "*") {
      int sa = a.type().id == TypeId::kDecimal ? a.type().scale : 0;
      int sb = b.type().id == TypeId::kDecimal ? b.type().scale : 0;
      r = static_cast<__int128>(scaled(a, sa)) * scaled(b, sb);
    } else if (op == "+") {
      r = static_cast<__int128>(scaled(a, type.scale)) + scaled(b, type.scale);
    } else if (op == "-") {
      r = static_cast<__int128>(scaled(a, type.scale)) - scaled(b, type.scale);
    } else if (op == "%") {
      int64_t y = scaled(b, type.scale);
      if (y == 0) return Value::Null(type);
      r = scaled(a, type.scale) % y;
    }
    if (r > INT64_MAX || r < INT64_MIN) return Value::Double(static_cast<double>(r) / static_cast<double>(Pow10(type.scale)));
    return Value::Int(static_cast<int64_t>(r), type);
  }
  double x = a.AsDouble(), y = b.AsDouble();
  if (op == "+") return Value::Double(x + y);
  if (op == "-") return Value::Double(x - y);
  if (op == "*") return Value::Double(x * y);
  if (op == "/") return y == 0 ? Value::Null(type) : Value::Double(x / y);
  if (op == "%") return y == 0 ? Value::Null(type) : Value::Double(std::fmod(x, y));
  if (op == "DIV") return y == 0 ? Value::Null(type) : Value::Int(static_cast<int64_t>(x / y));
  return Status::Internal("unknown arithmetic operator " + op);
}

Resolver ArithmeticResolver(std::string op) {
  return [op](const std::vector<DataType>& args) -> Result<ResolvedFunction> {
    if (args.size() != 2) return ArgCountError(op);
    DataType type = ArithmeticType(op, args[0], args[1]);
    return ResolvedFunction{RowWise([op](const std::vector<Value>& v, const DataType& t) {
                              return Arithmetic(op, v[0], v[1], t);
                            }),
                            type};
  };
}

// ---- logic ----------------------------------------------------------------------------------

// Three-valued AND/OR/XOR over columns; NULL is "unknown".
Resolver LogicResolver(std::string op) {
  return [op](const std::vector<DataType>& args) -> Result<ResolvedFunction> {
    if (args.size() != 2) return ArgCountError(op);
    RowFn fn = [op](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      bool an = v[0].is_null(), bn = v[1].is_null();
      bool a = !an && v[0].AsBool(), b = !bn && v[1].AsBool();
      if (op == "AND") {
        if ((!an && !a) || (!bn && !b)) return Value::Bool(false);
        if (an || bn) return Value::Null(DataType::Boolean());
        return Value::Bool(true);
      }
      if (op == "OR") {
        if ((!an && a) || (!bn && b)) return Value::Bool(true);
        if (an || bn) return Value::Null(DataType::Boolean());
        return Value::Bool(false);
      }
      if (an || bn) return Value::Null(DataType::Boolean());
      return Value::Bool(a != b);
    };
    return ResolvedFunction{RowWise(fn, false), DataType::Boolean()};
  };
}

// ---- comparison -----------------------------------------------------------------------------

int CompareTemporal(const Value& a, const Value& b) {
  auto to_micros = [](const Value& v, int64_t* out) -> bool {
    if (v.type().id == TypeId::kDate) {
      *out = v.int_value() * 86400000000LL;
      return true;
    }
    if (v.type().id == TypeId::kDateTime) {
      *out = v.int_value();
      return true;
    }
    if (v.type().IsStringLike()) return ParseDateTime(v.string_value(), out);
    *out = v.AsInt();
    return true;
  };
  int64_t x = 0, y = 0;
  if (!to_micros(a, &x) || !to_micros(b, &y)) {
    return a.ToString() < b.ToString() ? -1 : (a.ToString() > b.ToString() ? 1 : 0);
  }
  return x < y ? -1 : (x > y ? 1 : 0);
}

}  // namespace

int CompareValues(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() == b.is_null() ? 0 : (a.is_null() ? -1 : 1);
  if (a.type().IsTemporal() || b.type().IsTemporal()) return CompareTemporal(a, b);
  if (a.type().IsStringLike() && b.type().IsStringLike()) {
    int c = a.string_value().compare(b.string_value());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.type().IsInteger() && b.type().IsInteger()) {
    return a.int_value() < b.int_value() ? -1 : (a.int_value() > b.int_value() ? 1 : 0);
  }
  if (a.type().id == TypeId::kDecimal && b.type().id == TypeId::kDecimal && a.type().scale == b.type().scale) {
    return a.int_value() < b.int_value() ? -1 : (a.int_value() > b.int_value() ? 1 : 0);
  }
  double x = a.AsDouble(), y = b.AsDouble();
  return x < y ? -1 : (x > y ? 1 : 0);
}

namespace {

Resolver ComparisonResolver(std::string op) {
  return [op](const std::vector<DataType>& args) -> Result<ResolvedFunction> {
    if (args.size() != 2) return ArgCountError(op);
    bool null_safe = op == "<=>";
    RowFn fn = [op, null_safe](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      if (null_safe) return Value::Bool(CompareValues(v[0], v[1]) == 0);
      int c = CompareValues(v[0], v[1]);
      bool r = op == "=" ? c == 0 : op == "<>" ? c != 0 : op == "<" ? c < 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : c >= 0;
      return Value::Bool(r);
    };
    return ResolvedFunction{RowWise(fn, !null_safe), DataType::Boolean()};
  };
}

// ---- string helpers (UTF-8 aware where MySQL counts characters) ------------------------------

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Byte offset of the character at index `chars` (0-based), clamped to the end.
size_t Utf8Offset(std::string_view s, int64_t chars) {
  size_t i = 0;
  while (i < s.size() && chars > 0) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --chars;
  }
  return i;
}

// ---- casts ----------------------------------------------------------------------------------

}  // namespace

Result<Value> CastValue(const Value& v, const DataType& type, bool strict) {
  if (v.is_null()) return Value::Null(type);
  auto fail = [&](const char* what) -> Result<Value> {
    if (strict) {
      return Status::Sql(sql_errors::kTruncatedWrongValue,
                         std::string("Incorrect ") + what + " value: '" + v.ToString() + "'");
    }
    return Value::Null(type);
  };
  switch (type.id) {
    case TypeId::kNull: return Value::Null();
    case TypeId::kBoolean:
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kBigInt: {
      if (v.type().IsStringLike()) {
        std::string_view s = Trim(v.string_value());
        int64_t i;
        if (ParseInt64(s, &i)) return type.id == TypeId::kBoolean ? Value::Bool(i != 0) : Value::Int(i, type);
        double d;
        // Beyond int64 (e.g. an unsigned 64-bit literal) llround has no answer: not a BIGINT.
        if (ParseDouble(s, &d) && std::isfinite(d) && d > -9.2e18 && d < 9.2e18) {
          return Value::Int(static_cast<int64_t>(std::llround(d)), type);
        }
        return fail("integer");
      }
      if (v.type().IsTemporal()) {
        // MySQL turns 2024-01-02 into 20240102 and a datetime into YYYYMMDDhhmmss.
        std::string digits;
        for (char c : v.ToString()) {
          if (c >= '0' && c <= '9') digits += c;
        }
        int64_t i = 0;
        ParseInt64(digits, &i);
        return Value::Int(i, type);
      }
      if (type.id == TypeId::kBoolean) return Value::Bool(v.AsDouble() != 0);
      return Value::Int(v.AsInt(), type);
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      if (v.type().IsStringLike()) {
        double d;
        if (ParseDouble(Trim(v.string_value()), &d)) return Value::Double(d);
        return fail("double");
      }
      return Value::Double(v.AsDouble());
    }
    case TypeId::kDecimal: {
      double d;
      if (v.type().IsStringLike()) {
        if (!ParseDouble(Trim(v.string_value()), &d)) return fail("decimal");
      } else {
        d = v.AsDouble();
      }
      if (type.precision > 18) return Value::String(FormatDouble(d), type);
      double scaled = std::round(d * static_cast<double>(Pow10(type.scale)));
      if (std::fabs(scaled) >= static_cast<double>(Pow10(type.precision))) return fail("decimal");
      return Value::Int(static_cast<int64_t>(scaled), type);
    }
    case TypeId::kDate:
    case TypeId::kDateTime: {
      int64_t micros = 0;
      if (v.type().id == TypeId::kDate) {
        micros = v.int_value() * 86400000000LL;
      } else if (v.type().id == TypeId::kDateTime) {
        micros = v.int_value();
      } else if (!ParseDateTime(v.ToString(), &micros)) {
        return fail(type.id == TypeId::kDate ? "date" : "datetime");
      }
      if (type.id == TypeId::kDate) {
        return Value::Int(DateOfDateTime(micros), type);
      }
      return Value::Int(micros, type);
    }
    default: {
      std::string s = v.ToString();
      // A declared length cuts the text to that many characters (MySQL's CAST AS CHAR(n)),
      // never inside a UTF-8 sequence; no length (-1) keeps it whole.
      if ((type.id == TypeId::kChar || type.id == TypeId::kVarchar) && type.length > 0) {
        s.resize(Utf8Offset(s, type.length));
      }
      return Value::String(std::move(s), type);
    }
  }
}

namespace {

std::string Utf8Substr(std::string_view s, int64_t pos, int64_t len) {
  int64_t n = static_cast<int64_t>(Utf8Length(s));
  if (pos == 0 || len <= 0) return "";
  int64_t start = pos > 0 ? pos - 1 : n + pos;
  if (start < 0 || start >= n) return "";
  size_t b = Utf8Offset(s, start);
  size_t e = Utf8Offset(s, std::min<int64_t>(n, start + len));
  return std::string(s.substr(b, e - b));
}

std::string Pad(const std::string& s, int64_t len, const std::string& pad, bool left) {
  int64_t n = static_cast<int64_t>(Utf8Length(s));
  if (len < 0) return "";
  if (n >= len) return std::string(s.substr(0, Utf8Offset(s, len)));
  if (pad.empty()) return "";
  std::string fill;
  int64_t need = len - n;
  int64_t pad_chars = static_cast<int64_t>(Utf8Length(pad));
  while (need > 0) {
    int64_t take = std::min(need, pad_chars);
    fill += pad.substr(0, Utf8Offset(pad, take));
    need -= take;
  }
  return left ? fill + s : s + fill;
}

const std::unordered_map<std::string, Resolver>& Registry() {
  static const auto* kRegistry = [] {
    auto* r = new std::unordered_map<std::string, Resolver>();
    auto& m = *r;
    for (const char* op : {"+", "-", "*", "/", "%", "DIV"}) m[op] = ArithmeticResolver(op);
    for (const char* op : {"=", "<>", "<", "<=", ">", ">=", "<=>"}) m[op] = ComparisonResolver(op);
    for (const char* op : {"AND", "OR", "XOR"}) m[op] = LogicResolver(op);
    m["mod"] = ArithmeticResolver("%");

    m["not"] = Simple("not", 1, 1, ReturnsBool, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::Bool(!v[0].AsBool());
    });
    m["negate"] = [](const std::vector<DataType>& args) -> Result<ResolvedFunction> {
      if (args.size() != 1) return ArgCountError("-");
      DataType t = args[0].IsInteger() ? DataType::BigInt() : args[0].id == TypeId::kDecimal ? args[0] : DataType::Double();
      return ResolvedFunction{RowWise([](const std::vector<Value>& v, const DataType& type) -> Result<Value> {
                                if (type.id == TypeId::kDouble) return Value::Double(-v[0].AsDouble());
                                if (type.id == TypeId::kDecimal) return Value::Int(-v[0].int_value(), type);
                                if (v[0].AsInt() == INT64_MIN) return Status::Sql(sql_errors::kUnknownError, "BIGINT value is out of range in '-'");
                                return Value::Int(-v[0].AsInt());
                              }),
                              t};
    };
    m["bitnot"] = Simple("~", 1, 1, ReturnsBigInt, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::Int(~v[0].AsInt());
    });
    for (const char* op : {"&", "|", "^", "<<", ">>"}) {
      std::string o = op;
      m[op] = Simple(o, 2, 2, ReturnsBigInt, [o](const std::vector<Value>& v, const DataType&) -> Result<Value> {
        uint64_t a = static_cast<uint64_t>(v[0].AsInt()), b = static_cast<uint64_t>(v[1].AsInt());
        uint64_t r = o == "&" ? a & b : o == "|" ? a | b : o == "^" ? a ^ b : o == "<<" ? (b >= 64 ? 0 : a << b) : (b >= 64 ? 0 : a >> b);
        return Value::Int(static_cast<int64_t>(r));
      });
    }
    m["isnull"] = Simple("isnull", 1, 1, ReturnsBool, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::Bool(v[0].is_null());
    }, false);
    m["isnotnull"] = Simple("isnotnull", 1, 1, ReturnsBool, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::Bool(!v[0].is_null());
    }, false);
    m["istrue"] = Simple("istrue", 1, 1, ReturnsBool, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::Bool(!v[0].is_null() && v[0].AsBool());
    }, false);
    m["isfalse"] = Simple("isfalse", 1, 1, ReturnsBool, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::Bool(!v[0].is_null() && !v[0].AsBool());
    }, false);
    m["like"] = Simple("like", 2, 3, ReturnsBool, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      std::string pattern = v[1].ToString();
      if (v.size() == 3) {
        std::string esc = v[2].ToString();
        if (esc.size() == 1 && esc[0] != '\\') {
          std::string converted;
          for (size_t i = 0; i < pattern.size(); ++i) {
            if (pattern[i] == esc[0] && i + 1 < pattern.size()) {
              converted += '\\';
              converted += pattern[++i];
            } else if (pattern[i] == '\\') {
              converted += "\\\\";
            } else {
              converted += pattern[i];
            }
          }
          pattern = converted;
        }
      }
      return Value::Bool(LikeMatch(v[0].ToString(), pattern, false));
    });
    m["in"] = [](const std::vector<DataType>& args) -> Result<ResolvedFunction> {
      if (args.size() < 2) return ArgCountError("in");
      // MySQL: NULL if no match and any list item (or the value) is NULL.
      return ResolvedFunction{RowWise([](const std::vector<Value>& v, const DataType&) -> Result<Value> {
                                if (v[0].is_null()) return Value::Null(DataType::Boolean());
                                bool saw_null = false;
                                for (size_t i = 1; i < v.size(); ++i) {
                                  if (v[i].is_null()) {
                                    saw_null = true;
                                  } else if (CompareValues(v[0], v[i]) == 0) {
                                    return Value::Bool(true);
                                  }
                                }
                                return saw_null ? Value::Null(DataType::Boolean()) : Value::Bool(false);
                              }, false),
                              DataType::Boolean()};
    };
    m["between"] = Simple("between", 3, 3, ReturnsBool, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::Bool(CompareValues(v[0], v[1]) >= 0 && CompareValues(v[0], v[2]) <= 0);
    });
    m["cast"] = nullptr;  // Built by the analyzer with MakeCast.

    // Conditionals.
    m["if"] = [](const std::vector<DataType>& args) -> Result<ResolvedFunction> {
      if (args.size() != 3) return ArgCountError("if");
      return ResolvedFunction{RowWise([](const std::vector<Value>& v, const DataType& t) -> Result<Value> {
                                const Value& picked = (!v[0].is_null() && v[0].AsBool()) ? v[1] : v[2];
                                return CastValue(picked, t);
                              }, false),
                              CommonType(args[1], args[2])};
    };
    m["ifnull"] = [](const std::vector<DataType>& args) -> Result<ResolvedFunction> {
      if (args.size() != 2) return ArgCountError("ifnull");
      return ResolvedFunction{RowWise([](const std::vector<Value>& v, const DataType& t) -> Result<Value> {
                                return CastValue(v[0].is_null() ? v[1] : v[0], t);
                              }, false),
                              CommonType(args[0], args[1])};
    };
    m["nvl"] = m["ifnull"];
    m["coalesce"] = [](const std::vector<DataType>& args) -> Result<ResolvedFunction> {
      if (args.empty()) return ArgCountError("coalesce");
      return ResolvedFunction{RowWise([](const std::vector<Value>& v, const DataType& t) -> Result<Value> {
                                for (const Value& x : v) {
                                  if (!x.is_null()) return CastValue(x, t);
                                }
                                return Value::Null(t);
                              }, false),
                              CommonOf(args)};
    };
    m["nullif"] = [](const std::vector<DataType>& args) -> Result<ResolvedFunction> {
      if (args.size() != 2) return ArgCountError("nullif");
      return ResolvedFunction{RowWise([](const std::vector<Value>& v, const DataType& t) -> Result<Value> {
                                if (!v[1].is_null() && !v[0].is_null() && CompareValues(v[0], v[1]) == 0) return Value::Null(t);
                                return v[0];
                              }, false),
                              args[0]};
    };
    // CASE: args = [operand], when1, then1, ..., [else]; the analyzer passes flags via the name.
    for (bool has_operand : {false, true}) {
      for (bool has_else : {false, true}) {
        std::string name = std::string("case") + (has_operand ? "_operand" : "") + (has_else ? "_else" : "");
        m[name] = [has_operand, has_else, name](const std::vector<DataType>& args) -> Result<ResolvedFunction> {
          size_t first = has_operand ? 1 : 0;
          size_t pairs_end = has_else ? args.size() - 1 : args.size();
          if (pairs_end < first + 2 || (pairs_end - first) % 2 != 0) return ArgCountError("case");
          DataType t = DataType::Null();
          for (size_t i = first + 1; i < pairs_end; i += 2) t = CommonType(t, args[i]);
          if (has_else) t = CommonType(t, args.back());
          return ResolvedFunction{RowWise([=](const std::vector<Value>& v, const DataType& type) -> Result<Value> {
                                    for (size_t i = first; i < pairs_end; i += 2) {
                                      bool hit = has_operand ? (!v[0].is_null() && !v[i].is_null() && CompareValues(v[0], v[i]) == 0)
                                                             : (!v[i].is_null() && v[i].AsBool());
                                      if (hit) return CastValue(v[i + 1], type);
                                    }
                                    return has_else ? CastValue(v.back(), type) : Value::Null(type);
                                  }, false),
                                  t};
        };
      }
    }
    m["greatest"] = [](const std::vector<DataType>& args) -> Result<ResolvedFunction> {
      if (args.size() < 2) return ArgCountError("greatest");
      return ResolvedFunction{RowWise([](const std::vector<Value>& v, const DataType& t) -> Result<Value> {
                                const Value* best = &v[0];
                                for (const Value& x : v) if (CompareValues(x, *best) > 0) best = &x;
                                return CastValue(*best, t);
                              }),
                              CommonOf(args)};
    };
    m["least"] = [](const std::vector<DataType>& args) -> Result<ResolvedFunction> {
      if (args.size() < 2) return ArgCountError("least");
      return ResolvedFunction{RowWise([](const std::vector<Value>& v, const DataType& t) -> Result<Value> {
                                const Value* best = &v[0];
                                for (const Value& x : v) if (CompareValues(x, *best) < 0) best = &x;
                                return CastValue(*best, t);
                              }),
                              CommonOf(args)};
    };

    // Strings.
    m["concat"] = Simple("concat", 1, 1000, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      std::string out;
      for (const Value& x : v) out += x.ToString();
      return Value::String(std::move(out));
    });
    m["concat_ws"] = Simple("concat_ws", 2, 1000, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      if (v[0].is_null()) return Value::Null(DataType::Varchar());
      std::string out;
      bool first = true;
      for (size_t i = 1; i < v.size(); ++i) {
        if (v[i].is_null()) continue;
        if (!first) out += v[0].ToString();
        out += v[i].ToString();
        first = false;
      }
      return Value::String(std::move(out));
    }, false);
    m["upper"] = Simple("upper", 1, 1, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::String(ToUpper(v[0].ToString()));
    });
    m["ucase"] = m["upper"];
    m["lower"] = Simple("lower", 1, 1, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::String(ToLower(v[0].ToString()));
    });
    m["lcase"] = m["lower"];
    m["length"] = Simple("length", 1, 1, ReturnsBigInt, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::Int(static_cast<int64_t>(v[0].ToString().size()));
    });
    m["octet_length"] = m["length"];
    m["char_length"] = Simple("char_length", 1, 1, ReturnsBigInt, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::Int(static_cast<int64_t>(Utf8Length(v[0].ToString())));
    });
    m["character_length"] = m["char_length"];
    m["substring"] = Simple("substring", 2, 3, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::String(Utf8Substr(v[0].ToString(), v[1].AsInt(), v.size() > 2 ? v[2].AsInt() : INT64_MAX / 2));
    });
    m["substr"] = m["substring"];
    m["mid"] = m["substring"];
    m["left"] = Simple("left", 2, 2, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::String(Utf8Substr(v[0].ToString(), 1, v[1].AsInt()));
    });
    m["right"] = Simple("right", 2, 2, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      std::string s = v[0].ToString();
      int64_t n = static_cast<int64_t>(Utf8Length(s)), k = v[1].AsInt();
      if (k <= 0) return Value::String("");
      return Value::String(Utf8Substr(s, std::max<int64_t>(1, n - k + 1), k));
    });
    m["replace"] = Simple("replace", 3, 3, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      std::string s = v[0].ToString(), from = v[1].ToString(), to = v[2].ToString();
      if (from.empty()) return Value::String(s);
      std::string out;
      size_t pos = 0;
      while (true) {
        size_t hit = s.find(from, pos);
        if (hit == std::string::npos) break;
        out.append(s, pos, hit - pos);
        out += to;
        pos = hit + from.size();
      }
      out.append(s, pos);
      return Value::String(std::move(out));
    });
    m["trim"] = Simple("trim", 1, 2, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      if (v.size() == 1) {
        std::string s = v[0].ToString();
        size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
        return Value::String(b == std::string::npos ? "" : s.substr(b, e - b + 1));
      }
      // TRIM(remstr FROM str) arrives as (remstr, str).
      std::string rem = v[0].ToString(), s = v[1].ToString();
      if (!rem.empty()) {
        while (s.size() >= rem.size() && s.compare(0, rem.size(), rem) == 0) s.erase(0, rem.size());
        while (s.size() >= rem.size() && s.compare(s.size() - rem.size(), rem.size(), rem) == 0) s.resize(s.size() - rem.size());
      }
      return Value::String(s);
    });
    m["ltrim"] = Simple("ltrim", 1, 1, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      std::string s = v[0].ToString();
      size_t b = s.find_first_not_of(' ');
      return Value::String(b == std::string::npos ? "" : s.substr(b));
    });
    m["rtrim"] = Simple("rtrim", 1, 1, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      std::string s = v[0].ToString();
      size_t e = s.find_last_not_of(' ');
      return Value::String(e == std::string::npos ? "" : s.substr(0, e + 1));
    });
    m["lpad"] = Simple("lpad", 3, 3, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::String(Pad(v[0].ToString(), v[1].AsInt(), v[2].ToString(), true));
    });
    m["rpad"] = Simple("rpad", 3, 3, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::String(Pad(v[0].ToString(), v[1].AsInt(), v[2].ToString(), false));
    });
    m["repeat"] = Simple("repeat", 2, 2, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      std::string s = v[0].ToString();
      int64_t n = v[1].AsInt();
      if (n <= 0 || s.empty()) return Value::String("");
      if (static_cast<double>(s.size()) * static_cast<double>(n) > 64.0 * 1024 * 1024) {  // max_allowed_packet
        return Status::Sql(sql_errors::kWrongArguments, "repeat() result would exceed max_allowed_packet (64 MiB)");
      }
      std::string out;
      out.reserve(s.size() * static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) out += s;
      return Value::String(std::move(out));
    });
    m["reverse"] = Simple("reverse", 1, 1, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      std::string s = v[0].ToString();
      std::reverse(s.begin(), s.end());
      return Value::String(std::move(s));
    });
    m["instr"] = Simple("instr", 2, 2, ReturnsBigInt, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      std::string s = v[0].ToString();
      size_t hit = s.find(v[1].ToString());
      return Value::Int(hit == std::string::npos ? 0 : static_cast<int64_t>(Utf8Length(s.substr(0, hit))) + 1);
    });
    m["locate"] = Simple("locate", 2, 3, ReturnsBigInt, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      std::string needle = v[0].ToString(), s = v[1].ToString();
      int64_t start = v.size() > 2 ? v[2].AsInt() : 1;
      if (start < 1) return Value::Int(0);
      size_t from = Utf8Offset(s, start - 1);
      size_t hit = s.find(needle, from);
      return Value::Int(hit == std::string::npos ? 0 : static_cast<int64_t>(Utf8Length(s.substr(0, hit))) + 1);
    });
    m["strcmp"] = Simple("strcmp", 2, 2, ReturnsBigInt, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      int c = v[0].ToString().compare(v[1].ToString());
      return Value::Int(c < 0 ? -1 : c > 0 ? 1 : 0);
    });
    m["starts_with"] = Simple("starts_with", 2, 2, ReturnsBool, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::Bool(v[0].ToString().starts_with(v[1].ToString()));
    });
    m["ends_with"] = Simple("ends_with", 2, 2, ReturnsBool, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::Bool(v[0].ToString().ends_with(v[1].ToString()));
    });
    m["hex"] = Simple("hex", 1, 1, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      if (v[0].type().IsInteger()) {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%llX", static_cast<unsigned long long>(v[0].AsInt()));
        return Value::String(buf);
      }
      return Value::String(HexEncode(v[0].ToString()));
    });
    m["md5"] = Simple("md5", 1, 1, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      std::string s = v[0].ToString();
      unsigned char digest[EVP_MAX_MD_SIZE];
      unsigned int digest_len = 0;
      if (EVP_Digest(s.data(), s.size(), digest, &digest_len, EVP_md5(), nullptr) != 1) {
        return Status::Internal("md5 digest failed");
      }
      return Value::String(ToLower(HexEncode(std::string_view(reinterpret_cast<char*>(digest), digest_len))));
    });
    m["convert_using"] = Simple("convert", 1, 1, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::String(v[0].ToString());
    });
    m["space"] = Simple("space", 1, 1, ReturnsString, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      int64_t n = std::clamp<int64_t>(v[0].AsInt(), 0, 1 << 20);
      return Value::String(std::string(static_cast<size_t>(n), ' '));
    });

    // Math.
    m["abs"] = [](const std::vector<DataType>& args) -> Result<ResolvedFunction> {
      if (args.size() != 1) return ArgCountError("abs");
      DataType t = args[0].IsInteger() ? DataType::BigInt() : args[0].id == TypeId::kDecimal ? args[0] : DataType::Double();
      return ResolvedFunction{RowWise([](const std::vector<Value>& v, const DataType& type) -> Result<Value> {
                                if (type.id == TypeId::kDouble) return Value::Double(std::fabs(v[0].AsDouble()));
                                if (type.id == TypeId::kDecimal) return Value::Int(std::llabs(v[0].int_value()), type);
                                return Value::Int(std::llabs(v[0].AsInt()));
                              }),
                              t};
    };
    auto unary_double = [](std::string name, double (*f)(double)) {
      return Simple(name, 1, 1, ReturnsDouble, [f](const std::vector<Value>& v, const DataType&) -> Result<Value> {
        double r = f(v[0].AsDouble());
        if (std::isnan(r)) return Value::Null(DataType::Double());
        return Value::Double(r);
      });
    };
    m["sqrt"] = unary_double("sqrt", [](double x) { return std::sqrt(x); });
    m["ln"] = unary_double("ln", [](double x) { return x <= 0 ? NAN : std::log(x); });
    m["log10"] = unary_double("log10", [](double x) { return x <= 0 ? NAN : std::log10(x); });
    m["log2"] = unary_double("log2", [](double x) { return x <= 0 ? NAN : std::log2(x); });
    m["exp"] = unary_double("exp", [](double x) { return std::exp(x); });
    m["ceil"] = Simple("ceil", 1, 1, ReturnsBigInt, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::Int(static_cast<int64_t>(std::ceil(v[0].AsDouble())));
    });
    m["ceiling"] = m["ceil"];
    m["floor"] = Simple("floor", 1, 1, ReturnsBigInt, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::Int(static_cast<int64_t>(std::floor(v[0].AsDouble())));
    });
    m["round"] = [](const std::vector<DataType>& args) -> Result<ResolvedFunction> {
      if (args.empty() || args.size() > 2) return ArgCountError("round");
      DataType t = args[0].IsInteger() && args.size() == 1 ? DataType::BigInt() : DataType::Double();
      return ResolvedFunction{RowWise([](const std::vector<Value>& v, const DataType& type) -> Result<Value> {
                                int64_t digits = v.size() > 1 ? v[1].AsInt() : 0;
                                double scale = std::pow(10.0, static_cast<double>(digits));
                                double r = std::round(v[0].AsDouble() * scale) / scale;
                                if (type.id == TypeId::kBigInt) return Value::Int(static_cast<int64_t>(r));
                                return Value::Double(r);
                              }),
                              t};
    };
    m["truncate"] = Simple("truncate", 2, 2, ReturnsDouble, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      double scale = std::pow(10.0, static_cast<double>(v[1].AsInt()));
      return Value::Double(std::trunc(v[0].AsDouble() * scale) / scale);
    });
    m["pow"] = Simple("pow", 2, 2, ReturnsDouble, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      return Value::Double(std::pow(v[0].AsDouble(), v[1].AsDouble()));
    });
    m["power"] = m["pow"];
    m["pi"] = Simple("pi", 0, 0, ReturnsDouble, [](const std::vector<Value>&, const DataType&) -> Result<Value> {
      return Value::Double(M_PI);
    });
    m["sign"] = Simple("sign", 1, 1, ReturnsBigInt, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      double x = v[0].AsDouble();
      return Value::Int(x > 0 ? 1 : x < 0 ? -1 : 0);
    });

    // Dates (values are civil times without a zone). from_unixtime, unix_timestamp and now depend
    // on a time zone and are resolved by ResolveZoned below.
    m["date"] = Simple("date", 1, 1, [](const std::vector<DataType>&) { return DataType::Date(); },
                       [](const std::vector<Value>& v, const DataType& t) -> Result<Value> { return CastValue(v[0], t); });
    m["to_date"] = m["date"];
    auto date_part = [](std::string name, int part) {
      return Simple(name, 1, 1, ReturnsBigInt, [part](const std::vector<Value>& v, const DataType&) -> Result<Value> {
        ASSIGN_OR_RETURN(Value dt, CastValue(v[0], DataType::DateTime()));
        if (dt.is_null()) return Value::Null(DataType::BigInt());
        int64_t micros = dt.int_value();
        int64_t days = DateOfDateTime(micros);
        int64_t secs = (micros - days * 86400000000LL) / 1000000;
        int64_t y;
        unsigned mo, d;
        CivilFromDays(days, &y, &mo, &d);
        switch (part) {
          case 0: return Value::Int(y);
          case 1: return Value::Int(mo);
          case 2: return Value::Int(d);
          case 3: return Value::Int(secs / 3600);
          case 4: return Value::Int(secs / 60 % 60);
          default: return Value::Int(secs % 60);
        }
      });
    };
    m["year"] = date_part("year", 0);
    m["month"] = date_part("month", 1);
    m["day"] = date_part("day", 2);
    m["dayofmonth"] = m["day"];
    m["hour"] = date_part("hour", 3);
    m["minute"] = date_part("minute", 4);
    m["second"] = date_part("second", 5);
    m["datediff"] = Simple("datediff", 2, 2, ReturnsBigInt, [](const std::vector<Value>& v, const DataType&) -> Result<Value> {
      ASSIGN_OR_RETURN(Value a, CastValue(v[0], DataType::Date()));
      ASSIGN_OR_RETURN(Value b, CastValue(v[1], DataType::Date()));
      if (a.is_null() || b.is_null()) return Value::Null(DataType::BigInt());
      return Value::Int(a.int_value() - b.int_value());
    });
    return r;
  }();
  return *kRegistry;
}

// The functions whose result depends on the time zone (time_zone.h), or nullopt for any other
// name.
std::optional<Result<ResolvedFunction>> ResolveZoned(std::string_view name, const std::vector<DataType>& args,
                                                     const TimeZone& zone) {
  if (name == "from_unixtime") {
    if (args.size() != 1) return Result<ResolvedFunction>(ArgCountError(name));
    // As StarRocks: NULL for instants before 1970 or after 9999-12-31 23:59:59 in any zone.
    constexpr int64_t kMaxUnixTimestamp = 253402243199;
    return Result<ResolvedFunction>(ResolvedFunction{
        RowWise([zone](const std::vector<Value>& v, const DataType& t) -> Result<Value> {
          int64_t seconds = v[0].AsInt();
          if (seconds < 0 || seconds > kMaxUnixTimestamp) return Value::Null(t);
          return Value::Int(zone.CivilMicrosFromEpochSeconds(seconds), t);
        }),
        DataType::DateTime()});
  }
  if (name == "unix_timestamp") {
    // unix_timestamp() without arguments is folded by the FE binder (the statement's start).
    if (args.size() != 1) return Result<ResolvedFunction>(ArgCountError(name));
    return Result<ResolvedFunction>(ResolvedFunction{
        RowWise([zone](const std::vector<Value>& v, const DataType&) -> Result<Value> {
          ASSIGN_OR_RETURN(Value dt, CastValue(v[0], DataType::DateTime()));
          if (dt.is_null()) return Value::Null(DataType::BigInt());
          return Value::Int(zone.EpochSecondsFromCivilMicros(dt.int_value()));
        }),
        DataType::BigInt()});
  }
  if (name == "now" || name == "current_timestamp" || name == "localtime" || name == "localtimestamp") {
    // SELECT folds these at bind time (the statement's start); a load evaluates them per chunk
    // (the FE binder leaves them unfolded for it, BindContext::defer_clock_functions).
    if (!args.empty()) return Result<ResolvedFunction>(ArgCountError(name));
    ScalarKernel kernel = [zone](const std::vector<ColumnPtr>&, size_t rows, const DataType& type) -> Result<ColumnPtr> {
      int64_t seconds = static_cast<int64_t>(std::time(nullptr));
      return Column::MakeConstant(Value::Int(zone.CivilMicrosFromEpochSeconds(seconds), type), rows);
    };
    return Result<ResolvedFunction>(ResolvedFunction{std::move(kernel), DataType::DateTime()});
  }
  if (name == "curdate" || name == "current_date") {
    if (!args.empty()) return Result<ResolvedFunction>(ArgCountError(name));
    ScalarKernel kernel = [zone](const std::vector<ColumnPtr>&, size_t rows, const DataType& type) -> Result<ColumnPtr> {
      int64_t micros = zone.CivilMicrosFromEpochSeconds(static_cast<int64_t>(std::time(nullptr)));
      return Column::MakeConstant(Value::Int(DateOfDateTime(micros), type), rows);
    };
    return Result<ResolvedFunction>(ResolvedFunction{std::move(kernel), DataType::Date()});
  }
  return std::nullopt;
}

}  // namespace

// Derived from ResolveZoned so the list of zone-dependent names lives in one place. For those
// names this builds a kernel only to drop it, which is rare (a few calls per statement).
bool IsTimeZoneDependent(std::string_view name) { return ResolveZoned(name, {}, TimeZone()).has_value(); }

Result<ResolvedFunction> ResolveFunction(std::string_view name, const std::vector<DataType>& arg_types) {
  return ResolveFunction(name, arg_types, FunctionContext{});
}

Result<ResolvedFunction> ResolveFunction(std::string_view name, const std::vector<DataType>& arg_types,
                                         const FunctionContext& context) {
  if (auto zoned = ResolveZoned(name, arg_types, context.time_zone)) return std::move(*zoned);
  const auto& registry = Registry();
  auto it = registry.find(std::string(name));
  if (it == registry.end() || !it->second) {
    return Status::Sql(sql_errors::kFunctionNotExists, "No matching function with signature: " + std::string(name) + "(" +
                                                           [&] {
                                                             std::string s;
                                                             for (size_t i = 0; i < arg_types.size(); ++i) {
                                                               if (i) s += ", ";
                                                               s += arg_types[i].ToSql();
                                                             }
                                                             return s;
                                                           }() + ").");
  }
  return it->second(arg_types);
}

}  // namespace basalt
