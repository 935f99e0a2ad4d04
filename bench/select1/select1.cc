// basalt-select1: a MySQL-protocol round-trip load generator.
//
// N connections, one thread each, run `SELECT 1` in a tight loop (text protocol, or a server-side
// prepared statement with --prepared). After a warm-up every round trip is timed; each result is
// checked (one row, one column, value 1). At the end one line of numbers is printed:
//
//   label=... conns=16 mode=text secs=10.00 queries=123456 rps=12345.6 p50_us=... p99_us=... errors=0 total_queries=...
//
// `total_queries` adds the warm-up queries, so a caller that measures the server's CPU time over
// the whole run can divide by it.
// The process exits non-zero if any connection failed or any result was wrong, so a run that
// "finished" against a broken server can never be mistaken for a measurement.
//
// Build: bench/select1/build.sh (links the MariaDB Connector/C, libmariadb-dev).
#include <mysql.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  unsigned port = 9030;
  std::string user = "root";
  std::string password;
  std::string database;
  std::string label = "server";
  int connections = 16;
  double warmup_s = 2.0;
  double duration_s = 10.0;
  bool prepared = false;
};

// Latencies are kept in a log-linear histogram (128 ns steps below 16 us, under 1% above), so a
// thread never allocates while it is being timed.
class Histogram {
 public:
  static constexpr int kSubBuckets = 128;
  static constexpr int kGroups = 40;

  void Add(uint64_t ns) {
    ++buckets_[Index(ns)];
    ++count_;
  }
  void Merge(const Histogram& o) {
    for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += o.buckets_[i];
    count_ += o.count_;
  }
  uint64_t count() const { return count_; }
  // Upper bound (ns) of the bucket holding quantile q.
  uint64_t Quantile(double q) const {
    if (count_ == 0) return 0;
    uint64_t target = static_cast<uint64_t>(q * static_cast<double>(count_));
    if (target >= count_) target = count_ - 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      seen += buckets_[i];
      if (seen > target) return UpperBound(static_cast<int>(i));
    }
    return UpperBound(static_cast<int>(buckets_.size()) - 1);
  }

 private:
  // Group 0 covers [0, 128 * 128 ns) linearly in 128 ns steps; group g > 0 covers
  // [128 << (g + 6), 128 << (g + 7)) in 128 equal steps.
  static int Index(uint64_t ns) {
    uint64_t v = ns >> 7;  // 128 ns units
    if (v < kSubBuckets) return static_cast<int>(v);
    int msb = 63 - __builtin_clzll(v);  // >= 7
    int group = msb - 6;
    if (group >= kGroups) return kGroups * kSubBuckets - 1;
    int sub = static_cast<int>((v >> (msb - 7)) & (kSubBuckets - 1));
    return group * kSubBuckets + sub;
  }
  static uint64_t UpperBound(int idx) {
    int group = idx / kSubBuckets, sub = idx % kSubBuckets;
    if (group == 0) return static_cast<uint64_t>(sub + 1) << 7;
    uint64_t base = static_cast<uint64_t>(kSubBuckets) << (group - 1);
    uint64_t step = base / kSubBuckets;
    return (base + step * static_cast<uint64_t>(sub + 1)) << 7;
  }

  std::vector<uint64_t> buckets_ = std::vector<uint64_t>(kGroups * kSubBuckets, 0);
  uint64_t count_ = 0;
};

struct Worker {
  Histogram hist;
  uint64_t warmup_queries = 0;
  std::string error;
};

std::atomic<int> g_phase{0};  // 0 = connecting, 1 = warm-up, 2 = measuring, 3 = stop
std::atomic<int> g_ready{0};

void Fail(Worker& w, const std::string& what, MYSQL* db) {
  if (w.error.empty()) w.error = what + (db ? std::string(": ") + mysql_error(db) : std::string());
}

// One `SELECT 1` over the text protocol. Returns false (and records why) on any deviation.
bool QueryText(MYSQL* db, Worker& w) {
  static const char kSql[] = "SELECT 1";
  if (mysql_real_query(db, kSql, sizeof(kSql) - 1) != 0) return Fail(w, "query", db), false;
  MYSQL_RES* res = mysql_store_result(db);
  if (res == nullptr) return Fail(w, "store_result", db), false;
  bool ok = false;
  if (mysql_num_fields(res) != 1 || mysql_num_rows(res) != 1) {
    Fail(w, "expected 1 row x 1 column, got " + std::to_string(mysql_num_rows(res)) + " x " +
                std::to_string(mysql_num_fields(res)), nullptr);
  } else {
    MYSQL_ROW row = mysql_fetch_row(res);
    unsigned long* len = mysql_fetch_lengths(res);
    if (row == nullptr || row[0] == nullptr || len[0] != 1 || row[0][0] != '1') {
      Fail(w, "expected value 1, got " + (row && row[0] ? std::string(row[0], len[0]) : "NULL"), nullptr);
    } else {
      ok = true;
    }
  }
  mysql_free_result(res);
  return ok;
}

// The prepared `SELECT 1` and where its one result column lands (bound once, as a 64-bit integer).
struct Prepared {
  MYSQL_STMT* st = nullptr;
  long long value = -1;
  char is_null = 0;
  MYSQL_BIND bind{};
};

bool Prepare(MYSQL* db, Prepared& p, Worker& w) {
  static const char kSql[] = "SELECT 1";
  p.st = mysql_stmt_init(db);
  if (p.st == nullptr) return Fail(w, "stmt_init", db), false;
  if (mysql_stmt_prepare(p.st, kSql, sizeof(kSql) - 1) != 0)
    return Fail(w, std::string("stmt_prepare: ") + mysql_stmt_error(p.st), nullptr), false;
  if (mysql_stmt_field_count(p.st) != 1)
    return Fail(w, "prepared SELECT 1 has " + std::to_string(mysql_stmt_field_count(p.st)) + " columns", nullptr), false;
  std::memset(&p.bind, 0, sizeof(p.bind));
  p.bind.buffer_type = MYSQL_TYPE_LONGLONG;
  p.bind.buffer = &p.value;
  p.bind.is_null = &p.is_null;
  if (mysql_stmt_bind_result(p.st, &p.bind) != 0)
    return Fail(w, std::string("stmt_bind_result: ") + mysql_stmt_error(p.st), nullptr), false;
  return true;
}

// One execution of the prepared statement (binary protocol result).
bool QueryPrepared(Prepared& p, Worker& w) {
  if (mysql_stmt_execute(p.st) != 0)
    return Fail(w, std::string("stmt_execute: ") + mysql_stmt_error(p.st), nullptr), false;
  int rows = 0;
  int rc;
  p.value = -1;
  while ((rc = mysql_stmt_fetch(p.st)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
    ++rows;
    if (rc == MYSQL_DATA_TRUNCATED || p.is_null || p.value != 1) {
      Fail(w, "expected value 1, got " + (p.is_null ? std::string("NULL") : std::to_string(p.value)), nullptr);
      mysql_stmt_free_result(p.st);
      return false;
    }
  }
  if (rc != MYSQL_NO_DATA) return Fail(w, std::string("stmt_fetch: ") + mysql_stmt_error(p.st), nullptr), false;
  mysql_stmt_free_result(p.st);
  if (rows != 1) return Fail(w, "expected 1 row, got " + std::to_string(rows), nullptr), false;
  return true;
}

void Run(const Options& o, Worker& w) {
  MYSQL* db = mysql_init(nullptr);
  Prepared prep;
  bool connected = false;
  if (db == nullptr) {
    w.error = "mysql_init failed";
  } else {
    unsigned timeout = 10;
    mysql_optionsv(db, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_optionsv(db, MYSQL_OPT_READ_TIMEOUT, &timeout);
    mysql_optionsv(db, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
    if (mysql_real_connect(db, o.host.c_str(), o.user.c_str(), o.password.c_str(),
                           o.database.empty() ? nullptr : o.database.c_str(), o.port, nullptr, 0) == nullptr) {
      Fail(w, "connect to " + o.host + ":" + std::to_string(o.port), db);
    } else {
      connected = true;
    }
  }
  if (connected && o.prepared && !Prepare(db, prep, w)) connected = false;
  g_ready.fetch_add(1);
  while (g_phase.load(std::memory_order_acquire) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  while (connected && w.error.empty()) {
    int phase = g_phase.load(std::memory_order_relaxed);
    if (phase >= 3) break;
    auto t0 = Clock::now();
    bool ok = o.prepared ? QueryPrepared(prep, w) : QueryText(db, w);
    auto t1 = Clock::now();
    if (!ok) break;
    // A query is counted in the phase it started in; the ones straddling the end are dropped.
    if (phase == 2 && g_phase.load(std::memory_order_relaxed) == 2)
      w.hist.Add(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
    else if (phase == 1)
      ++w.warmup_queries;
  }
  if (prep.st) mysql_stmt_close(prep.st);
  if (db) mysql_close(db);
}

[[noreturn]] void Usage(int code) {
  std::fprintf(code ? stderr : stdout,
               "usage: basalt-select1 [options]\n"
               "  --host H          server address (127.0.0.1)\n"
               "  --port N          server port (9030)\n"
               "  --user U          user (root)\n"
               "  --password P      password (empty)\n"
               "  --database D      default database (none)\n"
               "  --connections N   connections, one thread each (16)\n"
               "  --warmup S        warm-up seconds, not measured (2)\n"
               "  --duration S      measured seconds (10)\n"
               "  --prepared        server-side prepared statement instead of COM_QUERY\n"
               "  --label L         name printed in the result line (server)\n");
  std::exit(code);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "missing value for %s\n", a.c_str());
        Usage(2);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") Usage(0);
    else if (a == "--host") o.host = value();
    else if (a == "--port") o.port = static_cast<unsigned>(std::stoul(value()));
    else if (a == "--user") o.user = value();
    else if (a == "--password") o.password = value();
    else if (a == "--database") o.database = value();
    else if (a == "--connections") o.connections = std::stoi(value());
    else if (a == "--warmup") o.warmup_s = std::stod(value());
    else if (a == "--duration") o.duration_s = std::stod(value());
    else if (a == "--prepared") o.prepared = true;
    else if (a == "--label") o.label = value();
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      Usage(2);
    }
  }
  if (o.connections < 1 || o.duration_s <= 0 || o.warmup_s < 0) {
    std::fprintf(stderr, "--connections must be >= 1, --duration > 0, --warmup >= 0\n");
    Usage(2);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  if (mysql_library_init(0, nullptr, nullptr) != 0) {
    std::fprintf(stderr, "mysql_library_init failed\n");
    return 1;
  }
  std::vector<Worker> workers(static_cast<size_t>(o.connections));
  std::vector<std::thread> threads;
  threads.reserve(workers.size());
  for (auto& w : workers) threads.emplace_back([&o, &w] { Run(o, w); });
  while (g_ready.load() < o.connections) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // A connection that could not even connect (or prepare) makes the whole run pointless.
  bool setup_failed = std::any_of(workers.begin(), workers.end(), [](const Worker& w) { return !w.error.empty(); });

  auto start = Clock::now();
  if (!setup_failed) {
    g_phase.store(1, std::memory_order_release);
    std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup_s));
    start = Clock::now();
    g_phase.store(2, std::memory_order_release);
    std::this_thread::sleep_for(std::chrono::duration<double>(o.duration_s));
  }
  g_phase.store(3, std::memory_order_release);
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& t : threads) t.join();

  Histogram all;
  uint64_t warmup_queries = 0;
  int errors = 0;
  for (size_t i = 0; i < workers.size(); ++i) {
    all.Merge(workers[i].hist);
    warmup_queries += workers[i].warmup_queries;
    if (!workers[i].error.empty()) {
      ++errors;
      std::fprintf(stderr, "%s: connection %zu: %s\n", o.label.c_str(), i, workers[i].error.c_str());
    }
  }
  std::printf("label=%s conns=%d mode=%s secs=%.2f queries=%llu rps=%.1f p50_us=%.1f p99_us=%.1f errors=%d total_queries=%llu\n",
              o.label.c_str(), o.connections, o.prepared ? "prepared" : "text", secs,
              static_cast<unsigned long long>(all.count()), static_cast<double>(all.count()) / secs,
              static_cast<double>(all.Quantile(0.50)) / 1000.0, static_cast<double>(all.Quantile(0.99)) / 1000.0,
              errors, static_cast<unsigned long long>(all.count() + warmup_queries));
  mysql_library_end();
  return (errors > 0 || all.count() == 0) ? 1 : 0;
}
