#include "fe/sql/parser.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "common/sql_errors.h"
#include "common/string_util.h"
#include "fe/sql/lexer.h"

namespace basalt::sql {
namespace {

// Words that cannot be an implicit alias or a bare column name without backticks.
const std::unordered_set<std::string>& ReservedWords() {
  static const auto* kWords = new std::unordered_set<std::string>{
      "ALL",    "AND",    "AS",      "ASC",    "BETWEEN", "BY",     "CASE",   "CROSS",  "DESC",
      "DISTINCT", "DIV",  "ELSE",    "END",    "EXISTS",  "FALSE",  "FOR",    "FROM",   "FULL",
      "GROUP",  "HAVING", "IN",      "INNER",  "INTERVAL", "IS",    "JOIN",   "LEFT",   "LIKE",
      "LIMIT",  "MOD",    "NOT",     "NULL",   "OFFSET",  "ON",     "OR",     "ORDER",  "OUTER",
      "REGEXP", "RIGHT",  "RLIKE",   "SELECT", "THEN",    "TRUE",   "UNION",  "USING",  "WHEN",
      "WHERE",  "XOR",    "INTO",    "SET",    "VALUES",  "WITH",   "UNKNOWN", "EXCEPT", "INTERSECT",
      "MINUS"};
  return *kWords;
}

class Parser {
 public:
  Parser(std::string_view sql, std::vector<Token> tokens) : sql_(sql), tokens_(std::move(tokens)) {}

  Result<std::vector<std::unique_ptr<Statement>>> ParseAll() {
    std::vector<std::unique_ptr<Statement>> statements;
    while (true) {
      while (IsOp(";")) Advance();
      if (AtEnd()) break;
      placeholders_ = 0;
      ASSIGN_OR_RETURN(auto stmt, ParseOne());
      stmt->num_placeholders = placeholders_;
      statements.push_back(std::move(stmt));
      if (AtEnd()) break;
      if (!IsOp(";")) return Unexpected("end of statement");
    }
    return statements;
  }

 private:
  // ---- token helpers ----------------------------------------------------------------------
  const Token& Cur() const { return tokens_[pos_]; }
  const Token& PeekTok(size_t ahead = 1) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool AtEnd() const { return Cur().kind == TokenKind::kEnd; }
  void Advance() {
    if (!AtEnd()) ++pos_;
  }
  bool IsOp(std::string_view op) const { return Cur().kind == TokenKind::kOperator && Cur().text == op; }
  bool IsWord(std::string_view word, size_t ahead = 0) const {
    const Token& t = PeekTok(ahead);
    return t.kind == TokenKind::kIdentifier && EqualsIgnoreCase(t.text, word);
  }
  bool AcceptOp(std::string_view op) {
    if (!IsOp(op)) return false;
    Advance();
    return true;
  }
  bool AcceptWord(std::string_view word) {
    if (!IsWord(word)) return false;
    Advance();
    return true;
  }
  Status ExpectOp(std::string_view op) {
    if (AcceptOp(op)) return Status::OK();
    return Unexpected("'" + std::string(op) + "'");
  }
  Status ExpectWord(std::string_view word) {
    if (AcceptWord(word)) return Status::OK();
    return Unexpected(std::string(word));
  }
  uint32_t PrevEnd() const { return pos_ == 0 ? 0 : tokens_[pos_ - 1].end; }

  Status Unexpected(const std::string& expected) const {
    const Token& t = Cur();
    std::string got = t.kind == TokenKind::kEnd ? "end of input" : "input '" + std::string(sql_.substr(t.begin, t.end - t.begin)) + "'";
    std::string msg = "Getting syntax error at line " + std::to_string(t.line) + ", column " +
                      std::to_string(t.column) + ". Detail message: Unexpected " + got +
                      ", expected " + expected + ".";
    return Status::Sql(sql_errors::kParseError, std::move(msg));
  }

  // An identifier: bare word not reserved, or `quoted`.
  Result<std::string> Identifier(const char* what = "an identifier") {
    const Token& t = Cur();
    if (t.kind == TokenKind::kQuotedIdentifier ||
        (t.kind == TokenKind::kIdentifier && !ReservedWords().count(ToUpper(t.text)))) {
      std::string name = t.text;
      Advance();
      return name;
    }
    return Unexpected(what);
  }
  // Identifier, or a string literal where MySQL allows one ('user'@'host', database names in some tools).
  Result<std::string> IdentifierOrString(const char* what) {
    if (Cur().kind == TokenKind::kString) {
      std::string s = Cur().text;
      Advance();
      return s;
    }
    return Identifier(what);
  }
  Result<std::string> StringLiteral(const char* what) {
    if (Cur().kind != TokenKind::kString) return Unexpected(what);
    std::string s = Cur().text;
    Advance();
    return s;
  }

  Result<TableName> QualifiedTableName() {
    TableName name;
    ASSIGN_OR_RETURN(std::string first, Identifier("a table name"));
    if (AcceptOp(".")) {
      ASSIGN_OR_RETURN(std::string second, Identifier("a table name"));
      if (AcceptOp(".")) {
        ASSIGN_OR_RETURN(std::string third, Identifier("a table name"));
        name.catalog = std::move(first);
        name.db = std::move(second);
        name.table = std::move(third);
      } else {
        name.db = std::move(first);
        name.table = std::move(second);
      }
    } else {
      name.table = std::move(first);
    }
    return name;
  }

  // ---- statements --------------------------------------------------------------------------
  Result<std::unique_ptr<Statement>> ParseOne() {
    uint32_t begin = Cur().begin;
    Result<std::unique_ptr<Statement>> result = ParseOneInner();
    if (result.ok()) {
      (*result)->begin = begin;
      (*result)->end = PrevEnd();
    }
    return result;
  }

  Result<std::unique_ptr<Statement>> ParseOneInner() {
    if (IsWord("SELECT") || IsOp("(")) return ParseSelectStatement();
    if (IsWord("SET")) return ParseSet();
    if (IsWord("SHOW")) return ParseShow();
    if (IsWord("USE")) {
      Advance();
      auto stmt = std::make_unique<Statement>(StatementKind::kUse);
      ASSIGN_OR_RETURN(stmt->db, Identifier("a database name"));
      if (AcceptOp(".")) {  // USE catalog.db
        ASSIGN_OR_RETURN(stmt->db, Identifier("a database name"));
      }
      return stmt;
    }
    if (IsWord("CREATE")) return ParseCreate();
    if (IsWord("DROP")) return ParseDrop();
    if (IsWord("ALTER")) return ParseAlter();
    if (IsWord("KILL")) return ParseKill();
    if (IsWord("BEGIN") || IsWord("COMMIT") || IsWord("ROLLBACK") || IsWord("START")) return ParseTransaction();
    if (IsWord("DESC") || IsWord("DESCRIBE") || IsWord("EXPLAIN")) return ParseDescribe();
    if (IsWord("ADMIN")) return ParseAdmin();
    if (IsWord("TRUNCATE")) {
      Advance();
      auto stmt = std::make_unique<Statement>(StatementKind::kTruncateTable);
      RETURN_IF_ERROR(ExpectWord("TABLE"));
      ASSIGN_OR_RETURN(stmt->table, QualifiedTableName());
      if (IsWord("PARTITION")) {
        return Status::Sql(sql_errors::kNotSupportedYet, "TRUNCATE TABLE ... PARTITION is not supported yet");
      }
      return stmt;
    }
    if (IsWord("INSERT")) return ParseInsert();
    if ((IsWord("PAUSE") || IsWord("RESUME") || IsWord("STOP")) && IsWord("ROUTINE", 1)) {
      StatementKind kind = IsWord("PAUSE")    ? StatementKind::kPauseRoutineLoad
                           : IsWord("RESUME") ? StatementKind::kResumeRoutineLoad
                                              : StatementKind::kStopRoutineLoad;
      Advance();
      Advance();  // ROUTINE
      RETURN_IF_ERROR(ExpectWord("LOAD"));
      RETURN_IF_ERROR(ExpectWord("FOR"));
      auto stmt = std::make_unique<Statement>(kind);
      stmt->routine_load = std::make_unique<RoutineLoadStmt>();
      ASSIGN_OR_RETURN(stmt->routine_load->job, QualifiedTableName());
      return stmt;
    }
    return Unexpected("a statement such as SELECT, SET, SHOW, USE, CREATE, DROP, ALTER or KILL");
  }

  // INSERT {INTO | OVERWRITE} [db.]t [PARTITION (p, ...)] [WITH LABEL l] [(cols)]
  //   [PROPERTIES (...)] {VALUES (expr | DEFAULT, ...) [, (...)] | query}
  Result<std::unique_ptr<Statement>> ParseInsert() {
    Advance();
    auto stmt = std::make_unique<Statement>(StatementKind::kInsert);
    auto insert = std::make_unique<InsertStmt>();
    if (AcceptWord("OVERWRITE")) {
      insert->overwrite = true;
    } else {
      RETURN_IF_ERROR(ExpectWord("INTO"));
    }
    ASSIGN_OR_RETURN(insert->table, QualifiedTableName());
    stmt->table = insert->table;
    if (AcceptWord("PARTITION")) {
      RETURN_IF_ERROR(ExpectOp("("));
      do {
        ASSIGN_OR_RETURN(std::string p, IdentifierOrString("a partition name"));
        insert->partitions.push_back(std::move(p));
      } while (AcceptOp(","));
      RETURN_IF_ERROR(ExpectOp(")"));
    }
    if (AcceptWord("WITH")) {
      RETURN_IF_ERROR(ExpectWord("LABEL"));
      ASSIGN_OR_RETURN(insert->label, IdentifierOrString("a label"));
    }
    // "(" starts a column list unless it opens a parenthesized query: (SELECT ...).
    if (IsOp("(") && !IsWord("SELECT", 1) &&
        !(PeekTok(1).kind == TokenKind::kOperator && PeekTok(1).text == "(")) {
      ASSIGN_OR_RETURN(insert->columns, ColumnNameList());
    }
    if (IsWord("PROPERTIES")) {
      Advance();
      ASSIGN_OR_RETURN(insert->properties, ParseProperties());
    }
    if (AcceptWord("VALUES") || AcceptWord("VALUE")) {
      do {
        RETURN_IF_ERROR(ExpectOp("("));
        std::vector<ExprPtr> row;
        if (!IsOp(")")) {
          do {
            if (AcceptWord("DEFAULT")) {
              row.push_back(nullptr);
            } else {
              ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
              row.push_back(std::move(e));
            }
          } while (AcceptOp(","));
        }
        RETURN_IF_ERROR(ExpectOp(")"));
        insert->values.push_back(std::move(row));
      } while (AcceptOp(","));
    } else if (IsWord("SELECT") || IsOp("(") || IsWord("WITH")) {
      if (IsWord("WITH")) return Status::Sql(sql_errors::kNotSupportedYet, "WITH (common table expressions) is not supported yet");
      ASSIGN_OR_RETURN(insert->query, ParseSelect());
    } else {
      return Unexpected("VALUES or a SELECT");
    }
    stmt->insert = std::move(insert);
    return stmt;
  }

  // [load_property [, ...]] [PROPERTIES (...)] [FROM KAFKA (...)] where load_property is
  // COLUMNS TERMINATED BY 's' | ROWS TERMINATED BY 's' | COLUMNS (...) | WHERE expr |
  // [TEMPORARY] PARTITION (p, ...), each at most once.
  Status ParseRoutineLoadBody(RoutineLoadStmt* rl, bool require_source) {
    auto repeated = [](const char* what) {
      return Status::Sql(sql_errors::kParseError, std::string("repeat setting of ") + what);
    };
    bool first = true;
    while (!AtEnd() && !IsOp(";") && !IsWord("PROPERTIES") && !IsWord("FROM")) {
      if (!first) RETURN_IF_ERROR(ExpectOp(","));
      first = false;
      if (IsWord("COLUMNS") && IsWord("TERMINATED", 1)) {
        Advance();
        Advance();
        RETURN_IF_ERROR(ExpectWord("BY"));
        if (rl->column_separator) return repeated("column separator");
        ASSIGN_OR_RETURN(rl->column_separator, StringLiteral("a quoted column separator"));
      } else if (IsWord("ROWS") && IsWord("TERMINATED", 1)) {
        Advance();
        Advance();
        RETURN_IF_ERROR(ExpectWord("BY"));
        if (rl->row_delimiter) return repeated("row delimiter");
        ASSIGN_OR_RETURN(rl->row_delimiter, StringLiteral("a quoted row delimiter"));
      } else if (AcceptWord("COLUMNS")) {
        if (rl->columns) return repeated("columns info");
        RETURN_IF_ERROR(ExpectOp("("));
        std::vector<LoadColumn> columns;
        do {
          LoadColumn column;
          uint32_t begin = Cur().begin;
          ASSIGN_OR_RETURN(column.name, Identifier("a column name"));
          if (AcceptOp("=")) {
            ASSIGN_OR_RETURN(column.expr, ParseExpr());
          }
          column.text = std::string(sql_.substr(begin, PrevEnd() - begin));
          columns.push_back(std::move(column));
        } while (AcceptOp(","));
        RETURN_IF_ERROR(ExpectOp(")"));
        rl->columns = std::move(columns);
      } else if (AcceptWord("WHERE")) {
        if (rl->where) return repeated("where predicate");
        uint32_t begin = Cur().begin;
        ASSIGN_OR_RETURN(rl->where, ParseExpr());
        rl->where_text = std::string(sql_.substr(begin, PrevEnd() - begin));
      } else if (IsWord("PARTITION") || (IsWord("TEMPORARY") && IsWord("PARTITION", 1))) {
        if (rl->partitions) return repeated("partition names");
        rl->temporary_partitions = AcceptWord("TEMPORARY");
        Advance();  // PARTITION
        RETURN_IF_ERROR(ExpectOp("("));
        std::vector<std::string> names;
        do {
          ASSIGN_OR_RETURN(std::string name, IdentifierOrString("a partition name"));
          names.push_back(std::move(name));
        } while (AcceptOp(","));
        RETURN_IF_ERROR(ExpectOp(")"));
        rl->partitions = std::move(names);
      } else {
        return Unexpected("COLUMNS, ROWS TERMINATED BY, WHERE, PARTITION, PROPERTIES or FROM");
      }
    }
    if (AcceptWord("PROPERTIES")) {
      ASSIGN_OR_RETURN(rl->properties, ParseProperties());
    }
    if (AcceptWord("FROM")) {
      ASSIGN_OR_RETURN(rl->source_type, Identifier("a data source type (KAFKA)"));
      for (char& c : rl->source_type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      ASSIGN_OR_RETURN(rl->source_properties, ParseProperties());
    } else if (require_source) {
      return Unexpected("FROM KAFKA (...)");
    }
    return Status::OK();
  }

  Result<std::unique_ptr<Statement>> ParseSelectStatement() {
    auto stmt = std::make_unique<Statement>(StatementKind::kSelect);
    ASSIGN_OR_RETURN(auto select, ParseSelect());
    stmt->select = std::make_unique<SelectStmt>(std::move(*select));
    return stmt;
  }

  // Parenthesized and nested queries recurse through here: bounded like expressions (one depth
  // counter for both), so "((((...SELECT" is an error instead of a stack overflow.
  Result<std::shared_ptr<SelectStmt>> ParseSelect() {
    if (++depth_ > kMaxDepth) {
      --depth_;
      return Status::Sql(sql_errors::kParseError, "query nesting is too deep (more than " +
                                                      std::to_string(kMaxDepth) + " levels)");
    }
    Result<std::shared_ptr<SelectStmt>> result = ParseSelectUnion();
    --depth_;
    return result;
  }

  Result<std::shared_ptr<SelectStmt>> ParseSelectUnion() {
    ASSIGN_OR_RETURN(std::shared_ptr<SelectStmt> first, ParseSelectCore());
    if (!IsWord("UNION") && !IsWord("EXCEPT") && !IsWord("INTERSECT") && !IsWord("MINUS")) return first;
    auto node = std::make_shared<SelectStmt>();
    node->union_members.push_back(std::move(first));
    node->union_all.push_back(false);
    while (IsWord("UNION") || IsWord("EXCEPT") || IsWord("INTERSECT") || IsWord("MINUS")) {
      if (!IsWord("UNION")) {
        return Status::Sql(sql_errors::kNotSupportedYet, "EXCEPT / INTERSECT are not supported yet");
      }
      Advance();
      bool all = AcceptWord("ALL");
      if (!all) AcceptWord("DISTINCT");
      ASSIGN_OR_RETURN(std::shared_ptr<SelectStmt> member, ParseSelectCore());
      node->union_members.push_back(std::move(member));
      node->union_all.push_back(all);
    }
    // A trailing ORDER BY / LIMIT after the last member applies to the whole union (MySQL).
    SelectStmt& last = *node->union_members.back();
    node->order_by = std::move(last.order_by);
    last.order_by.clear();
    node->limit = last.limit;
    node->offset = last.offset;
    last.limit.reset();
    last.offset = 0;
    return node;
  }

  Result<std::shared_ptr<SelectStmt>> ParseSelectCore() {
    if (AcceptOp("(")) {
      ASSIGN_OR_RETURN(auto inner, ParseSelect());
      RETURN_IF_ERROR(ExpectOp(")"));
      return inner;
    }
    RETURN_IF_ERROR(ExpectWord("SELECT"));
    auto select = std::make_shared<SelectStmt>();
    if (AcceptWord("DISTINCT")) {
      select->distinct = true;
    } else {
      AcceptWord("ALL");
    }
    // MySQL select options we accept and ignore.
    while (AcceptWord("SQL_NO_CACHE") || AcceptWord("SQL_CALC_FOUND_ROWS") || AcceptWord("STRAIGHT_JOIN") ||
           AcceptWord("HIGH_PRIORITY")) {
    }
    do {
      SelectItem item;
      uint32_t begin = Cur().begin;
      ASSIGN_OR_RETURN(item.expr, ParseSelectItemExpr());
      item.expr_text = std::string(sql_.substr(begin, PrevEnd() - begin));
      if (AcceptWord("AS")) {
        ASSIGN_OR_RETURN(item.alias, IdentifierOrString("an alias"));
      } else if (Cur().kind == TokenKind::kQuotedIdentifier || Cur().kind == TokenKind::kString ||
                 (Cur().kind == TokenKind::kIdentifier && !ReservedWords().count(ToUpper(Cur().text)))) {
        item.alias = Cur().text;
        Advance();
      }
      select->items.push_back(std::move(item));
    } while (AcceptOp(","));

    if (AcceptWord("FROM")) {
      if (AcceptWord("DUAL")) {
        // FROM DUAL is a constant select.
      } else {
        do {
          ASSIGN_OR_RETURN(TableRef ref, ParseTableRef());
          select->from.push_back(std::move(ref));
        } while (AcceptOp(","));
        if (IsWord("JOIN") || IsWord("INNER") || IsWord("LEFT") || IsWord("RIGHT") || IsWord("CROSS") ||
            IsWord("FULL")) {
          return Status::Sql(sql_errors::kNotSupportedYet, "JOIN is not supported yet");
        }
      }
    }
    if (AcceptWord("WHERE")) {
      ASSIGN_OR_RETURN(select->where, ParseExpr());
    }
    if (AcceptWord("GROUP")) {
      RETURN_IF_ERROR(ExpectWord("BY"));
      do {
        ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
        select->group_by.push_back(std::move(e));
      } while (AcceptOp(","));
    }
    if (AcceptWord("HAVING")) {
      ASSIGN_OR_RETURN(select->having, ParseExpr());
    }
    RETURN_IF_ERROR(ParseOrderByLimit(&select->order_by, &select->limit, &select->offset));
    if (AcceptWord("FOR")) {
      RETURN_IF_ERROR(ExpectWord("UPDATE"));
      select->for_update = true;
    }
    return select;
  }

  // [ORDER BY expr [ASC|DESC], ...] [LIMIT n | LIMIT off, n | LIMIT n OFFSET off]: SELECT's tail,
  // also accepted by SHOW ROUTINE LOAD.
  Status ParseOrderByLimit(std::vector<OrderItem>* order_by, std::optional<int64_t>* limit, int64_t* offset) {
    if (AcceptWord("ORDER")) {
      RETURN_IF_ERROR(ExpectWord("BY"));
      do {
        OrderItem item;
        ASSIGN_OR_RETURN(item.expr, ParseExpr());
        if (AcceptWord("DESC")) {
          item.ascending = false;
        } else {
          AcceptWord("ASC");
        }
        order_by->push_back(std::move(item));
      } while (AcceptOp(","));
    }
    if (AcceptWord("LIMIT")) {
      ASSIGN_OR_RETURN(int64_t first, LimitNumber());
      if (AcceptOp(",")) {
        ASSIGN_OR_RETURN(int64_t second, LimitNumber());
        *offset = first;
        *limit = second;
      } else {
        *limit = first;
        if (AcceptWord("OFFSET")) {
          ASSIGN_OR_RETURN(*offset, LimitNumber());
        }
      }
    }
    return Status::OK();
  }

  Result<int64_t> LimitNumber() {
    if (Cur().kind != TokenKind::kInteger) return Unexpected("a non-negative integer");
    int64_t v = 0;
    if (!ParseInt64(Cur().text, &v)) {
      // Larger than int64 (clients send 18446744073709551615 for "no limit").
      v = INT64_MAX;
    }
    Advance();
    return v;
  }

  Result<ExprPtr> ParseSelectItemExpr() {
    // `*` and `t.*`
    if (IsOp("*")) {
      auto star = MakeExpr(ExprKind::kStar);
      Advance();
      star->end = PrevEnd();
      return star;
    }
    if ((Cur().kind == TokenKind::kIdentifier || Cur().kind == TokenKind::kQuotedIdentifier) &&
        PeekTok(1).kind == TokenKind::kOperator && PeekTok(1).text == "." &&
        PeekTok(2).kind == TokenKind::kOperator && PeekTok(2).text == "*") {
      auto star = MakeExpr(ExprKind::kStar);
      star->names.push_back(Cur().text);
      Advance();
      Advance();
      Advance();
      star->end = PrevEnd();
      return star;
    }
    return ParseExpr();
  }

  Result<TableRef> ParseTableRef() {
    TableRef ref;
    if (IsOp("(")) {
      Advance();
      ASSIGN_OR_RETURN(ref.derived, ParseSelect());
      RETURN_IF_ERROR(ExpectOp(")"));
    } else {
      ASSIGN_OR_RETURN(ref.name, QualifiedTableName());
    }
    if (AcceptWord("AS")) {
      ASSIGN_OR_RETURN(ref.alias, Identifier("an alias"));
    } else if (Cur().kind == TokenKind::kQuotedIdentifier ||
               (Cur().kind == TokenKind::kIdentifier && !ReservedWords().count(ToUpper(Cur().text)))) {
      ref.alias = Cur().text;
      Advance();
    }
    if (ref.derived && ref.alias.empty()) {
      return Status::Sql(sql_errors::kParseError, "Every derived table must have its own alias");
    }
    return ref;
  }

  // SET ...
  Result<std::unique_ptr<Statement>> ParseSet() {
    Advance();  // SET
    if ((Cur().kind == TokenKind::kIdentifier || Cur().kind == TokenKind::kQuotedIdentifier) && IsWord("AS", 1) &&
        IsWord("DEFAULT", 2) && IsWord("STORAGE", 3)) {
      auto stmt = std::make_unique<Statement>(StatementKind::kSetDefaultStorageVolume);
      stmt->name = Cur().text;
      Advance();
      Advance();
      Advance();
      Advance();
      RETURN_IF_ERROR(ExpectWord("VOLUME"));
      return stmt;
    }
    auto stmt = std::make_unique<Statement>(StatementKind::kSet);
    stmt->set = std::make_unique<SetStmt>();
    // SET [GLOBAL|SESSION] TRANSACTION ... applies to the whole statement.
    do {
      SetAssignment a;
      VariableScope scope = VariableScope::kDefault;
      if (AcceptWord("GLOBAL")) {
        scope = VariableScope::kGlobal;
      } else if (AcceptWord("SESSION") || AcceptWord("LOCAL")) {
        scope = VariableScope::kSession;
      }
      a.scope = scope;
      if (IsWord("TRANSACTION")) {
        Advance();
        a.kind = SetAssignment::Kind::kTransaction;
        uint32_t begin = Cur().begin;
        // ISOLATION LEVEL <level> | READ ONLY | READ WRITE, comma separated.
        while (!AtEnd() && !IsOp(";")) {
          if (AcceptWord("ISOLATION")) {
            RETURN_IF_ERROR(ExpectWord("LEVEL"));
            if (AcceptWord("READ")) {
              if (!AcceptWord("COMMITTED") && !AcceptWord("UNCOMMITTED")) return Unexpected("COMMITTED or UNCOMMITTED");
            } else if (AcceptWord("REPEATABLE")) {
              RETURN_IF_ERROR(ExpectWord("READ"));
            } else if (!AcceptWord("SERIALIZABLE")) {
              return Unexpected("an isolation level");
            }
          } else if (AcceptWord("READ")) {
            if (!AcceptWord("ONLY") && !AcceptWord("WRITE")) return Unexpected("ONLY or WRITE");
          } else {
            return Unexpected("ISOLATION LEVEL or READ ONLY/WRITE");
          }
          if (!AcceptOp(",")) break;
        }
        a.text = std::string(sql_.substr(begin, PrevEnd() - begin));
        stmt->set->assignments.push_back(std::move(a));
        break;
      }
      if (IsWord("NAMES")) {
        Advance();
        a.kind = SetAssignment::Kind::kNames;
        if (AcceptWord("DEFAULT")) {
          a.name = "utf8mb4";
        } else {
          ASSIGN_OR_RETURN(a.name, IdentifierOrString("a character set name"));
          if (AcceptWord("COLLATE")) {
            if (AcceptWord("DEFAULT")) {
              a.collation.clear();
            } else {
              ASSIGN_OR_RETURN(a.collation, IdentifierOrString("a collation name"));
            }
          }
        }
      } else if (IsWord("CHARSET") || (IsWord("CHARACTER") && IsWord("SET", 1))) {
        if (AcceptWord("CHARACTER")) Advance(); else Advance();
        a.kind = SetAssignment::Kind::kCharacterSet;
        if (AcceptWord("DEFAULT")) {
          a.name = "utf8mb4";
        } else {
          ASSIGN_OR_RETURN(a.name, IdentifierOrString("a character set name"));
        }
      } else if (IsWord("PASSWORD")) {
        Advance();
        a.kind = SetAssignment::Kind::kPassword;
        if (AcceptWord("FOR")) {
          ASSIGN_OR_RETURN(UserIdentity who, ParseUserIdentity());
          a.name = who.user;
        }
        RETURN_IF_ERROR(ExpectOp("="));
        if (AcceptWord("PASSWORD")) {  // PASSWORD('text')
          RETURN_IF_ERROR(ExpectOp("("));
          ASSIGN_OR_RETURN(a.text, StringLiteral("a password string"));
          RETURN_IF_ERROR(ExpectOp(")"));
        } else {
          ASSIGN_OR_RETURN(a.text, StringLiteral("a password string"));
        }
      } else if (IsOp("@@")) {
        Advance();
        a.kind = SetAssignment::Kind::kSystemVariable;
        ASSIGN_OR_RETURN(auto name_scope, VariableNameAfterAtAt());
        a.name = name_scope.first;
        if (name_scope.second != VariableScope::kDefault) a.scope = name_scope.second;
        RETURN_IF_ERROR(AssignmentValue(&a));
      } else if (IsOp("@")) {
        Advance();
        a.kind = SetAssignment::Kind::kUserVariable;
        ASSIGN_OR_RETURN(a.name, IdentifierOrString("a user variable name"));
        RETURN_IF_ERROR(AssignmentValue(&a));
      } else {
        a.kind = SetAssignment::Kind::kSystemVariable;
        ASSIGN_OR_RETURN(a.name, Identifier("a variable name"));
        // `SET global.x = ...` spelled with a dot is not MySQL; only @@global.x is.
        RETURN_IF_ERROR(AssignmentValue(&a));
      }
      stmt->set->assignments.push_back(std::move(a));
    } while (AcceptOp(","));
    return stmt;
  }

  Status AssignmentValue(SetAssignment* a) {
    if (!AcceptOp("=") && !AcceptOp(":=")) return Unexpected("'=' or ':='");
    // ON/OFF and bare words (SET sql_mode = ANSI, SET autocommit = ON, SET tx_isolation = READ-COMMITTED
    // is quoted in practice) are values, not column names.
    if ((Cur().kind == TokenKind::kIdentifier) &&
        (PeekTok(1).kind == TokenKind::kEnd || (PeekTok(1).kind == TokenKind::kOperator &&
                                                (PeekTok(1).text == "," || PeekTok(1).text == ";")))) {
      if (EqualsIgnoreCase(Cur().text, "DEFAULT")) {
        a->value = MakeExpr(ExprKind::kDefault);
      } else if (EqualsIgnoreCase(Cur().text, "NULL")) {
        a->value = MakeExpr(ExprKind::kLiteral);
      } else if (EqualsIgnoreCase(Cur().text, "TRUE") || EqualsIgnoreCase(Cur().text, "FALSE")) {
        a->value = MakeExpr(ExprKind::kLiteral);
        a->value->value = Value::Bool(EqualsIgnoreCase(Cur().text, "TRUE"));
      } else {
        a->value = MakeExpr(ExprKind::kLiteral);
        a->value->value = Value::String(Cur().text);
      }
      Advance();
      a->value->end = PrevEnd();
      return Status::OK();
    }
    ASSIGN_OR_RETURN(a->value, ParseExpr());
    return Status::OK();
  }

  // After "@@": [global.|session.|local.]name
  Result<std::pair<std::string, VariableScope>> VariableNameAfterAtAt() {
    VariableScope scope = VariableScope::kDefault;
    if ((IsWord("GLOBAL") || IsWord("SESSION") || IsWord("LOCAL")) && PeekTok(1).kind == TokenKind::kOperator &&
        PeekTok(1).text == ".") {
      scope = IsWord("GLOBAL") ? VariableScope::kGlobal : VariableScope::kSession;
      Advance();
      Advance();
    }
    const Token& t = Cur();
    if (t.kind != TokenKind::kIdentifier && t.kind != TokenKind::kQuotedIdentifier) {
      return Unexpected("a variable name");
    }
    std::string name = t.text;
    Advance();
    return std::make_pair(std::move(name), scope);
  }

  Result<UserIdentity> ParseUserIdentity() {
    UserIdentity who;
    ASSIGN_OR_RETURN(who.user, IdentifierOrString("a user name"));
    if (AcceptOp("@")) {
      ASSIGN_OR_RETURN(who.host, IdentifierOrString("a host"));
    }
    return who;
  }

  // SHOW ...
  Result<std::unique_ptr<Statement>> ParseShow() {
    Advance();  // SHOW
    auto stmt = std::make_unique<Statement>(StatementKind::kShow);
    auto show = std::make_unique<ShowStmt>();
    if (AcceptWord("FULL")) show->full = true;
    if (AcceptWord("GLOBAL")) {
      show->scope = VariableScope::kGlobal;
    } else if (AcceptWord("SESSION") || AcceptWord("LOCAL")) {
      show->scope = VariableScope::kSession;
    }
    auto from_db = [&]() -> Status {
      if (AcceptWord("FROM") || AcceptWord("IN")) {
        ASSIGN_OR_RETURN(show->db, Identifier("a database name"));
        if (AcceptOp(".")) {  // catalog.db
          ASSIGN_OR_RETURN(show->db, Identifier("a database name"));
        }
      }
      return Status::OK();
    };
    if (AcceptWord("DATABASES") || AcceptWord("SCHEMAS")) {
      show->kind = ShowKind::kDatabases;
    } else if (AcceptWord("TABLES")) {
      show->kind = ShowKind::kTables;
      RETURN_IF_ERROR(from_db());
    } else if (AcceptWord("COLUMNS") || AcceptWord("FIELDS")) {
      show->kind = ShowKind::kColumns;
      if (!AcceptWord("FROM") && !AcceptWord("IN")) return Unexpected("FROM");
      ASSIGN_OR_RETURN(show->table, QualifiedTableName());
      RETURN_IF_ERROR(from_db());
      if (!show->db.empty()) show->table.db = show->db;
    } else if (AcceptWord("VARIABLES")) {
      show->kind = ShowKind::kVariables;
    } else if (AcceptWord("STATUS")) {
      show->kind = ShowKind::kStatus;
    } else if (AcceptWord("WARNINGS")) {
      show->kind = ShowKind::kWarnings;
    } else if (AcceptWord("ERRORS")) {
      show->kind = ShowKind::kErrors;
    } else if (AcceptWord("PROCESSLIST")) {
      show->kind = ShowKind::kProcesslist;
    } else if (AcceptWord("FRONTENDS")) {
      show->kind = ShowKind::kFrontends;
    } else if (IsWord("COMPUTE") && IsWord("NODES", 1)) {
      Advance();
      Advance();
      show->kind = ShowKind::kComputeNodes;
    } else if (AcceptWord("BACKENDS")) {
      show->kind = ShowKind::kBackends;
    } else if ((IsWord("ROUTINE") && IsWord("LOAD", 1)) ||
               (IsWord("ALL") && IsWord("ROUTINE", 1) && IsWord("LOAD", 2))) {
      show->all = AcceptWord("ALL");
      Advance();
      Advance();
      if (AcceptWord("TASK")) {
        show->kind = ShowKind::kRoutineLoadTask;
        RETURN_IF_ERROR(from_db());
        RETURN_IF_ERROR(ExpectWord("WHERE"));
        ASSIGN_OR_RETURN(show->where, ParseExpr());
      } else {
        show->kind = ShowKind::kRoutineLoad;
        if (AcceptWord("FOR")) {
          ASSIGN_OR_RETURN(show->table, QualifiedTableName());
        }
        RETURN_IF_ERROR(from_db());
        if (AcceptWord("WHERE")) {
          ASSIGN_OR_RETURN(show->where, ParseExpr());
        }
        RETURN_IF_ERROR(ParseOrderByLimit(&show->order_by, &show->limit, &show->offset));
      }
    } else if (IsWord("STORAGE") && IsWord("VOLUMES", 1)) {
      Advance();
      Advance();
      show->kind = ShowKind::kStorageVolumes;
    } else if (AcceptWord("CREATE")) {
      if (AcceptWord("DATABASE") || AcceptWord("SCHEMA")) {
        show->kind = ShowKind::kCreateDatabase;
        ASSIGN_OR_RETURN(show->target, Identifier("a database name"));
      } else if (AcceptWord("TABLE")) {
        show->kind = ShowKind::kCreateTable;
        ASSIGN_OR_RETURN(show->table, QualifiedTableName());
      } else if (IsWord("ROUTINE") && IsWord("LOAD", 1)) {
        Advance();
        Advance();
        show->kind = ShowKind::kCreateRoutineLoad;
        ASSIGN_OR_RETURN(show->table, QualifiedTableName());
      } else {
        return Unexpected("DATABASE, TABLE or ROUTINE LOAD");
      }
    } else if (AcceptWord("CHARSET") || (IsWord("CHARACTER") && IsWord("SET", 1))) {
      if (IsWord("SET")) Advance();
      show->kind = ShowKind::kCharset;
    } else if (AcceptWord("COLLATION")) {
      show->kind = ShowKind::kCollation;
    } else if (AcceptWord("ENGINES")) {
      show->kind = ShowKind::kEngines;
    } else if (AcceptWord("PLUGINS")) {
      show->kind = ShowKind::kPlugins;
    } else if (AcceptWord("GRANTS")) {
      show->kind = ShowKind::kGrants;
      if (AcceptWord("FOR")) {
        if (AcceptWord("CURRENT_USER")) {
          if (AcceptOp("(")) RETURN_IF_ERROR(ExpectOp(")"));
        } else {
          ASSIGN_OR_RETURN(UserIdentity who, ParseUserIdentity());
          show->target = who.user;
        }
      }
    } else if (AcceptWord("INDEX") || AcceptWord("INDEXES") || AcceptWord("KEYS")) {
      show->kind = ShowKind::kIndex;
      if (!AcceptWord("FROM") && !AcceptWord("IN")) return Unexpected("FROM");
      ASSIGN_OR_RETURN(show->table, QualifiedTableName());
      RETURN_IF_ERROR(from_db());
      if (!show->db.empty()) show->table.db = show->db;
    } else if (IsWord("TABLE") && IsWord("STATUS", 1)) {
      Advance();
      Advance();
      show->kind = ShowKind::kTableStatus;
      RETURN_IF_ERROR(from_db());
    } else if (AcceptWord("CATALOGS")) {
      show->kind = ShowKind::kCatalogs;
    } else if (AcceptWord("USERS")) {
      show->kind = ShowKind::kUsers;
    } else if (IsWord("PROCEDURE") && IsWord("STATUS", 1)) {
      Advance();
      Advance();
      show->kind = ShowKind::kProcedureStatus;
    } else if (IsWord("FUNCTION") && IsWord("STATUS", 1)) {
      Advance();
      Advance();
      show->kind = ShowKind::kFunctionStatus;
    } else if (AcceptWord("TRIGGERS")) {
      show->kind = ShowKind::kTriggers;
      RETURN_IF_ERROR(from_db());
    } else if (AcceptWord("PRIVILEGES")) {
      show->kind = ShowKind::kPrivileges;
    } else {
      return Unexpected("a SHOW target such as DATABASES, TABLES, VARIABLES or PROCESSLIST");
    }
    if (AcceptWord("LIKE")) {
      ASSIGN_OR_RETURN(std::string pattern, StringLiteral("a LIKE pattern string"));
      show->like = std::move(pattern);
    } else if (AcceptWord("WHERE")) {
      ASSIGN_OR_RETURN(show->where, ParseExpr());
    }
    stmt->show = std::move(show);
    return stmt;
  }

  Result<std::vector<std::pair<std::string, std::string>>> ParseProperties() {
    std::vector<std::pair<std::string, std::string>> props;
    RETURN_IF_ERROR(ExpectOp("("));
    if (AcceptOp(")")) return props;
    do {
      ASSIGN_OR_RETURN(std::string key, StringLiteral("a quoted property name"));
      RETURN_IF_ERROR(ExpectOp("="));
      ASSIGN_OR_RETURN(std::string value, StringLiteral("a quoted property value"));
      props.emplace_back(std::move(key), std::move(value));
    } while (AcceptOp(","));
    RETURN_IF_ERROR(ExpectOp(")"));
    return props;
  }

  // ( name, name, ... )
  Result<std::vector<std::string>> ColumnNameList() {
    std::vector<std::string> names;
    RETURN_IF_ERROR(ExpectOp("("));
    do {
      ASSIGN_OR_RETURN(std::string name, Identifier("a column name"));
      names.push_back(std::move(name));
    } while (AcceptOp(","));
    RETURN_IF_ERROR(ExpectOp(")"));
    return names;
  }

  Result<int64_t> PositiveInteger(const char* what) {
    int64_t v = 0;
    if (Cur().kind != TokenKind::kInteger || !ParseInt64(Cur().text, &v)) return Unexpected(what);
    Advance();
    return v;
  }

  // The text of one literal in a DEFAULT clause or a partition bound: a string, a number
  // (optionally negative) or a bare word such as MAXVALUE.
  Result<std::string> LiteralText(const char* what) {
    std::string sign;
    if (IsOp("-")) {
      sign = "-";
      Advance();
    }
    const Token& t = Cur();
    if (t.kind == TokenKind::kString || t.kind == TokenKind::kInteger || t.kind == TokenKind::kDecimal) {
      std::string text = sign + t.text;
      Advance();
      return text;
    }
    return Unexpected(what);
  }

  // Skips tokens up to (not including) the next ',' or ')' outside brackets.
  Status SkipBalanced() {
    int depth = 0;
    while (!AtEnd()) {
      if (IsOp("(") || IsOp("[")) {
        ++depth;
      } else if (IsOp(")") || IsOp("]")) {
        if (depth == 0) return Status::OK();
        --depth;
      } else if (IsOp(",") && depth == 0) {
        return Status::OK();
      }
      Advance();
    }
    return Unexpected("')'");
  }

  // col type [agg] [NULL | NOT NULL] [DEFAULT ...] [AUTO_INCREMENT] [COMMENT '...']
  Result<ColumnDef> ParseColumnDef() {
    ColumnDef col;
    ASSIGN_OR_RETURN(col.name, Identifier("a column name"));
    if (Cur().kind != TokenKind::kIdentifier) return Unexpected("a type for column '" + col.name + "'");
    std::string type_name = Cur().text;
    Advance();
    int64_t a1 = -1, a2 = -1;
    if (AcceptOp("(")) {
      ASSIGN_OR_RETURN(a1, PositiveInteger("a type length"));
      if (AcceptOp(",")) {
        ASSIGN_OR_RETURN(a2, PositiveInteger("a scale"));
      }
      RETURN_IF_ERROR(ExpectOp(")"));
    }
    if (IsOp("<")) {
      return Status::Sql(sql_errors::kNotSupportedYet,
                         "type " + ToUpper(type_name) + "<...> of column '" + col.name + "' is not supported yet");
    }
    Result<DataType> type = DataTypeFromName(type_name, a1, a2);
    if (!type.ok()) {
      return Status::Sql(sql_errors::kParseError, "Invalid type for column '" + col.name + "': " + type.status().message());
    }
    col.type = *type;
    AcceptWord("SIGNED");
    static const std::unordered_set<std::string> kAggregations = {
        "SUM", "MAX", "MIN", "REPLACE", "REPLACE_IF_NOT_NULL", "HLL_UNION", "BITMAP_UNION", "PERCENTILE_UNION"};
    if (Cur().kind == TokenKind::kIdentifier && kAggregations.count(ToUpper(Cur().text))) {
      col.aggregation = ToUpper(Cur().text);
      Advance();
    }
    while (true) {
      if (IsWord("NOT") && IsWord("NULL", 1)) {
        Advance();
        Advance();
        col.nullable = false;
      } else if (AcceptWord("NULL")) {
        col.nullable = true;
      } else if (AcceptWord("DEFAULT")) {
        if (AcceptWord("NULL")) {
          col.default_is_null = true;
        } else if (IsWord("CURRENT_TIMESTAMP")) {
          Advance();
          if (AcceptOp("(")) RETURN_IF_ERROR(ExpectOp(")"));
          col.default_value = "CURRENT_TIMESTAMP";
          col.default_is_expr = true;
        } else if (IsOp("(")) {
          uint32_t begin = Cur().begin;
          Advance();
          RETURN_IF_ERROR(SkipBalanced());
          RETURN_IF_ERROR(ExpectOp(")"));
          col.default_value = std::string(sql_.substr(begin, PrevEnd() - begin));
          col.default_is_expr = true;
        } else {
          ASSIGN_OR_RETURN(std::string text, LiteralText("a default value"));
          col.default_value = std::move(text);
        }
      } else if (AcceptWord("AUTO_INCREMENT")) {
        col.auto_increment = true;
      } else if (AcceptWord("COMMENT")) {
        ASSIGN_OR_RETURN(col.comment, StringLiteral("a quoted comment"));
      } else if (IsWord("AS")) {
        return Status::Sql(sql_errors::kNotSupportedYet, "generated column '" + col.name + "' is not supported yet");
      } else {
        break;
      }
    }
    return col;
  }

  // PARTITION BY ... (after the words PARTITION BY).
  Status ParsePartitionBy(CreateTableStmt* ct, uint32_t begin) {
    if (AcceptWord("RANGE") || IsWord("LIST")) {
      bool list = AcceptWord("LIST");
      ct->partition_kind = list ? "LIST" : "RANGE";
      ASSIGN_OR_RETURN(ct->partition_columns, ColumnNameList());
      RETURN_IF_ERROR(ExpectOp("("));
      if (!IsOp(")")) {
        do {
          if (!list && IsWord("PARTITION") && IsWord("VALUES", 2) && IsWord("LESS", 3)) {
            Advance();
            RangePartitionDef range;
            ASSIGN_OR_RETURN(range.name, Identifier("a partition name"));
            Advance();  // VALUES
            Advance();  // LESS
            RETURN_IF_ERROR(ExpectWord("THAN"));
            if (AcceptWord("MAXVALUE")) {
              range.max_value = true;
            } else {
              RETURN_IF_ERROR(ExpectOp("("));
              if (AcceptWord("MAXVALUE")) {
                range.max_value = true;
              } else {
                do {
                  ASSIGN_OR_RETURN(std::string bound, LiteralText("a partition bound"));
                  range.upper_bound.push_back(std::move(bound));
                } while (AcceptOp(","));
              }
              RETURN_IF_ERROR(ExpectOp(")"));
            }
            ct->ranges.push_back(std::move(range));
          } else {
            // Fixed ranges, batch START..END..EVERY and LIST items: kept as text only.
            RETURN_IF_ERROR(SkipBalanced());
          }
        } while (AcceptOp(","));
      }
      RETURN_IF_ERROR(ExpectOp(")"));
    } else {
      // Expression partitioning: PARTITION BY expr[, expr] or PARTITION BY (c1, c2).
      ct->partition_kind = "EXPR";
      bool parenthesized = AcceptOp("(");
      do {
        ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
        CollectColumnNames(*e, &ct->partition_columns);
      } while (AcceptOp(","));
      if (parenthesized) RETURN_IF_ERROR(ExpectOp(")"));
    }
    ct->partition_text = std::string(sql_.substr(begin, PrevEnd() - begin));
    return Status::OK();
  }

  static void CollectColumnNames(const Expr& e, std::vector<std::string>* out) {
    if (e.kind == ExprKind::kColumnRef) {
      if (std::find(out->begin(), out->end(), e.names.back()) == out->end()) out->push_back(e.names.back());
      return;
    }
    for (const auto& c : e.children) CollectColumnNames(*c, out);
  }

  Result<std::unique_ptr<Statement>> ParseCreateTable() {
    auto stmt = std::make_unique<Statement>(StatementKind::kCreateTable);
    auto ct = std::make_unique<CreateTableStmt>();
    if (AcceptWord("IF")) {
      RETURN_IF_ERROR(ExpectWord("NOT"));
      RETURN_IF_ERROR(ExpectWord("EXISTS"));
      ct->if_not_exists = true;
    }
    ASSIGN_OR_RETURN(ct->name, QualifiedTableName());
    if (IsWord("LIKE") || IsWord("AS")) {
      return Status::Sql(sql_errors::kNotSupportedYet, "CREATE TABLE ... LIKE / AS SELECT is not supported yet");
    }
    RETURN_IF_ERROR(ExpectOp("("));
    do {
      if (IsWord("INDEX")) {
        return Status::Sql(sql_errors::kNotSupportedYet, "indexes in CREATE TABLE are not supported yet");
      }
      ASSIGN_OR_RETURN(ColumnDef col, ParseColumnDef());
      ct->columns.push_back(std::move(col));
    } while (AcceptOp(","));
    RETURN_IF_ERROR(ExpectOp(")"));
    // The clauses, in StarRocks' order; each may appear once.
    std::unordered_set<std::string> seen;
    auto once = [&](const std::string& clause) -> Status {
      if (!seen.insert(clause).second) {
        return Status::Sql(sql_errors::kParseError, "Getting syntax error: " + clause + " is given twice");
      }
      return Status::OK();
    };
    while (!AtEnd() && !IsOp(";")) {
      if (AcceptWord("ENGINE")) {
        RETURN_IF_ERROR(once("ENGINE"));
        RETURN_IF_ERROR(ExpectOp("="));
        ASSIGN_OR_RETURN(ct->engine, Identifier("an engine name"));
      } else if ((IsWord("DUPLICATE") || IsWord("AGGREGATE") || IsWord("UNIQUE") || IsWord("PRIMARY")) &&
                 IsWord("KEY", 1)) {
        RETURN_IF_ERROR(once("KEY"));
        ct->keys_type = ToUpper(Cur().text);
        Advance();
        Advance();
        ASSIGN_OR_RETURN(ct->key_columns, ColumnNameList());
      } else if (AcceptWord("COMMENT")) {
        RETURN_IF_ERROR(once("COMMENT"));
        AcceptOp("=");
        ASSIGN_OR_RETURN(std::string comment, StringLiteral("a quoted comment"));
        ct->comment = std::move(comment);
      } else if (IsWord("PARTITION") && IsWord("BY", 1)) {
        RETURN_IF_ERROR(once("PARTITION BY"));
        uint32_t begin = Cur().begin;
        Advance();
        Advance();
        RETURN_IF_ERROR(ParsePartitionBy(ct.get(), begin));
      } else if (AcceptWord("DISTRIBUTED")) {
        RETURN_IF_ERROR(once("DISTRIBUTED BY"));
        RETURN_IF_ERROR(ExpectWord("BY"));
        if (AcceptWord("HASH")) {
          ct->distribution_kind = "HASH";
          ASSIGN_OR_RETURN(ct->distribution_columns, ColumnNameList());
        } else if (AcceptWord("RANDOM")) {
          ct->distribution_kind = "RANDOM";
        } else {
          return Unexpected("HASH or RANDOM");
        }
        if (AcceptWord("BUCKETS")) {
          ASSIGN_OR_RETURN(ct->buckets, PositiveInteger("a number of buckets"));
          if (ct->buckets <= 0) {
            return Status::Sql(sql_errors::kParseError, "Number of hash distribution should not be zero.");
          }
        }
      } else if (IsWord("ORDER") && IsWord("BY", 1)) {
        RETURN_IF_ERROR(once("ORDER BY"));
        Advance();
        Advance();
        ASSIGN_OR_RETURN(ct->order_by, ColumnNameList());
      } else if (AcceptWord("PROPERTIES")) {
        RETURN_IF_ERROR(once("PROPERTIES"));
        ASSIGN_OR_RETURN(ct->properties, ParseProperties());
      } else {
        return Unexpected("ENGINE, a KEY clause, COMMENT, PARTITION BY, DISTRIBUTED BY, ORDER BY or PROPERTIES");
      }
    }
    stmt->create_table = std::move(ct);
    return stmt;
  }

  Result<std::unique_ptr<Statement>> ParseCreate() {
    Advance();  // CREATE
    if (AcceptWord("TABLE") || (IsWord("EXTERNAL") && IsWord("TABLE", 1))) {
      if (IsWord("TABLE")) {
        return Status::Sql(sql_errors::kNotSupportedYet, "external tables are not supported");
      }
      return ParseCreateTable();
    }
    if (IsWord("TEMPORARY") && IsWord("TABLE", 1)) {
      return Status::Sql(sql_errors::kNotSupportedYet, "temporary tables are not supported yet");
    }
    if (IsWord("ROUTINE") && IsWord("LOAD", 1)) {
      Advance();
      Advance();
      auto stmt = std::make_unique<Statement>(StatementKind::kCreateRoutineLoad);
      stmt->routine_load = std::make_unique<RoutineLoadStmt>();
      RoutineLoadStmt& rl = *stmt->routine_load;
      ASSIGN_OR_RETURN(rl.job, QualifiedTableName());
      RETURN_IF_ERROR(ExpectWord("ON"));
      ASSIGN_OR_RETURN(rl.table, Identifier("a table name"));
      RETURN_IF_ERROR(ParseRoutineLoadBody(&rl, /*require_source=*/true));
      return stmt;
    }
    if (AcceptWord("DATABASE") || AcceptWord("SCHEMA")) {
      auto stmt = std::make_unique<Statement>(StatementKind::kCreateDatabase);
      if (AcceptWord("IF")) {
        RETURN_IF_ERROR(ExpectWord("NOT"));
        RETURN_IF_ERROR(ExpectWord("EXISTS"));
        stmt->if_not_exists = true;
      }
      ASSIGN_OR_RETURN(stmt->db, Identifier("a database name"));
      if (AcceptOp(".")) {
        ASSIGN_OR_RETURN(stmt->db, Identifier("a database name"));
      }
      // MySQL options accepted for compatibility with dump tools.
      while (true) {
        AcceptWord("DEFAULT");
        if (AcceptWord("CHARSET") || (AcceptWord("CHARACTER") && AcceptWord("SET"))) {
          AcceptOp("=");
          RETURN_IF_ERROR(IdentifierOrString("a character set").status());
        } else if (AcceptWord("COLLATE")) {
          AcceptOp("=");
          RETURN_IF_ERROR(IdentifierOrString("a collation").status());
        } else {
          break;
        }
      }
      if (AcceptWord("PROPERTIES")) {
        ASSIGN_OR_RETURN(stmt->properties, ParseProperties());
      }
      return stmt;
    }
    if (IsWord("STORAGE") && IsWord("VOLUME", 1)) {
      Advance();
      Advance();
      auto stmt = std::make_unique<Statement>(StatementKind::kCreateStorageVolume);
      if (AcceptWord("IF")) {
        RETURN_IF_ERROR(ExpectWord("NOT"));
        RETURN_IF_ERROR(ExpectWord("EXISTS"));
        stmt->if_not_exists = true;
      }
      ASSIGN_OR_RETURN(stmt->name, Identifier("a storage volume name"));
      RETURN_IF_ERROR(ExpectWord("TYPE"));
      RETURN_IF_ERROR(ExpectOp("="));
      ASSIGN_OR_RETURN(stmt->volume_type, Identifier("a storage volume type (S3)"));
      RETURN_IF_ERROR(ExpectWord("LOCATIONS"));
      RETURN_IF_ERROR(ExpectOp("="));
      RETURN_IF_ERROR(ExpectOp("("));
      do {
        ASSIGN_OR_RETURN(std::string location, StringLiteral("a quoted location such as \"s3://bucket/path\""));
        stmt->locations.push_back(std::move(location));
      } while (AcceptOp(","));
      RETURN_IF_ERROR(ExpectOp(")"));
      if (AcceptWord("COMMENT")) {
        AcceptOp("=");
        ASSIGN_OR_RETURN(std::string comment, StringLiteral("a quoted comment"));
        stmt->comment = std::move(comment);
      }
      if (AcceptWord("PROPERTIES")) {
        ASSIGN_OR_RETURN(stmt->properties, ParseProperties());
      }
      return stmt;
    }
    if (AcceptWord("USER")) {
      auto stmt = std::make_unique<Statement>(StatementKind::kCreateUser);
      if (AcceptWord("IF")) {
        RETURN_IF_ERROR(ExpectWord("NOT"));
        RETURN_IF_ERROR(ExpectWord("EXISTS"));
        stmt->if_not_exists = true;
      }
      ASSIGN_OR_RETURN(stmt->user, ParseUserIdentity());
      RETURN_IF_ERROR(ParseIdentifiedBy(stmt.get()));
      return stmt;
    }
    return Unexpected("DATABASE, TABLE, STORAGE VOLUME or USER");
  }

  // [IDENTIFIED BY [PASSWORD] 'x' | IDENTIFIED WITH plugin [BY 'x' | AS 'hash']]
  Status ParseIdentifiedBy(Statement* stmt) {
    if (!AcceptWord("IDENTIFIED")) return Status::OK();
    if (AcceptWord("BY")) {
      if (AcceptWord("PASSWORD")) {
        ASSIGN_OR_RETURN(std::string hash, StringLiteral("a password hash string"));
        stmt->password_hash = std::move(hash);
      } else {
        ASSIGN_OR_RETURN(std::string pw, StringLiteral("a password string"));
        stmt->password = std::move(pw);
      }
      return Status::OK();
    }
    if (AcceptWord("WITH")) {
      ASSIGN_OR_RETURN(std::string plugin, IdentifierOrString("an authentication plugin"));
      if (!EqualsIgnoreCase(plugin, "mysql_native_password")) {
        return Status::Sql(sql_errors::kNotSupportedYet,
                           "authentication plugin '" + plugin + "' is not supported; use mysql_native_password");
      }
      if (AcceptWord("BY")) {
        ASSIGN_OR_RETURN(std::string pw, StringLiteral("a password string"));
        stmt->password = std::move(pw);
      } else if (AcceptWord("AS")) {
        ASSIGN_OR_RETURN(std::string hash, StringLiteral("a password hash string"));
        stmt->password_hash = std::move(hash);
      }
      return Status::OK();
    }
    return Unexpected("BY or WITH");
  }

  Result<std::unique_ptr<Statement>> ParseDrop() {
    Advance();  // DROP
    if (AcceptWord("TABLE")) {
      auto stmt = std::make_unique<Statement>(StatementKind::kDropTable);
      if (AcceptWord("IF")) {
        RETURN_IF_ERROR(ExpectWord("EXISTS"));
        stmt->if_exists = true;
      }
      ASSIGN_OR_RETURN(stmt->table, QualifiedTableName());
      if (AcceptWord("FORCE")) stmt->force = true;
      return stmt;
    }
    if (AcceptWord("DATABASE") || AcceptWord("SCHEMA")) {
      auto stmt = std::make_unique<Statement>(StatementKind::kDropDatabase);
      if (AcceptWord("IF")) {
        RETURN_IF_ERROR(ExpectWord("EXISTS"));
        stmt->if_exists = true;
      }
      ASSIGN_OR_RETURN(stmt->db, Identifier("a database name"));
      if (AcceptOp(".")) {
        ASSIGN_OR_RETURN(stmt->db, Identifier("a database name"));
      }
      if (AcceptWord("FORCE")) stmt->force = true;
      return stmt;
    }
    if (IsWord("STORAGE") && IsWord("VOLUME", 1)) {
      Advance();
      Advance();
      auto stmt = std::make_unique<Statement>(StatementKind::kDropStorageVolume);
      if (AcceptWord("IF")) {
        RETURN_IF_ERROR(ExpectWord("EXISTS"));
        stmt->if_exists = true;
      }
      ASSIGN_OR_RETURN(stmt->name, Identifier("a storage volume name"));
      return stmt;
    }
    if (AcceptWord("USER")) {
      auto stmt = std::make_unique<Statement>(StatementKind::kDropUser);
      if (AcceptWord("IF")) {
        RETURN_IF_ERROR(ExpectWord("EXISTS"));
        stmt->if_exists = true;
      }
      ASSIGN_OR_RETURN(stmt->user, ParseUserIdentity());
      return stmt;
    }
    return Unexpected("DATABASE, TABLE, STORAGE VOLUME or USER");
  }

  Result<std::unique_ptr<Statement>> ParseAlter() {
    Advance();  // ALTER
    if (IsWord("ROUTINE") && IsWord("LOAD", 1)) {
      Advance();
      Advance();
      RETURN_IF_ERROR(ExpectWord("FOR"));
      auto stmt = std::make_unique<Statement>(StatementKind::kAlterRoutineLoad);
      stmt->routine_load = std::make_unique<RoutineLoadStmt>();
      ASSIGN_OR_RETURN(stmt->routine_load->job, QualifiedTableName());
      RETURN_IF_ERROR(ParseRoutineLoadBody(stmt->routine_load.get(), /*require_source=*/false));
      return stmt;
    }
    if (AcceptWord("TABLE")) {
      auto stmt = std::make_unique<Statement>(StatementKind::kAlterTable);
      ASSIGN_OR_RETURN(stmt->table, QualifiedTableName());
      if (AcceptWord("ADD")) {
        if (!AcceptWord("COLUMN")) {
          return Status::Sql(sql_errors::kNotSupportedYet, "only ALTER TABLE ... ADD COLUMN / DROP COLUMN are supported yet");
        }
        if (IsOp("(")) {
          return Status::Sql(sql_errors::kNotSupportedYet, "ADD COLUMN (...) with a column list is not supported yet");
        }
        stmt->alter_action = "ADD COLUMN";
        ASSIGN_OR_RETURN(ColumnDef col, ParseColumnDef());
        stmt->column_def = std::make_unique<ColumnDef>(std::move(col));
        if (AcceptWord("FIRST")) {
          stmt->first = true;
        } else if (AcceptWord("AFTER")) {
          ASSIGN_OR_RETURN(stmt->after_column, Identifier("a column name"));
        }
      } else if (AcceptWord("DROP")) {
        if (!AcceptWord("COLUMN")) {
          return Status::Sql(sql_errors::kNotSupportedYet, "only ALTER TABLE ... ADD COLUMN / DROP COLUMN are supported yet");
        }
        stmt->alter_action = "DROP COLUMN";
        ASSIGN_OR_RETURN(stmt->column_name, Identifier("a column name"));
      } else {
        return Status::Sql(sql_errors::kNotSupportedYet, "only ALTER TABLE ... ADD COLUMN / DROP COLUMN are supported yet");
      }
      if (IsOp(",")) {
        return Status::Sql(sql_errors::kNotSupportedYet, "several ALTER TABLE clauses in one statement are not supported yet");
      }
      return stmt;
    }
    if (AcceptWord("USER")) {
      auto stmt = std::make_unique<Statement>(StatementKind::kAlterUser);
      if (AcceptWord("IF")) {
        RETURN_IF_ERROR(ExpectWord("EXISTS"));
        stmt->if_exists = true;
      }
      ASSIGN_OR_RETURN(stmt->user, ParseUserIdentity());
      RETURN_IF_ERROR(ParseIdentifiedBy(stmt.get()));
      if (!stmt->password && !stmt->password_hash) return Unexpected("IDENTIFIED BY");
      return stmt;
    }
    if (IsWord("STORAGE") && IsWord("VOLUME", 1)) {
      Advance();
      Advance();
      auto stmt = std::make_unique<Statement>(StatementKind::kAlterStorageVolume);
      if (AcceptWord("IF")) {
        RETURN_IF_ERROR(ExpectWord("EXISTS"));
        stmt->if_exists = true;
      }
      ASSIGN_OR_RETURN(stmt->name, Identifier("a storage volume name"));
      do {
        if (AcceptWord("SET")) {
          ASSIGN_OR_RETURN(auto props, ParseProperties());
          for (auto& p : props) stmt->properties.push_back(std::move(p));
        } else if (AcceptWord("COMMENT")) {
          RETURN_IF_ERROR(ExpectOp("="));
          ASSIGN_OR_RETURN(std::string comment, StringLiteral("a quoted comment"));
          stmt->comment = std::move(comment);
        } else {
          return Unexpected("SET (...) or COMMENT = '...'");
        }
      } while (AcceptOp(","));
      return stmt;
    }
    if (AcceptWord("SYSTEM")) {
      auto stmt = std::make_unique<Statement>(StatementKind::kAlterSystem);
      if (AcceptWord("ADD")) {
        stmt->alter_system_action = "ADD";
      } else if (AcceptWord("DROP")) {
        stmt->alter_system_action = "DROP";
      } else if (AcceptWord("DECOMMISSION")) {
        stmt->alter_system_action = "DECOMMISSION";
      } else {
        return Unexpected("ADD, DROP or DECOMMISSION");
      }
      if (IsWord("COMPUTE") && IsWord("NODE", 1)) {
        Advance();
        Advance();
        stmt->alter_system_target = "COMPUTE NODE";
      } else if (AcceptWord("BACKEND")) {
        stmt->alter_system_target = "BACKEND";
      } else if (AcceptWord("FOLLOWER")) {
        stmt->alter_system_target = "FOLLOWER";
      } else if (AcceptWord("OBSERVER")) {
        stmt->alter_system_target = "OBSERVER";
      } else {
        return Unexpected("COMPUTE NODE, BACKEND, FOLLOWER or OBSERVER");
      }
      do {
        ASSIGN_OR_RETURN(std::string host_port, StringLiteral("a quoted \"host:port\""));
        stmt->host_ports.push_back(std::move(host_port));
      } while (AcceptOp(","));
      return stmt;
    }
    return Unexpected("USER, SYSTEM or STORAGE VOLUME");
  }

  Result<std::unique_ptr<Statement>> ParseKill() {
    Advance();  // KILL
    auto stmt = std::make_unique<Statement>(StatementKind::kKill);
    if (AcceptWord("QUERY")) {
      stmt->kill_query_only = true;
    } else {
      AcceptWord("CONNECTION");
    }
    ASSIGN_OR_RETURN(stmt->kill_id, ParseExpr());
    return stmt;
  }

  Result<std::unique_ptr<Statement>> ParseTransaction() {
    auto stmt = std::make_unique<Statement>(StatementKind::kTransaction);
    if (AcceptWord("START")) {
      RETURN_IF_ERROR(ExpectWord("TRANSACTION"));
      stmt->transaction_word = "BEGIN";
      // START TRANSACTION [READ ONLY | READ WRITE | WITH CONSISTENT SNAPSHOT], ...
      while (!AtEnd() && !IsOp(";")) {
        if (AcceptWord("READ")) {
          if (!AcceptWord("ONLY") && !AcceptWord("WRITE")) return Unexpected("ONLY or WRITE");
        } else if (AcceptWord("WITH")) {
          RETURN_IF_ERROR(ExpectWord("CONSISTENT"));
          RETURN_IF_ERROR(ExpectWord("SNAPSHOT"));
        } else {
          return Unexpected("READ ONLY, READ WRITE or WITH CONSISTENT SNAPSHOT");
        }
        if (!AcceptOp(",")) break;
      }
      return stmt;
    }
    stmt->transaction_word = ToUpper(Cur().text);
    Advance();
    AcceptWord("WORK");
    return stmt;
  }

  Result<std::unique_ptr<Statement>> ParseDescribe() {
    if (IsWord("EXPLAIN")) {
      return Status::Sql(sql_errors::kNotSupportedYet, "EXPLAIN is not supported yet");
    }
    Advance();  // DESC / DESCRIBE
    if (IsWord("STORAGE") && IsWord("VOLUME", 1)) {
      Advance();
      Advance();
      auto stmt = std::make_unique<Statement>(StatementKind::kDescStorageVolume);
      ASSIGN_OR_RETURN(stmt->name, Identifier("a storage volume name"));
      return stmt;
    }
    auto stmt = std::make_unique<Statement>(StatementKind::kDescribe);
    ASSIGN_OR_RETURN(stmt->table, QualifiedTableName());
    AcceptWord("ALL");
    return stmt;
  }

  Result<std::unique_ptr<Statement>> ParseAdmin() {
    Advance();  // ADMIN
    if (AcceptWord("SHOW")) {
      RETURN_IF_ERROR(ExpectWord("FRONTEND"));
      RETURN_IF_ERROR(ExpectWord("CONFIG"));
      auto stmt = std::make_unique<Statement>(StatementKind::kShow);
      stmt->show = std::make_unique<ShowStmt>();
      stmt->show->kind = ShowKind::kFrontendConfig;
      if (AcceptWord("LIKE")) {
        ASSIGN_OR_RETURN(std::string pattern, StringLiteral("a LIKE pattern string"));
        stmt->show->like = std::move(pattern);
      }
      return stmt;
    }
    return Unexpected("SHOW FRONTEND CONFIG");
  }

  // ---- expressions -------------------------------------------------------------------------
  ExprPtr MakeExpr(ExprKind kind) {
    auto e = std::make_unique<Expr>(kind);
    e->begin = Cur().begin;
    return e;
  }
  ExprPtr MakeBinary(std::string op, ExprPtr left, ExprPtr right) {
    auto e = std::make_unique<Expr>(ExprKind::kBinary);
    e->op = std::move(op);
    e->begin = left->begin;
    e->end = right->end;
    e->children.push_back(std::move(left));
    e->children.push_back(std::move(right));
    return e;
  }

  Result<ExprPtr> ParseExpr() {
    if (++depth_ > kMaxDepth) {
      --depth_;
      return Status::Sql(sql_errors::kParseError, "expression nesting is too deep (more than " +
                                                      std::to_string(kMaxDepth) + " levels)");
    }
    Result<ExprPtr> result = ParseOr();
    --depth_;
    return result;
  }

  Result<ExprPtr> ParseOr() {
    ASSIGN_OR_RETURN(ExprPtr left, ParseXor());
    while (IsWord("OR") || IsOp("||")) {
      Advance();
      ASSIGN_OR_RETURN(ExprPtr right, ParseXor());
      left = MakeBinary("OR", std::move(left), std::move(right));
    }
    return left;
  }

  Result<ExprPtr> ParseXor() {
    ASSIGN_OR_RETURN(ExprPtr left, ParseAnd());
    while (AcceptWord("XOR")) {
      ASSIGN_OR_RETURN(ExprPtr right, ParseAnd());
      left = MakeBinary("XOR", std::move(left), std::move(right));
    }
    return left;
  }

  Result<ExprPtr> ParseAnd() {
    ASSIGN_OR_RETURN(ExprPtr left, ParseNot());
    while (IsWord("AND") || IsOp("&&")) {
      Advance();
      ASSIGN_OR_RETURN(ExprPtr right, ParseNot());
      left = MakeBinary("AND", std::move(left), std::move(right));
    }
    return left;
  }

  Result<ExprPtr> ParseNot() {
    if (IsWord("NOT")) {
      auto e = MakeExpr(ExprKind::kUnary);
      Advance();
      e->op = "NOT";
      ASSIGN_OR_RETURN(ExprPtr child, ParseNot());
      e->end = child->end;
      e->children.push_back(std::move(child));
      return e;
    }
    return ParseComparison();
  }

  Result<ExprPtr> ParseComparison() {
    ASSIGN_OR_RETURN(ExprPtr left, ParseBitOr());
    while (true) {
      static constexpr std::string_view kOps[] = {"=", "<=>", "<>", "!=", "<", "<=", ">", ">="};
      bool matched = false;
      for (std::string_view op : kOps) {
        if (IsOp(op)) {
          Advance();
          ASSIGN_OR_RETURN(ExprPtr right, ParseBitOr());
          left = MakeBinary(op == "!=" ? "<>" : std::string(op), std::move(left), std::move(right));
          matched = true;
          break;
        }
      }
      if (matched) continue;
      if (IsWord("IS")) {
        Advance();
        bool negated = AcceptWord("NOT");
        ExprPtr e;
        if (AcceptWord("NULL")) {
          e = std::make_unique<Expr>(ExprKind::kIsNull);
        } else if (IsWord("TRUE") || IsWord("FALSE")) {
          e = std::make_unique<Expr>(ExprKind::kIsBool);
          e->bool_value = IsWord("TRUE");
          Advance();
        } else {
          return Unexpected("NULL, TRUE or FALSE");
        }
        e->negated = negated;
        e->begin = left->begin;
        e->end = PrevEnd();
        e->children.push_back(std::move(left));
        left = std::move(e);
        continue;
      }
      bool negated = false;
      size_t save = pos_;
      if (IsWord("NOT") && (IsWord("LIKE", 1) || IsWord("IN", 1) || IsWord("BETWEEN", 1) ||
                            IsWord("REGEXP", 1) || IsWord("RLIKE", 1))) {
        Advance();
        negated = true;
      }
      if (IsWord("LIKE") || IsWord("REGEXP") || IsWord("RLIKE")) {
        auto e = std::make_unique<Expr>(ExprKind::kLike);
        e->op = IsWord("LIKE") ? "LIKE" : "REGEXP";
        Advance();
        e->negated = negated;
        e->begin = left->begin;
        ASSIGN_OR_RETURN(ExprPtr pattern, ParseBitOr());
        e->children.push_back(std::move(left));
        e->children.push_back(std::move(pattern));
        if (e->op == "LIKE" && AcceptWord("ESCAPE")) {
          ASSIGN_OR_RETURN(ExprPtr escape, ParsePrimary());
          e->children.push_back(std::move(escape));
        }
        e->end = PrevEnd();
        left = std::move(e);
        continue;
      }
      if (IsWord("IN")) {
        Advance();
        RETURN_IF_ERROR(ExpectOp("("));
        if (IsWord("SELECT")) {
          auto e = std::make_unique<Expr>(ExprKind::kInSubquery);
          e->negated = negated;
          e->begin = left->begin;
          ASSIGN_OR_RETURN(e->subquery, ParseSelect());
          RETURN_IF_ERROR(ExpectOp(")"));
          e->end = PrevEnd();
          e->children.push_back(std::move(left));
          left = std::move(e);
          continue;
        }
        auto e = std::make_unique<Expr>(ExprKind::kInList);
        e->negated = negated;
        e->begin = left->begin;
        e->children.push_back(std::move(left));
        do {
          ASSIGN_OR_RETURN(ExprPtr item, ParseExpr());
          e->children.push_back(std::move(item));
        } while (AcceptOp(","));
        RETURN_IF_ERROR(ExpectOp(")"));
        e->end = PrevEnd();
        left = std::move(e);
        continue;
      }
      if (IsWord("BETWEEN")) {
        Advance();
        auto e = std::make_unique<Expr>(ExprKind::kBetween);
        e->negated = negated;
        e->begin = left->begin;
        ASSIGN_OR_RETURN(ExprPtr low, ParseBitOr());
        RETURN_IF_ERROR(ExpectWord("AND"));
        ASSIGN_OR_RETURN(ExprPtr high, ParseBitOr());
        e->children.push_back(std::move(left));
        e->children.push_back(std::move(low));
        e->children.push_back(std::move(high));
        e->end = PrevEnd();
        left = std::move(e);
        continue;
      }
      pos_ = save;
      break;
    }
    return left;
  }

  Result<ExprPtr> ParseBitOr() {
    ASSIGN_OR_RETURN(ExprPtr left, ParseBitAnd());
    while (IsOp("|")) {
      Advance();
      ASSIGN_OR_RETURN(ExprPtr right, ParseBitAnd());
      left = MakeBinary("|", std::move(left), std::move(right));
    }
    return left;
  }

  Result<ExprPtr> ParseBitAnd() {
    ASSIGN_OR_RETURN(ExprPtr left, ParseShift());
    while (IsOp("&")) {
      Advance();
      ASSIGN_OR_RETURN(ExprPtr right, ParseShift());
      left = MakeBinary("&", std::move(left), std::move(right));
    }
    return left;
  }

  Result<ExprPtr> ParseShift() {
    ASSIGN_OR_RETURN(ExprPtr left, ParseAdditive());
    while (IsOp("<<") || IsOp(">>")) {
      std::string op = Cur().text;
      Advance();
      ASSIGN_OR_RETURN(ExprPtr right, ParseAdditive());
      left = MakeBinary(op, std::move(left), std::move(right));
    }
    return left;
  }

  Result<ExprPtr> ParseAdditive() {
    ASSIGN_OR_RETURN(ExprPtr left, ParseMultiplicative());
    while (IsOp("+") || IsOp("-")) {
      std::string op = Cur().text;
      Advance();
      ASSIGN_OR_RETURN(ExprPtr right, ParseMultiplicative());
      left = MakeBinary(op, std::move(left), std::move(right));
    }
    return left;
  }

  Result<ExprPtr> ParseMultiplicative() {
    ASSIGN_OR_RETURN(ExprPtr left, ParseBitXor());
    while (IsOp("*") || IsOp("/") || IsOp("%") || IsWord("DIV") || IsWord("MOD")) {
      std::string op = ToUpper(Cur().text);
      if (op == "MOD") op = "%";
      Advance();
      ASSIGN_OR_RETURN(ExprPtr right, ParseBitXor());
      left = MakeBinary(op, std::move(left), std::move(right));
    }
    return left;
  }

  Result<ExprPtr> ParseBitXor() {
    ASSIGN_OR_RETURN(ExprPtr left, ParseUnary());
    while (IsOp("^")) {
      Advance();
      ASSIGN_OR_RETURN(ExprPtr right, ParseUnary());
      left = MakeBinary("^", std::move(left), std::move(right));
    }
    return left;
  }

  Result<ExprPtr> ParseUnary() {
    if (IsOp("-") || IsOp("+") || IsOp("~") || IsOp("!")) {
      auto e = MakeExpr(ExprKind::kUnary);
      e->op = Cur().text == "!" ? "NOT" : Cur().text;
      Advance();
      if (e->op == "-" && Cur().kind == TokenKind::kInteger && Cur().text == "9223372036854775808") {
        // The one negative literal whose magnitude does not fit in int64.
        e->kind = ExprKind::kLiteral;
        e->value = Value::Int(INT64_MIN);
        Advance();
        e->end = PrevEnd();
        return e;
      }
      if (++depth_ > kMaxDepth) {
        --depth_;
        return Status::Sql(sql_errors::kParseError, "expression nesting is too deep");
      }
      Result<ExprPtr> child = ParseUnary();
      --depth_;
      if (!child.ok()) return child.status();
      e->end = (*child)->end;
      // Fold "-<number literal>" so -9223372036854775808 stays an integer.
      if (e->op == "-" && (*child)->kind == ExprKind::kLiteral && !(*child)->value.is_null() &&
          (*child)->value.type().id == TypeId::kBigInt) {
        (*child)->value = Value::Int(-(*child)->value.int_value());
        (*child)->begin = e->begin;
        return std::move(child).value();
      }
      e->children.push_back(std::move(child).value());
      return e;
    }
    ASSIGN_OR_RETURN(ExprPtr e, ParsePrimary());
    // `expr COLLATE name` is accepted and ignored (one collation family is served).
    while (AcceptWord("COLLATE")) {
      RETURN_IF_ERROR(IdentifierOrString("a collation name").status());
      e->end = PrevEnd();
    }
    return e;
  }

  Result<ExprPtr> ParsePrimary() {
    const Token& t = Cur();
    switch (t.kind) {
      case TokenKind::kInteger: {
        auto e = MakeExpr(ExprKind::kLiteral);
        int64_t v;
        if (ParseInt64(t.text, &v)) {
          e->value = Value::Int(v);
        } else {
          // Beyond int64 (e.g. 18446744073709551615): keep as DECIMAL text via double for now.
          double d = 0;
          ParseDouble(t.text, &d);
          e->value = Value::Double(d);
        }
        Advance();
        e->end = PrevEnd();
        return e;
      }
      case TokenKind::kDecimal: {
        auto e = MakeExpr(ExprKind::kLiteral);
        double d = 0;
        if (!ParseDouble(t.text, &d)) return Unexpected("a number");
        // Decimal literals without exponent keep their scale (1.50 prints as 1.50).
        size_t dot = t.text.find('.');
        bool has_exp = t.text.find_first_of("eE") != std::string::npos;
        if (!has_exp && dot != std::string::npos && t.text.size() - dot - 1 <= 9 && t.text.size() <= 18) {
          int scale = static_cast<int>(t.text.size() - dot - 1);
          std::string digits = t.text.substr(0, dot) + t.text.substr(dot + 1);
          int64_t scaled = 0;
          if (ParseInt64(digits.empty() ? "0" : digits, &scaled)) {
            e->value = Value::Int(scaled, DataType::Decimal(static_cast<int16_t>(std::max<size_t>(digits.size(), 1)),
                                                            static_cast<int16_t>(scale)));
            Advance();
            e->end = PrevEnd();
            return e;
          }
        }
        e->value = Value::Double(d);
        Advance();
        e->end = PrevEnd();
        return e;
      }
      case TokenKind::kString: {
        auto e = MakeExpr(ExprKind::kLiteral);
        std::string s = t.text;
        Advance();
        // Adjacent string literals concatenate: 'a' 'b' = 'ab'.
        while (Cur().kind == TokenKind::kString) {
          s += Cur().text;
          Advance();
        }
        e->value = Value::String(std::move(s));
        e->end = PrevEnd();
        return e;
      }
      case TokenKind::kPlaceholder: {
        auto e = MakeExpr(ExprKind::kPlaceholder);
        e->placeholder_index = placeholders_++;
        Advance();
        e->end = PrevEnd();
        return e;
      }
      case TokenKind::kOperator:
        return ParseOperatorPrimary();
      case TokenKind::kIdentifier:
      case TokenKind::kQuotedIdentifier:
        return ParseNamePrimary();
      case TokenKind::kEnd:
        break;
    }
    return Unexpected("an expression");
  }

  Result<ExprPtr> ParseOperatorPrimary() {
    if (IsOp("(")) {
      uint32_t begin = Cur().begin;
      Advance();
      if (IsWord("SELECT")) {
        auto e = std::make_unique<Expr>(ExprKind::kSubquery);
        e->begin = begin;
        ASSIGN_OR_RETURN(e->subquery, ParseSelect());
        RETURN_IF_ERROR(ExpectOp(")"));
        e->end = PrevEnd();
        return e;
      }
      ASSIGN_OR_RETURN(ExprPtr inner, ParseExpr());
      if (IsOp(",")) {
        return Status::Sql(sql_errors::kNotSupportedYet, "row constructors are not supported");
      }
      RETURN_IF_ERROR(ExpectOp(")"));
      inner->begin = begin;
      inner->end = PrevEnd();
      return inner;
    }
    if (IsOp("@@")) {
      auto e = MakeExpr(ExprKind::kSystemVariable);
      Advance();
      ASSIGN_OR_RETURN(auto name_scope, VariableNameAfterAtAt());
      e->name = name_scope.first;
      e->scope = name_scope.second;
      e->end = PrevEnd();
      return e;
    }
    if (IsOp("@")) {
      auto e = MakeExpr(ExprKind::kUserVariable);
      Advance();
      ASSIGN_OR_RETURN(e->name, IdentifierOrString("a user variable name"));
      e->end = PrevEnd();
      return e;
    }
    return Unexpected("an expression");
  }

  Result<ExprPtr> ParseNamePrimary() {
    const Token& t = Cur();
    bool quoted = t.kind == TokenKind::kQuotedIdentifier;
    std::string upper = ToUpper(t.text);
    if (!quoted) {
      if (upper == "NULL") {
        auto e = MakeExpr(ExprKind::kLiteral);
        Advance();
        e->end = PrevEnd();
        return e;
      }
      if (upper == "TRUE" || upper == "FALSE") {
        auto e = MakeExpr(ExprKind::kLiteral);
        e->value = Value::Bool(upper == "TRUE");
        Advance();
        e->end = PrevEnd();
        return e;
      }
      if (upper == "CASE") return ParseCase();
      if (upper == "EXISTS" && PeekTok(1).kind == TokenKind::kOperator && PeekTok(1).text == "(") {
        auto e = MakeExpr(ExprKind::kExists);
        Advance();
        Advance();
        ASSIGN_OR_RETURN(e->subquery, ParseSelect());
        RETURN_IF_ERROR(ExpectOp(")"));
        e->end = PrevEnd();
        return e;
      }
      if ((upper == "CAST" || upper == "CONVERT") && PeekTok(1).kind == TokenKind::kOperator &&
          PeekTok(1).text == "(") {
        return ParseCast(upper == "CONVERT");
      }
      if (upper == "INTERVAL") {
        auto e = MakeExpr(ExprKind::kInterval);
        Advance();
        ASSIGN_OR_RETURN(ExprPtr amount, ParseExpr());
        ASSIGN_OR_RETURN(std::string unit, Identifier("an interval unit"));
        e->name = ToUpper(unit);
        e->children.push_back(std::move(amount));
        e->end = PrevEnd();
        return e;
      }
      if ((upper == "DATE" || upper == "TIMESTAMP" || upper == "DATETIME") &&
          PeekTok(1).kind == TokenKind::kString) {
        // DATE '2024-01-01' typed literal = CAST('...' AS DATE).
        auto e = MakeExpr(ExprKind::kCast);
        e->cast_type = upper == "DATE" ? DataType::Date() : DataType::DateTime();
        Advance();
        auto lit = MakeExpr(ExprKind::kLiteral);
        lit->value = Value::String(Cur().text);
        Advance();
        lit->end = PrevEnd();
        e->children.push_back(std::move(lit));
        e->end = PrevEnd();
        return e;
      }
      if (ReservedWords().count(upper) && !(PeekTok(1).kind == TokenKind::kOperator && PeekTok(1).text == "(")) {
        return Unexpected("an expression");
      }
      // Functions that may be called without parentheses.
      static const std::unordered_set<std::string> kNiladic = {
          "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_USER", "LOCALTIME", "LOCALTIMESTAMP",
          "UTC_TIMESTAMP", "UTC_DATE"};
      if (kNiladic.count(upper) && !(PeekTok(1).kind == TokenKind::kOperator && PeekTok(1).text == "(")) {
        auto e = MakeExpr(ExprKind::kFunction);
        e->name = ToLower(upper);
        Advance();
        e->end = PrevEnd();
        return e;
      }
    }
    // Function call?
    if (PeekTok(1).kind == TokenKind::kOperator && PeekTok(1).text == "(") {
      auto e = MakeExpr(ExprKind::kFunction);
      e->name = ToLower(t.text);
      Advance();
      Advance();  // (
      if (AcceptOp(")")) {
        e->end = PrevEnd();
        return e;
      }
      if (AcceptWord("DISTINCT")) e->distinct = true;
      if (IsOp("*")) {
        auto star = MakeExpr(ExprKind::kStar);
        Advance();
        star->end = PrevEnd();
        e->children.push_back(std::move(star));
      } else {
        do {
          ASSIGN_OR_RETURN(ExprPtr arg, ParseExpr());
          e->children.push_back(std::move(arg));
        } while (AcceptOp(","));
        // SUBSTRING(s FROM a FOR b), TRIM(x FROM y) style arguments.
        if (AcceptWord("FROM")) {
          ASSIGN_OR_RETURN(ExprPtr arg, ParseExpr());
          e->children.push_back(std::move(arg));
          if (AcceptWord("FOR")) {
            ASSIGN_OR_RETURN(ExprPtr len, ParseExpr());
            e->children.push_back(std::move(len));
          }
        }
        // CONVERT(x USING utf8mb4)
        if (AcceptWord("USING")) RETURN_IF_ERROR(IdentifierOrString("a character set").status());
      }
      RETURN_IF_ERROR(ExpectOp(")"));
      e->end = PrevEnd();
      return e;
    }
    // Column reference: a[.b[.c]]
    auto e = MakeExpr(ExprKind::kColumnRef);
    e->names.push_back(t.text);
    Advance();
    while (IsOp(".") && (PeekTok(1).kind == TokenKind::kIdentifier || PeekTok(1).kind == TokenKind::kQuotedIdentifier)) {
      Advance();
      e->names.push_back(Cur().text);
      Advance();
    }
    e->end = PrevEnd();
    return e;
  }

  Result<ExprPtr> ParseCase() {
    auto e = MakeExpr(ExprKind::kCase);
    Advance();  // CASE
    if (!IsWord("WHEN")) {
      e->has_case_operand = true;
      ASSIGN_OR_RETURN(ExprPtr operand, ParseExpr());
      e->children.push_back(std::move(operand));
    }
    if (!IsWord("WHEN")) return Unexpected("WHEN");
    while (AcceptWord("WHEN")) {
      ASSIGN_OR_RETURN(ExprPtr when, ParseExpr());
      RETURN_IF_ERROR(ExpectWord("THEN"));
      ASSIGN_OR_RETURN(ExprPtr then, ParseExpr());
      e->children.push_back(std::move(when));
      e->children.push_back(std::move(then));
    }
    if (AcceptWord("ELSE")) {
      e->has_else = true;
      ASSIGN_OR_RETURN(ExprPtr otherwise, ParseExpr());
      e->children.push_back(std::move(otherwise));
    }
    RETURN_IF_ERROR(ExpectWord("END"));
    e->end = PrevEnd();
    return e;
  }

  Result<ExprPtr> ParseCast(bool is_convert) {
    auto e = MakeExpr(ExprKind::kCast);
    Advance();  // CAST / CONVERT
    Advance();  // (
    ASSIGN_OR_RETURN(ExprPtr value, ParseExpr());
    if (is_convert) {
      if (AcceptWord("USING")) {  // CONVERT(x USING cs): a no-op for utf8 text
        RETURN_IF_ERROR(IdentifierOrString("a character set").status());
        RETURN_IF_ERROR(ExpectOp(")"));
        e->kind = ExprKind::kFunction;
        e->name = "convert_using";
        e->children.push_back(std::move(value));
        e->end = PrevEnd();
        return e;
      }
      RETURN_IF_ERROR(ExpectOp(","));
    } else {
      RETURN_IF_ERROR(ExpectWord("AS"));
    }
    ASSIGN_OR_RETURN(e->cast_type, ParseCastType());
    RETURN_IF_ERROR(ExpectOp(")"));
    e->children.push_back(std::move(value));
    e->end = PrevEnd();
    return e;
  }

  Result<DataType> ParseCastType() {
    ASSIGN_OR_RETURN(std::string name, Identifier("a type name"));
    std::string upper = ToUpper(name);
    if (upper == "SIGNED" || upper == "UNSIGNED") {
      AcceptWord("INTEGER") || AcceptWord("INT");
      return DataType::BigInt();
    }
    int64_t a1 = -1, a2 = -1;
    if (AcceptOp("(")) {
      if (Cur().kind != TokenKind::kInteger || !ParseInt64(Cur().text, &a1)) return Unexpected("a type length");
      Advance();
      if (AcceptOp(",")) {
        if (Cur().kind != TokenKind::kInteger || !ParseInt64(Cur().text, &a2)) return Unexpected("a scale");
        Advance();
      }
      RETURN_IF_ERROR(ExpectOp(")"));
    }
    if (upper == "CHAR" || upper == "NCHAR") {
      // CAST(x AS CHAR(n)) means a string, MySQL style.
      if (AcceptWord("CHARACTER")) {
        RETURN_IF_ERROR(ExpectWord("SET"));
        RETURN_IF_ERROR(IdentifierOrString("a character set").status());
      }
      return DataType::Varchar(a1 < 0 ? -1 : static_cast<int32_t>(a1));
    }
    if (upper == "BINARY") return DataType::Varchar();
    if (upper == "VARCHAR" && a1 < 0) {
      // A column's bare VARCHAR is VARCHAR(1) (DataTypeFromName), but a cast target without a
      // length is StarRocks' unbounded VARCHAR: CAST(x AS VARCHAR) must not cut x to one byte.
      return DataType::Varchar();
    }
    Result<DataType> type = DataTypeFromName(name, a1, a2);
    if (!type.ok()) return Status::Sql(sql_errors::kParseError, type.status().message());
    return type;
  }

  static constexpr int kMaxDepth = 200;
  std::string_view sql_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  int placeholders_ = 0;
};

}  // namespace

Result<std::vector<std::unique_ptr<Statement>>> ParseStatements(std::string_view sql) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(sql));
  Parser parser(sql, std::move(tokens));
  ASSIGN_OR_RETURN(auto statements, parser.ParseAll());
  if (statements.empty()) {
    auto empty = std::make_unique<Statement>(StatementKind::kEmpty);
    statements.push_back(std::move(empty));
  }
  return statements;
}

Result<std::unique_ptr<Statement>> ParseStatement(std::string_view sql) {
  ASSIGN_OR_RETURN(auto statements, ParseStatements(sql));
  if (statements.size() != 1) {
    return Status::Sql(sql_errors::kParseError,
                       "Getting syntax error: expected one statement, found " + std::to_string(statements.size()) +
                           " (multi-statements need CLIENT_MULTI_STATEMENTS)");
  }
  return std::move(statements.front());
}

}  // namespace basalt::sql
