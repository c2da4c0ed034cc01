// stage.change (OCMS 15, spec 003): the schema schemas/commands/stage.change.v1, the payload ->
// request mapping and the decision -> reply mapping of consumers/worker/handlers/change_stage.
// The database half is tests/integration/stage_worker_test.cpp.
#include "handlers/change_stage.hpp"
#include "json/schema_registry.hpp"
#include "messages/messages.hpp"

#include "../schema_fixture.hpp"

#include <gtest/gtest.h>

namespace ocms::worker::stage_change {
namespace {

using test::registry;
using test::doc;

std::string check(std::string_view payload) { return registry().validate("commands/stage.change.v1", doc(payload)); }

TimePoint at(std::string_view iso) { return parse_iso(iso).value(); }

// ---- the schema ---------------------------------------------------------------------------------

TEST(StageChangeSchema, AcceptsEachModesPayload) {
    EXPECT_EQ(check(R"({"noticeNo":"500500303J","mode":"submit","source":"OCMS","officer":"JOHNLEE",
        "newStage":"DN2","reason":"SUP","remarks":"Verified by AO","dhMhaCheck":false,"isConfirmation":true})"),
              "");
    EXPECT_EQ(check(R"({"noticeNo":"N001","mode":"submit","source":"OCMS","officer":"JOHNLEE"})"), "");
    EXPECT_EQ(check(R"({"noticeNo":"N001","mode":"plus","source":"PLUS","officer":"PLUS","currentStage":"DN1",
        "newStage":"DN2","offenderType":"D","newStageDate":"2025-09-30T06:58:42"})"),
              "");
    EXPECT_EQ(check(R"({"noticeNo":"N001","mode":"toppan","source":"SYSTEM","officer":"SYSTEM","currentStage":"RR3",
        "processingDate":"2025-12-19T00:30:00"})"),
              "");
}

TEST(StageChangeSchema, RefusesWhatTheRulesCannotTake) {
    const char* bad[] = {
        R"({"mode":"submit","source":"OCMS","officer":"A"})",                                     // no notice
        R"({"noticeNo":"N-001","mode":"submit","source":"OCMS","officer":"A"})",                  // not alphanumeric
        R"({"noticeNo":"N00000000001","mode":"submit","source":"OCMS","officer":"A"})",           // 11 characters
        R"({"noticeNo":"N1","mode":"validate","source":"OCMS","officer":"A"})",                   // not a mode
        R"({"noticeNo":"N1","mode":"submit","source":"005","officer":"A"})",                      // PLUS's code, not ours
        R"({"noticeNo":"N1","mode":"submit","source":"OCMS","officer":""})",                      // no officer
        R"({"noticeNo":"N1","mode":"submit","source":"OCMS","officer":"A","newStage":"dn2"})",    // lower case
        R"({"noticeNo":"N1","mode":"submit","source":"OCMS","officer":"A","newStage":"DN22"})",   // 4 characters
        R"({"noticeNo":"N1","mode":"submit","source":"OCMS","officer":"A","reason":"SUPP"})",     // reason > 3
        R"({"noticeNo":"N1","mode":"submit","source":"OCMS","officer":"A","offenderType":"DRIVERXXX"})",
        R"({"noticeNo":"N1","mode":"submit","source":"OCMS","officer":"A","dhMhaCheck":"yes"})",
        R"({"noticeNo":"N1","mode":"plus","source":"PLUS","officer":"A","newStageDate":"2025-09-30"})",
        R"({"noticeNo":"N1","mode":"plus","source":"PLUS","officer":"A","newStageDate":"30/09/2025 06:58:42"})",
        R"({"noticeNo":"N1","mode":"toppan","source":"SYSTEM","officer":"A","processingDate":"19/12/2025 00:30"})",
        R"({"noticeNo":"N1","mode":"submit","source":"OCMS","officer":"A","remark":"the 2.3 spelling"})",
    };
    for (const char* p : bad) EXPECT_NE(check(p), "") << p;
    EXPECT_NE(check(std::string(R"({"noticeNo":"N1","mode":"submit","source":"OCMS","officer":"A","remarks":")") +
                    std::string(201, 'x') + "\"}"),
              "");
}

// ---- payload -> request -------------------------------------------------------------------------

TEST(StageChangeRequest, SubmitMapsEveryField) {
    auto p = doc(R"({"noticeNo":"N001","mode":"submit","source":"OCMS","officer":"JOHNLEE","newStage":"DN2",
        "reason":"OTH","remarks":"why","dhMhaCheck":true,"isConfirmation":true})");
    auto r = parse_request(p);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->mode, Mode::submit);
    const auto& c = r->change;
    EXPECT_EQ(c.notice_no.value(), "N001");
    EXPECT_EQ(c.api, domain::StageApi::submit);
    EXPECT_EQ(c.source, "OCMS");
    EXPECT_EQ(c.new_stage, Stage{"DN2"});
    EXPECT_FALSE(c.current_stage);
    EXPECT_FALSE(c.offender_type);
    EXPECT_EQ(c.reason, "OTH");
    EXPECT_EQ(c.remarks, "why");
    EXPECT_EQ(c.officer, "JOHNLEE");
    EXPECT_TRUE(c.dh_mha_check);
    EXPECT_TRUE(c.is_confirmation);
    EXPECT_FALSE(c.new_stage_date);
    EXPECT_FALSE(r->processing_date);
}

TEST(StageChangeRequest, DefaultsWhenOptionalFieldsAreAbsent) {
    auto r = parse_request(doc(R"({"noticeNo":"N001","mode":"submit","source":"OCMS","officer":"A"})"));
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r->change.new_stage);
    EXPECT_FALSE(r->change.reason);
    EXPECT_FALSE(r->change.remarks);
    EXPECT_FALSE(r->change.dh_mha_check);
    EXPECT_FALSE(r->change.is_confirmation);
}

TEST(StageChangeRequest, PlusTakesItsStageDateAsSingaporeLocalTime) {
    auto r = parse_request(doc(R"({"noticeNo":"N001","mode":"plus","source":"PLUS","officer":"PLUS",
        "currentStage":"DN1","newStage":"DN2","offenderType":"D","newStageDate":"2025-09-30T06:58:42"})"));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->mode, Mode::plus);
    EXPECT_EQ(r->change.api, domain::StageApi::plus);
    EXPECT_EQ(r->change.source, "PLUS");
    EXPECT_EQ(r->change.current_stage, Stage{"DN1"});
    EXPECT_EQ(r->change.offender_type, "D");
    ASSERT_TRUE(r->change.new_stage_date);
    EXPECT_EQ(*r->change.new_stage_date, at("2025-09-29T22:58:42Z"));
}

TEST(StageChangeRequest, ToppanNeedsItsStageAndDate) {
    auto ok = parse_request(doc(R"({"noticeNo":"N001","mode":"toppan","source":"SYSTEM","officer":"SYSTEM",
        "currentStage":"DN1","processingDate":"2025-12-19T00:30:00"})"));
    ASSERT_TRUE(ok.has_value());
    EXPECT_EQ(ok->mode, Mode::toppan);
    EXPECT_EQ(ok->change.current_stage, Stage{"DN1"});
    EXPECT_EQ(ok->processing_date, at("2025-12-19T00:30:00+08:00"));

    auto no_date = parse_request(
        doc(R"({"noticeNo":"N001","mode":"toppan","source":"SYSTEM","officer":"SYSTEM","currentStage":"DN1"})"));
    ASSERT_FALSE(no_date.has_value());
    EXPECT_EQ(no_date.error().code, domain::stage_code::kMissingData);
    EXPECT_NE(no_date.error().message.find("processingDate"), std::string::npos);

    auto no_stage = parse_request(doc(
        R"({"noticeNo":"N001","mode":"toppan","source":"SYSTEM","officer":"SYSTEM","processingDate":"2025-12-19T00:30:00"})"));
    ASSERT_FALSE(no_stage.has_value());
    EXPECT_EQ(no_stage.error().code, domain::stage_code::kMissingData);
    EXPECT_NE(no_stage.error().message.find("currentStage"), std::string::npos);
}

TEST(StageChangeRequest, ADateThatIsNoRealTimeIsInvalidFormat) {
    // Each passes the schema's pattern (it checks the start), none is a time parse_iso reads.
    for (const char* date : {"2025-02-30T00:00:00", "2025-09-30T06:58:42 and more", "2025-09-30T25:00:00"}) {
        const std::string p = std::string(R"({"noticeNo":"N001","mode":"plus","source":"PLUS","officer":"PLUS","newStageDate":")") +
                              date + "\"}";
        EXPECT_EQ(check(p), "") << date;
        auto r = parse_request(doc(p));
        ASSERT_FALSE(r.has_value()) << date;
        EXPECT_EQ(r.error().code, domain::stage_code::kInvalidFormat);
    }
}

TEST(StageChangeRequest, DatesWithAZoneOrFractionAreRead) {
    for (const char* date : {"2025-09-30T06:58:42.000Z", "2025-09-30T14:58:42+08:00", "2025-09-30 14:58:42"}) {
        const std::string p = std::string(R"({"noticeNo":"N001","mode":"plus","source":"PLUS","officer":"PLUS","newStageDate":")") +
                              date + "\"}";
        EXPECT_EQ(check(p), "") << date;
        auto r = parse_request(doc(p));
        ASSERT_TRUE(r.has_value()) << date;
        EXPECT_EQ(r->change.new_stage_date, at("2025-09-30T06:58:42Z")) << date;
    }
}

// Cannot reach the handler (the intake dead-letters it first); if the schema and the contract ever
// drift apart the caller gets the edge's answer to a payload its schema refuses, and no crash.
TEST(StageChangeRequest, APayloadTheContractRefusesIsInvalidFormat) {
    for (const char* p : {R"({"noticeNo":"N001","mode":"submit","source":"OCMS"})",
                          R"({"noticeNo":"N001","mode":"validate","source":"OCMS","officer":"A"})",
                          R"({"noticeNo":"N001","mode":"submit","source":"OCMS","officer":"A","dhMhaCheck":"yes"})",
                          R"("not an object")"}) {
        EXPECT_NE(check(p), "") << p;
        auto r = parse_request(doc(p));
        ASSERT_FALSE(r.has_value()) << p;
        EXPECT_EQ(r.error().code, domain::stage_code::kInvalidFormat) << p;
        EXPECT_TRUE(r.error().message.starts_with("Command rejected: commands/stage.change.v1 ")) << r.error().message;
    }
    auto r = parse_request(doc(R"({"noticeNo":"N001","mode":"submit","source":"OCMS"})"));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().message, "Command rejected: commands/stage.change.v1 officer is required");
    EXPECT_EQ(fault_result(r.error()).code, codes::kBadRequest);
}

// ---- decision -> reply --------------------------------------------------------------------------

// The reply as the worker publishes it, checked against reply.v1, with its data parsed.
json::Document reply_data(const HandlerResult& r) {
    messages::Reply reply;
    reply.command_id = CommandId("cmd-00000001");
    reply.type = "stage.change";
    reply.notice_no = NoticeNo("N001");
    reply.app_code = r.code;
    reply.message = r.message;
    reply.data_json = r.data_json;
    reply.processed_at = at("2026-01-10T09:00:00");
    auto encoded = doc(messages::encode(reply));
    EXPECT_EQ(registry().validate("reply.v1", encoded), "");
    EXPECT_EQ(registry().validate("outcome.v1", encoded), "");
    return doc(r.data_json);
}

std::string str(const json::Value& v, const char* key) { return std::string(json::get_string(v, key).value_or("<none>")); }

TEST(StageChangeReply, FaultIsABadRequest) {
    auto r = fault_result(RequestFault{std::string(domain::stage_code::kMissingData), "Required field missing: processingDate"});
    EXPECT_EQ(r.code, codes::kBadRequest);
    auto d = reply_data(r);
    EXPECT_EQ(str(d, "code"), "OCMS.CPS.MISSING_DATA");
    EXPECT_EQ(str(d, "outcome"), "FAILED");
    EXPECT_FALSE(d.HasMember("httpStatus"));  // the edge maps the code
    EXPECT_EQ(domain::stage_http_status(str(d, "code")), 400);
}

TEST(StageChangeReply, UpdatedCarriesBothStages) {
    domain::StageDecision dec;
    dec.outcome = domain::ChangeOutcome::updated;
    dec.code = "OCMS-2000";
    dec.message = "Stage changed successfully";
    dec.app_code = codes::kSuccess;
    dec.previous_stage = Stage{"DN1"};
    dec.new_stage = Stage{"DN2"};
    auto r = change_result(dec);
    EXPECT_EQ(r.code, codes::kSuccess);
    EXPECT_EQ(r.message, "Stage changed successfully");
    auto d = reply_data(r);
    EXPECT_EQ(str(d, "code"), "OCMS-2000");
    EXPECT_EQ(str(d, "outcome"), "UPDATED");
    EXPECT_FALSE(d.HasMember("httpStatus"));  // the edge maps the code
    EXPECT_EQ(domain::stage_http_status(str(d, "code")), 200);
    EXPECT_EQ(str(d, "previousStage"), "DN1");
    EXPECT_EQ(str(d, "newStage"), "DN2");
}

TEST(StageChangeReply, RefusalsKeepTheSpecCodeAndOmitUnknownStages) {
    domain::StageDecision dec;
    dec.outcome = domain::ChangeOutcome::failed;
    dec.reason = domain::StageReason::not_found;
    dec.code = std::string(domain::reason_code(domain::StageReason::not_found, domain::StageApi::submit));
    dec.message = "VON not found";
    dec.app_code = domain::reason_app_code(domain::StageReason::not_found);
    auto r = change_result(dec);
    EXPECT_EQ(r.code.str(), "OCMS-4001");
    auto d = reply_data(r);
    EXPECT_EQ(str(d, "code"), "OCMS.CPS.NOT_FOUND");
    EXPECT_EQ(str(d, "outcome"), "FAILED");
    EXPECT_FALSE(d.HasMember("httpStatus"));  // the edge maps the code
    EXPECT_EQ(domain::stage_http_status(str(d, "code")), 404);
    EXPECT_FALSE(d.HasMember("previousStage"));
    EXPECT_FALSE(d.HasMember("newStage"));

    dec.outcome = domain::ChangeOutcome::warning;
    dec.code = "OCMS.CPS.ELIG.EXISTING_CHANGE_TODAY";
    dec.previous_stage = Stage{"DN2"};
    auto w = reply_data(change_result(dec));
    EXPECT_EQ(str(w, "outcome"), "WARNING");
    EXPECT_EQ(str(w, "previousStage"), "DN2");
}

TEST(StageChangeReply, ToppanKinds) {
    domain::ToppanDecision automatic;
    automatic.kind = domain::ToppanKind::automatic;
    automatic.effect = domain::StageChangeEffect{};
    automatic.effect->von.prev_processing_stage = Stage{"DN1"};
    automatic.effect->von.last_processing_stage = Stage{"DN2"};
    auto a = toppan_result(automatic, std::nullopt);
    EXPECT_EQ(a.code, codes::kSuccess);
    auto ad = reply_data(a);
    EXPECT_EQ(str(ad, "toppan"), "automatic");
    EXPECT_FALSE(ad.HasMember("skip"));
    EXPECT_EQ(str(ad, "previousStage"), "DN1");
    EXPECT_EQ(str(ad, "newStage"), "DN2");

    domain::ToppanDecision manual = automatic;
    manual.kind = domain::ToppanKind::manual;
    auto m = toppan_result(manual, std::nullopt);
    EXPECT_EQ(m.code, codes::kSuccess);
    EXPECT_EQ(m.message, kToppanManualMessage);
    EXPECT_EQ(str(reply_data(m), "toppan"), "manual");

    domain::ToppanDecision missing{domain::ToppanKind::skipped, domain::ToppanSkip::not_found, "VON not found", {}};
    auto n = toppan_result(missing, std::nullopt);
    EXPECT_EQ(n.code, codes::kNotFound);
    auto nd = reply_data(n);
    EXPECT_EQ(str(nd, "toppan"), "skipped");
    EXPECT_EQ(str(nd, "skip"), "not_found");
    EXPECT_FALSE(nd.HasMember("previousStage"));

    domain::StageNotice notice;
    notice.last_processing_stage = Stage{"DN2"};
    domain::ToppanDecision elsewhere{domain::ToppanKind::skipped, domain::ToppanSkip::stage_mismatch, "N001: mismatch", {}};
    auto s = toppan_result(elsewhere, notice);
    EXPECT_EQ(s.code, codes::kBusinessRule);
    EXPECT_EQ(s.message, "N001: mismatch");
    auto sd = reply_data(s);
    EXPECT_EQ(str(sd, "skip"), "stage_mismatch");
    EXPECT_EQ(str(sd, "previousStage"), "DN2");
}

TEST(StageChangeReply, EveryToppanSkipHasAName) {
    using S = domain::ToppanSkip;
    for (auto s : {S::not_found, S::court_stage, S::ps_blocked, S::stage_mismatch, S::pending_manual_change,
                   S::no_next_stage})
        EXPECT_FALSE(toppan_skip_name(s).empty());
    EXPECT_EQ(toppan_skip_name(S::pending_manual_change), "pending_manual_change");
}

}  // namespace
}  // namespace ocms::worker::stage_change
