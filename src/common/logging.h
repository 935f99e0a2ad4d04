// Logging and invariant checks.
//
//   LOG(INFO) << "loaded " << n << " journal entries";
//   CHECK(ptr != nullptr) << "why it must hold";   // always on; aborts with the message
//   CHECK_EQ(a, b);                                // prints both operands on failure
//   DCHECK(...)                                    // debug builds only
//
// Lines look like "2026-11-25 20:01:02.123 I 4242 journal.cc:88] message" and go to stderr, or to
// the file given to InitLogging. Checks are for programmer mistakes only: nothing a user sends may
// reach one (user input gets a Status).
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace basalt {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kFatal = 4 };

// Sets the minimum level and, if path is non-empty, appends log lines to that file as well.
void InitLogging(LogLevel min_level, const std::string& path = "");
bool ParseLogLevel(std::string_view text, LogLevel* level);
LogLevel MinLogLevel();

class LogMessage {
 public:
  LogMessage(LogLevel level, const char* file, int line);
  ~LogMessage();  // Writes the line; aborts after a kFatal message.
  std::ostream& stream() { return stream_; }

 private:
  LogLevel level_;
  std::ostringstream stream_;
};

// Swallows the stream expression when the level is disabled.
struct LogVoidify {
  void operator&(std::ostream&) {}
};

namespace internal {
template <typename A, typename B>
std::string CheckOpMessage(const A& a, const B& b, const char* expr) {
  std::ostringstream os;
  os << "Check failed: " << expr << " (" << a << " vs. " << b << ") ";
  return os.str();
}
}  // namespace internal

}  // namespace basalt

#define BASALT_LOG_LEVEL_DEBUG ::basalt::LogLevel::kDebug
#define BASALT_LOG_LEVEL_INFO ::basalt::LogLevel::kInfo
#define BASALT_LOG_LEVEL_WARNING ::basalt::LogLevel::kWarning
#define BASALT_LOG_LEVEL_ERROR ::basalt::LogLevel::kError
#define BASALT_LOG_LEVEL_FATAL ::basalt::LogLevel::kFatal

#define LOG(level)                                                          \
  (BASALT_LOG_LEVEL_##level < ::basalt::MinLogLevel())                      \
      ? (void)0                                                             \
      : ::basalt::LogVoidify() &                                            \
            ::basalt::LogMessage(BASALT_LOG_LEVEL_##level, __FILE__, __LINE__).stream()

#define CHECK(cond)                                                                        \
  (cond) ? (void)0                                                                         \
         : ::basalt::LogVoidify() &                                                        \
               ::basalt::LogMessage(::basalt::LogLevel::kFatal, __FILE__, __LINE__).stream() \
                   << "Check failed: " #cond " "

#define BASALT_CHECK_OP(a, b, op)                                                          \
  ((a)op(b)) ? (void)0                                                                     \
             : ::basalt::LogVoidify() &                                                    \
                   ::basalt::LogMessage(::basalt::LogLevel::kFatal, __FILE__, __LINE__).stream() \
                       << ::basalt::internal::CheckOpMessage((a), (b), #a " " #op " " #b)

#define CHECK_EQ(a, b) BASALT_CHECK_OP(a, b, ==)
#define CHECK_NE(a, b) BASALT_CHECK_OP(a, b, !=)
#define CHECK_LT(a, b) BASALT_CHECK_OP(a, b, <)
#define CHECK_LE(a, b) BASALT_CHECK_OP(a, b, <=)
#define CHECK_GT(a, b) BASALT_CHECK_OP(a, b, >)
#define CHECK_GE(a, b) BASALT_CHECK_OP(a, b, >=)
#define CHECK_OK(expr)                                              \
  do {                                                              \
    ::basalt::Status _basalt_check_st = (expr);                     \
    CHECK(_basalt_check_st.ok()) << _basalt_check_st.ToString();    \
  } while (0)

#ifdef NDEBUG
#define DCHECK(cond) \
  while (false) CHECK(cond)
#define DCHECK_EQ(a, b) \
  while (false) CHECK_EQ(a, b)
#else
#define DCHECK(cond) CHECK(cond)
#define DCHECK_EQ(a, b) CHECK_EQ(a, b)
#endif
