// POST /v1/staff-apply-suspension as pure functions: body -> commands, replies -> answer.
#include "suspension/staff_apply_suspension.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace edge_test;

namespace {

const TimePoint kNow = *parse_iso("2025-03-22T19:00:02");

DispatchItem replied(const std::string& notice, const std::string& code, const std::string& message,
                     const std::string& data = "") {
    return replied_item(notice, "", code, message, data);
}
DispatchItem pending(const std::string& notice) { return pending_item(notice); }
DispatchItem failed(const std::string& notice) { return failed_item(notice); }
const std::string kData = R"({"srNo":1234,"dueDateOfRevival":"2025-04-12T19:00:02"})";

}  // namespace

TEST(StaffApplyMapping, OneCommandPerNoticeWithTheEnvelope) {
    auto body = body_of(R"({"noticeNo":["500500303J","500500304K"],"suspensionType":"TS","reasonOfSuspension":"ACR",
        "suspensionRemarks":"ACRA investigation pending","officerAuthorisingSuspension":"JOHNLEE","checking":true})");
    auto cmds = staff_apply::build_commands(body, RequestId("req-1"), kNow, registry().get());
    ASSERT_TRUE(cmds) << cmds.error().message;
    ASSERT_EQ(cmds->size(), 2u);
    std::set<std::string> ids;
    for (int i = 0; i < 2; ++i) {
        const auto& c = (*cmds)[std::size_t(i)];
        ids.insert(c.command_id.value());
        EXPECT_EQ(c.type, "suspension.apply");
        EXPECT_EQ(c.schema_version, 1);
        EXPECT_EQ(c.issued_at, kNow);
        EXPECT_EQ(c.source, "OCMS_FE");
        EXPECT_EQ(c.officer, "JOHNLEE");
        ASSERT_TRUE(c.request_id);
        EXPECT_EQ(c.request_id->value(), "req-1");
        ASSERT_TRUE(c.trace_id);
        EXPECT_EQ(c.trace_id->value(), (*cmds)[0].trace_id->value());  // one trace per request
        ASSERT_TRUE(c.batch);
        EXPECT_EQ(c.batch->index, i);
        EXPECT_EQ(c.batch->size, 2);
        auto env = json::parse(messages::encode(c));
        ASSERT_TRUE(env);
        EXPECT_EQ(registry()->validate("envelope.v1", *env), "");
    }
    EXPECT_EQ(ids.size(), 2u);
    EXPECT_EQ((*cmds)[0].payload_json,
              R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"ACR",)"
              R"("suspensionRemarks":"ACRA investigation pending","officerAuthorisingSuspension":"JOHNLEE","checking":true})");
    EXPECT_EQ(command_key((*cmds)[1]), "500500304K");
    EXPECT_EQ(topic_for((*cmds)[1].type), "ocms.cmd.suspension");
}

TEST(StaffApplyMapping, OptionalFieldsLeftOut) {
    auto body = body_of(R"({"noticeNo":["A1"],"suspensionType":"TS","reasonOfSuspension":"APP",
        "officerAuthorisingSuspension":"X"})");
    auto cmds = staff_apply::build_commands(body, RequestId("r"), kNow, registry().get());
    ASSERT_TRUE(cmds);
    EXPECT_EQ((*cmds)[0].payload_json,
              R"({"noticeNo":"A1","suspensionType":"TS","reasonOfSuspension":"APP","officerAuthorisingSuspension":"X"})");
}

TEST(StaffApplyMapping, DuplicateNoticeIsRefused) {
    auto body = body_of(R"({"noticeNo":["A1","B2","A1"],"suspensionType":"TS","reasonOfSuspension":"ACR",
        "officerAuthorisingSuspension":"X"})");
    auto cmds = staff_apply::build_commands(body, RequestId("r"), kNow, registry().get());
    ASSERT_FALSE(cmds);
    EXPECT_EQ(cmds.error().code, codes::kBadRequest);
    EXPECT_EQ(cmds.error().message, "Duplicate notice number: A1");
}

TEST(StaffApplyMapping, CommandSchemaIsCheckedToo) {
    // The HTTP schema allows a 1-character type; suspension.apply.v1 wants exactly 2.
    auto body = body_of(R"({"noticeNo":["A1"],"suspensionType":"T","reasonOfSuspension":"ACR",
        "officerAuthorisingSuspension":"X"})");
    auto cmds = staff_apply::build_commands(body, RequestId("r"), kNow, registry().get());
    ASSERT_FALSE(cmds);
    EXPECT_EQ(cmds.error().code, codes::kBadRequest);
    EXPECT_NE(cmds.error().message.find("suspensionType"), std::string::npos) << cmds.error().message;
}

TEST(StaffApplyAnswer, AllSuccessIsTheSpecShape) {
    auto a = staff_apply::assemble(RequestId("req-1"), {replied("500500303J", "OCMS-2000", "TS Success", kData),
                                                        replied("500500304K", "OCMS-2000", "TS Success", kData)});
    EXPECT_EQ(a.status, 200u);
    EXPECT_EQ(a.body,
              R"({"totalProcessed":2,"successCount":2,"errorCount":0,"requestId":"req-1","results":[)"
              R"({"noticeNo":"500500303J","srNo":1234,"dueDateOfRevival":"2025-04-12T19:00:02","appCode":"OCMS-2000","message":"TS Success"},)"
              R"({"noticeNo":"500500304K","srNo":1234,"dueDateOfRevival":"2025-04-12T19:00:02","appCode":"OCMS-2000","message":"TS Success"}]})");
}

TEST(StaffApplyAnswer, AlreadySuspendedCountsAsSuccess) {
    auto a = staff_apply::assemble(
        RequestId("r"), {replied("A1", "OCMS-2001", "Notice already has active TS with same or later revival date")});
    EXPECT_EQ(a.status, 200u);
    EXPECT_EQ(a.body,
              R"({"totalProcessed":1,"successCount":1,"errorCount":0,"requestId":"r","results":[)"
              R"({"noticeNo":"A1","appCode":"OCMS-2001","message":"Notice already has active TS with same or later revival date"}]})");
}

TEST(StaffApplyAnswer, MixedIsPartialSuccess) {
    auto a = staff_apply::assemble(
        RequestId("r"), {replied("500500303J", "OCMS-2000", "TS Success", kData),
                         replied("500500304K", "OCMS-4002", "TS Code cannot be applied due to Last Processing Stage")});
    EXPECT_EQ(a.status, 200u);
    EXPECT_EQ(a.body,
              R"({"totalProcessed":2,"successCount":1,"errorCount":1,"requestId":"r","results":[)"
              R"({"noticeNo":"500500303J","srNo":1234,"dueDateOfRevival":"2025-04-12T19:00:02","appCode":"OCMS-2000","message":"TS Success"},)"
              R"({"noticeNo":"500500304K","appCode":"OCMS-4002","message":"TS Code cannot be applied due to Last Processing Stage"}]})");
}

TEST(StaffApplyAnswer, PendingGives202WithRequestIdAndCommandId) {
    auto a = staff_apply::assemble(RequestId("req-9"),
                                   {replied("A1", "OCMS-2000", "TS Success", kData), pending("B2")});
    EXPECT_EQ(a.status, 202u);
    EXPECT_EQ(a.body,
              R"({"totalProcessed":2,"successCount":1,"errorCount":0,"pendingCount":1,"requestId":"req-9","results":[)"
              R"({"noticeNo":"A1","srNo":1234,"dueDateOfRevival":"2025-04-12T19:00:02","appCode":"OCMS-2000","message":"TS Success"},)"
              R"({"noticeNo":"B2","appCode":"OCMS-2002","message":"Accepted; the result is not known yet. Fetch it with /v1/request-outcome","commandId":"cmd-B2"}]})");
}

TEST(StaffApplyAnswer, FailedDeliveryIsAnError) {
    auto a = staff_apply::assemble(RequestId("r"), {failed("A1"), replied("B2", "OCMS-2000", "TS Success")});
    EXPECT_EQ(a.status, 200u);
    EXPECT_EQ(a.body,
              R"({"totalProcessed":2,"successCount":1,"errorCount":1,"requestId":"r","results":[)"
              R"({"noticeNo":"A1","appCode":"OCMS-5000","message":"Command could not be queued; please retry"},)"
              R"({"noticeNo":"B2","appCode":"OCMS-2000","message":"TS Success"}]})");
}
