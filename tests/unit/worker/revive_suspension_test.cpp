// revival.apply (spec 004): the payload -> command mapping of
// consumers/worker/handlers/revive_suspension (read through contract::RevivalApply), and the
// answer to a payload the contract refuses. The database half is
// tests/integration/revival_api_test.cpp and auto_revival_test.cpp.
#include "handlers/revive_suspension.hpp"

#include "json/schema_registry.hpp"

#include "../schema_fixture.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ocms::worker::revival_apply {
namespace {

using test::registry;
using test::doc;

std::string check(std::string_view payload) { return registry().validate("commands/revival.apply.v1", doc(payload)); }

TEST(RevivalApplyRequest, MapsEveryField) {
    const char* p = R"({"noticeNo":"500500318Z","suspensionType":"TS","revivalReason":"HAV",
        "revivalRemarks":"Address verified","officerAuthorisingRevival":"JOHNLEE","channel":"hst","hstIdNo":"S9900112G"})";
    ASSERT_EQ(check(p), "");
    auto r = parse_request(doc(p));
    ASSERT_TRUE(r.has_value()) << r.error().message;
    const auto& c = r->revive;
    EXPECT_EQ(c.notice_no.value(), "500500318Z");
    EXPECT_EQ(c.suspension_type, "TS");
    EXPECT_EQ(c.revival_reason.value(), "HAV");
    EXPECT_EQ(c.remarks, std::optional<std::string>("Address verified"));
    EXPECT_EQ(c.officer, "JOHNLEE");
    EXPECT_EQ(c.channel, domain::RevivalChannel::hst);
    EXPECT_EQ(r->hst_id_no, std::optional<std::string>("S9900112G"));
}

TEST(RevivalApplyRequest, EveryChannelAndNoRemarks) {
    const std::pair<const char*, domain::RevivalChannel> channels[] = {
        {"staff", domain::RevivalChannel::staff},     {"plus", domain::RevivalChannel::plus},
        {"internal", domain::RevivalChannel::internal}, {"hst", domain::RevivalChannel::hst},
        {"automatic", domain::RevivalChannel::automatic}};
    for (const auto& [word, channel] : channels) {
        const std::string p = std::string(R"({"noticeNo":"500500303J","suspensionType":"PS","revivalReason":"SPO",)"
                                          R"("officerAuthorisingRevival":"BATCHJOB","channel":")") +
                              word + "\"}";
        ASSERT_EQ(check(p), "") << word;
        auto r = parse_request(doc(p));
        ASSERT_TRUE(r.has_value()) << word;
        EXPECT_EQ(r->revive.channel, channel) << word;
        EXPECT_EQ(r->revive.suspension_type, "PS");
        EXPECT_FALSE(r->revive.remarks);
        EXPECT_FALSE(r->hst_id_no);
    }
}

// Cannot reach the handler (the intake dead-letters it first); if the two ever drift apart the
// caller gets the intake's answer to a schema refusal, and the worker does not crash.
TEST(RevivalApplyRequest, APayloadTheContractRefusesIsRejected) {
    for (const char* p :
         {R"({"noticeNo":"500500303J","suspensionType":"TS","revivalReason":"SPO","channel":"staff"})",
          R"({"noticeNo":"500500303J","suspensionType":"TS","revivalReason":"SPO","officerAuthorisingRevival":"A","channel":"cron"})",
          R"({"noticeNo":"500500303J","suspensionType":"TS","revivalReason":"SPO","officerAuthorisingRevival":"A"})"}) {
        EXPECT_NE(check(p), "") << p;
        auto r = parse_request(doc(p));
        ASSERT_FALSE(r.has_value()) << p;
        EXPECT_EQ(r.error().code, codes::kBadRequest) << p;
        EXPECT_TRUE(r.error().message.starts_with("Command rejected: commands/revival.apply.v1 ")) << r.error().message;
        EXPECT_EQ(r.error().data_json, "");
    }
}

TEST(RevivalApplyRequest, EverySchemaExampleMaps) {
    std::ifstream in(std::string(OCMS_SCHEMAS_DIR) + "/" + std::string(contract::kRevivalApply.schema) + ".schema.json");
    std::stringstream ss;
    ss << in.rdbuf();
    const json::Document schema = doc(ss.str());
    const auto* examples = json::get_array(schema, "examples");
    ASSERT_NE(examples, nullptr);
    for (const auto& e : examples->GetArray()) {
        auto r = parse_request(e);
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    }
}

}  // namespace
}  // namespace ocms::worker::revival_apply
