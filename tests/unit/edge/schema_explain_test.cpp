// Readable schema messages.
#include "support.hpp"

#include <gtest/gtest.h>

using namespace edge_test;

namespace {
std::string explain(const std::string& body) {
    auto d = json::parse(body);
    if (!d) return "<bad json>";
    const std::string name = "http/staff-apply-suspension.request";
    auto why = registry()->validate(name, *d);
    if (why.empty()) return "";
    return SchemaExplainer::load(kSchemasDir)->explain(name, *d, why);
}
}  // namespace

TEST(SchemaExplain, Messages) {
    EXPECT_EQ(explain(R"({"noticeNo":["A"],"suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J"})"), "");
    EXPECT_EQ(explain(R"({"suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J"})"),
              "missing required field 'noticeNo'");
    EXPECT_EQ(explain(R"({"noticeNo":["A"],"suspensionType":"TSX","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J"})"),
              "suspensionType is longer than 2 characters");
    EXPECT_EQ(explain(R"({"noticeNo":["A"],"suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J","checking":"yes"})"),
              "checking must be a boolean");
}
