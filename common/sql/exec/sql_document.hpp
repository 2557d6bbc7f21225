#pragma once

// A sink table's row as the document the job writes (issue 13), the same
// for the Elasticsearch and NDJSON sinks and for the SQL oracle that
// checks them: one field per column, named as the column, and values as
// the built-in job writes its four results (so that Kibana views keep
// working):
//   BIGINT and smaller   a JSON integer
//   DOUBLE, FLOAT,       a JSON number, as Boost.JSON writes a double
//   DECIMAL              (0.5 as 5E-1; a DECIMAL through its exact text,
//                        read as a double); NaN and infinities as null
//   BOOLEAN              true / false
//   STRING, CHAR         a JSON string
//   TIMESTAMP            "yyyy-MM-dd HH:mm:ss" (zone-less, as the seed's
//                        event_time)
//   TIMESTAMP_LTZ        ISO 8601 with the job zone's offset
//                        ("2017-11-26T10:00:00+08:00", for time axes)
//   DATE                 "yyyy-MM-dd"
//   NULL                 null

#include "common/sql/exec/sql_value.hpp"
#include "common/sql/sql_bound.hpp"
#include "common/time/time_zone.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// One value as its document field.
boost::json::value document_value(const sql_value& value, const time_zone& zone);

/// `row` (the sink's columns, in order) as a document.
boost::json::object sql_document(const bound_table& sink, const sql_row& row,
                                 const time_zone& zone);

/// The fields `key` of `document` as JSON text ("[\"books\"]"): what a
/// primary key's documents are matched by.
std::string document_key(const std::vector<std::string>& key,
                         const boost::json::object& document);

/// Ids longer than this are written as a hash (Elasticsearch allows no more).
constexpr size_t max_sql_document_id_bytes = 512;
/// Between the key's fields in an id, as Flink's document-id.key-delimiter.
constexpr char document_id_delimiter = '_';

/// The id a sink row's document is written under, so that a row written
/// again (an upsert, a replay after a restore) replaces the earlier one.
/// As Flink's Elasticsearch sink: the primary key's values joined by '_',
/// a string as it is, a TIMESTAMP in ISO 8601 ("2017-11-26T10:00:00"),
/// anything else as in the document. "hash-" and 16 hex digits instead
/// when there is no key (a hash of the whole document), when the id would
/// be longer than 512 bytes, or when a value of a key of several fields
/// holds the delimiter.
std::string document_id(const bound_table& sink, const sql_row& row,
                        const boost::json::object& document);

/// "hash-" and 16 hex digits of `identity`.
std::string document_hash_id(std::string_view identity);

} // namespace ubaflow
