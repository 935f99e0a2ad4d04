#include "engine/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace basalt {

std::string FormatDouble(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return "0";
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  std::string out(buf, ptr);
  // to_chars prints 1e+20 as "1e+20"; MySQL prints "1e20".
  if (size_t e = out.find("e+"); e != std::string::npos) out.erase(e + 1, 1);
  return out;
}

std::string FormatScaledDecimal(int64_t scaled, int scale) {
  bool negative = scaled < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(scaled) : static_cast<uint64_t>(scaled);
  std::string digits = std::to_string(magnitude);
  if (scale > 0) {
    if (static_cast<int>(digits.size()) <= scale) digits.insert(0, scale - digits.size() + 1, '0');
    digits.insert(digits.size() - scale, ".");
  }
  return negative ? "-" + digits : digits;
}

double ParseNumericPrefix(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
  std::string prefix;
  size_t j = i;
  if (j < text.size() && (text[j] == '-' || text[j] == '+')) ++j;
  while (j < text.size() && ((text[j] >= '0' && text[j] <= '9') || text[j] == '.' || text[j] == 'e' ||
                             text[j] == 'E' ||
                             ((text[j] == '-' || text[j] == '+') && (text[j - 1] == 'e' || text[j - 1] == 'E')))) {
    ++j;
  }
  prefix.assign(text.substr(i, j - i));
  if (prefix.empty()) return 0;
  return std::strtod(prefix.c_str(), nullptr);
}

std::string Value::ToString() const {
  if (is_null()) return "NULL";
  if (std::holds_alternative<double>(data_)) return FormatDouble(double_value());
  if (std::holds_alternative<std::string>(data_)) return string_value();
  int64_t v = int_value();
  switch (type_.id) {
    case TypeId::kDate: return FormatDate(v);
    case TypeId::kDateTime: return FormatDateTime(v);
    case TypeId::kDecimal: return FormatScaledDecimal(v, type_.scale);
    default: return std::to_string(v);
  }
}

double Value::AsDouble() const {
  if (is_null()) return 0;
  if (std::holds_alternative<double>(data_)) return double_value();
  if (std::holds_alternative<std::string>(data_)) return ParseNumericPrefix(string_value());
  if (type_.id == TypeId::kDecimal) return static_cast<double>(int_value()) / std::pow(10.0, type_.scale);
  return static_cast<double>(int_value());
}

int64_t Value::AsInt() const {
  if (is_null()) return 0;
  if (std::holds_alternative<int64_t>(data_) && type_.id != TypeId::kDecimal) return int_value();
  return static_cast<int64_t>(std::llround(AsDouble()));
}

}  // namespace basalt
