// ObjectStore: flat keys -> immutable bytes. The only way Basalt touches shared storage (segments,
// transaction logs, tablet metadata on S3 or a local directory).
//
// Model (S3's, deliberately): a key names a whole object; an object is written in one Put and
// read whole or by byte range. There is no rename, no append and no directory: "a/b" is a key
// that happens to contain a slash, and List by prefix is the only way to enumerate.
//
// Contract shared by every implementation (checked by object_store_conformance.h):
//   - Put is all-or-nothing: a concurrent or later reader sees either the previous object (or no
//     object) or the complete new one, never a prefix. Putting an existing key replaces it
//     atomically (last writer wins). Once Put returns OK the object is durable to the extent the
//     implementation promises (S3: the service's durability; local: fsync'ed; memory: none).
//   - A missing key is an expected outcome, not an error: Head/Get/GetRange return an empty
//     std::optional. StatusCode::kNotFound is never returned for a missing key, so a non-OK
//     status always means the store could not answer (IOError, TimedOut, InvalidArgument for an
//     invalid key, NotSupported for a key layout the implementation cannot hold).
//   - Delete of a missing key is OK (S3 semantics), and so is a DeleteMany containing missing keys.
//   - List returns keys in ascending byte order (UTF-8 binary order, as S3 does) with sizes, at
//     most max_keys per page, and an opaque continuation token to fetch the next page; an empty
//     token means the listing is complete. A listing is not a snapshot: keys put or deleted while
//     paging may or may not appear, but a key present for the whole listing appears exactly once.
//
// Keys (ValidateObjectKey): 1..1024 bytes of valid UTF-8 without control characters, not starting
// or ending with '/', without empty segments ("a//b") and without "." or ".." segments. These
// rules keep one key meaning one object on every backend (a file system would fold "a/./b").
//
// Errors name the key (and for S3 the bucket and the service's error code) and never contain
// credentials. Transient failures are retried inside an implementation where that is safe, so a
// caller seeing IOError/TimedOut should treat the operation's effect as unknown: a Put that
// failed may still have happened (idempotent retries by the caller are the cure; keys are never
// reused for different content in Basalt).
//
// Thread-safety: every ObjectStore is safe for concurrent use from any number of threads.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace basalt {

// The largest max_keys a single List call honours (S3's limit; larger values are clamped).
inline constexpr int kMaxListKeys = 1000;
inline constexpr size_t kMaxObjectKeyBytes = 1024;

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;

  bool operator==(const ObjectInfo&) const = default;
};

struct ListOptions {
  // Only keys starting with this prefix are listed (byte-wise, not per segment: "a/b" matches
  // "a/b/c" and "a/bc"). Empty lists everything.
  std::string prefix;
  // The next_continuation_token of the previous page, or empty for the first page. Must be used
  // with the same prefix.
  std::string continuation_token;
  // 1..kMaxListKeys; values outside are clamped.
  int max_keys = kMaxListKeys;
};

struct ListPage {
  std::vector<ObjectInfo> objects;  // Sorted by key.
  // Empty when there are no more keys. A page may be empty with a non-empty token (S3 allows it);
  // callers loop until the token is empty.
  std::string next_continuation_token;
};

// What a backend can represent; the conformance suite skips checks an implementation opts out of.
struct Capabilities {
  // Whether the key "a" and the key "a/b" may exist together. When false, callers must not
  // create both; what happens if they do is backend-specific (the local store refuses with
  // NotSupported, single-drive MinIO accepts both and then lists only one). Basalt's key layouts
  // never need it: an object's key is never a segment prefix of another key.
  bool object_and_prefix_may_share_name = true;
  // Put survives a process crash once it returned OK.
  bool durable = true;
};

class ObjectStore {
 public:
  ObjectStore() = default;
  ObjectStore(const ObjectStore&) = delete;
  ObjectStore& operator=(const ObjectStore&) = delete;
  virtual ~ObjectStore() = default;

  // Creates or atomically replaces the object at key with data.
  virtual Status Put(std::string_view key, std::string_view data) = 0;

  // The whole object, or nullopt when key does not exist.
  virtual Result<std::optional<std::string>> Get(std::string_view key) = 0;

  // Bytes [offset, offset + length) of the object, cut short at its end: a range past the end
  // yields fewer bytes, possibly none (not an error). nullopt when key does not exist.
  virtual Result<std::optional<std::string>> GetRange(std::string_view key, uint64_t offset,
                                                      uint64_t length) = 0;

  // Size of the object, or nullopt when key does not exist.
  virtual Result<std::optional<ObjectInfo>> Head(std::string_view key) = 0;

  // One page of keys; see ListOptions and the contract above.
  virtual Result<ListPage> List(const ListOptions& options) = 0;

  // Removes key; OK when it does not exist.
  virtual Status Delete(std::string_view key) = 0;

  // Removes every key in keys (any number; implementations batch as their backend needs). OK
  // when all are gone afterwards, including keys that never existed. On error some keys may have
  // been deleted; the message names keys that were not.
  virtual Status DeleteMany(std::span<const std::string> keys) = 0;

  virtual Capabilities capabilities() const = 0;

  // For logs and error messages, e.g. "s3://bucket" or "local:/data/objects". No secrets.
  virtual std::string DebugName() const = 0;

  // Every key under prefix, following continuation tokens. Convenience for tests and small
  // prefixes; production listing of large prefixes should page with List.
  Result<std::vector<ObjectInfo>> ListAll(std::string_view prefix = "");
};

// OK when key follows the key rules above, else InvalidArgument naming the key and the rule.
Status ValidateObjectKey(std::string_view key);

// max_keys clamped to 1..kMaxListKeys.
int ClampListMaxKeys(int max_keys);

namespace internal {
// Builds one List page from candidates (all keys matching options.prefix, in any order): sorts
// them, skips keys <= options.continuation_token and keeps max_keys. The token of a page it
// returns is the last key of the page, which is what memory and local stores use.
ListPage MakeListPage(std::vector<ObjectInfo> candidates, const ListOptions& options);
}  // namespace internal

}  // namespace basalt
