#include "domain/stage.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>

namespace ocms::domain {

namespace {

// The one table of codes (docs/decisions.md "Codes: one table"). Spec 003 words the eligibility
// faults three ways: OCMS.CPS.SEARCH.X (search example), OCMS.CPS.X (validate example) and
// OCMS.CPS.ELIG.X (error table, used by submit and PLUS). Faults outside the ELIG family have one
// code everywhere. Search never meets the request-level faults; its column repeats the
// search-prefixed form for completeness.
struct ReasonRow {
    StageReason reason;
    std::string_view search;
    std::string_view validate;
    std::string_view submit;  // also PLUS
    int http;
    AppCode app_code;
};

constexpr AppCode kAppNotFound{"OCMS-4001"};
constexpr AppCode kAppBusiness{"OCMS-4002"};
constexpr AppCode kAppBadRequest{"OCMS-4000"};
constexpr AppCode kAppPlusTarget{"OCMS-4004"};

constexpr std::array<ReasonRow, 10> kReasons{{
    {StageReason::not_found, "OCMS.CPS.NOT_FOUND", "OCMS.CPS.NOT_FOUND", "OCMS.CPS.NOT_FOUND", 404, kAppNotFound},
    {StageReason::court_stage, "OCMS.CPS.SEARCH.COURT_STAGE", "OCMS.CPS.COURT_STAGE", "OCMS.CPS.ELIG.COURT_STAGE", 422,
     kAppBusiness},
    {StageReason::ps_blocked, "OCMS.CPS.SEARCH.PS_BLOCKED", "OCMS.CPS.PS_BLOCKED", "OCMS.CPS.ELIG.PS_BLOCKED", 422,
     kAppBusiness},
    {StageReason::stage_mismatch, "OCMS.CPS.SEARCH.STAGE_MISMATCH", "OCMS.CPS.STAGE_MISMATCH",
     "OCMS.CPS.ELIG.STAGE_MISMATCH", 422, kAppBusiness},
    {StageReason::role_conflict, "OCMS.CPS.SEARCH.ROLE_CONFLICT", "OCMS.CPS.ROLE_CONFLICT",
     "OCMS.CPS.ELIG.ROLE_CONFLICT", 422, kAppBusiness},
    {StageReason::remarks_required, stage_code::kRemarksRequired, stage_code::kRemarksRequired,
     stage_code::kRemarksRequired, 422, kAppBadRequest},
    {StageReason::transition_not_allowed, "OCMS-4000", "OCMS-4000", "OCMS-4000", 422, kAppBadRequest},
    {StageReason::plus_target_not_allowed, "OCMS-4004", "OCMS-4004", "OCMS-4004", 422, kAppPlusTarget},
    {StageReason::ineligible_stage, "OCMS.CPS.SEARCH.INELIGIBLE_STAGE", "OCMS.CPS.INELIGIBLE_STAGE",
     "OCMS.CPS.ELIG.INELIGIBLE_STAGE", 422, kAppBusiness},
    // A warning is an answer, not an error: HTTP 200; it is not applied, so the reply's appCode
    // is a refusal (and the batch counts it as failed, as spec 2.3 says).
    {StageReason::existing_change_today, "OCMS.CPS.SEARCH.EXISTING_CHANGE_TODAY", "OCMS.CPS.EXISTING_CHANGE_TODAY",
     "OCMS.CPS.ELIG.EXISTING_CHANGE_TODAY", 200, kAppBusiness},
}};

const ReasonRow& row_of(StageReason r) {
    for (const auto& row : kReasons)
        if (row.reason == r) return row;
    return kReasons.front();  // unreachable: every enumerator has a row (tested)
}

StageDecision refuse(StageReason r, const ChangeStage& cmd, std::string message) {
    StageDecision d;
    d.outcome = r == StageReason::existing_change_today ? ChangeOutcome::warning : ChangeOutcome::failed;
    d.reason = r;
    d.code = std::string(reason_code(r, cmd.api));
    d.message = std::move(message);
    d.app_code = reason_app_code(r);
    return d;
}

bool blank(const std::optional<std::string>& s) {
    return !s || std::ranges::all_of(*s, [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

bool is_court(const Stage& s, const StageReference& ref) {
    const auto* row = ref.stage(s);
    return row != nullptr && row->court;
}

bool plus_may_target(const Stage& s, const StageReference& ref) {
    const auto* row = ref.stage(s);
    return row == nullptr || row->plus_may_target;  // unknown stages fail on the stage map instead
}

std::optional<int> parse_days(std::string_view v) {
    int n = 0;
    auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (r.ec != std::errc{} || r.ptr != v.data() + v.size() || n < 0) return std::nullopt;
    return n;
}

}  // namespace

// ---- roles ------------------------------------------------------------------------------------

std::optional<OffenderRole> parse_offender_role(std::string_view s) {
    if (s == "O" || s == "OWNER") return OffenderRole::owner;
    if (s == "D" || s == "DRIVER") return OffenderRole::driver;
    if (s == "H" || s == "HIRER") return OffenderRole::hirer;
    if (s == "DIR" || s == "DIRECTOR") return OffenderRole::director;
    return std::nullopt;
}

std::string_view onod_indicator(OffenderRole r) {
    switch (r) {
        case OffenderRole::owner: return "O";
        case OffenderRole::driver: return "D";
        case OffenderRole::hirer: return "H";
        case OffenderRole::director: return "DIR";
    }
    return "O";
}

std::string_view role_name(OffenderRole r) {
    switch (r) {
        case OffenderRole::owner: return "OWNER";
        case OffenderRole::driver: return "DRIVER";
        case OffenderRole::hirer: return "HIRER";
        case OffenderRole::director: return "DIRECTOR";
    }
    return "OWNER";
}

std::optional<OffenderRole> current_offender_role(std::span<const OffenderRow> offenders) {
    const OffenderRow* current = nullptr;
    for (const auto& o : offenders) {
        if (!o.current_offender) continue;
        if (current != nullptr) return std::nullopt;  // more than one current offender
        current = &o;
    }
    if (current == nullptr) return std::nullopt;
    return parse_offender_role(current->owner_driver_indicator);
}

// ---- reference lookups ------------------------------------------------------------------------

const StageRow* StageReference::stage(const Stage& s) const {
    for (const auto& row : stages)
        if (row.stage == s) return &row;
    return nullptr;
}

const StageMapRow* StageReference::transition(const Stage& from, const Stage& to) const {
    for (const auto& row : map)
        if (row.active && row.current_stage == from && row.next_stage == to) return &row;
    return nullptr;
}

std::optional<Stage> StageReference::default_next(const Stage& from) const {
    for (const auto& row : map)
        if (row.active && row.is_default && row.current_stage == from) return row.next_stage;
    return std::nullopt;
}

bool StageReference::role_allows(OffenderRole role, const Stage& target) const {
    return std::ranges::any_of(roles, [&](const RoleStageRow& r) { return r.role == role && r.stage == target; });
}

std::optional<Stage> StageReference::next_stage_parameter(const Stage& s) const {
    for (const auto& p : parameters)
        if (p.parameter_id == parameter::kNextStage && p.code == s.value()) return Stage{p.value};
    return std::nullopt;
}

std::optional<int> StageReference::stage_days(const Stage& s) const {
    for (const auto& p : parameters)
        if (p.parameter_id == parameter::kStageDays && p.code == s.value()) return parse_days(p.value);
    return std::nullopt;
}

// ---- codes and messages -----------------------------------------------------------------------

std::string_view reason_code(StageReason r, StageApi api) {
    const auto& row = row_of(r);
    switch (api) {
        case StageApi::search: return row.search;
        case StageApi::validate: return row.validate;
        case StageApi::submit:
        case StageApi::plus: return row.submit;
    }
    return row.submit;
}

int stage_http_status(std::string_view code) {
    for (const auto& row : kReasons)
        if (code == row.search || code == row.validate || code == row.submit) return row.http;
    if (code == stage_code::kInvalidFormat || code == stage_code::kMissingData) return 400;
    if (code == stage_code::kUnexpected) return 500;
    return 200;
}

bool remarks_missing(const std::optional<std::string>& reason, const std::optional<std::string>& remarks) {
    return reason && *reason == "OTH" && blank(remarks);
}
AppCode reason_app_code(StageReason r) { return row_of(r).app_code; }

std::string transition_message(const Stage& from, const Stage& to) {
    return "Stage transition not allowed: " + from.value() + " -> " + to.value();
}
std::string plus_target_message(const Stage& to) { return to.value() + " not allowed from PLUS"; }
std::string existing_change_message(const NoticeNo& n) {
    return "Notice No. " + n.value() + " has existing stage change update. Please confirm to proceed.";
}
std::string ineligible_stage_message(const Stage& to, OffenderRole role) {
    return "Stage " + to.value() + " not allowed for role " + std::string(role_name(role));
}
std::string stage_mismatch_message(const Stage& stated, const Stage& actual) {
    return "Current stage mismatch: request " + stated.value() + ", notice " + actual.value();
}
std::string eligible_message(const Stage& to) { return "Eligible for stage change to " + to.value(); }

// ---- the VON update ---------------------------------------------------------------------------

VonStageUpdate von_stage_update(const StageNotice& notice, const Stage& new_stage, const StageReference& ref,
                                TimePoint effective, bool recompute_amount) {
    VonStageUpdate u;
    u.prev_processing_stage = notice.last_processing_stage;
    u.prev_processing_date = notice.last_processing_date;
    u.last_processing_stage = new_stage;
    u.last_processing_date = effective;
    u.next_processing_stage = ref.next_stage_parameter(new_stage);
    if (auto days = ref.stage_days(new_stage)) u.next_processing_date = effective + std::chrono::days{*days};
    if (recompute_amount && notice.composition_amount_cents) {
        if (const auto* t = ref.transition(notice.last_processing_stage, new_stage))
            u.amount_payable_cents = *notice.composition_amount_cents + t->admin_fee_cents;
    }
    return u;
}

// ---- manual change ----------------------------------------------------------------------------

std::optional<Stage> derive_new_stage(const Stage& current, const StageReference& ref) {
    return ref.default_next(current);
}

StageDecision decide_stage_change(const ChangeStage& cmd, const std::optional<StageNotice>& notice,
                                  const StageReference& ref, TimePoint now) {
    const bool from_plus = cmd.source == change_source::kPlus;

    // 1. The request: the same answer for every notice of it.
    if (remarks_missing(cmd.reason, cmd.remarks))
        return refuse(StageReason::remarks_required, cmd, std::string(stage_message::kRemarksRequired));
    if (from_plus && cmd.new_stage && !plus_may_target(*cmd.new_stage, ref))
        return refuse(StageReason::plus_target_not_allowed, cmd, plus_target_message(*cmd.new_stage));

    // 2. The notice as it is: found, not in court, no PS, where the caller thinks it is.
    if (!notice) return refuse(StageReason::not_found, cmd, std::string(stage_message::kNotFound));
    const Stage& current = notice->last_processing_stage;
    auto with_stages = [&](StageDecision d, const std::optional<Stage>& target) {
        d.previous_stage = current;
        d.new_stage = target;
        return d;
    };
    if (is_court(current, ref))
        return with_stages(refuse(StageReason::court_stage, cmd, std::string(stage_message::kCourtStage)), cmd.new_stage);
    if (notice->suspension_type == "PS")
        return with_stages(refuse(StageReason::ps_blocked, cmd, std::string(stage_message::kPsBlocked)), cmd.new_stage);
    if (cmd.current_stage && *cmd.current_stage != current)
        return with_stages(refuse(StageReason::stage_mismatch, cmd, stage_mismatch_message(*cmd.current_stage, current)),
                           cmd.new_stage);

    // 3. The offender: exactly one current ONOD row, and the caller's role (if sent) is that one.
    const auto role = current_offender_role(notice->offenders);
    if (!role)
        return with_stages(refuse(StageReason::role_conflict, cmd, std::string(stage_message::kRoleConflict)),
                           cmd.new_stage);
    if (cmd.offender_type && parse_offender_role(*cmd.offender_type) != role)
        return with_stages(refuse(StageReason::role_conflict, cmd, std::string(stage_message::kRoleConflict)),
                           cmd.new_stage);

    // 4. The target: named, or the stage map's default; a move the map has; one the role may take.
    std::optional<Stage> target = cmd.new_stage ? cmd.new_stage : derive_new_stage(current, ref);
    if (!target)
        return with_stages(refuse(StageReason::transition_not_allowed, cmd, transition_message(current, Stage{"-"})),
                           std::nullopt);
    if (from_plus && !plus_may_target(*target, ref))
        return with_stages(refuse(StageReason::plus_target_not_allowed, cmd, plus_target_message(*target)), target);
    if (ref.transition(current, *target) == nullptr)
        return with_stages(refuse(StageReason::transition_not_allowed, cmd, transition_message(current, *target)),
                           target);
    if (!ref.role_allows(*role, *target))
        return with_stages(refuse(StageReason::ineligible_stage, cmd, ineligible_stage_message(*target, *role)), target);

    // 5. A second change on the same Singapore day: the staff portal asks the officer to confirm.
    if (cmd.source == change_source::kOcms && !cmd.is_confirmation && notice->latest_change &&
        singapore_day(notice->latest_change->date_of_change) == singapore_day(now))
        return with_stages(refuse(StageReason::existing_change_today, cmd, existing_change_message(notice->notice_no)),
                           target);

    // 6. Eligible: validate answers, submit and PLUS change the notice.
    StageDecision ok;
    ok.outcome = ChangeOutcome::updated;
    ok.code = std::string(codes::kSuccess.str());
    ok.message = cmd.api == StageApi::validate ? eligible_message(*target) : std::string(stage_message::kSuccess);
    ok.app_code = codes::kSuccess;
    ok.previous_stage = current;
    ok.new_stage = target;
    if (cmd.api == StageApi::validate) return ok;

    StageChangeEffect effect;
    effect.von = von_stage_update(*notice, *target, ref, cmd.new_stage_date.value_or(now), true);
    effect.audit = ChangeOfProcessingRow{notice->notice_no, current,     *target,    cmd.reason,
                                         cmd.remarks,       now,         cmd.officer, cmd.source,
                                         cmd.dh_mha_check,  std::nullopt};
    ok.effect = std::move(effect);
    return ok;
}

// ---- search -----------------------------------------------------------------------------------

SearchVerdict search_eligibility(const StageNotice& notice, const StageReference& ref) {
    auto no = [](StageReason r, std::string message) {
        return SearchVerdict{false, r, std::string(reason_code(r, StageApi::search)), std::move(message)};
    };
    const Stage& current = notice.last_processing_stage;
    if (is_court(current, ref)) return no(StageReason::court_stage, std::string(stage_message::kCourtStage));
    if (notice.suspension_type == "PS") return no(StageReason::ps_blocked, std::string(stage_message::kPsBlocked));
    const auto role = current_offender_role(notice.offenders);
    if (!role) return no(StageReason::role_conflict, std::string(stage_message::kRoleConflict));
    const bool any_move = std::ranges::any_of(ref.map, [&](const StageMapRow& t) {
        return t.active && t.current_stage == current && ref.role_allows(*role, t.next_stage);
    });
    if (!any_move)
        return no(StageReason::ineligible_stage,
                  "No stage allowed for role " + std::string(role_name(*role)) + " after " + current.value());
    return SearchVerdict{};
}

// ---- Toppan -----------------------------------------------------------------------------------

bool has_pending_manual_change(const StageNotice& notice) {
    if (!notice.latest_change) return false;
    const auto& c = *notice.latest_change;
    return (c.source == change_source::kOcms || c.source == change_source::kPlus) && !c.toppan_processed_date &&
           c.new_processing_stage == notice.last_processing_stage;
}

ToppanDecision classify_toppan(const std::optional<StageNotice>& notice, const Stage& current_stage,
                               TimePoint processing_date, const StageReference& ref, TimePoint now) {
    auto skip = [](ToppanSkip why, std::string message) {
        return ToppanDecision{ToppanKind::skipped, why, std::move(message), std::nullopt};
    };
    if (!notice) return skip(ToppanSkip::not_found, std::string(stage_message::kNotFound));
    const std::string prefix = notice->notice_no.value() + ": ";
    const Stage& stage = notice->last_processing_stage;
    if (is_court(stage, ref)) return skip(ToppanSkip::court_stage, prefix + std::string(stage_message::kCourtStage));
    if (notice->suspension_type == "PS")
        return skip(ToppanSkip::ps_blocked, prefix + std::string(stage_message::kPsBlocked));

    if (has_pending_manual_change(*notice)) {
        const auto& change = *notice->latest_change;
        if (change.last_processing_stage != current_stage)
            return skip(stage == current_stage ? ToppanSkip::pending_manual_change : ToppanSkip::stage_mismatch,
                        prefix + "manual stage change " + change.last_processing_stage.value() + " -> " +
                            change.new_processing_stage.value() + " is not from " + current_stage.value());
        // Manual: the officer moved the notice and set its amount; the printed letter dates the stage.
        StageChangeEffect effect;
        effect.von = von_stage_update(*notice, stage, ref, processing_date, false);
        effect.von.prev_processing_stage = notice->prev_processing_stage;  // the stage itself does not move
        effect.von.prev_processing_date = notice->prev_processing_date;
        effect.confirm_change_id = change.change_id;
        return ToppanDecision{ToppanKind::manual, std::nullopt, {}, std::move(effect)};
    }

    if (stage != current_stage)
        return skip(ToppanSkip::stage_mismatch, prefix + stage_mismatch_message(current_stage, stage));
    const auto next = ref.default_next(stage);
    if (!next || is_court(*next, ref))
        return skip(ToppanSkip::no_next_stage, prefix + "no next stage after " + stage.value());

    StageChangeEffect effect;
    effect.von = von_stage_update(*notice, *next, ref, processing_date, true);
    effect.audit = ChangeOfProcessingRow{notice->notice_no,
                                         stage,
                                         *next,
                                         std::nullopt,
                                         std::nullopt,
                                         now,
                                         std::string(kSystemOfficer),
                                         std::string(change_source::kSystem),
                                         false,
                                         processing_date};
    return ToppanDecision{ToppanKind::automatic, std::nullopt, {}, std::move(effect)};
}

}  // namespace ocms::domain
