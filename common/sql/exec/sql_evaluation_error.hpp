#pragma once

// Why an expression could not be evaluated for one row: integer division
// by zero, a CAST of text that is no number, a column the row lacks. Flink
// fails the job on these; ubaflow rejects the row and counts it instead
// (the evaluator catches this and returns it in sql_evaluation), so one
// bad record never stops a job. Thrown only on such rows, never on the
// normal path.

#include "common/sql/sql_token.hpp"

#include <optional>
#include <stdexcept>
#include <string>

namespace ubaflow {

class sql_evaluation_error : public std::runtime_error {
public:
  explicit sql_evaluation_error(const std::string& message)
    : std::runtime_error(message) {
    // nop
  }

  /// Where in the script: the innermost expression that failed, set by
  /// the evaluator as the error passes it.
  std::optional<source_position> position;
};

} // namespace ubaflow
