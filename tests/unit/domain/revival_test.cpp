// One test per rule and code of spec 004 for decide_revival, plus the looping re-apply wording.
#include "domain/revival.hpp"

#include <gtest/gtest.h>

namespace ocms::domain {
namespace {

const TimePoint kNow = *parse_iso("2026-03-10T10:00:00");
const std::optional<int> kDays = 2;  // the seeded REVIVAL / NEXT_PROCESSING_DAYS

ReviveTs cmd(RevivalChannel ch = RevivalChannel::staff, std::string type = "TS") {
    return ReviveTs{NoticeNo("500500303J"), std::move(type), ReasonCode("SUP"), std::nullopt, "JOHNLEE", ch};
}
std::optional<RevivalNotice> notice(std::optional<std::string> type = "TS", std::string stage = "RD1", bool court = false) {
    return RevivalNotice{Stage(stage), court, std::move(type), std::nullopt};
}
std::optional<SuspensionRecord> record(std::string code = "ACR", std::string type = "TS",
                                       std::optional<TimePoint> due = kNow - std::chrono::hours(1)) {
    return SuspensionRecord{42, std::move(type), ReasonCode(std::move(code)), due};
}
std::optional<RevivalReasonRow> reason(bool active = true) { return RevivalReasonRow{ReasonCode("SUP"), "Speed-up", active}; }

TEST(Revival, SuccessClearsAndSetsNextProcessingInTwoDays) {
    auto d = decide_revival(cmd(), notice(), record(), reason(), false, kNow, kDays);
    EXPECT_EQ(d.code, codes::kSuccess);
    EXPECT_EQ(d.message, "TS revived successfully");
    ASSERT_TRUE(d.effect);
    EXPECT_EQ(d.effect->sr_no, 42);
    EXPECT_EQ(d.effect->date_of_revival, kNow);
    EXPECT_EQ(d.effect->next_processing_date, kNow + std::chrono::days{2});
    EXPECT_FALSE(d.effect->refund_identified);
    EXPECT_FALSE(d.loop_code);
}

TEST(Revival, UnknownSuspensionTypeIs4004) {
    auto d = decide_revival(cmd(RevivalChannel::staff, "XX"), notice(), record(), reason(), false, kNow, kDays);
    EXPECT_EQ(d.code.str(), "OCMS-4004");
    EXPECT_EQ(d.message, revival_message::kUnknownType);
    EXPECT_FALSE(d.effect);
}

TEST(Revival, InvalidOrInactiveReasonIs4000) {
    EXPECT_EQ(decide_revival(cmd(), notice(), record(), std::nullopt, false, kNow, kDays).code, codes::kBadRequest);
    auto d = decide_revival(cmd(), notice(), record(), reason(false), false, kNow, kDays);
    EXPECT_EQ(d.code, codes::kBadRequest);
    EXPECT_EQ(d.message, revival_message::kInvalidReason);
}

TEST(Revival, MissingNoticeIs4001) {
    auto d = decide_revival(cmd(), std::nullopt, std::nullopt, reason(), false, kNow, kDays);
    EXPECT_EQ(d.code, codes::kNotFound);
    EXPECT_EQ(d.message, "Invalid Notice Number");
}

TEST(Revival, CourtStageIs4002ButCpcAndCfcAreNotCourt) {
    auto d = decide_revival(cmd(), notice("TS", "CRT", true), record(), reason(), false, kNow, kDays);
    EXPECT_EQ(d.code, codes::kBusinessRule);
    EXPECT_EQ(d.message, "Notice is under Court processing");
    EXPECT_EQ(decide_revival(cmd(), notice("TS", "CPC", false), record(), reason(), false, kNow, kDays).code, codes::kSuccess);
    EXPECT_EQ(decide_revival(cmd(), notice("TS", "CFC", false), record(), reason(), false, kNow, kDays).code, codes::kSuccess);
}

TEST(Revival, NotSuspendedIs4002) {
    auto d = decide_revival(cmd(), notice(std::nullopt), std::nullopt, reason(), false, kNow, kDays);
    EXPECT_EQ(d.code, codes::kBusinessRule);
    EXPECT_EQ(d.message, revival_message::kNotSuspended);
}

TEST(Revival, PsRevivalFromPlusIs4003ButStaffMayReviveAPs) {
    auto plus = decide_revival(cmd(RevivalChannel::plus, "PS"), notice("PS"), record("APP", "PS"), reason(), false, kNow, kDays);
    EXPECT_EQ(plus.code.str(), "OCMS-4003");
    auto staff = decide_revival(cmd(RevivalChannel::staff, "PS"), notice("PS"), record("APP", "PS"), reason(), false, kNow, kDays);
    EXPECT_EQ(staff.code, codes::kSuccess);
    EXPECT_EQ(staff.message, "PS revived successfully");
}

TEST(Revival, PsFpRevivalIdentifiesTheRefund) {
    auto d = decide_revival(cmd(RevivalChannel::staff, "PS"), notice("PS"), record("FP", "PS"), reason(), false, kNow, kDays);
    EXPECT_EQ(d.code, codes::kSuccess);
    EXPECT_EQ(d.message, "PS-FP revived and refund date identified");
    ASSERT_TRUE(d.effect);
    EXPECT_TRUE(d.effect->refund_identified);
}

TEST(Revival, DataMissingIs4005) {
    auto d = decide_revival(cmd(), notice(), std::nullopt, reason(), false, kNow, kDays);
    EXPECT_EQ(d.code.str(), "OCMS-4005");
    EXPECT_EQ(d.message, "Suspension record not found");
}

TEST(Revival, OtherSuspensionTypeIs4006) {
    auto d = decide_revival(cmd(RevivalChannel::staff, "TS"), notice("PS"), record("APP", "PS"), reason(), false, kNow, kDays);
    EXPECT_EQ(d.code.str(), "OCMS-4006");
    EXPECT_EQ(d.message, "No active suspension");
}

TEST(Revival, HstThroughARegularEndpointIs4007) {
    for (auto ch : {RevivalChannel::staff, RevivalChannel::plus, RevivalChannel::internal}) {
        auto d = decide_revival(cmd(ch), notice(), record("HST"), reason(), true, kNow, kDays);
        EXPECT_EQ(d.code.str(), "OCMS-4007");
        EXPECT_EQ(d.message, revival_message::kHstNotAllowed);
    }
    EXPECT_EQ(decide_revival(cmd(RevivalChannel::hst), notice(), record("HST"), reason(), true, kNow, kDays).code, codes::kSuccess);
    EXPECT_EQ(decide_revival(cmd(RevivalChannel::automatic), notice(), record("HST"), reason(), true, kNow, kDays).code,
              codes::kSuccess);
}

TEST(Revival, PlusMayOnlyReviveItsOwnCodes) {
    for (const char* c : {"APE", "APP", "CCE", "MS", "PRI", "RED"})
        EXPECT_EQ(decide_revival(cmd(RevivalChannel::plus), notice(), record(c), reason(), false, kNow, kDays).code, codes::kSuccess)
            << c;
    auto d = decide_revival(cmd(RevivalChannel::plus), notice(), record("ACR"), reason(), false, kNow, kDays);
    EXPECT_EQ(d.code.str(), "OCMS-4007");
    EXPECT_EQ(d.message, revival_message::kPlusCodeNotAllowed);
}

TEST(Revival, AutomaticOnlyWhenThePeriodIsOver) {
    auto early = decide_revival(cmd(RevivalChannel::automatic), notice(), record("ACR", "TS", kNow + std::chrono::hours(1)),
                                reason(), false, kNow, kDays);
    EXPECT_EQ(early.code, codes::kBusinessRule);
    EXPECT_EQ(early.message, revival_message::kPeriodNotOver);
    EXPECT_EQ(decide_revival(cmd(RevivalChannel::automatic), notice(), record("ACR", "TS", kNow), reason(), false, kNow, kDays).code,
              codes::kSuccess);
    EXPECT_EQ(decide_revival(cmd(RevivalChannel::automatic), notice(), record("ACR", "TS", std::nullopt), reason(), false,
                             kNow, kDays)
                  .code,
              codes::kBusinessRule);
    // A manual revival may come early.
    EXPECT_EQ(decide_revival(cmd(), notice(), record("ACR", "TS", kNow + std::chrono::days(5)), reason(), false, kNow, kDays).code,
              codes::kSuccess);
}

TEST(Revival, ManualRevivalOfALoopingCodeEndsTheLoop) {
    for (auto ch : {RevivalChannel::staff, RevivalChannel::internal, RevivalChannel::hst}) {
        auto d = decide_revival(cmd(ch), notice(), record(ch == RevivalChannel::hst ? "HST" : "CLV"), reason(), true, kNow, kDays);
        EXPECT_EQ(d.code, codes::kSuccess);
        EXPECT_FALSE(d.loop_code);
    }
}

TEST(Revival, LoopingCodeAsksForAReapplyWhenItsPeriodIsOver) {
    auto d = decide_revival(cmd(RevivalChannel::automatic), notice(), record("CLV"), reason(), true, kNow, kDays);
    ASSERT_TRUE(d.loop_code);
    EXPECT_EQ(d.loop_code->value(), "CLV");
    auto a = looping_reapply(cmd(RevivalChannel::automatic), *d.loop_code);
    EXPECT_EQ(a.reason.value(), "CLV");
    EXPECT_EQ(a.suspension_type, "TS");
    EXPECT_EQ(a.source, "OCMS");
    EXPECT_FALSE(a.checking);
}

TEST(Revival, LoopingMessages) {
    TsDecision ok{codes::kSuccess, "TS Success", TsEffect{kNow, kNow + std::chrono::days{90}, "OCMS"}, kNow};
    EXPECT_EQ(looping_message(ReasonCode("CLV"), ok), "TS revived and looping TS-CLV re-applied");
    TsDecision no{codes::kBusinessRule, "TS Code cannot be applied due to Last Processing Stage", {}, {}};
    EXPECT_EQ(looping_message(ReasonCode("CLV"), no),
              "TS revived; Looping TS-CLV failed: TS Code cannot be applied due to Last Processing Stage");
}

TEST(Revival, ReapplyAfterRevivalGoesThroughTheApplyRules) {
    // The re-apply is decided by decide_apply_ts on the notice as it is after the revival.
    NoticeState after{NoticeNo("500500303J"), Stage("RR3"), std::nullopt, ReasonCode("CLV"), std::nullopt, 7000, 0, std::nullopt};
    SuspensionReasonRow clv{"TS", ReasonCode("CLV"), "OCMS", "Classified Vehicles", 90, true, true, {Stage("RR3"), Stage("DR3")}};
    auto a = looping_reapply(cmd(RevivalChannel::automatic), ReasonCode("CLV"));
    auto d = decide_apply_ts(a, after, std::span(&clv, 1), kNow);
    EXPECT_EQ(d.code, codes::kSuccess);
    ASSERT_TRUE(d.effect);
    EXPECT_EQ(d.effect->due_date_of_revival, kNow + std::chrono::days{90});
    after.last_processing_stage = Stage("DN1");
    EXPECT_EQ(decide_apply_ts(a, after, std::span(&clv, 1), kNow).code, codes::kBusinessRule);
}

TEST(Revival, NextProcessingDateComesFromItsParameter) {
    auto d = decide_revival(cmd(), notice(), record(), reason(), false, kNow, 5);
    ASSERT_TRUE(d.effect);
    EXPECT_EQ(d.effect->next_processing_date, kNow + std::chrono::days{5});
    EXPECT_EQ(parse_next_processing_days("2"), 2);
    EXPECT_EQ(parse_next_processing_days("0"), 0);
    EXPECT_EQ(parse_next_processing_days("365"), 365);
    for (std::optional<std::string_view> bad : {std::optional<std::string_view>{}, std::optional<std::string_view>{""},
                                                 std::optional<std::string_view>{"two"},
                                                 std::optional<std::string_view>{"2 "},
                                                 std::optional<std::string_view>{"-1"},
                                                 std::optional<std::string_view>{"366"},
                                                 std::optional<std::string_view>{"99999999999"}})
        EXPECT_EQ(parse_next_processing_days(bad), std::nullopt) << bad.value_or("<missing>");
}

TEST(Revival, MissingOrCorruptNextProcessingDateIs4005) {
    auto d = decide_revival(cmd(), notice(), record(), reason(), false, kNow, std::nullopt);
    EXPECT_EQ(d.code.str(), "OCMS-4005");
    EXPECT_EQ(d.message, "Invalid Next Processing Date");
    EXPECT_FALSE(d.effect);
    // The rules that come before it still answer first.
    EXPECT_EQ(decide_revival(cmd(), notice(std::nullopt), std::nullopt, reason(), false, kNow, std::nullopt).message,
              "Notice is not suspended");
}

TEST(Revival, SourceCodes) {
    EXPECT_EQ(revival_source::kOcms, "004");
    EXPECT_EQ(revival_source::kPlus, "005");
    EXPECT_TRUE(plus_may_revive(ReasonCode("MS")));
    EXPECT_FALSE(plus_may_revive(ReasonCode("HST")));
}

// apply-revival's revivalSource (spec 004 section 5).
TEST(RevivalSource, CodesAreOcmsAndPlus) {
    EXPECT_EQ(source_of_revival_code("004"), std::optional<std::string_view>("OCMS"));
    EXPECT_EQ(source_of_revival_code("005"), std::optional<std::string_view>("PLUS"));
    EXPECT_FALSE(source_of_revival_code("006"));
    EXPECT_FALSE(source_of_revival_code(""));
}

// Spec 004 section 1.5: what the daily job asks for each notice whose TS period is over.
TEST(AutomaticRevival, IsATsRevivedWithSpoAndTheSpecsRemarksOnTheAutomaticChannel) {
    const ReviveTs r = automatic_revival(NoticeNo("500500303J"), "ocmsizmgr");
    EXPECT_EQ(r.notice_no, NoticeNo("500500303J"));
    EXPECT_EQ(r.suspension_type, "TS");
    EXPECT_EQ(r.revival_reason, ReasonCode("SPO"));
    EXPECT_EQ(r.remarks, std::optional<std::string>("Suspension period is over"));
    EXPECT_EQ(r.officer, "ocmsizmgr");
    EXPECT_EQ(r.channel, RevivalChannel::automatic);
    EXPECT_EQ(kAutomaticSource, source::kOcms);
}

TEST(HstRegister, TheEntryEndsOnlyThroughTheHstChannelWhenNoTsHstIsLeft) {
    ReviveTs r{.notice_no = NoticeNo("500500303J"), .suspension_type = "TS", .revival_reason = ReasonCode("HST"),
               .officer = "HSTOFFICER", .channel = RevivalChannel::hst};
    EXPECT_TRUE(hst_register_entry_ends(r, 0));
    EXPECT_FALSE(hst_register_entry_ends(r, 1)) << "another notice of the tenant is still under TS-HST";
    for (auto other : {RevivalChannel::staff, RevivalChannel::plus, RevivalChannel::internal, RevivalChannel::automatic}) {
        r.channel = other;
        EXPECT_FALSE(hst_register_entry_ends(r, 0));
    }
}

}  // namespace
}  // namespace ocms::domain
