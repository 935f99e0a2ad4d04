#include "cn/storage/segment/encoding.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <limits>
#include <vector>

namespace basalt::segment {
namespace {

Status Bad(std::string_view encoding, std::string_view what) {
  std::string msg(encoding);
  msg += " values: ";
  msg += what;
  return Status::Corruption(std::move(msg));
}

inline uint64_t Load64Partial(const char* p, size_t avail) {
  uint64_t v = 0;
  std::memcpy(&v, p, avail < 8 ? avail : 8);
  return v;
}

// Open-addressing map from 64-bit keys to dense codes, giving up past `limit` entries.
class U64Dict {
 public:
  explicit U64Dict(size_t limit) : limit_(limit) { Rehash(64); }
  // The key's code, inserting it if new; -1 if inserting would exceed the limit.
  int64_t Insert(uint64_t key) {
    size_t i = Slot(key);
    while (slots_[i] != 0) {
      const uint32_t code = slots_[i] - 1;
      if (keys_[code] == key) return code;
      i = (i + 1) & mask_;
    }
    if (keys_.size() >= limit_) return -1;
    keys_.push_back(key);
    slots_[i] = static_cast<uint32_t>(keys_.size());
    if (keys_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
    return static_cast<int64_t>(keys_.size() - 1);
  }
  const std::vector<uint64_t>& keys() const { return keys_; }

 private:
  size_t Slot(uint64_t key) const { return (key * 0x9E3779B97F4A7C15ULL) >> shift_; }
  void Rehash(size_t capacity) {
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
    shift_ = 64 - std::countr_zero(capacity);
    for (size_t code = 0; code < keys_.size(); ++code) {
      size_t i = Slot(keys_[code]);
      while (slots_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = static_cast<uint32_t>(code + 1);
    }
  }
  size_t limit_;
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> slots_;
  size_t mask_ = 0;
  int shift_ = 0;
};

// Same for strings (views into the caller's values, which must outlive the dictionary).
class StringDict {
 public:
  explicit StringDict(size_t limit) : limit_(limit) { Rehash(256); }
  int64_t Insert(std::string_view key) {
    // XXH3, inlined: a few loads and multiplies for short keys. std::hash (MurmurHash byte
    // loops, also behind absl::Hash here) showed up in ingest profiles at one hash per value.
    const size_t h = XXH3_64bits(key.data(), key.size());
    size_t i = h & mask_;
    while (slots_[i] != 0) {
      const uint32_t code = slots_[i] - 1;
      if (hashes_[code] == h && keys_[code] == key) return code;
      i = (i + 1) & mask_;
    }
    if (keys_.size() >= limit_) return -1;
    keys_.push_back(key);
    hashes_.push_back(h);
    bytes_ += key.size();
    slots_[i] = static_cast<uint32_t>(keys_.size());
    if (keys_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
    return static_cast<int64_t>(keys_.size() - 1);
  }
  const std::vector<std::string_view>& keys() const { return keys_; }
  uint64_t bytes() const { return bytes_; }

 private:
  void Rehash(size_t capacity) {
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
    for (size_t code = 0; code < keys_.size(); ++code) {
      size_t i = hashes_[code] & mask_;
      while (slots_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = static_cast<uint32_t>(code + 1);
    }
  }
  size_t limit_;
  std::vector<std::string_view> keys_;
  std::vector<size_t> hashes_;
  std::vector<uint32_t> slots_;
  size_t mask_ = 0;
  uint64_t bytes_ = 0;
};

// Distinct values we are willing to put in an integer or double dictionary.
constexpr size_t kMaxNumericDict = 4096;

// FOR block: i64 base, u8 width, packed (v - base).
void PutFor(std::span<const int64_t> values, std::string* out) {
  if (values.empty()) return;
  int64_t mn = values[0], mx = values[0];
  for (int64_t v : values) {
    mn = std::min(mn, v);
    mx = std::max(mx, v);
  }
  const int w = BitWidth(static_cast<uint64_t>(mx) - static_cast<uint64_t>(mn));
  PutI64(out, mn);
  PutU8(out, static_cast<uint8_t>(w));
  if (w == 0) return;
  std::vector<uint64_t> tmp(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    tmp[i] = static_cast<uint64_t>(values[i]) - static_cast<uint64_t>(mn);
  }
  PackBits(tmp.data(), tmp.size(), w, out);
}

size_t ForSize(size_t n, uint64_t range) { return n == 0 ? 0 : 9 + PackedBytes(n, BitWidth(range)); }

// Reads `n` packed values of a width read from `in` (at most max_width).
bool GetPacked(ByteReader* in, size_t n, int max_width, int* width, uint64_t* out) {
  uint8_t w;
  if (!in->GetU8(&w) || w > max_width) return false;
  *width = w;
  std::string_view bytes;
  if (!in->GetBytes(PackedBytes(n, w), &bytes)) return false;
  UnpackBits(bytes.data(), n, w, out);
  return true;
}

void PutCodes(const std::vector<uint32_t>& codes, size_t k, std::string* out) {
  const int w = BitWidth(k - 1);
  PutU8(out, static_cast<uint8_t>(w));
  std::vector<uint64_t> tmp(codes.begin(), codes.end());
  PackBits(tmp.data(), tmp.size(), w, out);
}

// Reads u8 width + n packed codes, each < k.
Status GetCodes(ByteReader* in, size_t n, size_t k, std::string_view enc, std::vector<uint64_t>* codes) {
  codes->resize(n);
  int w;
  if (!GetPacked(in, n, 32, &w, codes->data())) return Bad(enc, "dictionary codes truncated or too wide");
  for (uint64_t c : *codes) {
    if (c >= k) return Bad(enc, "dictionary code out of range");
  }
  return Status::OK();
}

// FOR block of lengths; each in [0, limit].
Status GetLengths(ByteReader* in, size_t n, uint64_t limit, std::string_view enc,
                  std::vector<uint64_t>* lengths, uint64_t* total) {
  lengths->resize(n);
  *total = 0;
  if (n == 0) return Status::OK();
  int64_t base;
  int w;
  if (!in->GetI64(&base) || !GetPacked(in, n, 64, &w, lengths->data())) {
    return Bad(enc, "length block truncated");
  }
  for (uint64_t& len : *lengths) {
    len += static_cast<uint64_t>(base);
    if (len > limit) return Bad(enc, "string length out of range");
    *total += len;
    if (*total > limit) return Bad(enc, "string bytes exceed the page");
  }
  return Status::OK();
}

}  // namespace

int BitWidth(uint64_t range) { return range == 0 ? 0 : 64 - std::countl_zero(range); }

void PackBits(const uint64_t* values, size_t n, int width, std::string* out) {
  if (width == 0 || n == 0) return;
  const size_t bytes = PackedBytes(n, width);
  const size_t start = out->size();
  out->resize(start + bytes + 8);
  char* p = out->data() + start;
  uint64_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t x = values[i];
    acc |= x << bits;
    bits += width;
    if (bits >= 64) {
      std::memcpy(p, &acc, 8);
      p += 8;
      bits -= 64;
      acc = (bits == 0) ? 0 : x >> (width - bits);
    }
  }
  if (bits > 0) std::memcpy(p, &acc, 8);  // The slack past `bytes` is cut below.
  out->resize(start + bytes);
}

void UnpackBits(const char* in, size_t n, int width, uint64_t* out) {
  if (width == 0) {
    std::fill(out, out + n, 0);
    return;
  }
  const size_t bytes = PackedBytes(n, width);
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  size_t pos = 0;
  uint64_t acc = 0;
  int avail = 0;
  for (size_t i = 0; i < n; ++i) {
    if (avail >= width) {
      out[i] = acc & mask;
      acc = width == 64 ? 0 : acc >> width;
      avail -= width;
    } else {
      const uint64_t next = Load64Partial(in + pos, bytes - pos);
      pos += 8;
      const uint64_t v = (avail == 0) ? next : (acc | (next << avail));
      out[i] = v & mask;
      const int used = width - avail;  // Bits of `next` consumed, 1..64.
      acc = used == 64 ? 0 : next >> used;
      avail = 64 - used;
    }
  }
}

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// ---------------------------------------------------------------------------------------- INT64

void EncodeInt64(Encoding encoding, std::span<const int64_t> values, std::string* out) {
  const size_t n = values.size();
  if (n == 0) return;
  switch (encoding) {
    case Encoding::kPlain:
      out->append(reinterpret_cast<const char*>(values.data()), n * 8);
      return;
    case Encoding::kBitPack:
      PutFor(values, out);
      return;
    case Encoding::kRle: {
      size_t i = 0;
      while (i < n) {
        size_t j = i + 1;
        while (j < n && values[j] == values[i]) ++j;
        PutVarint(out, j - i);
        PutVarint(out, ZigZag(values[i]));
        i = j;
      }
      return;
    }
    case Encoding::kDelta: {
      PutI64(out, values[0]);
      int64_t dmin = 0, dmax = 0;
      std::vector<uint64_t> deltas(n - 1);
      for (size_t i = 1; i < n; ++i) {
        const int64_t d =
            static_cast<int64_t>(static_cast<uint64_t>(values[i]) - static_cast<uint64_t>(values[i - 1]));
        deltas[i - 1] = static_cast<uint64_t>(d);
        if (i == 1 || d < dmin) dmin = d;
        if (i == 1 || d > dmax) dmax = d;
      }
      const int w = BitWidth(static_cast<uint64_t>(dmax) - static_cast<uint64_t>(dmin));
      PutI64(out, dmin);
      PutU8(out, static_cast<uint8_t>(w));
      for (uint64_t& d : deltas) d -= static_cast<uint64_t>(dmin);
      PackBits(deltas.data(), deltas.size(), w, out);
      return;
    }
    case Encoding::kDict: {
      U64Dict dict(std::numeric_limits<size_t>::max());
      std::vector<uint32_t> codes(n);
      for (size_t i = 0; i < n; ++i) codes[i] = static_cast<uint32_t>(dict.Insert(static_cast<uint64_t>(values[i])));
      PutU32(out, static_cast<uint32_t>(dict.keys().size()));
      for (uint64_t k : dict.keys()) PutU64(out, k);
      PutCodes(codes, dict.keys().size(), out);
      return;
    }
  }
}

Encoding EncodeInt64Auto(std::span<const int64_t> values, std::string* out) {
  const size_t n = values.size();
  if (n == 0) return Encoding::kPlain;
  int64_t mn = values[0], mx = values[0];
  int64_t dmin = 0, dmax = 0;
  size_t rle = 0;
  size_t run_start = 0;
  // A dictionary of k int64 costs 8k bytes; past n/4 entries it cannot beat bit-packing.
  U64Dict dict(std::min(kMaxNumericDict, n / 4 + 1));
  bool dict_ok = true;
  for (size_t i = 0; i < n; ++i) {
    const int64_t v = values[i];
    mn = std::min(mn, v);
    mx = std::max(mx, v);
    if (i > 0) {
      const int64_t d = static_cast<int64_t>(static_cast<uint64_t>(v) - static_cast<uint64_t>(values[i - 1]));
      if (i == 1 || d < dmin) dmin = d;
      if (i == 1 || d > dmax) dmax = d;
      if (v != values[i - 1]) {
        rle += VarintSize(i - run_start) + VarintSize(ZigZag(values[i - 1]));
        run_start = i;
      }
    }
    if (dict_ok && (dict.Insert(static_cast<uint64_t>(v)) < 0 ||
                    (i >= 64 && dict.keys().size() * 2 > i + 1))) {
      dict_ok = false;
    }
  }
  rle += VarintSize(n - run_start) + VarintSize(ZigZag(values[n - 1]));

  struct Candidate {
    Encoding encoding;
    size_t size;
  };
  const size_t k = dict.keys().size();
  const Candidate candidates[] = {
      {Encoding::kBitPack, ForSize(n, static_cast<uint64_t>(mx) - static_cast<uint64_t>(mn))},
      {Encoding::kDelta, 17 + PackedBytes(n - 1, BitWidth(static_cast<uint64_t>(dmax) - static_cast<uint64_t>(dmin)))},
      {Encoding::kRle, rle},
      {Encoding::kDict, dict_ok ? 4 + 8 * k + 1 + PackedBytes(n, BitWidth(k - 1)) : SIZE_MAX},
      {Encoding::kPlain, 8 * n},
  };
  Candidate best = candidates[0];
  for (const Candidate& c : candidates) {
    if (c.size < best.size) best = c;
  }
  if (best.encoding == Encoding::kDict) {
    // Reuse the dictionary built while choosing.
    PutU32(out, static_cast<uint32_t>(k));
    for (uint64_t key : dict.keys()) PutU64(out, key);
    std::vector<uint32_t> codes(n);
    for (size_t i = 0; i < n; ++i) codes[i] = static_cast<uint32_t>(dict.Insert(static_cast<uint64_t>(values[i])));
    PutCodes(codes, k, out);
  } else {
    EncodeInt64(best.encoding, values, out);
  }
  return best.encoding;
}

Status DecodeInt64(Encoding encoding, ByteReader* in, size_t n, int64_t* out) {
  if (n == 0) return Status::OK();
  const std::string_view name = EncodingName(encoding);
  switch (encoding) {
    case Encoding::kPlain: {
      std::string_view bytes;
      if (n > in->remaining() / 8 || !in->GetBytes(n * 8, &bytes)) return Bad(name, "truncated");
      std::memcpy(out, bytes.data(), n * 8);
      return Status::OK();
    }
    case Encoding::kBitPack: {
      int64_t base;
      int w;
      if (!in->GetI64(&base)) return Bad(name, "truncated header");
      auto* u = reinterpret_cast<uint64_t*>(out);
      if (!GetPacked(in, n, 64, &w, u)) return Bad(name, "truncated or width > 64");
      for (size_t i = 0; i < n; ++i) out[i] = static_cast<int64_t>(u[i] + static_cast<uint64_t>(base));
      return Status::OK();
    }
    case Encoding::kRle: {
      size_t filled = 0;
      while (filled < n) {
        uint64_t len, zz;
        if (!in->GetVarint(&len) || !in->GetVarint(&zz)) return Bad(name, "truncated run");
        if (len == 0 || len > n - filled) return Bad(name, "run length out of range");
        std::fill(out + filled, out + filled + len, UnZigZag(zz));
        filled += len;
      }
      return Status::OK();
    }
    case Encoding::kDelta: {
      int64_t first, dmin;
      int w;
      if (!in->GetI64(&first) || !in->GetI64(&dmin)) return Bad(name, "truncated header");
      std::vector<uint64_t> deltas(n - 1);
      if (!GetPacked(in, n - 1, 64, &w, deltas.data())) return Bad(name, "truncated or width > 64");
      uint64_t v = static_cast<uint64_t>(first);
      out[0] = first;
      for (size_t i = 1; i < n; ++i) {
        v += static_cast<uint64_t>(dmin) + deltas[i - 1];
        out[i] = static_cast<int64_t>(v);
      }
      return Status::OK();
    }
    case Encoding::kDict: {
      uint32_t k;
      if (!in->GetU32(&k)) return Bad(name, "truncated header");
      if (k == 0 || k > n || k > in->remaining() / 8) return Bad(name, "dictionary size out of range");
      std::string_view dict;
      if (!in->GetBytes(size_t{k} * 8, &dict)) return Bad(name, "truncated dictionary");
      std::vector<uint64_t> codes;
      RETURN_IF_ERROR(GetCodes(in, n, k, name, &codes));
      for (size_t i = 0; i < n; ++i) out[i] = static_cast<int64_t>(LoadU64(dict.data() + codes[i] * 8));
      return Status::OK();
    }
  }
  return Bad(name, "encoding not valid for INT64");
}

// --------------------------------------------------------------------------------------- DOUBLE

void EncodeDouble(Encoding encoding, std::span<const double> values, std::string* out) {
  const size_t n = values.size();
  if (n == 0) return;
  if (encoding == Encoding::kDict) {
    U64Dict dict(std::numeric_limits<size_t>::max());
    std::vector<uint32_t> codes(n);
    for (size_t i = 0; i < n; ++i) codes[i] = static_cast<uint32_t>(dict.Insert(std::bit_cast<uint64_t>(values[i])));
    PutU32(out, static_cast<uint32_t>(dict.keys().size()));
    for (uint64_t k : dict.keys()) PutU64(out, k);
    PutCodes(codes, dict.keys().size(), out);
    return;
  }
  out->append(reinterpret_cast<const char*>(values.data()), n * 8);
}

Encoding EncodeDoubleAuto(std::span<const double> values, std::string* out) {
  const size_t n = values.size();
  if (n == 0) return Encoding::kPlain;
  U64Dict dict(std::min(kMaxNumericDict, n / 2 + 1));
  std::vector<uint32_t> codes(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t c = dict.Insert(std::bit_cast<uint64_t>(values[i]));
    if (c < 0) {
      EncodeDouble(Encoding::kPlain, values, out);
      return Encoding::kPlain;
    }
    codes[i] = static_cast<uint32_t>(c);
  }
  const size_t k = dict.keys().size();
  if (4 + 8 * k + 1 + PackedBytes(n, BitWidth(k - 1)) >= 8 * n) {
    EncodeDouble(Encoding::kPlain, values, out);
    return Encoding::kPlain;
  }
  PutU32(out, static_cast<uint32_t>(k));
  for (uint64_t key : dict.keys()) PutU64(out, key);
  PutCodes(codes, k, out);
  return Encoding::kDict;
}

Status DecodeDouble(Encoding encoding, ByteReader* in, size_t n, double* out) {
  if (encoding != Encoding::kPlain && encoding != Encoding::kDict) {
    return Bad(EncodingName(encoding), "encoding not valid for DOUBLE");
  }
  // Same bytes as INT64 PLAIN / DICT; reinterpret.
  static_assert(sizeof(double) == sizeof(int64_t));
  if (n == 0) return Status::OK();
  std::vector<int64_t> tmp(n);
  RETURN_IF_ERROR(DecodeInt64(encoding, in, n, tmp.data()));
  std::memcpy(out, tmp.data(), n * 8);
  return Status::OK();
}

// --------------------------------------------------------------------------------------- STRING

namespace {

void PutStringsPlain(std::span<const std::string_view> values, std::string* out) {
  std::vector<int64_t> lengths(values.size());
  size_t total = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    lengths[i] = static_cast<int64_t>(values[i].size());
    total += values[i].size();
  }
  PutFor(lengths, out);
  out->reserve(out->size() + total);
  for (std::string_view v : values) out->append(v);
}

void PutStringsDict(const StringDict& dict, std::span<const uint32_t> codes, std::string* out) {
  PutU32(out, static_cast<uint32_t>(dict.keys().size()));
  PutStringsPlain(dict.keys(), out);
  std::vector<uint32_t> c(codes.begin(), codes.end());
  PutCodes(c, dict.keys().size(), out);
}

}  // namespace

void EncodeString(Encoding encoding, std::span<const std::string_view> values, std::string* out) {
  if (values.empty()) return;
  if (encoding == Encoding::kDict) {
    StringDict dict(std::numeric_limits<size_t>::max());
    std::vector<uint32_t> codes(values.size());
    for (size_t i = 0; i < values.size(); ++i) codes[i] = static_cast<uint32_t>(dict.Insert(values[i]));
    PutStringsDict(dict, codes, out);
    return;
  }
  PutStringsPlain(values, out);
}

Encoding EncodeStringAuto(std::span<const std::string_view> values, std::string* out, StringRange* range) {
  const size_t n = values.size();
  if (n == 0) return Encoding::kPlain;
  // A dictionary only pays when values repeat; stop tracking once more than half are distinct
  // (checked from the start, so a high-cardinality page costs a few hundred hash inserts).
  StringDict dict(n / 2 + 1);
  std::vector<uint32_t> codes(n);
  bool dict_ok = true;
  uint64_t total = 0;
  size_t min_len = values[0].size(), max_len = values[0].size();
  // The range comes from the dictionary's keys while there is one (a few distinct values instead
  // of n comparisons); from the values once it is given up.
  std::string_view lo = values[0], hi = values[0];
  auto widen = [&](std::string_view v) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  };
  for (size_t i = 0; i < n; ++i) {
    const std::string_view v = values[i];
    total += v.size();
    min_len = std::min(min_len, v.size());
    max_len = std::max(max_len, v.size());
    if (dict_ok) {
      const int64_t c = dict.Insert(v);
      if (c < 0 || (i >= 64 && dict.keys().size() * 4 > (i + 1) * 3)) {
        dict_ok = false;
        if (range != nullptr) {
          for (std::string_view k : dict.keys()) widen(k);
          widen(v);
        }
      } else {
        codes[i] = static_cast<uint32_t>(c);
      }
    } else if (range != nullptr) {
      widen(v);
    }
  }
  if (dict_ok && range != nullptr) {
    for (std::string_view k : dict.keys()) widen(k);
  }
  if (range != nullptr) *range = {lo, hi};
  const size_t plain = ForSize(n, max_len - min_len) + total;
  if (dict_ok) {
    size_t dmin = SIZE_MAX, dmax = 0;
    for (std::string_view k : dict.keys()) {
      dmin = std::min(dmin, k.size());
      dmax = std::max(dmax, k.size());
    }
    const size_t k = dict.keys().size();
    const size_t dict_size = 4 + ForSize(k, dmax - dmin) + dict.bytes() + 1 + PackedBytes(n, BitWidth(k - 1));
    if (dict_size < plain) {
      PutStringsDict(dict, codes, out);
      return Encoding::kDict;
    }
  }
  PutStringsPlain(values, out);
  return Encoding::kPlain;
}

Status DecodeString(Encoding encoding, ByteReader* in, size_t n, uint64_t max_total_bytes,
                    std::string_view* out) {
  if (n == 0) return Status::OK();
  const std::string_view name = EncodingName(encoding);
  std::vector<uint64_t> lengths;
  uint64_t total = 0;
  if (encoding == Encoding::kPlain) {
    RETURN_IF_ERROR(GetLengths(in, n, std::min<uint64_t>(in->remaining(), max_total_bytes), name,
                               &lengths, &total));
    std::string_view bytes;
    if (!in->GetBytes(total, &bytes)) return Bad(name, "string bytes truncated");
    size_t pos = 0;
    for (size_t i = 0; i < n; ++i) {
      out[i] = bytes.substr(pos, lengths[i]);
      pos += lengths[i];
    }
    return Status::OK();
  }
  if (encoding != Encoding::kDict) return Bad(name, "encoding not valid for STRING");
  uint32_t k;
  if (!in->GetU32(&k)) return Bad(name, "truncated header");
  // Every entry costs at least one packed-length bit, so k is bounded by the bytes left.
  if (k == 0 || k > n || k > in->remaining() * 8) return Bad(name, "dictionary size out of range");
  RETURN_IF_ERROR(GetLengths(in, k, in->remaining(), name, &lengths, &total));
  std::string_view bytes;
  if (!in->GetBytes(total, &bytes)) return Bad(name, "dictionary bytes truncated");
  std::vector<std::string_view> dict(k);
  size_t pos = 0;
  for (size_t i = 0; i < k; ++i) {
    dict[i] = bytes.substr(pos, lengths[i]);
    pos += lengths[i];
  }
  std::vector<uint64_t> codes;
  RETURN_IF_ERROR(GetCodes(in, n, k, name, &codes));
  uint64_t decoded = 0;
  for (size_t i = 0; i < n; ++i) {
    out[i] = dict[codes[i]];
    decoded += out[i].size();
    if (decoded > max_total_bytes) return Bad(name, "decoded strings exceed the page limit");
  }
  return Status::OK();
}

}  // namespace basalt::segment
