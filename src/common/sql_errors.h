// MySQL error numbers and SQLSTATEs Basalt reports, named once so every module uses the same
// pair. Clients key on these numbers (SQLAlchemy's has_table treats 1146/1049/1051 as "no
// table"), so they follow MySQL where StarRocks deviates (see shared spec mysql_protocol §2.6).
// SQLSTATE class 08 is reserved for real transport failures: JDBC drops the connection on it.
#pragma once

#include "common/status.h"

namespace basalt::sql_errors {

inline constexpr SqlError kDbCreateExists{1007, "HY000"};
inline constexpr SqlError kDbDropMissing{1008, "HY000"};
inline constexpr SqlError kTooManyConnections{1040, "08004"};
inline constexpr SqlError kHandshakeError{1043, "08S01"};
inline constexpr SqlError kAccessDenied{1045, "28000"};
inline constexpr SqlError kNoDatabaseSelected{1046, "3D000"};
inline constexpr SqlError kUnknownCommand{1047, "08S01"};
inline constexpr SqlError kBadDatabase{1049, "42000"};
inline constexpr SqlError kTableExists{1050, "42S01"};
inline constexpr SqlError kBadTable{1051, "42S02"};
inline constexpr SqlError kBadField{1054, "42S22"};
inline constexpr SqlError kDuplicateFieldName{1060, "42S21"};
inline constexpr SqlError kParseError{1064, "42000"};
inline constexpr SqlError kEmptyQuery{1065, "42000"};
inline constexpr SqlError kNoSuchThread{1094, "HY000"};
inline constexpr SqlError kUnknownError{1105, "HY000"};
inline constexpr SqlError kNetPacketTooLarge{1153, "08S01"};
inline constexpr SqlError kNetReadError{1158, "08S01"};
inline constexpr SqlError kUnknownSystemVariable{1193, "HY000"};
inline constexpr SqlError kWrongValueForVar{1231, "42000"};
inline constexpr SqlError kWrongTypeForVar{1232, "42000"};
inline constexpr SqlError kNotSupportedYet{1235, "42000"};
inline constexpr SqlError kUnknownStmtHandler{1243, "HY000"};
inline constexpr SqlError kNotSupportedAuthMode{1251, "08004"};
inline constexpr SqlError kUnknownCharacterSet{1115, "42000"};
inline constexpr SqlError kUnknownCollation{1273, "HY000"};
inline constexpr SqlError kUnsupportedPs{1295, "HY000"};
inline constexpr SqlError kCannotUser{1396, "HY000"};
inline constexpr SqlError kQueryInterrupted{1317, "70100"};
inline constexpr SqlError kOutOfResources{1041, "HY000"};
inline constexpr SqlError kSpecificAccessDenied{1227, "42000"};
inline constexpr SqlError kWrongArguments{1210, "HY000"};
inline constexpr SqlError kWrongParamCount{1582, "42000"};
inline constexpr SqlError kFunctionNotExists{1305, "42000"};
inline constexpr SqlError kDivisionByZero{1365, "22012"};
inline constexpr SqlError kTruncatedWrongValue{1292, "22007"};
inline constexpr SqlError kUnknownTimeZone{1298, "HY000"};
inline constexpr SqlError kQueryTimeout{3024, "HY000"};

}  // namespace basalt::sql_errors
