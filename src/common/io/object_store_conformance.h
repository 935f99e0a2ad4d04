// The ObjectStore conformance suite: one set of GoogleTest cases every implementation and
// decorator must pass, so "behaves like S3" is checked the same way for memory, a local
// directory, MinIO and the wrappers.
//
// Use: link basalt_object_store_conformance into a test binary and instantiate the suite with
// factories, e.g.
//
//   INSTANTIATE_TEST_SUITE_P(Memory, ObjectStoreConformanceTest,
//       ::testing::Values(ObjectStoreFactory{"memory", [] { ... }}),
//       ObjectStoreFactoryName);
//
// Each test calls the factory once and expects a store over an empty namespace (for a shared
// backend such as a MinIO bucket, wrap it in a PrefixedObjectStore with a unique prefix and delete
// the keys in cleanup). A factory returning a skip reason makes every test GTEST_SKIP with it.
// Checks an implementation opts out of through Capabilities are verified in their "cannot" form
// instead (e.g. NotSupported).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "common/io/object_store.h"

namespace basalt {

struct ObjectStoreTestTarget {
  std::shared_ptr<ObjectStore> store;
  // Runs after the test (e.g. deletes what it wrote to a shared bucket). May be empty.
  std::function<void()> cleanup;
  // Non-empty: the backend is unavailable here and the test is skipped with this message.
  std::string skip_reason;
};

struct ObjectStoreFactory {
  std::string name;  // A valid test-name suffix: letters, digits, '_'.
  std::function<Result<ObjectStoreTestTarget>()> make;
};

// Test names and failure messages show the factory's name.
void PrintTo(const ObjectStoreFactory& factory, std::ostream* os);
std::string ObjectStoreFactoryName(const ::testing::TestParamInfo<ObjectStoreFactory>& info);

class ObjectStoreConformanceTest : public ::testing::TestWithParam<ObjectStoreFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  ObjectStore& store() { return *target_.store; }

  ObjectStoreTestTarget target_;
};

}  // namespace basalt
