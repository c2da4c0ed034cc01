#include "deps.hpp"

#include "change_stage.hpp"

namespace ocms::edge::stage {

std::vector<Route> routes(std::shared_ptr<const Deps> deps) {
    using boost::beast::http::verb;
    return {
        // spec 003: change of processing stage. Reads and reports at the edge, changes as
        // stage.change commands (change_stage.hpp); errors in spec 003's envelope.
        {.method = verb::post, .path = "/api/v1/change-processing-stage/search",
         .auth = {.any_of_roles = {roles::kStaff}}, .body_schema = "http/change-stage-search.request",
         .style = EnvelopeStyle::success_error, .handler = with_deps(deps, &handlers::change_stage_search),
         .invalid_text = "Request validation failed"},
        {.method = verb::post, .path = "/api/v1/change-processing-stage/validate",
         .auth = {.any_of_roles = {roles::kStaff}}, .body_schema = "http/change-stage-validate.request",
         .style = EnvelopeStyle::success_error, .handler = with_deps(deps, &handlers::change_stage_validate),
         .invalid_text = "Request validation failed"},
        {.method = verb::post, .path = "/api/v1/change-processing-stage", .auth = {.any_of_roles = {roles::kStaff}},
         .body_schema = "http/change-stage.request", .style = EnvelopeStyle::success_error,
         .handler = with_deps(deps, &handlers::change_stage_submit), .invalid_text = "Request validation failed"},
        {.method = verb::get, .path = "/api/v1/change-processing-stage/reports",
         .auth = {.any_of_roles = {roles::kStaff}}, .body_schema = "", .style = EnvelopeStyle::success_error,
         .handler = with_deps(deps, &handlers::change_stage_reports)},
        {.method = verb::get, .path = "/api/v1/change-processing-stage/report/{reportId}",
         .auth = {.any_of_roles = {roles::kStaff}}, .body_schema = "", .style = EnvelopeStyle::success_error,
         .handler = with_deps(deps, &handlers::change_stage_report)},
        // spec 003 2.6: "Authentication: API Key" - the APIM key only, no token.
        {.method = verb::post, .path = "/api/v1/external/plus/change-processing-stage",
         .auth = {.any_of_roles = {}, .apim = true}, .body_schema = "http/plus-change-stage.request",
         .style = EnvelopeStyle::status_failed, .handler = with_deps(deps, &handlers::plus_change_stage),
         .invalid_text = "Request validation failed"},
        // spec 003 2.7: the Toppan cron (internal services only).
        {.method = verb::post, .path = "/api/v1/internal/toppan/update-stages",
         .auth = {.any_of_roles = {roles::kInternal}}, .body_schema = "http/toppan-update-stages.request",
         .style = EnvelopeStyle::success_error, .handler = with_deps(deps, &handlers::toppan_update_stages),
         .invalid_text = "Request validation failed"},
    };
}

}  // namespace ocms::edge::stage
