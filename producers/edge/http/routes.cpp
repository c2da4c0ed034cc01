#include "routes.hpp"

#include "cas/cas.hpp"
#include "cas/court_update.hpp"
#include "ops/ops.hpp"
#include "ops/probes.hpp"
#include "outcome/request_outcome.hpp"
#include "reads/notice_list.hpp"
#include "reads/reason_list.hpp"
#include "reads/user_list.hpp"
#include "revival/auto_revival_trigger.hpp"
#include "revival/revive_suspension.hpp"
#include "stage/change_stage.hpp"
#include "suspension/plus_apply_suspension.hpp"
#include "suspension/staff_apply_suspension.hpp"

namespace ocms::edge {

const std::vector<Route>& routes() {
    using boost::beast::http::verb;
    // Spec 004 appendix: the revival routes' authentication failures, word for word.
    static const std::string kJwtText = "Invalid JWT token";
    static const std::string kApimText = "Invalid Auth Token";
    static const std::vector<Route> table{
        // spec 002 API 3: Staff Portal applies a TS to up to 10 notices.
        {.method = verb::post, .path = "/v1/staff-apply-suspension", .auth = {.any_of_roles = {roles::kStaff}},
         .body_schema = "http/staff-apply-suspension.request", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::staff_apply_suspension},
        // spec 002 API 5: PLUS applies a TS to one notice; JWT role PLUS and an APIM key.
        {.method = verb::post, .path = "/v1/plus-apply-suspension",
         .auth = {.any_of_roles = {roles::kPlus}, .apim = true}, .body_schema = "http/plus-apply-suspension.request",
         .style = EnvelopeStyle::ocms_data, .handler = &handlers::plus_apply_suspension},
        // DESIGN.md invariant 7: the result of a request answered with pending items.
        {.method = verb::post, .path = "/v1/request-outcome",
         .auth = {.any_of_roles = {roles::kStaff, roles::kPlus, roles::kOps, roles::kInternal, roles::kHst}},
         .body_schema = "http/request-outcome.request", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::request_outcome},
        // spec 002 APIs 1, 2, 4: the Staff Portal's reads, straight from PostgreSQL (read_store.hpp),
        // failures in the flat {"appCode","message"} the spec shows for them.
        {.method = verb::post, .path = "/v1/validoffencenoticelist", .auth = {.any_of_roles = {roles::kStaff}},
         .body_schema = "http/validoffencenoticelist.request", .style = EnvelopeStyle::ocms_flat,
         .handler = &handlers::valid_offence_notice_list, .invalid_text = "Invalid search parameters"},
        {.method = verb::post, .path = "/v1/suspensionreasonlist",
         .auth = {.any_of_roles = {roles::kStaff, roles::kPlus}}, .body_schema = "http/suspensionreasonlist.request",
         .style = EnvelopeStyle::ocms_flat, .handler = &handlers::suspension_reason_list},
        {.method = verb::post, .path = "/v1/userlist", .auth = {.any_of_roles = {roles::kStaff}},
         .body_schema = "http/userlist.request", .style = EnvelopeStyle::ocms_flat, .handler = &handlers::user_list},
        // spec 004 1.5: run the auto-revival job now (ops, or another service); body none or {}.
        {.method = verb::post, .path = "/api/cron/auto-revival/trigger",
         .auth = {.any_of_roles = {roles::kOps, roles::kInternal}, .token_text = kJwtText},
         .body_schema = "http/auto-revival-trigger.request", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::auto_revival_trigger, .empty_body_ok = true},
        // spec 004 1.2 - 1.4: revive TS/PS, one revival.apply per notice, the batch answer
        // (docs/decisions.md "The revival routes at the edge").
        {.method = verb::post, .path = "/staff-revive-suspension",
         .auth = {.any_of_roles = {roles::kStaff}, .token_text = kJwtText},
         .body_schema = "http/staff-revive-suspension.request", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::staff_revive_suspension},
        {.method = verb::post, .path = "/plus-revive-suspension",
         .auth = {.any_of_roles = {roles::kPlus}, .apim = true, .token_text = kJwtText, .apim_text = kApimText},
         .body_schema = "http/plus-revive-suspension.request", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::plus_revive_suspension},
        {.method = verb::post, .path = "/ocms/v1/suspension/apply-revival",
         .auth = {.any_of_roles = {roles::kInternal}, .token_text = kJwtText},
         .body_schema = "http/apply-revival.request", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::internal_apply_revival},
        // spec 004 1.1: revive the TS-HST of one tenant; its answer is a JSON array, errors flat.
        {.method = verb::post, .path = "/v1/revive-hst",
         .auth = {.any_of_roles = {roles::kHst}, .token_text = kJwtText}, .body_schema = "http/revive-hst.request",
         .style = EnvelopeStyle::ocms_flat, .handler = &handlers::revive_hst,
         .invalid_text = "Required field missing", .forbidden_text = "User not authorised to revive TS-HST"},
        // spec 003: change of processing stage. Reads and reports at the edge, changes as
        // stage.change commands (stage/change_stage.hpp); errors in spec 003's envelope.
        {.method = verb::post, .path = "/api/v1/change-processing-stage/search",
         .auth = {.any_of_roles = {roles::kStaff}}, .body_schema = "http/change-stage-search.request",
         .style = EnvelopeStyle::success_error, .handler = &handlers::change_stage_search,
         .invalid_text = "Request validation failed"},
        {.method = verb::post, .path = "/api/v1/change-processing-stage/validate",
         .auth = {.any_of_roles = {roles::kStaff}}, .body_schema = "http/change-stage-validate.request",
         .style = EnvelopeStyle::success_error, .handler = &handlers::change_stage_validate,
         .invalid_text = "Request validation failed"},
        {.method = verb::post, .path = "/api/v1/change-processing-stage", .auth = {.any_of_roles = {roles::kStaff}},
         .body_schema = "http/change-stage.request", .style = EnvelopeStyle::success_error,
         .handler = &handlers::change_stage_submit, .invalid_text = "Request validation failed"},
        {.method = verb::get, .path = "/api/v1/change-processing-stage/reports",
         .auth = {.any_of_roles = {roles::kStaff}}, .body_schema = "", .style = EnvelopeStyle::success_error,
         .handler = &handlers::change_stage_reports},
        {.method = verb::get, .path = "/api/v1/change-processing-stage/report/{reportId}",
         .auth = {.any_of_roles = {roles::kStaff}}, .body_schema = "", .style = EnvelopeStyle::success_error,
         .handler = &handlers::change_stage_report},
        // spec 003 2.6: "Authentication: API Key" - the APIM key only, no token.
        {.method = verb::post, .path = "/api/v1/external/plus/change-processing-stage",
         .auth = {.any_of_roles = {}, .apim = true}, .body_schema = "http/plus-change-stage.request",
         .style = EnvelopeStyle::status_failed, .handler = &handlers::plus_change_stage,
         .invalid_text = "Request validation failed"},
        // spec 003 2.7: the Toppan cron (internal services only).
        {.method = verb::post, .path = "/api/v1/internal/toppan/update-stages",
         .auth = {.any_of_roles = {roles::kInternal}}, .body_schema = "http/toppan-update-stages.request",
         .style = EnvelopeStyle::success_error, .handler = &handlers::toppan_update_stages,
         .invalid_text = "Request validation failed"},
        // spec 001: the CAS and PLUS integration (reads at the edge; EMCON / court case logs).
        {.method = verb::post, .path = "/v1/getPaymentStatus", .auth = {.any_of_roles = {roles::kCas}},
         .body_schema = "http/get-payment-status.request", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::get_payment_status, .invalid_text = "Invalid request. Please check and try again."},
        {.method = verb::post, .path = "/v1/updateCourtNotices", .auth = {.any_of_roles = {roles::kCas}},
         .body_schema = "http/update-court-notices.request", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::update_court_notices, .invalid_text = "Invalid request. Please check and try again."},
        {.method = verb::post, .path = "/v1/getNoticeUpdate", .auth = {.any_of_roles = {roles::kPlus}, .apim = true},
         .body_schema = "http/get-notice-update.request", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::get_notice_update, .invalid_text = "Invalid request. Please check and try again."},
        // Issue 8: the support console (role OPS on every /ops/api route; the page itself is static).
        {.method = verb::get, .path = "/ops", .auth = {}, .body_schema = "", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::ops_console, .forbidden_text = "", .public_asset = true},
        {.method = verb::get, .path = "/ops/{asset}", .auth = {}, .body_schema = "",
         .style = EnvelopeStyle::ocms_data, .handler = &handlers::ops_asset, .forbidden_text = "",
         .public_asset = true},
        {.method = verb::get, .path = "/ops/api/history/{noticeNo}", .auth = {.any_of_roles = {roles::kOps}},
         .body_schema = "", .style = EnvelopeStyle::ocms_data, .handler = &handlers::ops_history},
        {.method = verb::get, .path = "/ops/api/dead-letters", .auth = {.any_of_roles = {roles::kOps}},
         .body_schema = "", .style = EnvelopeStyle::ocms_data, .handler = &handlers::ops_dead_letters},
        {.method = verb::get, .path = "/ops/api/parked", .auth = {.any_of_roles = {roles::kOps}}, .body_schema = "",
         .style = EnvelopeStyle::ocms_data, .handler = &handlers::ops_parked},
        {.method = verb::post, .path = "/ops/api/parked/retry", .auth = {.any_of_roles = {roles::kOps}},
         .body_schema = "http/ops-parked-retry.request", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::ops_parked_retry},
        {.method = verb::post, .path = "/ops/api/parked/discard", .auth = {.any_of_roles = {roles::kOps}},
         .body_schema = "http/ops-parked-discard.request", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::ops_parked_discard},
        {.method = verb::post, .path = "/ops/api/redrive", .auth = {.any_of_roles = {roles::kOps}},
         .body_schema = "http/ops-redrive.request", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::ops_redrive},
        {.method = verb::post, .path = "/ops/api/replay", .auth = {.any_of_roles = {roles::kOps}},
         .body_schema = "http/ops-replay.request", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::ops_replay},
        {.method = verb::get, .path = "/healthz", .auth = {}, .body_schema = "", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::healthz, .probe = true},
        {.method = verb::get, .path = "/readyz", .auth = {}, .body_schema = "", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::readyz, .probe = true},
        {.method = verb::get, .path = "/metrics", .auth = {}, .body_schema = "", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::metrics, .probe = true},
    };
    return table;
}

}  // namespace ocms::edge
