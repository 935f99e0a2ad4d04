#include "engine/expr_codec.h"

#include <gtest/gtest.h>

#include "engine/functions.h"

namespace basalt {
namespace {

// Builds calls the way the FE binder does (fe/qe/binder.cc MakeCall).
ExprPtr Call(const std::string& name, std::vector<ExprPtr> args) {
  std::vector<DataType> types;
  for (const ExprPtr& a : args) types.push_back(a->type());
  auto fn = ResolveFunction(name, types);
  EXPECT_TRUE(fn.ok()) << fn.status();
  return std::make_shared<FunctionExpr>(name, fn->kernel, std::move(args), fn->result_type);
}
ExprPtr Lit(Value v) { return std::make_shared<LiteralExpr>(std::move(v)); }
ExprPtr Ref(size_t i, DataType t) { return std::make_shared<ColumnRefExpr>(i, t); }

// Encodes, sends through the wire format, decodes.
Result<ExprPtr> RoundTrip(const Expr& expr, const std::vector<DataType>& inputs) {
  ASSIGN_OR_RETURN(proto::ExprPB pb, ExprToPB(expr));
  proto::ExprPB parsed;
  if (!parsed.ParseFromString(pb.SerializeAsString())) return Status::Corruption("unparsable");
  return ExprFromPB(parsed, inputs);
}

std::vector<std::string> Rows(const Expr& expr, const Chunk& chunk) {
  auto column = expr.Evaluate(chunk);
  EXPECT_TRUE(column.ok()) << column.status();
  std::vector<std::string> out;
  for (size_t r = 0; r < chunk.num_rows; ++r) {
    out.push_back((*column)->IsNull(r) ? "NULL" : (*column)->FormatRow(r));
  }
  return out;
}

Chunk TwoColumns() {
  Chunk chunk;
  ColumnPtr a = Column::Make(DataType::BigInt());
  ColumnPtr b = Column::Make(DataType::Varchar());
  a->AppendInt(1);
  b->AppendString("12");
  a->AppendNull();
  b->AppendString("x");
  a->AppendInt(40);
  b->AppendNull();
  chunk.columns = {a, b};
  chunk.num_rows = 3;
  return chunk;
}

const std::vector<DataType> kInputs = {DataType::BigInt(), DataType::Varchar()};

TEST(ExprCodecTest, RoundTripEvaluatesTheSame) {
  // (c0 + 1) * 2 > cast(c1 as bigint) OR c1 IS NULL
  ExprPtr expr = Call("OR", {Call(">", {Call("*", {Call("+", {Ref(0, DataType::BigInt()), Lit(Value::Int(1))}),
                                                   Lit(Value::Int(2))}),
                                        MakeCastExpr(Ref(1, DataType::Varchar()), DataType::BigInt())}),
                             Call("isnull", {Ref(1, DataType::Varchar())})});
  auto decoded = RoundTrip(*expr, kInputs);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ((*decoded)->type(), expr->type());
  Chunk chunk = TwoColumns();
  EXPECT_EQ(Rows(**decoded, chunk), Rows(*expr, chunk));
  EXPECT_EQ(Rows(**decoded, chunk), (std::vector<std::string>{"0", "NULL", "1"}));
}

TEST(ExprCodecTest, CastKeepsItsTargetType) {
  ExprPtr expr = MakeCastExpr(Ref(1, DataType::Varchar()), DataType::Decimal(10, 2));
  auto decoded = RoundTrip(*expr, kInputs);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ((*decoded)->type(), DataType::Decimal(10, 2));
  EXPECT_EQ(Rows(**decoded, TwoColumns()), (std::vector<std::string>{"12.00", "NULL", "NULL"}));
}

TEST(ExprCodecTest, LiteralsOfEveryPhysicalType) {
  std::vector<Value> values = {Value::Null(DataType::Varchar()),
                               Value::Null(),
                               Value::Int(-7),
                               Value::Bool(true),
                               Value::Double(2.5),
                               Value::String("héllo"),
                               Value::Int(1234, DataType::Decimal(6, 2)),
                               Value::Int(19000, DataType::Date()),
                               Value::String(std::string("a\0b", 3))};
  for (const Value& v : values) {
    auto decoded = RoundTrip(*Lit(v), {});
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    const Value* out = (*decoded)->constant();
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(out->type(), v.type());
    EXPECT_EQ(out->is_null(), v.is_null());
    EXPECT_EQ(out->ToString(), v.ToString());
  }
}

TEST(ExprCodecTest, ColumnReferenceMustMatchTheInput) {
  ExprPtr expr = Call("+", {Ref(0, DataType::BigInt()), Lit(Value::Int(1))});
  EXPECT_TRUE(RoundTrip(*expr, kInputs).ok());
  auto status = RoundTrip(*expr, {}).status();  // Index beyond the input.
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status;
  status = RoundTrip(*expr, {DataType::Varchar()}).status();  // Input of another type.
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status;

  proto::ExprPB pb = *ExprToPB(*Ref(0, DataType::BigInt()));
  pb.mutable_column_ref()->set_index(-1);
  EXPECT_EQ(ExprFromPB(pb, kInputs).status().code(), StatusCode::kInvalidArgument);
}

TEST(ExprCodecTest, CorruptedMessagesAreErrors) {
  ExprPtr expr = Call("+", {Ref(0, DataType::BigInt()), Lit(Value::Int(1))});
  const proto::ExprPB good = *ExprToPB(*expr);

  proto::ExprPB pb = good;
  pb.mutable_call()->set_function("no_such_function");
  EXPECT_EQ(ExprFromPB(pb, kInputs).status().code(), StatusCode::kInvalidArgument);

  pb = good;
  *pb.mutable_call()->mutable_result_type() = DataTypeToPB(DataType::Varchar());
  EXPECT_EQ(ExprFromPB(pb, kInputs).status().code(), StatusCode::kInvalidArgument);

  pb = good;
  pb.mutable_call()->mutable_args()->RemoveLast();  // "+" with one argument.
  EXPECT_FALSE(ExprFromPB(pb, kInputs).ok());

  pb = good;
  pb.mutable_call()->mutable_args(1)->mutable_literal()->set_string_value("1");  // BIGINT holding bytes.
  EXPECT_EQ(ExprFromPB(pb, kInputs).status().code(), StatusCode::kCorruption);

  pb = good;
  pb.mutable_call()->mutable_args(1)->mutable_literal()->mutable_type()->set_type_id(200);
  EXPECT_EQ(ExprFromPB(pb, kInputs).status().code(), StatusCode::kCorruption);

  pb = good;
  pb.mutable_call()->mutable_args(0)->Clear();  // A node without a kind.
  EXPECT_EQ(ExprFromPB(pb, kInputs).status().code(), StatusCode::kCorruption);

  proto::ExprPB null_with_value;
  null_with_value.mutable_literal()->set_int_value(1);  // Type NULL with a value.
  EXPECT_EQ(ExprFromPB(null_with_value, {}).status().code(), StatusCode::kCorruption);

  proto::ExprPB cast = *ExprToPB(*MakeCastExpr(Ref(0, DataType::BigInt()), DataType::Varchar()));
  *cast.mutable_call()->add_args() = cast.call().args(0);
  EXPECT_EQ(ExprFromPB(cast, kInputs).status().code(), StatusCode::kCorruption);

  // Garbage bytes either fail to parse or decode to an error; never a crash.
  for (int seed = 0; seed < 200; ++seed) {
    std::string bytes = good.SerializeAsString();
    bytes[static_cast<size_t>(seed) % bytes.size()] ^= static_cast<char>(seed * 37 + 1);
    proto::ExprPB garbled;
    if (garbled.ParseFromString(bytes)) (void)ExprFromPB(garbled, kInputs);
  }
}

TEST(ExprCodecTest, DeepNestingIsRejected) {
  proto::ExprPB root;
  proto::ExprPB* node = &root;
  for (int i = 0; i < 300; ++i) {
    proto::ExprPB::Call* call = node->mutable_call();
    call->set_function("negate");
    *call->mutable_result_type() = DataTypeToPB(DataType::BigInt());
    node = call->add_args();
  }
  node->mutable_literal()->set_int_value(1);
  *node->mutable_literal()->mutable_type() = DataTypeToPB(DataType::BigInt());
  EXPECT_EQ(ExprFromPB(root, {}).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace basalt
