#include "fe/catalog/secret_box.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "common/string_util.h"

namespace basalt::fe {
namespace {

constexpr std::string_view kPrefix = "enc:v1:";
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> FromBase64(std::string_view text) {
  if (text.size() % 4 != 0) return Status::Corruption("sealed secret is not valid base64");
  std::string out(3 * text.size() / 4 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return Status::Corruption("sealed secret is not valid base64");
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

}  // namespace

Result<SecretBox> SecretBox::OpenOrCreate(const std::string& meta_dir, bool plaintext) {
  std::string path = meta_dir + "/secret.key";
  std::ifstream in(path);
  if (in) {
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string hex(Trim(buffer.str()));
    if (hex.size() != 64) return Status::Corruption(path + " must hold 64 hex digits (a 256-bit key)");
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    std::string key;
    for (size_t i = 0; i < 64; i += 2) {
      int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
      if (hi < 0 || lo < 0) return Status::Corruption(path + " must hold 64 hex digits (a 256-bit key)");
      key += static_cast<char>(hi * 16 + lo);
    }
    return SecretBox(std::move(key), plaintext);
  }
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), 32) != 1) {
    return Status::Internal("cannot generate a random key");
  }
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot create " + tmp + ": " + std::strerror(errno));
  std::string hex = ToLower(HexEncode(key)) + "\n";
  bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::IOError("cannot write " + path + ": " + std::strerror(errno));
  }
  if (int dir = ::open(meta_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return SecretBox(std::move(key), plaintext);
}

SecretBox SecretBox::WithKey(std::string key32, bool plaintext) { return SecretBox(std::move(key32), plaintext); }

bool SecretBox::IsSealed(std::string_view value) { return value.substr(0, kPrefix.size()) == kPrefix; }

std::string SecretBox::Seal(std::string_view secret) const {
  if (plaintext_) return std::string(secret);
  std::string out(kNonceSize + secret.size() + kTagSize, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  RAND_bytes(bytes, kNonceSize);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key_.data()), bytes);
  EVP_EncryptUpdate(ctx.get(), bytes + kNonceSize, &len, reinterpret_cast<const unsigned char*>(secret.data()),
                    static_cast<int>(secret.size()));
  EVP_EncryptFinal_ex(ctx.get(), bytes + kNonceSize + len, &len);
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, bytes + kNonceSize + secret.size());
  return std::string(kPrefix) + Base64(out);
}

Result<std::string> SecretBox::Unseal(std::string_view value) const {
  if (!IsSealed(value)) return std::string(value);
  ASSIGN_OR_RETURN(std::string raw, FromBase64(value.substr(kPrefix.size())));
  if (raw.size() < kNonceSize + kTagSize) return Status::Corruption("sealed secret is too short");
  size_t text_size = raw.size() - kNonceSize - kTagSize;
  auto* bytes = reinterpret_cast<unsigned char*>(raw.data());
  std::string out(text_size, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key_.data()), bytes);
  EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, bytes + kNonceSize,
                    static_cast<int>(text_size));
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, bytes + kNonceSize + text_size);
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &len) != 1) {
    return Status::Corruption("sealed secret does not authenticate (wrong secret.key or damaged value)");
  }
  return out;
}

}  // namespace basalt::fe
