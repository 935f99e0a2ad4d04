#include "fe/qe/binder.h"

#include <ctime>

#include "common/sql_errors.h"
#include "common/string_util.h"
#include "engine/functions.h"

namespace basalt::fe {
namespace {

// The statement's time zone, loaded once per bind (a zone lookup is not free, and every call of
// a zone-dependent function in the statement must agree on it).
Result<const TimeZone*> StatementTimeZone(BindContext& ctx) {
  if (!ctx.time_zone) {
    if (ctx.session && ctx.fe) {
      ASSIGN_OR_RETURN(TimeZone zone, SessionTimeZone(*ctx.session, *ctx.fe));
      ctx.time_zone = std::move(zone);
    } else {
      ctx.time_zone = TimeZone();  // No session (tests, internal binds): UTC.
    }
  }
  return &*ctx.time_zone;
}

Result<ExprPtr> MakeCall(const std::string& name, std::vector<ExprPtr> args, BindContext& ctx) {
  std::vector<DataType> types;
  for (const ExprPtr& a : args) types.push_back(a->type());
  FunctionContext context;
  // Only zone-dependent calls read time_zone, so a statement without them never loads a zone.
  if (IsTimeZoneDependent(name)) {
    ASSIGN_OR_RETURN(const TimeZone* zone, StatementTimeZone(ctx));
    context.time_zone = *zone;
  }
  ASSIGN_OR_RETURN(ResolvedFunction fn, ResolveFunction(name, types, context));
  return ExprPtr(std::make_shared<FunctionExpr>(name, std::move(fn.kernel), std::move(args), fn.result_type));
}

ExprPtr Literal(Value v) { return std::make_shared<LiteralExpr>(std::move(v)); }

// Functions whose value depends on the session, folded at bind time.
Result<std::optional<Value>> SessionFunction(const std::string& name, const std::vector<ExprPtr>& args,
                                             BindContext& ctx) {
  Session& s = *ctx.session;
  auto no_args = [&]() -> Status {
    if (!args.empty()) {
      return Status::Sql(sql_errors::kWrongParamCount,
                         "Incorrect parameter count in the call to native function '" + name + "'");
    }
    return Status::OK();
  };
  if (name == "database" || name == "schema") {
    RETURN_IF_ERROR(no_args());
    std::string db = s.current_db();
    return std::optional<Value>(db.empty() ? Value::Null(DataType::Varchar()) : Value::String(db));
  }
  if (name == "user" || name == "session_user" || name == "system_user") {
    RETURN_IF_ERROR(no_args());
    return std::optional<Value>(Value::String(s.user() + "@" + s.remote_host()));
  }
  if (name == "current_user") {
    RETURN_IF_ERROR(no_args());
    return std::optional<Value>(Value::String("'" + s.user() + "'@'%'"));
  }
  if (name == "connection_id") {
    RETURN_IF_ERROR(no_args());
    return std::optional<Value>(Value::Int(s.connection_id()));
  }
  if (name == "version") {
    RETURN_IF_ERROR(no_args());
    return std::optional<Value>(Value::String("8.0.33"));
  }
  if (name == "current_version") {
    RETURN_IF_ERROR(no_args());
    return std::optional<Value>(Value::String(ctx.fe->frontend.version + " basalt"));
  }
  if (ctx.defer_clock_functions && args.empty() &&
      (name == "now" || name == "current_timestamp" || name == "localtime" || name == "localtimestamp" ||
       name == "curdate" || name == "current_date")) {
    return std::optional<Value>();  // Resolved as zone-dependent functions (engine/functions.h).
  }
  // The statement's start as a civil time: in the session's time_zone, except for the UTC_*
  // functions.
  auto start_civil_micros = [&](bool utc) -> Result<int64_t> {
    int64_t ms = s.query_start_ms() ? s.query_start_ms() : NowMillis();
    int64_t seconds = ms / 1000;
    if (utc) return seconds * 1000000;
    ASSIGN_OR_RETURN(const TimeZone* zone, StatementTimeZone(ctx));
    return zone->CivilMicrosFromEpochSeconds(seconds);
  };
  if (name == "now" || name == "current_timestamp" || name == "localtime" || name == "localtimestamp" ||
      name == "sysdate" || name == "utc_timestamp") {
    ASSIGN_OR_RETURN(int64_t micros, start_civil_micros(name == "utc_timestamp"));
    return std::optional<Value>(Value::Int(micros, DataType::DateTime()));
  }
  if (name == "curdate" || name == "current_date" || name == "utc_date") {
    RETURN_IF_ERROR(no_args());
    ASSIGN_OR_RETURN(int64_t micros, start_civil_micros(name == "utc_date"));
    return std::optional<Value>(Value::Int(DateOfDateTime(micros), DataType::Date()));
  }
  if (name == "unix_timestamp" && args.empty()) {
    int64_t ms = s.query_start_ms() ? s.query_start_ms() : NowMillis();
    return std::optional<Value>(Value::Int(ms / 1000));
  }
  if (name == "last_insert_id" || name == "found_rows" || name == "row_count") {
    return std::optional<Value>(Value::Int(0));
  }
  return std::optional<Value>();
}

}  // namespace

Result<TimeZone> SessionTimeZone(const Session& session, const FeContext& fe) {
  std::string name;
  if (const VariableDef* def = FindVariableDef("time_zone")) name = session.GetVariable(*def).text.value_or("");
  if (name.empty() || EqualsIgnoreCase(name, "SYSTEM")) {
    // MySQL's SYSTEM: the server's own zone.
    const VariableDef* system = FindVariableDef("system_time_zone");
    name = system && fe.globals ? fe.globals->Get(*system).text.value_or("UTC") : "UTC";
  }
  return TimeZone::Load(name);
}

bool IsAggregateCall(const sql::Expr& e) {
  if (e.kind != sql::ExprKind::kFunction) return false;
  return e.name == "count" || e.name == "sum" || e.name == "min" || e.name == "max" || e.name == "avg" ||
         e.name == "group_concat" || e.name == "any_value";
}

Result<Value> ReadSystemVariable(Session& session, const FeContext& fe, const std::string& name,
                                 sql::VariableScope scope) {
  const VariableDef* def = FindVariableDef(name);
  if (!def) {
    if (auto v = session.GetUnknownVariable(name)) return Value::String(*v);
    return Status::Sql(sql_errors::kUnknownSystemVariable, "Unknown system variable '" + name + "'");
  }
  VariableValue value = scope == sql::VariableScope::kGlobal ? fe.globals->Get(*def) : session.GetVariable(*def);
  return VariableToValue(*def, value);
}

Result<ExprPtr> BindExpr(const sql::Expr& e, BindContext& ctx) {
  using sql::ExprKind;
  if (auto it = ctx.substitutions.find(&e); it != ctx.substitutions.end()) {
    return ExprPtr(std::make_shared<ColumnRefExpr>(it->second, ctx.columns[it->second].type));
  }
  auto bind_children = [&](size_t from = 0) -> Result<std::vector<ExprPtr>> {
    std::vector<ExprPtr> out;
    for (size_t i = from; i < e.children.size(); ++i) {
      ASSIGN_OR_RETURN(ExprPtr c, BindExpr(*e.children[i], ctx));
      out.push_back(std::move(c));
    }
    return out;
  };
  switch (e.kind) {
    case ExprKind::kLiteral:
      return Literal(e.value);
    case ExprKind::kDefault:
      return Status::Sql(sql_errors::kParseError, "DEFAULT is only allowed as the value of SET");
    case ExprKind::kColumnRef: {
      const std::string& column = e.names.back();
      std::string table = e.names.size() >= 2 ? e.names[e.names.size() - 2] : "";
      int found = -1;
      for (size_t i = 0; i < ctx.columns.size(); ++i) {
        const BindColumn& c = ctx.columns[i];
        if (!EqualsIgnoreCase(c.name, column)) continue;
        if (!table.empty() && !EqualsIgnoreCase(c.table, table)) continue;
        if (found >= 0) {
          return Status::Sql({1052, "23000"}, "Column '" + column + "' in field list is ambiguous");
        }
        found = static_cast<int>(i);
      }
      if (found < 0) {
        std::string full;
        for (size_t i = 0; i < e.names.size(); ++i) full += (i ? "." : "") + e.names[i];
        return Status::Sql(sql_errors::kBadField, "Unknown column '" + full + "' in 'field list'");
      }
      return ExprPtr(std::make_shared<ColumnRefExpr>(found, ctx.columns[found].type));
    }
    case ExprKind::kStar:
      return Status::Sql(sql_errors::kParseError, "'*' is only allowed in the select list or COUNT(*)");
    case ExprKind::kSystemVariable: {
      ASSIGN_OR_RETURN(Value v, ReadSystemVariable(*ctx.session, *ctx.fe, e.name, e.scope));
      return Literal(std::move(v));
    }
    case ExprKind::kUserVariable:
      return Literal(ctx.session->GetUserVariable(e.name));
    case ExprKind::kPlaceholder: {
      if (!ctx.parameters || e.placeholder_index >= static_cast<int>(ctx.parameters->size())) {
        return Status::Sql(sql_errors::kWrongArguments, "Incorrect arguments to EXECUTE: missing parameter " +
                                                            std::to_string(e.placeholder_index + 1));
      }
      return Literal((*ctx.parameters)[e.placeholder_index]);
    }
    case ExprKind::kFunction: {
      if (IsAggregateCall(e)) {
        return Status::Sql({1111, "HY000"}, "Invalid use of group function " + ToUpper(e.name) + "()");
      }
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      ASSIGN_OR_RETURN(std::optional<Value> folded, SessionFunction(e.name, args, ctx));
      if (folded) return Literal(std::move(*folded));
      std::string name = e.name;
      if (name == "substring" || name == "substr") name = "substring";
      if (name == "trim" && args.size() == 2) {
        // Parser gives TRIM(rem FROM str) as (rem, str) already.
      }
      return MakeCall(name, std::move(args), ctx);
    }
    case ExprKind::kUnary: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      if (e.op == "+") return args[0];
      return MakeCall(e.op == "-" ? "negate" : e.op == "~" ? "bitnot" : "not", std::move(args), ctx);
    }
    case ExprKind::kBinary: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      return MakeCall(e.op, std::move(args), ctx);
    }
    case ExprKind::kIsNull: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      return MakeCall(e.negated ? "isnotnull" : "isnull", std::move(args), ctx);
    }
    case ExprKind::kIsBool: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      ASSIGN_OR_RETURN(ExprPtr test, MakeCall(e.bool_value ? "istrue" : "isfalse", std::move(args), ctx));
      if (!e.negated) return test;
      return MakeCall("not", {test}, ctx);
    }
    case ExprKind::kLike: {
      if (e.op != "LIKE") {
        return Status::Sql(sql_errors::kNotSupportedYet, "REGEXP is not supported yet");
      }
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      ASSIGN_OR_RETURN(ExprPtr like, MakeCall("like", std::move(args), ctx));
      if (!e.negated) return like;
      return MakeCall("not", {like}, ctx);
    }
    case ExprKind::kBetween: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      ASSIGN_OR_RETURN(ExprPtr between, MakeCall("between", std::move(args), ctx));
      if (!e.negated) return between;
      return MakeCall("not", {between}, ctx);
    }
    case ExprKind::kInList: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      ASSIGN_OR_RETURN(ExprPtr in, MakeCall("in", std::move(args), ctx));
      if (!e.negated) return in;
      return MakeCall("not", {in}, ctx);
    }
    case ExprKind::kCase: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      std::string name = std::string("case") + (e.has_case_operand ? "_operand" : "") + (e.has_else ? "_else" : "");
      return MakeCall(name, std::move(args), ctx);
    }
    case ExprKind::kCast: {
      ASSIGN_OR_RETURN(std::vector<ExprPtr> args, bind_children());
      return MakeCastExpr(args[0], e.cast_type);
    }
    case ExprKind::kSubquery: {
      if (!ctx.scalar_subquery) return Status::Sql(sql_errors::kNotSupportedYet, "subqueries are not supported here");
      ASSIGN_OR_RETURN(Value v, ctx.scalar_subquery(*e.subquery));
      return Literal(std::move(v));
    }
    case ExprKind::kExists:
    case ExprKind::kInSubquery:
      return Status::Sql(sql_errors::kNotSupportedYet, "EXISTS / IN (subquery) are not supported yet");
    case ExprKind::kInterval:
      return Status::Sql(sql_errors::kNotSupportedYet, "INTERVAL arithmetic is not supported yet");
  }
  return Status::Internal("unhandled expression kind");
}

}  // namespace basalt::fe
