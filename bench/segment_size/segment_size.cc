// Segment size and write-speed benchmark: bytes per stored row and single-core write throughput
// of the columnar segment format for two event shapes:
//
//   tutorial  {uid bigint, site string, vtime bigint} as in the quick start's site_clicks table
//   event     the 12-field click event of bench/gen (basalt-kafka-gen): event_id uid site vtime
//             session country device browser referrer duration_ms bytes status, ~284 B as JSON
//
// Values follow bench/gen's generator exactly (event i depends only on the seed and i), so the
// same rows can be produced as NDJSON (--ndjson) and loaded into a peer such as chDB MergeTree for
// a size comparison on identical data.
//
// Only SegmentWriter::Append + Finish are timed; generating the Chunks is not. The program is
// single-threaded, so MB/s is per core.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "cn/storage/segment/segment_reader.h"
#include "bench/common/event_fields.h"
#include "cn/storage/segment/segment_writer.h"

namespace {

using basalt::Chunk;
using basalt::Column;
using basalt::DataType;
using namespace basalt::segment;

// The same event vocabulary as bench/gen, so both benchmarks see the same rows.
using basalt::bench::kBaseEpoch;
using basalt::bench::kBrowsers;
using basalt::bench::kCountries;
using basalt::bench::kDevices;
using basalt::bench::kSites;
using basalt::bench::Mix;
using basalt::bench::Pick;

struct Event {
  uint64_t event_id, uid, vtime, duration, bytes, status;
  char session[16];
  std::string_view site, referrer, country, device, browser;
};

Event MakeEvent(uint64_t seed, uint64_t i) {
  Event e;
  const uint64_t r0 = Mix(seed ^ Mix(i));
  const uint64_t r1 = Mix(r0);
  const uint64_t r2 = Mix(r1);
  e.event_id = i;
  e.uid = 1 + r0 % 1000000;
  e.vtime = kBaseEpoch + i / 1000;
  e.duration = r1 % 60000;
  e.bytes = (r1 >> 20) % 2000000;
  e.status = (r2 & 0xF) == 0 ? 404 : 200;
  e.site = Pick(kSites, r0 >> 24);
  e.referrer = Pick(kSites, r1 >> 40);
  e.country = Pick(kCountries, r1 >> 8);
  e.device = Pick(kDevices, r2 >> 12);
  e.browser = Pick(kBrowsers, r2 >> 16);
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int k = 0; k < 16; ++k) e.session[k] = kDigits[(r2 >> (60 - 4 * k)) & 0xF];
  return e;
}

std::string ToJson(const Event& e) {
  char buf[512];
  const int n = std::snprintf(
      buf, sizeof(buf),
      "{\"event_id\":%llu,\"uid\":%llu,\"site\":\"%.*s\",\"vtime\":%llu,\"session\":\"%.16s\",\"country\":\"%.*s\","
      "\"device\":\"%.*s\",\"browser\":\"%.*s\",\"referrer\":\"%.*s\",\"duration_ms\":%llu,\"bytes\":%llu,"
      "\"status\":%llu}",
      static_cast<unsigned long long>(e.event_id), static_cast<unsigned long long>(e.uid),
      static_cast<int>(e.site.size()), e.site.data(), static_cast<unsigned long long>(e.vtime), e.session,
      static_cast<int>(e.country.size()), e.country.data(), static_cast<int>(e.device.size()), e.device.data(),
      static_cast<int>(e.browser.size()), e.browser.data(), static_cast<int>(e.referrer.size()),
      e.referrer.data(), static_cast<unsigned long long>(e.duration), static_cast<unsigned long long>(e.bytes),
      static_cast<unsigned long long>(e.status));
  return std::string(buf, static_cast<size_t>(n));
}

std::string ToTutorialJson(const Event& e) {
  char buf[256];
  const int n = std::snprintf(buf, sizeof(buf), "{\"uid\":%llu,\"site\":\"%.*s\",\"vtime\":%llu}",
                              static_cast<unsigned long long>(e.uid), static_cast<int>(e.site.size()),
                              e.site.data(), static_cast<unsigned long long>(e.vtime));
  return std::string(buf, static_cast<size_t>(n));
}

SegmentSchema TutorialSchema() {
  return {{"uid", DataType::BigInt()}, {"site", DataType::String()}, {"vtime", DataType::BigInt()}};
}

SegmentSchema EventSchema() {
  return {{"event_id", DataType::BigInt()}, {"uid", DataType::BigInt()},      {"site", DataType::String()},
          {"vtime", DataType::BigInt()},    {"session", DataType::Varchar()}, {"country", DataType::Varchar()},
          {"device", DataType::Varchar()},  {"browser", DataType::Varchar()}, {"referrer", DataType::String()},
          {"duration_ms", DataType::Int()}, {"bytes", DataType::BigInt()},    {"status", DataType::Int()}};
}

// Rows [first, first + n) as a Chunk of the shape.
Chunk MakeChunk(bool wide, uint64_t seed, uint64_t first, size_t n, uint64_t* json_bytes, std::ofstream* ndjson) {
  const SegmentSchema schema = wide ? EventSchema() : TutorialSchema();
  Chunk chunk;
  chunk.num_rows = n;
  for (const auto& c : schema) chunk.columns.push_back(Column::Make(c.type, n));
  auto& cols = chunk.columns;
  for (size_t k = 0; k < n; ++k) {
    const Event e = MakeEvent(seed, first + k);
    if (wide) {
      cols[0]->AppendInt(static_cast<int64_t>(e.event_id));
      cols[1]->AppendInt(static_cast<int64_t>(e.uid));
      cols[2]->AppendString(e.site);
      cols[3]->AppendInt(static_cast<int64_t>(e.vtime));
      cols[4]->AppendString(std::string_view(e.session, 16));
      cols[5]->AppendString(e.country);
      cols[6]->AppendString(e.device);
      cols[7]->AppendString(e.browser);
      cols[8]->AppendString(e.referrer);
      cols[9]->AppendInt(static_cast<int64_t>(e.duration));
      cols[10]->AppendInt(static_cast<int64_t>(e.bytes));
      cols[11]->AppendInt(static_cast<int64_t>(e.status));
    } else {
      cols[0]->AppendInt(static_cast<int64_t>(e.uid));
      cols[1]->AppendString(e.site);
      cols[2]->AppendInt(static_cast<int64_t>(e.vtime));
    }
    const std::string json = wide ? ToJson(e) : ToTutorialJson(e);
    *json_bytes += json.size() + 1;
    if (ndjson != nullptr) *ndjson << json << '\n';
  }
  return chunk;
}

// In-memory size of the values: 8 bytes per number, string lengths.
uint64_t RawBytes(const Chunk& c) {
  uint64_t total = 0;
  for (const auto& col : c.columns) {
    for (size_t r = 0; r < c.num_rows; ++r) {
      total += col->physical() == basalt::PhysicalType::kString ? col->GetString(r).size() : 8;
    }
  }
  return total;
}

struct Options {
  uint64_t rows = 1000000;
  uint64_t segment_rows = 1000000;
  std::vector<std::string> shapes = {"tutorial", "event"};
  std::vector<std::string> compressions = {"lz4", "zstd"};
  int zstd_level = 3;
  uint32_t page_rows = 8192;
  uint32_t page_bytes = 64 << 10;
  uint64_t seed = 42;
  std::string ndjson;
  std::string write_segment;  // also write the first segment of each run to this path prefix
  bool verify = true;
};

[[noreturn]] void Usage(int code) {
  std::fprintf(code == 0 ? stdout : stderr,
               "usage: basalt-segment-size [--rows N] [--segment-rows N] [--shape tutorial|event|all]\n"
               "         [--compression lz4|zstd|none|all] [--zstd-level L] [--page-rows N] [--page-bytes N]\n"
               "         [--seed S] [--ndjson PREFIX] [--write-segment PREFIX] [--no-verify]\n"
               "N accepts k/m suffixes. Prints bytes/row and single-core write MB/s per configuration.\n");
  std::exit(code);
}

uint64_t ParseCount(const char* s) {
  uint64_t n = 0;
  if (!basalt::bench::ParseCount(s, &n)) Usage(2);
  return n;
}

int Run(const Options& o, const std::string& shape, const std::string& comp_name) {
  const bool wide = shape == "event";
  SegmentWriterOptions wo;
  wo.compression = comp_name == "zstd" ? Compression::kZstd : comp_name == "none" ? Compression::kNone : Compression::kLz4;
  wo.zstd_level = o.zstd_level;
  wo.max_page_rows = o.page_rows;
  wo.max_page_bytes = o.page_bytes;
  const SegmentSchema schema = wide ? EventSchema() : TutorialSchema();
  std::ofstream ndjson_out;
  std::ofstream* ndjson = nullptr;
  if (!o.ndjson.empty()) {
    ndjson_out.open(o.ndjson + "." + shape + ".ndjson");
    ndjson = &ndjson_out;
  }

  uint64_t stored = 0, json_bytes = 0, raw_bytes = 0, segments = 0;
  double write_seconds = 0, read_seconds = 0;
  std::vector<ColumnWriteStats> col_stats(schema.size());
  uint64_t row = 0;
  while (row < o.rows) {
    const uint64_t seg_rows = std::min(o.segment_rows, o.rows - row);
    auto writer = SegmentWriter::Make(schema, wo);
    if (!writer.ok()) {
      std::fprintf(stderr, "%s\n", writer.status().ToString().c_str());
      return 1;
    }
    for (uint64_t done = 0; done < seg_rows;) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(4096, seg_rows - done));
      const Chunk chunk = MakeChunk(wide, o.seed, row + done, n, &json_bytes, ndjson);
      raw_bytes += RawBytes(chunk);
      const auto t0 = std::chrono::steady_clock::now();
      basalt::Status st = (*writer)->Append(chunk);
      write_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!st.ok()) {
        std::fprintf(stderr, "%s\n", st.ToString().c_str());
        return 1;
      }
      done += n;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto bytes = (*writer)->Finish();
    write_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!bytes.ok()) {
      std::fprintf(stderr, "%s\n", bytes.status().ToString().c_str());
      return 1;
    }
    for (size_t c = 0; c < schema.size(); ++c) {
      const auto& s = (*writer)->column_stats()[c];
      col_stats[c].pages += s.pages;
      col_stats[c].stored_bytes += s.stored_bytes;
      col_stats[c].compressed_pages += s.compressed_pages;
      for (size_t e = 0; e < s.pages_by_encoding.size(); ++e) col_stats[c].pages_by_encoding[e] += s.pages_by_encoding[e];
    }
    stored += bytes->size();
    if (!o.write_segment.empty() && segments == 0) {
      std::ofstream(o.write_segment + "." + shape + "." + comp_name + ".seg", std::ios::binary) << *bytes;
    }
    ++segments;
    if (o.verify) {
      const auto r0 = std::chrono::steady_clock::now();
      auto reader = SegmentReader::Open(std::move(bytes).value());
      if (!reader.ok()) {
        std::fprintf(stderr, "%s\n", reader.status().ToString().c_str());
        return 1;
      }
      auto it = (*reader)->NewIterator({});
      if (!it.ok()) return 1;
      Chunk chunk;
      uint64_t got = 0;
      while (true) {
        auto more = (*it)->Next(&chunk);
        if (!more.ok()) {
          std::fprintf(stderr, "%s\n", more.status().ToString().c_str());
          return 1;
        }
        if (!*more) break;
        got += chunk.num_rows;
      }
      read_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - r0).count();
      if (got != seg_rows) {
        std::fprintf(stderr, "read back %llu rows, wrote %llu\n", static_cast<unsigned long long>(got),
                     static_cast<unsigned long long>(seg_rows));
        return 1;
      }
    }
    row += seg_rows;
  }
  const double rows = static_cast<double>(o.rows);
  std::printf("%-8s %-5s rows=%llu segments=%llu  %.2f B/row (json %.1f B/row, %.3fx)  write %.1f MB/s json, "
              "%.1f MB/s raw, %.2f M rows/s",
              shape.c_str(), comp_name.c_str(), static_cast<unsigned long long>(o.rows),
              static_cast<unsigned long long>(segments), static_cast<double>(stored) / rows,
              static_cast<double>(json_bytes) / rows, static_cast<double>(stored) / static_cast<double>(json_bytes),
              static_cast<double>(json_bytes) / 1e6 / write_seconds, static_cast<double>(raw_bytes) / 1e6 / write_seconds,
              rows / 1e6 / write_seconds);
  if (o.verify) std::printf("  read %.2f M rows/s", rows / 1e6 / read_seconds);
  std::printf("\n");
  for (size_t c = 0; c < schema.size(); ++c) {
    const auto& s = col_stats[c];
    std::string encodings;
    for (size_t e = 0; e < s.pages_by_encoding.size(); ++e) {
      if (s.pages_by_encoding[e] == 0) continue;
      if (!encodings.empty()) encodings += ",";
      encodings += std::string(EncodingName(static_cast<Encoding>(e))) + ":" + std::to_string(s.pages_by_encoding[e]);
    }
    std::printf("    %-12s %7.3f B/row  pages=%-6llu compressed=%-6llu %s\n", schema[c].name.c_str(),
                static_cast<double>(s.stored_bytes) / rows, static_cast<unsigned long long>(s.pages),
                static_cast<unsigned long long>(s.compressed_pages), encodings.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) Usage(2);
      return argv[++i];
    };
    if (a == "--rows") o.rows = ParseCount(next());
    else if (a == "--segment-rows") o.segment_rows = ParseCount(next());
    else if (a == "--shape") {
      const std::string v = next();
      o.shapes = v == "all" ? std::vector<std::string>{"tutorial", "event"} : std::vector<std::string>{v};
    } else if (a == "--compression") {
      const std::string v = next();
      o.compressions = v == "all" ? std::vector<std::string>{"none", "lz4", "zstd"} : std::vector<std::string>{v};
    } else if (a == "--zstd-level") o.zstd_level = std::atoi(next());
    else if (a == "--page-rows") o.page_rows = static_cast<uint32_t>(ParseCount(next()));
    else if (a == "--page-bytes") o.page_bytes = static_cast<uint32_t>(ParseCount(next()));
    else if (a == "--seed") o.seed = ParseCount(next());
    else if (a == "--ndjson") o.ndjson = next();
    else if (a == "--write-segment") o.write_segment = next();
    else if (a == "--no-verify") o.verify = false;
    else if (a == "--help" || a == "-h") Usage(0);
    else Usage(2);
  }
  if (o.rows == 0 || o.segment_rows == 0) Usage(2);
  for (const auto& shape : o.shapes) {
    if (shape != "tutorial" && shape != "event") Usage(2);
    for (const auto& comp : o.compressions) {
      if (comp != "lz4" && comp != "zstd" && comp != "none") Usage(2);
      if (int rc = Run(o, shape, comp); rc != 0) return rc;
    }
  }
  return 0;
}
