// basalt-kafka-gen: a fast, deterministic event generator for Kafka ingest benchmarks.
//
// Produces N click events (JSON objects of ~270 bytes, or the same fields as CSV rows) to a topic
// with K partitions through librdkafka. Event i depends only on (--seed, i): the same arguments
// always produce the same bytes in the same partitions (event i goes to partition i % K), so a
// benchmark can check what it loaded. Prints the rate when done.
//
// Build: bench/gen/build.sh        Run: build/bench-gen/basalt-kafka-gen --help

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "bench/common/event_fields.h"

namespace {

struct Options {
  std::string brokers = "127.0.0.1:9092";
  std::string topic = "bench_events";
  uint64_t count = 1000000;
  int partitions = 4;
  bool create_topic = true;
  bool csv = false;
  uint64_t seed = 42;
  std::string acks = "1";
  std::string compression = "none";
  int linger_ms = 20;
  bool dry_run = false;  // generate only, measure the generator itself
  bool quiet = false;
};

[[noreturn]] void Usage(int code) {
  std::fprintf(code == 0 ? stdout : stderr,
               "usage: basalt-kafka-gen [options]\n"
               "  --brokers LIST       bootstrap servers (default 127.0.0.1:9092)\n"
               "  --topic NAME         topic (default bench_events)\n"
               "  --count N            events to produce (default 1000000; k/m suffixes ok)\n"
               "  --partitions K       partitions; event i goes to partition i %% K (default 4)\n"
               "  --no-create          do not create the topic when it is missing\n"
               "  --format json|csv    payload format (default json)\n"
               "  --seed S             seed of the deterministic sequence (default 42)\n"
               "  --acks 0|1|all       producer acks (default 1)\n"
               "  --compression C      none|lz4|zstd|snappy|gzip (default none)\n"
               "  --linger-ms MS       producer linger (default 20)\n"
               "  --dry-run            generate without Kafka (generator speed only)\n"
               "  --quiet              print only the summary line\n");
  std::exit(code);
}

uint64_t ParseCount(const char* s) {
  uint64_t n = 0;
  if (!basalt::bench::ParseCount(s, &n)) Usage(2);
  return n;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) Usage(2);
      return argv[++i];
    };
    if (a == "--brokers") o.brokers = value();
    else if (a == "--topic") o.topic = value();
    else if (a == "--count") o.count = ParseCount(value());
    else if (a == "--partitions") o.partitions = std::atoi(value());
    else if (a == "--no-create") o.create_topic = false;
    else if (a == "--format") {
      std::string_view f = value();
      if (f != "json" && f != "csv") Usage(2);
      o.csv = f == "csv";
    } else if (a == "--seed") o.seed = std::strtoull(value(), nullptr, 10);
    else if (a == "--acks") o.acks = value();
    else if (a == "--compression") o.compression = value();
    else if (a == "--linger-ms") o.linger_ms = std::atoi(value());
    else if (a == "--dry-run") o.dry_run = true;
    else if (a == "--quiet") o.quiet = true;
    else if (a == "--help" || a == "-h") Usage(0);
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      Usage(2);
    }
  }
  if (o.partitions < 1) Usage(2);
  return o;
}

using basalt::bench::kBaseEpoch;
using basalt::bench::kBrowsers;
using basalt::bench::kCountries;
using basalt::bench::kDevices;
using basalt::bench::kSites;
using basalt::bench::Mix;
using basalt::bench::Pick;

// Appends text and numbers to a fixed buffer; snprintf would cost more than the broker round trip.
class Writer {
 public:
  explicit Writer(char* buf) : start_(buf), p_(buf) {}
  Writer& Str(std::string_view s) {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
    return *this;
  }
  Writer& Chr(char c) {
    *p_++ = c;
    return *this;
  }
  Writer& U64(uint64_t v) {
    char tmp[20];
    int n = 0;
    do {
      tmp[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v);
    char* p = p_;
    while (n) *p++ = tmp[--n];
    p_ = p;
    return *this;
  }
  Writer& Hex16(uint64_t v) {
    static constexpr char kDigits[] = "0123456789abcdef";
    for (int k = 0; k < 16; ++k) p_[k] = kDigits[(v >> (60 - 4 * k)) & 0xF];
    p_ += 16;
    return *this;
  }
  size_t size() const { return static_cast<size_t>(p_ - start_); }

 private:
  char* start_;
  char* p_;
};

// Writes event `i` into `buf` (at least 512 bytes; no terminator) and returns its length.
// JSON fields: event_id uid site vtime session country device browser referrer duration_ms bytes
// status. CSV rows carry the same fields in the same order.
size_t FormatEvent(const Options& o, uint64_t i, char* buf) {
  const uint64_t r0 = Mix(o.seed ^ Mix(i));
  const uint64_t r1 = Mix(r0);
  const uint64_t r2 = Mix(r1);
  const uint64_t uid = 1 + r0 % 1000000;
  const uint64_t vtime = kBaseEpoch + i / 1000;
  const uint64_t duration = r1 % 60000;
  const uint64_t bytes = (r1 >> 20) % 2000000;
  const uint64_t status = (r2 & 0xF) == 0 ? 404 : 200;
  const std::string_view site = Pick(kSites, r0 >> 24);
  const std::string_view referrer = Pick(kSites, r1 >> 40);
  const std::string_view country = Pick(kCountries, r1 >> 8);
  const std::string_view device = Pick(kDevices, r2 >> 12);
  const std::string_view browser = Pick(kBrowsers, r2 >> 16);
  Writer w(buf);
  if (o.csv) {
    w.U64(i).Chr(',').U64(uid).Chr(',').Str(site).Chr(',').U64(vtime).Chr(',').Hex16(r2);
    w.Chr(',').Str(country).Chr(',').Str(device).Chr(',').Str(browser).Chr(',').Str(referrer);
    w.Chr(',').U64(duration).Chr(',').U64(bytes).Chr(',').U64(status);
  } else {
    w.Str("{\"event_id\":").U64(i).Str(",\"uid\":").U64(uid).Str(",\"site\":\"").Str(site);
    w.Str("\",\"vtime\":").U64(vtime).Str(",\"session\":\"").Hex16(r2);
    w.Str("\",\"country\":\"").Str(country).Str("\",\"device\":\"").Str(device);
    w.Str("\",\"browser\":\"").Str(browser).Str("\",\"referrer\":\"").Str(referrer);
    w.Str("\",\"duration_ms\":").U64(duration).Str(",\"bytes\":").U64(bytes);
    w.Str(",\"status\":").U64(status).Chr('}');
  }
  return w.size();
}

std::atomic<uint64_t> g_delivered{0};
std::atomic<uint64_t> g_failed{0};
std::atomic<bool> g_error_reported{false};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  if (m->err) {
    if (!g_error_reported.exchange(true))
      std::fprintf(stderr, "delivery failed: %s\n", rd_kafka_err2str(m->err));
    g_failed.fetch_add(1, std::memory_order_relaxed);
  } else {
    g_delivered.fetch_add(1, std::memory_order_relaxed);
  }
}

bool Set(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key, value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "config %s=%s: %s\n", key, value.c_str(), err);
    return false;
  }
  return true;
}

// Creates the topic with the requested partitions; an existing topic is fine if it has enough.
bool EnsureTopic(rd_kafka_t* rk, const Options& o) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_topic_t* probe = rd_kafka_topic_new(rk, o.topic.c_str(), nullptr);
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, probe, &md, 10000);
  rd_kafka_topic_destroy(probe);
  if (err) {
    std::fprintf(stderr, "metadata request to %s failed: %s\n", o.brokers.c_str(),
                 rd_kafka_err2str(err));
    return false;
  }
  int existing = -1;
  if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR)
    existing = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  if (existing >= 0) {
    if (existing < o.partitions) {
      std::fprintf(stderr, "topic %s has %d partitions, fewer than --partitions %d\n",
                   o.topic.c_str(), existing, o.partitions);
      return false;
    }
    return true;
  }
  if (!o.create_topic) {
    std::fprintf(stderr, "topic %s does not exist (and --no-create was given)\n", o.topic.c_str());
    return false;
  }
  char errstr[512];
  rd_kafka_NewTopic_t* nt =
      rd_kafka_NewTopic_new(o.topic.c_str(), o.partitions, 1, errstr, sizeof errstr);
  if (!nt) {
    std::fprintf(stderr, "topic %s: %s\n", o.topic.c_str(), errstr);
    return false;
  }
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &nt, 1, nullptr, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30000);
  bool ok = false;
  if (!ev) {
    std::fprintf(stderr, "CreateTopics timed out\n");
  } else if (rd_kafka_event_error(ev)) {
    std::fprintf(stderr, "CreateTopics failed: %s\n", rd_kafka_event_error_string(ev));
  } else {
    size_t n = 0;
    const rd_kafka_topic_result_t** res =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    ok = n == 1 && (rd_kafka_topic_result_error(res[0]) == RD_KAFKA_RESP_ERR_NO_ERROR ||
                    rd_kafka_topic_result_error(res[0]) == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
    if (!ok && n == 1)
      std::fprintf(stderr, "CreateTopics %s: %s\n", o.topic.c_str(),
                   rd_kafka_topic_result_error_string(res[0]));
  }
  if (ev) rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(q);
  rd_kafka_NewTopic_destroy(nt);
  return ok;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  char buf[1024];

  if (o.dry_run) {
    auto t0 = std::chrono::steady_clock::now();
    uint64_t total = 0, check = 0;
    for (uint64_t i = 0; i < o.count; ++i) {
      size_t n = FormatEvent(o, i, buf);
      total += n;
      check ^= Mix(n ^ static_cast<unsigned char>(buf[n / 2]));
    }
    double s = Seconds(t0);
    std::printf("generated %" PRIu64 " %s events, %.1f bytes avg, in %.2f s: %.0f rows/s "
                "(dry run, checksum %016" PRIx64 ")\n",
                o.count, o.csv ? "csv" : "json", o.count ? double(total) / o.count : 0.0, s,
                s > 0 ? o.count / s : 0.0, check);
    return 0;
  }

  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  bool ok = Set(conf, "bootstrap.servers", o.brokers) && Set(conf, "acks", o.acks) &&
            Set(conf, "compression.codec", o.compression) &&
            Set(conf, "linger.ms", std::to_string(o.linger_ms)) &&
            Set(conf, "batch.size", "1000000") && Set(conf, "batch.num.messages", "100000") &&
            Set(conf, "queue.buffering.max.messages", "1000000") &&
            Set(conf, "queue.buffering.max.kbytes", "1048576") &&
            Set(conf, "enable.idempotence", "false") &&
            Set(conf, "message.timeout.ms", "120000");
  if (!ok) return 2;
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    std::fprintf(stderr, "cannot create producer: %s\n", errstr);
    return 2;
  }
  if (!EnsureTopic(rk, o)) {
    rd_kafka_destroy(rk);
    return 1;
  }

  auto t0 = std::chrono::steady_clock::now();
  auto last_report = t0;
  uint64_t payload_bytes = 0, queued = 0;
  for (uint64_t i = 0; i < o.count && g_failed.load(std::memory_order_relaxed) == 0; ++i) {
    size_t n = FormatEvent(o, i, buf);
    payload_bytes += n;
    const int32_t partition = static_cast<int32_t>(i % static_cast<uint64_t>(o.partitions));
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(o.topic.c_str()), RD_KAFKA_V_PARTITION(partition),
          RD_KAFKA_V_VALUE(buf, n), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++queued;
        break;
      }
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        std::fprintf(stderr, "produce failed at event %" PRIu64 ": %s\n", i, rd_kafka_err2str(err));
        rd_kafka_destroy(rk);
        return 1;
      }
      rd_kafka_poll(rk, 50);  // queue full: let deliveries drain
    }
    if ((i & 0x3FF) == 0) {
      rd_kafka_poll(rk, 0);
      if (!o.quiet && Seconds(last_report) >= 5.0) {
        last_report = std::chrono::steady_clock::now();
        std::fprintf(stderr, "  %" PRIu64 " queued, %" PRIu64 " delivered, %.0f rows/s\n", i + 1,
                     g_delivered.load(), g_delivered.load() / Seconds(t0));
      }
    }
  }
  while (rd_kafka_outq_len(rk) > 0 && g_failed.load() == 0) rd_kafka_flush(rk, 1000);
  const double secs = Seconds(t0);
  rd_kafka_destroy(rk);

  const uint64_t delivered = g_delivered.load(), failed = g_failed.load();
  std::printf("produced %" PRIu64 " %s events (%.1f bytes avg, %.1f MB) to %s [%d partitions] "
              "in %.2f s: %.0f rows/s, %.1f MB/s%s\n",
              delivered, o.csv ? "csv" : "json",
              queued ? double(payload_bytes) / queued : 0.0, payload_bytes / 1e6,
              o.topic.c_str(), o.partitions, secs, secs > 0 ? delivered / secs : 0.0,
              secs > 0 ? payload_bytes / 1e6 / secs : 0.0,
              failed ? " -- DELIVERY FAILURES" : "");
  return failed || delivered != o.count ? 1 : 0;
}
