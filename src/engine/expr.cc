#include "engine/expr.h"

#include "engine/functions.h"

namespace basalt {

Result<ColumnPtr> LiteralExpr::Evaluate(const Chunk& chunk) const {
  return Column::MakeConstant(value_, chunk.num_rows);
}

Result<ColumnPtr> ColumnRefExpr::Evaluate(const Chunk& chunk) const {
  if (index_ >= chunk.columns.size()) {
    return Status::Internal("column index " + std::to_string(index_) + " out of range");
  }
  return chunk.columns[index_];
}

Result<ColumnPtr> FunctionExpr::Evaluate(const Chunk& chunk) const {
  std::vector<ColumnPtr> args;
  args.reserve(args_.size());
  for (const ExprPtr& arg : args_) {
    ASSIGN_OR_RETURN(ColumnPtr column, arg->Evaluate(chunk));
    args.push_back(std::move(column));
  }
  return kernel_(args, chunk.num_rows, type());
}

ExprPtr MakeCastExpr(ExprPtr child, const DataType& type) {
  ScalarKernel kernel = [](const std::vector<ColumnPtr>& args, size_t rows,
                           const DataType& result_type) -> Result<ColumnPtr> {
    ColumnPtr out = Column::Make(result_type, rows);
    for (size_t i = 0; i < rows; ++i) {
      ASSIGN_OR_RETURN(Value v, CastValue(args[0]->GetValue(i), result_type));
      out->AppendValue(v);
    }
    return out;
  };
  return std::make_shared<FunctionExpr>("cast", std::move(kernel), std::vector<ExprPtr>{std::move(child)}, type);
}

Result<Value> EvaluateConstant(const Expr& expr) {
  if (const Value* v = expr.constant()) return *v;
  Chunk one_row;
  one_row.num_rows = 1;
  ASSIGN_OR_RETURN(ColumnPtr column, expr.Evaluate(one_row));
  return column->GetValue(0);
}

}  // namespace basalt
