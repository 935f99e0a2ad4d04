// Status and Result<T>: errors are values.
//
// A Status is OK or carries a code, a message and, for errors a SQL client will see, the MySQL
// error number and SQLSTATE it must be reported with. OK costs one null pointer, so returning
// Status on hot paths is free when nothing fails (the leveldb trick).
//
// Result<T> holds either a T or a non-OK Status. Reading the value of an errored Result is a
// programmer mistake and aborts.
//
// Propagate with RETURN_IF_ERROR(expr) and ASSIGN_OR_RETURN(lhs, expr). No exception crosses a
// module boundary; they are caught at thread, RPC and session boundaries and turned into Status.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace basalt {

enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,    // The caller (often a user) asked for something malformed or illegal.
  kNotFound,           // A named thing does not exist where it must.
  kAlreadyExists,      // Creating a named thing that exists.
  kCorruption,         // Stored bytes fail validation (checksum, magic, bounds).
  kIOError,            // The OS or a remote store failed an operation.
  kTimedOut,           // A deadline passed.
  kCancelled,          // Someone asked us to stop (KILL, shutdown, fencing).
  kResourceExhausted,  // Memory, connections, disk.
  kNotSupported,       // Understood but not implemented.
  kInternal,           // A bug: an invariant did not hold.
};

std::string_view StatusCodeName(StatusCode code);

// The MySQL error number and SQLSTATE a client sees. Named constants live in common/sql_errors.h.
struct SqlError {
  uint16_t number = 0;
  char state[6] = {0};  // Five characters plus NUL, e.g. "42000".

  constexpr SqlError() = default;
  constexpr SqlError(uint16_t n, const char (&s)[6]) : number(n) {
    for (int i = 0; i < 6; ++i) state[i] = s[i];
  }
};

class [[nodiscard]] Status {
 public:
  Status() noexcept = default;
  Status(StatusCode code, std::string message, std::optional<SqlError> sql_error = std::nullopt);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status TimedOut(std::string msg) { return {StatusCode::kTimedOut, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {StatusCode::kCancelled, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) { return {StatusCode::kResourceExhausted, std::move(msg)}; }
  static Status NotSupported(std::string msg) { return {StatusCode::kNotSupported, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }
  // An error a SQL client sees with exactly this MySQL errno and SQLSTATE.
  static Status Sql(SqlError error, std::string msg);

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  const std::string& message() const;
  // The MySQL error for this status: the explicit one if set, else one derived from the code.
  SqlError sql_error() const;
  bool has_explicit_sql_error() const { return state_ && state_->sql_error.has_value(); }

  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsCorruption() const { return code() == StatusCode::kCorruption; }
  bool IsAlreadyExists() const { return code() == StatusCode::kAlreadyExists; }

  // Returns a copy whose message is "<context>: <message>".
  Status WithContext(std::string_view context) const;

  // "Code: message", or "OK".
  std::string ToString() const;

 private:
  struct State {
    StatusCode code;
    std::string message;
    std::optional<SqlError> sql_error;
  };
  std::unique_ptr<State> state_;
};

inline std::ostream& operator<<(std::ostream& os, const Status& s) { return os << s.ToString(); }

[[noreturn]] void DieOnBadResultAccess(const Status& status);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::in_place_index<1>, std::move(value)) {}  // NOLINT: implicit
  Result(Status status) : storage_(std::in_place_index<0>, std::move(status)) {  // NOLINT
    if (std::get<0>(storage_).ok()) {
      storage_.template emplace<0>(Status::Internal("Result constructed from an OK Status"));
    }
  }
  template <typename U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::decay_t<U>, Status> &&
             !std::is_same_v<std::decay_t<U>, T> && !std::is_same_v<std::decay_t<U>, Result>)
  Result(U&& value) : storage_(std::in_place_index<1>, T(std::forward<U>(value))) {}  // NOLINT

  bool ok() const { return storage_.index() == 1; }
  const Status& status() const& {
    static const Status kOk;
    return ok() ? kOk : std::get<0>(storage_);
  }
  Status status() && { return ok() ? Status::OK() : std::move(std::get<0>(storage_)); }

  const T& value() const& { Check(); return std::get<1>(storage_); }
  T& value() & { Check(); return std::get<1>(storage_); }
  T&& value() && { Check(); return std::move(std::get<1>(storage_)); }
  T ValueOr(T fallback) && { return ok() ? std::move(std::get<1>(storage_)) : std::move(fallback); }

  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  void Check() const {
    if (!ok()) DieOnBadResultAccess(std::get<0>(storage_));
  }
  std::variant<Status, T> storage_;
};

namespace internal {
inline Status ToStatus(const Status& s) { return s; }
inline Status ToStatus(Status&& s) { return std::move(s); }
template <typename T>
Status ToStatus(const Result<T>& r) { return r.status(); }
template <typename T>
Status ToStatus(Result<T>&& r) { return std::move(r).status(); }
}  // namespace internal

}  // namespace basalt

#define BASALT_CONCAT_IMPL(a, b) a##b
#define BASALT_CONCAT(a, b) BASALT_CONCAT_IMPL(a, b)

// Evaluates expr (a Status or Result) and returns its Status from the caller if it is not OK.
#define RETURN_IF_ERROR(expr)                                              \
  do {                                                                     \
    ::basalt::Status _basalt_st = ::basalt::internal::ToStatus((expr));    \
    if (!_basalt_st.ok()) return _basalt_st;                               \
  } while (0)

#define BASALT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(tmp).value()

// ASSIGN_OR_RETURN(auto x, ComputeX()); declares/assigns x or returns the error from the caller.
#define ASSIGN_OR_RETURN(lhs, expr) \
  BASALT_ASSIGN_OR_RETURN_IMPL(BASALT_CONCAT(_basalt_result_, __LINE__), lhs, expr)
