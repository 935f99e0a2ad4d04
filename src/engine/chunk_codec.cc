#include "engine/chunk_codec.h"

#include <cstdint>
#include <limits>

namespace basalt {
namespace {

std::string ColumnLabel(size_t index, std::span<const std::string> names) {
  if (index < names.size()) return "column '" + names[index] + "'";
  return "column #" + std::to_string(index);
}

std::string_view PhysicalName(PhysicalType t) {
  switch (t) {
    case PhysicalType::kInt64: return "ints";
    case PhysicalType::kDouble: return "doubles";
    case PhysicalType::kString: return "strings";
  }
  return "?";
}

}  // namespace

proto::ChunkPB ChunkToPB(const Chunk& chunk) {
  proto::ChunkPB pb;
  pb.set_num_rows(static_cast<int64_t>(chunk.num_rows));
  for (const ColumnPtr& column : chunk.columns) {
    proto::ColumnDataPB* out = pb.add_columns();
    const size_t rows = column->size();
    if (column->has_nulls()) {
      std::string* nulls = out->mutable_nulls();
      nulls->resize(rows);
      for (size_t r = 0; r < rows; ++r) (*nulls)[r] = column->IsNull(r) ? 1 : 0;
    }
    switch (column->physical()) {
      case PhysicalType::kInt64:
        out->mutable_ints()->Reserve(static_cast<int>(rows));
        for (size_t r = 0; r < rows; ++r) out->add_ints(column->GetInt(r));
        break;
      case PhysicalType::kDouble:
        out->mutable_doubles()->Reserve(static_cast<int>(rows));
        for (size_t r = 0; r < rows; ++r) out->add_doubles(column->GetDouble(r));
        break;
      case PhysicalType::kString:
        out->mutable_strings()->Reserve(static_cast<int>(rows));
        for (size_t r = 0; r < rows; ++r) out->add_strings(std::string(column->GetString(r)));
        break;
    }
  }
  return pb;
}

Result<Chunk> ChunkFromPB(const proto::ChunkPB& pb, const std::vector<DataType>& types,
                          std::span<const std::string> names) {
  if (!names.empty() && names.size() != types.size()) {
    return Status::Internal("ChunkFromPB: names and types differ in length");
  }
  if (pb.num_rows() < 0) {
    return Status::InvalidArgument("chunk has a negative row count " + std::to_string(pb.num_rows()));
  }
  // Repeated fields hold at most INT_MAX entries, so a larger count can never match.
  if (pb.num_rows() > std::numeric_limits<int>::max()) {
    return Status::InvalidArgument("chunk row count " + std::to_string(pb.num_rows()) + " is too large");
  }
  if (static_cast<size_t>(pb.columns_size()) != types.size()) {
    return Status::InvalidArgument("chunk has " + std::to_string(pb.columns_size()) + " columns, expected " +
                                   std::to_string(types.size()));
  }
  const int rows = static_cast<int>(pb.num_rows());
  Chunk chunk;
  chunk.num_rows = static_cast<size_t>(rows);
  chunk.columns.reserve(types.size());
  for (size_t c = 0; c < types.size(); ++c) {
    const proto::ColumnDataPB& data = pb.columns(static_cast<int>(c));
    const DataType& type = types[c];
    const PhysicalType physical = type.physical();
    auto bad = [&](const std::string& what) {
      return Status::InvalidArgument(ColumnLabel(c, names) + " (" + type.ToSql() + "): " + what);
    };
    const std::string& nulls = data.nulls();
    if (!nulls.empty() && nulls.size() != static_cast<size_t>(rows)) {
      return bad("null map has " + std::to_string(nulls.size()) + " entries for " + std::to_string(rows) + " rows");
    }
    for (size_t r = 0; r < nulls.size(); ++r) {
      if (nulls[r] != 0 && nulls[r] != 1) return bad("null map entry " + std::to_string(r) + " is neither 0 nor 1");
    }
    const int counts[3] = {data.ints_size(), data.doubles_size(), data.strings_size()};
    const PhysicalType kinds[3] = {PhysicalType::kInt64, PhysicalType::kDouble, PhysicalType::kString};
    for (int k = 0; k < 3; ++k) {
      const int expected = kinds[k] == physical ? rows : 0;
      if (counts[k] != expected) {
        return bad("has " + std::to_string(counts[k]) + " " + std::string(PhysicalName(kinds[k])) +
                   " values, expected " + std::to_string(expected) + " for " + std::to_string(rows) + " rows");
      }
    }
    ColumnPtr column = Column::Make(type, static_cast<size_t>(rows));
    for (int r = 0; r < rows; ++r) {
      if (!nulls.empty() && nulls[static_cast<size_t>(r)] != 0) {
        column->AppendNull();
        continue;
      }
      switch (physical) {
        case PhysicalType::kInt64: column->AppendInt(data.ints(r)); break;
        case PhysicalType::kDouble: column->AppendDouble(data.doubles(r)); break;
        case PhysicalType::kString: column->AppendString(data.strings(r)); break;
      }
    }
    chunk.columns.push_back(std::move(column));
  }
  return chunk;
}

Result<DataType> DataTypeFromSchemaPB(const proto::ColumnSchemaPB& column) {
  auto bad = [&](const std::string& what) {
    return Status::InvalidArgument("column '" + column.name() + "' (unique id " +
                                   std::to_string(column.unique_id()) + "): " + what);
  };
  const int32_t id = column.type_id();
  if (id <= static_cast<int32_t>(TypeId::kNull) || id > static_cast<int32_t>(TypeId::kJson)) {
    return bad("unknown type id " + std::to_string(id));
  }
  DataType type;
  type.id = static_cast<TypeId>(id);
  type.length = column.type_length() > 0 ? column.type_length() : -1;
  // DECIMAL is the only type whose precision and scale mean something; 38 is StarRocks' maximum.
  if (column.type_precision() < 0 || column.type_precision() > 38 || column.type_scale() < 0 ||
      column.type_scale() > 38) {
    return bad("precision " + std::to_string(column.type_precision()) + " / scale " +
               std::to_string(column.type_scale()) + " out of range");
  }
  type.precision = static_cast<int16_t>(column.type_precision());
  type.scale = static_cast<int16_t>(column.type_scale());
  if (type.id == TypeId::kDecimal && (type.precision < 1 || type.scale > type.precision)) {
    return bad("invalid decimal(" + std::to_string(type.precision) + "," + std::to_string(type.scale) + ")");
  }
  return type;
}

}  // namespace basalt
