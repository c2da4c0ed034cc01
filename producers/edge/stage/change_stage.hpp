#pragma once
// Change of processing stage (OCMS 15, spec 003) at the edge:
//   POST /api/v1/change-processing-stage/search       read, rules at the edge (search_eligibility)
//   POST /api/v1/change-processing-stage/validate     read, rules at the edge (decide_stage_change, api validate)
//   POST /api/v1/change-processing-stage              one stage.change command per item, the batch answer,
//                                                     the .xlsx report of the batch
//   GET  /api/v1/change-processing-stage/reports      the reports of a date range (at most 90 days)
//   GET  /api/v1/change-processing-stage/report/{id}  one report's .xlsx
//   POST /api/v1/external/plus/change-processing-stage  PLUS (API key): the same command, source PLUS
//   POST /api/v1/internal/toppan/update-stages        Toppan run: stage.change in mode toppan, counted
// Errors in spec 003's envelope {"success":false,"error":{"code","message"}} (PLUS:
// {"status":"FAILED","code","message"}). The pure parts (requests -> commands, replies ->
// answers) are in namespace cps so tests call them without sockets, Kafka or a database.
#include "contract/catalogue.hpp"
#include "deps.hpp"
#include "http/api.hpp"
#include "change_stage_store.hpp"
#include "dispatch/gateway.hpp"
#include "dispatch/batch_response.hpp"
#include "messages/messages.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ocms::edge {

namespace cps {

inline constexpr std::string_view kCommandType = contract::kStageChange.type;
inline constexpr int kSearchLimit = 500;        // notices listed by one search
inline constexpr int kMaxReportRangeDays = 90;  // spec 2.4
inline constexpr std::string_view kReportPath = "/api/v1/change-processing-stage/report/";
inline constexpr std::string_view kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// The spec's codes used at the edge: the domain's (kInvalidFormat, kMissingData,
// kRemarksRequired, kUnexpected), and the reports' own two (spec 003 2.4).
namespace code {
using namespace domain::stage_code;
inline constexpr std::string_view kInvalidDateRange = "INVALID_DATE_RANGE";
inline constexpr std::string_view kReportNotFound = "REPORT_NOT_FOUND";
}  // namespace code

using CpsResult = std::expected<std::string, ApiError>;

// ---- search ------------------------------------------------------------------------------------
// At least one criterion (blank strings count as absent): else 400 OCMS.CPS.MISSING_DATA.
std::expected<stage_store::SearchCriteria, ApiError> search_criteria(const json::Value& body);
std::string search_answer(const StageSearchResult& found);

// ---- validate ----------------------------------------------------------------------------------
struct ValidateItem {
    std::string notice_no;
    std::optional<std::string> current_stage, offender_type, entity_type;
};
struct ValidateRequest {
    std::vector<ValidateItem> notices;
    std::string new_stage;
    std::optional<std::string> reason, remarks;
};
// Duplicates -> 400 INVALID_FORMAT; reason OTH without remarks -> 422 OCMS.CPS.REMARKS_REQUIRED.
std::expected<ValidateRequest, ApiError> validate_request(const json::Value& body);
std::string validate_answer(const ValidateRequest& req, const StageCheckResult& found, const std::string& officer,
                            TimePoint now);

// ---- submit (2.3) ------------------------------------------------------------------------------
struct SubmitItem {
    std::string notice_no;
    std::optional<std::string> new_stage, reason, remark;
    bool dh_mha_check = false, is_confirmation = false;
};
std::expected<std::vector<SubmitItem>, ApiError> submit_items(const json::Value& body);

// One stage.change command per notice (mode submit / plus / toppan), checked against the schemas.
struct StageCommandSpec {
    std::string mode;    // submit | plus | toppan
    std::string source;  // OCMS | PLUS | SYSTEM
    std::string officer;
    std::string notice_no;
    std::optional<std::string> new_stage, current_stage, offender_type, reason, remarks, new_stage_date, processing_date;
    bool dh_mha_check = false, is_confirmation = false;
};
std::expected<std::vector<messages::Command>, ApiError> build_commands(const std::vector<StageCommandSpec>& specs,
                                                                      const RequestId& request_id, TimePoint now,
                                                                      const json::SchemaRegistry* schemas);

// What one notice's command came to, from its gateway item and the worker's reply data.
struct NoticeOutcome {
    std::string notice_no;
    std::string outcome;  // UPDATED | FAILED | WARNING | PENDING
    std::string code;     // the spec's code ("OCMS-2000" when updated; "" for pending)
    std::string message;
    std::optional<std::string> previous_stage, new_stage;
    int http_status = 200;
    std::optional<std::string> toppan;  // automatic | manual | skipped (Toppan only)
    std::optional<std::string> command_id;  // pending ones
};
NoticeOutcome outcome_of(const DispatchItem& item);

struct SubmitAnswer {
    unsigned status = 200;  // 202 when some notices are pending
    std::string body;
};
// status SUCCESS (all updated) / PARTIAL (some) / WARNING (none updated, only warnings among the
// answered) / FAILED (none updated); summary.failed counts warnings too (spec 2.3).
SubmitAnswer submit_answer(const RequestId& request_id, const std::vector<NoticeOutcome>& outcomes,
                           const std::optional<std::string>& report_url);
std::vector<reports::ChangeStageReportRow> report_rows(const std::vector<NoticeOutcome>& outcomes,
                                                       const std::vector<SubmitItem>& items);

// ---- reports (2.4, 2.5) ------------------------------------------------------------------------
struct DateRange {
    std::string start, end;  // yyyy-MM-dd
};
// startDate and endDate from the query string: missing -> 400 OCMS.CPS.MISSING_DATA; not a
// date -> 400 OCMS.CPS.INVALID_FORMAT; end before start or more than 90 days apart -> 400
// INVALID_DATE_RANGE.
std::expected<DateRange, ApiError> report_range(std::string_view query);
std::string reports_answer(const std::vector<ReportListing>& reports);

// ---- PLUS (2.6) ----------------------------------------------------------------------------------
struct PlusRequest {
    std::vector<std::string> notices;
    std::string last_stage, next_stage, offence_type, source;
    std::optional<std::string> last_stage_date, new_stage_date;
};
std::expected<PlusRequest, ApiError> plus_request(const json::Value& body);
// The request-level rules, before anything is published: a target PLUS may not set -> 422
// OCMS-4004; (lastStageName, nextStageName) not an active stage map row -> 422 OCMS-4000.
std::optional<ApiError> plus_refusal(const PlusRequest& req, const domain::StageReference& ref);
SubmitAnswer plus_answer(const RequestId& request_id, const std::vector<NoticeOutcome>& outcomes);

// ---- Toppan (2.7) --------------------------------------------------------------------------------
struct ToppanRequest {
    std::vector<std::string> notices;
    std::string current_stage;
    std::string processing_date;  // as sent (ISO local date-time)
};
std::expected<ToppanRequest, ApiError> toppan_request(const json::Value& body);
SubmitAnswer toppan_answer(const RequestId& request_id, const std::vector<NoticeOutcome>& outcomes);

}  // namespace cps

namespace handlers {
// HandlerOf<stage::Deps> (http/routes.hpp): deps, exchange, body, done.
HandlerOf<stage::Deps> change_stage_search, change_stage_validate, change_stage_submit, change_stage_reports,
                       change_stage_report, plus_change_stage, toppan_update_stages;
}  // namespace handlers

}  // namespace ocms::edge
