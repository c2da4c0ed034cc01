// The route table against schemas/openapi.yaml and the SchemaRegistry (STYLE.md 3). routes({})
// lists its rows with every feature's deps null; the pipeline tests run the Fixture's own table.
#include "auth_walk.hpp"
#include "http/routes.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>

using namespace edge_test;

namespace {

// Crude OpenAPI reading: "  /path:" lines and the "    get:"/"    post:" lines under them.
std::set<std::string> openapi_operations() {
    std::ifstream in(kSchemasDir + "/openapi.yaml");
    std::set<std::string> ops;
    std::string line, path;
    bool in_paths = false;
    static const std::regex path_re(R"(^  (/[^:]*):\s*$)");
    static const std::regex method_re(R"(^    (get|post|put|patch|delete|head|options):\s*$)");
    while (std::getline(in, line)) {
        if (line.rfind("paths:", 0) == 0) { in_paths = true; continue; }
        if (!line.empty() && line[0] != ' ' && line[0] != '#') in_paths = false;
        if (!in_paths) continue;
        std::smatch m;
        if (std::regex_match(line, m, path_re)) path = m[1];
        else if (!path.empty() && std::regex_match(line, m, method_re)) ops.insert(std::string(m[1]) + " " + path);
    }
    return ops;
}

// Per operation of the document: the x-ocms-roles list ("" items joined by ","), the
// x-ocms-body-schema name, and whether its security names apimKey.
struct DocOperation {
    std::optional<std::string> roles;
    std::string body_schema;
    bool apim = false;
    bool public_ = false;  // security: []
};
std::map<std::string, DocOperation> openapi_auth() {
    std::ifstream in(kSchemasDir + "/openapi.yaml");
    std::map<std::string, DocOperation> out;
    std::string line, path, op;
    bool in_paths = false, in_security = false;
    static const std::regex path_re(R"(^  (/[^:]*):\s*$)");
    static const std::regex method_re(R"(^    (get|post|put|patch|delete|head|options):\s*$)");
    static const std::regex roles_re(R"(^      x-ocms-roles: \[(.*)\]\s*$)");
    static const std::regex body_re(R"(^      x-ocms-body-schema: (\S+)\s*$)");
    while (std::getline(in, line)) {
        if (line.rfind("paths:", 0) == 0) { in_paths = true; continue; }
        if (!line.empty() && line[0] != ' ' && line[0] != '#') in_paths = false;
        if (!in_paths) continue;
        std::smatch m;
        if (std::regex_match(line, m, path_re)) { path = m[1]; op.clear(); continue; }
        if (std::regex_match(line, m, method_re)) { op = std::string(m[1]) + " " + path; out[op]; continue; }
        if (op.empty()) continue;
        if (std::regex_match(line, m, roles_re)) {
            std::string roles = m[1];
            std::erase(roles, ' ');
            out[op].roles = roles;
        } else if (std::regex_match(line, m, body_re)) {
            out[op].body_schema = m[1];
        } else if (line == "      security: []") {
            out[op].public_ = true;
        } else if (line == "      security:") {
            in_security = true;
            continue;
        } else if (in_security && line.rfind("        ", 0) == 0) {
            if (line.find("apimKey") != std::string::npos) out[op].apim = true;
            continue;
        }
        in_security = false;
    }
    return out;
}

std::string op_of(const Route& r) {
    std::string m(boost::beast::http::to_string(r.method));
    for (auto& c : m) c = char(std::tolower(static_cast<unsigned char>(c)));
    return m + " " + r.path;
}

}  // namespace

TEST(RouteTable, EveryRouteIsInOpenApiAndBack) {
    auto ops = openapi_operations();
    ASSERT_FALSE(ops.empty()) << "no paths read from schemas/openapi.yaml";
    std::set<std::string> table;
    for (const auto& r : routes({})) {
        EXPECT_TRUE(ops.contains(op_of(r))) << op_of(r) << " is missing from schemas/openapi.yaml";
        EXPECT_TRUE(table.insert(op_of(r)).second) << op_of(r) << " is in the table twice";
    }
    for (const auto& op : ops) EXPECT_TRUE(table.contains(op)) << op << " is in openapi.yaml but not a route";
}

TEST(RouteTable, EveryBodySchemaExists) {
    for (const auto& r : routes({}))
        if (!r.body_schema.empty()) {
            EXPECT_TRUE(registry()->has(r.body_schema)) << r.path << ": " << r.body_schema;
        }
}

TEST(RouteTable, EveryHttpSchemaIsUsedByARoute) {
    std::set<std::string> used;
    for (const auto& r : routes({})) used.insert(r.body_schema);
    int http_schemas = 0;
    for (const auto& name : registry()->names()) {
        if (name.rfind("http/", 0) != 0) continue;
        ++http_schemas;
        EXPECT_TRUE(used.contains(name)) << "schema " << name << " has no route";
    }
    EXPECT_GE(http_schemas, 2);
}

TEST(RouteTable, BusinessRoutesNeedAuthAndProbesDoNot) {
    for (const auto& r : routes({})) {
        EXPECT_TRUE(r.handler) << r.path;
        if (!r.body_schema.empty()) {
            EXPECT_TRUE(r.auth.required()) << r.path;
            EXPECT_EQ(r.method, boost::beast::http::verb::post) << r.path << ": spec 002 section 6.1, POST only";
        }
        if (r.probe || r.public_asset) {
            EXPECT_FALSE(r.auth.required()) << r.path;
            EXPECT_TRUE(r.body_schema.empty()) << r.path;
        } else {
            EXPECT_TRUE(r.auth.required()) << r.path;
        }
    }
}

TEST(RouteTable, RolesAsSpecified) {
    auto find = [](const std::string& p) -> Route {
        for (const auto& r : routes({}))
            if (r.path == p) return r;
        throw std::runtime_error("no route " + p);
    };
    EXPECT_EQ(find("/v1/staff-apply-suspension").auth.any_of_roles, std::vector<std::string>{"OCMS_STAFF"});
    EXPECT_EQ(find("/v1/request-outcome").auth.any_of_roles,
              (std::vector<std::string>{"OCMS_STAFF", "PLUS", "OPS", "INTERNAL", "HST"}));
    // spec 003 2.6: the PLUS stage change takes the API key only; 2.7 Toppan is internal.
    EXPECT_TRUE(find("/api/v1/external/plus/change-processing-stage").auth.apim);
    EXPECT_TRUE(find("/api/v1/external/plus/change-processing-stage").auth.any_of_roles.empty());
    EXPECT_EQ(find("/api/v1/internal/toppan/update-stages").auth.any_of_roles, std::vector<std::string>{"INTERNAL"});
    EXPECT_EQ(find("/api/v1/change-processing-stage/report/{reportId}").auth.any_of_roles,
              std::vector<std::string>{"OCMS_STAFF"});
    EXPECT_FALSE(find("/healthz").auth.required());
    EXPECT_FALSE(find("/readyz").auth.required());
    EXPECT_FALSE(find("/metrics").auth.required());
}

// The document says who may call each route as the table does: x-ocms-roles (the roles; the
// contract test mints its tokens from them), security (apimKey where the key is needed, [] for
// the routes without authentication) and x-ocms-body-schema (the schema the edge checks bodies
// with; tests/contract/doc_check.py compares it with the document's request body).
TEST(RouteTable, OpenApiNamesEachRoutesRolesKeyAndBodySchema) {
    auto doc = openapi_auth();
    for (const auto& r : routes({})) {
        SCOPED_TRACE(op_of(r));
        auto it = doc.find(op_of(r));
        ASSERT_NE(it, doc.end());
        const DocOperation& d = it->second;
        std::string roles;
        for (const auto& role : r.auth.any_of_roles) roles += (roles.empty() ? "" : ",") + role;
        ASSERT_TRUE(d.roles.has_value()) << "no x-ocms-roles";
        EXPECT_EQ(*d.roles, roles);
        EXPECT_EQ(d.apim, r.auth.apim) << "security must name apimKey exactly when the route needs the key";
        EXPECT_EQ(d.public_, !r.auth.required()) << "security: [] exactly on the routes without authentication";
        EXPECT_EQ(d.body_schema, r.body_schema);
    }
}

// Issue 7, the auth walk through the pipeline (no socket): every route that needs credentials
// refuses each attempt of auth_walk.hpp with its status, its envelope, OCMS-4001 and its message;
// nothing reaches a handler (the fixture's gateway sees no command).
TEST(AuthWalk, EveryRouteRefusesWhatItMust) {
    Fixture f;
    const auth_walk::Credentials creds{kKey, kIssuer, "apim-key-1"};
    int routes_walked = 0, attempts_made = 0;
    for (const auto& r : routes({})) {
        auto list = auth_walk::attempts(r, creds);
        if (!r.auth.required()) {
            EXPECT_TRUE(list.empty()) << r.path;
            continue;
        }
        ++routes_walked;
        EXPECT_GE(list.size(), r.auth.any_of_roles.empty() ? 3u : (r.auth.apim ? 12u : 10u)) << r.path;
        for (const auto& a : list) {
            ++attempts_made;
            auto res = f.call(r.method, auth_walk::target_of(r), r.method == boost::beast::http::verb::post ? "{}" : "",
                              a.headers);
            EXPECT_EQ(auth_walk::check(r, a, res.result_int(), res.body()), "");
        }
    }
    EXPECT_TRUE(f.gateway->seen.empty()) << "a refused request reached a handler";
    EXPECT_EQ(routes_walked, 28) << "a route was added or lost its authentication: check the walk covers it";
    EXPECT_GE(attempts_made, 270);
}

// The walk itself can fail: a route that let a token through, or answered in another envelope,
// is reported (guards against a check() that accepts anything).
TEST(AuthWalk, CheckReportsAWrongRefusal) {
    const auto table = routes({});
    const Route* staff = nullptr;
    const Route* cps = nullptr;
    for (const auto& r : table) {
        if (r.path == "/v1/staff-apply-suspension") staff = &r;
        if (r.path == "/api/v1/change-processing-stage/search") cps = &r;
    }
    ASSERT_TRUE(staff && cps);
    auth_walk::Attempt a{"no token", {}, 401, "Unauthorized: missing bearer token"};
    const std::string good = R"({"data":{"appCode":"OCMS-4001","message":"Unauthorized: missing bearer token"}})";
    EXPECT_EQ(auth_walk::check(*staff, a, 401, good), "");
    EXPECT_NE(auth_walk::check(*staff, a, 200, good), "");
    EXPECT_NE(auth_walk::check(*staff, a, 403, good), "");
    EXPECT_NE(auth_walk::check(*staff, a, 401, R"({"appCode":"OCMS-4001","message":"Unauthorized: missing bearer token"})"), "");
    EXPECT_NE(auth_walk::check(*staff, a, 401, R"({"data":{"appCode":"OCMS-4000","message":"Unauthorized: missing bearer token"}})"), "");
    EXPECT_NE(auth_walk::check(*staff, a, 401, R"({"data":{"appCode":"OCMS-4001","message":"Invalid JWT token"}})"), "");
    EXPECT_NE(auth_walk::check(*cps, a, 401, good), "") << "spec 003 routes answer in their own envelope";
    EXPECT_EQ(auth_walk::check(*cps, a, 401,
                               R"({"success":false,"error":{"code":"OCMS-4001","message":"Unauthorized: missing bearer token"}})"),
              "");
}

// schemathesis (unsupported_method): RFC 9110 15.5.6, a 405 carries Allow with the path's methods.
TEST(RouteTable, MethodNotAllowedNamesTheAllowedMethods) {
    Fixture f;
    for (const auto& r : routes({})) {
        SCOPED_TRACE(r.path);
        auto other = r.method == boost::beast::http::verb::post ? boost::beast::http::verb::put
                                                                : boost::beast::http::verb::delete_;
        auto res = f.call(other, auth_walk::target_of(r), "");
        EXPECT_EQ(res.result_int(), 405u);
        EXPECT_EQ(std::string(res[boost::beast::http::field::allow]),
                  std::string(boost::beast::http::to_string(r.method)));
        EXPECT_EQ(app_code(res), "OCMS-4000") << res.body();
    }
    auto trace = f.call(boost::beast::http::verb::trace, "/healthz", "");
    EXPECT_EQ(trace.result_int(), 405u);
    EXPECT_EQ(std::string(trace[boost::beast::http::field::allow]), "GET");
    auto unknown = f.call(boost::beast::http::verb::get, "/no/such/api", "");
    EXPECT_EQ(unknown.result_int(), 404u);
    EXPECT_TRUE(unknown[boost::beast::http::field::allow].empty()) << "no Allow on a 404";
}
