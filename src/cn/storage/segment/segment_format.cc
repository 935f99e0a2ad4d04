#include "cn/storage/segment/segment_format.h"

#include <cmath>

namespace basalt::segment {

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kPlain: return "PLAIN";
    case Encoding::kBitPack: return "BITPACK";
    case Encoding::kRle: return "RLE";
    case Encoding::kDelta: return "DELTA";
    case Encoding::kDict: return "DICT";
  }
  return "UNKNOWN";
}

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone: return "NONE";
    case Compression::kLz4: return "LZ4";
    case Compression::kZstd: return "ZSTD";
  }
  return "UNKNOWN";
}

bool EncodingValidFor(Encoding e, PhysicalType t) {
  switch (e) {
    case Encoding::kPlain:
    case Encoding::kDict: return true;
    case Encoding::kBitPack:
    case Encoding::kRle:
    case Encoding::kDelta: return t == PhysicalType::kInt64;
  }
  return false;
}

void ZoneMap::AddInt(int64_t v) {
  if (!has_min_max) {
    min_int = max_int = v;
    has_min_max = true;
    return;
  }
  if (v < min_int) min_int = v;
  if (v > max_int) max_int = v;
}

void ZoneMap::AddDouble(double v) {
  if (std::isnan(v)) {
    has_nan = true;
    return;
  }
  if (!has_min_max) {
    min_double = max_double = v;
    has_min_max = true;
    return;
  }
  if (v < min_double) min_double = v;
  if (v > max_double) max_double = v;
}

void ZoneMap::AddString(std::string_view v) {
  if (!has_min_max) {
    min_string.assign(v);
    max_string.assign(v);
    has_min_max = true;
    return;
  }
  if (v < std::string_view(min_string)) min_string.assign(v);
  if (!max_unbounded && v > std::string_view(max_string)) max_string.assign(v);
}

void ZoneMap::Merge(const ZoneMap& o, PhysicalType type) {
  null_count += o.null_count;
  has_nan = has_nan || o.has_nan;
  if (!o.has_min_max) return;
  switch (type) {
    case PhysicalType::kInt64:
      AddInt(o.min_int);
      AddInt(o.max_int);
      break;
    case PhysicalType::kDouble:
      AddDouble(o.min_double);
      AddDouble(o.max_double);
      break;
    case PhysicalType::kString: {
      const bool was_set = has_min_max;
      AddString(o.min_string);
      if (o.max_unbounded) {
        max_unbounded = true;
        max_string.clear();
      } else if (!max_unbounded) {
        if (!was_set || o.max_string > max_string) max_string = o.max_string;
      }
      break;
    }
  }
}

void ZoneMap::FinishStrings() {
  if (!has_min_max) return;
  if (min_string.size() > kZoneMapMaxString) min_string.resize(kZoneMapMaxString);
  if (max_unbounded) {
    max_string.clear();
    return;
  }
  if (max_string.size() > kZoneMapMaxString) {
    max_string.resize(kZoneMapMaxString);
    // Increment the last byte that can be incremented and drop what follows: the result is
    // greater than every string with the original prefix.
    while (!max_string.empty() && static_cast<uint8_t>(max_string.back()) == 0xFF) {
      max_string.pop_back();
    }
    if (max_string.empty()) {
      max_unbounded = true;
    } else {
      max_string.back() = static_cast<char>(static_cast<uint8_t>(max_string.back()) + 1);
    }
  }
}

void AppendZoneMap(const ZoneMap& zm, PhysicalType type, std::string* out) {
  PutU64(out, zm.null_count);
  uint8_t flags = 0;
  if (zm.has_min_max) flags |= kZoneHasMinMax;
  if (zm.has_nan && type == PhysicalType::kDouble) flags |= kZoneHasNaN;
  if (zm.has_min_max && zm.max_unbounded && type == PhysicalType::kString) flags |= kZoneMaxUnbounded;
  PutU8(out, flags);
  if (!zm.has_min_max) return;
  switch (type) {
    case PhysicalType::kInt64:
      PutI64(out, zm.min_int);
      PutI64(out, zm.max_int);
      break;
    case PhysicalType::kDouble:
      PutF64(out, zm.min_double);
      PutF64(out, zm.max_double);
      break;
    case PhysicalType::kString: {
      std::string_view mn = zm.min_string, mx = zm.max_unbounded ? std::string_view() : zm.max_string;
      if (mn.size() > kZoneMapMaxString) mn = mn.substr(0, kZoneMapMaxString);
      PutU16(out, static_cast<uint16_t>(mn.size()));
      out->append(mn);
      PutU16(out, static_cast<uint16_t>(mx.size()));
      out->append(mx);
      break;
    }
  }
}

bool ByteReader::GetU8(uint8_t* v) {
  if (remaining() < 1) return false;
  *v = static_cast<uint8_t>(data_[pos_++]);
  return true;
}
bool ByteReader::GetU16(uint16_t* v) {
  if (remaining() < 2) return false;
  std::memcpy(v, data_.data() + pos_, 2);
  pos_ += 2;
  return true;
}
bool ByteReader::GetU32(uint32_t* v) {
  if (remaining() < 4) return false;
  *v = LoadU32(data_.data() + pos_);
  pos_ += 4;
  return true;
}
bool ByteReader::GetU64(uint64_t* v) {
  if (remaining() < 8) return false;
  *v = LoadU64(data_.data() + pos_);
  pos_ += 8;
  return true;
}
bool ByteReader::GetI64(int64_t* v) {
  uint64_t u;
  if (!GetU64(&u)) return false;
  *v = static_cast<int64_t>(u);
  return true;
}
bool ByteReader::GetF64(double* v) {
  uint64_t u;
  if (!GetU64(&u)) return false;
  *v = std::bit_cast<double>(u);
  return true;
}
bool ByteReader::GetVarint(uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    uint8_t b;
    if (!GetU8(&b)) return false;
    if (shift == 63 && b > 1) return false;  // Would overflow 64 bits.
    result |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}
bool ByteReader::GetBytes(size_t n, std::string_view* v) {
  if (remaining() < n) return false;
  *v = data_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool ReadZoneMap(ByteReader* in, PhysicalType type, ZoneMap* zm) {
  *zm = ZoneMap();
  uint8_t flags;
  if (!in->GetU64(&zm->null_count) || !in->GetU8(&flags)) return false;
  uint8_t allowed = kZoneHasMinMax;
  if (type == PhysicalType::kDouble) allowed |= kZoneHasNaN;
  if (type == PhysicalType::kString) allowed |= kZoneMaxUnbounded;
  if ((flags & ~allowed) != 0) return false;
  zm->has_min_max = (flags & kZoneHasMinMax) != 0;
  zm->has_nan = (flags & kZoneHasNaN) != 0;
  zm->max_unbounded = (flags & kZoneMaxUnbounded) != 0;
  if (zm->max_unbounded && !zm->has_min_max) return false;
  if (!zm->has_min_max) return true;
  switch (type) {
    case PhysicalType::kInt64:
      if (!in->GetI64(&zm->min_int) || !in->GetI64(&zm->max_int)) return false;
      return zm->min_int <= zm->max_int;
    case PhysicalType::kDouble:
      if (!in->GetF64(&zm->min_double) || !in->GetF64(&zm->max_double)) return false;
      if (std::isnan(zm->min_double) || std::isnan(zm->max_double)) return false;
      return zm->min_double <= zm->max_double;
    case PhysicalType::kString: {
      uint16_t n;
      std::string_view s;
      if (!in->GetU16(&n) || n > kZoneMapMaxString || !in->GetBytes(n, &s)) return false;
      zm->min_string.assign(s);
      if (!in->GetU16(&n) || n > kZoneMapMaxString || !in->GetBytes(n, &s)) return false;
      if (zm->max_unbounded && n != 0) return false;
      zm->max_string.assign(s);
      return zm->max_unbounded || zm->min_string <= zm->max_string;
    }
  }
  return false;
}

}  // namespace basalt::segment
