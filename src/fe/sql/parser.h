// Recursive-descent parser for the StarRocks SQL dialect.
//
// Errors are MySQL 1064 with StarRocks' wording and the 1-based line and column of the offending
// token ("Getting syntax error at line 1, column 8. Detail message: Unexpected input 'FORM',
// ..."), so tools that extract " at line N" (DBeaver) can point at it.
//
// ParseStatements splits a multi-statement text on top-level ';' (strings and comments are
// already handled by the lexer). The session decides whether more than one is allowed.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "fe/sql/ast.h"

namespace basalt::sql {

Result<std::vector<std::unique_ptr<Statement>>> ParseStatements(std::string_view sql);
// Exactly one statement (a trailing ';' is allowed).
Result<std::unique_ptr<Statement>> ParseStatement(std::string_view sql);

}  // namespace basalt::sql
