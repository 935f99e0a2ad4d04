#include "common/sha1.h"

#include <openssl/evp.h>

namespace basalt {

std::string Sha1(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_sha1(), nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace basalt
