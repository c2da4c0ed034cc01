#pragma once
// THE route table of the edge (STYLE.md 3): method, path, who may call, the schema of the body,
// the error envelope and the handler of every HTTP route. Each feature lists its own rows
// (<feature>/routes.cpp) with its handlers bound to its deps (<feature>/deps.hpp); routes() puts
// them in one table. tests/unit/edge walks it against schemas/openapi.yaml and the SchemaRegistry.
#include "api.hpp"

#include <boost/beast/http/verb.hpp>

#include <memory>
#include <string>
#include <vector>

namespace ocms::edge {

namespace suspension {
struct Deps;
}
namespace request_outcome {
struct Deps;
}
namespace reads {
struct Deps;
}
namespace revival {
struct Deps;
}
namespace stage {
struct Deps;
}
namespace cas {
struct Deps;
}
namespace ops {
struct Deps;
}

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

// A feature's handler: its deps first, then what every Handler gets. It keeps what it needs of the
// deps (the shared_ptr) in its callbacks, so they outlive the request whatever the route table does.
template <typename Deps>
using HandlerOf = void(std::shared_ptr<const Deps>, std::shared_ptr<Exchange>, const json::Value*, HandlerDone);
template <typename Deps>
using FeatureHandler = HandlerOf<Deps>*;

// The Handler of a route: handler with deps bound (the lambda holds them).
template <typename Deps>
Handler with_deps(std::shared_ptr<const Deps> deps, FeatureHandler<Deps> handler) {
    return [deps = std::move(deps), handler](std::shared_ptr<Exchange> ex, const json::Value* body, HandlerDone done) {
        handler(deps, std::move(ex), body, std::move(done));
    };
}

// Every feature's deps (<feature>/deps.hpp), built once in main (or a test) and immutable after,
// so every thread reads them. The route table holds them through its handlers, and a handler's
// callbacks hold what they still need during a request. A null member leaves that feature's rows
// in the table with handlers that must not be called: routes({}) lists the rows without any
// service (the route table's tests, the auth walk).
struct FeatureDeps {
    std::shared_ptr<const suspension::Deps> suspension;
    std::shared_ptr<const request_outcome::Deps> request_outcome;
    std::shared_ptr<const reads::Deps> reads;
    std::shared_ptr<const revival::Deps> revival;
    std::shared_ptr<const stage::Deps> stage;
    std::shared_ptr<const cas::Deps> cas;
    std::shared_ptr<const ops::Deps> ops;
};

// Every route, in the order the pipeline matches them.
std::vector<Route> routes(const FeatureDeps& deps);

}  // namespace ocms::edge
