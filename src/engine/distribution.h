// Where a loaded row goes: its RANGE partition and its hash bucket (DISTRIBUTED BY HASH(cols)
// BUCKETS n). Shared by every loader, so INSERT (FE) and routine load (CN) route identically.
//
// The FE (INSERT) and the CN (routine load) must send a row to the same bucket, so the hash is
// defined here once and is part of the storage contract: CRC32C (unmasked, common/crc32c.h) over,
// for each distribution column in order, a one-byte tag (0 NULL, 1 int64, 2 double, 3 string)
// followed by the value: int64 as 8 little-endian bytes, double as its IEEE-754 bits in 8
// little-endian bytes (-0.0 hashed as 0.0), string as its bytes followed by its u32 length.
// The bucket is hash % n. Changing any of this moves rows of existing tables to other buckets,
// which breaks nothing for reads (every bucket is scanned) but would break future key lookups;
// treat it as a format.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/column.h"
#include "engine/value.h"

namespace basalt {

// One RANGE partition's exclusive upper bound ("VALUES LESS THAN (...)"), one value per partition
// column, typed like the column; max_value for MAXVALUE.
struct RangeUpperBound {
  bool max_value = false;
  std::vector<Value> values;
};

// For every row, the index of the first bound (bounds in ascending order) the row's partition
// column values are below, comparing column by column with CompareValues (NULL sorts lowest);
// -1 when the row is at or above every bound.
std::vector<int> RouteRangePartitions(const Chunk& chunk, const std::vector<size_t>& partition_columns,
                                      const std::vector<RangeUpperBound>& bounds);

// The bucket of every row of `chunk`, by the columns at `key_columns`. num_buckets >= 1.
std::vector<uint32_t> HashBuckets(const Chunk& chunk, const std::vector<size_t>& key_columns, uint32_t num_buckets);

}  // namespace basalt
