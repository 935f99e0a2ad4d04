// A minimal blocking MySQL protocol client: connect as a user with an empty or native password,
// run text queries, read result sets as strings. Used by the standalone launcher to register the
// compute node and by tools; applications should use a real driver.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace basalt::fe::mysql {

struct SimpleResult {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

class SimpleClient {
 public:
  SimpleClient() = default;
  ~SimpleClient();
  SimpleClient(const SimpleClient&) = delete;
  SimpleClient& operator=(const SimpleClient&) = delete;

  // Errors: IOError when nothing listens; the server's ERR (e.g. 1045) as a Status with its errno.
  Status Connect(const std::string& host, int port, const std::string& user, const std::string& password,
                 int timeout_ms = 5000);
  // Runs one statement; rows are empty for statements that return an OK.
  Result<SimpleResult> Query(const std::string& sql);
  void Close();

 private:
  int fd_ = -1;
};

}  // namespace basalt::fe::mysql
