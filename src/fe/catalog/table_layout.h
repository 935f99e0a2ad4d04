// Physical layout of a table: partitions, one tablet per bucket, object-name prefixes
// (docs/formats/object_layout.md) and the storage schema the compute nodes read and write with.
#pragma once

#include <cstdint>
#include <string>

#include "engine/types.h"
#include "journal.pb.h"
#include "storage.pb.h"

namespace basalt::fe {

// The SQL type of a stored column.
DataType ColumnType(const proto::ColumnMeta& column);

// "db<db_id>/t<table_id>/" and "db<db_id>/t<table_id>/p<partition_id>/tablet<tablet_id>/".
std::string TablePrefix(int64_t db_id, int64_t table_id);
std::string TabletPrefix(int64_t db_id, int64_t table_id, int64_t partition_id, int64_t tablet_id);

// A new empty partition with `buckets` tablets; ids are taken from *next_id upwards.
proto::PartitionMeta NewPartition(const std::string& name, int32_t buckets, int64_t* next_id);

// Gives a table built by CREATE TABLE (id already set) its initial partitions: one named like the
// table when unpartitioned, one per RANGE partition written in the DDL; expression and LIST
// partitioned tables start with none (partitions are created by loads). Ids are taken from
// *next_id upwards.
void CreateInitialPartitions(proto::TableMeta* table, int64_t* next_id);

// New empty partitions with the same names and bucket counts as `table`'s (TRUNCATE TABLE).
google::protobuf::RepeatedPtrField<proto::PartitionMeta> EmptyCopiesOfPartitions(const proto::TableMeta& table,
                                                                                 int64_t* next_id);

// The largest id a table uses (table, partitions, tablets).
int64_t MaxIdOf(const proto::TableMeta& table);

// The schema segments are written and read with. Columns without a unique id (tables created
// before unique ids existed) get 1-based positions, which is what they were created with.
proto::TableSchemaPB StorageSchemaOf(const proto::TableMeta& table);

// Rows of a partition / table at its visible version.
int64_t RowCountOf(const proto::PartitionMeta& partition);
int64_t DataSizeOf(const proto::PartitionMeta& partition);

}  // namespace basalt::fe
