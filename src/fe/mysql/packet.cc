#include "fe/mysql/packet.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/sql_errors.h"

namespace basalt::fe::mysql {

PacketWriter& PacketWriter::IntN(uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) buf_ += static_cast<char>((v >> (8 * i)) & 0xFF);
  return *this;
}

PacketWriter& PacketWriter::LenEncInt(uint64_t v) {
  if (v < 0xFB) return Int1(static_cast<uint8_t>(v));
  if (v <= 0xFFFF) return Int1(0xFC).Int2(static_cast<uint16_t>(v));
  if (v <= 0xFFFFFF) return Int1(0xFD).Int3(static_cast<uint32_t>(v));
  return Int1(0xFE).Int8(v);
}

Result<uint64_t> PacketReader::IntN(int bytes) {
  if (remaining() < static_cast<size_t>(bytes)) {
    return Status::Corruption("packet too short: need " + std::to_string(bytes) + " more bytes");
  }
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
  pos_ += bytes;
  return v;
}

Result<uint8_t> PacketReader::Int1() { ASSIGN_OR_RETURN(uint64_t v, IntN(1)); return static_cast<uint8_t>(v); }
Result<uint16_t> PacketReader::Int2() { ASSIGN_OR_RETURN(uint64_t v, IntN(2)); return static_cast<uint16_t>(v); }
Result<uint32_t> PacketReader::Int3() { ASSIGN_OR_RETURN(uint64_t v, IntN(3)); return static_cast<uint32_t>(v); }
Result<uint32_t> PacketReader::Int4() { ASSIGN_OR_RETURN(uint64_t v, IntN(4)); return static_cast<uint32_t>(v); }
Result<uint64_t> PacketReader::Int8() { return IntN(8); }

Result<std::optional<uint64_t>> PacketReader::LenEncInt() {
  ASSIGN_OR_RETURN(uint8_t first, Int1());
  if (first < 0xFB) return std::optional<uint64_t>(first);
  if (first == 0xFB) return std::optional<uint64_t>();
  if (first == 0xFC) { ASSIGN_OR_RETURN(uint64_t v, IntN(2)); return std::optional<uint64_t>(v); }
  if (first == 0xFD) { ASSIGN_OR_RETURN(uint64_t v, IntN(3)); return std::optional<uint64_t>(v); }
  if (first == 0xFE) { ASSIGN_OR_RETURN(uint64_t v, IntN(8)); return std::optional<uint64_t>(v); }
  return Status::Corruption("invalid length-encoded integer prefix 0xFF");
}

Result<std::string_view> PacketReader::LenEncString() {
  ASSIGN_OR_RETURN(std::optional<uint64_t> len, LenEncInt());
  if (!len) return std::string_view();
  return Bytes(*len);
}

Result<std::string_view> PacketReader::NulString() {
  size_t end = data_.find('\0', pos_);
  if (end == std::string_view::npos) return Status::Corruption("unterminated string in packet");
  std::string_view s = data_.substr(pos_, end - pos_);
  pos_ = end + 1;
  return s;
}

Result<std::string_view> PacketReader::Bytes(size_t n) {
  if (remaining() < n) return Status::Corruption("packet too short: string of " + std::to_string(n) + " bytes");
  std::string_view s = data_.substr(pos_, n);
  pos_ += n;
  return s;
}

std::string_view PacketReader::Rest() {
  std::string_view s = data_.substr(pos_);
  pos_ = data_.size();
  return s;
}

Status PacketChannel::Fill(size_t need) {
  while (in_.size() - in_pos_ < need) {
    if (in_pos_ > 0 && in_pos_ == in_.size()) {
      in_.clear();
      in_pos_ = 0;
    }
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n == 0) return Status::IOError("connection closed by client");
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::string("read failed: ") + std::strerror(errno));
    }
    in_.append(buf, static_cast<size_t>(n));
  }
  return Status::OK();
}

Result<std::string> PacketChannel::Read() {
  std::string payload;
  while (true) {
    RETURN_IF_ERROR(Fill(4));
    const auto* h = reinterpret_cast<const uint8_t*>(in_.data() + in_pos_);
    size_t len = h[0] | (h[1] << 8) | (h[2] << 16);
    uint8_t seq = h[3];
    if (seq != sequence_) {
      return Status::Corruption("packets out of order: expected sequence " + std::to_string(sequence_) + ", got " +
                                std::to_string(seq));
    }
    if (payload.size() + len > max_payload_) {
      return Status::Sql(sql_errors::kNetPacketTooLarge, "Got a packet bigger than 'max_allowed_packet' bytes");
    }
    RETURN_IF_ERROR(Fill(4 + len));
    payload.append(in_, in_pos_ + 4, len);
    in_pos_ += 4 + len;
    ++sequence_;
    if (len < kMaxPacketChunk) break;
  }
  if (in_pos_ == in_.size()) {
    in_.clear();
    in_pos_ = 0;
  }
  return payload;
}

void PacketChannel::Write(std::string_view payload) {
  size_t offset = 0;
  while (true) {
    size_t len = std::min(payload.size() - offset, kMaxPacketChunk);
    out_ += static_cast<char>(len & 0xFF);
    out_ += static_cast<char>((len >> 8) & 0xFF);
    out_ += static_cast<char>((len >> 16) & 0xFF);
    out_ += static_cast<char>(sequence_++);
    out_.append(payload.substr(offset, len));
    offset += len;
    if (len < kMaxPacketChunk) break;
  }
  if (out_.size() > (1 << 20)) (void)Flush();  // Stream large results instead of buffering them whole.
}

Status PacketChannel::Flush() {
  size_t sent = 0;
  while (sent < out_.size()) {
    ssize_t n = ::send(fd_, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      out_.clear();
      return Status::IOError(std::string("write failed: ") + std::strerror(errno));
    }
    sent += static_cast<size_t>(n);
  }
  out_.clear();
  return Status::OK();
}

}  // namespace basalt::fe::mysql
