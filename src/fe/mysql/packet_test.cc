#include "fe/mysql/packet.h"

#include <gtest/gtest.h>
#include <thread>
#include <sys/socket.h>
#include <unistd.h>

namespace basalt::fe::mysql {
namespace {

TEST(PacketTest, LengthEncodedIntegersRoundTrip) {
  for (uint64_t v : {0ull, 250ull, 251ull, 65535ull, 65536ull, 16777215ull, 16777216ull, ~0ull}) {
    PacketWriter w;
    w.LenEncInt(v);
    PacketReader r(w.data());
    auto back = r.LenEncInt();
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(**back, v);
    EXPECT_TRUE(r.AtEnd());
  }
}

TEST(PacketTest, ShortPayloadIsCorruptionNotACrash) {
  PacketReader r(std::string_view("\xFC\x01", 2));
  EXPECT_TRUE(r.LenEncInt().status().IsCorruption());
  PacketReader s(std::string_view("abc", 3));
  EXPECT_TRUE(s.NulString().status().IsCorruption());
  PacketReader t(std::string_view("\x05xy", 3));
  EXPECT_TRUE(t.LenEncString().status().IsCorruption());
}

TEST(PacketTest, LargePayloadSplitsAndJoins) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  std::string big(kMaxPacketChunk + 10, 'x');
  std::string exact(kMaxPacketChunk, 'y');
  std::thread writer([&] {
    PacketChannel out(fds[0], 64 << 20);
    out.Write(big);
    ASSERT_TRUE(out.Flush().ok());
    out.ResetSequence();
    out.Write(exact);  // an exact multiple ends with an empty packet
    ASSERT_TRUE(out.Flush().ok());
  });
  PacketChannel in(fds[1], 64 << 20);
  auto first = in.Read();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, big);
  in.ResetSequence();
  auto second = in.Read();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->size(), exact.size());
  writer.join();
  close(fds[0]);
  close(fds[1]);
}

TEST(PacketTest, OversizedPacketIsRefused) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  const char header[] = {'\xff', '\xff', '\x0f', 0};  // claims ~1 MiB
  ASSERT_EQ(write(fds[0], header, 4), 4);
  PacketChannel in(fds[1], 1024);
  auto r = in.Read();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().sql_error().number, 1153);
  close(fds[0]);
  close(fds[1]);
}

TEST(PacketTest, SequenceMismatchIsDetected) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  const char packet[] = {1, 0, 0, 7, 'x'};
  ASSERT_EQ(write(fds[0], packet, 5), 5);
  PacketChannel in(fds[1], 1024);
  EXPECT_TRUE(in.Read().status().IsCorruption());
  close(fds[0]);
  close(fds[1]);
}

}  // namespace
}  // namespace basalt::fe::mysql
