#include "deps.hpp"

#include "ops.hpp"
#include "probes.hpp"

namespace ocms::edge::ops {

std::vector<Route> routes(std::shared_ptr<const Deps> deps) {
    using boost::beast::http::verb;
    return {
        // Issue 8: the support console (role OPS on every /ops/api route; the page itself is static).
        {.method = verb::get, .path = "/ops", .auth = {}, .body_schema = "", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::ops_console), .forbidden_text = "", .public_asset = true},
        {.method = verb::get, .path = "/ops/{asset}", .auth = {}, .body_schema = "",
         .style = EnvelopeStyle::ocms_data, .handler = with_deps(deps, &handlers::ops_asset), .forbidden_text = "",
         .public_asset = true},
        {.method = verb::get, .path = "/ops/api/history/{noticeNo}", .auth = {.any_of_roles = {roles::kOps}},
         .body_schema = "", .style = EnvelopeStyle::ocms_data, .handler = with_deps(deps, &handlers::ops_history)},
        {.method = verb::get, .path = "/ops/api/dead-letters", .auth = {.any_of_roles = {roles::kOps}},
         .body_schema = "", .style = EnvelopeStyle::ocms_data, .handler = with_deps(deps, &handlers::ops_dead_letters)},
        {.method = verb::get, .path = "/ops/api/parked", .auth = {.any_of_roles = {roles::kOps}}, .body_schema = "",
         .style = EnvelopeStyle::ocms_data, .handler = with_deps(deps, &handlers::ops_parked)},
        {.method = verb::post, .path = "/ops/api/parked/retry", .auth = {.any_of_roles = {roles::kOps}},
         .body_schema = "http/ops-parked-retry.request", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::ops_parked_retry)},
        {.method = verb::post, .path = "/ops/api/parked/discard", .auth = {.any_of_roles = {roles::kOps}},
         .body_schema = "http/ops-parked-discard.request", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::ops_parked_discard)},
        {.method = verb::post, .path = "/ops/api/redrive", .auth = {.any_of_roles = {roles::kOps}},
         .body_schema = "http/ops-redrive.request", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::ops_redrive)},
        {.method = verb::post, .path = "/ops/api/replay", .auth = {.any_of_roles = {roles::kOps}},
         .body_schema = "http/ops-replay.request", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::ops_replay)},
        // The probes (probes.hpp): no authentication, access log at debug level.
        {.method = verb::get, .path = "/healthz", .auth = {}, .body_schema = "", .style = EnvelopeStyle::ocms_data,
         .handler = &handlers::healthz, .probe = true},
        {.method = verb::get, .path = "/readyz", .auth = {}, .body_schema = "", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::readyz), .probe = true},
        {.method = verb::get, .path = "/metrics", .auth = {}, .body_schema = "", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::metrics), .probe = true},
    };
}

}  // namespace ocms::edge::ops
