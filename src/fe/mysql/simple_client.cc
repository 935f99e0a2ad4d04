#include "fe/mysql/simple_client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "common/sha1.h"
#include "fe/mysql/packet.h"

namespace basalt::fe::mysql {
namespace {

Status ErrorFromPacket(std::string_view payload) {
  PacketReader r(payload);
  (void)r.Int1();
  auto code = r.Int2();
  std::string_view rest = r.Rest();
  SqlError error;
  error.number = code.ok() ? *code : 0;
  if (rest.size() >= 6 && rest[0] == '#') {
    std::memcpy(error.state, rest.data() + 1, 5);
    rest.remove_prefix(6);
  } else {
    std::memcpy(error.state, "HY000", 5);
  }
  return Status::Sql(error, std::string(rest));
}

}  // namespace

SimpleClient::~SimpleClient() { Close(); }

void SimpleClient::Close() {
  if (fd_ >= 0) {
    const char quit[] = {1, 0, 0, 0, 1};
    (void)::send(fd_, quit, sizeof(quit), MSG_NOSIGNAL);
    ::close(fd_);
    fd_ = -1;
  }
}

Status SimpleClient::Connect(const std::string& host, int port, const std::string& user, const std::string& password,
                             int timeout_ms) {
  Close();
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found) {
    return Status::IOError("cannot resolve " + host);
  }
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  int rc = ::connect(fd_, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  if (rc != 0) {
    Status s = Status::IOError("connect to " + host + ":" + std::to_string(port) + " failed: " + std::strerror(errno));
    Close();
    return s;
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  PacketChannel channel(fd_, 16 << 20);
  ASSIGN_OR_RETURN(std::string greeting, channel.Read());
  if (!greeting.empty() && static_cast<uint8_t>(greeting[0]) == 0xFF) return ErrorFromPacket(greeting);
  PacketReader g(greeting);
  RETURN_IF_ERROR(g.Int1().status());
  RETURN_IF_ERROR(g.NulString().status());
  RETURN_IF_ERROR(g.Int4().status());
  ASSIGN_OR_RETURN(std::string_view part1, g.Bytes(8));
  RETURN_IF_ERROR(g.Bytes(1 + 2 + 1 + 2 + 2 + 1 + 10).status());
  ASSIGN_OR_RETURN(std::string_view part2, g.Bytes(12));
  std::string scramble = std::string(part1) + std::string(part2);

  std::string auth;
  if (!password.empty()) {
    std::string stage1 = Sha1(password);
    std::string mask = Sha1(scramble + Sha1(stage1));
    auth.resize(20);
    for (int i = 0; i < 20; ++i) auth[i] = static_cast<char>(stage1[i] ^ mask[i]);
  }
  // PROTOCOL_41 | SECURE_CONNECTION | PLUGIN_AUTH | LONG_PASSWORD | TRANSACTIONS
  uint32_t caps = 0x200 | 0x8000 | 0x80000 | 0x1 | 0x2000;
  PacketWriter w;
  w.Int4(caps).Int4(16 << 20).Int1(45).Zeros(23).NulString(user).Int1(static_cast<uint8_t>(auth.size())).Bytes(auth);
  w.NulString("mysql_native_password");
  channel.Write(w.data());
  RETURN_IF_ERROR(channel.Flush());
  ASSIGN_OR_RETURN(std::string reply, channel.Read());
  if (!reply.empty() && static_cast<uint8_t>(reply[0]) == 0xFF) return ErrorFromPacket(reply);
  if (reply.empty() || reply[0] != 0) return Status::Corruption("unexpected reply to the handshake");
  return Status::OK();
}

Result<SimpleResult> SimpleClient::Query(const std::string& sql) {
  if (fd_ < 0) return Status::IOError("not connected");
  PacketChannel channel(fd_, 64 << 20);
  channel.Write(std::string(1, '\x03') + sql);
  RETURN_IF_ERROR(channel.Flush());
  ASSIGN_OR_RETURN(std::string first, channel.Read());
  if (first.empty()) return Status::Corruption("empty reply");
  uint8_t header = static_cast<uint8_t>(first[0]);
  if (header == 0xFF) return ErrorFromPacket(first);
  SimpleResult result;
  if (header == 0x00) return result;
  PacketReader count_reader(first);
  ASSIGN_OR_RETURN(std::optional<uint64_t> count, count_reader.LenEncInt());
  for (uint64_t i = 0; i < count.value_or(0); ++i) {
    ASSIGN_OR_RETURN(std::string def, channel.Read());
    PacketReader d(def);
    for (int f = 0; f < 4; ++f) RETURN_IF_ERROR(d.LenEncString().status());  // catalog, schema, table, org_table
    ASSIGN_OR_RETURN(std::string_view name, d.LenEncString());
    result.columns.emplace_back(name);
  }
  ASSIGN_OR_RETURN(std::string eof, channel.Read());
  while (true) {
    ASSIGN_OR_RETURN(std::string row, channel.Read());
    if (!row.empty() && static_cast<uint8_t>(row[0]) == 0xFE && row.size() < 9) break;
    if (!row.empty() && static_cast<uint8_t>(row[0]) == 0xFF) return ErrorFromPacket(row);
    PacketReader r(row);
    std::vector<std::optional<std::string>> values;
    for (size_t c = 0; c < result.columns.size(); ++c) {
      if (!r.AtEnd() && static_cast<uint8_t>(row[row.size() - r.remaining()]) == 0xFB) {
        (void)r.Int1();
        values.emplace_back(std::nullopt);
        continue;
      }
      ASSIGN_OR_RETURN(std::string_view v, r.LenEncString());
      values.emplace_back(std::string(v));
    }
    result.rows.push_back(std::move(values));
  }
  return result;
}

}  // namespace basalt::fe::mysql
