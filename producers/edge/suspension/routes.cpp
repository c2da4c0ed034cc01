#include "deps.hpp"

#include "plus_apply_suspension.hpp"
#include "staff_apply_suspension.hpp"

namespace ocms::edge::suspension {

std::vector<Route> routes(std::shared_ptr<const Deps> deps) {
    using boost::beast::http::verb;
    return {
        // spec 002 API 3: Staff Portal applies a TS to up to 10 notices.
        {.method = verb::post, .path = "/v1/staff-apply-suspension", .auth = {.any_of_roles = {roles::kStaff}},
         .body_schema = "http/staff-apply-suspension.request", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::staff_apply_suspension)},
        // spec 002 API 5: PLUS applies a TS to one notice; JWT role PLUS and an APIM key.
        {.method = verb::post, .path = "/v1/plus-apply-suspension",
         .auth = {.any_of_roles = {roles::kPlus}, .apim = true}, .body_schema = "http/plus-apply-suspension.request",
         .style = EnvelopeStyle::ocms_data, .handler = with_deps(deps, &handlers::plus_apply_suspension)},
    };
}

}  // namespace ocms::edge::suspension
