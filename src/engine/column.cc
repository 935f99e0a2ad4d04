#include "engine/column.h"

namespace basalt {

ColumnPtr Column::Make(DataType type, size_t reserve) {
  auto column = std::make_shared<Column>(type);
  column->nulls_.reserve(reserve);
  switch (column->physical_) {
    case PhysicalType::kInt64: column->ints_.reserve(reserve); break;
    case PhysicalType::kDouble: column->doubles_.reserve(reserve); break;
    case PhysicalType::kString: column->string_ends_.reserve(reserve); break;
  }
  return column;
}

ColumnPtr Column::MakeConstant(const Value& value, size_t rows) {
  ColumnPtr column = Make(value.type(), rows);
  for (size_t i = 0; i < rows; ++i) column->AppendValue(value);
  return column;
}

Value Column::GetValue(size_t row) const {
  if (IsNull(row)) return Value::Null(type_);
  switch (physical_) {
    case PhysicalType::kInt64: return Value::Int(ints_[row], type_);
    case PhysicalType::kDouble: return Value::Double(doubles_[row]);
    case PhysicalType::kString: return Value::String(std::string(GetString(row)), type_);
  }
  return Value::Null(type_);
}

void Column::AppendNull() {
  switch (physical_) {
    case PhysicalType::kInt64: ints_.push_back(0); break;
    case PhysicalType::kDouble: doubles_.push_back(0); break;
    case PhysicalType::kString: string_ends_.push_back(string_bytes_.size()); break;
  }
  nulls_.push_back(1);
  ++null_count_;
}

void Column::AppendValue(const Value& v) {
  if (v.is_null()) return AppendNull();
  switch (physical_) {
    case PhysicalType::kInt64:
      if (type_.id == TypeId::kDecimal && v.type().id == TypeId::kDecimal) {
        int64_t raw = v.int_value();
        for (int s = v.type().scale; s < type_.scale; ++s) raw *= 10;
        for (int s = v.type().scale; s > type_.scale; --s) raw /= 10;
        AppendInt(raw);
      } else if (type_.id == TypeId::kDecimal) {
        double scaled = v.AsDouble();
        for (int i = 0; i < type_.scale; ++i) scaled *= 10;
        AppendInt(static_cast<int64_t>(scaled < 0 ? scaled - 0.5 : scaled + 0.5));
      } else {
        AppendInt(v.AsInt());
      }
      break;
    case PhysicalType::kDouble: AppendDouble(v.AsDouble()); break;
    case PhysicalType::kString: AppendString(v.ToString()); break;
  }
}

void Column::AppendFrom(const Column& other, size_t row) {
  DCHECK(other.physical_ == physical_);
  if (other.IsNull(row)) return AppendNull();
  switch (physical_) {
    case PhysicalType::kInt64: AppendInt(other.ints_[row]); break;
    case PhysicalType::kDouble: AppendDouble(other.doubles_[row]); break;
    case PhysicalType::kString: AppendString(other.GetString(row)); break;
  }
}

void Column::AppendRange(const Column& other, size_t begin, size_t end) {
  DCHECK(other.physical_ == physical_);
  DCHECK(&other != this);
  DCHECK(begin <= end && end <= other.size());
  if (begin == end) return;
  nulls_.insert(nulls_.end(), other.nulls_.begin() + begin, other.nulls_.begin() + end);
  if (other.null_count_ > 0) {
    for (size_t r = begin; r < end; ++r) null_count_ += other.nulls_[r];
  }
  switch (physical_) {
    case PhysicalType::kInt64: ints_.insert(ints_.end(), other.ints_.begin() + begin, other.ints_.begin() + end); break;
    case PhysicalType::kDouble:
      doubles_.insert(doubles_.end(), other.doubles_.begin() + begin, other.doubles_.begin() + end);
      break;
    case PhysicalType::kString: {
      // One copy of the bytes, then the ends shifted from `other`'s buffer to ours.
      const uint64_t from = begin == 0 ? 0 : other.string_ends_[begin - 1];
      const uint64_t shift = string_bytes_.size() - from;
      string_bytes_.append(other.string_bytes_, from, other.string_ends_[end - 1] - from);
      string_ends_.reserve(string_ends_.size() + (end - begin));
      for (size_t r = begin; r < end; ++r) string_ends_.push_back(other.string_ends_[r] + shift);
      break;
    }
  }
}

void Column::AppendRows(const Column& other, const std::vector<uint32_t>& rows) {
  DCHECK(other.physical_ == physical_);
  DCHECK(&other != this);
  nulls_.reserve(nulls_.size() + rows.size());
  for (uint32_t r : rows) {
    const uint8_t is_null = other.nulls_[r];
    nulls_.push_back(is_null);
    null_count_ += is_null;
  }
  switch (physical_) {
    case PhysicalType::kInt64:
      ints_.reserve(ints_.size() + rows.size());
      for (uint32_t r : rows) ints_.push_back(other.ints_[r]);
      break;
    case PhysicalType::kDouble:
      doubles_.reserve(doubles_.size() + rows.size());
      for (uint32_t r : rows) doubles_.push_back(other.doubles_[r]);
      break;
    case PhysicalType::kString: {
      size_t bytes = 0;
      for (uint32_t r : rows) bytes += other.GetString(r).size();
      string_bytes_.reserve(string_bytes_.size() + bytes);
      string_ends_.reserve(string_ends_.size() + rows.size());
      for (uint32_t r : rows) {
        string_bytes_.append(other.GetString(r));
        string_ends_.push_back(string_bytes_.size());
      }
      break;
    }
  }
}

std::string Column::FormatRow(size_t row) const {
  switch (physical_) {
    case PhysicalType::kDouble: return FormatDouble(doubles_[row]);
    case PhysicalType::kString: return std::string(GetString(row));
    case PhysicalType::kInt64:
      switch (type_.id) {
        case TypeId::kDate: return FormatDate(ints_[row]);
        case TypeId::kDateTime: return FormatDateTime(ints_[row]);
        case TypeId::kDecimal: return FormatScaledDecimal(ints_[row], type_.scale);
        default: return std::to_string(ints_[row]);
      }
  }
  return {};
}

Chunk Chunk::Filter(const std::vector<uint8_t>& keep) const {
  std::vector<uint32_t> rows;
  for (size_t i = 0; i < keep.size(); ++i) {
    if (keep[i]) rows.push_back(static_cast<uint32_t>(i));
  }
  return Take(rows);
}

Chunk Chunk::Take(const std::vector<uint32_t>& rows) const {
  Chunk out;
  out.num_rows = rows.size();
  for (const ColumnPtr& column : columns) {
    ColumnPtr taken = Column::Make(column->type(), rows.size());
    taken->AppendRows(*column, rows);
    out.columns.push_back(std::move(taken));
  }
  return out;
}

Chunk Chunk::Slice(size_t begin, size_t end) const {
  if (begin == 0 && end == num_rows) return *this;
  Chunk out;
  out.num_rows = end - begin;
  for (const ColumnPtr& column : columns) {
    ColumnPtr part = Column::Make(column->type(), end - begin);
    part->AppendRange(*column, begin, end);
    out.columns.push_back(std::move(part));
  }
  return out;
}

}  // namespace basalt
