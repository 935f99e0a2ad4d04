#include "fe/catalog/table_layout.h"

#include <algorithm>

namespace basalt::fe {

DataType ColumnType(const proto::ColumnMeta& c) {
  DataType t;
  t.id = static_cast<TypeId>(c.type_id());
  t.length = c.type_length();
  t.precision = static_cast<int16_t>(c.type_precision());
  t.scale = static_cast<int16_t>(c.type_scale());
  return t;
}

std::string TablePrefix(int64_t db_id, int64_t table_id) {
  return "db" + std::to_string(db_id) + "/t" + std::to_string(table_id) + "/";
}

std::string TabletPrefix(int64_t db_id, int64_t table_id, int64_t partition_id, int64_t tablet_id) {
  return TablePrefix(db_id, table_id) + "p" + std::to_string(partition_id) + "/tablet" + std::to_string(tablet_id) +
         "/";
}

proto::PartitionMeta NewPartition(const std::string& name, int32_t buckets, int64_t* next_id) {
  proto::PartitionMeta partition;
  partition.set_id((*next_id)++);
  partition.set_name(name);
  partition.set_visible_version(1);
  for (int32_t b = 0; b < std::max(buckets, 1); ++b) partition.add_tablets()->set_id((*next_id)++);
  return partition;
}

void CreateInitialPartitions(proto::TableMeta* table, int64_t* next_id) {
  int32_t buckets = table->distribution().buckets();
  const std::string& kind = table->partition().kind();
  if (kind.empty() || kind == "UNPARTITIONED") {
    *table->add_partitions() = NewPartition(table->name(), buckets, next_id);
  } else if (kind == "RANGE") {
    for (const auto& range : table->partition().ranges()) {
      *table->add_partitions() = NewPartition(range.name(), buckets, next_id);
    }
  }
}

google::protobuf::RepeatedPtrField<proto::PartitionMeta> EmptyCopiesOfPartitions(const proto::TableMeta& table,
                                                                                 int64_t* next_id) {
  google::protobuf::RepeatedPtrField<proto::PartitionMeta> out;
  for (const auto& p : table.partitions()) *out.Add() = NewPartition(p.name(), p.tablets_size(), next_id);
  return out;
}

int64_t MaxIdOf(const proto::TableMeta& table) {
  int64_t max_id = table.id();
  for (const auto& p : table.partitions()) {
    max_id = std::max(max_id, p.id());
    for (const auto& t : p.tablets()) max_id = std::max(max_id, t.id());
  }
  return max_id;
}

proto::TableSchemaPB StorageSchemaOf(const proto::TableMeta& table) {
  proto::TableSchemaPB schema;
  schema.set_table_id(table.id());
  schema.set_schema_version(table.schema_version());
  auto it = table.properties().find("compression");
  schema.set_compression(it == table.properties().end() ? "LZ4" : it->second);
  for (int i = 0; i < table.columns_size(); ++i) {
    const proto::ColumnMeta& c = table.columns(i);
    proto::ColumnSchemaPB* out = schema.add_columns();
    out->set_unique_id(c.unique_id() > 0 ? c.unique_id() : i + 1);
    out->set_name(c.name());
    out->set_type_id(c.type_id());
    out->set_type_length(c.type_length());
    out->set_type_precision(c.type_precision());
    out->set_type_scale(c.type_scale());
    out->set_nullable(c.nullable());
    // CURRENT_TIMESTAMP defaults are filled at load time; rows older than the column read NULL.
    out->set_has_default(c.has_default() && !c.default_is_expr());
    out->set_default_value(c.default_value());
  }
  return schema;
}

int64_t RowCountOf(const proto::PartitionMeta& partition) {
  int64_t rows = 0;
  for (const auto& t : partition.tablets()) {
    for (const auto& r : t.rowsets()) rows += r.num_rows();
  }
  return rows;
}

int64_t DataSizeOf(const proto::PartitionMeta& partition) {
  int64_t bytes = 0;
  for (const auto& t : partition.tablets()) {
    for (const auto& r : t.rowsets()) bytes += r.data_size();
  }
  return bytes;
}

}  // namespace basalt::fe
