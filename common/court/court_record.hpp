#pragma once
// One record of POST /v1/updateCourtNotices (spec 001 1.3) from JSON, as CAS sends it and as the
// court.update command carries it (schemas/commands/court.update.v1): snake_case field names,
// every field optional but notice_no. Pure functions over a parsed document, safe from any thread.
//
// The edge calls check_court_record on each record and refuses the request (OCMS-4022) before it
// publishes anything; the worker calls it again on the payload (other systems publish straight to
// the topic) and writes only what passed.
#include "domain/court.hpp"
#include "json/json.hpp"

#include <expected>
#include <string>
#include <vector>

namespace ocms::court {

using Errors = std::vector<domain::FieldError>;

// Shape and types only, every failing field once:
// - the record is an object; notice_no is present and a string; no other keys than spec 001's;
// - a key that is absent stays absent, a JSON null becomes Field::null();
// - the text fields are strings; last_processing_date an ISO 8601 string (parse_iso: no zone =
//   Singapore time); amount_payable a JSON number or a numeric string ("12.5") with at most two
//   decimals, read into cents exactly (never through a rounding of a double).
// The rules of the values (TS/PS, lengths, not null, >= 0) are domain::validate_court_update's.
std::expected<domain::CourtUpdate, Errors> parse_court_update(const json::Value& record);

// parse_court_update, then domain::validate_court_update: the record the worker may write.
std::expected<domain::CourtUpdate, Errors> check_court_record(const json::Value& record);

// "errors": [{"field": ..., "message": ...}, ...] as a key and its array, into an open object.
void write_errors(json::Writer& w, const Errors& errors);
// {"errors": [...]}: the data of an OCMS-4022 reply.
std::string errors_json(const Errors& errors);

}  // namespace ocms::court
