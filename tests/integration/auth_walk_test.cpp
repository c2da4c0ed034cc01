// Issue 7, "Auth: every route refuses what it must", against the running edge: the test walks the
// edge's own route table (producers/edge/http/routes.hpp; routes({}) lists every feature's rows
// without services) and, for every route that needs credentials,
// sends each attempt of tests/unit/edge/auth_walk.hpp (no token, not a bearer token, a malformed,
// re-signed, tampered, unsigned, expired or foreign-issuer token, a token with the wrong roles or
// none, a missing or wrong APIM key where the route needs one). Each must be refused with its
// status, in the route's envelope, with OCMS-4001 and the route's message; the right credentials
// must get past authentication; the routes without authentication must not ask for any.
#include "../unit/edge/auth_walk.hpp"  // shared with the unit walk
#include "http/routes.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace ocms::test {
namespace {

namespace aw = ocms::edge::auth_walk;
using ocms::edge::Route;

aw::Credentials edge_credentials() {
    std::ifstream in(env("OCMS_JWT_SECRET_FILE"), std::ios::binary);
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    const char* issuer = std::getenv("OCMS_JWT_ISSUER");
    return {key, issuer && *issuer ? issuer : "ocms", env("OCMS_DEV_APIM_KEY")};
}

std::string method_of(const Route& r) { return std::string(boost::beast::http::to_string(r.method)); }
// A body that passes no schema of the table ({} lacks every required member): a request that gets
// past authentication is refused by its schema and changes nothing.
std::string body_of(const Route& r) { return r.method == boost::beast::http::verb::post ? "{}" : ""; }

TEST(AuthWalk, EveryRouteOfTheTableRefusesWhatItMust) {
    const auto creds = edge_credentials();
    ASSERT_GE(creds.key.size(), 32u);
    int routes_walked = 0, refusals = 0;
    for (const auto& r : edge::routes({})) {
        if (!r.auth.required()) continue;
        ++routes_walked;
        for (const auto& a : aw::attempts(r, creds)) {
            auto res = http(method_of(r), aw::target_of(r), body_of(r), a.headers);
            EXPECT_EQ(aw::check(r, a, unsigned(res.status), res.body), "");
            EXPECT_EQ(res.headers["content-type"], "application/json") << r.path << " (" << a.name << ")";
            ++refusals;
        }
    }
    EXPECT_EQ(routes_walked, 28) << "a route was added or lost its authentication: check the walk covers it";
    EXPECT_GE(refusals, 270);
}

// The other half: the walk would be worthless against an edge that refuses everything.
TEST(AuthWalk, TheRightCredentialsGetPastAuthentication) {
    const auto creds = edge_credentials();
    for (const auto& r : edge::routes({})) {
        if (!r.auth.required()) continue;
        std::map<std::string, std::string> headers;
        if (!r.auth.any_of_roles.empty())
            headers["Authorization"] = "Bearer " + aw::sign(r.auth.any_of_roles, 600, creds.issuer, creds.key);
        if (r.auth.apim) headers["Ocp-Apim-Subscription-Key"] = creds.apim;
        auto res = http(method_of(r), aw::target_of(r), body_of(r), headers);
        EXPECT_NE(res.status, 401) << method_of(r) << " " << r.path << ": " << res.body;
        EXPECT_NE(res.status, 403) << method_of(r) << " " << r.path << ": " << res.body;
        EXPECT_LT(res.status, 500) << method_of(r) << " " << r.path << ": " << res.body;
        // Each role of the list is enough on its own (any_of).
        for (const auto& role : r.auth.any_of_roles) {
            auto h = headers;
            h["Authorization"] = "Bearer " + aw::sign({role}, 600, creds.issuer, creds.key);
            auto one = http(method_of(r), aw::target_of(r), body_of(r), h);
            EXPECT_NE(one.status, 401) << r.path << " with only " << role;
            EXPECT_NE(one.status, 403) << r.path << " with only " << role;
        }
    }
}

TEST(AuthWalk, RoutesWithoutAuthenticationAskForNone) {
    int checked = 0;
    for (const auto& r : edge::routes({})) {
        if (r.auth.required()) continue;
        if (r.path.find('{') != std::string::npos) continue;  // /ops/{asset}: tests/integration/ops_api_test.cpp
        auto res = http(method_of(r), r.path, "");
        EXPECT_NE(res.status, 401) << r.path;
        EXPECT_NE(res.status, 403) << r.path;
        EXPECT_TRUE(res.status == 200 || (r.path == "/readyz" && res.status == 503)) << r.path << ": " << res.status;
        ++checked;
    }
    EXPECT_EQ(checked, 4);  // /ops, /healthz, /readyz, /metrics
}

}  // namespace
}  // namespace ocms::test
