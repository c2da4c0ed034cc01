// The auto-revival job's command (producers/jobs/auto_revival): built through the contract
// (contract::RevivalApply + make_command), with the record's repeatable id. The database and broker
// half is tests/integration/auto_revival_test.cpp.
#include "jobs/auto_revival.hpp"

#include "contract/payloads.hpp"
#include "json/schema_registry.hpp"

#include "../schema_fixture.hpp"

#include <gtest/gtest.h>

namespace ocms::jobs {
namespace {

using test::registry;
using test::doc;

const TimePoint kNow = parse_iso("2026-03-11T00:05:00").value();

TEST(AutoRevival, CommandIsTheRecordsRevivalWithItsRepeatableId) {
    const TraceId run("0b5e3a7e-8a57-4e0e-9b83-1c8f4b0c2d11");
    const auto c = auto_revival_command("500500303J", 1234, kNow, "ocmsizmgr", run);
    EXPECT_EQ(c.command_id.value(), "auto-revival:500500303J:1234");
    EXPECT_EQ(c.command_id, auto_revival_command("500500303J", 1234, kNow, "ocmsizmgr", run).command_id);
    EXPECT_EQ(c.type, contract::kRevivalApply.type);
    EXPECT_EQ(c.schema_version, contract::kRevivalApply.version);
    EXPECT_EQ(c.issued_at, kNow);
    EXPECT_EQ(c.source, "OCMS");
    EXPECT_EQ(c.officer, "ocmsizmgr");
    EXPECT_EQ(c.trace_id, run);
    EXPECT_FALSE(c.request_id);
    EXPECT_FALSE(c.reply_to);
    EXPECT_FALSE(c.batch);
    EXPECT_FALSE(c.replay_of);
    EXPECT_FALSE(c.caller);
    EXPECT_EQ(c.notice_no.value(), "500500303J");
    // What the job wrote by hand before the contract, byte for byte.
    EXPECT_EQ(c.payload_json, R"({"noticeNo":"500500303J","suspensionType":"TS","revivalReason":"SPO",)"
                              R"("revivalRemarks":"Suspension period is over","officerAuthorisingRevival":"ocmsizmgr",)"
                              R"("channel":"automatic"})");
}

// The officer is configuration: a quote or a backslash in it stays inside its JSON string (the
// hand-built payload ended the string there and was no JSON at all).
TEST(AutoRevival, AnOfficerWithAQuoteAndABackslashGivesAValidCommand) {
    const std::string officer = R"(O"Brien\ops)";
    const auto c = auto_revival_command("500500303J", 7, kNow, officer, TraceId("run-1"));

    const json::Document payload = doc(c.payload_json);
    ASSERT_TRUE(payload.IsObject()) << c.payload_json;
    EXPECT_EQ(registry().validate(std::string(contract::kRevivalApply.schema), payload), "");
    auto p = contract::decode<contract::RevivalApply>(payload);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->officer_authorising_revival, officer);
    EXPECT_EQ(p->revival_remarks, std::optional<std::string>("Suspension period is over"));
    EXPECT_EQ(p->channel, domain::RevivalChannel::automatic);
    EXPECT_EQ(p->notice_no.value(), "500500303J");

    // The whole message as the job publishes it: an envelope the worker's intake takes.
    const json::Document envelope = doc(messages::encode(c));
    ASSERT_EQ(registry().validate("envelope.v1", envelope), "");
    auto back = messages::decode_command(envelope);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->officer, officer);
    EXPECT_EQ(back->command_id.value(), "auto-revival:500500303J:7");
    EXPECT_EQ(back->notice_no.value(), "500500303J");
    EXPECT_EQ(registry().validate(std::string(contract::kRevivalApply.schema), *json::get_object(envelope, "payload")),
              "");
}

}  // namespace
}  // namespace ocms::jobs
