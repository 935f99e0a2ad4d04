// StarRocks-style configuration: `fe.conf` / `cn.conf` files of `key = value` lines.
//
// File format: one `key = value` per line; blank lines and lines starting with `#` are ignored;
// whitespace around keys and values is trimmed; a value may be wrapped in double quotes; `${NAME}`
// in a value expands to the environment variable NAME (StarRocks writes `LOG_DIR =
// ${STARROCKS_HOME}/log`). Later lines win. Command-line flags `--key=value` are applied after the
// file, so they override it.
//
// Each binary declares the keys it understands (ConfigKey) so `--help` can list them with their
// defaults. Keys nobody declared are kept and reported once as a warning: StarRocks configs carry
// many keys (JAVA_OPTS, priority_networks, ...) that must not stop a server from starting.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace basalt {

struct ConfigKey {
  std::string name;
  std::string default_value;
  std::string help;
};

class Config {
 public:
  explicit Config(std::vector<ConfigKey> known_keys = {});

  // Parses file text; `source` names the file in error messages.
  Status ParseText(std::string_view text, std::string_view source);
  Status LoadFile(const std::string& path);
  void Set(std::string key, std::string value);

  bool Has(std::string_view key) const;
  // The explicitly set value, or the declared default, or nullopt.
  std::optional<std::string> Get(std::string_view key) const;
  std::string GetString(std::string_view key, std::string_view fallback = "") const;
  Result<int64_t> GetInt(std::string_view key, int64_t fallback) const;
  Result<bool> GetBool(std::string_view key, bool fallback) const;

  // Keys set by file or flag that are not declared.
  std::vector<std::string> UnknownKeys() const;
  const std::vector<ConfigKey>& known_keys() const { return known_; }
  const std::map<std::string, std::string, std::less<>>& values() const { return values_; }

 private:
  std::vector<ConfigKey> known_;
  std::map<std::string, std::string, std::less<>> values_;
};

// Result of parsing argv for a server binary: `--help`, `--conf PATH`, `--key=value` overrides.
struct CommandLine {
  bool help = false;
  std::string conf_path;
  std::vector<std::pair<std::string, std::string>> overrides;
};

// Accepts `--name=value`, `--name value` and bare `--flag` (value "true"). Dashes in names are
// turned into underscores so `--query-port` and `--query_port` both set `query_port`.
Result<CommandLine> ParseCommandLine(int argc, const char* const* argv);

// Builds the --help text: usage line, description and the declared keys with defaults.
std::string ConfigHelpText(std::string_view program, std::string_view description,
                           const std::vector<ConfigKey>& keys);

}  // namespace basalt
