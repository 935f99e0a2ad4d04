// Schema and row builders shared by the tablet writer and reader tests.
#pragma once

#include <string>

#include "engine/column.h"
#include "storage.pb.h"

namespace basalt::cn::testing {

inline proto::ColumnSchemaPB* AddColumn(proto::TableSchemaPB* schema, int32_t unique_id, std::string name, TypeId type,
                                        int32_t length = 0) {
  proto::ColumnSchemaPB* c = schema->add_columns();
  c->set_unique_id(unique_id);
  c->set_name(std::move(name));
  c->set_type_id(static_cast<int32_t>(type));
  c->set_type_length(length);
  c->set_nullable(true);
  return c;
}

// (k BIGINT uid 1, v VARCHAR(32) uid 2, d DOUBLE uid 5), schema version 3.
inline proto::TableSchemaPB ThreeColumnSchema() {
  proto::TableSchemaPB schema;
  schema.set_table_id(42);
  schema.set_schema_version(3);
  AddColumn(&schema, 1, "k", TypeId::kBigInt);
  AddColumn(&schema, 2, "v", TypeId::kVarchar, 32);
  AddColumn(&schema, 5, "d", TypeId::kDouble);
  return schema;
}

// rows of ThreeColumnSchema: k = base + i, v = "row<i>" (NULL every 7th), d = i / 2.
inline Chunk ThreeColumnRows(size_t rows, int64_t base = 0) {
  Chunk chunk;
  chunk.columns = {Column::Make(DataType::BigInt()), Column::Make(DataType::Varchar(32)),
                   Column::Make(DataType::Double())};
  for (size_t i = 0; i < rows; ++i) {
    chunk.columns[0]->AppendInt(base + static_cast<int64_t>(i));
    if (i % 7 == 3) {
      chunk.columns[1]->AppendNull();
    } else {
      chunk.columns[1]->AppendString("row" + std::to_string(i));
    }
    chunk.columns[2]->AppendDouble(static_cast<double>(i) / 2);
  }
  chunk.num_rows = rows;
  return chunk;
}

}  // namespace basalt::cn::testing
