#include "cn/storage/segment/compression.h"

#include <lz4.h>
#include <zstd.h>

#include <climits>

namespace basalt::segment {

Codec::~Codec() {
  ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(cctx_));
  ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(dctx_));
}

bool Codec::Compress(Compression c, std::string_view in, int zstd_level, std::string* out) {
  if (in.size() > static_cast<size_t>(INT_MAX / 2)) return false;
  switch (c) {
    case Compression::kNone:
      return false;
    case Compression::kLz4: {
      const int bound = LZ4_compressBound(static_cast<int>(in.size()));
      out->resize(static_cast<size_t>(bound));
      const int n = LZ4_compress_default(in.data(), out->data(), static_cast<int>(in.size()), bound);
      if (n <= 0) return false;
      out->resize(static_cast<size_t>(n));
      return true;
    }
    case Compression::kZstd: {
      if (cctx_ == nullptr) cctx_ = ZSTD_createCCtx();
      if (cctx_ == nullptr) return false;
      out->resize(ZSTD_compressBound(in.size()));
      const size_t n = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(cctx_), out->data(), out->size(),
                                         in.data(), in.size(), zstd_level);
      if (ZSTD_isError(n)) return false;
      out->resize(n);
      return true;
    }
  }
  return false;
}

Status Codec::Decompress(Compression c, std::string_view in, char* out, size_t size) {
  switch (c) {
    case Compression::kNone:
      if (in.size() != size) return Status::Corruption("uncompressed body size mismatch");
      if (size > 0) std::memcpy(out, in.data(), size);
      return Status::OK();
    case Compression::kLz4: {
      if (in.size() > static_cast<size_t>(INT_MAX) || size > static_cast<size_t>(INT_MAX)) {
        return Status::Corruption("LZ4 block too large");
      }
      const int n = LZ4_decompress_safe(in.data(), out, static_cast<int>(in.size()), static_cast<int>(size));
      if (n < 0 || static_cast<size_t>(n) != size) {
        return Status::Corruption("LZ4 block does not decompress to the stated size");
      }
      return Status::OK();
    }
    case Compression::kZstd: {
      if (dctx_ == nullptr) dctx_ = ZSTD_createDCtx();
      if (dctx_ == nullptr) return Status::ResourceExhausted("cannot allocate a ZSTD context");
      const size_t n = ZSTD_decompressDCtx(static_cast<ZSTD_DCtx*>(dctx_), out, size, in.data(), in.size());
      if (ZSTD_isError(n) || n != size) {
        return Status::Corruption("ZSTD frame does not decompress to the stated size");
      }
      return Status::OK();
    }
  }
  return Status::Corruption("unknown compression");
}

}  // namespace basalt::segment
