#include "common/status.h"

#include <cstdio>
#include <cstdlib>

#include "common/sql_errors.h"

namespace basalt {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "Invalid argument";
    case StatusCode::kNotFound: return "Not found";
    case StatusCode::kAlreadyExists: return "Already exists";
    case StatusCode::kCorruption: return "Corruption";
    case StatusCode::kIOError: return "IO error";
    case StatusCode::kTimedOut: return "Timed out";
    case StatusCode::kCancelled: return "Cancelled";
    case StatusCode::kResourceExhausted: return "Resource exhausted";
    case StatusCode::kNotSupported: return "Not supported";
    case StatusCode::kInternal: return "Internal error";
  }
  return "Unknown";
}

Status::Status(StatusCode code, std::string message, std::optional<SqlError> sql_error) {
  if (code != StatusCode::kOk) {
    state_ = std::make_unique<State>(State{code, std::move(message), sql_error});
  }
}

Status::Status(const Status& other)
    : state_(other.state_ ? std::make_unique<State>(*other.state_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) state_ = other.state_ ? std::make_unique<State>(*other.state_) : nullptr;
  return *this;
}

Status Status::Sql(SqlError error, std::string msg) {
  return Status(StatusCode::kInvalidArgument, std::move(msg), error);
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return state_ ? state_->message : kEmpty;
}

SqlError Status::sql_error() const {
  if (!state_) return SqlError();
  if (state_->sql_error) return *state_->sql_error;
  switch (state_->code) {
    case StatusCode::kNotSupported: return sql_errors::kNotSupportedYet;
    case StatusCode::kTimedOut: return sql_errors::kQueryTimeout;
    case StatusCode::kCancelled: return sql_errors::kQueryInterrupted;
    case StatusCode::kResourceExhausted: return sql_errors::kOutOfResources;
    default: return sql_errors::kUnknownError;
  }
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return Status();
  std::string msg(context);
  msg += ": ";
  msg += state_->message;
  return Status(state_->code, std::move(msg), state_->sql_error);
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(state_->code));
  out += ": ";
  out += state_->message;
  return out;
}

void DieOnBadResultAccess(const Status& status) {
  std::fprintf(stderr, "FATAL: value() of a Result holding an error: %s\n", status.ToString().c_str());
  std::abort();
}

}  // namespace basalt
