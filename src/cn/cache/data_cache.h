// DataCache: the CN's local-disk cache of object byte ranges, and CachingObjectStore, the
// ObjectStore decorator that reads through it.
//
// Local disk is only a cache (DESIGN.md, "Where state lives"): everything here can be rebuilt
// from the object store, so the cache never fails a read. A missing, truncated or corrupt block
// file is a miss; an I/O error while writing a block just leaves the block uncached.
//
// Model. An object is cut into aligned blocks of `block_size` bytes; block i holds bytes
// [i * block_size, (i + 1) * block_size) of the object, and a block shorter than block_size
// (possibly empty) is the object's last one. Each cached block is one file
//
//   <path>/<hh>/<hash:016x>-<block>.blk
//
// where hash is the 64-bit FNV-1a of the key and hh its top byte. The file starts with a 24-byte
// header (little-endian)
//
//   magic "BDC1" | key length u32 | block index u64 | data length u32 | crc32c u32
//
// followed by the key and the data. The CRC32C (unmasked) covers the first 20 header bytes,
// the key and the data. A block is returned only when its header names the requested key and
// block, its length matches the file and the CRC verifies; a file failing that is deleted and
// counted in basalt_datacache_corrupt_blocks_total. Two keys whose hashes collide share a file
// name; the later writer wins and the other key sees misses.
//
// Files are written to a temporary name and renamed into place, so a block file is either
// complete or absent while the process runs; after a crash the header check catches the rest.
//
// Restart. Open scans <path>, drops temporary and malformed files, and rebuilds the index from
// the block headers (the data CRC is checked on first read). LRU order after a restart is
// approximated by file modification time (insertion time; hits do not touch the file).
//
// Deleting <path> (or any file in it) at any time, even while the cache is in use, only causes
// misses: a lookup whose file is gone drops the index entry, and inserts recreate directories.
//
// Eviction. Capacity is counted in file bytes (header + key + data). An insert that pushes the
// total over capacity evicts least-recently-used blocks (lookup hits refresh recency) until it
// fits. A block larger than the whole capacity is not cached.
//
// Replacement. Basalt never reuses an object key for different content, but the ObjectStore
// contract allows replacing an object, so the cache stays correct under it: every EraseObject
// (Put and Delete through CachingObjectStore call it) bumps a per-key epoch (kept in a fixed table
// of hash buckets, so unrelated keys may share one), and Insert is a no-op when the key's epoch
// changed since the caller captured it before fetching. A CachingObjectStore read is answered
// either wholly from blocks cached by one Insert (checked with the fill id Lookup reports) under
// an unchanged epoch, or wholly by one base GetRange, so a reader never sees two versions mixed.
//
// Thread-safety: safe for concurrent use. One mutex guards the index and LRU list and is held only
// for index updates, renames and unlinks; block files are read and written outside it, so
// concurrent readers of cached blocks only serialize on short index updates.
#pragma once

#include <array>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "common/io/object_store.h"
#include "common/metrics/metrics.h"
#include "common/status.h"

namespace basalt {

inline constexpr uint64_t kDefaultDataCacheBlockSize = 1ull << 20;
// Block data length is stored in 32 bits; keep blocks well below that.
inline constexpr uint64_t kMaxDataCacheBlockSize = 256ull << 20;

struct DataCacheOptions {
  // Directory holding the block files (`datacache_path`); created if missing.
  std::string path;
  // Bytes of block files kept on disk (`datacache_disk_size`); see ParseDataCacheSize. 0 caches
  // nothing (every read is a miss) but is valid.
  uint64_t capacity_bytes = 0;
  // Bytes per block, 1..kMaxDataCacheBlockSize. Changing it across restarts is safe: blocks of
  // another size are dropped at startup.
  uint64_t block_size = kDefaultDataCacheBlockSize;
};

// Parses a `datacache_disk_size` value: a byte count with an optional binary suffix K, M, G or T
// (optionally followed by "B", case-insensitive), e.g. "500G", "1048576", "64MB"; or a percentage
// of the file system holding `path` ("80%", 0..100, decimals allowed), which requires path to
// exist. InvalidArgument for anything else.
Result<uint64_t> ParseDataCacheSize(std::string_view spec, const std::string& path);

// Counters of one cache; the same values are exported through the MetricRegistry.
struct DataCacheStats {
  int64_t hits = 0;            // Blocks served from disk.
  int64_t misses = 0;          // Blocks fetched from the base store (RecordFetch).
  int64_t read_bytes = 0;      // Data bytes served from disk.
  int64_t fetched_bytes = 0;   // Bytes fetched from the base store (RecordFetch).
  int64_t evictions = 0;       // Blocks evicted for capacity.
  int64_t corrupt_blocks = 0;  // Block files dropped as truncated, corrupt or malformed.
  uint64_t used_bytes = 0;     // File bytes currently indexed.
  uint64_t blocks = 0;         // Block files currently indexed.
};

class DataCache {
 public:
  // Opens (creating if needed) the cache directory and rebuilds the index from it. Metrics are
  // registered in `metrics` (basalt_datacache_*); with nullptr the cache keeps a private registry.
  // Only an unusable configuration (empty path, bad block size) or a directory that cannot be
  // created is an error.
  static Result<std::unique_ptr<DataCache>> Open(DataCacheOptions options,
                                                 MetricRegistry* metrics = nullptr);

  ~DataCache();
  DataCache(const DataCache&) = delete;
  DataCache& operator=(const DataCache&) = delete;

  uint64_t block_size() const { return options_.block_size; }
  uint64_t capacity_bytes() const { return options_.capacity_bytes; }
  const std::string& path() const { return options_.path; }

  // The data of block `block` of key, or nullopt on a miss. A hit refreshes the block's recency
  // and counts a hit; a miss counts nothing (the caller reports fetches with RecordFetch). With
  // fill_id, stores the id of the Insert call that cached the block (0 for blocks found at
  // startup): blocks with the same id were cached from one fetch, hence from one object version.
  std::optional<std::string> Lookup(std::string_view key, uint64_t block,
                                    uint64_t* fill_id = nullptr);

  // The key's current epoch; capture it before fetching from the base store and pass it to Insert.
  uint64_t Epoch(std::string_view key) const;

  // Caches blocks[j] as block first_block + j of key, all or none, unless EraseObject(key) ran
  // since `epoch` was captured. Best effort: write errors leave blocks uncached.
  void Insert(std::string_view key, uint64_t first_block,
              std::span<const std::string_view> blocks, uint64_t epoch);

  // Drops every cached block of key and bumps its epoch.
  void EraseObject(std::string_view key);

  // Accounts `blocks` blocks (misses) and `bytes` bytes fetched from the base store.
  void RecordFetch(int64_t blocks, int64_t bytes);

  DataCacheStats stats() const;

 private:
  struct Entry;
  // (key hash, block index) -> entry; ordered so EraseObject can scan one hash.
  using Index = std::map<std::pair<uint64_t, uint64_t>, Entry>;
  struct Entry {
    std::string key;
    uint64_t file_bytes = 0;
    uint64_t fill_id = 0;
    std::list<Index::iterator>::iterator lru;
  };
  static constexpr size_t kEpochBuckets = 1024;

  DataCache(DataCacheOptions options, MetricRegistry* metrics);

  void Rebuild();
  std::string DirFor(uint64_t hash) const;
  std::string FileFor(uint64_t hash, uint64_t block) const;
  // Writes one block file under a temporary name; returns that name or nullopt.
  std::optional<std::string> WriteTemp(uint64_t hash, uint64_t block, const std::string& bytes);
  // The following take mu_.
  void EraseEntryLocked(Index::iterator it, bool unlink_file);
  void EvictLocked();
  void DropIfFileLocked(uint64_t hash, uint64_t block, bool unlink_file);
  void UpdateGaugeLocked();

  const DataCacheOptions options_;
  std::unique_ptr<MetricRegistry> own_metrics_;
  Counter* hits_;
  Counter* misses_;
  Counter* read_bytes_;
  Counter* fetched_bytes_;
  Counter* evictions_;
  Counter* corrupt_;
  Gauge* used_gauge_;
  Gauge* capacity_gauge_;

  mutable std::mutex mu_;
  Index index_;                          // Guarded by mu_.
  std::list<Index::iterator> lru_;       // Front is most recent. Guarded by mu_.
  uint64_t used_bytes_ = 0;              // Guarded by mu_.
  std::array<uint64_t, kEpochBuckets> epochs_{};  // Guarded by mu_.
  uint64_t temp_counter_ = 0;            // Guarded by mu_.
  uint64_t fill_counter_ = 0;            // Guarded by mu_.
};

// An ObjectStore whose Get/GetRange read through a DataCache. A read whose blocks are all cached
// is served from disk; otherwise the whole aligned block range is fetched from the base in one
// GetRange and cached (Get reads blocks until the object's short last block). Put
// is write-through: the base first, then (on success) the object's blocks are cached; a failed
// Put only drops what was cached for the key, since its effect is unknown. Delete/DeleteMany
// pass through and drop the cached blocks. Head and List always ask the base.
//
// Errors from the base store are returned as they are and nothing is cached from a failed call.
// Keys are validated before the cache is consulted, so invalid keys fail with InvalidArgument
// exactly as on the base.
//
// Ownership: shares the base store and the cache. Thread-safety: as DataCache.
class CachingObjectStore final : public ObjectStore {
 public:
  CachingObjectStore(std::shared_ptr<ObjectStore> base, std::shared_ptr<DataCache> cache);

  Status Put(std::string_view key, std::string_view data) override;
  Result<std::optional<std::string>> Get(std::string_view key) override;
  Result<std::optional<std::string>> GetRange(std::string_view key, uint64_t offset,
                                              uint64_t length) override;
  Result<std::optional<ObjectInfo>> Head(std::string_view key) override;
  Result<ListPage> List(const ListOptions& options) override;
  Status Delete(std::string_view key) override;
  Status DeleteMany(std::span<const std::string> keys) override;
  Capabilities capabilities() const override { return base_->capabilities(); }
  std::string DebugName() const override;

  DataCache& cache() { return *cache_; }

 private:
  void CacheWholeObject(std::string_view key, std::string_view data, uint64_t epoch);

  const std::shared_ptr<ObjectStore> base_;
  const std::shared_ptr<DataCache> cache_;
};

}  // namespace basalt
