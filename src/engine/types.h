// Logical SQL types shared by the FE (analysis, constant folding, system tables) and the CN
// (execution, storage). The set follows StarRocks' types (shared spec starrocks_surface.md §5.7).
//
// Physical representation inside a Column (see column.h):
//   BOOLEAN, TINYINT..BIGINT      int64
//   DATE                          int64 days since 1970-01-01
//   DATETIME                      int64 microseconds since 1970-01-01 00:00:00 (no time zone)
//   FLOAT, DOUBLE                 double
//   DECIMAL(p,s)                  int64 scaled by 10^s when p <= 18, else string (until the
//                                 128-bit decimal lands)
//   CHAR, VARCHAR, STRING, JSON,  string
//   LARGEINT, BINARY/VARBINARY    string
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace basalt {

enum class TypeId : uint8_t {
  kNull = 0,  // The type of a bare NULL literal before it is coerced.
  kBoolean,
  kTinyInt,
  kSmallInt,
  kInt,
  kBigInt,
  kLargeInt,
  kFloat,
  kDouble,
  kDecimal,
  kDate,
  kDateTime,
  kChar,
  kVarchar,
  kString,
  kBinary,
  kVarbinary,
  kJson,
};

enum class PhysicalType : uint8_t { kInt64, kDouble, kString };

struct DataType {
  TypeId id = TypeId::kNull;
  int32_t length = -1;    // CHAR/VARCHAR/BINARY length; -1 = unspecified.
  int16_t precision = 0;  // DECIMAL precision.
  int16_t scale = 0;      // DECIMAL scale.

  static DataType Null() { return {TypeId::kNull}; }
  static DataType Boolean() { return {TypeId::kBoolean}; }
  static DataType BigInt() { return {TypeId::kBigInt}; }
  static DataType Int() { return {TypeId::kInt}; }
  static DataType Double() { return {TypeId::kDouble}; }
  static DataType Varchar(int32_t length = -1) { return {TypeId::kVarchar, length}; }
  static DataType String() { return {TypeId::kString}; }
  static DataType Date() { return {TypeId::kDate}; }
  static DataType DateTime() { return {TypeId::kDateTime}; }
  static DataType Decimal(int16_t precision, int16_t scale) {
    return {TypeId::kDecimal, -1, precision, scale};
  }

  bool IsInteger() const;   // BOOLEAN and TINYINT..BIGINT.
  bool IsNumeric() const;   // Integers, FLOAT, DOUBLE, DECIMAL, LARGEINT.
  bool IsStringLike() const;
  bool IsTemporal() const { return id == TypeId::kDate || id == TypeId::kDateTime; }
  PhysicalType physical() const;

  // The type as StarRocks prints it in DESC / SHOW CREATE TABLE, e.g. "bigint(20)", "varchar(65533)".
  std::string ToSql() const;
  bool operator==(const DataType&) const = default;
};

// Parses a type name as written in DDL (case-insensitive): "bigint", "string", "varchar(10)",
// "decimal(10,2)", "datetime", ... Arguments are passed separately by the parser.
Result<DataType> DataTypeFromName(std::string_view name, int64_t arg1 = -1, int64_t arg2 = -1);

// The common type two values are compared / combined in (MySQL-like rules: int op int -> int,
// anything with double -> double, string vs number -> double).
DataType CommonType(const DataType& a, const DataType& b);

// Days since epoch <-> civil date (proleptic Gregorian), used by DATE/DATETIME formatting.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);
std::string FormatDate(int64_t days);
std::string FormatDateTime(int64_t micros, int fractional_digits = 0);
// The DATE (days since 1970-01-01) holding a DATETIME (microseconds since 1970-01-01 00:00:00):
// floor division, so instants before 1970 fall on the day before, not the day after.
inline int64_t DateOfDateTime(int64_t micros) {
  constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
  return micros / kMicrosPerDay - (micros % kMicrosPerDay < 0 ? 1 : 0);
}
bool ParseDate(std::string_view text, int64_t* days);
bool ParseDateTime(std::string_view text, int64_t* micros);

}  // namespace basalt
