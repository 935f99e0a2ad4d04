// SecretBox: keeps credentials (storage volume secret keys) out of the journal and images in
// plain text.
//
// Sealed format: "enc:v1:" + base64(nonce[12] || ciphertext || tag[16]), AES-256-GCM under a
// 32-byte key kept in <meta_dir>/secret.key (hex, mode 0600, created on first start). Someone
// with the meta directory *and* the key file can read the secrets, so back them up separately if
// that matters; someone with only a copy of the journal cannot. An operator can opt out with
// `storage_volume_secrets_plaintext = true` (Seal then returns the text unchanged).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace basalt::fe {

class SecretBox {
 public:
  // Loads <meta_dir>/secret.key, creating it if missing. `plaintext` disables sealing.
  static Result<SecretBox> OpenOrCreate(const std::string& meta_dir, bool plaintext = false);
  // A box with an explicit key (tests).
  static SecretBox WithKey(std::string key32, bool plaintext = false);

  std::string Seal(std::string_view secret) const;
  // Accepts sealed values and, for compatibility with plaintext mode, unsealed ones.
  // Corruption if a sealed value fails authentication (wrong key file or damaged value).
  Result<std::string> Unseal(std::string_view value) const;
  static bool IsSealed(std::string_view value);

 private:
  SecretBox(std::string key, bool plaintext) : key_(std::move(key)), plaintext_(plaintext) {}
  std::string key_;
  bool plaintext_ = false;
};

}  // namespace basalt::fe
