#include "fe/qe/query_result.h"

#include "common/string_util.h"

namespace basalt::fe {

TextResultBuilder::TextResultBuilder(std::vector<std::string> column_names) {
  for (std::string& name : column_names) {
    ResultColumn column;
    column.name = std::move(name);
    column.type = DataType::Varchar();
    columns_.push_back(std::move(column));
  }
}

TextResultBuilder& TextResultBuilder::SetType(size_t index, DataType type) {
  columns_[index].type = type;
  return *this;
}

void TextResultBuilder::AddRow(std::vector<std::optional<std::string>> row) { rows_.push_back(std::move(row)); }

QueryResult TextResultBuilder::Build() {
  QueryResult result;
  result.has_result_set = true;
  result.columns = columns_;
  Chunk chunk;
  chunk.num_rows = rows_.size();
  for (size_t c = 0; c < columns_.size(); ++c) {
    ColumnPtr column = Column::Make(columns_[c].type, rows_.size());
    for (const auto& row : rows_) {
      if (c >= row.size() || !row[c]) {
        column->AppendNull();
      } else if (columns_[c].type.physical() == PhysicalType::kInt64) {
        int64_t v = 0;
        ParseInt64(*row[c], &v);
        column->AppendInt(v);
      } else {
        column->AppendString(*row[c]);
      }
    }
    chunk.columns.push_back(std::move(column));
  }
  result.chunks.push_back(std::move(chunk));
  return result;
}

}  // namespace basalt::fe
