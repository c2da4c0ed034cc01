#include "deps.hpp"

#include "notice_list.hpp"
#include "reason_list.hpp"
#include "user_list.hpp"

namespace ocms::edge::reads {

std::vector<Route> routes(std::shared_ptr<const Deps> deps) {
    using boost::beast::http::verb;
    return {
        // spec 002 APIs 1, 2, 4: the Staff Portal's reads, straight from PostgreSQL (read_store.hpp),
        // failures in the flat {"appCode","message"} the spec shows for them.
        {.method = verb::post, .path = "/v1/validoffencenoticelist", .auth = {.any_of_roles = {roles::kStaff}},
         .body_schema = "http/validoffencenoticelist.request", .style = EnvelopeStyle::ocms_flat,
         .handler = with_deps(deps, &handlers::valid_offence_notice_list), .invalid_text = "Invalid search parameters"},
        {.method = verb::post, .path = "/v1/suspensionreasonlist",
         .auth = {.any_of_roles = {roles::kStaff, roles::kPlus}}, .body_schema = "http/suspensionreasonlist.request",
         .style = EnvelopeStyle::ocms_flat, .handler = with_deps(deps, &handlers::suspension_reason_list)},
        {.method = verb::post, .path = "/v1/userlist", .auth = {.any_of_roles = {roles::kStaff}},
         .body_schema = "http/userlist.request", .style = EnvelopeStyle::ocms_flat,
         .handler = with_deps(deps, &handlers::user_list)},
    };
}

}  // namespace ocms::edge::reads
