#include "fe/sql/lexer.h"

#include <cctype>

#include "common/sql_errors.h"

namespace basalt::sql {
namespace {

bool IsIdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c == '$' || c >= 0x80; }
bool IsIdentChar(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    while (true) {
      RETURN_IF_ERROR(SkipSpaceAndComments());
      Token token;
      token.begin = static_cast<uint32_t>(pos_);
      token.line = line_;
      token.column = static_cast<uint32_t>(pos_ - line_start_ + 1);
      if (pos_ >= sql_.size()) {
        token.kind = TokenKind::kEnd;
        token.end = token.begin;
        tokens.push_back(std::move(token));
        return tokens;
      }
      RETURN_IF_ERROR(Next(&token));
      token.end = static_cast<uint32_t>(pos_);
      // Every token consumes input; anything else would loop forever on hostile text.
      if (token.end == token.begin) return Error("unexpected character");
      tokens.push_back(std::move(token));
    }
  }

 private:
  Status Error(const std::string& what) const {
    return Status::Sql(sql_errors::kParseError, "Getting syntax error at line " + std::to_string(line_) +
                                                    ", column " + std::to_string(pos_ - line_start_ + 1) +
                                                    ". Detail message: " + what + ".");
  }

  void Advance() {
    if (sql_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }
  char Peek(size_t ahead = 0) const { return pos_ + ahead < sql_.size() ? sql_[pos_ + ahead] : '\0'; }

  Status SkipSpaceAndComments() {
    while (pos_ < sql_.size()) {
      char c = sql_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        Advance();
      } else if (c == '#' || (c == '-' && Peek(1) == '-' &&
                              (Peek(2) == '\0' || std::isspace(static_cast<unsigned char>(Peek(2)))))) {
        while (pos_ < sql_.size() && sql_[pos_] != '\n') Advance();
      } else if (c == '/' && Peek(1) == '*' && Peek(2) == '!') {
        // Versioned comment: the body is SQL. Skip the marker and optional version number, and
        // remember that the matching "*/" is whitespace.
        pos_ += 3;
        while (std::isdigit(static_cast<unsigned char>(Peek()))) ++pos_;
        ++open_versioned_comments_;
      } else if (c == '*' && Peek(1) == '/' && open_versioned_comments_ > 0) {
        pos_ += 2;
        --open_versioned_comments_;
      } else if (c == '/' && Peek(1) == '*') {
        size_t start_line = line_;
        pos_ += 2;
        while (pos_ < sql_.size() && !(sql_[pos_] == '*' && Peek(1) == '/')) Advance();
        if (pos_ >= sql_.size()) {
          return Error("unterminated comment starting at line " + std::to_string(start_line));
        }
        pos_ += 2;
      } else {
        break;
      }
    }
    return Status::OK();
  }

  Status Next(Token* token) {
    unsigned char c = static_cast<unsigned char>(sql_[pos_]);
    if ((c == 'x' || c == 'X' || c == 'b' || c == 'B') && Peek(1) == '\'') {
      return HexOrBitString(token);
    }
    if (IsIdentStart(c)) return Word(token);
    if (std::isdigit(c) || (c == '.' && std::isdigit(static_cast<unsigned char>(Peek(1))))) {
      return Number(token);
    }
    if (c == '\'' || c == '"') return QuotedString(token, static_cast<char>(c));
    if (c == '`') return QuotedIdentifier(token);
    if (c == '?') {
      token->kind = TokenKind::kPlaceholder;
      token->text = "?";
      ++pos_;
      return Status::OK();
    }
    static constexpr std::string_view kThree[] = {"<=>"};
    static constexpr std::string_view kTwo[] = {"<=", ">=", "<>", "!=", ":=", "||", "&&", "<<", ">>", "->", "@@"};
    for (std::string_view op : kThree) {
      if (sql_.substr(pos_, op.size()) == op) return Operator(token, op.size());
    }
    for (std::string_view op : kTwo) {
      if (sql_.substr(pos_, op.size()) == op) return Operator(token, op.size());
    }
    if (std::string_view("()[]{},;.+-*/%=<>!~^&|:@").find(static_cast<char>(c)) != std::string_view::npos) {
      return Operator(token, 1);
    }
    return Error(std::string("unexpected character '") + static_cast<char>(c) + "'");
  }

  Status Word(Token* token) {
    size_t start = pos_;
    while (pos_ < sql_.size() && IsIdentChar(static_cast<unsigned char>(sql_[pos_]))) ++pos_;
    token->kind = TokenKind::kIdentifier;
    token->text.assign(sql_.substr(start, pos_ - start));
    return Status::OK();
  }

  Status HexOrBitString(Token* token) {
    // X'4142' and B'0101' literals: decode to the byte string they denote.
    bool hex = sql_[pos_] == 'x' || sql_[pos_] == 'X';
    pos_ += 2;
    size_t start = pos_;
    while (pos_ < sql_.size() && sql_[pos_] != '\'') ++pos_;
    if (pos_ >= sql_.size()) return Error("unterminated hex/bit literal");
    std::string_view digits = sql_.substr(start, pos_ - start);
    ++pos_;
    std::string bytes;
    if (hex) {
      if (digits.size() % 2 != 0) return Error("hex literal needs an even number of digits");
      for (size_t i = 0; i < digits.size(); i += 2) {
        auto nibble = [](char h) -> int {
          if (h >= '0' && h <= '9') return h - '0';
          if (h >= 'a' && h <= 'f') return h - 'a' + 10;
          if (h >= 'A' && h <= 'F') return h - 'A' + 10;
          return -1;
        };
        int hi = nibble(digits[i]), lo = nibble(digits[i + 1]);
        if (hi < 0 || lo < 0) return Error("invalid hex literal");
        bytes += static_cast<char>(hi * 16 + lo);
      }
    } else {
      uint64_t v = 0;
      for (char b : digits) {
        if (b != '0' && b != '1') return Error("invalid bit literal");
        v = v * 2 + (b - '0');
      }
      token->kind = TokenKind::kInteger;
      token->text = std::to_string(v);
      return Status::OK();
    }
    token->kind = TokenKind::kString;
    token->text = std::move(bytes);
    return Status::OK();
  }

  Status Number(Token* token) {
    size_t start = pos_;
    bool is_decimal = false;
    if (sql_[pos_] == '0' && (Peek(1) == 'x' || Peek(1) == 'X') &&
        std::isxdigit(static_cast<unsigned char>(Peek(2)))) {
      pos_ += 2;
      uint64_t v = 0;
      while (pos_ < sql_.size() && std::isxdigit(static_cast<unsigned char>(sql_[pos_]))) {
        char h = sql_[pos_++];
        v = v * 16 + static_cast<uint64_t>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (h | 0x20) - 'a' + 10);
      }
      token->kind = TokenKind::kInteger;
      token->text = std::to_string(v);
      return Status::OK();
    }
    while (std::isdigit(static_cast<unsigned char>(Peek()))) ++pos_;
    if (Peek() == '.') {
      is_decimal = true;
      ++pos_;
      while (std::isdigit(static_cast<unsigned char>(Peek()))) ++pos_;
    }
    if ((Peek() == 'e' || Peek() == 'E') &&
        (std::isdigit(static_cast<unsigned char>(Peek(1))) ||
         ((Peek(1) == '-' || Peek(1) == '+') && std::isdigit(static_cast<unsigned char>(Peek(2)))))) {
      is_decimal = true;
      pos_ += 2;
      while (std::isdigit(static_cast<unsigned char>(Peek()))) ++pos_;
    }
    if (!is_decimal && IsIdentChar(static_cast<unsigned char>(Peek()))) {
      // "1abc" is an identifier in MySQL; "123e" too. Treat the whole run as a word.
      pos_ = start;
      return Word(token);
    }
    token->kind = is_decimal ? TokenKind::kDecimal : TokenKind::kInteger;
    token->text.assign(sql_.substr(start, pos_ - start));
    return Status::OK();
  }

  Status QuotedString(Token* token, char quote) {
    size_t start_line = line_;
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ >= sql_.size()) {
        return Error("unterminated string starting at line " + std::to_string(start_line));
      }
      char c = sql_[pos_];
      if (c == quote) {
        if (Peek(1) == quote) {
          out += quote;
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      if (c == '\\' && pos_ + 1 < sql_.size()) {
        char e = sql_[pos_ + 1];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case '0': out += '\0'; break;
          case 'b': out += '\b'; break;
          case 'Z': out += '\x1a'; break;
          // LIKE wildcards keep their backslash so the pattern still sees an escaped wildcard.
          case '%': out += "\\%"; break;
          case '_': out += "\\_"; break;
          default: out += e; break;
        }
        Advance();
        Advance();
        continue;
      }
      out += c;
      Advance();
    }
    token->kind = TokenKind::kString;
    token->text = std::move(out);
    return Status::OK();
  }

  Status QuotedIdentifier(Token* token) {
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ >= sql_.size()) return Error("unterminated quoted identifier");
      if (sql_[pos_] == '`') {
        if (Peek(1) == '`') {
          out += '`';
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      out += sql_[pos_];
      Advance();
    }
    token->kind = TokenKind::kQuotedIdentifier;
    token->text = std::move(out);
    return Status::OK();
  }

  Status Operator(Token* token, size_t length) {
    token->kind = TokenKind::kOperator;
    token->text.assign(sql_.substr(pos_, length));
    pos_ += length;
    return Status::OK();
  }

  std::string_view sql_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
  int open_versioned_comments_ = 0;
};

}  // namespace

Result<std::vector<Token>> Tokenize(std::string_view sql) { return Lexer(sql).Run(); }

}  // namespace basalt::sql
