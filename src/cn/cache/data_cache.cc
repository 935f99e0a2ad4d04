#include "cn/cache/data_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <tuple>
#include <vector>

#include "common/crc32c.h"

namespace basalt {
namespace {

constexpr char kMagic[4] = {'B', 'D', 'C', '1'};
constexpr size_t kHeaderBytes = 24;
constexpr size_t kCrcOffset = 20;
constexpr std::string_view kBlockSuffix = ".blk";
constexpr std::string_view kTempMarker = ".tmp";

uint64_t HashKey(std::string_view key) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64.
  for (unsigned char c : key) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

void PutU32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void PutU64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

uint32_t BlockCrc(std::string_view header20, std::string_view key, std::string_view data) {
  uint32_t crc = crc32c::Extend(0, header20);
  crc = crc32c::Extend(crc, key);
  return crc32c::Extend(crc, data);
}

std::string EncodeBlock(std::string_view key, uint64_t block, std::string_view data) {
  std::string out(kHeaderBytes, '\0');
  std::memcpy(out.data(), kMagic, 4);
  PutU32(out.data() + 4, static_cast<uint32_t>(key.size()));
  PutU64(out.data() + 8, block);
  PutU32(out.data() + 16, static_cast<uint32_t>(data.size()));
  PutU32(out.data() + kCrcOffset, BlockCrc(std::string_view(out.data(), kCrcOffset), key, data));
  out.append(key);
  out.append(data);
  return out;
}

struct Header {
  uint32_t key_len = 0;
  uint64_t block = 0;
  uint32_t data_len = 0;
  uint32_t crc = 0;
};

std::optional<Header> DecodeHeader(std::string_view bytes) {
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, 4) != 0) return std::nullopt;
  Header h;
  h.key_len = GetU32(bytes.data() + 4);
  h.block = GetU64(bytes.data() + 8);
  h.data_len = GetU32(bytes.data() + 16);
  h.crc = GetU32(bytes.data() + kCrcOffset);
  if (h.key_len == 0 || h.key_len > kMaxObjectKeyBytes) return std::nullopt;
  return h;
}

enum class ReadOutcome { kOk, kMissing, kError };

// Reads the whole file; kMissing when it does not exist.
ReadOutcome ReadWholeFile(const std::string& path, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT || errno == ENOTDIR ? ReadOutcome::kMissing : ReadOutcome::kError;
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return ReadOutcome::kError;
  }
  out->resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < out->size()) {
    ssize_t n = ::read(fd, out->data() + done, out->size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  out->resize(done);  // A file shrinking under us reads as truncated, which the checks catch.
  ::close(fd);
  return ReadOutcome::kOk;
}

bool WriteWholeFile(const std::string& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok = ::close(fd) == 0 && done == bytes.size();
  if (!ok) ::unlink(path.c_str());
  return ok;
}

// "<16 hex>-<decimal>.blk" -> (hash, block).
std::optional<std::pair<uint64_t, uint64_t>> ParseBlockFileName(std::string_view name) {
  if (name.size() < 16 + 1 + 1 + kBlockSuffix.size() || !name.ends_with(kBlockSuffix) ||
      name[16] != '-') {
    return std::nullopt;
  }
  uint64_t hash = 0;
  uint64_t block = 0;
  auto [p1, e1] = std::from_chars(name.data(), name.data() + 16, hash, 16);
  if (e1 != std::errc() || p1 != name.data() + 16) return std::nullopt;
  const char* end = name.data() + name.size() - kBlockSuffix.size();
  auto [p2, e2] = std::from_chars(name.data() + 17, end, block, 10);
  if (e2 != std::errc() || p2 != end) return std::nullopt;
  return std::make_pair(hash, block);
}

}  // namespace

Result<uint64_t> ParseDataCacheSize(std::string_view spec, const std::string& path) {
  std::string s;
  for (char c : spec) {
    if (!std::isspace(static_cast<unsigned char>(c))) s.push_back(c);
  }
  auto bad = [&] {
    return Status::InvalidArgument("invalid datacache size '" + std::string(spec) +
                                   "': expected bytes with optional K/M/G/T suffix or a percentage");
  };
  if (s.empty()) return bad();
  if (s.back() == '%') {
    s.pop_back();
    double pct = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), pct);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !(pct >= 0 && pct <= 100)) {
      return bad();
    }
    struct statvfs vfs;
    if (::statvfs(path.c_str(), &vfs) != 0) {
      return Status::IOError("statvfs " + path + ": " + std::strerror(errno));
    }
    double total = static_cast<double>(vfs.f_blocks) * static_cast<double>(vfs.f_frsize);
    return static_cast<uint64_t>(std::floor(total * pct / 100.0));
  }
  if (s.size() > 1 && (s.back() == 'b' || s.back() == 'B') &&
      std::isalpha(static_cast<unsigned char>(s[s.size() - 2]))) {
    s.pop_back();
  }
  uint64_t mult = 1;
  switch (std::toupper(static_cast<unsigned char>(s.back()))) {
    case 'K': mult = 1ull << 10; break;
    case 'M': mult = 1ull << 20; break;
    case 'G': mult = 1ull << 30; break;
    case 'T': mult = 1ull << 40; break;
    default: break;
  }
  if (mult != 1) s.pop_back();
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return bad();
  if (n > std::numeric_limits<uint64_t>::max() / mult) return bad();
  return n * mult;
}

// ------------------------------------------------------------------------------------------------
// DataCache

Result<std::unique_ptr<DataCache>> DataCache::Open(DataCacheOptions options,
                                                   MetricRegistry* metrics) {
  if (options.path.empty()) return Status::InvalidArgument("datacache path is empty");
  if (options.block_size == 0 || options.block_size > kMaxDataCacheBlockSize) {
    return Status::InvalidArgument("datacache block size " + std::to_string(options.block_size) +
                                   " is outside 1.." + std::to_string(kMaxDataCacheBlockSize));
  }
  while (options.path.size() > 1 && options.path.back() == '/') options.path.pop_back();
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) {
    return Status::IOError("cannot create datacache directory " + options.path + ": " +
                           ec.message());
  }
  std::unique_ptr<DataCache> cache(new DataCache(std::move(options), metrics));
  cache->Rebuild();
  return cache;
}

DataCache::DataCache(DataCacheOptions options, MetricRegistry* metrics)
    : options_(std::move(options)) {
  if (metrics == nullptr) {
    own_metrics_ = std::make_unique<MetricRegistry>();
    metrics = own_metrics_.get();
  }
  hits_ = metrics->GetCounter("basalt_datacache_hits_total", "Data cache blocks served from disk.");
  misses_ = metrics->GetCounter("basalt_datacache_misses_total",
                                "Data cache blocks fetched from the object store.");
  read_bytes_ = metrics->GetCounter("basalt_datacache_read_bytes_total",
                                    "Bytes served from the data cache.");
  fetched_bytes_ = metrics->GetCounter("basalt_datacache_fetched_bytes_total",
                                       "Bytes fetched from the object store on data cache misses.");
  evictions_ = metrics->GetCounter("basalt_datacache_evictions_total",
                                   "Data cache blocks evicted for capacity.");
  corrupt_ = metrics->GetCounter("basalt_datacache_corrupt_blocks_total",
                                 "Data cache block files dropped as corrupt or truncated.");
  used_gauge_ = metrics->GetGauge("basalt_datacache_used_bytes", "Bytes of data cache files.");
  capacity_gauge_ =
      metrics->GetGauge("basalt_datacache_capacity_bytes", "Configured data cache capacity.");
  capacity_gauge_->Set(static_cast<double>(options_.capacity_bytes));
}

DataCache::~DataCache() = default;

std::string DataCache::DirFor(uint64_t hash) const {
  char buf[4];
  std::snprintf(buf, sizeof(buf), "%02x", static_cast<unsigned>(hash >> 56));
  return options_.path + "/" + buf;
}

std::string DataCache::FileFor(uint64_t hash, uint64_t block) const {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "/%016llx-%llu", static_cast<unsigned long long>(hash),
                static_cast<unsigned long long>(block));
  return DirFor(hash) + buf + std::string(kBlockSuffix);
}

void DataCache::Rebuild() {
  struct Found {
    std::filesystem::file_time_type mtime;
    uint64_t hash;
    uint64_t block;
    std::string key;
    uint64_t bytes;
  };
  std::vector<Found> found;
  std::vector<std::string> drop;
  int64_t malformed = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(options_.path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code fec;
    if (!it->is_regular_file(fec)) continue;
    const std::string file = it->path().string();
    const std::string name = it->path().filename().string();
    if (name.find(kTempMarker) != std::string::npos) {
      drop.push_back(file);
      continue;
    }
    auto parsed = ParseBlockFileName(name);
    if (!parsed) continue;  // Not ours; leave it alone.
    bool good = false;
    Found f{};
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      std::string head(kHeaderBytes + kMaxObjectKeyBytes, '\0');
      ssize_t n = ::pread(fd, head.data(), head.size(), 0);
      struct stat st;
      if (n >= 0 && ::fstat(fd, &st) == 0) {
        head.resize(static_cast<size_t>(n));
        std::optional<Header> h = DecodeHeader(head);
        if (h && head.size() >= kHeaderBytes + h->key_len) {
          std::string key = head.substr(kHeaderBytes, h->key_len);
          uint64_t expected = kHeaderBytes + uint64_t{h->key_len} + h->data_len;
          good = static_cast<uint64_t>(st.st_size) == expected && h->block == parsed->second &&
                 HashKey(key) == parsed->first && h->data_len <= options_.block_size &&
                 DirFor(parsed->first) == it->path().parent_path().string();
          f = Found{it->last_write_time(fec), parsed->first, parsed->second, std::move(key),
                    expected};
        }
      }
      ::close(fd);
    }
    if (!good) {
      drop.push_back(file);
      ++malformed;
      continue;
    }
    found.push_back(std::move(f));
  }
  for (const std::string& file : drop) ::unlink(file.c_str());
  corrupt_->Increment(malformed);
  std::sort(found.begin(), found.end(),
            [](const Found& a, const Found& b) { return a.mtime < b.mtime; });
  std::lock_guard<std::mutex> lock(mu_);
  for (Found& f : found) {  // Oldest first, each pushed to the front: newest ends up first.
    auto [it, inserted] = index_.try_emplace({f.hash, f.block});
    if (!inserted) continue;
    it->second.key = std::move(f.key);
    it->second.file_bytes = f.bytes;
    lru_.push_front(it);
    it->second.lru = lru_.begin();
    used_bytes_ += f.bytes;
  }
  EvictLocked();
  UpdateGaugeLocked();
}

void DataCache::UpdateGaugeLocked() { used_gauge_->Set(static_cast<double>(used_bytes_)); }

void DataCache::EraseEntryLocked(Index::iterator it, bool unlink_file) {
  if (unlink_file) ::unlink(FileFor(it->first.first, it->first.second).c_str());
  used_bytes_ -= it->second.file_bytes;
  lru_.erase(it->second.lru);
  index_.erase(it);
}

void DataCache::EvictLocked() {
  while (used_bytes_ > options_.capacity_bytes && !lru_.empty()) {
    EraseEntryLocked(lru_.back(), /*unlink_file=*/true);
    evictions_->Increment();
  }
}

void DataCache::DropIfFileLocked(uint64_t hash, uint64_t block, bool unlink_file) {
  auto it = index_.find({hash, block});
  if (it != index_.end()) {
    EraseEntryLocked(it, unlink_file);
  } else if (unlink_file) {
    ::unlink(FileFor(hash, block).c_str());
  }
  UpdateGaugeLocked();
}

std::optional<std::string> DataCache::Lookup(std::string_view key, uint64_t block,
                                             uint64_t* fill_id) {
  const uint64_t hash = HashKey(key);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find({hash, block});
    if (it == index_.end() || it->second.key != key) return std::nullopt;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    if (fill_id != nullptr) *fill_id = it->second.fill_id;
  }
  const std::string file = FileFor(hash, block);
  std::string bytes;
  ReadOutcome outcome = ReadWholeFile(file, &bytes);
  if (outcome != ReadOutcome::kOk) {
    // Gone (the directory was removed) or unreadable: forget it; a miss either way.
    std::lock_guard<std::mutex> lock(mu_);
    DropIfFileLocked(hash, block, /*unlink_file=*/outcome == ReadOutcome::kError);
    return std::nullopt;
  }
  std::optional<Header> h = DecodeHeader(bytes);
  bool valid = h.has_value() &&
               bytes.size() == kHeaderBytes + uint64_t{h->key_len} + h->data_len &&
               h->block == block && h->data_len <= options_.block_size;
  if (valid) {
    std::string_view file_key(bytes.data() + kHeaderBytes, h->key_len);
    std::string_view data(bytes.data() + kHeaderBytes + h->key_len, h->data_len);
    valid = BlockCrc(std::string_view(bytes.data(), kCrcOffset), file_key, data) == h->crc;
    if (valid && file_key != key) return std::nullopt;  // Another key with the same hash.
  }
  if (!valid) {
    corrupt_->Increment();
    std::lock_guard<std::mutex> lock(mu_);
    DropIfFileLocked(hash, block, /*unlink_file=*/true);
    return std::nullopt;
  }
  hits_->Increment();
  read_bytes_->Increment(h->data_len);
  bytes.erase(0, kHeaderBytes + h->key_len);
  return bytes;
}

uint64_t DataCache::Epoch(std::string_view key) const {
  std::lock_guard<std::mutex> lock(mu_);
  return epochs_[HashKey(key) % kEpochBuckets];
}

std::optional<std::string> DataCache::WriteTemp(uint64_t hash, uint64_t block,
                                                const std::string& bytes) {
  uint64_t n;
  {
    std::lock_guard<std::mutex> lock(mu_);
    n = ++temp_counter_;
  }
  const std::string temp = FileFor(hash, block) + std::string(kTempMarker) + std::to_string(n);
  if (WriteWholeFile(temp, bytes)) return temp;
  // The directory may have been removed (or never created); recreate it and try once more.
  std::error_code ec;
  std::filesystem::create_directories(DirFor(hash), ec);
  if (!ec && WriteWholeFile(temp, bytes)) return temp;
  return std::nullopt;
}

void DataCache::Insert(std::string_view key, uint64_t first_block,
                       std::span<const std::string_view> blocks, uint64_t epoch) {
  if (blocks.empty() || key.empty() || key.size() > kMaxObjectKeyBytes) return;
  const uint64_t hash = HashKey(key);
  uint64_t total = 0;
  for (std::string_view b : blocks) {
    if (b.size() > options_.block_size) return;  // Misuse; never cache oversized blocks.
    total += kHeaderBytes + key.size() + b.size();
  }
  if (total > options_.capacity_bytes) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (epochs_[hash % kEpochBuckets] != epoch) return;
  }
  std::vector<std::pair<std::string, uint64_t>> temps;  // (temp file, file bytes)
  temps.reserve(blocks.size());
  auto discard = [&] {
    for (const auto& t : temps) ::unlink(t.first.c_str());
  };
  for (size_t j = 0; j < blocks.size(); ++j) {
    std::string encoded = EncodeBlock(key, first_block + j, blocks[j]);
    std::optional<std::string> temp = WriteTemp(hash, first_block + j, encoded);
    if (!temp) {
      discard();
      return;
    }
    temps.emplace_back(std::move(*temp), encoded.size());
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (epochs_[hash % kEpochBuckets] != epoch) {
    discard();
    return;
  }
  const uint64_t fill_id = ++fill_counter_;
  for (size_t j = 0; j < temps.size(); ++j) {
    const uint64_t block = first_block + j;
    if (::rename(temps[j].first.c_str(), FileFor(hash, block).c_str()) != 0) {
      ::unlink(temps[j].first.c_str());
      DropIfFileLocked(hash, block, /*unlink_file=*/false);
      continue;
    }
    auto [it, inserted] = index_.try_emplace({hash, block});
    if (inserted) {
      lru_.push_front(it);
      it->second.lru = lru_.begin();
    } else {
      used_bytes_ -= it->second.file_bytes;
      lru_.splice(lru_.begin(), lru_, it->second.lru);
    }
    it->second.key = std::string(key);
    it->second.file_bytes = temps[j].second;
    it->second.fill_id = fill_id;
    used_bytes_ += temps[j].second;
  }
  EvictLocked();
  UpdateGaugeLocked();
}

void DataCache::EraseObject(std::string_view key) {
  const uint64_t hash = HashKey(key);
  std::lock_guard<std::mutex> lock(mu_);
  ++epochs_[hash % kEpochBuckets];
  auto it = index_.lower_bound({hash, 0});
  while (it != index_.end() && it->first.first == hash) {
    auto next = std::next(it);
    EraseEntryLocked(it, /*unlink_file=*/true);
    it = next;
  }
  UpdateGaugeLocked();
}

void DataCache::RecordFetch(int64_t blocks, int64_t bytes) {
  misses_->Increment(blocks);
  fetched_bytes_->Increment(bytes);
}

DataCacheStats DataCache::stats() const {
  DataCacheStats s;
  s.hits = hits_->value();
  s.misses = misses_->value();
  s.read_bytes = read_bytes_->value();
  s.fetched_bytes = fetched_bytes_->value();
  s.evictions = evictions_->value();
  s.corrupt_blocks = corrupt_->value();
  std::lock_guard<std::mutex> lock(mu_);
  s.used_bytes = used_bytes_;
  s.blocks = index_.size();
  return s;
}

// ------------------------------------------------------------------------------------------------
// CachingObjectStore

CachingObjectStore::CachingObjectStore(std::shared_ptr<ObjectStore> base,
                                       std::shared_ptr<DataCache> cache)
    : base_(std::move(base)), cache_(std::move(cache)) {}

std::string CachingObjectStore::DebugName() const {
  return "cached(" + base_->DebugName() + ")";
}

void CachingObjectStore::CacheWholeObject(std::string_view key, std::string_view data,
                                          uint64_t epoch) {
  const uint64_t bs = cache_->block_size();
  std::vector<std::string_view> blocks;
  for (uint64_t off = 0;; off += bs) {
    blocks.push_back(data.substr(std::min<uint64_t>(off, data.size()), bs));
    if (blocks.back().size() < bs) break;  // The short (possibly empty) last block ends it.
  }
  cache_->Insert(key, 0, blocks, epoch);
}

Status CachingObjectStore::Put(std::string_view key, std::string_view data) {
  Status st = base_->Put(key, data);
  if (!ValidateObjectKey(key).ok()) return st;
  // Whether or not it worked, what was cached for the key may no longer be the object.
  cache_->EraseObject(key);
  if (st.ok()) CacheWholeObject(key, data, cache_->Epoch(key));
  return st;
}

Result<std::optional<std::string>> CachingObjectStore::Get(std::string_view key) {
  return GetRange(key, 0, UINT64_MAX);
}

Result<std::optional<std::string>> CachingObjectStore::GetRange(std::string_view key,
                                                                uint64_t offset,
                                                                uint64_t length) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  const uint64_t bs = cache_->block_size();
  const uint64_t epoch = cache_->Epoch(key);
  const uint64_t first = offset / bs;
  const uint64_t end = length == 0 ? offset : offset + std::min(length, UINT64_MAX - offset);
  const uint64_t last = length == 0 ? first : (end - 1) / bs;
  auto slice = [&](const std::string& assembled) {
    // assembled starts at first * bs.
    const uint64_t skip = offset - first * bs;
    if (skip >= assembled.size()) return std::optional<std::string>(std::string());
    return std::optional<std::string>(assembled.substr(skip, end - offset));
  };
  // From the cache when every block is there and all come from one fill of the current epoch.
  std::string assembled;
  bool all_cached = false;
  std::optional<uint64_t> common_fill;
  for (uint64_t block = first;; ++block) {
    uint64_t fill = 0;
    std::optional<std::string> hit = cache_->Lookup(key, block, &fill);
    if (!hit.has_value() || (common_fill.has_value() && *common_fill != fill)) break;
    common_fill = fill;
    const bool short_block = hit->size() < bs;
    assembled += *hit;
    if (short_block || block == last) {
      all_cached = true;
      break;
    }
  }
  if (all_cached && cache_->Epoch(key) == epoch) return slice(assembled);

  // Otherwise one base call for the whole aligned range, cached as one fill.
  const uint64_t fetch_off = first * bs;
  const uint64_t blocks_wanted = last - first + 1;
  const uint64_t fetch_len =
      blocks_wanted > (UINT64_MAX - fetch_off) / bs ? UINT64_MAX - fetch_off : blocks_wanted * bs;
  ASSIGN_OR_RETURN(std::optional<std::string> fetched, base_->GetRange(key, fetch_off, fetch_len));
  if (!fetched.has_value()) return std::optional<std::string>();
  std::vector<std::string_view> blocks;
  std::string_view rest(*fetched);
  for (uint64_t j = 0; j < blocks_wanted; ++j) {
    blocks.push_back(rest.substr(0, bs));
    rest.remove_prefix(blocks.back().size());
    if (blocks.back().size() < bs) break;
  }
  cache_->RecordFetch(static_cast<int64_t>(blocks.size()), static_cast<int64_t>(fetched->size()));
  cache_->Insert(key, first, blocks, epoch);
  return slice(*fetched);
}
Result<std::optional<ObjectInfo>> CachingObjectStore::Head(std::string_view key) {
  return base_->Head(key);
}

Result<ListPage> CachingObjectStore::List(const ListOptions& options) {
  return base_->List(options);
}

Status CachingObjectStore::Delete(std::string_view key) {
  Status st = base_->Delete(key);
  if (ValidateObjectKey(key).ok()) cache_->EraseObject(key);
  return st;
}

Status CachingObjectStore::DeleteMany(std::span<const std::string> keys) {
  Status st = base_->DeleteMany(keys);
  for (const std::string& key : keys) {
    if (ValidateObjectKey(key).ok()) cache_->EraseObject(key);
  }
  return st;
}

}  // namespace basalt
