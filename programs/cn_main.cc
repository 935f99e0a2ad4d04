// basalt-cn: a stateless compute node. Reads cn.conf (StarRocks key names) and --key=value flags,
// then serves heartbeats, the CN RPC service and HTTP until SIGTERM or SIGINT.
//
// Exit codes: 0 after a clean shutdown, 1 when the configuration is invalid or a port cannot be
// bound (the message names the key and host:port).

#include <grpc/support/log.h>
#include <malloc.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "cn/service/cn_options.h"
#include "cn/service/cn_server.h"
#include "common/config.h"
#include "common/logging.h"
#include "common/string_util.h"

namespace {

constexpr char kDescription[] =
    "Basalt compute node: runs query fragments and ingest tasks for the FE.\n"
    "Options come from --conf FILE (cn.conf, `key = value` lines) and --key=value flags,\n"
    "which override the file.";

// Routes gRPC's own log lines into ours so they reach cn.log too. gRPC "errors" are mostly
// internal details of a failure we report ourselves (e.g. a bind error), so they become warnings.
void ForwardGrpcLog(gpr_log_func_args* args) {
  basalt::LogLevel level = basalt::LogLevel::kWarning;
  if (args->severity == GPR_LOG_SEVERITY_DEBUG) level = basalt::LogLevel::kDebug;
  if (args->severity == GPR_LOG_SEVERITY_INFO) level = basalt::LogLevel::kInfo;
  if (level < basalt::MinLogLevel()) return;
  basalt::LogMessage(level, args->file, args->line).stream() << "grpc: " << args->message;
}

// Ingest allocates and frees buffers of a few MB all the time: librdkafka's fetch responses,
// column buffers, segment pages and objects. With its defaults glibc serves such sizes with
// mmap/munmap and hands freed heap tops back to the kernel, so each new buffer page-faults its
// memory in again (~8% of the CN's CPU on bench/routine_load). Keeping them in the heap costs at
// most the trim threshold of idle memory per malloc arena after a burst. An operator's
// GLIBC_TUNABLES for malloc takes precedence. Returns what was done, for the log.
std::string TuneMalloc() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.") != nullptr) {
    return "malloc: GLIBC_TUNABLES set, left as configured";
  }
  constexpr int kMmapThreshold = 32 << 20;  // glibc's own ceiling for its dynamic threshold
  constexpr int kTrimThreshold = 64 << 20;
  if (mallopt(M_MMAP_THRESHOLD, kMmapThreshold) != 1 || mallopt(M_TRIM_THRESHOLD, kTrimThreshold) != 1) {
    return "malloc: tuning not supported by this allocator";
  }
  return "malloc: mmap threshold 32 MiB, trim threshold 64 MiB";
}

bool ParseLevel(const std::string& text, basalt::LogLevel* level) {
  if (basalt::EqualsIgnoreCase(text, "fatal")) {
    *level = basalt::LogLevel::kFatal;
    return true;
  }
  return basalt::ParseLogLevel(basalt::ToUpper(text), level);
}

int Run(int argc, char** argv) {
  auto command_line = basalt::ParseCommandLine(argc, argv);
  if (!command_line.ok()) {
    std::fprintf(stderr, "basalt-cn: %s\n", command_line.status().message().c_str());
    return 1;
  }
  if (command_line->help) {
    const std::string help =
        basalt::ConfigHelpText("basalt-cn", kDescription, basalt::cn::CnConfigKeys());
    std::fputs(help.c_str(), stdout);
    return 0;
  }
  basalt::Config config(basalt::cn::CnConfigKeys());
  if (!command_line->conf_path.empty()) {
    if (basalt::Status st = config.LoadFile(command_line->conf_path); !st.ok()) {
      std::fprintf(stderr, "basalt-cn: %s\n", st.message().c_str());
      return 1;
    }
  }
  for (auto& [key, value] : command_line->overrides) config.Set(key, value);
  auto options = basalt::cn::CnOptionsFromConfig(config);
  if (!options.ok()) {
    std::fprintf(stderr, "basalt-cn: %s\n", options.status().message().c_str());
    return 1;
  }

  basalt::LogLevel level = basalt::LogLevel::kInfo;
  if (!ParseLevel(options->sys_log_level, &level)) {
    std::fprintf(stderr, "basalt-cn: config `sys_log_level` must be INFO, WARNING, ERROR or FATAL, "
                 "got `%s`\n", options->sys_log_level.c_str());
    return 1;
  }
  if (!options->sys_log_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options->sys_log_dir, ec);
    if (ec) {
      std::fprintf(stderr, "basalt-cn: cannot create sys_log_dir %s: %s\n", options->sys_log_dir.c_str(),
                   ec.message().c_str());
      return 1;
    }
  }
  basalt::InitLogging(level, options->sys_log_dir.empty() ? "" : options->sys_log_dir + "/cn.log");
  gpr_set_log_function(ForwardGrpcLog);
  LOG(INFO) << TuneMalloc();
  for (const std::string& key : config.UnknownKeys()) {
    LOG(WARNING) << "ignoring unknown config key `" << key << "`";
  }

  // Block the shutdown signals before any server thread exists, so every thread inherits the mask
  // and only the sigwait below receives them.
  sigset_t shutdown_signals;
  sigemptyset(&shutdown_signals);
  sigaddset(&shutdown_signals, SIGTERM);
  sigaddset(&shutdown_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &shutdown_signals, nullptr);
  // A client closing a socket mid-write must not kill the process.
  signal(SIGPIPE, SIG_IGN);

  basalt::cn::CnServer server(*options);
  if (basalt::Status st = server.Start(); !st.ok()) {
    LOG(ERROR) << "basalt-cn failed to start: " << st.message();
    return 1;
  }
  LOG(INFO) << "basalt-cn " << options->version << " ready on " << options->host
            << ": heartbeat_service_port=" << server.heartbeat_port()
            << " be_port=" << server.be_port() << " be_http_port=" << server.http_port()
            << " brpc_port=" << options->brpc_port << " starlet_port=" << options->starlet_port
            << " (brpc and starlet ports are reported only)";

  int received = 0;
  sigwait(&shutdown_signals, &received);
  LOG(INFO) << "received " << (received == SIGTERM ? "SIGTERM" : "SIGINT") << ", shutting down";
  server.Stop();
  LOG(INFO) << "basalt-cn stopped";
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
