#pragma once
// THE route table of the edge (STYLE.md 3): method, path, who may call, the schema of the body,
// the error envelope and the handler of every HTTP route. tests/unit/edge walks it against
// schemas/openapi.yaml and the SchemaRegistry.
#include "api.hpp"

#include <boost/beast/http/verb.hpp>

#include <string>
#include <vector>

namespace ocms::edge {

namespace roles {
inline constexpr const char* kStaff = "OCMS_STAFF";
inline constexpr const char* kPlus = "PLUS";
inline constexpr const char* kOps = "OPS";
inline constexpr const char* kInternal = "INTERNAL";
inline constexpr const char* kHst = "HST";
inline constexpr const char* kCas = "CAS";  // the Court Admin System (spec 001)
}  // namespace roles

struct RouteAuth {
    std::vector<std::string> any_of_roles;  // empty and !apim: no authentication
    bool apim = false;                      // PLUS routes: Ocp-Apim-Subscription-Key required too
    // The message of the 401 for a missing or bad token, and for a missing or bad APIM key, when
    // the spec words them (spec 004 appendix: "Invalid JWT token", "Invalid Auth Token"); "" for
    // the generic "Unauthorized: <why>". The why is logged either way.
    std::string token_text = "";
    std::string apim_text = "";
    bool required() const { return apim || !any_of_roles.empty(); }
};

struct Route {
    boost::beast::http::verb method;
    std::string path;
    RouteAuth auth;
    std::string body_schema;  // SchemaRegistry name, "" for none
    EnvelopeStyle style = EnvelopeStyle::ocms_data;
    Handler handler;
    bool probe = false;  // operational route: access log at debug level (probes poll often)
    // Leads the message of every 400 the pipeline gives for this route's body (bad JSON,
    // schema): spec 002 API 1 says "Invalid search parameters".
    std::string invalid_text = "Invalid request";
    // An empty body counts as {} (then checked against body_schema): trigger routes called
    // with no body at all (POST /api/cron/auto-revival/trigger).
    bool empty_body_ok = false;
    // The message of the 403 for a token without the role, when the spec words it
    // (spec 004 1.1: "User not authorised to revive TS-HST"); "" for the generic one.
    std::string forbidden_text = "";
    // A static file of the support console (no data in it): served without a token; the page
    // asks for one and sends it to the /ops/api routes, which require the role OPS.
    bool public_asset = false;
};

const std::vector<Route>& routes();

}  // namespace ocms::edge
