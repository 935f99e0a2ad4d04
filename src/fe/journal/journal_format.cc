#include "fe/journal/journal_format.h"

#include <cstring>

#include "common/crc32c.h"

namespace basalt::fe {
namespace {

std::string SeqFileName(std::string_view prefix, uint64_t seq) {
  std::string digits = std::to_string(seq);
  std::string name(prefix);
  name.append(kSeqDigits - digits.size(), '0');
  name.append(digits);
  return name;
}

}  // namespace

void PutFixed32(std::string* dst, uint32_t value) {
  char buf[4];
  for (int i = 0; i < 4; ++i) buf[i] = static_cast<char>((value >> (8 * i)) & 0xffu);
  dst->append(buf, sizeof(buf));
}

void PutFixed64(std::string* dst, uint64_t value) {
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>((value >> (8 * i)) & 0xffu);
  dst->append(buf, sizeof(buf));
}

uint32_t DecodeFixed32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | u[i];
  return value;
}

uint64_t DecodeFixed64(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | u[i];
  return value;
}

std::string SegmentFileName(uint64_t first_seq) {
  return SeqFileName(kSegmentFilePrefix, first_seq);
}

std::string ImageFileName(uint64_t last_seq) { return SeqFileName(kImageFilePrefix, last_seq); }

std::optional<uint64_t> ParseSeqFileName(std::string_view name, std::string_view prefix) {
  if (name.size() != prefix.size() + kSeqDigits || name.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  uint64_t seq = 0;
  for (char c : name.substr(prefix.size())) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (seq > (UINT64_MAX - digit) / 10) return std::nullopt;
    seq = seq * 10 + digit;
  }
  return seq;
}

std::string EncodeSegmentHeader() {
  std::string header(kSegmentMagic, sizeof(kSegmentMagic));
  PutFixed32(&header, kSegmentFormatVersion);
  return header;
}

uint32_t RecordChecksum(uint64_t seq, std::string_view payload) {
  std::string seq_bytes;
  PutFixed64(&seq_bytes, seq);
  uint32_t crc = crc32c::Value(seq_bytes);
  return crc32c::Mask(crc32c::Extend(crc, payload));
}

void AppendRecord(std::string* dst, uint64_t seq, std::string_view payload) {
  dst->reserve(dst->size() + kRecordHeaderSize + payload.size());
  PutFixed32(dst, static_cast<uint32_t>(payload.size()));
  PutFixed32(dst, RecordChecksum(seq, payload));
  PutFixed64(dst, seq);
  dst->append(payload);
}

std::string EncodeImageHeader(uint64_t last_seq, std::string_view payload) {
  std::string header(kImageMagic, sizeof(kImageMagic));
  PutFixed32(&header, kImageFormatVersion);
  PutFixed64(&header, last_seq);
  PutFixed64(&header, payload.size());
  uint32_t crc = crc32c::Extend(crc32c::Value(header), payload);
  PutFixed32(&header, crc32c::Mask(crc));
  return header;
}

Status DecodeImage(const std::string& path, std::string_view contents, uint64_t expected_seq,
                   uint64_t* last_seq, std::string_view* payload) {
  if (contents.size() < kImageHeaderSize) {
    return JournalCorruption(path, contents.size(),
                             "image file is shorter than its " + std::to_string(kImageHeaderSize) +
                                 "-byte header");
  }
  if (std::memcmp(contents.data(), kImageMagic, sizeof(kImageMagic)) != 0) {
    return JournalCorruption(path, 0, "bad image magic");
  }
  uint32_t version = DecodeFixed32(contents.data() + 8);
  if (version != kImageFormatVersion) {
    return JournalCorruption(path, 8,
                             "unsupported image format version " + std::to_string(version));
  }
  uint64_t seq = DecodeFixed64(contents.data() + 12);
  uint64_t length = DecodeFixed64(contents.data() + 20);
  if (length != contents.size() - kImageHeaderSize) {
    return JournalCorruption(path, 20,
                             "image payload length " + std::to_string(length) + " does not match " +
                                 std::to_string(contents.size() - kImageHeaderSize) +
                                 " bytes present");
  }
  uint32_t stored = crc32c::Unmask(DecodeFixed32(contents.data() + 28));
  uint32_t actual = crc32c::Extend(crc32c::Value(contents.data(), 28),
                                   contents.substr(kImageHeaderSize));
  if (stored != actual) return JournalCorruption(path, 0, "image checksum mismatch");
  if (seq != expected_seq) {
    return JournalCorruption(path, 12,
                             "image holds seq " + std::to_string(seq) + " but its name says " +
                                 std::to_string(expected_seq));
  }
  *last_seq = seq;
  *payload = contents.substr(kImageHeaderSize);
  return Status::OK();
}

Status JournalCorruption(std::string_view path, uint64_t offset, std::string_view what) {
  return Status::Corruption("journal is damaged: " + std::string(what) + " (file " +
                            std::string(path) + ", byte offset " + std::to_string(offset) +
                            "). The FE refuses to start rather than lose or invent metadata; "
                            "restore the journal directory from a backup copy or from a healthy "
                            "FE, then restart.");
}

}  // namespace basalt::fe
