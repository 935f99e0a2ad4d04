// basalt-raw-consume: the raw limit for Kafka JSON ingest on one core: librdkafka consumes every
// partition of a topic from the beginning to its end (explicit assignment, no consumer group
// rebalancing, the same consumer settings a Basalt routine load task uses) and simdjson On-Demand
// reads every field of every message. Nothing is stored. Prints rows, wall time and CPU time, so
// bench/routine_load/run.py can compare Basalt's rows per CPU-second with this floor-cost path.
//
//   basalt-raw-consume --brokers 127.0.0.1:9092 --topic events [--dump events.ndjson]
//
// --dump also writes the payloads as NDJSON (one message per line), for peers that load files.

#include <librdkafka/rdkafka.h>
#include <simdjson.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "basalt-raw-consume: %s\n", message.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  std::string brokers = "127.0.0.1:9092", topic, dump;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value for " + a);
      return argv[++i];
    };
    if (a == "--brokers") brokers = next();
    else if (a == "--topic") topic = next();
    else if (a == "--dump") dump = next();
    else if (a == "-h" || a == "--help") {
      std::printf("usage: basalt-raw-consume --brokers LIST --topic NAME [--dump FILE]\n");
      return 0;
    } else Die("unknown argument " + a);
  }
  if (topic.empty()) Die("--topic is required");

  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const char* k, const char* v) {
    if (rd_kafka_conf_set(conf, k, v, err, sizeof(err)) != RD_KAFKA_CONF_OK) Die(err);
  };
  set("bootstrap.servers", brokers.c_str());
  set("group.id", "basalt_raw_consume");
  set("enable.auto.commit", "false");
  set("enable.auto.offset.store", "false");
  set("enable.partition.eof", "true");
  set("auto.offset.reset", "error");
  set("isolation.level", "read_committed");
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (!rk) Die(err);
  rd_kafka_poll_set_consumer(rk);

  const rd_kafka_metadata_t* meta = nullptr;
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  if (rd_kafka_metadata(rk, 0, t, &meta, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR || meta->topic_cnt != 1) {
    Die("cannot read the metadata of topic " + topic);
  }
  int partitions = meta->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(meta);
  rd_kafka_topic_destroy(t);
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  if (rd_kafka_assign(rk, assignment) != RD_KAFKA_RESP_ERR_NO_ERROR) Die("assign failed");
  rd_kafka_topic_partition_list_destroy(assignment);

  FILE* out = dump.empty() ? nullptr : std::fopen(dump.c_str(), "w");
  if (!dump.empty() && !out) Die("cannot write " + dump);

  simdjson::ondemand::parser parser;
  std::vector<char> scratch;
  uint64_t rows = 0, bytes = 0, errors = 0, checksum = 0;
  int at_end = 0;
  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  while (at_end < partitions) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 1000);
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ++at_end;
    } else if (m->err) {
      Die(rd_kafka_message_errstr(m));
    } else {
      ++rows;
      bytes += m->len;
      if (out) {
        std::fwrite(m->payload, 1, m->len, out);
        std::fputc('\n', out);
      }
      // Read every field, as a loader must. librdkafka's buffers carry no padding, so each payload
      // is copied into a padded scratch buffer first (Basalt's parser pays the same copy).
      if (scratch.size() < m->len + simdjson::SIMDJSON_PADDING) scratch.resize(m->len + simdjson::SIMDJSON_PADDING);
      std::memcpy(scratch.data(), m->payload, m->len);
      auto doc = parser.iterate(simdjson::padded_string_view(scratch.data(), m->len, scratch.size()));
      simdjson::ondemand::object object;
      if (doc.get_object().get(object)) {
        ++errors;
      } else {
        for (auto field : object) {
          simdjson::ondemand::value v;
          if (field.value().get(v)) {
            ++errors;
            break;
          }
          std::string_view raw = v.raw_json_token();
          checksum += raw.size();
        }
      }
    }
    rd_kafka_message_destroy(m);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  if (out) std::fclose(out);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  std::printf("raw rows=%llu bytes=%llu errors=%llu wall_s=%.3f cpu_s=%.3f checksum=%llu\n",
              static_cast<unsigned long long>(rows), static_cast<unsigned long long>(bytes),
              static_cast<unsigned long long>(errors), wall, cpu, static_cast<unsigned long long>(checksum));
  return errors == 0 ? 0 : 2;
}
