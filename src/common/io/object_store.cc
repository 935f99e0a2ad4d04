#include "common/io/object_store.h"

#include <algorithm>

namespace basalt {
namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 if it is not a valid, shortest-form,
// non-surrogate encoding.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t j) { return static_cast<unsigned char>(s[j]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t j = 1; j < n; ++j) {
    if ((byte(i + j) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + j) & 0x3F);
  }
  static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

Status BadKey(std::string_view key, std::string_view why) {
  return Status::InvalidArgument("invalid object key '" + std::string(key) + "': " +
                                 std::string(why));
}

}  // namespace

Status ValidateObjectKey(std::string_view key) {
  if (key.empty()) return Status::InvalidArgument("invalid object key: empty");
  if (key.size() > kMaxObjectKeyBytes) {
    return Status::InvalidArgument("invalid object key: " + std::to_string(key.size()) +
                                   " bytes, the limit is " + std::to_string(kMaxObjectKeyBytes));
  }
  for (size_t i = 0; i < key.size();) {
    unsigned char c = static_cast<unsigned char>(key[i]);
    if (c < 0x20 || c == 0x7F) return BadKey(key, "contains a control character");
    size_t n = Utf8SequenceLength(key, i);
    if (n == 0) return BadKey(key, "not valid UTF-8");
    i += n;
  }
  if (key.front() == '/' || key.back() == '/') return BadKey(key, "starts or ends with '/'");
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view segment = key.substr(start, end - start);
    if (segment.empty()) return BadKey(key, "contains an empty segment ('//')");
    if (segment == "." || segment == "..") return BadKey(key, "contains a '.' or '..' segment");
    start = end + 1;
  }
  return Status::OK();
}

int ClampListMaxKeys(int max_keys) { return std::clamp(max_keys, 1, kMaxListKeys); }

Result<std::vector<ObjectInfo>> ObjectStore::ListAll(std::string_view prefix) {
  std::vector<ObjectInfo> all;
  ListOptions options;
  options.prefix = std::string(prefix);
  do {
    ASSIGN_OR_RETURN(ListPage page, List(options));
    for (ObjectInfo& info : page.objects) all.push_back(std::move(info));
    options.continuation_token = std::move(page.next_continuation_token);
  } while (!options.continuation_token.empty());
  return all;
}

namespace internal {

ListPage MakeListPage(std::vector<ObjectInfo> candidates, const ListOptions& options) {
  std::sort(candidates.begin(), candidates.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  auto first = candidates.begin();
  if (!options.continuation_token.empty()) {
    first = std::upper_bound(candidates.begin(), candidates.end(), options.continuation_token,
                             [](const std::string& token, const ObjectInfo& info) {
                               return token < info.key;
                             });
  }
  size_t remaining = static_cast<size_t>(candidates.end() - first);
  size_t take = std::min(remaining, static_cast<size_t>(ClampListMaxKeys(options.max_keys)));
  ListPage page;
  page.objects.assign(std::make_move_iterator(first), std::make_move_iterator(first + take));
  if (take < remaining) page.next_continuation_token = page.objects.back().key;
  return page;
}

}  // namespace internal
}  // namespace basalt
