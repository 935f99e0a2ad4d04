#include "common/logging.h"

#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>

namespace basalt {
namespace {

std::atomic<LogLevel> g_min_level{LogLevel::kInfo};
std::mutex g_mu;
FILE* g_file = nullptr;

char LevelLetter(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return 'D';
    case LogLevel::kInfo: return 'I';
    case LogLevel::kWarning: return 'W';
    case LogLevel::kError: return 'E';
    case LogLevel::kFatal: return 'F';
  }
  return '?';
}

}  // namespace

void InitLogging(LogLevel min_level, const std::string& path) {
  g_min_level = min_level;
  std::lock_guard lock(g_mu);
  if (g_file) {
    std::fclose(g_file);
    g_file = nullptr;
  }
  if (!path.empty()) {
    g_file = std::fopen(path.c_str(), "a");
    if (!g_file) std::fprintf(stderr, "cannot open log file %s: %s\n", path.c_str(), std::strerror(errno));
  }
}

bool ParseLogLevel(std::string_view text, LogLevel* level) {
  if (text == "debug" || text == "DEBUG") *level = LogLevel::kDebug;
  else if (text == "info" || text == "INFO") *level = LogLevel::kInfo;
  else if (text == "warning" || text == "WARNING" || text == "warn") *level = LogLevel::kWarning;
  else if (text == "error" || text == "ERROR") *level = LogLevel::kError;
  else return false;
  return true;
}

LogLevel MinLogLevel() { return g_min_level.load(std::memory_order_relaxed); }

LogMessage::LogMessage(LogLevel level, const char* file, int line) : level_(level) {
  timeval tv;
  gettimeofday(&tv, nullptr);
  tm local;
  localtime_r(&tv.tv_sec, &local);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &local);
  const char* base = std::strrchr(file, '/');
  base = base ? base + 1 : file;
  char prefix[96];
  std::snprintf(prefix, sizeof(prefix), "%s.%03d %c %d %s:%d] ", stamp,
                static_cast<int>(tv.tv_usec / 1000), LevelLetter(level), static_cast<int>(gettid()),
                base, line);
  stream_ << prefix;
}

LogMessage::~LogMessage() {
  stream_ << '\n';
  const std::string line = stream_.str();
  {
    std::lock_guard lock(g_mu);
    std::fwrite(line.data(), 1, line.size(), stderr);
    if (g_file) {
      std::fwrite(line.data(), 1, line.size(), g_file);
      std::fflush(g_file);
    }
  }
  if (level_ == LogLevel::kFatal) std::abort();
}

}  // namespace basalt
