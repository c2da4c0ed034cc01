#include "deps.hpp"

#include "request_outcome.hpp"

namespace ocms::edge::request_outcome {

std::vector<Route> routes(std::shared_ptr<const Deps> deps) {
    using boost::beast::http::verb;
    return {
        // DESIGN.md invariant 7: the result of a request answered with pending items.
        {.method = verb::post, .path = "/v1/request-outcome",
         .auth = {.any_of_roles = {roles::kStaff, roles::kPlus, roles::kOps, roles::kInternal, roles::kHst}},
         .body_schema = "http/request-outcome.request", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::request_outcome)},
    };
}

}  // namespace ocms::edge::request_outcome
