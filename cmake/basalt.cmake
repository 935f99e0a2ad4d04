# Small helpers so every folder's CMakeLists.txt stays a few lines long.

# basalt_library(NAME SRCS a.cc b.cc DEPS x y)
function(basalt_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SRCS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# basalt_test(NAME SRCS foo_test.cc DEPS lib) -> a GoogleTest binary registered with ctest.
function(basalt_test name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  # Test names are prefixed with the binary name so `ctest -R journal` selects a module's tests.
  gtest_discover_tests(${name} TEST_PREFIX "${name}." DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
endfunction()

# basalt_fuzzer(NAME SRCS x_fuzzer.cc DEPS lib) -> a libFuzzer binary, only with BASALT_FUZZ.
function(basalt_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  if(BASALT_FUZZ)
    add_executable(${name} ${ARG_SRCS})
    target_link_libraries(${name} PRIVATE ${ARG_DEPS})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  endif()
endfunction()
