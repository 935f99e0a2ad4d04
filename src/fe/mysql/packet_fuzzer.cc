// libFuzzer target: arbitrary bytes through the packet reader's decoders must produce values or
// a Corruption status, never a crash or an out-of-bounds read.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fe/mysql/packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using basalt::fe::mysql::PacketReader;
  PacketReader r(std::string_view(reinterpret_cast<const char*>(data), size));
  while (!r.AtEnd()) {
    auto kind = r.Int1();
    if (!kind.ok()) break;
    bool ok = true;
    switch (*kind % 5) {
      case 0: ok = r.LenEncInt().ok(); break;
      case 1: ok = r.LenEncString().ok(); break;
      case 2: ok = r.NulString().ok(); break;
      case 3: ok = r.Int4().ok(); break;
      default: ok = r.Int8().ok(); break;
    }
    if (!ok) break;
  }
  return 0;
}
