// What executing one statement produces: a result set or an OK with counts, ready for the MySQL
// layer to encode (text or binary protocol).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/column.h"

namespace basalt::fe {

struct ResultColumn {
  std::string name;       // The label: alias, or the expression text.
  std::string org_name;   // Underlying column name when there is one.
  std::string table;      // Table alias / name when the column comes from a table.
  std::string org_table;
  std::string schema;
  DataType type;
  bool not_null = false;
};

struct QueryResult {
  bool has_result_set = false;
  std::vector<ResultColumn> columns;
  std::vector<Chunk> chunks;  // Rows, in order; every chunk has columns.size() columns.
  uint64_t affected_rows = 0;
  uint64_t last_insert_id = 0;
  std::string info;

  size_t num_rows() const {
    size_t n = 0;
    for (const Chunk& c : chunks) n += c.num_rows;
    return n;
  }
};

// Builds a result set of string-typed columns from rows of optional text (NULL = nullopt). Used
// by SHOW statements, whose shapes are fixed text tables.
class TextResultBuilder {
 public:
  explicit TextResultBuilder(std::vector<std::string> column_names);
  // Column `index` gets this type instead of VARCHAR (e.g. BIGINT counters).
  TextResultBuilder& SetType(size_t index, DataType type);
  void AddRow(std::vector<std::optional<std::string>> row);
  QueryResult Build();

 private:
  std::vector<ResultColumn> columns_;
  std::vector<std::vector<std::optional<std::string>>> rows_;
};

}  // namespace basalt::fe
