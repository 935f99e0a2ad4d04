// libFuzzer target: arbitrary bytes as a segment object. Opening and reading must return OK or
// Status::Corruption, never crash, trip a sanitizer, or allocate without bound.
//
//   cmake -B build/fuzz -G Ninja -DBASALT_FUZZ=ON -DBASALT_SANITIZE=ON \
//     -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
//   cmake --build build/fuzz --target segment_reader_fuzzer
//   # Seeds: small valid segments, e.g. from the size benchmark:
//   basalt-segment-size --rows 300 --page-rows 64 --compression all --write-segment corpus/seed
//   build/fuzz/src/cn/storage/segment/segment_reader_fuzzer -max_len=20000 work/ corpus/
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cn/storage/segment/segment_reader.h"

namespace {

void CheckStatus(const basalt::Status& st) {
  if (!st.ok() && !st.IsCorruption()) std::abort();  // Only Corruption is an acceptable failure.
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace basalt;
  using namespace basalt::segment;
  auto reader = SegmentReader::Open(std::string(reinterpret_cast<const char*>(data), size));
  if (!reader.ok()) {
    CheckStatus(reader.status());
    return 0;
  }
  // Read every column, then again with predicates on the first column (pruning paths).
  auto all = (*reader)->ReadAll({});
  if (!all.ok()) CheckStatus(all.status());
  const auto& schema = (*reader)->schema();
  ReadOptions opts;
  opts.batch_rows = 1000;
  Value constant;
  switch (schema[0].type.physical()) {
    case PhysicalType::kInt64: constant = Value::Int(0); break;
    case PhysicalType::kDouble: constant = Value::Double(0.5); break;
    case PhysicalType::kString: constant = Value::String("m"); break;
  }
  opts.predicates = {{schema[0].name, CompareOp::kGe, constant}, {schema[0].name, CompareOp::kIsNotNull, Value()}};
  auto it = (*reader)->NewIterator(opts);
  if (!it.ok()) {
    CheckStatus(it.status());
    return 0;
  }
  Chunk chunk;
  while (true) {
    auto more = (*it)->Next(&chunk);
    if (!more.ok()) {
      CheckStatus(more.status());
      break;
    }
    if (!*more) break;
  }
  return 0;
}
