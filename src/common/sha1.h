// SHA-1 digests (OpenSSL underneath). Only for protocol needs such as mysql_native_password,
// never for anything that has to resist collisions.
#pragma once

#include <string>
#include <string_view>

namespace basalt {

// The 20-byte binary digest of `data`.
std::string Sha1(std::string_view data);

}  // namespace basalt
