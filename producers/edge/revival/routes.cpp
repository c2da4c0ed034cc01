#include "deps.hpp"

#include "auto_revival_trigger.hpp"
#include "revive_suspension.hpp"

namespace ocms::edge::revival {

std::vector<Route> routes(std::shared_ptr<const Deps> deps) {
    using boost::beast::http::verb;
    // Spec 004 appendix: the revival routes' authentication failures, word for word.
    const std::string kJwtText = "Invalid JWT token";
    const std::string kApimText = "Invalid Auth Token";
    return {
        // spec 004 1.5: run the auto-revival job now (ops, or another service); body none or {}.
        {.method = verb::post, .path = "/api/cron/auto-revival/trigger",
         .auth = {.any_of_roles = {roles::kOps, roles::kInternal}, .token_text = kJwtText},
         .body_schema = "http/auto-revival-trigger.request", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::auto_revival_trigger), .empty_body_ok = true},
        // spec 004 1.2 - 1.4: revive TS/PS, one revival.apply per notice, the batch answer
        // (docs/decisions.md "The revival routes at the edge").
        {.method = verb::post, .path = "/staff-revive-suspension",
         .auth = {.any_of_roles = {roles::kStaff}, .token_text = kJwtText},
         .body_schema = "http/staff-revive-suspension.request", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::staff_revive_suspension)},
        {.method = verb::post, .path = "/plus-revive-suspension",
         .auth = {.any_of_roles = {roles::kPlus}, .apim = true, .token_text = kJwtText, .apim_text = kApimText},
         .body_schema = "http/plus-revive-suspension.request", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::plus_revive_suspension)},
        {.method = verb::post, .path = "/ocms/v1/suspension/apply-revival",
         .auth = {.any_of_roles = {roles::kInternal}, .token_text = kJwtText},
         .body_schema = "http/apply-revival.request", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::internal_apply_revival)},
        // spec 004 1.1: revive the TS-HST of one tenant; its answer is a JSON array, errors flat.
        {.method = verb::post, .path = "/v1/revive-hst",
         .auth = {.any_of_roles = {roles::kHst}, .token_text = kJwtText}, .body_schema = "http/revive-hst.request",
         .style = EnvelopeStyle::ocms_flat, .handler = with_deps(deps, &handlers::revive_hst),
         .invalid_text = "Required field missing", .forbidden_text = "User not authorised to revive TS-HST"},
    };
}

}  // namespace ocms::edge::revival
