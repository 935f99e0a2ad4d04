// RowParser: Kafka message payloads -> rows of the target table (a Chunk in schema column order).
//
// Formats (proto/routine_load.proto RoutineLoadFormatPB; StarRocks semantics, starrocks_surface.md
// §3.1/§3.8):
//
//   JSON, one document per message.
//     jsonpaths   ["$.a", "$.a.b", "$['a']", "$.a[0]", "$"]: source field i is the value at path i.
//                 Keys are case-sensitive. "$" is the whole row. A path that is missing, or that
//                 runs into a value of the wrong kind (a key into a number), reads as missing.
//     simple mode (no jsonpaths) the row must be an object; its keys match table column names
//                 case-insensitively (as StarRocks does); unknown keys are ignored.
//     json_root   a path (same syntax) to the sub-document that holds the row(s).
//     strip_outer_array  the document (or json_root) is an array, one row per element.
//   CSV, a message holds one or more rows separated by row_delimiter ("\n" by default; a trailing
//     delimiter does not make an empty row, empty lines are skipped), fields separated by
//     column_separator ("\t" by default; both may be several bytes). "\N" is NULL; an empty field
//     is the empty string. A row with the wrong number of fields is an error row.
//     enclose / escape / trim_space (one byte each, StarRocks semantics, RoutineLoadFormatPB):
//     a field starting with the enclose byte runs to the next lone enclose byte and may hold
//     separators, row delimiters (the row goes on) and doubled enclose bytes (one literal each);
//     the escape byte makes the next byte literal; trim_space drops spaces around fields outside
//     the enclosure. An unenclosed \N is still NULL. An enclosure left open at the end of the
//     message makes the rest of the message one error row naming the enclose byte.
//
//   COLUMNS (format.columns): source field i goes to the table column named columns[i]
//   (case-insensitive); names that are not table columns are dropped. Without it CSV fields and
//   jsonpaths map positionally onto the table's columns, simple mode by name. A table column no
//   source field feeds, and a missing JSON value, gets the column default (has_default) or NULL.
//
//   Derived columns and WHERE (format.load_columns, format.where): parsing works in two steps.
//   Their time-zone-dependent functions (from_unixtime, unix_timestamp, now) use format.timezone.
//   The fields are first parsed, as above, into source columns: the load_columns items without
//   an expression, in order (CSV fields and jsonpaths positionally, simple mode by name); a
//   source named like a table column has that column's type (and its default for a missing JSON
//   value), any other is VARCHAR. TakeRows() then evaluates the derived expressions in order over
//   [sources..., earlier derived...] and builds the table's rows:
//     1. a derived expression that fails for a row (e.g. overflow) makes it an error row;
//     2. each table column takes the derived column of its name, else the source column of its
//        name, else its default or NULL; a derived value is converted to the column type like a
//        parsed value (non-strict: NULL; strict: an error row);
//     3. WHERE, over [sources..., derived...] before conversion: a row for which it is not true
//        (false or NULL) is unselected, counted in unselected_rows and not loaded;
//     4. a selected row with NULL in a NOT NULL column is an error row.
//   Rows rejected in these steps are kept with the source columns as "name=value, ..." for raw.
//
// Conversion to the column type: JSON numbers go straight into integer / floating columns, JSON
// booleans become 1/0 in integer columns; everything else goes through engine CastValue (the same
// conversions as INSERT). Into string columns JSON numbers keep their text, objects and arrays
// their minified text; JSON columns keep the minified JSON of the value (strings with quotes).
// Integers out of the column's range (TINYINT/SMALLINT/INT) are unconvertible. An unconvertible
// value is NULL in non-strict mode (an error only for a NOT NULL column) and makes the row an error
// row in strict mode. NULL or a missing value into a NOT NULL column without default, malformed
// JSON, binary garbage (invalid UTF-8), an empty JSON message, a non-object row in simple mode, or
// a CSV field-count mismatch make error rows with a reason. A JSON document that turns out
// malformed after some of its strip_outer_array rows were read keeps those rows and counts the
// rest of the message as one error row (On-Demand parsing validates lazily).
//
// Counters: total (loaded + error + unselected), error, unselected, loaded rows and received
// payload bytes. The first
// rejected rows (options.max_kept_rejected, -1 = all) are kept with their reason and the raw
// message (CSV: the row), truncated to 1 KiB, for error samples and the error log.
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/column.h"
#include "engine/expr.h"
#include "routine_load.pb.h"
#include "storage.pb.h"

namespace basalt::cn {

struct RejectedRow {
  std::string reason;
  std::string raw;  // At most kMaxRejectedRawBytes.
};

inline constexpr size_t kMaxRejectedRawBytes = 1024;

struct RowParserOptions {
  int64_t max_kept_rejected = 3;  // Rejected rows kept for samples / the error log; -1 = all.
};

class RowParser {
 public:
  // InvalidArgument for an unknown format, a bad jsonpath / json_root, jsonpaths or COLUMNS longer
  // than the table without COLUMNS, a bad schema, or load_columns / where expressions that do not
  // decode over the source columns (expr_codec.h).
  static Result<std::unique_ptr<RowParser>> Make(const proto::RoutineLoadFormatPB& format,
                                                 const proto::TableSchemaPB& schema,
                                                 RowParserOptions options = {});
  virtual ~RowParser();

  // Parses one message; good rows are appended, bad rows counted (and kept, see above).
  virtual void Parse(std::string_view message) = 0;

  // The rows parsed so far (schema column order); the parser starts a new chunk. With derived
  // columns / WHERE this is where they are evaluated (and rows rejected or unselected).
  Chunk TakeRows();

  // Rows parsed since the last TakeRows() (before derived columns / WHERE).
  size_t buffered_rows() const { return rows_in_chunk_; }
  int64_t total_rows() const { return total_rows_; }
  int64_t error_rows() const { return error_rows_; }
  int64_t unselected_rows() const { return unselected_rows_; }
  int64_t loaded_rows() const { return total_rows_ - error_rows_ - unselected_rows_; }
  int64_t received_bytes() const { return received_bytes_; }
  const std::vector<RejectedRow>& rejected() const { return rejected_; }

  // Keeps a row rejected later (e.g. no partition for it) with the parser's own rejects, within
  // the same limit. Counters are the caller's business.
  void KeepRejected(std::string reason, std::string_view raw);

 protected:
  // One table column as the parser fills it.
  struct Target {
    std::string name;
    DataType type;
    bool nullable = true;
    Value fill;  // For a missing value: the default converted to the type, or NULL.
    enum class Kind : uint8_t { kInt, kDouble, kString, kJson, kOther } kind = Kind::kOther;
    int64_t min = INT64_MIN, max = INT64_MAX;  // Integer range.
  };
  // The current row's value for one target column. String views point into the message, the JSON
  // parser's string buffer or `owned`, all valid until the row is appended.
  struct Slot {
    enum class Kind : uint8_t { kMissing, kNull, kInt, kDouble, kString } kind = Kind::kMissing;
    bool conversion_failed = false;  // NULL because the value did not convert (non-strict).
    int64_t i = 0;
    double d = 0;
    std::string_view s;
    std::string owned;
    std::string failed_text;  // The value that did not convert, for the error reason.
  };

  // Derived columns and WHERE (see the header comment); absent when load_columns is empty.
  struct Transform {
    size_t num_sources = 0;
    std::vector<std::string> names;  // Sources, then derived: the evaluation row's columns.
    std::vector<ExprPtr> derived;    // Column num_sources + i.
    ExprPtr where;                   // Null: every row is selected.
    std::vector<Target> table;       // The table's columns.
    std::vector<int> feed;           // Per table column: evaluation column, or -1 (default / NULL).
  };

  RowParser() = default;
  Status Init(const proto::RoutineLoadFormatPB& format, const proto::TableSchemaPB& schema, RowParserOptions options);

  // Source field i -> target index, or -1 when dropped. `count` source fields.
  Result<std::vector<int>> MapSourceFields(size_t count) const;
  int FindTarget(std::string_view name) const;  // Case-insensitive; -1 when absent.

  void BeginRow();
  // Counts the row and appends it, or rejects it (with `raw`) when it has an error or a NOT NULL
  // column without value.
  void FinishRow(std::string_view raw);
  // Rejects a row that never got parsed (malformed message); counts it.
  void RejectRow(std::string reason, std::string_view raw);
  void SetRowError(std::string reason) {
    if (row_error_.empty()) row_error_ = std::move(reason);
  }

  // Conversions into slots[target].
  void SetNull(int target) { slots_[target].kind = Slot::Kind::kNull; }
  void SetInt(int target, int64_t v);        // A JSON integer / boolean.
  void SetDouble(int target, double v);      // A JSON floating point number.
  void SetText(int target, std::string_view text);  // A string (CSV field, JSON string).
  // A JSON number's literal text or a JSON object/array's minified text.
  void SetJsonText(int target, std::string_view text, bool is_number);
  void SetFromValue(int target, const Value& v, std::string_view text_for_errors);

  Status InitTransform(std::vector<Target> table);
  // Steps 1-4 of the header comment over a chunk of source rows.
  Chunk ApplyTransform(const Chunk& sources);
  // The derived columns (or the error) for the rows of `sources`, one row at a time: used when a
  // whole-chunk evaluation failed, to find the rows at fault.
  std::vector<ColumnPtr> EvaluateRowByRow(const Chunk& sources, std::vector<std::string>* row_errors);

  proto::RoutineLoadFormatPB format_;
  std::vector<Target> targets_;
  std::vector<Slot> slots_;
  std::string row_error_;
  bool strict_ = false;

  std::vector<ColumnPtr> columns_;
  size_t rows_in_chunk_ = 0;
  int64_t total_rows_ = 0;
  int64_t error_rows_ = 0;
  int64_t unselected_rows_ = 0;
  int64_t received_bytes_ = 0;
  std::unique_ptr<Transform> transform_;
  int64_t max_kept_rejected_ = 3;
  std::vector<RejectedRow> rejected_;
};

}  // namespace basalt::cn
