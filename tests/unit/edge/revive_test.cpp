// The revival routes of spec 004 (handlers/revive_suspension.hpp): body -> revival.apply
// commands, the answers, and who may call (401/403) - no sockets, Kafka or database.
#include "revival/revive_suspension.hpp"
#include "http/routes.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

using namespace edge_test;

namespace {

const TimePoint kNow = *parse_iso("2025-03-22T19:00:02");

json::Document payload(const messages::Command& c) { return body_of(c.payload_json); }

std::string s(const json::Value& v, const char* k) { return std::string(json::get_string(v, k).value_or("<none>")); }

const std::string kStaffBody =
    R"({"noticeNo":["500500303J","500500304J"],"suspensionType":"TS","revivalReason":"MAN",
        "revivalRemarks":"Issue resolved","officerAuthorisingRevival":"JOHNLEE"})";
const std::string kInternalBody =
    R"({"noticeNos":["500500303J"],"revivalRemarks":"Suspension period over","officerAuthorisingRevival":"ocmsizmgr",
        "revivalSource":"004"})";
const std::string kHstBody =
    R"({"idNo":"S1234567A","name":"John Doe","streetName":"Bukit Merah View","blkHseNo":"65","floorNo":"29",
        "unitNo":"1551","bldgName":"The Amberlyn","postalCode":"578640"})";

HstRow hst_row(std::vector<std::string> notices) {
    HstRow h;
    h.id_no = "S1234567A";
    h.name = "John Doe";
    h.street_name = "BUKIT MERAH  VIEW ";
    h.blk_hse_no = "65";
    h.floor_no = "29";
    h.unit_no = "1551";
    h.bldg_name = "the amberlyn";
    h.postal_code = "578640";
    h.notices = std::move(notices);
    return h;
}

}  // namespace

// ---- mapping ---------------------------------------------------------------------------------

TEST(ReviveMapping, StaffBodyBecomesOneRevivalPerNotice) {
    auto body = body_of(kStaffBody);
    auto req = revive::from_staff(body);
    ASSERT_TRUE(req) << req.error().message;
    auto cmds = revive::build_commands(*req, RequestId("req-1"), kNow, registry().get());
    ASSERT_TRUE(cmds) << cmds.error().message;
    ASSERT_EQ(cmds->size(), 2u);
    for (int i = 0; i < 2; ++i) {
        const auto& c = (*cmds)[std::size_t(i)];
        EXPECT_EQ(c.type, "revival.apply");
        EXPECT_EQ(c.source, "OCMS_FE");
        EXPECT_EQ(c.officer, "JOHNLEE");
        EXPECT_EQ(c.request_id->value(), "req-1");
        EXPECT_EQ(c.batch->index, i);
        EXPECT_EQ(c.batch->size, 2);
        EXPECT_EQ(c.trace_id->value(), (*cmds)[0].trace_id->value());
    }
    EXPECT_EQ((*cmds)[0].payload_json,
              R"({"noticeNo":"500500303J","suspensionType":"TS","revivalReason":"MAN","revivalRemarks":"Issue resolved",)"
              R"("officerAuthorisingRevival":"JOHNLEE","channel":"staff"})");
    EXPECT_EQ(s(payload((*cmds)[1]), "noticeNo"), "500500304J");
}

TEST(ReviveMapping, PlusIsChannelPlusSourcePlus) {
    auto body = body_of(kStaffBody);
    auto req = revive::from_plus(body);
    ASSERT_TRUE(req);
    auto cmds = revive::build_commands(*req, RequestId("r"), kNow, registry().get());
    ASSERT_TRUE(cmds);
    EXPECT_EQ((*cmds)[0].source, "PLUS");
    EXPECT_EQ(s(payload((*cmds)[0]), "channel"), "plus");
}

TEST(ReviveMapping, UnknownSuspensionTypeIsLeftToTheWorker) {
    auto body = body_of(R"({"noticeNo":["500500303J"],"suspensionType":"XX","revivalReason":"MAN",
                            "officerAuthorisingRevival":"JOHNLEE"})");
    auto req = revive::from_staff(body);
    ASSERT_TRUE(req);
    auto cmds = revive::build_commands(*req, RequestId("r"), kNow, registry().get());
    ASSERT_TRUE(cmds) << cmds.error().message;
    EXPECT_EQ(s(payload((*cmds)[0]), "suspensionType"), "XX");
    EXPECT_EQ(registry()->validate("http/staff-revive-suspension.request", body), "");
}

TEST(ReviveMapping, DuplicateNoticeIsABadRequest) {
    auto body = body_of(R"({"noticeNo":["A1","A1"],"suspensionType":"TS","revivalReason":"MAN",
                            "officerAuthorisingRevival":"JOHNLEE"})");
    auto req = revive::from_staff(body);
    ASSERT_FALSE(req);
    EXPECT_EQ(req.error().code, codes::kBadRequest);
}

TEST(ReviveMapping, InternalDefaultsAndSources) {
    auto body = body_of(kInternalBody);
    auto req = revive::from_internal(body);
    ASSERT_TRUE(req);
    auto cmds = revive::build_commands(*req, RequestId("r"), kNow, registry().get());
    ASSERT_TRUE(cmds) << cmds.error().message;
    const auto& c = (*cmds)[0];
    EXPECT_EQ(c.source, "OCMS");
    EXPECT_EQ(c.officer, "ocmsizmgr");
    auto p = payload(c);
    EXPECT_EQ(s(p, "channel"), "internal");
    EXPECT_EQ(s(p, "suspensionType"), "TS");
    EXPECT_EQ(s(p, "revivalReason"), "OTH");
    EXPECT_EQ(s(p, "revivalRemarks"), "Suspension period over");

    auto plus = body_of(R"({"noticeNos":["A1"],"officerAuthorisingRevival":"o","revivalSource":"005",
                            "suspensionType":"PS","revivalReason":"PSR"})");
    auto r2 = revive::from_internal(plus);
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->source, "PLUS");
    EXPECT_EQ(r2->suspension_type, "PS");
    EXPECT_EQ(r2->revival_reason, "PSR");
    EXPECT_FALSE(r2->remarks);
}

TEST(ReviveMapping, HstRevivalCarriesTheIdAndReasonHav) {
    auto body = body_of(kHstBody);
    auto req = revive::from_hst(body, {"N1", "N2"}, "hst-officer");
    auto cmds = revive::build_commands(req, RequestId("r"), kNow, registry().get());
    ASSERT_TRUE(cmds) << cmds.error().message;
    ASSERT_EQ(cmds->size(), 2u);
    auto p = payload((*cmds)[1]);
    EXPECT_EQ(s(p, "noticeNo"), "N2");
    EXPECT_EQ(s(p, "channel"), "hst");
    EXPECT_EQ(s(p, "revivalReason"), "HAV");
    EXPECT_EQ(s(p, "suspensionType"), "TS");
    EXPECT_EQ(s(p, "hstIdNo"), "S1234567A");
    EXPECT_EQ(s(p, "officerAuthorisingRevival"), "hst-officer");
}

TEST(ReviveMapping, HstAddressComparedLoosely) {
    auto body = body_of(kHstBody);
    EXPECT_TRUE(revive::hst_address_mismatch(body, hst_row({})).empty());
    auto row = hst_row({});
    row.postal_code = "578641";
    row.bldg_name = std::nullopt;  // NULL equals "" only
    EXPECT_EQ(revive::hst_address_mismatch(body, row), (std::vector<std::string>{"bldgName", "postalCode"}));
}

TEST(ReviveMapping, HstAnswerIsTheSpecArray) {
    std::vector<DispatchItem> items(2);
    items[0].notice_no = NoticeNo("N1");
    items[0].command_id = CommandId("c1");
    items[0].state = DispatchItem::State::replied;
    messages::Reply r;
    r.app_code = codes::kSuccess;
    r.message = "TS revived successfully";
    items[0].reply = r;
    items[1].notice_no = NoticeNo("N2");
    items[1].command_id = CommandId("c2");
    items[1].state = DispatchItem::State::pending;
    auto a = revive::answer_hst(items);
    EXPECT_EQ(a.status, 202u);
    EXPECT_EQ(a.body, R"([{"noticeNo":"N1","appCode":"OCMS-2000","message":"TS revived successfully"},)"
                      R"({"noticeNo":"N2","appCode":"OCMS-2002","message":")" +
                          std::string(kPendingMessage) + R"(","commandId":"c2"}])");
}

// ---- routes and auth -------------------------------------------------------------------------

TEST(ReviveRoutes, RolesAsSpecified) {
    auto find = [](const std::string& p) -> Route {
        for (const auto& r : routes({}))
            if (r.path == p) return r;
        throw std::runtime_error("no route " + p);
    };
    EXPECT_EQ(find("/staff-revive-suspension").auth.any_of_roles, std::vector<std::string>{"OCMS_STAFF"});
    EXPECT_FALSE(find("/staff-revive-suspension").auth.apim);
    EXPECT_EQ(find("/plus-revive-suspension").auth.any_of_roles, std::vector<std::string>{"PLUS"});
    EXPECT_TRUE(find("/plus-revive-suspension").auth.apim);
    EXPECT_EQ(find("/ocms/v1/suspension/apply-revival").auth.any_of_roles, std::vector<std::string>{"INTERNAL"});
    EXPECT_EQ(find("/v1/revive-hst").auth.any_of_roles, std::vector<std::string>{"HST"});
}

class Revive : public ::testing::Test {
protected:
    Fixture f;
    std::shared_ptr<FakeReadStore> reads = f.reads;
};

TEST_F(Revive, StaffRouteAnswersTheBatch) {
    auto r = f.post("/staff-revive-suspension", kStaffBody, make_token({"OCMS_STAFF"}));
    EXPECT_EQ(r.result_int(), 200) << r.body();
    ASSERT_EQ(f.gateway->seen.size(), 2u);
    EXPECT_EQ(f.gateway->seen[0].type, "revival.apply");
    auto d = body_of(r.body());
    EXPECT_EQ(json::get_int(d, "totalProcessed").value_or(-1), 2);
    EXPECT_EQ(json::get_int(d, "successCount").value_or(-1), 2);
}

// The internal route (spec 004 1.4) reaches its handler: one revival.apply per notice, channel
// internal, the batch answer.
TEST_F(Revive, InternalRouteAnswersTheBatch) {
    auto r = f.post("/ocms/v1/suspension/apply-revival", kInternalBody, make_token({"INTERNAL"}));
    EXPECT_EQ(r.result_int(), 200) << r.body();
    ASSERT_EQ(f.gateway->seen.size(), 1u);
    const auto& c = f.gateway->seen[0];
    EXPECT_EQ(c.type, "revival.apply");
    EXPECT_EQ(command_key(c), "500500303J");
    EXPECT_EQ(c.source, "OCMS");
    EXPECT_EQ(c.officer, "ocmsizmgr");
    EXPECT_EQ(s(payload(c), "channel"), "internal");
    auto d = body_of(r.body());
    EXPECT_EQ(json::get_int(d, "totalProcessed").value_or(-1), 1);
    EXPECT_EQ(json::get_int(d, "successCount").value_or(-1), 1);
}

TEST_F(Revive, AuthFailures) {
    // no token, wrong role, PLUS without APIM key, INTERNAL, HST
    EXPECT_EQ(f.post("/staff-revive-suspension", kStaffBody, "").result_int(), 401);
    EXPECT_EQ(f.post("/staff-revive-suspension", kStaffBody, make_token({"PLUS"})).result_int(), 403);
    EXPECT_EQ(f.post("/plus-revive-suspension", kStaffBody, make_token({"PLUS"})).result_int(), 401);
    EXPECT_EQ(f.post("/plus-revive-suspension", kStaffBody, make_token({"OCMS_STAFF"}),
                     {{"Ocp-Apim-Subscription-Key", "apim-key-1"}})
                  .result_int(),
              403);
    EXPECT_EQ(f.post("/plus-revive-suspension", kStaffBody, make_token({"PLUS"}),
                     {{"Ocp-Apim-Subscription-Key", "apim-key-1"}})
                  .result_int(),
              200);
    EXPECT_EQ(f.post("/ocms/v1/suspension/apply-revival", kInternalBody, "").result_int(), 401);
    EXPECT_EQ(f.post("/ocms/v1/suspension/apply-revival", kInternalBody, make_token({"OCMS_STAFF"})).result_int(), 403);
    EXPECT_EQ(f.post("/v1/revive-hst", kHstBody, "").result_int(), 401);
    EXPECT_EQ(f.gateway->seen.size(), 2u);  // the one PLUS call let through (two notices)
}

TEST_F(Revive, HstWithoutTheRoleIs403WithTheSpecMessage) {
    auto r = f.post("/v1/revive-hst", kHstBody, make_token({"OCMS_STAFF"}));
    EXPECT_EQ(r.result_int(), 403);
    auto d = body_of(r.body());
    EXPECT_EQ(s(d, "appCode"), "OCMS-4001");
    EXPECT_EQ(s(d, "message"), "User not authorised to revive TS-HST");
    EXPECT_TRUE(reads->hst_call.asked.empty());
}

TEST_F(Revive, BadBodiesAre400) {
    auto tok = make_token({"OCMS_STAFF"});
    auto long_remarks = R"({"noticeNo":["A1"],"suspensionType":"TS","revivalReason":"MAN","revivalRemarks":")" +
                        std::string(51, 'x') + R"(","officerAuthorisingRevival":"J"})";
    EXPECT_EQ(f.post("/staff-revive-suspension", long_remarks, tok).result_int(), 400);
    auto eleven = std::string(R"({"noticeNo":[)");
    for (int i = 0; i < 11; ++i) eleven += (i ? ",\"A" : "\"A") + std::to_string(i) + "\"";
    eleven += R"(],"suspensionType":"TS","revivalReason":"MAN","officerAuthorisingRevival":"J"})";
    EXPECT_EQ(f.post("/staff-revive-suspension", eleven, tok).result_int(), 400);
    auto r = f.post("/staff-revive-suspension", R"({"noticeNo":["A1"],"suspensionType":"TS"})", tok);
    EXPECT_EQ(r.result_int(), 400);
    EXPECT_EQ(app_code(r), "OCMS-4000");
    EXPECT_EQ(f.post("/ocms/v1/suspension/apply-revival",
                     R"({"noticeNos":["A1"],"officerAuthorisingRevival":"o","revivalSource":"006"})",
                     make_token({"INTERNAL"}))
                  .result_int(),
              400);
    EXPECT_TRUE(f.gateway->seen.empty());
}

TEST_F(Revive, HstMissingFieldIsRequiredFieldMissing) {
    auto r = f.post("/v1/revive-hst", R"({"idNo":"S1234567A","name":"John Doe"})", make_token({"HST"}));
    EXPECT_EQ(r.result_int(), 400);
    auto d = body_of(r.body());
    EXPECT_EQ(s(d, "appCode"), "OCMS-4000");
    EXPECT_EQ(s(d, "message").rfind("Required field missing", 0), 0u) << r.body();
}

TEST_F(Revive, HstUnknownIdIs4001) {
    auto r = f.post("/v1/revive-hst", kHstBody, make_token({"HST"}));
    EXPECT_EQ(r.result_int(), 404);
    EXPECT_EQ(r.body(), R"({"appCode":"OCMS-4001","message":"HST ID not found"})");
    EXPECT_EQ(reads->hst_call.asked, std::vector<std::string>{"S1234567A"});
}

TEST_F(Revive, HstRevivesEveryNoticeFound) {
    reads->hst_call.result = std::optional<HstRow>(hst_row({"N1", "N2"}));
    auto r = f.post("/v1/revive-hst", kHstBody, make_token({"HST"}));
    EXPECT_EQ(r.result_int(), 200) << r.body();
    ASSERT_EQ(f.gateway->seen.size(), 2u);
    EXPECT_EQ(r.body(), R"([{"noticeNo":"N1","appCode":"OCMS-2000","message":"TS Success"},)"
                        R"({"noticeNo":"N2","appCode":"OCMS-2000","message":"TS Success"}])");
}

TEST_F(Revive, HstAddressMismatchIs400AndNothingSent) {
    auto row = hst_row({"N1"});
    row.postal_code = "999999";
    reads->hst_call.result = std::optional<HstRow>(row);
    auto r = f.post("/v1/revive-hst", kHstBody, make_token({"HST"}));
    EXPECT_EQ(r.result_int(), 400) << r.body();
    EXPECT_TRUE(f.gateway->seen.empty());
}

TEST_F(Revive, HstWithoutNoticesIsAnEmptyArray) {
    reads->hst_call.result = std::optional<HstRow>(hst_row({}));
    auto r = f.post("/v1/revive-hst", kHstBody, make_token({"HST"}));
    EXPECT_EQ(r.result_int(), 200);
    EXPECT_EQ(r.body(), "[]");
}

TEST_F(Revive, HstReadFailureIs500) {
    reads->hst_call.result = store_down("db down");
    auto r = f.post("/v1/revive-hst", kHstBody, make_token({"HST"}));
    EXPECT_EQ(r.result_int(), 500);
    EXPECT_EQ(r.body(), R"({"appCode":"OCMS-5000","message":"Backend error during revival"})");
}
