// Expression codec: a bound Expr tree <-> proto::ExprPB (proto/storage.proto documents the
// format). The FE binds an expression once (names, types, function resolution) and ships the
// result; the CN rebuilds an evaluable tree from it without a catalog or a parser.
//
// Decoding trusts nothing: every index, type and function is checked, and a message that does not
// describe a valid tree over `input_types` is an error (Corruption for a malformed message,
// InvalidArgument when it names inputs or functions this engine does not agree with), never a
// crash.
#pragma once

#include <vector>

#include "common/status.h"
#include "engine/expr.h"
#include "engine/functions.h"
#include "storage.pb.h"

namespace basalt {

proto::DataTypePB DataTypeToPB(const DataType& type);
Result<DataType> DataTypeFromPB(const proto::DataTypePB& pb);

// InvalidArgument for a node this codec cannot express (an Expr subclass it does not know).
Result<proto::ExprPB> ExprToPB(const Expr& expr);

// Rebuilds the tree for evaluation over chunks whose columns have `input_types`. Calls are
// resolved again through ResolveFunction (with `context`: the time zone of zone-dependent
// functions); "cast" becomes MakeCastExpr.
Result<ExprPtr> ExprFromPB(const proto::ExprPB& pb, const std::vector<DataType>& input_types,
                           const FunctionContext& context = {});

}  // namespace basalt
