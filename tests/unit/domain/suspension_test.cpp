// Tests of domain/suspension.hpp: one test per rule of spec 002 section 3, one per TS code of
// the reference data (docs/decisions.md "TS codes"), and the order of the checks.
#include "domain/suspension.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace ocms::domain {
namespace {

using namespace std::chrono_literals;

TimePoint at(std::string_view iso) {
    auto t = parse_iso(iso);
    EXPECT_TRUE(t.has_value()) << iso;
    return t.value_or(TimePoint{});
}

const std::vector<std::string> kPreCourt{"NPA", "ROV", "ENA", "RD1", "RD2", "RR3", "DN1", "DN2", "DR3", "CPC", "CFC"};

std::vector<Stage> stages(std::initializer_list<const char*> s) {
    std::vector<Stage> out;
    for (auto* x : s) out.emplace_back(x);
    return out;
}

SuspensionReasonRow row(std::string code, std::string source, int days, std::vector<Stage> allowed, bool active = true,
                        bool looping = false) {
    return SuspensionReasonRow{"TS", ReasonCode{std::move(code)}, std::move(source), "desc", days, active, looping,
                               std::move(allowed)};
}

// ACR as seeded: OCMS_FE and OCMS, 21 days, ROV..CFC.
std::vector<SuspensionReasonRow> acr_rows() {
    auto allowed = stages({"ROV", "ENA", "RD1", "RD2", "RR3", "DN1", "DN2", "DR3", "CPC", "CFC"});
    return {row("ACR", "OCMS_FE", 21, allowed), row("ACR", "OCMS", 21, allowed)};
}

NoticeState unpaid(std::string stage = "RD1") {
    NoticeState n;
    n.notice_no = NoticeNo{"500500303J"};
    n.last_processing_stage = Stage{std::move(stage)};
    n.amount_payable_cents = 7000;
    return n;
}

ApplyTs ts_cmd(std::string code = "ACR", std::string source = "OCMS_FE") {
    ApplyTs c;
    c.notice_no = NoticeNo{"500500303J"};
    c.suspension_type = "TS";
    c.reason = ReasonCode{std::move(code)};
    c.officer = "JOHNLEE";
    c.source = std::move(source);
    return c;
}

const TimePoint kNow = at("2025-03-22T19:00:02");

void expect(const TsDecision& d, AppCode code, std::string_view message) {
    EXPECT_EQ(d.code.str(), code.str());
    EXPECT_EQ(d.message, message);
    if (code != codes::kSuccess && code != codes::kAlreadySuspended) {
        EXPECT_FALSE(d.effect.has_value());
        EXPECT_FALSE(d.due_date_of_revival.has_value());
    }
}

// ---- rules, in the order they are checked ---------------------------------------------------

TEST(ApplyTs, SuspensionTypeOtherThanTsIsInvalidRequest) {
    auto rows = acr_rows();
    for (std::string type : {"PS", "", "ts", "TSX"}) {
        auto cmd = ts_cmd();
        cmd.suspension_type = type;
        expect(decide_apply_ts(cmd, unpaid(), rows, kNow), codes::kBadRequest, ts_message::kInvalidRequest);
    }
}

TEST(ApplyTs, UnknownCodeIsInvalidSuspensionCode) {
    expect(decide_apply_ts(ts_cmd("XYZ"), unpaid(), {}, kNow), codes::kBadRequest, ts_message::kInvalidCode);
}

TEST(ApplyTs, RowsOfAnotherCodeOrTypeAreIgnored) {
    auto rows = acr_rows();
    auto ps = row("APE", "OCMS_FE", 0, stages({"RD1"}));
    ps.suspension_type = "PS";
    rows.push_back(ps);
    expect(decide_apply_ts(ts_cmd("APE"), unpaid(), rows, kNow), codes::kBadRequest, ts_message::kInvalidCode);
}

TEST(ApplyTs, CodeInactiveForEverySourceIsNotActive) {
    std::vector rows{row("DIP", "OCMS_FE", 90, stages({"RR3", "DR3"}), false),
                     row("DIP", "PLUS", 90, stages({"RR3", "DR3"}), false)};
    expect(decide_apply_ts(ts_cmd("DIP"), unpaid("RR3"), rows, kNow), codes::kBadRequest, ts_message::kCodeNotActive);
    expect(decide_apply_ts(ts_cmd("DIP", "PLUS"), unpaid("RR3"), rows, kNow), codes::kBadRequest,
           ts_message::kCodeNotActive);
}

TEST(ApplyTs, SourceWithoutRowIsNotAuthorized) {
    expect(decide_apply_ts(ts_cmd("ACR", "PLUS"), unpaid(), acr_rows(), kNow), codes::kBadRequest,
           ts_message::kSourceNotAuthorized);
}

TEST(ApplyTs, SourceWithInactiveRowIsNotAuthorizedWhenActiveElsewhere) {
    std::vector rows{row("APP", "OCMS_FE", 21, stages({"RD1"})), row("APP", "PLUS", 21, stages({"RD1"}), false)};
    expect(decide_apply_ts(ts_cmd("APP", "PLUS"), unpaid(), rows, kNow), codes::kBadRequest,
           ts_message::kSourceNotAuthorized);
    EXPECT_EQ(decide_apply_ts(ts_cmd("APP", "OCMS_FE"), unpaid(), rows, kNow).code, codes::kSuccess);
}

TEST(ApplyTs, SourceIsMatchedExactly) {
    expect(decide_apply_ts(ts_cmd("ACR", "ocms_fe"), unpaid(), acr_rows(), kNow), codes::kBadRequest,
           ts_message::kSourceNotAuthorized);
}

TEST(ApplyTs, MissingNoticeIsNotFound) {
    expect(decide_apply_ts(ts_cmd(), std::nullopt, acr_rows(), kNow), codes::kNotFound, ts_message::kNoticeNotFound);
}

TEST(ApplyTs, FullyPaidNoticeIsRejected) {
    auto n = unpaid();
    n.amount_paid_cents = n.amount_payable_cents;
    n.payment_status = "FP";
    expect(decide_apply_ts(ts_cmd(), n, acr_rows(), kNow), codes::kPaid, ts_message::kPaid);
}

TEST(ApplyTs, PartlyPaidNoticeIsRejected) {
    auto n = unpaid();
    n.amount_paid_cents = 1;  // one cent is a payment
    expect(decide_apply_ts(ts_cmd(), n, acr_rows(), kNow), codes::kPaid, ts_message::kPaid);
}

TEST(ApplyTs, PaymentStatusAloneMarksPaid) {
    for (std::string status : {"FP", "PP"}) {
        auto n = unpaid();
        n.payment_status = status;
        expect(decide_apply_ts(ts_cmd(), n, acr_rows(), kNow), codes::kPaid, ts_message::kPaid);
    }
    auto n = unpaid();
    n.payment_status = "NP";  // any other status with nothing paid is unpaid
    EXPECT_EQ(decide_apply_ts(ts_cmd(), n, acr_rows(), kNow).code, codes::kSuccess);
}

TEST(ApplyTs, ActivePsIsRejected) {
    auto n = unpaid();
    n.suspension_type = "PS";
    n.reason_of_suspension = ReasonCode{"APP"};
    expect(decide_apply_ts(ts_cmd(), n, acr_rows(), kNow), codes::kBusinessRule, ts_message::kExistingPs);
}

TEST(ApplyTs, StageOutsideAllowedStagesIsRejected) {
    for (std::string stage : {"NPA", "CRT", "WOA", ""}) {
        expect(decide_apply_ts(ts_cmd(), unpaid(stage), acr_rows(), kNow), codes::kBusinessRule,
               ts_message::kStageNotAllowed);
    }
}

TEST(ApplyTs, EveryAllowedStageIsAccepted) {
    const auto rows = acr_rows();
    for (const auto& s : rows[0].allowed_stages)
        EXPECT_EQ(decide_apply_ts(ts_cmd(), unpaid(s.value()), rows, kNow).code, codes::kSuccess) << s.value();
}

TEST(ApplyTs, NewTsSucceedsWithDueDateNowPlusDays) {
    auto d = decide_apply_ts(ts_cmd(), unpaid(), acr_rows(), kNow);
    expect(d, codes::kSuccess, ts_message::kSuccess);
    ASSERT_TRUE(d.effect);
    EXPECT_EQ(format_local(d.effect->date_of_suspension), "2025-03-22T19:00:02");
    EXPECT_EQ(format_local(d.effect->due_date_of_revival), "2025-04-12T19:00:02");  // spec 002's example
    EXPECT_EQ(d.due_date_of_revival, d.effect->due_date_of_revival);
    EXPECT_EQ(d.effect->recorded_source, "OCMS");
}

TEST(ApplyTs, DateOfSuspensionFromCommandIsUsed) {
    std::vector rows{row("APP", "PLUS", 21, stages({"RD1"}))};
    auto cmd = ts_cmd("APP", "PLUS");
    cmd.date_of_suspension = at("2025-03-22T19:00:02");
    auto d = decide_apply_ts(cmd, unpaid(), rows, at("2025-03-25T08:00:00"));
    expect(d, codes::kSuccess, ts_message::kSuccess);
    ASSERT_TRUE(d.effect);
    EXPECT_EQ(format_local(d.effect->date_of_suspension), "2025-03-22T19:00:02");
    EXPECT_EQ(format_local(*d.due_date_of_revival), "2025-04-12T19:00:02");
    EXPECT_EQ(d.effect->recorded_source, "PLUS");
}

TEST(ApplyTs, RecordedSourceIsPlusOrOcms) {
    EXPECT_EQ(recorded_source("PLUS"), "PLUS");
    EXPECT_EQ(recorded_source("OCMS_FE"), "OCMS");
    EXPECT_EQ(recorded_source("OCMS"), "OCMS");
    auto d = decide_apply_ts(ts_cmd("ACR", "OCMS"), unpaid(), acr_rows(), kNow);
    ASSERT_TRUE(d.effect);
    EXPECT_EQ(d.effect->recorded_source, "OCMS");
}

TEST(ApplyTs, DueDateCrossesMonthAndYearInSingaporeTime) {
    std::vector rows{row("CLV", "OCMS_FE", 90, stages({"RR3"}))};
    auto d = decide_apply_ts(ts_cmd("CLV"), unpaid("RR3"), rows, at("2025-12-01T23:30:00"));
    ASSERT_TRUE(d.effect);
    EXPECT_EQ(format_local(d.effect->due_date_of_revival), "2026-03-01T23:30:00");
}

// ---- an existing TS: compared by Singapore calendar day --------------------------------------

NoticeState with_ts(std::string_view due, std::string code = "HST") {
    auto n = unpaid();
    n.suspension_type = "TS";
    n.reason_of_suspension = ReasonCode{std::move(code)};
    n.due_date_of_revival = at(due);
    return n;
}

TEST(ApplyTs, ExistingTsWithLaterDueDayAnswers2001) {
    auto n = with_ts("2025-04-21T10:00:00");  // new due 2025-04-12
    auto d = decide_apply_ts(ts_cmd(), n, acr_rows(), kNow);
    expect(d, codes::kAlreadySuspended, ts_message::kAlreadyTs);
    EXPECT_FALSE(d.effect);
    EXPECT_EQ(d.due_date_of_revival, n.due_date_of_revival);  // the existing, later date
}

TEST(ApplyTs, ExistingTsOnSameDayButEarlierTimeAnswers2001) {
    auto d = decide_apply_ts(ts_cmd(), with_ts("2025-04-12T00:00:00"), acr_rows(), kNow);
    expect(d, codes::kAlreadySuspended, ts_message::kAlreadyTs);
}

TEST(ApplyTs, RepeatedRequestMinutesLaterAnswers2001) {
    auto first = decide_apply_ts(ts_cmd(), unpaid(), acr_rows(), kNow);
    ASSERT_TRUE(first.effect);
    auto n = unpaid();
    n.suspension_type = "TS";
    n.reason_of_suspension = ReasonCode{"ACR"};
    n.due_date_of_revival = first.effect->due_date_of_revival;
    auto again = decide_apply_ts(ts_cmd(), n, acr_rows(), kNow + 5min);
    expect(again, codes::kAlreadySuspended, ts_message::kAlreadyTs);
    EXPECT_EQ(again.due_date_of_revival, first.effect->due_date_of_revival);
}

TEST(ApplyTs, ExistingTsOneDayEarlierIsExtended) {
    auto d = decide_apply_ts(ts_cmd(), with_ts("2025-04-11T23:59:59"), acr_rows(), kNow);
    expect(d, codes::kSuccess, ts_message::kSuccess);
    ASSERT_TRUE(d.effect);
    EXPECT_EQ(format_local(d.effect->due_date_of_revival), "2025-04-12T19:00:02");
}

TEST(ApplyTs, ExistingTsOverdueForRevivalIsExtended) {
    auto d = decide_apply_ts(ts_cmd(), with_ts("2025-03-21T09:00:00", "UND"), acr_rows(), kNow);
    expect(d, codes::kSuccess, ts_message::kSuccess);
    EXPECT_TRUE(d.effect);
}

TEST(ApplyTs, DayBoundaryIsSingaporeNotUtc) {
    // New due: 2025-04-13 00:01 Singapore = 2025-04-12 16:01 UTC.
    const TimePoint now = at("2025-03-23T00:01:00+08:00");
    // Existing due 2025-04-12 23:59 Singapore (15:59 UTC, the same UTC day): an earlier day -> extend.
    auto d = decide_apply_ts(ts_cmd(), with_ts("2025-04-12T23:59:00"), acr_rows(), now);
    expect(d, codes::kSuccess, ts_message::kSuccess);
    // Existing due 2025-04-13 00:00:30 Singapore (2025-04-12 16:00:30 UTC): the same day -> 2001.
    d = decide_apply_ts(ts_cmd(), with_ts("2025-04-12T16:00:30Z"), acr_rows(), now);
    expect(d, codes::kAlreadySuspended, ts_message::kAlreadyTs);
}

TEST(ApplyTs, ExistingTsWithoutDueDateGetsOne) {
    auto n = unpaid();
    n.suspension_type = "TS";
    auto d = decide_apply_ts(ts_cmd(), n, acr_rows(), kNow);
    expect(d, codes::kSuccess, ts_message::kSuccess);
    EXPECT_TRUE(d.effect);
}

TEST(ApplyTs, DueDateOnNoticeWithoutTsIsIgnored) {
    auto n = unpaid();
    n.due_date_of_revival = at("2030-01-01T00:00:00");  // left over from a revived TS
    EXPECT_EQ(decide_apply_ts(ts_cmd(), n, acr_rows(), kNow).code, codes::kSuccess);
}

// ---- checking (dry run) ------------------------------------------------------------------------

TEST(ApplyTs, CheckingSuccessGivesDueDateButNoEffect) {
    auto cmd = ts_cmd();
    cmd.checking = true;
    auto d = decide_apply_ts(cmd, unpaid(), acr_rows(), kNow);
    expect(d, codes::kSuccess, ts_message::kSuccess);
    EXPECT_FALSE(d.effect);
    ASSERT_TRUE(d.due_date_of_revival);
    EXPECT_EQ(format_local(*d.due_date_of_revival), "2025-04-12T19:00:02");
}

TEST(ApplyTs, CheckingGivesTheSameAnswerAsApplying) {
    auto paid = unpaid();
    paid.amount_paid_cents = 100;
    const std::vector<std::optional<NoticeState>> notices{unpaid(), unpaid("NPA"), paid, std::nullopt,
                                                          with_ts("2025-05-01T00:00:00"),
                                                          with_ts("2025-04-01T00:00:00")};
    for (const auto& n : notices) {
        auto cmd = ts_cmd();
        auto real = decide_apply_ts(cmd, n, acr_rows(), kNow);
        cmd.checking = true;
        auto dry = decide_apply_ts(cmd, n, acr_rows(), kNow);
        EXPECT_EQ(real.code, dry.code);
        EXPECT_EQ(real.message, dry.message);
        EXPECT_EQ(real.due_date_of_revival, dry.due_date_of_revival);
        EXPECT_FALSE(dry.effect);
    }
}

// ---- order of the checks ---------------------------------------------------------------------

TEST(ApplyTsOrder, InvalidTypeBeforeUnknownCode) {
    auto cmd = ts_cmd("XYZ");
    cmd.suspension_type = "PS";
    expect(decide_apply_ts(cmd, std::nullopt, {}, kNow), codes::kBadRequest, ts_message::kInvalidRequest);
}

TEST(ApplyTsOrder, CodeChecksBeforeNoticeNotFound) {
    expect(decide_apply_ts(ts_cmd("XYZ"), std::nullopt, {}, kNow), codes::kBadRequest, ts_message::kInvalidCode);
    expect(decide_apply_ts(ts_cmd("ACR", "PLUS"), std::nullopt, acr_rows(), kNow), codes::kBadRequest,
           ts_message::kSourceNotAuthorized);
}

TEST(ApplyTsOrder, InactiveBeforeSourceAuthorisation) {
    std::vector rows{row("DIP", "OCMS_FE", 90, stages({"RR3"}), false)};
    expect(decide_apply_ts(ts_cmd("DIP", "PLUS"), unpaid("RR3"), rows, kNow), codes::kBadRequest,
           ts_message::kCodeNotActive);
}

TEST(ApplyTsOrder, PaidBeforeExistingPs) {
    auto n = unpaid();
    n.amount_paid_cents = n.amount_payable_cents;
    n.payment_status = "FP";
    n.suspension_type = "PS";
    n.reason_of_suspension = ReasonCode{"FP"};
    expect(decide_apply_ts(ts_cmd(), n, acr_rows(), kNow), codes::kPaid, ts_message::kPaid);
}

TEST(ApplyTsOrder, PaidBeforeStage) {
    auto n = unpaid("CRT");
    n.amount_paid_cents = 500;
    expect(decide_apply_ts(ts_cmd(), n, acr_rows(), kNow), codes::kPaid, ts_message::kPaid);
}

TEST(ApplyTsOrder, ExistingPsBeforeStage) {
    auto n = unpaid("NPA");
    n.suspension_type = "PS";
    expect(decide_apply_ts(ts_cmd(), n, acr_rows(), kNow), codes::kBusinessRule, ts_message::kExistingPs);
}

TEST(ApplyTsOrder, StageBeforeExistingTs) {
    auto n = with_ts("2025-06-01T00:00:00");
    n.last_processing_stage = Stage{"NPA"};
    expect(decide_apply_ts(ts_cmd(), n, acr_rows(), kNow), codes::kBusinessRule, ts_message::kStageNotAllowed);
}

// ---- the 20 TS codes of the reference data -----------------------------------------------------

struct CodeCase {
    const char* code;
    const char* description;
    int days;
    bool looping;
    std::vector<std::string> allowed;
    std::vector<std::string> sources;
    bool active;
};

// Kept equal to schemas/seed/0001_reference.sql (checked by SeedMatchesThisTable) and to the
// table in docs/decisions.md.
const std::vector<std::string> kAllButNpa{"ROV", "ENA", "RD1", "RD2", "RR3", "DN1", "DN2", "DR3", "CPC", "CFC"};
const std::vector<CodeCase> kCodes{
    {"ACR", "ACRA", 21, false, kAllButNpa, {"OCMS_FE", "OCMS"}, true},
    {"APE", "Appeal Extension", 21, false, kPreCourt, {"OCMS_FE", "PLUS"}, true},
    {"APP", "Appeal", 21, false, kPreCourt, {"OCMS_FE", "PLUS"}, true},
    {"CCE", "Call Centre Enquiry", 14, false, kPreCourt, {"OCMS_FE", "PLUS"}, true},
    {"CLV", "Classified Vehicles", 90, true, {"RR3", "DR3"}, {"OCMS_FE", "OCMS"}, true},
    {"HST", "House Tenants", 30, true, kAllButNpa, {"OCMS_FE", "OCMS"}, true},
    {"PRI", "Priority", 14, false, kPreCourt, {"OCMS_FE", "PLUS"}, true},
    {"RED", "Redirect", 21, false, {"ROV", "ENA", "RD1", "RD2", "RR3", "DN1", "DN2", "DR3"}, {"OCMS_FE", "PLUS"}, true},
    {"MS", "Manual Suspension", 30, false, kPreCourt, {"OCMS_FE"}, true},
    {"PDP", "Pending Driver Particulars", 21, false, {"ROV", "ENA", "RD1", "RD2", "RR3"}, {"OCMS_FE", "OCMS"}, true},
    {"UND", "Undelivered Notice", 30, false, {"ENA", "RD1", "RD2", "RR3", "DN1", "DN2", "DR3"}, {"OCMS_FE", "OCMS"},
     true},
    {"MHA", "Pending MHA / DataHive Address Check", 14, false,
     {"ROV", "ENA", "RD1", "RD2", "RR3", "DN1", "DN2", "DR3"}, {"OCMS"}, true},
    {"SYS", "System Issue", 7, false, kPreCourt, {"OCMS"}, true},
    {"OVS", "Offender Overseas", 90, true, {"RD1", "RD2", "RR3", "DN1", "DN2", "DR3"}, {"OCMS_FE"}, true},
    {"HOS", "Offender Hospitalised", 30, false, {"RD1", "RD2", "RR3", "DN1", "DN2", "DR3", "CPC", "CFC"}, {"OCMS_FE"},
     true},
    {"NSM", "Offender on National Service Duty", 60, false, {"RD1", "RD2", "RR3", "DN1", "DN2", "DR3", "CPC", "CFC"},
     {"OCMS_FE"}, true},
    {"TRF", "Pending Transfer of Vehicle Ownership", 21, false, {"ROV", "ENA", "RD1", "RD2", "RR3"}, {"OCMS_FE"},
     true},
    {"INV", "Under Investigation", 30, false, kPreCourt, {"OCMS_FE"}, true},
    {"OTH", "Others", 14, false, kAllButNpa, {"OCMS_FE"}, true},
    {"DIP", "Diplomatic Vehicle (retired, use CLV)", 90, true, {"RR3", "DR3"}, {"OCMS_FE"}, false},
};

void PrintTo(const CodeCase& c, std::ostream* os) { *os << "TS-" << c.code; }

std::vector<SuspensionReasonRow> rows_of(const CodeCase& c) {
    std::vector<Stage> allowed;
    for (const auto& s : c.allowed) allowed.emplace_back(s);
    std::vector<SuspensionReasonRow> out;
    for (const auto& src : c.sources)
        out.push_back(SuspensionReasonRow{"TS", ReasonCode{c.code}, src, c.description, c.days, c.active, c.looping,
                                          allowed});
    return out;
}

class TsCode : public ::testing::TestWithParam<CodeCase> {};

TEST_P(TsCode, AppliesAtEveryAllowedStageForEveryAuthorisedSource) {
    const auto& c = GetParam();
    auto rows = rows_of(c);
    for (const auto& src : c.sources) {
        for (const auto& stage : c.allowed) {
            auto d = decide_apply_ts(ts_cmd(c.code, src), unpaid(stage), rows, kNow);
            if (!c.active) {
                expect(d, codes::kBadRequest, ts_message::kCodeNotActive);
                continue;
            }
            expect(d, codes::kSuccess, ts_message::kSuccess);
            ASSERT_TRUE(d.effect) << c.code << " " << src << " " << stage;
            EXPECT_EQ(d.effect->due_date_of_revival - kNow, std::chrono::days{c.days});
            EXPECT_EQ(d.effect->recorded_source, src == "PLUS" ? "PLUS" : "OCMS");
        }
    }
}

TEST_P(TsCode, RejectedAtEveryOtherStage) {
    const auto& c = GetParam();
    auto rows = rows_of(c);
    std::vector<std::string> all = kPreCourt;
    for (auto court : {"CRT", "CHR", "WOA"}) all.emplace_back(court);
    for (const auto& stage : all) {
        if (std::ranges::find(c.allowed, stage) != c.allowed.end()) continue;
        auto d = decide_apply_ts(ts_cmd(c.code, c.sources.front()), unpaid(stage), rows, kNow);
        if (c.active)
            expect(d, codes::kBusinessRule, ts_message::kStageNotAllowed);
        else
            expect(d, codes::kBadRequest, ts_message::kCodeNotActive);  // checked before the stage
    }
}

TEST_P(TsCode, RejectedForEveryOtherSource) {
    const auto& c = GetParam();
    auto rows = rows_of(c);
    for (std::string src : {"OCMS_FE", "PLUS", "OCMS"}) {
        if (std::ranges::find(c.sources, src) != c.sources.end()) continue;
        expect(decide_apply_ts(ts_cmd(c.code, src), unpaid(c.allowed.front()), rows, kNow), codes::kBadRequest,
               c.active ? ts_message::kSourceNotAuthorized : ts_message::kCodeNotActive);
    }
}

INSTANTIATE_TEST_SUITE_P(Reference, TsCode, ::testing::ValuesIn(kCodes),
                         [](const auto& info) { return std::string(info.param.code); });

TEST(TsCodes, TwentyDistinctCodesPlusMayUseTheSpecsFive) {
    EXPECT_EQ(kCodes.size(), 20u);
    std::vector<std::string> names, plus;
    for (const auto& c : kCodes) {
        names.emplace_back(c.code);
        if (std::ranges::find(c.sources, "PLUS") != c.sources.end()) plus.emplace_back(c.code);
    }
    std::ranges::sort(names);
    EXPECT_EQ(std::ranges::unique(names).begin(), names.end());
    EXPECT_EQ(plus, (std::vector<std::string>{"APE", "APP", "CCE", "PRI", "RED"}));  // spec 002 API 5
}

// The seed file and this table say the same thing (whitespace ignored).
std::string squeeze(std::string s) {
    std::erase_if(s, [](unsigned char ch) { return std::isspace(ch) != 0; });
    return s;
}

TEST(TsCodes, SeedMatchesThisTable) {
    std::ifstream in(OCMS_REFERENCE_SEED);
    ASSERT_TRUE(in) << OCMS_REFERENCE_SEED;
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string seed = squeeze(ss.str());
    for (const auto& c : kCodes) {
        std::string stage_list;
        for (const auto& s : c.allowed) stage_list += (stage_list.empty() ? "" : ",") + s;
        const std::string rule = "('TS','" + std::string(c.code) + "'," + (c.looping ? "true" : "false") + ",'{" +
                                 stage_list + "}')";
        EXPECT_NE(seed.find(rule), std::string::npos) << "rule row missing: " << rule;
        for (const auto& src : c.sources) {
            const std::string reason = "('TS','" + std::string(c.code) + "','" + src + "','" + squeeze(c.description) +
                                       "'," + std::to_string(c.days) + ",'" + (c.active ? "A" : "I") + "')";
            EXPECT_NE(seed.find(reason), std::string::npos) << "reason row missing: " << reason;
        }
        // no row for a source outside the table
        for (std::string src : {"OCMS_FE", "PLUS", "OCMS"}) {
            if (std::ranges::find(c.sources, src) != c.sources.end()) continue;
            EXPECT_EQ(seed.find("('TS','" + std::string(c.code) + "','" + src + "'"), std::string::npos)
                << c.code << " has a row for " << src;
        }
    }
}

// PLUS may speak only for itself (spec 002 API 5's suspension_source).
TEST(ClaimedSource, OnlyTheCallersOwnOrNone) {
    EXPECT_TRUE(claimed_source_allowed(std::nullopt, source::kPlus));
    EXPECT_TRUE(claimed_source_allowed(std::string("PLUS"), source::kPlus));
    EXPECT_FALSE(claimed_source_allowed(std::string("OCMS_FE"), source::kPlus));
    EXPECT_FALSE(claimed_source_allowed(std::string("plus"), source::kPlus));
}

}  // namespace
}  // namespace ocms::domain
