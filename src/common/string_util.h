// Small string helpers used across modules. ASCII only: SQL keywords and identifiers are compared
// case-insensitively in ASCII, as MySQL does for identifiers with lower_case_table_names = 0 rules
// applied elsewhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace basalt {

std::string_view Trim(std::string_view s);
std::vector<std::string_view> SplitLines(std::string_view text);
std::vector<std::string_view> Split(std::string_view text, char sep);
std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);
// Strict: the whole string must be an optional sign followed by digits, within int64 range.
bool ParseInt64(std::string_view s, int64_t* out);
bool ParseDouble(std::string_view s, double* out);
// SQL LIKE with % and _ wildcards and backslash escape; case-insensitive when asked.
bool LikeMatch(std::string_view text, std::string_view pattern, bool case_insensitive);
std::string HexEncode(std::string_view bytes);
// `s` as a double-quoted SQL string literal that Basalt's lexer (and MySQL's) reads back as `s`:
// quotes, backslashes and control bytes are backslash-escaped. For statements Basalt prints
// (SHOW CREATE TABLE, SHOW CREATE ROUTINE LOAD).
std::string SqlStringLiteral(std::string_view s);
// `name` as a backquoted identifier (a backquote inside is doubled).
std::string SqlIdentifier(std::string_view name);
// A random (version 4) UUID in its 36-character text form, e.g. for INSERT labels, routine load
// task ids and consumer group ids.
std::string NewUuid();

}  // namespace basalt
