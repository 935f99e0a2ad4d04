// Column and Chunk: the columnar batch every operator consumes and produces.
//
// A Column is a typed vector with a null map. Its physical storage is one of int64, double or
// string (see types.h for which logical type uses which). A Chunk is N columns of equal length.
// Operators process a Chunk at a time (about 4096 rows) so per-row work stays in tight loops.
//
// Strings live in one byte buffer per column with an end offset per row (row i is
// bytes[ends[i-1], ends[i])), as Arrow and ClickHouse store them: appending a value is a memcpy,
// not a heap allocation, and a column of a million strings is two allocations rather than a
// million. A NULL string row is empty. A string_view from GetString() is valid until the next
// append to the same column.
//
// Thread-safety: none; a Column is owned by one operator at a time and shared read-only after.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/logging.h"
#include "engine/types.h"
#include "engine/value.h"

namespace basalt {

class Column;
using ColumnPtr = std::shared_ptr<Column>;

class Column {
 public:
  explicit Column(DataType type) : type_(type), physical_(type.physical()) {}
  static ColumnPtr Make(DataType type, size_t reserve = 0);
  // A column of `rows` copies of `value`.
  static ColumnPtr MakeConstant(const Value& value, size_t rows);

  const DataType& type() const { return type_; }
  PhysicalType physical() const { return physical_; }
  size_t size() const { return nulls_.size(); }
  bool has_nulls() const { return null_count_ > 0; }

  bool IsNull(size_t row) const { return nulls_[row] != 0; }
  int64_t GetInt(size_t row) const { return ints_[row]; }
  double GetDouble(size_t row) const { return doubles_[row]; }
  // All values of an int64 / double column (NULL rows hold 0), for bulk copies.
  const int64_t* int_data() const { return ints_.data(); }
  const double* double_data() const { return doubles_.data(); }
  std::string_view GetString(size_t row) const {
    const uint64_t begin = row == 0 ? 0 : string_ends_[row - 1];
    return std::string_view(string_bytes_).substr(begin, string_ends_[row] - begin);
  }
  Value GetValue(size_t row) const;

  void AppendNull();
  void AppendInt(int64_t v) { ints_.push_back(v); nulls_.push_back(0); }
  void AppendDouble(double v) { doubles_.push_back(v); nulls_.push_back(0); }
  void AppendString(std::string_view v) {
    string_bytes_.append(v);
    string_ends_.push_back(string_bytes_.size());
    nulls_.push_back(0);
  }
  // Appends a value, converting it to this column's physical type.
  void AppendValue(const Value& v);
  // Appends row `row` of `other`, which must have the same physical type.
  void AppendFrom(const Column& other, size_t row);
  // Appends rows [begin, end) / the given rows of `other` (same physical type), in bulk.
  void AppendRange(const Column& other, size_t begin, size_t end);
  void AppendRows(const Column& other, const std::vector<uint32_t>& rows);
  // Total bytes of the string values (0 for other types): what a copy of the column costs.
  size_t string_bytes() const { return string_bytes_.size(); }

  // Text of a row as the MySQL text protocol sends it (callers handle NULL separately).
  std::string FormatRow(size_t row) const;

 private:
  DataType type_;
  PhysicalType physical_;
  std::vector<uint8_t> nulls_;
  size_t null_count_ = 0;
  std::vector<int64_t> ints_;
  std::vector<double> doubles_;
  std::string string_bytes_;             // kString: every value, back to back.
  std::vector<uint64_t> string_ends_;    // kString: end of row i in string_bytes_.
};

struct Chunk {
  std::vector<ColumnPtr> columns;
  size_t num_rows = 0;

  // Rows where `keep[row]` is non-zero, in order.
  Chunk Filter(const std::vector<uint8_t>& keep) const;
  // Rows at the given positions, in that order.
  Chunk Take(const std::vector<uint32_t>& rows) const;
  // Rows [begin, end).
  Chunk Slice(size_t begin, size_t end) const;
};

}  // namespace basalt
