// Page compression codecs of the segment format (segment_format.h, "Page"): LZ4 block format and
// single-frame ZSTD. A Codec owns the reusable library contexts, so keep one per writer/reader.
//
// Thread-safety: a Codec is used by one thread at a time; distinct Codecs are independent.
#pragma once

#include <string>
#include <string_view>

#include "cn/storage/segment/segment_format.h"
#include "common/status.h"

namespace basalt::segment {

class Codec {
 public:
  Codec() = default;
  ~Codec();
  Codec(const Codec&) = delete;
  Codec& operator=(const Codec&) = delete;

  // Replaces *out with `in` compressed by `c` (not kNone). False if the library failed.
  bool Compress(Compression c, std::string_view in, int zstd_level, std::string* out);
  // Decompresses `in` into exactly `size` bytes at `out`. Corruption if the codec reports an error
  // or produces a different number of bytes; never writes past out + size.
  Status Decompress(Compression c, std::string_view in, char* out, size_t size);

 private:
  void* cctx_ = nullptr;  // ZSTD_CCtx*
  void* dctx_ = nullptr;  // ZSTD_DCtx*
};

}  // namespace basalt::segment
