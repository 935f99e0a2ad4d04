// Bound, typed expressions evaluated a Chunk at a time.
//
// An Expr tree is built by the analyzer (FE) or from a plan fragment (CN) after names and types
// are resolved. Evaluate() returns a Column with one value per input row. Errors (e.g. a failed
// strict cast) are reported once per Chunk, not per row.
//
// Thread-safety: an Expr is immutable after construction and may be evaluated concurrently.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/column.h"

namespace basalt {

class Expr;
using ExprPtr = std::shared_ptr<const Expr>;

// A kernel computes one output column from argument columns of `rows` rows.
using ScalarKernel =
    std::function<Result<ColumnPtr>(const std::vector<ColumnPtr>& args, size_t rows, const DataType& result_type)>;

class Expr {
 public:
  explicit Expr(DataType type) : type_(type) {}
  virtual ~Expr() = default;
  const DataType& type() const { return type_; }
  virtual Result<ColumnPtr> Evaluate(const Chunk& chunk) const = 0;
  // Non-null for a literal: lets the analyzer fold constants and read SET values.
  virtual const Value* constant() const { return nullptr; }

 private:
  DataType type_;
};

class LiteralExpr final : public Expr {
 public:
  explicit LiteralExpr(Value value) : Expr(value.type()), value_(std::move(value)) {}
  Result<ColumnPtr> Evaluate(const Chunk& chunk) const override;
  const Value* constant() const override { return &value_; }

 private:
  Value value_;
};

class ColumnRefExpr final : public Expr {
 public:
  ColumnRefExpr(size_t index, DataType type) : Expr(type), index_(index) {}
  Result<ColumnPtr> Evaluate(const Chunk& chunk) const override;
  size_t index() const { return index_; }

 private:
  size_t index_;
};

class FunctionExpr final : public Expr {
 public:
  FunctionExpr(std::string name, ScalarKernel kernel, std::vector<ExprPtr> args, DataType type)
      : Expr(type), name_(std::move(name)), kernel_(std::move(kernel)), args_(std::move(args)) {}
  Result<ColumnPtr> Evaluate(const Chunk& chunk) const override;
  const std::string& name() const { return name_; }
  const std::vector<ExprPtr>& args() const { return args_; }

 private:
  std::string name_;
  ScalarKernel kernel_;
  std::vector<ExprPtr> args_;
};

// CAST(child AS type): a FunctionExpr named "cast" converting with CastValue (non-strict, so an
// unconvertible value is NULL, as MySQL/StarRocks CAST is). The registry has no "cast" entry
// because the target type is not derivable from the argument types; the binder and the
// expression codec (expr_codec.h) both build casts here.
ExprPtr MakeCastExpr(ExprPtr child, const DataType& type);

// Evaluates `expr` over a chunk with no columns and one row: the value of a constant expression.
Result<Value> EvaluateConstant(const Expr& expr);

}  // namespace basalt
