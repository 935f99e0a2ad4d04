#include "engine/expr_codec.h"

#include "engine/functions.h"

namespace basalt {
namespace {

// Deeper trees than any statement a user writes; bounds the decoder's recursion on hostile input.
constexpr int kMaxDepth = 256;

std::string TypeText(const DataType& t) { return t.id == TypeId::kNull ? "NULL" : t.ToSql(); }

Result<proto::ExprPB> Encode(const Expr& expr, int depth) {
  if (depth > kMaxDepth) return Status::InvalidArgument("expression is nested too deeply");
  proto::ExprPB pb;
  if (const auto* literal = dynamic_cast<const LiteralExpr*>(&expr)) {
    const Value& v = *literal->constant();
    proto::ExprPB::Literal* out = pb.mutable_literal();
    *out->mutable_type() = DataTypeToPB(v.type());
    if (v.is_null()) return pb;
    if (v.type().id == TypeId::kNull) return Status::InvalidArgument("non-NULL literal of type NULL");
    // Read through a one-row column: it stores the value in the type's physical representation
    // (converting if the Value holds another), which is what the decoder expects.
    ColumnPtr column = Column::MakeConstant(v, 1);
    switch (column->physical()) {
      case PhysicalType::kInt64: out->set_int_value(column->GetInt(0)); break;
      case PhysicalType::kDouble: out->set_double_value(column->GetDouble(0)); break;
      case PhysicalType::kString: out->set_string_value(std::string(column->GetString(0))); break;
    }
    return pb;
  }
  if (const auto* ref = dynamic_cast<const ColumnRefExpr*>(&expr)) {
    if (ref->index() > static_cast<size_t>(INT32_MAX)) return Status::InvalidArgument("column index out of range");
    pb.mutable_column_ref()->set_index(static_cast<int32_t>(ref->index()));
    *pb.mutable_column_ref()->mutable_type() = DataTypeToPB(ref->type());
    return pb;
  }
  if (const auto* call = dynamic_cast<const FunctionExpr*>(&expr)) {
    proto::ExprPB::Call* out = pb.mutable_call();
    out->set_function(call->name());
    *out->mutable_result_type() = DataTypeToPB(call->type());
    for (const ExprPtr& arg : call->args()) {
      ASSIGN_OR_RETURN(proto::ExprPB child, Encode(*arg, depth + 1));
      *out->add_args() = std::move(child);
    }
    return pb;
  }
  return Status::InvalidArgument("expression node of an unknown kind cannot be encoded");
}

Result<Value> DecodeLiteral(const proto::ExprPB::Literal& pb) {
  ASSIGN_OR_RETURN(DataType type, DataTypeFromPB(pb.type()));
  using Case = proto::ExprPB::Literal::ValueCase;
  if (pb.value_case() == Case::VALUE_NOT_SET) return Value::Null(type);
  if (type.id == TypeId::kNull) return Status::Corruption("expression literal of type NULL has a value");
  auto mismatch = [&]() {
    return Status::Corruption("expression literal of type " + TypeText(type) +
                              " holds a value of another physical type");
  };
  switch (type.physical()) {
    case PhysicalType::kInt64:
      if (pb.value_case() != Case::kIntValue) return mismatch();
      return Value::Int(pb.int_value(), type);
    case PhysicalType::kDouble: {
      if (pb.value_case() != Case::kDoubleValue) return mismatch();
      Value v = Value::Double(pb.double_value());
      if (type.id == TypeId::kDouble) return v;
      return CastValue(v, type, /*strict=*/true);  // FLOAT: Value::Double is typed DOUBLE.
    }
    case PhysicalType::kString:
      if (pb.value_case() != Case::kStringValue) return mismatch();
      return Value::String(pb.string_value(), type);
  }
  return mismatch();
}

Result<ExprPtr> Decode(const proto::ExprPB& pb, const std::vector<DataType>& input_types, int depth,
                       const FunctionContext& context) {
  if (depth > kMaxDepth) return Status::Corruption("expression is nested too deeply");
  switch (pb.node_case()) {
    case proto::ExprPB::kLiteral: {
      ASSIGN_OR_RETURN(Value v, DecodeLiteral(pb.literal()));
      return ExprPtr(std::make_shared<LiteralExpr>(std::move(v)));
    }
    case proto::ExprPB::kColumnRef: {
      const proto::ExprPB::ColumnRef& ref = pb.column_ref();
      ASSIGN_OR_RETURN(DataType type, DataTypeFromPB(ref.type()));
      if (ref.index() < 0 || static_cast<size_t>(ref.index()) >= input_types.size()) {
        return Status::InvalidArgument("expression references input column " + std::to_string(ref.index()) +
                                       " but the input has " + std::to_string(input_types.size()) + " columns");
      }
      if (!(input_types[ref.index()] == type)) {
        return Status::InvalidArgument("expression reads input column " + std::to_string(ref.index()) + " as " +
                                       TypeText(type) + " but it is " + TypeText(input_types[ref.index()]));
      }
      return ExprPtr(std::make_shared<ColumnRefExpr>(static_cast<size_t>(ref.index()), type));
    }
    case proto::ExprPB::kCall: {
      const proto::ExprPB::Call& call = pb.call();
      ASSIGN_OR_RETURN(DataType result_type, DataTypeFromPB(call.result_type()));
      std::vector<ExprPtr> args;
      std::vector<DataType> arg_types;
      args.reserve(call.args_size());
      for (const proto::ExprPB& arg : call.args()) {
        ASSIGN_OR_RETURN(ExprPtr child, Decode(arg, input_types, depth + 1, context));
        arg_types.push_back(child->type());
        args.push_back(std::move(child));
      }
      if (call.function() == "cast") {
        if (args.size() != 1) return Status::Corruption("cast with " + std::to_string(args.size()) + " arguments");
        return MakeCastExpr(std::move(args[0]), result_type);
      }
      auto resolved = ResolveFunction(call.function(), arg_types, context);
      if (!resolved.ok()) {
        return Status::InvalidArgument("expression calls function '" + call.function() +
                                       "' which does not resolve here: " + resolved.status().message());
      }
      if (!(resolved->result_type == result_type)) {
        return Status::InvalidArgument("function '" + call.function() + "' returns " +
                                       TypeText(resolved->result_type) + " here but the expression expects " +
                                       TypeText(result_type));
      }
      return ExprPtr(std::make_shared<FunctionExpr>(call.function(), std::move(resolved->kernel), std::move(args),
                                                    result_type));
    }
    case proto::ExprPB::NODE_NOT_SET:
      break;
  }
  return Status::Corruption("expression node without a kind");
}

}  // namespace

proto::DataTypePB DataTypeToPB(const DataType& type) {
  proto::DataTypePB pb;
  pb.set_type_id(static_cast<int32_t>(type.id));
  pb.set_length(type.length);
  pb.set_precision(type.precision);
  pb.set_scale(type.scale);
  return pb;
}

Result<DataType> DataTypeFromPB(const proto::DataTypePB& pb) {
  if (pb.type_id() < 0 || pb.type_id() > static_cast<int32_t>(TypeId::kJson)) {
    return Status::Corruption("unknown type id " + std::to_string(pb.type_id()));
  }
  if (pb.precision() < INT16_MIN || pb.precision() > INT16_MAX || pb.scale() < INT16_MIN || pb.scale() > INT16_MAX) {
    return Status::Corruption("type precision / scale out of range");
  }
  DataType type;
  type.id = static_cast<TypeId>(pb.type_id());
  type.length = pb.length();
  type.precision = static_cast<int16_t>(pb.precision());
  type.scale = static_cast<int16_t>(pb.scale());
  return type;
}

Result<proto::ExprPB> ExprToPB(const Expr& expr) { return Encode(expr, 0); }

Result<ExprPtr> ExprFromPB(const proto::ExprPB& pb, const std::vector<DataType>& input_types,
                           const FunctionContext& context) {
  return Decode(pb, input_types, 0, context);
}

}  // namespace basalt
