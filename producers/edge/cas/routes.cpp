#include "deps.hpp"

#include "cas.hpp"
#include "court_update.hpp"

namespace ocms::edge::cas {

std::vector<Route> routes(std::shared_ptr<const Deps> deps) {
    using boost::beast::http::verb;
    return {
        // spec 001: the CAS and PLUS integration (reads at the edge; EMCON / court case logs).
        {.method = verb::post, .path = "/v1/getPaymentStatus", .auth = {.any_of_roles = {roles::kCas}},
         .body_schema = "http/get-payment-status.request", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::get_payment_status), .invalid_text = std::string(kBadRequest)},
        {.method = verb::post, .path = "/v1/updateCourtNotices", .auth = {.any_of_roles = {roles::kCas}},
         .body_schema = "http/update-court-notices.request", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::update_court_notices), .invalid_text = std::string(kBadRequest)},
        {.method = verb::post, .path = "/v1/getNoticeUpdate", .auth = {.any_of_roles = {roles::kPlus}, .apim = true},
         .body_schema = "http/get-notice-update.request", .style = EnvelopeStyle::ocms_data,
         .handler = with_deps(deps, &handlers::get_notice_update), .invalid_text = std::string(kBadRequest)},
    };
}

}  // namespace ocms::edge::cas
