// The route table against schemas/openapi.yaml and the SchemaRegistry (STYLE.md 3).
#include "routes.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <fstream>
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
    for (const auto& r : routes()) {
        EXPECT_TRUE(ops.contains(op_of(r))) << op_of(r) << " is missing from schemas/openapi.yaml";
        EXPECT_TRUE(table.insert(op_of(r)).second) << op_of(r) << " is in the table twice";
    }
    for (const auto& op : ops) EXPECT_TRUE(table.contains(op)) << op << " is in openapi.yaml but not a route";
}

TEST(RouteTable, EveryBodySchemaExists) {
    for (const auto& r : routes())
        if (!r.body_schema.empty()) {
            EXPECT_TRUE(registry()->has(r.body_schema)) << r.path << ": " << r.body_schema;
        }
}

TEST(RouteTable, EveryHttpSchemaIsUsedByARoute) {
    std::set<std::string> used;
    for (const auto& r : routes()) used.insert(r.body_schema);
    int http_schemas = 0;
    for (const auto& name : registry()->names()) {
        if (name.rfind("http/", 0) != 0) continue;
        ++http_schemas;
        EXPECT_TRUE(used.contains(name)) << "schema " << name << " has no route";
    }
    EXPECT_GE(http_schemas, 2);
}

TEST(RouteTable, BusinessRoutesNeedAuthAndProbesDoNot) {
    for (const auto& r : routes()) {
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
    auto find = [](const std::string& p) -> const Route& {
        for (const auto& r : routes())
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
