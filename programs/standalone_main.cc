// basalt-standalone: one command that runs Basalt on one machine. Starts basalt-fe and basalt-cn
// (the binaries next to this one) on loopback, registers the compute node with the FE, waits until
// it is alive, prints how to connect, and stops both cleanly on Ctrl-C / SIGTERM. All state lives
// under --data_dir, so running it again continues where it left off.
//
// Exit codes: 0 after a clean stop; 1 when a process fails to start or dies (the tail of its log
// is printed).

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <map>
#include <vector>

#include "common/config.h"
#include "common/string_util.h"
#include "fe/mysql/simple_client.h"

namespace {

namespace fs = std::filesystem;
using basalt::ConfigKey;
using Clock = std::chrono::steady_clock;

constexpr char kDescription[] =
    "Runs Basalt on this machine: one FE and one compute node on 127.0.0.1, data under --data_dir.\n"
    "Connect with the printed mysql command; stop with Ctrl-C.";

std::vector<ConfigKey> Keys() {
  return {
      {"data_dir", "./basalt-data", "Directory holding the FE journal, CN cache and logs"},
      {"query_port", "9030", "FE MySQL port"},
      {"http_port", "8030", "FE HTTP port"},
      {"rpc_port", "9020", "FE RPC port"},
      {"heartbeat_service_port", "9050", "CN heartbeat port"},
      {"be_port", "9060", "CN RPC port"},
      {"be_http_port", "8040", "CN HTTP port"},
      {"brpc_port", "8060", "CN brpc port (reported only)"},
      {"start_timeout_second", "60", "How long to wait for each process to become ready"},
      {"enable_storage_volume_access_check", "true",
       "Passed to basalt-fe: check buckets are reachable in CREATE STORAGE VOLUME"},
  };
}

struct Child {
  std::string name;
  pid_t pid = -1;
  std::string log_path;
};

void Say(const std::string& line) { std::fprintf(stderr, "[basalt] %s\n", line.c_str()); }

std::string Tail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += "    " + all[i] + "\n";
  return out;
}

pid_t Spawn(const std::string& binary, const std::vector<std::string>& args, const std::string& log_path) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd >= 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
  }
  // The child must receive SIGTERM normally even though the launcher blocks it.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  std::fprintf(stderr, "cannot run %s: %s\n", binary.c_str(), std::strerror(errno));
  _exit(127);
}

bool Exited(Child& child, int* status) {
  if (child.pid <= 0) return true;
  pid_t r = waitpid(child.pid, status, WNOHANG);
  if (r == child.pid) {
    child.pid = -1;
    return true;
  }
  return false;
}

void StopAll(std::vector<Child>& children) {
  for (Child& c : children) {
    if (c.pid > 0) kill(c.pid, SIGTERM);
  }
  auto deadline = Clock::now() + std::chrono::seconds(30);
  for (Child& c : children) {
    while (c.pid > 0) {
      int status = 0;
      if (Exited(c, &status)) break;
      if (Clock::now() > deadline) {
        Say(c.name + " did not stop in 30 s; killing it");
        kill(c.pid, SIGKILL);
        waitpid(c.pid, &status, 0);
        c.pid = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

int Fail(std::vector<Child>& children, const std::string& message, const Child* culprit = nullptr) {
  Say("error: " + message);
  if (culprit) Say("last lines of " + culprit->log_path + ":\n" + Tail(culprit->log_path, 20));
  StopAll(children);
  return 1;
}

int Run(int argc, char** argv) {
  auto command_line = basalt::ParseCommandLine(argc, argv);
  if (!command_line.ok()) {
    std::fprintf(stderr, "basalt-standalone: %s\n", command_line.status().message().c_str());
    return 1;
  }
  basalt::Config config(Keys());
  if (command_line->help) {
    std::fputs(basalt::ConfigHelpText("basalt-standalone", kDescription, Keys()).c_str(), stdout);
    return 0;
  }
  if (!command_line->conf_path.empty()) {
    if (auto st = config.LoadFile(command_line->conf_path); !st.ok()) {
      std::fprintf(stderr, "basalt-standalone: %s\n", st.message().c_str());
      return 1;
    }
  }
  for (auto& [k, v] : command_line->overrides) config.Set(k, v);
  for (const std::string& key : config.UnknownKeys()) {
    std::fprintf(stderr, "basalt-standalone: unknown option --%s (see --help)\n", key.c_str());
    return 1;
  }
  std::vector<std::string> port_keys = {"query_port", "http_port", "rpc_port", "heartbeat_service_port",
                                        "be_port", "be_http_port", "brpc_port"};
  std::map<std::string, int> ports;
  for (const std::string& key : port_keys) {
    auto v = config.GetInt(key, 0);
    if (!v.ok() || *v <= 0 || *v > 65535) {
      std::fprintf(stderr, "basalt-standalone: --%s must be a port number\n", key.c_str());
      return 1;
    }
    ports[key] = static_cast<int>(*v);
  }
  auto timeout = config.GetInt("start_timeout_second", 60);
  if (!timeout.ok()) {
    std::fprintf(stderr, "basalt-standalone: %s\n", timeout.status().message().c_str());
    return 1;
  }

  fs::path data_dir = fs::absolute(config.GetString("data_dir"));
  fs::path bin_dir = fs::canonical("/proc/self/exe").parent_path();
  std::error_code ec;
  fs::create_directories(data_dir / "fe" / "log", ec);
  fs::create_directories(data_dir / "cn" / "log", ec);
  if (ec) {
    std::fprintf(stderr, "basalt-standalone: cannot create %s: %s\n", data_dir.c_str(), ec.message().c_str());
    return 1;
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGCHLD);
  sigprocmask(SIG_BLOCK, &signals, nullptr);

  std::vector<Child> children;
  auto p = [&](const char* k) { return std::to_string(ports[k]); };
  Say("data directory: " + data_dir.string());
  Child fe{"basalt-fe", -1, (data_dir / "fe" / "log" / "fe.out").string()};
  fe.pid = Spawn((bin_dir / "basalt-fe").string(),
                 {"--meta_dir=" + (data_dir / "fe" / "meta").string(), "--sys_log_dir=" + (data_dir / "fe" / "log").string(),
                  "--query_host=127.0.0.1", "--frontend_address=127.0.0.1", "--query_port=" + p("query_port"),
                  "--http_port=" + p("http_port"), "--rpc_port=" + p("rpc_port"), "--heartbeat_interval_ms=1000",
                  // The embedded default: a local-directory storage volume under the data directory.
                  "--enable_load_volume_from_conf=true", "--cloud_native_storage_type=LOCAL",
                  "--builtin_storage_volume_path=" + (data_dir / "storage").string(),
                  "--enable_storage_volume_access_check=" + config.GetString("enable_storage_volume_access_check")},
                 fe.log_path);
  children.push_back(fe);
  Say("starting basalt-fe (MySQL port " + p("query_port") + ")");

  // Wait for the FE to answer MySQL.
  auto deadline = Clock::now() + std::chrono::seconds(*timeout);
  basalt::fe::mysql::SimpleClient client;
  while (true) {
    int status = 0;
    if (Exited(children[0], &status)) return Fail(children, "basalt-fe exited during start-up", &fe);
    if (client.Connect("127.0.0.1", ports["query_port"], "root", "", 2000).ok()) break;
    if (Clock::now() > deadline) return Fail(children, "basalt-fe did not answer on port " + p("query_port"), &fe);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  Child cn{"basalt-cn", -1, (data_dir / "cn" / "log" / "cn.out").string()};
  cn.pid = Spawn((bin_dir / "basalt-cn").string(),
                 {"--host=127.0.0.1", "--storage_root_path=" + (data_dir / "cn" / "storage").string(),
                  "--sys_log_dir=" + (data_dir / "cn" / "log").string(), "--heartbeat_service_port=" + p("heartbeat_service_port"),
                  "--be_port=" + p("be_port"), "--be_http_port=" + p("be_http_port"), "--brpc_port=" + p("brpc_port")},
                 cn.log_path);
  children.push_back(cn);
  Say("starting basalt-cn (heartbeat port " + p("heartbeat_service_port") + ")");

  // Register the compute node once; the FE journal remembers it across restarts.
  std::string endpoint = "127.0.0.1:" + p("heartbeat_service_port");
  auto nodes = client.Query("SHOW COMPUTE NODES");
  if (!nodes.ok()) return Fail(children, "SHOW COMPUTE NODES failed: " + nodes.status().message(), &fe);
  bool registered = false;
  for (const auto& row : nodes->rows) {
    registered = registered || (row.size() > 2 && row[1] == "127.0.0.1" && row[2] == p("heartbeat_service_port"));
  }
  if (!registered) {
    auto added = client.Query("ALTER SYSTEM ADD COMPUTE NODE \"" + endpoint + "\"");
    if (!added.ok()) return Fail(children, "cannot register the compute node: " + added.status().message(), &fe);
    Say("registered compute node " + endpoint);
  }
  while (true) {
    int status = 0;
    if (Exited(children[1], &status)) return Fail(children, "basalt-cn exited during start-up", &cn);
    if (Exited(children[0], &status)) return Fail(children, "basalt-fe exited", &fe);
    auto shown = client.Query("SHOW COMPUTE NODES");
    if (shown.ok()) {
      size_t alive_col = 0;
      for (size_t i = 0; i < shown->columns.size(); ++i) {
        if (shown->columns[i] == "Alive") alive_col = i;
      }
      bool alive = false;
      for (const auto& row : shown->rows) {
        alive = alive || (row.size() > alive_col && row[2] == p("heartbeat_service_port") && row[alive_col] == "true");
      }
      if (alive) break;
    }
    if (Clock::now() > deadline) return Fail(children, "basalt-cn did not become alive", &cn);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  client.Close();

  std::printf("\nBasalt is running. Connect with:\n\n    mysql -h127.0.0.1 -P%d -uroot\n\n"
              "Logs: %s/{fe,cn}/log   Stop: Ctrl-C\n",
              ports["query_port"], data_dir.c_str());
  std::fflush(stdout);

  while (true) {
    siginfo_t info{};
    int sig = sigwaitinfo(&signals, &info);
    if (sig == SIGTERM || sig == SIGINT) {
      Say("stopping");
      StopAll(children);
      Say("stopped");
      return 0;
    }
    if (sig == SIGCHLD) {
      for (size_t i = 0; i < children.size(); ++i) {
        int status = 0;
        if (children[i].pid > 0 && Exited(children[i], &status)) {
          Child dead = children[i];
          return Fail(children, dead.name + " exited unexpectedly (status " + std::to_string(status) + ")", &dead);
        }
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
