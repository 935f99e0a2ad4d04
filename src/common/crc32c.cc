#include "common/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BASALT_CRC32C_X86 1
#include <nmmintrin.h>
#endif

namespace basalt::crc32c {
namespace {

constexpr uint32_t kPolyReflected = 0x82F63B78u;

// kTables[0] is the classic byte-at-a-time table; kTables[k][b] is the CRC contribution of byte b
// followed by k zero bytes, which lets the loop below fold eight input bytes per iteration.
constexpr std::array<std::array<uint32_t, 256>, 8> MakeTables() {
  std::array<std::array<uint32_t, 256>, 8> tables{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kPolyReflected : 0u);
    tables[0][b] = crc;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (size_t k = 1; k < 8; ++k) {
      uint32_t prev = tables[k - 1][b];
      tables[k][b] = (prev >> 8) ^ tables[0][prev & 0xffu];
    }
  }
  return tables;
}

constexpr auto kTables = MakeTables();

inline uint32_t LoadLE32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

#ifdef BASALT_CRC32C_X86
__attribute__((target("sse4.2"))) uint32_t ExtendSse42(uint32_t crc, const char* data, size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  uint64_t state = ~crc;
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof(word));  // Unaligned-safe; compiles to a plain load.
    state = _mm_crc32_u64(state, word);
    p += 8;
    n -= 8;
  }
  auto state32 = static_cast<uint32_t>(state);
  while (n > 0) {
    state32 = _mm_crc32_u8(state32, *p);
    ++p;
    --n;
  }
  return ~state32;
}

bool DetectSse42() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}
#endif

using ExtendFn = uint32_t (*)(uint32_t, const char*, size_t);

ExtendFn ChooseImplementation() {
#ifdef BASALT_CRC32C_X86
  if (DetectSse42()) return &ExtendSse42;
#endif
  return &ExtendPortable;
}

// Initialized once, before main in practice; a function-local static keeps the order safe for
// callers in other static initializers.
ExtendFn Implementation() {
  static const ExtendFn fn = ChooseImplementation();
  return fn;
}

}  // namespace

uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  uint32_t state = ~crc;
  while (n >= 8) {
    uint32_t lo = LoadLE32(p) ^ state;
    uint32_t hi = LoadLE32(p + 4);
    state = kTables[7][lo & 0xffu] ^ kTables[6][(lo >> 8) & 0xffu] ^
            kTables[5][(lo >> 16) & 0xffu] ^ kTables[4][lo >> 24] ^ kTables[3][hi & 0xffu] ^
            kTables[2][(hi >> 8) & 0xffu] ^ kTables[1][(hi >> 16) & 0xffu] ^ kTables[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    state = (state >> 8) ^ kTables[0][(state ^ *p) & 0xffu];
    ++p;
    --n;
  }
  return ~state;
}

uint32_t Extend(uint32_t crc, const char* data, size_t n) { return Implementation()(crc, data, n); }

bool HardwareAccelerated() { return Implementation() != &ExtendPortable; }

}  // namespace basalt::crc32c
