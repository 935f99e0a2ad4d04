// Feeds arbitrary bytes to the segment reader (as the last segment and as an earlier one) and to
// the image decoder. Any input must yield OK or Corruption, never a crash or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/logging.h"
#include "fe/journal/journal_format.h"
#include "fe/journal/journal_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace basalt;
  using namespace basalt::fe;
  std::string_view contents(reinterpret_cast<const char*>(data), size);
  for (bool is_last : {true, false}) {
    uint64_t expected = 1;
    auto on_record = [&expected](uint64_t seq, std::string_view) {
      CHECK_EQ(seq, expected);
      ++expected;
      return Status::OK();
    };
    auto result = ReadSegment("fuzz/journal.00000000000000000001", contents, 1, is_last, on_record);
    if (result.ok()) {
      CHECK_LE(result->valid_bytes, size);
      CHECK_EQ(result->record_count, expected - 1);
      CHECK(is_last || !result->torn);
      CHECK(result->torn || result->valid_bytes == size);
    } else {
      CHECK(result.status().IsCorruption()) << result.status();
    }
  }
  uint64_t seq = 0;
  std::string_view payload;
  Status image = DecodeImage("fuzz/image", contents, 1, &seq, &payload);
  CHECK(image.ok() || image.IsCorruption()) << image;
  return 0;
}
