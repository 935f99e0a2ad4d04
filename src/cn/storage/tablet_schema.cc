#include "cn/storage/tablet_schema.h"

#include <set>

#include "engine/chunk_codec.h"

namespace basalt::cn {

Result<std::vector<DataType>> SchemaTypes(const proto::TableSchemaPB& schema) {
  if (schema.columns_size() == 0) {
    return Status::InvalidArgument("table schema of table " + std::to_string(schema.table_id()) + " has no columns");
  }
  std::vector<DataType> types;
  types.reserve(schema.columns_size());
  std::set<int32_t> ids;
  for (const proto::ColumnSchemaPB& column : schema.columns()) {
    if (column.unique_id() < 0 || !ids.insert(column.unique_id()).second) {
      return Status::InvalidArgument("column '" + column.name() + "' has a negative or duplicate unique id " +
                                     std::to_string(column.unique_id()));
    }
    ASSIGN_OR_RETURN(DataType type, DataTypeFromSchemaPB(column));
    types.push_back(type);
  }
  return types;
}

std::vector<std::string> SchemaNames(const proto::TableSchemaPB& schema) {
  std::vector<std::string> names;
  names.reserve(schema.columns_size());
  for (const proto::ColumnSchemaPB& column : schema.columns()) names.push_back(column.name());
  return names;
}

}  // namespace basalt::cn
