// Value: one typed scalar, used for literals, session variables and row-at-a-time edges
// (result encoding, tests). Hot paths work on Columns, not Values.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "engine/types.h"

namespace basalt {

class Value {
 public:
  Value() = default;  // NULL of type NULL.
  static Value Null(DataType type = DataType::Null()) { return Value(type, std::monostate{}); }
  static Value Int(int64_t v, DataType type = DataType::BigInt()) { return Value(type, v); }
  static Value Bool(bool v) { return Value(DataType::Boolean(), int64_t{v ? 1 : 0}); }
  static Value Double(double v) { return Value(DataType::Double(), v); }
  static Value String(std::string v, DataType type = DataType::Varchar()) {
    return Value(type, std::move(v));
  }

  const DataType& type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(data_); }
  int64_t int_value() const { return std::get<int64_t>(data_); }
  double double_value() const { return std::get<double>(data_); }
  const std::string& string_value() const { return std::get<std::string>(data_); }

  // Text as the MySQL text protocol would send it; "NULL" for null (callers check is_null first
  // when they need the wire NULL).
  std::string ToString() const;
  // Interpretations used by SET and comparisons; string -> number parses a numeric prefix.
  double AsDouble() const;
  int64_t AsInt() const;
  bool AsBool() const { return AsDouble() != 0; }

 private:
  using Data = std::variant<std::monostate, int64_t, double, std::string>;
  Value(DataType type, Data data) : type_(type), data_(std::move(data)) {}
  DataType type_;
  Data data_;
};

// Shortest text that round-trips, the way MySQL prints DOUBLE ("0.1", "1e20", "3").
std::string FormatDouble(double v);
// Decimal stored as an integer scaled by 10^scale.
std::string FormatScaledDecimal(int64_t scaled, int scale);
// Parses a leading number from text as MySQL does for string->number coercion ("12abc" -> 12).
double ParseNumericPrefix(std::string_view text);

}  // namespace basalt
