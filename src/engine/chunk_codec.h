// Chunk <-> proto::ChunkPB (proto/storage.proto), the columnar row batch of the FE <-> CN contract.
//
// Wire form: ChunkPB.num_rows and one ColumnDataPB per column, in schema order. A column's values
// live in exactly one of ints / doubles / strings, chosen by the physical type of its DataType
// (engine/types.h): num_rows entries there, none in the other two. NULL rows hold a placeholder
// (0, 0.0 or "") and are marked in `nulls`, one byte per row (1 = NULL, 0 = value), which is left
// empty when no row is NULL. Strings are bytes: embedded zero bytes and non-UTF-8 survive.
//
// Decoding trusts nothing (the bytes come from the network): every count and marker is checked
// and a mismatch is Status::InvalidArgument naming the column, never a crash.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/column.h"
#include "engine/types.h"
#include "storage.pb.h"

namespace basalt {

proto::ChunkPB ChunkToPB(const Chunk& chunk);

// Decodes a chunk whose columns have `types` (in order). `names`, when given (same length as
// types), is used in error messages instead of "column #<index>".
Result<Chunk> ChunkFromPB(const proto::ChunkPB& pb, const std::vector<DataType>& types,
                          std::span<const std::string> names = {});

// The DataType of a stored column. InvalidArgument naming the column when type_id is not a column
// type (kNull or out of range) or length / precision / scale are out of range. A type_length of 0
// or less means "unspecified" (-1), as proto3 cannot tell an unset field from 0.
Result<DataType> DataTypeFromSchemaPB(const proto::ColumnSchemaPB& column);

}  // namespace basalt
