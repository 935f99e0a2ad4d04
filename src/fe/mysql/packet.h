// MySQL client/server protocol: packet framing and the basic value encodings.
//
// Wire format (all integers little-endian):
//   packet  = payload_length:3 sequence_id:1 payload
//   A payload of 0xFFFFFF bytes or more is sent as consecutive 0xFFFFFF-byte packets followed by
//   one shorter packet (possibly empty); the reader joins them. Sequence ids count up per packet
//   within one command exchange and wrap at 256.
//   lenenc-int = <0xFB: 1 byte | 0xFC + 2 bytes | 0xFD + 3 bytes | 0xFE + 8 bytes
//   lenenc-str = lenenc-int length + bytes;  NULL inside a text row = the single byte 0xFB.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace basalt::fe::mysql {

inline constexpr size_t kMaxPacketChunk = 0xFFFFFF;

// Builds a payload.
class PacketWriter {
 public:
  PacketWriter& Int1(uint8_t v) { buf_ += static_cast<char>(v); return *this; }
  PacketWriter& Int2(uint16_t v) { return IntN(v, 2); }
  PacketWriter& Int3(uint32_t v) { return IntN(v, 3); }
  PacketWriter& Int4(uint32_t v) { return IntN(v, 4); }
  PacketWriter& Int8(uint64_t v) { return IntN(v, 8); }
  PacketWriter& IntN(uint64_t v, int bytes);
  PacketWriter& LenEncInt(uint64_t v);
  PacketWriter& LenEncString(std::string_view s) { LenEncInt(s.size()); return Bytes(s); }
  PacketWriter& NulString(std::string_view s) { Bytes(s); return Int1(0); }
  PacketWriter& Bytes(std::string_view s) { buf_.append(s); return *this; }
  PacketWriter& Zeros(size_t n) { buf_.append(n, '\0'); return *this; }
  const std::string& data() const { return buf_; }
  std::string Take() { return std::move(buf_); }

 private:
  std::string buf_;
};

// Reads a payload; every read is bounds-checked and a short payload is a Corruption status.
class PacketReader {
 public:
  explicit PacketReader(std::string_view payload) : data_(payload) {}
  size_t remaining() const { return data_.size() - pos_; }
  bool AtEnd() const { return pos_ >= data_.size(); }
  Result<uint8_t> Int1();
  Result<uint16_t> Int2();
  Result<uint32_t> Int3();
  Result<uint32_t> Int4();
  Result<uint64_t> Int8();
  // Returns nullopt for the NULL marker 0xFB.
  Result<std::optional<uint64_t>> LenEncInt();
  Result<std::string_view> LenEncString();
  Result<std::string_view> NulString();
  Result<std::string_view> Bytes(size_t n);
  std::string_view Rest();

 private:
  Result<uint64_t> IntN(int bytes);
  std::string_view data_;
  size_t pos_ = 0;
};

// Blocking packet I/O over a connected socket.
class PacketChannel {
 public:
  // max_payload bounds one logical packet (joined across 16 MiB chunks); larger input is refused
  // with ER_NET_PACKET_TOO_LARGE so a client cannot make us allocate without limit.
  PacketChannel(int fd, size_t max_payload) : fd_(fd), max_payload_(max_payload) {}

  // Reads one logical packet. IOError on EOF / reset (the caller closes), Corruption on a
  // sequence-id mismatch, ResourceExhausted on an oversized packet.
  Result<std::string> Read();
  // Queues one logical packet (splitting into chunks); Flush sends what is queued.
  void Write(std::string_view payload);
  Status Flush();

  void ResetSequence() { sequence_ = 0; }
  uint8_t sequence() const { return sequence_; }
  // Bytes already received but not yet consumed (pipelined commands).
  size_t buffered() const { return in_.size() - in_pos_; }

 private:
  Status Fill(size_t need);
  int fd_;
  size_t max_payload_;
  uint8_t sequence_ = 0;
  std::string in_;
  size_t in_pos_ = 0;
  std::string out_;
};

}  // namespace basalt::fe::mysql
