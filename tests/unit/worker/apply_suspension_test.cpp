// suspension.apply (spec 002): the payload -> command mapping of
// consumers/worker/handlers/apply_suspension (read through contract::SuspensionApply), and the
// answer to a payload the contract refuses. The database half is tests/integration/ts_codes_test.cpp
// (through the edge) and kafka_path_test.cpp (published straight to the topic).
#include "handlers/apply_suspension.hpp"

#include "json/schema_registry.hpp"

#include "../schema_fixture.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ocms::worker::suspension_apply {
namespace {

using test::registry;
using test::doc;
using test::schema_file;

std::string check(std::string_view payload) { return registry().validate("commands/suspension.apply.v1", doc(payload)); }

messages::Command envelope() {
    messages::Command c;
    c.command_id = CommandId("cmd-00000001");
    c.type = std::string(contract::kSuspensionApply.type);
    c.source = "OCMS_FE";
    c.officer = "ENVOFFICER";
    return c;
}

TEST(SuspensionApplyRequest, MapsEveryField) {
    const char* p = R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"ACR",
        "suspensionRemarks":"Appeal received","officerAuthorisingSuspension":"JOHNLEE",
        "dateOfSuspension":"2025-03-22T19:00:02+08:00","checking":true})";
    ASSERT_EQ(check(p), "");
    auto r = parse_request(doc(p), envelope());
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->notice_no.value(), "500500303J");
    EXPECT_EQ(r->suspension_type, "TS");
    EXPECT_EQ(r->reason.value(), "ACR");
    EXPECT_EQ(r->remarks, std::optional<std::string>("Appeal received"));
    EXPECT_EQ(r->officer, "JOHNLEE");
    EXPECT_EQ(r->source, "OCMS_FE");  // always the envelope's
    EXPECT_EQ(r->date_of_suspension, parse_iso("2025-03-22T11:00:02Z"));
    EXPECT_TRUE(r->checking);
}

TEST(SuspensionApplyRequest, DefaultsWhenOptionalFieldsAreAbsent) {
    const char* p = R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"ACR"})";
    ASSERT_EQ(check(p), "");
    auto r = parse_request(doc(p), envelope());
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->officer, "ENVOFFICER");  // the envelope's officer
    EXPECT_FALSE(r->remarks);
    EXPECT_FALSE(r->date_of_suspension);  // the rules take "now"
    EXPECT_FALSE(r->checking);
}

TEST(SuspensionApplyRequest, ADateThatIsNoTimeIsABadRequest) {
    const char* p = R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"ACR",
        "dateOfSuspension":"not a date, 19+ chars"})";
    ASSERT_EQ(check(p), "");
    auto r = parse_request(doc(p), envelope());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, codes::kBadRequest);
    EXPECT_EQ(r.error().message, "dateOfSuspension is not an ISO 8601 date-time");
    EXPECT_EQ(r.error().data_json, "");
}

// Cannot reach the handler (the intake dead-letters it first); if the two ever drift apart the
// caller gets the intake's answer to a schema refusal, and the worker does not crash.
TEST(SuspensionApplyRequest, APayloadTheContractRefusesIsRejected) {
    for (const char* p : {R"({"suspensionType":"TS","reasonOfSuspension":"ACR"})",
                          R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"ACR","checking":"yes"})",
                          R"(["not an object"])"}) {
        EXPECT_NE(check(p), "") << p;
        auto r = parse_request(doc(p), envelope());
        ASSERT_FALSE(r.has_value()) << p;
        EXPECT_EQ(r.error().code, codes::kBadRequest) << p;
        EXPECT_TRUE(r.error().message.starts_with("Command rejected: commands/suspension.apply.v1 ")) << r.error().message;
        EXPECT_EQ(r.error().data_json, "");
    }
    auto r = parse_request(doc(R"({"suspensionType":"TS","reasonOfSuspension":"ACR"})"), envelope());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().message, "Command rejected: commands/suspension.apply.v1 noticeNo is required");
}

// Every example of the schema is a command the rules can take.
TEST(SuspensionApplyRequest, EverySchemaExampleMaps) {
    const json::Document schema = schema_file(contract::kSuspensionApply.schema);
    const auto* examples = json::get_array(schema, "examples");
    ASSERT_NE(examples, nullptr);
    for (const auto& e : examples->GetArray()) {
        auto r = parse_request(e, envelope());
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    }
}

}  // namespace
}  // namespace ocms::worker::suspension_apply
