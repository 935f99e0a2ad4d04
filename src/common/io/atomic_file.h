// WriteFileAtomically: replace a whole small file so that after a crash it holds either the old
// contents or the new contents, never a mix, and, once this returns OK, durably the new ones.
//
// Protocol: write `<path>.tmp`, Sync it, Close it, rename it over `path`, SyncDir the parent.
// A crash can leave a stray `<path>.tmp` behind; callers that list directories should ignore or
// delete names ending in kAtomicTempSuffix.
//
// Thread-safety: concurrent calls for the same path are not allowed (they share the temp name);
// calls for different paths are fine.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/io/file_system.h"
#include "common/status.h"

namespace basalt {

inline constexpr std::string_view kAtomicTempSuffix = ".tmp";

// Errors: whatever the file system reports (IOError with path and errno text). On failure the
// temp file is removed on a best-effort basis and `path` still has its old contents, unless the
// failure was in the final SyncDir, in which case `path` may hold either version.
Status WriteFileAtomically(FileSystem* fs, const std::string& path, std::string_view bytes);
// The same, with the new contents given as consecutive pieces (avoids building one big copy of a
// header plus a large payload).
Status WriteFileAtomically(FileSystem* fs, const std::string& path,
                           std::span<const std::string_view> pieces);

}  // namespace basalt
