#include "engine/column.h"

namespace basalt {

ColumnPtr Column::Make(DataType type, size_t reserve) {
  auto column = std::make_shared<Column>(type);
  column->nulls_.reserve(reserve);
  switch (column->physical_) {
    case PhysicalType::kInt64: column->ints_.reserve(reserve); break;
    case PhysicalType::kDouble: column->doubles_.reserve(reserve); break;
    case PhysicalType::kString: column->strings_.reserve(reserve); break;
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
    case PhysicalType::kString: return Value::String(strings_[row], type_);
  }
  return Value::Null(type_);
}

void Column::AppendNull() {
  switch (physical_) {
    case PhysicalType::kInt64: ints_.push_back(0); break;
    case PhysicalType::kDouble: doubles_.push_back(0); break;
    case PhysicalType::kString: strings_.emplace_back(); break;
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
    case PhysicalType::kString: AppendString(other.strings_[row]); break;
  }
}

std::string Column::FormatRow(size_t row) const {
  switch (physical_) {
    case PhysicalType::kDouble: return FormatDouble(doubles_[row]);
    case PhysicalType::kString: return strings_[row];
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
    for (uint32_t row : rows) taken->AppendFrom(*column, row);
    out.columns.push_back(std::move(taken));
  }
  return out;
}

}  // namespace basalt
