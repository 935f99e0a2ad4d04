#include "common/config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/string_util.h"

namespace basalt {

Config::Config(std::vector<ConfigKey> known_keys) : known_(std::move(known_keys)) {}

namespace {

Result<std::string> ExpandEnvironment(std::string_view value, std::string_view where) {
  std::string out;
  size_t i = 0;
  while (i < value.size()) {
    if (value[i] == '$' && i + 1 < value.size() && value[i + 1] == '{') {
      size_t end = value.find('}', i + 2);
      if (end == std::string_view::npos) {
        return Status::InvalidArgument(std::string(where) + ": unterminated ${ in value");
      }
      std::string name(value.substr(i + 2, end - i - 2));
      if (const char* env = std::getenv(name.c_str())) out += env;
      i = end + 1;
    } else {
      out += value[i++];
    }
  }
  return out;
}

}  // namespace

Status Config::ParseText(std::string_view text, std::string_view source) {
  int line_no = 0;
  for (std::string_view line : SplitLines(text)) {
    ++line_no;
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    std::string where = std::string(source) + ":" + std::to_string(line_no);
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument(where + ": expected `key = value`, got `" + std::string(line) + "`");
    }
    std::string_view key = Trim(line.substr(0, eq));
    std::string_view value = Trim(line.substr(eq + 1));
    if (key.empty()) return Status::InvalidArgument(where + ": empty key");
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    ASSIGN_OR_RETURN(std::string expanded, ExpandEnvironment(value, where));
    values_[std::string(key)] = std::move(expanded);
  }
  return Status::OK();
}

Status Config::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open config file " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseText(buffer.str(), path);
}

void Config::Set(std::string key, std::string value) { values_[std::move(key)] = std::move(value); }

bool Config::Has(std::string_view key) const { return values_.find(key) != values_.end(); }

std::optional<std::string> Config::Get(std::string_view key) const {
  if (auto it = values_.find(key); it != values_.end()) return it->second;
  for (const ConfigKey& k : known_) {
    if (k.name == key) return k.default_value;
  }
  return std::nullopt;
}

std::string Config::GetString(std::string_view key, std::string_view fallback) const {
  auto v = Get(key);
  return v ? *v : std::string(fallback);
}

Result<int64_t> Config::GetInt(std::string_view key, int64_t fallback) const {
  auto v = Get(key);
  if (!v || v->empty()) return fallback;
  int64_t out = 0;
  if (!ParseInt64(*v, &out)) {
    return Status::InvalidArgument("config `" + std::string(key) + "` must be an integer, got `" + *v + "`");
  }
  return out;
}

Result<bool> Config::GetBool(std::string_view key, bool fallback) const {
  auto v = Get(key);
  if (!v || v->empty()) return fallback;
  std::string lower = ToLower(*v);
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return false;
  return Status::InvalidArgument("config `" + std::string(key) + "` must be true or false, got `" + *v + "`");
}

std::vector<std::string> Config::UnknownKeys() const {
  std::vector<std::string> out;
  for (const auto& [key, value] : values_) {
    bool known = false;
    for (const ConfigKey& k : known_) known = known || k.name == key;
    if (!known) out.push_back(key);
  }
  return out;
}

Result<CommandLine> ParseCommandLine(int argc, const char* const* argv) {
  CommandLine cl;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      cl.help = true;
      continue;
    }
    if (arg.substr(0, 2) != "--") {
      return Status::InvalidArgument("unexpected argument `" + std::string(arg) + "` (see --help)");
    }
    arg.remove_prefix(2);
    std::string name;
    std::string value;
    if (size_t eq = arg.find('='); eq != std::string_view::npos) {
      name = std::string(arg.substr(0, eq));
      value = std::string(arg.substr(eq + 1));
    } else {
      name = std::string(arg);
      if (i + 1 < argc && std::string_view(argv[i + 1]).substr(0, 2) != "--") {
        value = argv[++i];
      } else {
        value = "true";
      }
    }
    for (char& c : name) {
      if (c == '-') c = '_';
    }
    if (name.empty()) return Status::InvalidArgument("empty flag name (see --help)");
    if (name == "conf" || name == "config") {
      cl.conf_path = value;
    } else {
      cl.overrides.emplace_back(std::move(name), std::move(value));
    }
  }
  return cl;
}

std::string ConfigHelpText(std::string_view program, std::string_view description,
                           const std::vector<ConfigKey>& keys) {
  std::ostringstream out;
  out << "Usage: " << program << " [--conf FILE] [--KEY=VALUE ...]\n\n" << description << "\n\n";
  out << "Every configuration key can be set in the conf file (`key = value`) or as a flag\n"
         "(`--key=value`); flags win. Keys:\n";
  for (const ConfigKey& k : keys) {
    out << "  --" << k.name;
    if (!k.default_value.empty()) out << " (default: " << k.default_value << ")";
    out << "\n      " << k.help << "\n";
  }
  return out.str();
}

}  // namespace basalt
