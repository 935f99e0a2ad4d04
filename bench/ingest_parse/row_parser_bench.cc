// Row parser speed: ns per row for the generator's ~280-byte click events (bench/gen), parsed by
// cn/ingest RowParser into typed columns, next to a bare simdjson On-Demand pass over the same
// messages (every field read, values discarded) as the reference. Single thread, in memory, no
// Kafka, then the librdkafka source against an in-process mock broker (200k events).
// Usage: basalt-row-parser-bench [rows, default 1m] [--no-kafka]
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <simdjson.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/common/event_fields.h"
#include "cn/ingest/kafka_consumer.h"
#include "cn/ingest/row_parser.h"

using namespace basalt;
using basalt::bench::Mix;
using basalt::bench::Pick;

namespace {

std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::vector<std::string> Events(uint64_t n, bool csv) {
  std::vector<std::string> out;
  out.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t r0 = Mix(42 ^ Mix(i)), r1 = Mix(r0), r2 = Mix(r1);
    const std::string uid = std::to_string(1 + r0 % 1000000), vtime = std::to_string(bench::kBaseEpoch + i / 1000);
    const std::string site(Pick(bench::kSites, r0 >> 24)), referrer(Pick(bench::kSites, r1 >> 40));
    const std::string country(Pick(bench::kCountries, r1 >> 8)), device(Pick(bench::kDevices, r2 >> 12));
    const std::string browser(Pick(bench::kBrowsers, r2 >> 16));
    const std::string duration = std::to_string(r1 % 60000), bytes = std::to_string((r1 >> 20) % 2000000);
    const std::string status = (r2 & 0xF) == 0 ? "404" : "200";
    if (csv) {
      out.push_back(std::to_string(i) + "," + uid + "," + site + "," + vtime + "," + Hex16(r2) + "," + country + "," +
                    device + "," + browser + "," + referrer + "," + duration + "," + bytes + "," + status);
    } else {
      out.push_back("{\"event_id\":" + std::to_string(i) + ",\"uid\":" + uid + ",\"site\":\"" + site +
                    "\",\"vtime\":" + vtime + ",\"session\":\"" + Hex16(r2) + "\",\"country\":\"" + country +
                    "\",\"device\":\"" + device + "\",\"browser\":\"" + browser + "\",\"referrer\":\"" + referrer +
                    "\",\"duration_ms\":" + duration + ",\"bytes\":" + bytes + ",\"status\":" + status + "}");
    }
  }
  return out;
}

proto::TableSchemaPB Schema(bool all) {
  proto::TableSchemaPB schema;
  int id = 0;
  auto add = [&](const char* name, TypeId type) {
    auto* c = schema.add_columns();
    c->set_unique_id(++id);
    c->set_name(name);
    c->set_type_id(static_cast<int32_t>(type));
    c->set_nullable(true);
  };
  if (!all) {
    add("uid", TypeId::kInt);
    add("site", TypeId::kString);
    add("vtime", TypeId::kBigInt);
    return schema;
  }
  add("event_id", TypeId::kBigInt);
  add("uid", TypeId::kInt);
  add("site", TypeId::kString);
  add("vtime", TypeId::kBigInt);
  add("session", TypeId::kString);
  add("country", TypeId::kString);
  add("device", TypeId::kString);
  add("browser", TypeId::kString);
  add("referrer", TypeId::kString);
  add("duration_ms", TypeId::kInt);
  add("bytes", TypeId::kBigInt);
  add("status", TypeId::kInt);
  return schema;
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void Report(const char* name, double seconds, uint64_t rows, uint64_t bytes, int64_t errors) {
  std::printf("%-34s %8.1f ns/row  %7.1f MB/s  errors %lld\n", name, seconds * 1e9 / static_cast<double>(rows),
              static_cast<double>(bytes) / seconds / 1e6, static_cast<long long>(errors));
}

// BENCH_ONLY=<substring> runs only the matching modes (e.g. for perf stat on one of them).
bool Selected(const char* name) {
  const char* only = std::getenv("BENCH_ONLY");
  return only == nullptr || std::string(name).find(only) != std::string::npos;
}

void RunParser(const char* name, const proto::RoutineLoadFormatPB& format, const proto::TableSchemaPB& schema,
               const std::vector<std::string>& events, uint64_t bytes) {
  if (!Selected(name)) return;
  auto parser = cn::RowParser::Make(format, schema);
  if (!parser.ok()) {
    std::printf("%s: %s\n", name, parser.status().ToString().c_str());
    return;
  }
  auto start = std::chrono::steady_clock::now();
  size_t n = 0;
  for (const std::string& e : events) {
    (*parser)->Parse(e);
    if (++n % 4096 == 0) (*parser)->TakeRows();  // Chunks of 4096 rows, as the task would keep.
  }
  (*parser)->TakeRows();
  Report(name, Seconds(start), events.size(), bytes, (*parser)->error_rows());
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The librdkafka source end to end against librdkafka's in-process mock broker: the events are
// produced first, then one batch consumes and parses them (seed jsonpaths). Process CPU includes
// the mock broker's threads, so this is an upper bound of the consumer's own cost.
void RunKafka(const std::vector<std::string>& events, uint64_t bytes) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[256];
  rd_kafka_conf_set(conf, "test.mock.num.brokers", "1", err, sizeof(err));
  rd_kafka_conf_set(conf, "linger.ms", "50", err, sizeof(err));
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  rd_kafka_mock_cluster_t* cluster = rd_kafka_handle_mock_cluster(producer);
  // The mock keeps about 5 MB per partition (older data is "deleted by retention"), so the events
  // are spread over 16 partitions.
  constexpr int kPartitions = 16;
  rd_kafka_mock_topic_create(cluster, "bench", kPartitions, 1);
  int32_t next_partition = 0;
  for (const std::string& e : events) {
    int32_t partition = next_partition++ % kPartitions;
    while (rd_kafka_producev(producer, RD_KAFKA_V_TOPIC("bench"), RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_VALUE(const_cast<char*>(e.data()), e.size()),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(producer, 10);
    }
  }
  rd_kafka_flush(producer, 60000);

  cn::KafkaTaskSource task;
  task.source.set_brokers(rd_kafka_mock_cluster_bootstraps(cluster));
  task.source.set_topic("bench");
  for (int p = 0; p < kPartitions; ++p) task.begin_offsets.emplace_back().set_partition(p);
  proto::RoutineLoadFormatPB seed;
  seed.set_format("json");
  for (const char* p : {"$.uid", "$.site", "$.vtime"}) seed.add_jsonpaths(p);
  auto parser = cn::RowParser::Make(seed, Schema(false));
  for (bool parse : {false, true}) {
    auto source = cn::MakeRdKafkaBatchSource(task);
    if (!source.ok() || !parser.ok()) return;
    double cpu = CpuSeconds();
    auto start = std::chrono::steady_clock::now();
    uint64_t n = 0;
    auto batch = (*source)->ConsumeBatch({.max_ms = 120000}, [&](const cn::KafkaMessage& m) {
      if (parse) {
        (*parser)->Parse(m.payload);
        if (++n % 4096 == 0) (*parser)->TakeRows();
      }
      return true;
    });
    double wall = Seconds(start);
    cpu = CpuSeconds() - cpu;
    if (!batch.ok()) {
      std::printf("kafka: %s\n", batch.status().ToString().c_str());
      return;
    }
    if (!batch->pause_reason.empty()) std::printf("pause: %s\n", batch->pause_reason.c_str());
    std::printf("%-34s %8.1f ns/msg wall, %7.1f ns/msg process CPU, %llu msgs, stop %s\n",
                parse ? "mock kafka consume + parse (seed)" : "mock kafka consume only", wall * 1e9 / batch->messages,
                cpu * 1e9 / batch->messages, static_cast<unsigned long long>(batch->messages), batch->stop_reason.c_str());
  }
  rd_kafka_destroy(producer);
  (void)bytes;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t rows = 1000000;
  if (argc > 1 && !bench::ParseCount(argv[1], &rows)) return 2;
  std::vector<std::string> json = Events(rows, false), csv = Events(rows, true);
  uint64_t json_bytes = 0, csv_bytes = 0;
  for (const auto& e : json) json_bytes += e.size();
  for (const auto& e : csv) csv_bytes += e.size();
  std::printf("%llu events, json %.1f B avg, csv %.1f B avg, simdjson kernel %s\n",
              static_cast<unsigned long long>(rows), static_cast<double>(json_bytes) / rows,
              static_cast<double>(csv_bytes) / rows, simdjson::get_active_implementation()->name().c_str());

  if (Selected("raw simdjson")) {  // Reference: copy into a padded buffer, On-Demand, read every field, discard.
    simdjson::ondemand::parser parser;
    std::string padded;
    uint64_t sink = 0;
    auto start = std::chrono::steady_clock::now();
    for (const std::string& e : json) {
      padded.resize(e.size() + simdjson::SIMDJSON_PADDING);
      std::memcpy(padded.data(), e.data(), e.size());
      std::memset(padded.data() + e.size(), ' ', simdjson::SIMDJSON_PADDING);
      simdjson::ondemand::document doc;
      if (parser.iterate(padded.data(), e.size(), padded.size()).get(doc)) continue;
      simdjson::ondemand::object object;
      if (doc.get_object().get(object)) continue;
      for (auto field : object) {
        std::string_view key;
        if (field.unescaped_key().get(key)) break;
        simdjson::ondemand::value v;
        if (field.value().get(v)) break;
        simdjson::ondemand::json_type t;
        if (v.type().get(t)) break;
        if (t == simdjson::ondemand::json_type::number) {
          int64_t i = 0;
          if (!v.get_int64().get(i)) sink += static_cast<uint64_t>(i);
        } else {
          std::string_view s;
          if (!v.get_string().get(s)) sink += s.size();
        }
      }
    }
    Report("raw simdjson, 12 fields", Seconds(start), rows, json_bytes, 0);
    if (sink == 42) std::printf(" ");
  }

  proto::RoutineLoadFormatPB seed;
  seed.set_format("json");
  for (const char* p : {"$.uid", "$.site", "$.vtime"}) seed.add_jsonpaths(p);
  RunParser("json jsonpaths, 3 cols (seed)", seed, Schema(false), json, json_bytes);

  proto::RoutineLoadFormatPB paths12;
  paths12.set_format("json");
  for (const char* p : {"$.event_id", "$.uid", "$.site", "$.vtime", "$.session", "$.country", "$.device",
                        "$.browser", "$.referrer", "$.duration_ms", "$.bytes", "$.status"}) {
    paths12.add_jsonpaths(p);
  }
  RunParser("json jsonpaths, 12 cols", paths12, Schema(true), json, json_bytes);

  proto::RoutineLoadFormatPB simple;
  simple.set_format("json");
  RunParser("json simple mode, 12 cols", simple, Schema(true), json, json_bytes);

  proto::RoutineLoadFormatPB csv_format;
  csv_format.set_format("csv");
  csv_format.set_column_separator(",");
  RunParser("csv, 12 cols", csv_format, Schema(true), csv, csv_bytes);

  if ((argc <= 2 || std::string(argv[2]) != "--no-kafka") && Selected("mock kafka")) {
    std::vector<std::string> some(json.begin(), json.begin() + std::min<size_t>(json.size(), 200000));
    RunKafka(some, 0);
  }
  return 0;
}
