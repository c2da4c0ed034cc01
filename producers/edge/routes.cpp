#include "routes.hpp"

#include "handlers/auto_revival_trigger.hpp"
#include "handlers/cas.hpp"
#include "handlers/change_stage.hpp"
#include "handlers/court_update.hpp"
#include "handlers/plus_apply_suspension.hpp"
#include "handlers/notice_list.hpp"
#include "handlers/ops.hpp"
#include "handlers/probes.hpp"
#include "handlers/reason_list.hpp"
#include "handlers/request_outcome.hpp"
#include "handlers/revive_suspension.hpp"
#include "handlers/staff_apply_suspension.hpp"
#include "handlers/user_list.hpp"

namespace ocms::edge {

const std::vector<Route>& routes() {
    using boost::beast::http::verb;
    // Spec 004 appendix: the revival routes' authentication failures, word for word.
    static const std::string kJwtText = "Invalid JWT token";
    static const std::string kApimText = "Invalid Auth Token";
    static const std::vector<Route> table{
        // spec 002 API 3: Staff Portal applies a TS to up to 10 notices.
        {verb::post, "/v1/staff-apply-suspension", {{roles::kStaff}, false}, "http/staff-apply-suspension.request",
         EnvelopeStyle::ocms_data, &handlers::staff_apply_suspension},
        // spec 002 API 5: PLUS applies a TS to one notice; JWT role PLUS and an APIM key.
        {verb::post, "/v1/plus-apply-suspension", {{roles::kPlus}, true}, "http/plus-apply-suspension.request",
         EnvelopeStyle::ocms_data, &handlers::plus_apply_suspension},
        // DESIGN.md invariant 7: the result of a request answered with pending items.
        {verb::post, "/v1/request-outcome", {{roles::kStaff, roles::kPlus, roles::kOps, roles::kInternal, roles::kHst}, false},
         "http/request-outcome.request", EnvelopeStyle::ocms_data, &handlers::request_outcome},
        // spec 002 APIs 1, 2, 4: the Staff Portal's reads, straight from PostgreSQL (read_store.hpp),
        // failures in the flat {"appCode","message"} the spec shows for them.
        {verb::post, "/v1/validoffencenoticelist", {{roles::kStaff}, false}, "http/validoffencenoticelist.request",
         EnvelopeStyle::ocms_flat, &handlers::valid_offence_notice_list, false, "Invalid search parameters"},
        {verb::post, "/v1/suspensionreasonlist", {{roles::kStaff, roles::kPlus}, false},
         "http/suspensionreasonlist.request", EnvelopeStyle::ocms_flat, &handlers::suspension_reason_list},
        {verb::post, "/v1/userlist", {{roles::kStaff}, false}, "http/userlist.request", EnvelopeStyle::ocms_flat,
         &handlers::user_list},
        // spec 004 1.5: run the auto-revival job now (ops, or another service); body none or {}.
        {verb::post, "/api/cron/auto-revival/trigger", {{roles::kOps, roles::kInternal}, false, kJwtText},
         "http/auto-revival-trigger.request", EnvelopeStyle::ocms_data, &handlers::auto_revival_trigger, false,
         "Invalid request", true},
        // spec 004 1.2 - 1.4: revive TS/PS, one revival.apply per notice, the batch answer
        // (docs/decisions.md "The revival routes at the edge").
        {verb::post, "/staff-revive-suspension", {{roles::kStaff}, false, kJwtText}, "http/staff-revive-suspension.request",
         EnvelopeStyle::ocms_data, &handlers::staff_revive_suspension},
        {verb::post, "/plus-revive-suspension", {{roles::kPlus}, true, kJwtText, kApimText}, "http/plus-revive-suspension.request",
         EnvelopeStyle::ocms_data, &handlers::plus_revive_suspension},
        {verb::post, "/ocms/v1/suspension/apply-revival", {{roles::kInternal}, false, kJwtText}, "http/apply-revival.request",
         EnvelopeStyle::ocms_data, &handlers::internal_apply_revival},
        // spec 004 1.1: revive the TS-HST of one tenant; its answer is a JSON array, errors flat.
        {verb::post, "/v1/revive-hst", {{roles::kHst}, false, kJwtText}, "http/revive-hst.request", EnvelopeStyle::ocms_flat,
         &handlers::revive_hst, false, "Required field missing", false, "User not authorised to revive TS-HST"},
        // spec 003: change of processing stage. Reads and reports at the edge, changes as
        // stage.change commands (handlers/change_stage.hpp); errors in spec 003's envelope.
        {verb::post, "/api/v1/change-processing-stage/search", {{roles::kStaff}, false},
         "http/change-stage-search.request", EnvelopeStyle::success_error, &handlers::change_stage_search, false,
         "Request validation failed"},
        {verb::post, "/api/v1/change-processing-stage/validate", {{roles::kStaff}, false},
         "http/change-stage-validate.request", EnvelopeStyle::success_error, &handlers::change_stage_validate, false,
         "Request validation failed"},
        {verb::post, "/api/v1/change-processing-stage", {{roles::kStaff}, false}, "http/change-stage.request",
         EnvelopeStyle::success_error, &handlers::change_stage_submit, false, "Request validation failed"},
        {verb::get, "/api/v1/change-processing-stage/reports", {{roles::kStaff}, false}, "",
         EnvelopeStyle::success_error, &handlers::change_stage_reports},
        {verb::get, "/api/v1/change-processing-stage/report/{reportId}", {{roles::kStaff}, false}, "",
         EnvelopeStyle::success_error, &handlers::change_stage_report},
        // spec 003 2.6: "Authentication: API Key" - the APIM key only, no token.
        {verb::post, "/api/v1/external/plus/change-processing-stage", {{}, true},
         "http/plus-change-stage.request", EnvelopeStyle::status_failed, &handlers::plus_change_stage, false,
         "Request validation failed"},
        // spec 003 2.7: the Toppan cron (internal services only).
        {verb::post, "/api/v1/internal/toppan/update-stages", {{roles::kInternal}, false},
         "http/toppan-update-stages.request", EnvelopeStyle::success_error, &handlers::toppan_update_stages, false,
         "Request validation failed"},
        // spec 001: the CAS and PLUS integration (reads at the edge; EMCON / court case logs).
        {verb::post, "/v1/getPaymentStatus", {{roles::kCas}, false}, "http/get-payment-status.request",
         EnvelopeStyle::ocms_data, &handlers::get_payment_status, false, "Invalid request. Please check and try again."},
        {verb::post, "/v1/updateCourtNotices", {{roles::kCas}, false}, "http/update-court-notices.request",
         EnvelopeStyle::ocms_data, &handlers::update_court_notices, false,
         "Invalid request. Please check and try again."},
        {verb::post, "/v1/getNoticeUpdate", {{roles::kPlus}, true}, "http/get-notice-update.request",
         EnvelopeStyle::ocms_data, &handlers::get_notice_update, false, "Invalid request. Please check and try again."},
        // Issue 8: the support console (role OPS on every /ops/api route; the page itself is static).
        {verb::get, "/ops", {}, "", EnvelopeStyle::ocms_data, &handlers::ops_console, false, "Invalid request", false,
         "", true},
        {verb::get, "/ops/{asset}", {}, "", EnvelopeStyle::ocms_data, &handlers::ops_asset, false, "Invalid request",
         false, "", true},
        {verb::get, "/ops/api/history/{noticeNo}", {{roles::kOps}, false}, "", EnvelopeStyle::ocms_data,
         &handlers::ops_history},
        {verb::get, "/ops/api/dead-letters", {{roles::kOps}, false}, "", EnvelopeStyle::ocms_data,
         &handlers::ops_dead_letters},
        {verb::get, "/ops/api/parked", {{roles::kOps}, false}, "", EnvelopeStyle::ocms_data, &handlers::ops_parked},
        {verb::post, "/ops/api/parked/retry", {{roles::kOps}, false}, "http/ops-parked-retry.request",
         EnvelopeStyle::ocms_data, &handlers::ops_parked_retry},
        {verb::post, "/ops/api/parked/discard", {{roles::kOps}, false}, "http/ops-parked-discard.request",
         EnvelopeStyle::ocms_data, &handlers::ops_parked_discard},
        {verb::post, "/ops/api/redrive", {{roles::kOps}, false}, "http/ops-redrive.request", EnvelopeStyle::ocms_data,
         &handlers::ops_redrive},
        {verb::post, "/ops/api/replay", {{roles::kOps}, false}, "http/ops-replay.request", EnvelopeStyle::ocms_data,
         &handlers::ops_replay},
        {verb::get, "/healthz", {}, "", EnvelopeStyle::ocms_data, &handlers::healthz, true},
        {verb::get, "/readyz", {}, "", EnvelopeStyle::ocms_data, &handlers::readyz, true},
        {verb::get, "/metrics", {}, "", EnvelopeStyle::ocms_data, &handlers::metrics, true},
    };
    return table;
}

}  // namespace ocms::edge
