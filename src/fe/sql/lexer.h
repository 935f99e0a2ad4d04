// Lexer for the StarRocks/MySQL SQL dialect.
//
// Produces tokens with byte offsets into the original text (so the parser can name the text of a
// select item exactly as written, which is how MySQL names unaliased result columns) and 1-based
// line/column for error messages.
//
// Handled: `-- `, `#` and `/* */` comments; `/*!40101 ... */` versioned comments, whose body is
// SQL (clients and dump tools send `/*!40101 SET ... */`); `/*+ ... */` hints (skipped for now);
// '...' and "..." strings (StarRocks treats double quotes as strings) with backslash escapes and
// doubled quotes; `quoted` identifiers; integer/decimal/exponent numbers; multi-char operators.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace basalt::sql {

enum class TokenKind : uint8_t {
  kEnd,
  kIdentifier,        // bare word (keywords are identifiers the parser recognises by text)
  kQuotedIdentifier,  // `name`
  kString,            // 'text' or "text", unescaped in `text`
  kInteger,
  kDecimal,           // has a '.' or exponent
  kOperator,          // punctuation and operators, text holds it: "(", "<=", ":=", ...
  kPlaceholder,       // ?
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;    // Unescaped value for strings/quoted identifiers; raw text otherwise.
  uint32_t begin = 0;  // Byte offsets of the token in the source, [begin, end).
  uint32_t end = 0;
  uint32_t line = 1;
  uint32_t column = 1;
};

// Splits `sql` into tokens, ending with a kEnd token. Fails (1064) on an unterminated string,
// identifier or comment, or a character that starts no token.
Result<std::vector<Token>> Tokenize(std::string_view sql);

}  // namespace basalt::sql
