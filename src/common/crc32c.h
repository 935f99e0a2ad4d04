// CRC32C (Castagnoli polynomial 0x1EDC6F41, reflected 0x82F63B78), as used by iSCSI, ext4 and
// most storage formats. Values are the standard ones: Value("123456789") == 0xE3069283.
//
// On x86-64 CPUs with SSE4.2 the hardware crc32 instruction is used; elsewhere a table-driven
// (slicing-by-8) software version. Both give identical results; the choice is made once at startup.
//
// Thread-safety: all functions are pure and safe to call concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace basalt::crc32c {

// Returns the CRC32C of concat(A, data[0, n)) where crc is the CRC32C of some string A.
uint32_t Extend(uint32_t crc, const char* data, size_t n);

inline uint32_t Extend(uint32_t crc, std::string_view data) {
  return Extend(crc, data.data(), data.size());
}
inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view data) { return Extend(0, data.data(), data.size()); }

// A CRC stored next to the bytes it covers is masked so that computing the CRC of a buffer that
// itself contains embedded CRCs does not degenerate (the CRC of a string with its own CRC appended
// is a constant). Mask is a rotation plus a constant; Unmask inverts it exactly.
inline constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline constexpr uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline constexpr uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

// Exposed for tests: the portable implementation, and whether the hardware path is in use.
uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n);
bool HardwareAccelerated();

}  // namespace basalt::crc32c
