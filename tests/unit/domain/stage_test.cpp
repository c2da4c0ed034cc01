// Tests of domain/stage.hpp (OCMS 15, spec 003): one test per rule and code, the VON update
// mapping and the amounts of every move, the Toppan classification, and StageSeed.* which reads
// schemas/seed/0004_stage.sql and checks it equals the reference table these tests use
// (docs/decisions.md "Change of processing stage" keeps the same tables).
#include "domain/stage.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

namespace ocms::domain {
namespace {

using namespace std::chrono_literals;

TimePoint at(std::string_view iso) {
    auto t = parse_iso(iso);
    EXPECT_TRUE(t.has_value()) << iso;
    return t.value_or(TimePoint{});
}

// ---- the reference table (equal to schemas/seed/0004_stage.sql, checked by StageSeed.*) -------

struct MapCase {
    const char* from;
    const char* to;
    bool is_default;
    std::int64_t fee_cents;
};
const std::vector<MapCase> kMap{
    {"NPA", "ROV", true, 0},     {"NPA", "DN1", false, 0},   {"ROV", "ENA", true, 0},    {"ROV", "DN1", false, 0},
    {"ENA", "RD1", true, 0},     {"ENA", "DN1", false, 0},   {"RD1", "RD2", true, 3000}, {"RD1", "DN1", false, 0},
    {"RD2", "RR3", true, 6000},  {"RD2", "DN1", false, 0},   {"RR3", "CPC", true, 6000}, {"RR3", "DN1", false, 0},
    {"DN1", "DN2", true, 3000},  {"DN2", "DR3", true, 6000}, {"DR3", "CPC", true, 6000}, {"CPC", "CFC", true, 6000},
    {"CFC", "CRT", true, 0},     {"CRT", "CHR", true, 0},    {"CHR", "WOA", true, 0},
};

struct StageCase {
    const char* stage;
    int order;
    bool court;
    bool plus_may_target;
};
const std::vector<StageCase> kStages{
    {"NPA", 10, false, true},  {"ROV", 20, false, true},  {"ENA", 30, false, true},  {"RD1", 40, false, true},
    {"RD2", 50, false, true},  {"RR3", 60, false, true},  {"DN1", 70, false, true},  {"DN2", 80, false, true},
    {"DR3", 90, false, true},  {"CPC", 100, false, true}, {"CFC", 110, false, false}, {"CRT", 120, true, false},
    {"CHR", 130, true, false}, {"WOA", 140, true, false},
};

const std::map<std::string, std::vector<std::string>> kRoleStages{
    {"O", {"ROV", "ENA", "RD1", "RD2", "RR3", "CPC", "CFC"}},
    {"H", {"RD1", "RD2", "RR3", "CPC", "CFC"}},
    {"DIR", {"RD1", "RD2", "RR3", "CPC", "CFC"}},
    {"D", {"DN1", "DN2", "DR3", "CPC", "CFC"}},
};

const std::map<std::string, std::string> kNextStage{
    {"NPA", "ROV"}, {"ROV", "ENA"}, {"ENA", "RD1"}, {"RD1", "RD2"}, {"RD2", "RR3"}, {"RR3", "CPC"}, {"DN1", "DN2"},
    {"DN2", "DR3"}, {"DR3", "CPC"}, {"CPC", "CFC"}, {"CFC", "CRT"}, {"CRT", "CHR"}, {"CHR", "WOA"},
};
const std::map<std::string, int> kStageDays{
    {"NPA", 1},  {"ROV", 2},  {"ENA", 14}, {"RD1", 28}, {"RD2", 28}, {"RR3", 28},
    {"DN1", 28}, {"DN2", 28}, {"DR3", 28}, {"CPC", 14}, {"CFC", 14},
};

StageReference reference() {
    StageReference ref;
    for (const auto& s : kStages) ref.stages.push_back(StageRow{Stage{s.stage}, s.order, s.court, s.plus_may_target});
    for (const auto& m : kMap) ref.map.push_back(StageMapRow{Stage{m.from}, Stage{m.to}, m.is_default, m.fee_cents, true});
    for (const auto& [role, stages] : kRoleStages)
        for (const auto& s : stages) ref.roles.push_back(RoleStageRow{*parse_offender_role(role), Stage{s}});
    for (const auto& [s, n] : kNextStage) ref.parameters.push_back(ParameterRow{"NEXT_STAGE", s, n});
    for (const auto& [s, d] : kStageDays) ref.parameters.push_back(ParameterRow{"STAGEDAYS", s, std::to_string(d)});
    ref.parameters.push_back(ParameterRow{"REVIVAL", "NEXT_PROCESSING_DAYS", "2"});  // other families are ignored
    return ref;
}

const StageReference kRef = reference();
const TimePoint kNow = at("2025-12-20T10:15:00");

// ---- notices and commands ---------------------------------------------------------------------

OffenderRow offender(std::string indicator, bool current = true) { return OffenderRow{std::move(indicator), current, {}}; }

StageNotice notice(std::string stage = "DN1", std::string role = "D") {
    StageNotice n;
    n.notice_no = NoticeNo{"500500309Q"};
    n.last_processing_stage = Stage{std::move(stage)};
    n.last_processing_date = at("2025-12-01T09:00:00");
    n.prev_processing_stage = Stage{"RR3"};
    n.prev_processing_date = at("2025-11-01T09:00:00");
    n.next_processing_stage = kRef.next_stage_parameter(n.last_processing_stage);
    n.next_processing_date = at("2025-12-29T09:00:00");
    n.amount_payable_cents = 7000;
    n.composition_amount_cents = 7000;
    if (role == "D") n.offenders.push_back(offender("O", false));
    n.offenders.push_back(offender(std::move(role)));
    return n;
}

ChangeStage cmd(std::optional<std::string> new_stage = "DN2", StageApi api = StageApi::submit, std::string source = "OCMS") {
    ChangeStage c;
    c.notice_no = NoticeNo{"500500309Q"};
    c.api = api;
    c.source = std::move(source);
    if (new_stage) c.new_stage = Stage{*new_stage};
    c.reason = "SUP";
    c.remarks = "Speed up processing";
    c.officer = "JOHNLEE";
    return c;
}

ChangeStage plus_cmd(std::string last, std::string next, std::string type = "D") {
    auto c = cmd(std::move(next), StageApi::plus, "PLUS");
    c.current_stage = Stage{std::move(last)};
    c.offender_type = std::move(type);
    c.reason.reset();
    c.remarks.reset();
    c.officer = "PLUS";
    return c;
}

ChangeRecord change(std::string from, std::string to, TimePoint when, std::string source = "OCMS",
                    std::optional<TimePoint> printed = std::nullopt) {
    return ChangeRecord{41, when, Stage{std::move(from)}, Stage{std::move(to)}, std::move(source), printed};
}

void expect_refused(const StageDecision& d, StageReason reason, std::string_view code, int http,
                    std::string_view message) {
    EXPECT_EQ(d.outcome, reason == StageReason::existing_change_today ? ChangeOutcome::warning : ChangeOutcome::failed);
    ASSERT_TRUE(d.reason.has_value());
    EXPECT_EQ(*d.reason, reason);
    EXPECT_EQ(d.code, code);
    EXPECT_EQ(stage_http_status(d.code), http);
    EXPECT_EQ(d.message, message);
    EXPECT_FALSE(d.effect.has_value());
}

void expect_updated(const StageDecision& d, std::string_view from, std::string_view to) {
    EXPECT_EQ(d.outcome, ChangeOutcome::updated) << d.code << " " << d.message;
    EXPECT_FALSE(d.reason.has_value());
    EXPECT_EQ(d.code, "OCMS-2000");
    EXPECT_EQ(d.app_code, codes::kSuccess);
    EXPECT_EQ(stage_http_status(d.code), 200);
    ASSERT_TRUE(d.previous_stage && d.new_stage);
    EXPECT_EQ(d.previous_stage->value(), from);
    EXPECT_EQ(d.new_stage->value(), to);
}

// ---- codes ------------------------------------------------------------------------------------

const std::vector<StageReason> kAllReasons{
    StageReason::not_found,        StageReason::court_stage,           StageReason::ps_blocked,
    StageReason::stage_mismatch,   StageReason::role_conflict,         StageReason::remarks_required,
    StageReason::transition_not_allowed, StageReason::plus_target_not_allowed, StageReason::ineligible_stage,
    StageReason::existing_change_today,
};

TEST(StageCodes, SpecTableCodesAndStatuses) {
    using R = StageReason;
    const std::vector<std::tuple<R, std::string_view, int>> spec{
        {R::not_found, "OCMS.CPS.NOT_FOUND", 404},
        {R::court_stage, "OCMS.CPS.ELIG.COURT_STAGE", 422},
        {R::ps_blocked, "OCMS.CPS.ELIG.PS_BLOCKED", 422},
        {R::ineligible_stage, "OCMS.CPS.ELIG.INELIGIBLE_STAGE", 422},
        {R::role_conflict, "OCMS.CPS.ELIG.ROLE_CONFLICT", 422},
        {R::remarks_required, "OCMS.CPS.REMARKS_REQUIRED", 422},
        {R::transition_not_allowed, "OCMS-4000", 422},
        {R::plus_target_not_allowed, "OCMS-4004", 422},
        {R::existing_change_today, "OCMS.CPS.ELIG.EXISTING_CHANGE_TODAY", 200},
        {R::stage_mismatch, "OCMS.CPS.ELIG.STAGE_MISMATCH", 422},
    };
    ASSERT_EQ(spec.size(), kAllReasons.size());
    for (const auto& [r, code, http] : spec) {
        EXPECT_EQ(reason_code(r, StageApi::submit), code);
        EXPECT_EQ(reason_code(r, StageApi::plus), code);
        EXPECT_EQ(stage_http_status(code), http) << code;
    }
}

// The edge's one mapping from a code to HTTP (the worker's reply carries no status): every
// spelling of a reason, the request faults, the fault, and success.
TEST(StageCodes, EverySpellingOfACodeHasItsReasonsStatus) {
    for (auto r : kAllReasons)
        for (auto api : {StageApi::search, StageApi::validate, StageApi::submit, StageApi::plus})
            EXPECT_EQ(stage_http_status(reason_code(r, api)), stage_http_status(reason_code(r, StageApi::submit)))
                << reason_code(r, api);
    EXPECT_EQ(stage_http_status("OCMS.CPS.SEARCH.COURT_STAGE"), 422);
    EXPECT_EQ(stage_http_status("OCMS.CPS.NOT_FOUND"), 404);
    EXPECT_EQ(stage_http_status(stage_code::kInvalidFormat), 400);
    EXPECT_EQ(stage_http_status(stage_code::kMissingData), 400);
    EXPECT_EQ(stage_http_status(stage_code::kUnexpected), 500);
    EXPECT_EQ(stage_http_status("OCMS-2000"), 200);
}

TEST(StageCodes, OthNeedsRemarksThatAreNotBlank) {
    EXPECT_TRUE(remarks_missing(std::string("OTH"), std::nullopt));
    EXPECT_TRUE(remarks_missing(std::string("OTH"), std::string(" \t")));
    EXPECT_FALSE(remarks_missing(std::string("OTH"), std::string("Speed up")));
    EXPECT_FALSE(remarks_missing(std::string("SUP"), std::nullopt));
    EXPECT_FALSE(remarks_missing(std::nullopt, std::nullopt));
}

TEST(StageCodes, SearchAndValidateWordTheEligibilityFamilyTheirOwnWay) {
    EXPECT_EQ(reason_code(StageReason::court_stage, StageApi::search), "OCMS.CPS.SEARCH.COURT_STAGE");  // 2.1 example
    EXPECT_EQ(reason_code(StageReason::court_stage, StageApi::validate), "OCMS.CPS.COURT_STAGE");       // 2.2 example
    const std::regex elig("^OCMS\\.CPS\\.ELIG\\.([A-Z_]+)$");
    for (auto r : kAllReasons) {
        const std::string submit(reason_code(r, StageApi::submit));
        std::smatch m;
        if (std::regex_match(submit, m, elig)) {
            EXPECT_EQ(reason_code(r, StageApi::search), "OCMS.CPS.SEARCH." + m[1].str());
            EXPECT_EQ(reason_code(r, StageApi::validate), "OCMS.CPS." + m[1].str());
        } else {
            EXPECT_EQ(reason_code(r, StageApi::search), submit);
            EXPECT_EQ(reason_code(r, StageApi::validate), submit);
        }
    }
}

TEST(StageCodes, ReplyAppCodesFitTheReplySchema) {
    const std::regex app("^OCMS-[0-9]{4}$");
    for (auto r : kAllReasons) {
        EXPECT_TRUE(std::regex_match(std::string(reason_app_code(r).str()), app));
        EXPECT_FALSE(reason_app_code(r).is_success());  // a warning is not applied either
    }
    EXPECT_EQ(reason_app_code(StageReason::not_found).str(), "OCMS-4001");
    EXPECT_EQ(reason_app_code(StageReason::transition_not_allowed).str(), "OCMS-4000");
    EXPECT_EQ(reason_app_code(StageReason::plus_target_not_allowed).str(), "OCMS-4004");
    EXPECT_EQ(reason_app_code(StageReason::court_stage).str(), "OCMS-4002");
}

// ---- roles ------------------------------------------------------------------------------------

TEST(StageRoles, ParsesOnodValidateAndPlusSpellings) {
    for (auto [s, r] : std::vector<std::pair<std::string, OffenderRole>>{
             {"O", OffenderRole::owner},    {"OWNER", OffenderRole::owner},       {"D", OffenderRole::driver},
             {"DRIVER", OffenderRole::driver}, {"H", OffenderRole::hirer},       {"HIRER", OffenderRole::hirer},
             {"DIR", OffenderRole::director}, {"DIRECTOR", OffenderRole::director}}) {
        EXPECT_EQ(parse_offender_role(s), r) << s;
        EXPECT_EQ(parse_offender_role(onod_indicator(r)), r);
        EXPECT_EQ(parse_offender_role(role_name(r)), r);
    }
    for (std::string bad : {"", "d", "owner", "X", "DRV"}) EXPECT_FALSE(parse_offender_role(bad)) << bad;
}

TEST(StageRoles, CurrentOffenderIsTheOneRowMarkedY) {
    std::vector rows{offender("O", false), offender("D", true)};
    EXPECT_EQ(current_offender_role(rows), OffenderRole::driver);
    EXPECT_FALSE(current_offender_role(std::vector<OffenderRow>{}));                                  // no ONOD
    EXPECT_FALSE(current_offender_role(std::vector{offender("O", false)}));                           // nobody current
    EXPECT_FALSE(current_offender_role(std::vector{offender("O", true), offender("D", true)}));       // two current
    EXPECT_FALSE(current_offender_role(std::vector{offender("X", true)}));                            // unknown role
}

// ---- decide_stage_change: one test per rule ---------------------------------------------------

TEST(StageChange, MissingNoticeIsNotFound404) {
    expect_refused(decide_stage_change(cmd(), std::nullopt, kRef, kNow), StageReason::not_found, "OCMS.CPS.NOT_FOUND",
                   404, "VON not found");
}

TEST(StageChange, CourtStageIsRefusedButCpcAndCfcAreNot) {
    for (std::string s : {"CRT", "CHR", "WOA"}) {
        auto d = decide_stage_change(cmd("DN2"), notice(s), kRef, kNow);
        expect_refused(d, StageReason::court_stage, "OCMS.CPS.ELIG.COURT_STAGE", 422, "Notice is in court stage");
        EXPECT_EQ(d.previous_stage, Stage{s});
    }
    expect_updated(decide_stage_change(cmd("CFC"), notice("CPC"), kRef, kNow), "CPC", "CFC");
}

TEST(StageChange, ActivePsIsBlockedButTsIsNot) {
    auto n = notice();
    n.suspension_type = "PS";
    expect_refused(decide_stage_change(cmd(), n, kRef, kNow), StageReason::ps_blocked, "OCMS.CPS.ELIG.PS_BLOCKED", 422,
                   "Permanent suspension active");
    n.suspension_type = "TS";  // spec 003 blocks PS only
    expect_updated(decide_stage_change(cmd(), n, kRef, kNow), "DN1", "DN2");
}

TEST(StageChange, StatedCurrentStageMustBeTheNoticesStage) {
    auto c = cmd();
    c.current_stage = Stage{"RR3"};
    expect_refused(decide_stage_change(c, notice(), kRef, kNow), StageReason::stage_mismatch,
                   "OCMS.CPS.ELIG.STAGE_MISMATCH", 422, "Current stage mismatch: request RR3, notice DN1");
    c.current_stage = Stage{"DN1"};
    expect_updated(decide_stage_change(c, notice(), kRef, kNow), "DN1", "DN2");
}

TEST(StageChange, NoCurrentOffenderIsRoleConflict) {
    auto n = notice();
    n.offenders.clear();
    expect_refused(decide_stage_change(cmd(), n, kRef, kNow), StageReason::role_conflict, "OCMS.CPS.ELIG.ROLE_CONFLICT",
                   422, "Cannot determine offender role");
    n.offenders = {offender("O", false), offender("D", false)};
    EXPECT_EQ(decide_stage_change(cmd(), n, kRef, kNow).reason, StageReason::role_conflict);
}

TEST(StageChange, TwoCurrentOffendersIsRoleConflict) {
    auto n = notice();
    n.offenders = {offender("O", true), offender("D", true)};
    EXPECT_EQ(decide_stage_change(cmd(), n, kRef, kNow).reason, StageReason::role_conflict);
}

TEST(StageChange, RequestRoleContradictingOnodIsRoleConflict) {
    auto c = cmd();
    c.offender_type = "OWNER";  // ONOD says driver
    EXPECT_EQ(decide_stage_change(c, notice(), kRef, kNow).reason, StageReason::role_conflict);
    c.offender_type = "SOMEONE";  // not a role at all
    EXPECT_EQ(decide_stage_change(c, notice(), kRef, kNow).reason, StageReason::role_conflict);
    c.offender_type = "DRIVER";
    expect_updated(decide_stage_change(c, notice(), kRef, kNow), "DN1", "DN2");
    // PLUS's one-letter form
    expect_updated(decide_stage_change(plus_cmd("DN1", "DN2", "D"), notice(), kRef, kNow), "DN1", "DN2");
    EXPECT_EQ(decide_stage_change(plus_cmd("DN1", "DN2", "O"), notice(), kRef, kNow).reason, StageReason::role_conflict);
}

TEST(StageChange, OthWithoutRemarksIsRefusedBeforeAnythingElse) {
    auto c = cmd();
    c.reason = "OTH";
    c.remarks.reset();
    expect_refused(decide_stage_change(c, notice(), kRef, kNow), StageReason::remarks_required,
                   "OCMS.CPS.REMARKS_REQUIRED", 422, "Remarks mandatory for OTH reason");
    c.remarks = "  \t";
    EXPECT_EQ(decide_stage_change(c, notice(), kRef, kNow).reason, StageReason::remarks_required);
    EXPECT_EQ(decide_stage_change(c, std::nullopt, kRef, kNow).reason, StageReason::remarks_required);  // request-level
    c.remarks = "Officer's note";
    expect_updated(decide_stage_change(c, notice(), kRef, kNow), "DN1", "DN2");
    c.reason = "SUP";
    c.remarks.reset();  // only OTH needs remarks
    expect_updated(decide_stage_change(c, notice(), kRef, kNow), "DN1", "DN2");
}

TEST(StageChange, TransitionOutsideTheStageMapIsOcms4000) {
    auto d = decide_stage_change(cmd("CFC"), notice("DN1"), kRef, kNow);
    expect_refused(d, StageReason::transition_not_allowed, "OCMS-4000", 422, "Stage transition not allowed: DN1 -> CFC");
    EXPECT_EQ(d.new_stage, Stage{"CFC"});
    EXPECT_EQ(decide_stage_change(cmd("DN1"), notice("DN1"), kRef, kNow).reason, StageReason::transition_not_allowed);
    EXPECT_EQ(decide_stage_change(cmd("DN1"), notice("DN2"), kRef, kNow).reason, StageReason::transition_not_allowed);
    EXPECT_EQ(decide_stage_change(cmd("XYZ"), notice("DN1"), kRef, kNow).reason, StageReason::transition_not_allowed);
}

TEST(StageChange, RetiredMoveIsNotAllowed) {
    auto ref = kRef;
    for (auto& m : ref.map)
        if (m.current_stage == Stage{"DN1"} && m.next_stage == Stage{"DN2"}) m.active = false;
    EXPECT_EQ(decide_stage_change(cmd("DN2"), notice(), ref, kNow).reason, StageReason::transition_not_allowed);
    EXPECT_FALSE(derive_new_stage(Stage{"DN1"}, ref));
}

TEST(StageChange, CfcFromPlusIsOcms4004EvenBeforeTheNoticeIsRead) {
    auto d = decide_stage_change(plus_cmd("CPC", "CFC"), notice("CPC"), kRef, kNow);
    expect_refused(d, StageReason::plus_target_not_allowed, "OCMS-4004", 422, "CFC not allowed from PLUS");
    EXPECT_EQ(decide_stage_change(plus_cmd("DN1", "CFC"), std::nullopt, kRef, kNow).reason,
              StageReason::plus_target_not_allowed);
    // the staff portal may
    expect_updated(decide_stage_change(cmd("CFC"), notice("CPC"), kRef, kNow), "CPC", "CFC");
}

TEST(StageChange, CfcDerivedForPlusIsAlsoOcms4004) {
    auto c = plus_cmd("CPC", "CFC");
    c.new_stage.reset();
    EXPECT_EQ(decide_stage_change(c, notice("CPC"), kRef, kNow).reason, StageReason::plus_target_not_allowed);
}

TEST(StageChange, StageNotAllowedForTheRoleIsIneligible) {
    // RD1 -> DN1 is a move of the map (redirect to the driver) but the offender is still the owner.
    auto d = decide_stage_change(cmd("DN1"), notice("RD1", "O"), kRef, kNow);
    expect_refused(d, StageReason::ineligible_stage, "OCMS.CPS.ELIG.INELIGIBLE_STAGE", 422,
                   "Stage DN1 not allowed for role OWNER");
    // once the driver is the current offender the same move is allowed
    expect_updated(decide_stage_change(cmd("DN1"), notice("RD1", "D"), kRef, kNow), "RD1", "DN1");
    // a hirer does not go through ROV / ENA
    EXPECT_EQ(decide_stage_change(cmd("ENA"), notice("ROV", "H"), kRef, kNow).reason, StageReason::ineligible_stage);
    // court stages are nobody's target
    EXPECT_EQ(decide_stage_change(cmd("CRT"), notice("CFC", "O"), kRef, kNow).reason, StageReason::ineligible_stage);
}

TEST(StageChange, EveryRoleReachesEveryStageOfItsTrack) {
    for (const auto& m : kMap) {
        for (const auto& [indicator, allowed] : kRoleStages) {
            const bool ok = std::ranges::find(allowed, std::string(m.to)) != allowed.end();
            auto d = decide_stage_change(cmd(m.to), notice(m.from, indicator), kRef, kNow);
            const bool court_from = kRef.stage(Stage{m.from})->court;
            if (court_from) {
                EXPECT_EQ(d.reason, StageReason::court_stage);
            } else if (ok) {
                expect_updated(d, m.from, m.to);
            } else {
                EXPECT_EQ(d.reason, StageReason::ineligible_stage) << indicator << " " << m.from << "->" << m.to;
            }
        }
    }
}

TEST(StageChange, SecondChangeTheSameSingaporeDayIsAWarningUnlessConfirmed) {
    auto n = notice();
    n.latest_change = change("RR3", "DN1", at("2025-12-20T08:00:00"));
    auto d = decide_stage_change(cmd(), n, kRef, kNow);
    expect_refused(d, StageReason::existing_change_today, "OCMS.CPS.ELIG.EXISTING_CHANGE_TODAY", 200,
                   "Notice No. 500500309Q has existing stage change update. Please confirm to proceed.");
    EXPECT_EQ(d.outcome, ChangeOutcome::warning);
    auto confirmed = cmd();
    confirmed.is_confirmation = true;
    expect_updated(decide_stage_change(confirmed, n, kRef, kNow), "DN1", "DN2");
    // a Toppan (SYSTEM) change today counts as well
    n.latest_change = change("RR3", "DN1", at("2025-12-20T00:30:00"), "SYSTEM", at("2025-12-20T00:30:00"));
    EXPECT_EQ(decide_stage_change(cmd(), n, kRef, kNow).outcome, ChangeOutcome::warning);
    // yesterday is another day
    n.latest_change = change("RR3", "DN1", at("2025-12-19T18:00:00"));
    expect_updated(decide_stage_change(cmd(), n, kRef, kNow), "DN1", "DN2");
}

TEST(StageChange, SameDayIsTheSingaporeDayNotTheUtcDay) {
    auto n = notice();
    // 23:59 and 00:01 +08:00 are one UTC day (15:59Z, 16:01Z) but two Singapore days.
    n.latest_change = change("RR3", "DN1", at("2025-12-19T23:59:00"));
    expect_updated(decide_stage_change(cmd(), n, kRef, at("2025-12-20T00:01:00")), "DN1", "DN2");
    // 00:01 and 23:59 +08:00 are two UTC days but one Singapore day.
    n.latest_change = change("RR3", "DN1", at("2025-12-20T00:01:00"));
    EXPECT_EQ(decide_stage_change(cmd(), n, kRef, at("2025-12-20T23:59:00")).outcome, ChangeOutcome::warning);
}

TEST(StageChange, OnlyTheStaffPortalIsAskedToConfirm) {
    auto n = notice();
    n.latest_change = change("RR3", "DN1", at("2025-12-20T08:00:00"));
    expect_updated(decide_stage_change(plus_cmd("DN1", "DN2"), n, kRef, kNow), "DN1", "DN2");
    expect_updated(decide_stage_change(cmd("DN2", StageApi::submit, "SYSTEM"), n, kRef, kNow), "DN1", "DN2");
}

TEST(StageChange, NewStageIsDerivedFromTheStageMapDefault) {
    auto c = cmd(std::nullopt);
    expect_updated(decide_stage_change(c, notice("DN1"), kRef, kNow), "DN1", "DN2");
    expect_updated(decide_stage_change(c, notice("RR3", "O"), kRef, kNow), "RR3", "CPC");
    EXPECT_EQ(derive_new_stage(Stage{"RD2"}, kRef), Stage{"RR3"});
    EXPECT_FALSE(derive_new_stage(Stage{"WOA"}, kRef));
    // a driver's notice still at NPA: the default (ROV) is not a driver's stage; DN1 must be named
    EXPECT_EQ(decide_stage_change(c, notice("NPA", "D"), kRef, kNow).reason, StageReason::ineligible_stage);
    expect_updated(decide_stage_change(cmd("DN1"), notice("NPA", "D"), kRef, kNow), "NPA", "DN1");
}

TEST(StageChange, NoDefaultToDeriveIsOcms4000) {
    StageReference ref = kRef;
    std::erase_if(ref.map, [](const StageMapRow& m) { return m.current_stage == Stage{"DN2"}; });
    auto d = decide_stage_change(cmd(std::nullopt), notice("DN2"), ref, kNow);
    expect_refused(d, StageReason::transition_not_allowed, "OCMS-4000", 422, "Stage transition not allowed: DN2 -> -");
}

TEST(StageChange, ValidateAnswersWithoutEffectAndWithItsOwnCodes) {
    auto ok = decide_stage_change(cmd("DN2", StageApi::validate), notice(), kRef, kNow);
    expect_updated(ok, "DN1", "DN2");
    EXPECT_EQ(ok.message, "Eligible for stage change to DN2");
    EXPECT_FALSE(ok.effect);
    auto court = decide_stage_change(cmd("DN2", StageApi::validate), notice("CRT"), kRef, kNow);
    expect_refused(court, StageReason::court_stage, "OCMS.CPS.COURT_STAGE", 422, "Notice is in court stage");
}

TEST(StageChange, ChecksRunInTheDocumentedOrder) {
    // A notice with every fault: the first in the order answers.
    auto n = notice("CRT");
    n.suspension_type = "PS";
    n.offenders.clear();
    auto c = cmd("CFC");
    c.current_stage = Stage{"DN1"};
    EXPECT_EQ(decide_stage_change(c, n, kRef, kNow).reason, StageReason::court_stage);
    n.last_processing_stage = Stage{"DN2"};
    EXPECT_EQ(decide_stage_change(c, n, kRef, kNow).reason, StageReason::ps_blocked);
    n.suspension_type.reset();
    EXPECT_EQ(decide_stage_change(c, n, kRef, kNow).reason, StageReason::stage_mismatch);
    c.current_stage.reset();
    EXPECT_EQ(decide_stage_change(c, n, kRef, kNow).reason, StageReason::role_conflict);
    n.offenders = {offender("O")};
    EXPECT_EQ(decide_stage_change(c, n, kRef, kNow).reason, StageReason::transition_not_allowed);  // DN2 -> CFC
    c.new_stage = Stage{"DR3"};
    EXPECT_EQ(decide_stage_change(c, n, kRef, kNow).reason, StageReason::ineligible_stage);  // owner, DR3
    n.offenders = {offender("D")};
    n.latest_change = change("DN1", "DN2", kNow - 1h);
    EXPECT_EQ(decide_stage_change(c, n, kRef, kNow).reason, StageReason::existing_change_today);
}

// ---- the VON update and the audit row (spec 003 section 4) ------------------------------------

TEST(StageEffect, SubmitWritesTheSpecsVonMappingAndAuditRow) {
    auto c = cmd("DN2");
    c.dh_mha_check = true;
    auto d = decide_stage_change(c, notice("DN1"), kRef, kNow);
    expect_updated(d, "DN1", "DN2");
    EXPECT_EQ(d.message, "Stage changed successfully");
    ASSERT_TRUE(d.effect);
    const auto& v = d.effect->von;
    EXPECT_EQ(v.prev_processing_stage, Stage{"DN1"});
    EXPECT_EQ(v.prev_processing_date, at("2025-12-01T09:00:00"));
    EXPECT_EQ(v.last_processing_stage, Stage{"DN2"});
    EXPECT_EQ(v.last_processing_date, kNow);
    EXPECT_EQ(v.next_processing_stage, Stage{"DR3"});                // NEXT_STAGE_DN2
    EXPECT_EQ(format_local(*v.next_processing_date), "2026-01-17T10:15:00");  // now + STAGEDAYS DN2 (28)
    EXPECT_EQ(v.amount_payable_cents, 10000);                        // 70.00 composition + 30.00
    ASSERT_TRUE(d.effect->audit);
    const auto& a = *d.effect->audit;
    EXPECT_EQ(a.notice_no, NoticeNo{"500500309Q"});
    EXPECT_EQ(a.last_processing_stage, Stage{"DN1"});
    EXPECT_EQ(a.new_processing_stage, Stage{"DN2"});
    EXPECT_EQ(a.reason_of_change, "SUP");
    EXPECT_EQ(a.remarks, "Speed up processing");
    EXPECT_EQ(a.date_of_change, kNow);
    EXPECT_EQ(a.authorised_officer, "JOHNLEE");
    EXPECT_EQ(a.source, "OCMS");
    EXPECT_TRUE(a.dh_mha_check);
    EXPECT_FALSE(a.toppan_processed_date);
    EXPECT_FALSE(d.effect->confirm_change_id);
}

TEST(StageEffect, PlusNewStageDateDatesTheStageAndTheAuditKeepsNow) {
    auto c = plus_cmd("DN1", "DN2");
    c.new_stage_date = at("2025-09-30T06:58:42");
    auto d = decide_stage_change(c, notice(), kRef, kNow);
    ASSERT_TRUE(d.effect);
    EXPECT_EQ(format_local(d.effect->von.last_processing_date), "2025-09-30T06:58:42");
    EXPECT_EQ(format_local(*d.effect->von.next_processing_date), "2025-10-28T06:58:42");
    EXPECT_EQ(d.effect->audit->date_of_change, kNow);
    EXPECT_EQ(d.effect->audit->source, "PLUS");
}

TEST(StageEffect, AmountOfEveryMoveIsCompositionPlusItsFee) {
    // Expected amount_payable for a 70.00 composition: reminders 1 / 2 / 3 = 70 / 100 / 130, and
    // a redirect to the driver starts again at 70.
    const std::map<std::string, std::int64_t> expected{{"ROV", 7000}, {"ENA", 7000}, {"RD1", 7000}, {"RD2", 10000},
                                                       {"RR3", 13000}, {"DN1", 7000}, {"DN2", 10000}, {"DR3", 13000},
                                                       {"CPC", 13000}, {"CFC", 13000}};
    for (const auto& m : kMap) {
        if (kRef.stage(Stage{m.to})->court) continue;
        auto u = von_stage_update(notice(m.from), Stage{m.to}, kRef, kNow, true);
        EXPECT_EQ(u.amount_payable_cents, expected.at(m.to)) << m.from << "->" << m.to;
    }
}

TEST(StageEffect, AmountIsLeftAloneWithoutCompositionOrOffTheMap) {
    auto n = notice("DN1");
    n.composition_amount_cents.reset();
    EXPECT_FALSE(von_stage_update(n, Stage{"DN2"}, kRef, kNow, true).amount_payable_cents);
    EXPECT_FALSE(von_stage_update(notice("DN1"), Stage{"DN2"}, kRef, kNow, false).amount_payable_cents);
    EXPECT_FALSE(von_stage_update(notice("DN1"), Stage{"CFC"}, kRef, kNow, true).amount_payable_cents);
}

TEST(StageEffect, MissingParametersLeaveTheNextStageAndDateEmpty) {
    StageReference ref = kRef;
    ref.parameters.clear();
    auto u = von_stage_update(notice("DN1"), Stage{"DN2"}, ref, kNow, true);
    EXPECT_FALSE(u.next_processing_stage);
    EXPECT_FALSE(u.next_processing_date);
    ref.parameters = {ParameterRow{"STAGEDAYS", "DN2", "two weeks"}};  // not a number: no date
    EXPECT_FALSE(von_stage_update(notice("DN1"), Stage{"DN2"}, ref, kNow, true).next_processing_date);
}

TEST(StageEffect, StageDaysAreSingaporeDaysAcrossTheYear) {
    auto u = von_stage_update(notice("DR3"), Stage{"CPC"}, kRef, at("2025-12-25T23:30:00"), true);
    EXPECT_EQ(format_local(*u.next_processing_date), "2026-01-08T23:30:00");  // + 14 days
}

// ---- search -----------------------------------------------------------------------------------

TEST(StageSearch, EligibleAndEachIneligibleReason) {
    EXPECT_TRUE(search_eligibility(notice("DN1"), kRef).eligible);
    auto court = search_eligibility(notice("CRT"), kRef);
    EXPECT_FALSE(court.eligible);
    EXPECT_EQ(court.code, "OCMS.CPS.SEARCH.COURT_STAGE");
    EXPECT_EQ(court.message, "Notice is in court stage");
    auto ps = notice();
    ps.suspension_type = "PS";
    EXPECT_EQ(search_eligibility(ps, kRef).code, "OCMS.CPS.SEARCH.PS_BLOCKED");
    auto nobody = notice();
    nobody.offenders.clear();
    EXPECT_EQ(search_eligibility(nobody, kRef).code, "OCMS.CPS.SEARCH.ROLE_CONFLICT");
    // an owner at DN2 has no move the map and the role allow
    auto stuck = search_eligibility(notice("DN2", "O"), kRef);
    EXPECT_EQ(stuck.code, "OCMS.CPS.SEARCH.INELIGIBLE_STAGE");
    EXPECT_EQ(stuck.message, "No stage allowed for role OWNER after DN2");
    // an owner at RD1 may go to RD2 (the redirect to DN1 is not theirs, but one move is enough)
    EXPECT_TRUE(search_eligibility(notice("RD1", "O"), kRef).eligible);
}

// ---- Toppan (spec 2.7) ------------------------------------------------------------------------

const TimePoint kPrint = at("2025-12-19T00:30:00");

TEST(Toppan, AtTheStageWithoutManualChangeIsAutomaticWithAmount) {
    auto d = classify_toppan(notice("DN1"), Stage{"DN1"}, kPrint, kRef, kNow);
    EXPECT_EQ(d.kind, ToppanKind::automatic);
    ASSERT_TRUE(d.effect);
    const auto& v = d.effect->von;
    EXPECT_EQ(v.prev_processing_stage, Stage{"DN1"});
    EXPECT_EQ(v.last_processing_stage, Stage{"DN2"});
    EXPECT_EQ(v.last_processing_date, kPrint);
    EXPECT_EQ(v.next_processing_stage, Stage{"DR3"});
    EXPECT_EQ(*v.next_processing_date, kPrint + std::chrono::days{28});
    EXPECT_EQ(v.amount_payable_cents, 10000);
    ASSERT_TRUE(d.effect->audit);
    EXPECT_EQ(d.effect->audit->source, "SYSTEM");
    EXPECT_EQ(d.effect->audit->authorised_officer, "SYSTEM");
    EXPECT_EQ(d.effect->audit->date_of_change, kNow);
    EXPECT_EQ(d.effect->audit->toppan_processed_date, kPrint);
    EXPECT_FALSE(d.effect->confirm_change_id);
}

TEST(Toppan, PrintedOrSystemChangesDoNotMakeANoticeManual) {
    auto n = notice("DN1");
    n.latest_change = change("RR3", "DN1", kPrint - 48h, "OCMS", kPrint - 24h);  // its letter was printed
    EXPECT_EQ(classify_toppan(n, Stage{"DN1"}, kPrint, kRef, kNow).kind, ToppanKind::automatic);
    n.latest_change = change("RR3", "DN1", kPrint - 48h, "SYSTEM", kPrint - 48h);
    EXPECT_EQ(classify_toppan(n, Stage{"DN1"}, kPrint, kRef, kNow).kind, ToppanKind::automatic);
}

TEST(Toppan, PendingManualChangeOutOfTheStageIsManualWithoutAmount) {
    auto n = notice("DN2");
    n.amount_payable_cents = 10000;  // set by the officer's change
    n.latest_change = change("DN1", "DN2", at("2025-12-18T15:00:00"));
    auto d = classify_toppan(n, Stage{"DN1"}, kPrint, kRef, kNow);
    EXPECT_EQ(d.kind, ToppanKind::manual);
    ASSERT_TRUE(d.effect);
    const auto& v = d.effect->von;
    EXPECT_EQ(v.last_processing_stage, Stage{"DN2"});       // not moved again
    EXPECT_EQ(v.prev_processing_stage, Stage{"RR3"});       // unchanged
    EXPECT_EQ(v.prev_processing_date, n.prev_processing_date);
    EXPECT_EQ(v.last_processing_date, kPrint);              // the letter dates the stage
    EXPECT_EQ(v.next_processing_stage, Stage{"DR3"});
    EXPECT_EQ(*v.next_processing_date, kPrint + std::chrono::days{28});
    EXPECT_FALSE(v.amount_payable_cents);                   // amount left as the officer's change set it
    EXPECT_FALSE(d.effect->audit);
    EXPECT_EQ(d.effect->confirm_change_id, 41);
    // PLUS's changes are manual too
    n.latest_change->source = "PLUS";
    EXPECT_EQ(classify_toppan(n, Stage{"DN1"}, kPrint, kRef, kNow).kind, ToppanKind::manual);
}

TEST(Toppan, SkippedNotFoundMismatchPsCourtAndEndOfChain) {
    auto d = classify_toppan(std::nullopt, Stage{"DN1"}, kPrint, kRef, kNow);
    EXPECT_EQ(d.kind, ToppanKind::skipped);
    EXPECT_EQ(d.skip, ToppanSkip::not_found);
    EXPECT_FALSE(d.effect);
    auto mismatch = classify_toppan(notice("DN2"), Stage{"DN1"}, kPrint, kRef, kNow);
    EXPECT_EQ(mismatch.skip, ToppanSkip::stage_mismatch);
    EXPECT_EQ(mismatch.message, "500500309Q: Current stage mismatch: request DN1, notice DN2");
    auto ps = notice("DN1");
    ps.suspension_type = "PS";
    EXPECT_EQ(classify_toppan(ps, Stage{"DN1"}, kPrint, kRef, kNow).skip, ToppanSkip::ps_blocked);
    EXPECT_EQ(classify_toppan(notice("CRT", "O"), Stage{"CRT"}, kPrint, kRef, kNow).skip, ToppanSkip::court_stage);
    // CFC's default is a court stage: court is CAS's business, not a print run's
    EXPECT_EQ(classify_toppan(notice("CFC", "O"), Stage{"CFC"}, kPrint, kRef, kNow).skip, ToppanSkip::no_next_stage);
}

TEST(Toppan, PendingManualChangeIntoTheStageIsSkippedNotAdvanced) {
    // The officer redirected the notice to the driver (RR3 -> DN1) and its DN1 letter is not printed
    // yet: a DN1 run must not move it on to DN2.
    auto n = notice("DN1");
    n.latest_change = change("RR3", "DN1", at("2025-12-18T15:00:00"));
    auto d = classify_toppan(n, Stage{"DN1"}, kPrint, kRef, kNow);
    EXPECT_EQ(d.kind, ToppanKind::skipped);
    EXPECT_EQ(d.skip, ToppanSkip::pending_manual_change);
    EXPECT_FALSE(d.effect);
    // and a run for another stage is a mismatch
    EXPECT_EQ(classify_toppan(n, Stage{"RD2"}, kPrint, kRef, kNow).skip, ToppanSkip::stage_mismatch);
}

TEST(Toppan, SpecExampleTwoAutomaticOneManual) {
    auto a = notice("DN1");
    auto b = notice("DN1");
    auto m = notice("DN2");
    m.latest_change = change("DN1", "DN2", at("2025-12-18T11:00:00"));
    int automatic = 0, manual = 0, skipped = 0;
    for (const auto& n : {a, b, m}) {
        switch (classify_toppan(n, Stage{"DN1"}, kPrint, kRef, kNow).kind) {
            case ToppanKind::automatic: ++automatic; break;
            case ToppanKind::manual: ++manual; break;
            case ToppanKind::skipped: ++skipped; break;
        }
    }
    EXPECT_EQ(automatic, 2);
    EXPECT_EQ(manual, 1);
    EXPECT_EQ(skipped, 0);
}

// ---- the reference table itself ---------------------------------------------------------------

TEST(StageReferenceTable, OneDefaultPerStageAndNextStageParameterIsThatDefault) {
    for (const auto& s : kStages) {
        const auto defaults = std::ranges::count_if(kMap, [&](const MapCase& m) {
            return m.is_default && std::string(m.from) == s.stage;
        });
        EXPECT_LE(defaults, 1) << s.stage;
        EXPECT_EQ(kRef.default_next(Stage{s.stage}), kRef.next_stage_parameter(Stage{s.stage})) << s.stage;
    }
}

TEST(StageReferenceTable, EveryPreCourtStageHasDaysAndEveryTargetIsAKnownStage) {
    for (const auto& s : kStages) {
        if (s.court) continue;
        EXPECT_TRUE(kRef.stage_days(Stage{s.stage})) << s.stage;
    }
    for (const auto& m : kMap) {
        EXPECT_NE(kRef.stage(Stage{m.from}), nullptr) << m.from;
        EXPECT_NE(kRef.stage(Stage{m.to}), nullptr) << m.to;
        EXPECT_LT(kRef.stage(Stage{m.from})->stage_order, kRef.stage(Stage{m.to})->stage_order)
            << "moves only go forward: " << m.from << "->" << m.to;
    }
}

TEST(StageReferenceTable, EveryPreCourtStageButNpaIsSomeRolesTarget) {
    for (const auto& s : kStages) {
        bool someone = false;
        for (auto r : {OffenderRole::owner, OffenderRole::driver, OffenderRole::hirer, OffenderRole::director})
            someone = someone || kRef.role_allows(r, Stage{s.stage});
        EXPECT_EQ(someone, !s.court && std::string(s.stage) != "NPA") << s.stage;
    }
}

// ---- the seed file equals this table ----------------------------------------------------------

using Tuple = std::vector<std::string>;

// The tuples of the first "VALUES (...), (...)" list after `marker`: quotes removed ('' -> '),
// other tokens (numbers, true/false, NULL) as written.
std::vector<Tuple> values_after(const std::string& sql, std::string_view marker) {
    std::vector<Tuple> out;
    auto pos = sql.find(marker);
    if (pos == std::string::npos) return out;
    pos = sql.find("VALUES", pos);
    if (pos == std::string::npos) return out;
    pos += 6;
    auto skip_ws = [&] {
        while (pos < sql.size() && std::isspace(static_cast<unsigned char>(sql[pos]))) ++pos;
    };
    while (true) {
        skip_ws();
        if (pos >= sql.size() || sql[pos] != '(') break;
        ++pos;
        Tuple t;
        std::string cur;
        bool quoted = false;
        for (; pos < sql.size(); ++pos) {
            char c = sql[pos];
            if (quoted) {
                if (c == '\'' && pos + 1 < sql.size() && sql[pos + 1] == '\'') {
                    cur += '\'';
                    ++pos;
                } else if (c == '\'') {
                    quoted = false;
                } else {
                    cur += c;
                }
            } else if (c == '\'') {
                quoted = true;
            } else if (c == ',' || c == ')') {
                t.push_back(cur);
                cur.clear();
                if (c == ')') break;
            } else if (!std::isspace(static_cast<unsigned char>(c))) {
                cur += c;
            }
        }
        ++pos;
        out.push_back(t);
        skip_ws();
        if (pos < sql.size() && sql[pos] == ',') {
            ++pos;
            continue;
        }
        break;
    }
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in) << path;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string seed_path(std::string_view name) {
    std::string p = OCMS_REFERENCE_SEED;  // .../schemas/seed/0001_reference.sql
    return p.substr(0, p.rfind('/') + 1) + std::string(name);
}

std::int64_t cents(const std::string& s) {
    auto dot = s.find('.');
    std::int64_t whole = std::stoll(s.substr(0, dot));
    std::int64_t frac = dot == std::string::npos ? 0 : std::stoll((s.substr(dot + 1) + "00").substr(0, 2));
    return whole * 100 + frac;
}

TEST(StageSeed, StageMapMatchesThisTable) {
    const auto rows = values_after(read_file(seed_path("0004_stage.sql")), "INSERT INTO stage_map_seed");
    std::set<std::tuple<std::string, std::string, bool, std::int64_t, std::string>> seed, table;
    for (const auto& r : rows) {
        ASSERT_EQ(r.size(), 5u);
        seed.emplace(r[0], r[1], r[2] == "true", cents(r[3]), r[4]);
    }
    for (const auto& m : kMap) table.emplace(m.from, m.to, m.is_default, m.fee_cents, "A");
    EXPECT_EQ(seed, table);
}

TEST(StageSeed, PlusTargetsMatchThisTable) {
    const auto rows = values_after(read_file(seed_path("0004_stage.sql")), "UPDATE ocms_processing_stage");
    std::set<std::pair<std::string, bool>> seed, table;
    for (const auto& r : rows) {
        ASSERT_EQ(r.size(), 2u);
        seed.emplace(r[0], r[1] == "true");
    }
    for (const auto& s : kStages) table.emplace(s.stage, s.plus_may_target);
    EXPECT_EQ(seed, table);
}

TEST(StageSeed, StagesMatch0001) {
    const auto rows = values_after(read_file(OCMS_REFERENCE_SEED), "INSERT INTO ocms_processing_stage");
    std::set<std::tuple<std::string, int, bool>> seed, table;
    for (const auto& r : rows) {
        ASSERT_EQ(r.size(), 4u);
        seed.emplace(r[0], std::stoi(r[2]), r[3] == "true");
    }
    for (const auto& s : kStages) table.emplace(s.stage, s.order, s.court);
    EXPECT_EQ(seed, table);
}

TEST(StageSeed, ParametersMatchThisTable) {
    const auto rows = values_after(read_file(seed_path("0004_stage.sql")), "INSERT INTO ocms_parameter");
    std::map<std::string, std::string> next;
    std::map<std::string, int> days;
    for (const auto& r : rows) {
        ASSERT_EQ(r.size(), 4u);
        if (r[0] == "NEXT_STAGE") next[r[1]] = r[2];
        else if (r[0] == "STAGEDAYS") days[r[1]] = std::stoi(r[2]);
        else ADD_FAILURE() << "unexpected parameter " << r[0];
    }
    EXPECT_EQ(next, kNextStage);
    EXPECT_EQ(days, kStageDays);
}

TEST(StageSeed, StageDaysAgreeWith0001) {
    // 0001_reference.sql seeds STAGEDAYS too and runs first on every start: equal values keep the
    // two files from rewriting each other's rows.
    const auto rows = values_after(read_file(OCMS_REFERENCE_SEED), "INSERT INTO ocms_parameter");
    std::map<std::string, int> days;
    for (const auto& r : rows)
        if (r.size() == 4 && r[0] == "STAGEDAYS") days[r[1]] = std::stoi(r[2]);
    EXPECT_EQ(days, kStageDays);
}

TEST(StageSeed, RoleEligibilityMatchesThisTable) {
    const auto rows = values_after(read_file(seed_path("0004_stage.sql")), "INSERT INTO ocms_stage_offender_role");
    std::map<std::string, std::set<std::string>> seed, table;
    for (const auto& r : rows) {
        ASSERT_EQ(r.size(), 3u);
        EXPECT_EQ(r[2], "A");
        seed[r[0]].insert(r[1]);
    }
    for (const auto& [role, stages] : kRoleStages) table[role] = {stages.begin(), stages.end()};
    EXPECT_EQ(seed, table);
}

}  // namespace
}  // namespace ocms::domain
