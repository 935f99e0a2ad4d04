#include "engine/types.h"

#include <cstdio>

#include "common/string_util.h"

namespace basalt {

bool DataType::IsInteger() const {
  switch (id) {
    case TypeId::kBoolean:
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kBigInt:
      return true;
    default:
      return false;
  }
}

bool DataType::IsNumeric() const {
  return IsInteger() || id == TypeId::kFloat || id == TypeId::kDouble || id == TypeId::kDecimal ||
         id == TypeId::kLargeInt;
}

bool DataType::IsStringLike() const {
  switch (id) {
    case TypeId::kChar:
    case TypeId::kVarchar:
    case TypeId::kString:
    case TypeId::kJson:
    case TypeId::kBinary:
    case TypeId::kVarbinary:
      return true;
    default:
      return false;
  }
}

PhysicalType DataType::physical() const {
  switch (id) {
    case TypeId::kFloat:
    case TypeId::kDouble:
      return PhysicalType::kDouble;
    case TypeId::kDecimal:
      return precision <= 18 ? PhysicalType::kInt64 : PhysicalType::kString;
    case TypeId::kChar:
    case TypeId::kVarchar:
    case TypeId::kString:
    case TypeId::kJson:
    case TypeId::kBinary:
    case TypeId::kVarbinary:
    case TypeId::kLargeInt:
      return PhysicalType::kString;
    default:
      return PhysicalType::kInt64;
  }
}

std::string DataType::ToSql() const {
  switch (id) {
    case TypeId::kNull: return "null";
    case TypeId::kBoolean: return "boolean";
    case TypeId::kTinyInt: return "tinyint(4)";
    case TypeId::kSmallInt: return "smallint(6)";
    case TypeId::kInt: return "int(11)";
    case TypeId::kBigInt: return "bigint(20)";
    case TypeId::kLargeInt: return "largeint(40)";
    case TypeId::kFloat: return "float";
    case TypeId::kDouble: return "double";
    case TypeId::kDecimal:
      return "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    case TypeId::kDate: return "date";
    case TypeId::kDateTime: return "datetime";
    case TypeId::kChar: return "char(" + std::to_string(length < 0 ? 1 : length) + ")";
    case TypeId::kVarchar: return "varchar(" + std::to_string(length < 0 ? 65533 : length) + ")";
    case TypeId::kString: return "varchar(65533)";
    case TypeId::kBinary: return "binary";
    case TypeId::kVarbinary: return "varbinary";
    case TypeId::kJson: return "json";
  }
  return "unknown";
}

Result<DataType> DataTypeFromName(std::string_view name, int64_t arg1, int64_t arg2) {
  std::string n = ToLower(name);
  auto no_args = [&](DataType t) -> Result<DataType> { return t; };
  if (n == "boolean" || n == "bool") return no_args({TypeId::kBoolean});
  if (n == "tinyint") return no_args({TypeId::kTinyInt});
  if (n == "smallint") return no_args({TypeId::kSmallInt});
  if (n == "int" || n == "integer") return no_args({TypeId::kInt});
  if (n == "bigint") return no_args({TypeId::kBigInt});
  if (n == "largeint") return no_args({TypeId::kLargeInt});
  if (n == "float") return no_args({TypeId::kFloat});
  if (n == "double") return no_args({TypeId::kDouble});
  if (n == "date") return no_args({TypeId::kDate});
  if (n == "datetime" || n == "timestamp") return no_args({TypeId::kDateTime});
  if (n == "string" || n == "text") return DataType{TypeId::kString, 65533};
  if (n == "json") return no_args({TypeId::kJson});
  if (n == "binary" || n == "varbinary") {
    return DataType{n == "binary" ? TypeId::kBinary : TypeId::kVarbinary, static_cast<int32_t>(arg1)};
  }
  if (n == "char") {
    if (arg1 == 0 || arg1 > 255) return Status::InvalidArgument("char length must be between 1 and 255");
    return DataType{TypeId::kChar, static_cast<int32_t>(arg1 < 0 ? 1 : arg1)};
  }
  if (n == "varchar") {
    if (arg1 == 0 || arg1 > 1048576) {
      return Status::InvalidArgument("varchar length must be between 1 and 1048576");
    }
    return DataType{TypeId::kVarchar, static_cast<int32_t>(arg1 < 0 ? 1 : arg1)};
  }
  if (n == "decimal" || n == "decimalv2" || n == "decimal32" || n == "decimal64" ||
      n == "decimal128" || n == "numeric") {
    int64_t precision = arg1 < 0 ? 10 : arg1;
    int64_t scale = arg2 < 0 ? 0 : arg2;
    if (precision < 1 || precision > 38) {
      return Status::InvalidArgument("DECIMAL precision must be between 1 and 38, got " + std::to_string(precision));
    }
    if (scale > precision) {
      return Status::InvalidArgument("DECIMAL scale " + std::to_string(scale) + " exceeds precision " +
                                     std::to_string(precision));
    }
    return DataType::Decimal(static_cast<int16_t>(precision), static_cast<int16_t>(scale));
  }
  return Status::InvalidArgument("unknown type '" + std::string(name) + "'");
}

DataType CommonType(const DataType& a, const DataType& b) {
  if (a.id == TypeId::kNull) return b;
  if (b.id == TypeId::kNull) return a;
  if (a == b) return a;
  if (a.IsInteger() && b.IsInteger()) return DataType::BigInt();
  if (a.IsStringLike() && b.IsStringLike()) return DataType::Varchar();
  if (a.IsTemporal() && b.IsTemporal()) return DataType::DateTime();
  if (a.IsTemporal() && b.IsStringLike()) return a;
  if (b.IsTemporal() && a.IsStringLike()) return b;
  if (a.id == TypeId::kDecimal && b.IsInteger()) return a;
  if (b.id == TypeId::kDecimal && a.IsInteger()) return b;
  return DataType::Double();
}

// Civil date <-> day number by the era / day-of-era method (400-year cycles of 146097 days).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2);
}

std::string FormatDate(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

std::string FormatDateTime(int64_t micros, int fractional_digits) {
  int64_t days = micros / 86400000000LL;
  int64_t rem = micros % 86400000000LL;
  if (rem < 0) {
    rem += 86400000000LL;
    days -= 1;
  }
  int64_t secs = rem / 1000000;
  int64_t frac = rem % 1000000;
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%s %02lld:%02lld:%02lld", FormatDate(days).c_str(),
                        static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                        static_cast<long long>(secs % 60));
  std::string out(buf, n);
  if (fractional_digits > 0) {
    char fbuf[16];
    std::snprintf(fbuf, sizeof(fbuf), ".%06lld", static_cast<long long>(frac));
    out.append(fbuf, 1 + std::min(fractional_digits, 6));
  }
  return out;
}

namespace {

bool ParseFixedDigits(std::string_view s, size_t* pos, int max_digits, int64_t* out) {
  int64_t v = 0;
  int n = 0;
  while (*pos < s.size() && n < max_digits && s[*pos] >= '0' && s[*pos] <= '9') {
    v = v * 10 + (s[*pos] - '0');
    ++*pos;
    ++n;
  }
  *out = v;
  return n > 0;
}

bool ValidDate(int64_t y, int64_t m, int64_t d) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 0 || y > 9999 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  if (m == 2 && d == 29) return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return true;
}

}  // namespace

bool ParseDate(std::string_view text, int64_t* days) {
  int64_t micros;
  if (!ParseDateTime(text, &micros)) return false;
  *days = micros / 86400000000LL - (micros % 86400000000LL < 0 ? 1 : 0);
  return true;
}

bool ParseDateTime(std::string_view text, int64_t* micros) {
  text = Trim(text);
  size_t pos = 0;
  int64_t y, m, d, hh = 0, mm = 0, ss = 0, frac = 0;
  if (!ParseFixedDigits(text, &pos, 4, &y) || pos >= text.size() || text[pos++] != '-') return false;
  if (!ParseFixedDigits(text, &pos, 2, &m) || pos >= text.size() || text[pos++] != '-') return false;
  if (!ParseFixedDigits(text, &pos, 2, &d)) return false;
  if (!ValidDate(y, m, d)) return false;
  if (pos < text.size()) {
    if (text[pos] != ' ' && text[pos] != 'T') return false;
    ++pos;
    if (!ParseFixedDigits(text, &pos, 2, &hh) || pos >= text.size() || text[pos++] != ':') return false;
    if (!ParseFixedDigits(text, &pos, 2, &mm)) return false;
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!ParseFixedDigits(text, &pos, 2, &ss)) return false;
    }
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      size_t start = pos;
      if (!ParseFixedDigits(text, &pos, 6, &frac)) return false;
      for (size_t i = pos - start; i < 6; ++i) frac *= 10;
    }
    if (pos != text.size() || hh > 23 || mm > 59 || ss > 59) return false;
  }
  *micros = (DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * 86400 + hh * 3600 +
             mm * 60 + ss) * 1000000 + frac;
  return true;
}

}  // namespace basalt
