// libFuzzer target: any byte string given to the SQL parser must yield a statement list or a
// Status, never a crash, hang or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fe/sql/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  auto result = basalt::sql::ParseStatements(sql);
  (void)result;
  return 0;
}
