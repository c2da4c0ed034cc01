#pragma once
// stage.change (OCMS 15, spec 003): the pure halves of the handler, unit-tested without a
// database: the payload (schemas/commands/stage.change.v1, read through contract::StageChange) as a
// request, and a decision as the reply (appCode, message, data). The handler itself is
// change_stage() in handler.hpp.
#include "contract/payloads.hpp"
#include "domain/stage.hpp"
#include "handler.hpp"
#include "json/json.hpp"

#include <expected>
#include <optional>
#include <string>

namespace ocms::worker::stage_change {

// The payload's mode (the contract's: one enum for the wire's words).
using Mode = contract::StageMode;

struct Request {
    Mode mode = Mode::submit;
    // submit / plus: the rules' command. toppan: notice_no, officer, source, and current_stage
    // (the run's currentStage) are read from it.
    domain::ChangeStage change;
    std::optional<TimePoint> processing_date;  // toppan only
};

// A payload the rules cannot take although it passed the schema: spec 003 section 3's request
// faults (HTTP 400, appCode OCMS-4000).
struct RequestFault {
    std::string code;  // domain::stage_code::kMissingData or kInvalidFormat
    std::string message;
};

// The payload, already valid against stage.change.v1. Toppan without currentStage or
// processingDate: MISSING_DATA; a date that matches the pattern but is no real time
// (2025-02-30T00:00:00): INVALID_FORMAT. A payload contract::decode refuses (only one the schema
// refuses too, which the intake has dead-lettered before): INVALID_FORMAT, as the edge answers a
// payload its schema refuses.
std::expected<Request, RequestFault> parse_request(const json::Value& payload);

// data: {"code", "outcome": "FAILED"}; appCode OCMS-4000. The edge takes the HTTP status from
// the code (domain::stage_http_status): a reply says what happened, never how to answer HTTP.
HandlerResult fault_result(const RequestFault& fault);
// submit / plus. data: {"code", "outcome": UPDATED|FAILED|WARNING, "previousStage"?,
// "newStage"?}; appCode and message are the decision's.
HandlerResult change_result(const domain::StageDecision& decision);
// toppan. data: {"toppan": automatic|manual|skipped, "skip"? (the ToppanSkip's name),
// "previousStage"?, "newStage"?}. appCode OCMS-2000 when automatic or manual; skipped: OCMS-4001
// when the notice is not found, else OCMS-4002, with the decision's message.
HandlerResult toppan_result(const domain::ToppanDecision& decision, const std::optional<domain::StageNotice>& notice);

std::string_view outcome_name(domain::ChangeOutcome o);  // "UPDATED" / "FAILED" / "WARNING"
std::string_view toppan_kind_name(domain::ToppanKind k);  // "automatic" / "manual" / "skipped"
std::string_view toppan_skip_name(domain::ToppanSkip s);  // "not_found", "court_stage", ...

inline constexpr std::string_view kToppanManualMessage = "Manual stage change confirmed by Toppan";

}  // namespace ocms::worker::stage_change
