// Helpers shared by the tablet writer and reader: validating a TableSchemaPB and turning it into
// engine types and segment column names.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "engine/types.h"
#include "storage.pb.h"

namespace basalt::cn {

// The segment column name of a schema column: its unique_id in decimal text.
inline std::string SegmentColumnName(int32_t unique_id) { return std::to_string(unique_id); }

// The column types of `schema` in order. InvalidArgument when the schema has no columns, a column
// has a bad type (DataTypeFromSchemaPB) or two columns share a unique_id or a negative one.
Result<std::vector<DataType>> SchemaTypes(const proto::TableSchemaPB& schema);

// Column names of `schema` in order (for error messages).
std::vector<std::string> SchemaNames(const proto::TableSchemaPB& schema);

}  // namespace basalt::cn
