// basalt-fe: the frontend. Reads fe.conf (StarRocks key names) and --key=value flags, recovers the
// catalog from its journal, then serves MySQL clients (query_port), HTTP (http_port) and compute
// node heartbeats until SIGTERM or SIGINT.
//
// Exit codes: 0 after a clean shutdown; 1 for invalid configuration, a port that cannot be bound,
// or a damaged journal (the message names the file and offset).

#include <grpc/support/log.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "common/config.h"
#include "common/http/http_server.h"
#include "common/io/local_file_system.h"
#include "common/logging.h"
#include "common/metrics/metrics.h"
#include "common/string_util.h"
#include "fe/catalog/catalog.h"
#include "fe/catalog/secret_box.h"
#include "fe/catalog/storage_volume.h"
#include "fe/catalog/volume_probe.h"
#include "fe/cluster/cn_client.h"
#include "fe/cluster/compute_node_manager.h"
#include "fe/load/routine_load_scheduler.h"
#include "fe/mysql/mysql_server.h"
#include "fe/qe/executor.h"
#include "fe/qe/fe_context.h"
#include "fe/qe/variables.h"
#include "fe/txn/transaction_manager.h"

namespace {

using basalt::Config;
using basalt::ConfigKey;
using basalt::Status;

constexpr char kDescription[] =
    "Basalt frontend: MySQL protocol, catalog and journal, planning and load scheduling.\n"
    "Options come from --conf FILE (fe.conf, `key = value` lines) and --key=value flags,\n"
    "which override the file.";

std::vector<ConfigKey> FeConfigKeys() {
  std::vector<ConfigKey> keys = {
      {"query_port", "9030", "MySQL protocol port"},
      {"http_port", "8030", "HTTP port (/api/health, /metrics)"},
      {"rpc_port", "9020", "RPC port compute nodes report to"},
      {"edit_log_port", "9010", "Reported in SHOW FRONTENDS (single-FE clusters do not use it)"},
      {"query_host", "0.0.0.0", "Address the MySQL and HTTP servers bind to"},
      {"frontend_address", "127.0.0.1", "Address this FE advertises to compute nodes and in SHOW FRONTENDS"},
      {"meta_dir", "./meta", "Directory of the journal and catalog images (the FE's only durable state)"},
      {"sys_log_dir", "", "Directory for fe.log; empty logs to stderr only"},
      {"sys_log_level", "INFO", "INFO, WARNING, ERROR or FATAL"},
      {"qe_max_connection", "4096", "Maximum MySQL connections"},
      {"checkpoint_interval_second", "60", "How often the catalog image is rewritten when the journal grew"},
      {"run_mode", "shared_data", "StarRocks run mode; Basalt always runs shared_data"},
      {"cloud_native_storage_type", "S3", "Object storage type of the built-in volume (S3)"},
      {"priority_networks", "", "Accepted for StarRocks compatibility"},
      {"enable_load_volume_from_conf", "false",
       "Create builtin_storage_volume from the aws_s3_* keys (or builtin_storage_volume_path for LOCAL) at start"},
      {"builtin_storage_volume_path", "",
       "Directory of the built-in volume when cloud_native_storage_type = LOCAL (the standalone default)"},
      {"enable_storage_volume_access_check", "true",
       "CREATE STORAGE VOLUME first checks that the bucket (or directory) is reachable with its credentials"},
      {"storage_volume_secrets_plaintext", "false",
       "Keep storage volume credentials unencrypted in the journal (default: sealed with meta_dir/secret.key)"},
  };
  for (const ConfigKey& k : basalt::fe::ComputeNodeManagerConfigKeys()) keys.push_back(k);
  for (const ConfigKey& k : basalt::fe::RoutineLoadSchedulerConfigKeys()) keys.push_back(k);
  for (const char* s3 : {"aws_s3_path", "aws_s3_endpoint", "aws_s3_region", "aws_s3_access_key", "aws_s3_secret_key",
                         "aws_s3_use_instance_profile", "aws_s3_use_aws_sdk_default_behavior", "aws_s3_iam_role_arn",
                         "aws_s3_external_id"}) {
    keys.push_back({s3, "", "The built-in S3 volume's setting (with enable_load_volume_from_conf = true)"});
  }
  for (const char* accepted : {"cloud_native_meta_port", "JAVA_OPTS", "LOG_DIR", "DATE"}) {
    keys.push_back({accepted, "", "Accepted for StarRocks compatibility; unused"});
  }
  return keys;
}

// Creates builtin_storage_volume from fe.conf once (StarRocks' enable_load_volume_from_conf) and
// makes it the default when there is none.
Status LoadBuiltinStorageVolume(const Config& config, basalt::fe::Catalog& catalog, basalt::fe::MetaStore& meta,
                                const basalt::fe::SecretBox& secrets) {
  using basalt::fe::kBuiltinStorageVolume;
  auto enabled = config.GetBool("enable_load_volume_from_conf", false);
  if (!enabled.ok()) return enabled.status();
  if (!*enabled || catalog.FindStorageVolume(kBuiltinStorageVolume)) return Status::OK();
  std::string type = basalt::ToUpper(config.GetString("cloud_native_storage_type"));
  std::string location;
  basalt::fe::PropertyList properties;
  if (type == "LOCAL") {
    std::string path = config.GetString("builtin_storage_volume_path");
    if (path.empty()) return Status::InvalidArgument("config `builtin_storage_volume_path` is required for a LOCAL volume");
    std::filesystem::create_directories(path);
    location = "file://" + std::filesystem::absolute(path).lexically_normal().string();
  } else {
    std::string path = config.GetString("aws_s3_path");
    if (path.empty()) return Status::InvalidArgument("config `aws_s3_path` (bucket[/prefix]) is required");
    location = "s3://" + path;
    for (const char* key : {"endpoint", "region", "access_key", "secret_key", "use_instance_profile",
                            "use_aws_sdk_default_behavior", "iam_role_arn", "external_id"}) {
      std::string value = config.GetString(std::string("aws_s3_") + key);
      if (!value.empty()) properties.emplace_back(std::string("aws.s3.") + key, value);
    }
  }
  // Built under a placeholder name: the reserved name is refused for user-created volumes.
  auto volume = basalt::fe::BuildStorageVolume("builtin", type, {location}, "", properties, secrets);
  if (!volume.ok()) return volume.status().WithContext("builtin storage volume from fe.conf");
  volume->set_name(kBuiltinStorageVolume);
  volume->set_create_time_ms(basalt::fe::NowMillis());
  basalt::proto::JournalEntry create;
  *create.mutable_create_storage_volume()->mutable_volume() = *volume;
  RETURN_IF_ERROR(meta.Submit(std::move(create), [](const basalt::fe::Catalog& c, basalt::proto::JournalEntry* e) {
                        e->mutable_create_storage_volume()->mutable_volume()->set_id(c.PeekNextId());
                        return Status::OK();
                      }).status());
  if (catalog.default_storage_volume().empty()) {
    basalt::proto::JournalEntry make_default;
    make_default.mutable_set_default_storage_volume()->set_name(kBuiltinStorageVolume);
    RETURN_IF_ERROR(meta.Submit(std::move(make_default)).status());
  }
  LOG(INFO) << "created " << kBuiltinStorageVolume << " (" << type << ", " << location << ")";
  return Status::OK();
}

void ForwardGrpcLog(gpr_log_func_args* args) {
  basalt::LogLevel level = basalt::LogLevel::kWarning;
  if (args->severity == GPR_LOG_SEVERITY_DEBUG) level = basalt::LogLevel::kDebug;
  if (args->severity == GPR_LOG_SEVERITY_INFO) level = basalt::LogLevel::kInfo;
  if (level < basalt::MinLogLevel()) return;
  basalt::LogMessage(level, args->file, args->line).stream() << "grpc: " << args->message;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "basalt-fe: %s\n", message.c_str());
  LOG(ERROR) << message;
  return 1;
}

int Run(int argc, char** argv) {
  // Heartbeats fail fast while a CN's channel is reconnecting, so no pending call drives the
  // reconnect; only gRPC's backup poller does, every 5 s by default. Poll every 200 ms so a CN that
  // starts after being registered is seen alive on the next heartbeat. Must be set before gRPC
  // initialises; an operator's own setting wins.
  setenv("GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS", "200", /*overwrite=*/0);
  auto command_line = basalt::ParseCommandLine(argc, argv);
  if (!command_line.ok()) return Fail(command_line.status().message());
  std::vector<ConfigKey> keys = FeConfigKeys();
  if (command_line->help) {
    std::fputs(basalt::ConfigHelpText("basalt-fe", kDescription, keys).c_str(), stdout);
    return 0;
  }
  Config config(keys);
  if (!command_line->conf_path.empty()) {
    if (Status st = config.LoadFile(command_line->conf_path); !st.ok()) return Fail(st.message());
  }
  for (auto& [key, value] : command_line->overrides) config.Set(key, value);

  basalt::LogLevel level = basalt::LogLevel::kInfo;
  std::string level_text = config.GetString("sys_log_level");
  if (!basalt::ParseLogLevel(basalt::ToUpper(level_text), &level) && !basalt::EqualsIgnoreCase(level_text, "fatal")) {
    return Fail("config `sys_log_level` must be INFO, WARNING, ERROR or FATAL, got `" + level_text + "`");
  }
  std::string log_dir = config.GetString("sys_log_dir");
  if (!log_dir.empty()) std::filesystem::create_directories(log_dir);
  basalt::InitLogging(level, log_dir.empty() ? "" : log_dir + "/fe.log");
  gpr_set_log_function(ForwardGrpcLog);
  for (const std::string& key : config.UnknownKeys()) LOG(WARNING) << "ignoring unknown config key `" << key << "`";
  if (!basalt::EqualsIgnoreCase(config.GetString("run_mode"), "shared_data")) {
    return Fail("config `run_mode` must be shared_data (Basalt has no shared_nothing mode), got `" +
                config.GetString("run_mode") + "`");
  }

  auto int_key = [&](const char* key) -> basalt::Result<int64_t> { return config.GetInt(key, 0); };
  basalt::fe::FrontendInfo frontend;
  frontend.host = config.GetString("frontend_address");
  for (auto [key, target] : {std::pair{"query_port", &frontend.query_port}, std::pair{"http_port", &frontend.http_port},
                             std::pair{"rpc_port", &frontend.rpc_port}, std::pair{"edit_log_port", &frontend.edit_log_port}}) {
    auto v = int_key(key);
    if (!v.ok()) return Fail(v.status().message());
    if (*v < 0 || *v > 65535) return Fail(std::string("config `") + key + "` must be a port number");
    *target = static_cast<int>(*v);
  }
  frontend.start_time_ms = basalt::fe::NowMillis();
  auto max_connections = int_key("qe_max_connection");
  auto checkpoint_seconds = int_key("checkpoint_interval_second");
  if (!max_connections.ok()) return Fail(max_connections.status().message());
  if (!checkpoint_seconds.ok()) return Fail(checkpoint_seconds.status().message());

  // Signals: blocked before any thread starts, received by sigwait below.
  sigset_t shutdown_signals;
  sigemptyset(&shutdown_signals);
  sigaddset(&shutdown_signals, SIGTERM);
  sigaddset(&shutdown_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &shutdown_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // Cluster membership at runtime; the catalog tells it about nodes as journal entries apply.
  auto cn_options = basalt::fe::ComputeNodeManagerOptionsFromConfig(config);
  if (!cn_options.ok()) return Fail(cn_options.status().message());
  cn_options->fe_host = frontend.host;
  cn_options->fe_rpc_port = frontend.rpc_port;
  basalt::fe::ComputeNodeManager compute_nodes(*cn_options, basalt::fe::MakeGrpcCnClient());
  basalt::fe::Catalog catalog;
  catalog.SetComputeNodeListener([&compute_nodes](const basalt::proto::ComputeNodeMeta& node, bool added) {
    if (added) {
      Status st = compute_nodes.AddNode(node.id(), node.host(), node.heartbeat_port());
      if (!st.ok()) LOG(WARNING) << "compute node " << node.id() << ": " << st.message();
    } else {
      compute_nodes.RemoveNode(node.id());
    }
  });

  // SET GLOBAL values live in the journal; the variable table follows every applied entry.
  basalt::fe::GlobalVariables globals;
  catalog.SetGlobalVariableListener([&globals](const basalt::proto::GlobalVariable& variable) {
    if (const basalt::fe::VariableDef* def = basalt::fe::FindVariableDef(variable.name())) {
      globals.Set(*def, basalt::fe::VariableValue{variable.is_null() ? std::nullopt
                                                                     : std::optional<std::string>(variable.value())});
    }
  });

  std::string meta_dir = config.GetString("meta_dir");
  auto meta = basalt::fe::MetaStore::Open(basalt::LocalFileSystem::Default(), meta_dir, &catalog);
  if (!meta.ok()) return Fail("cannot open the catalog in " + meta_dir + ": " + meta.status().message());

  auto plaintext = config.GetBool("storage_volume_secrets_plaintext", false);
  if (!plaintext.ok()) return Fail(plaintext.status().message());
  auto secrets = basalt::fe::SecretBox::OpenOrCreate(meta_dir, *plaintext);
  if (!secrets.ok()) return Fail(secrets.status().message());
  if (Status st = LoadBuiltinStorageVolume(config, catalog, **meta, *secrets); !st.ok()) return Fail(st.message());

  // No load survives its coordinator: transactions left running by a previous process are
  // aborted (their objects recorded for garbage collection) before any client can connect.
  basalt::fe::TransactionManager txns(&catalog, meta->get());
  auto aborted = txns.AbortOrphanedAtStartup();
  if (!aborted.ok()) return Fail("cannot abort unfinished transactions: " + aborted.status().message());
  if (*aborted > 0) LOG(INFO) << "aborted " << *aborted << " load transactions left running by the previous FE process";

  basalt::MetricRegistry metrics;
  basalt::fe::SessionRegistry sessions;
  basalt::fe::FeContext context;
  context.catalog = &catalog;
  context.meta = meta->get();
  context.globals = &globals;
  context.sessions = &sessions;
  context.compute_nodes = &compute_nodes;
  context.txns = &txns;
  auto routine_load_options = basalt::fe::RoutineLoadSchedulerOptionsFromConfig(config);
  if (!routine_load_options.ok()) return Fail(routine_load_options.status().message());
  basalt::fe::RoutineLoadScheduler routine_loads(&catalog, meta->get(), &txns, &compute_nodes, &*secrets,
                                                 *routine_load_options);
  routine_loads.SetExprBinder(basalt::fe::RoutineLoadExprBinder(&context, /*session=*/nullptr));
  context.routine_loads = &routine_loads;
  context.config = &config;
  context.secrets = &*secrets;
  auto access_check = config.GetBool("enable_storage_volume_access_check", true);
  if (!access_check.ok()) return Fail(access_check.status().message());
  if (*access_check) {
    context.check_storage_volume = [&secrets](const basalt::proto::StorageVolumeMeta& volume) {
      return basalt::fe::ProbeStorageVolume(volume, *secrets);
    };
  }
  context.frontend = frontend;

  basalt::fe::mysql::MysqlServerOptions mysql_options;
  mysql_options.host = config.GetString("query_host");
  mysql_options.port = frontend.query_port;
  mysql_options.max_connections = static_cast<int>(*max_connections);
  basalt::fe::mysql::MysqlServer mysql(mysql_options, &context, &metrics);
  if (Status st = mysql.Start(); !st.ok()) return Fail(st.message());

  basalt::HttpServer http(config.GetString("query_host"), frontend.http_port);
  http.Handle("GET", "/api/health", [&](const basalt::HttpRequest&) {
    return basalt::HttpResponse::Json(200, "{\"status\":\"OK\",\"msg\":\"Success\",\"journal_seq\":" +
                                               std::to_string((*meta)->last_seq()) + "}");
  });
  http.Handle("GET", "/metrics", [&](const basalt::HttpRequest&) {
    basalt::HttpResponse r = basalt::HttpResponse::Text(200, metrics.RenderPrometheus());
    r.content_type = "text/plain; version=0.0.4";
    return r;
  });
  if (Status st = http.Start(); !st.ok()) {
    mysql.Stop();
    return Fail(st.message());
  }
  compute_nodes.Start();
  routine_loads.Start();

  // Rewrites the catalog image now and then so restarts replay a short journal tail.
  std::mutex checkpoint_mu;
  std::condition_variable checkpoint_cv;
  bool stopping = false;
  std::thread checkpointer([&] {
    std::unique_lock lock(checkpoint_mu);
    while (!checkpoint_cv.wait_for(lock, std::chrono::seconds(std::max<int64_t>(1, *checkpoint_seconds)),
                                   [&] { return stopping; })) {
      if (Status st = (*meta)->Checkpoint(); !st.ok()) LOG(WARNING) << "checkpoint failed: " << st.message();
    }
  });

  LOG(INFO) << "basalt-fe " << frontend.version << " ready: query_port=" << mysql.port()
            << " http_port=" << frontend.http_port << " meta_dir=" << meta_dir;
  std::fprintf(stderr, "basalt-fe ready: mysql -h127.0.0.1 -P%d -uroot\n", mysql.port());

  int received = 0;
  sigwait(&shutdown_signals, &received);
  LOG(INFO) << "received " << (received == SIGTERM ? "SIGTERM" : "SIGINT") << ", shutting down";
  {
    std::lock_guard lock(checkpoint_mu);
    stopping = true;
  }
  checkpoint_cv.notify_all();
  checkpointer.join();
  mysql.Stop();
  http.Stop();
  routine_loads.Stop();
  compute_nodes.Stop();
  if (Status st = (*meta)->Checkpoint(); !st.ok()) LOG(WARNING) << "final checkpoint failed: " << st.message();
  LOG(INFO) << "basalt-fe stopped";
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
