#include "routes.hpp"

#include "handlers/probes.hpp"
#include "handlers/request_outcome.hpp"
#include "handlers/staff_apply_suspension.hpp"

namespace ocms::edge {

const std::vector<Route>& routes() {
    using boost::beast::http::verb;
    static const std::vector<Route> table{
        // spec 002 API 3: Staff Portal applies a TS to up to 10 notices.
        {verb::post, "/v1/staff-apply-suspension", {{roles::kStaff}, false}, "http/staff-apply-suspension.request",
         EnvelopeStyle::ocms_data, &handlers::staff_apply_suspension},
        // DESIGN.md invariant 7: the result of a request answered with pending items.
        {verb::post, "/v1/request-outcome", {{roles::kStaff, roles::kPlus, roles::kOps}, false},
         "http/request-outcome.request", EnvelopeStyle::ocms_data, &handlers::request_outcome},
        {verb::get, "/healthz", {}, "", EnvelopeStyle::ocms_data, &handlers::healthz, true},
        {verb::get, "/readyz", {}, "", EnvelopeStyle::ocms_data, &handlers::readyz, true},
        {verb::get, "/metrics", {}, "", EnvelopeStyle::ocms_data, &handlers::metrics, true},
    };
    return table;
}

}  // namespace ocms::edge
