// information_schema: MySQL 8 column lists (shared spec mysql_protocol.md §4.4) filled from the
// catalog, so BI tools and drivers can browse schemas. Tables Basalt has nothing for yet (views,
// routines, triggers, ...) exist with their columns and no rows, because tools fail on a missing
// table but are happy with an empty one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/column.h"
#include "fe/qe/fe_context.h"
#include "fe/qe/query_result.h"

namespace basalt::fe {

inline constexpr const char* kInformationSchema = "information_schema";

struct SystemTable {
  std::string name;                  // Upper-case MySQL name, e.g. "TABLES".
  std::vector<ResultColumn> columns;
  Chunk rows;
};

// Names of the information_schema tables, as listed by SHOW TABLES.
std::vector<std::string> SystemTableNames();
// Builds the table's current contents, or nullopt if there is no such table (case-insensitive).
std::optional<SystemTable> BuildSystemTable(std::string_view name, const FeContext& fe, Session& session);

}  // namespace basalt::fe
