#pragma once
// What the unit tests that check messages against schemas/ share: the registry of the source
// tree's schemas (OCMS_SCHEMAS_DIR, a compile definition of each unit binary), a JSON text as a
// document (a parse failure fails the test), and a schema file itself (its "examples").
#include "json/json.hpp"
#include "json/schema_registry.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace ocms::test {

inline const json::SchemaRegistry& registry() {
    static const auto r = json::SchemaRegistry::load(OCMS_SCHEMAS_DIR);
    return *r;
}

inline json::Document doc(std::string_view text) {
    auto d = json::parse(text);
    EXPECT_TRUE(d.has_value()) << text;
    return d ? std::move(*d) : json::Document{};
}

// schemas/<name>.schema.json as a document ("commands/revival.apply.v1").
inline json::Document schema_file(std::string_view name) {
    std::ifstream in(std::string(OCMS_SCHEMAS_DIR) + "/" + std::string(name) + ".schema.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return doc(ss.str());
}

}  // namespace ocms::test
