// Validation and decoding of one journal segment held in memory. The byte format and the rules
// for torn tails versus corruption are specified in journal_format.h.
//
// Thread-safety: ReadSegment is a pure function of its arguments (plus what on_record does).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace basalt::fe {

struct SegmentReadResult {
  uint64_t record_count = 0;
  // The seq of the last valid record; first_seq - 1 when the segment holds none.
  uint64_t last_seq = 0;
  // Length of the valid prefix (header plus whole records). Equals the file size unless torn.
  uint64_t valid_bytes = 0;
  // The bytes from valid_bytes to the end are an unacknowledged torn tail (last segment only).
  bool torn = false;
  // The 12-byte segment header itself never fully reached disk: the file holds no records.
  bool header_torn = false;
  // For the log line when torn: what was found at valid_bytes.
  std::string torn_reason;
};

// Called once per valid record, in order. A non-OK return stops reading and is returned as is.
using RecordCallback = std::function<Status(uint64_t seq, std::string_view payload)>;

// Validates `contents`, the whole segment file at `path` (used only in messages), whose first
// record must carry `first_seq` (from the file name). `is_last_segment` enables the torn-tail
// rules. Returns Corruption naming path and byte offset for damaged data, or the callback's error.
// Records before a corruption have already been handed to on_record when it is returned.
Result<SegmentReadResult> ReadSegment(std::string_view path, std::string_view contents,
                                      uint64_t first_seq, bool is_last_segment,
                                      const RecordCallback& on_record);

}  // namespace basalt::fe
