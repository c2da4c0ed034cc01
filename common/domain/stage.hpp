#pragma once
// Change of processing stage (OCMS 15, spec 003): whether one notice may move to another stage,
// which stage that is when the caller names none, what the move writes (VON fields and the
// ocms_change_of_processing audit row), and how a Toppan print run's notices are classified.
// Pure functions over plain structs, no I/O, no clock (DESIGN.md invariant 6): the handler locks
// the VON row, loads its ONOD rows and its latest ocms_change_of_processing row, passes the
// reference data (stages, stage map, role eligibility, NEXT_STAGE / STAGEDAYS parameters) as
// rows, and the command's "now". Thread-safe: no state.
// Order of the checks, the code mapping, the amounts and every choice the spec left open:
// docs/decisions.md "Change of processing stage".
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "core/types.hpp"
#include "domain/messages.hpp"  // stage_message::*

namespace ocms::domain {

// ---- reference data (rows of the tables, loaded by the handler) -----------------------------

// The offender's role, from ONOD.owner_driver_indicator (O, D, H, DIR).
enum class OffenderRole { owner, driver, hirer, director };

// ONOD indicator ("O", "D", "H", "DIR"), the validate API's offenderType ("OWNER", "DRIVER",
// "HIRER", "DIRECTOR") or PLUS's offenceType ("O", "D", "H", "DIR"). Exact upper case only.
std::optional<OffenderRole> parse_offender_role(std::string_view s);
std::string_view onod_indicator(OffenderRole r);  // "O" / "D" / "H" / "DIR"
std::string_view role_name(OffenderRole r);       // "OWNER" / "DRIVER" / "HIRER" / "DIRECTOR"

// One ocms_processing_stage row.
struct StageRow {
    Stage stage;
    int stage_order = 0;
    bool court = false;            // is_court_stage
    bool plus_may_target = true;   // false: PLUS may not move a notice to it (CFC: OCMS-4004)
};

// One ocms_stage_map row: an allowed move, the one the daily run takes (is_default), and the
// administration fee the notice owes on arriving through it (amount_payable =
// composition_amount + admin_fee).
struct StageMapRow {
    Stage current_stage;
    Stage next_stage;
    bool is_default = false;
    std::int64_t admin_fee_cents = 0;
    bool active = true;  // status = 'A'
};

// One active ocms_stage_offender_role row: the role may be moved to the stage.
struct RoleStageRow {
    OffenderRole role = OffenderRole::owner;
    Stage stage;
};

// One ocms_parameter row of the families the stage change reads: ('NEXT_STAGE', <stage>,
// <next stage>) and ('STAGEDAYS', <stage>, <days>). Other families are ignored.
struct ParameterRow {
    std::string parameter_id;
    std::string code;
    std::string value;
};

namespace parameter {
inline constexpr std::string_view kNextStage = "NEXT_STAGE";
inline constexpr std::string_view kStageDays = "STAGEDAYS";
}  // namespace parameter

// Everything the rules read besides the notice. Lookups are linear: the tables have tens of rows.
struct StageReference {
    std::vector<StageRow> stages;
    std::vector<StageMapRow> map;
    std::vector<RoleStageRow> roles;
    std::vector<ParameterRow> parameters;

    const StageRow* stage(const Stage& s) const;
    const StageMapRow* transition(const Stage& from, const Stage& to) const;  // active rows only
    std::optional<Stage> default_next(const Stage& from) const;              // the active default row
    bool role_allows(OffenderRole role, const Stage& target) const;
    std::optional<Stage> next_stage_parameter(const Stage& s) const;         // NEXT_STAGE_<s>
    std::optional<int> stage_days(const Stage& s) const;                     // STAGEDAYS <s>
};

// ---- the notice -------------------------------------------------------------------------------

// One ONOD row of the notice.
struct OffenderRow {
    std::string owner_driver_indicator;  // "O", "D", "H", "DIR"
    bool current_offender = false;       // offender_indicator = 'Y'
    std::optional<std::string> entity_type;
};

// Values of ocms_change_of_processing.source.
namespace change_source {
inline constexpr std::string_view kOcms = "OCMS";      // staff portal
inline constexpr std::string_view kPlus = "PLUS";
inline constexpr std::string_view kSystem = "SYSTEM";  // Toppan run, other OCMS jobs
}  // namespace change_source

// The notice's latest ocms_change_of_processing row (highest date_of_change, then change_id).
struct ChangeRecord {
    std::int64_t change_id = 0;
    TimePoint date_of_change;
    Stage last_processing_stage;
    Stage new_processing_stage;
    std::string source;                          // change_source::*
    std::optional<TimePoint> toppan_processed_date;  // set once Toppan printed the letter of it
};

// The VON row (locked), its ONOD rows and its latest change. Money in integer cents.
struct StageNotice {
    NoticeNo notice_no;
    Stage last_processing_stage;
    std::optional<TimePoint> last_processing_date;
    std::optional<Stage> prev_processing_stage;
    std::optional<TimePoint> prev_processing_date;
    std::optional<Stage> next_processing_stage;
    std::optional<TimePoint> next_processing_date;
    std::optional<std::string> suspension_type;  // "TS", "PS" or none
    std::int64_t amount_payable_cents = 0;
    std::optional<std::int64_t> composition_amount_cents;
    std::vector<OffenderRow> offenders;
    std::optional<ChangeRecord> latest_change;
};

// ---- results and codes ------------------------------------------------------------------------

// Which API asks: the spec words the same fault differently per API (one table in stage.cpp).
enum class StageApi { search, validate, submit, plus };

// Every reason a stage change is refused or held back.
enum class StageReason {
    not_found,               // VON not found
    court_stage,             // current stage is a court stage
    ps_blocked,              // permanent suspension active
    stage_mismatch,          // the caller's currentStage / lastStageName is not the notice's (project's code)
    role_conflict,           // no current offender, more than one, or the caller's role contradicts ONOD
    remarks_required,        // reason OTH without remarks
    transition_not_allowed,  // (current, new) not an active stage map row; or no default to derive
    plus_target_not_allowed, // PLUS asks for a stage it may not set (CFC)
    ineligible_stage,        // the new stage is not allowed for the offender's role
    existing_change_today,   // a change on this Singapore day already (staff portal, not confirmed)
};

enum class ChangeOutcome { updated, failed, warning };

// The spec's code for a reason as the given API words it, and the platform appCode
// (^OCMS-[0-9]{4}$, the reply and outcome schemas) the worker replies with.
std::string_view reason_code(StageReason r, StageApi api);
AppCode reason_app_code(StageReason r);

// Spec 003 section 3's codes outside the reasons: a request the rules cannot read, and a fault.
namespace stage_code {
inline constexpr std::string_view kInvalidFormat = "OCMS.CPS.INVALID_FORMAT";  // HTTP 400
inline constexpr std::string_view kMissingData = "OCMS.CPS.MISSING_DATA";      // HTTP 400
inline constexpr std::string_view kRemarksRequired = "OCMS.CPS.REMARKS_REQUIRED";  // a reason's (422)
inline constexpr std::string_view kUnexpected = "OCMS.CPS.UNEXPECTED";         // HTTP 500
}  // namespace stage_code

// The HTTP status of a spec 003 code, whichever API words it (the one mapping: the worker's
// reply carries the code, the edge asks here): a reason's status (404, 422, or 200 for the
// change-today warning), 400 for INVALID_FORMAT and MISSING_DATA, 500 for UNEXPECTED, 200 for
// anything else (OCMS-2000).
int stage_http_status(std::string_view code);

// Reason OTH needs remarks that are not blank (spec 003 2.2 and 2.3): the edge refuses a
// validate request on it, the worker a change.
bool remarks_missing(const std::optional<std::string>& reason, const std::optional<std::string>& remarks);

// "Stage transition not allowed: DN1 -> CFC", "CFC not allowed from PLUS", "Notice No. X has
// existing stage change update. Please confirm to proceed.", "Stage DN1 not allowed for role
// OWNER", "Current stage mismatch: request DN1, notice DN2", "Eligible for stage change to DN2".
std::string transition_message(const Stage& from, const Stage& to);
std::string plus_target_message(const Stage& to);
std::string existing_change_message(const NoticeNo& n);
std::string ineligible_stage_message(const Stage& to, OffenderRole role);
std::string stage_mismatch_message(const Stage& stated, const Stage& actual);
std::string eligible_message(const Stage& to);

// ---- effects ----------------------------------------------------------------------------------

// The VON fields a stage change writes (spec 003 section 4, "VON Update Mapping"). Every field is
// written; amount_payable_cents nullopt means "leave amount_payable as it is".
struct VonStageUpdate {
    std::optional<Stage> prev_processing_stage;
    std::optional<TimePoint> prev_processing_date;
    Stage last_processing_stage;
    TimePoint last_processing_date;
    std::optional<Stage> next_processing_stage;     // NEXT_STAGE_<last>; none if no parameter
    std::optional<TimePoint> next_processing_date;  // last date + STAGEDAYS <last>; none if no parameter
    std::optional<std::int64_t> amount_payable_cents;
};

// The ocms_change_of_processing row (spec 003 section 4, "Request to Database").
struct ChangeOfProcessingRow {
    NoticeNo notice_no;
    Stage last_processing_stage;
    Stage new_processing_stage;
    std::optional<std::string> reason_of_change;
    std::optional<std::string> remarks;
    TimePoint date_of_change;
    std::string authorised_officer;
    std::string source;  // change_source::*
    bool dh_mha_check = false;
    std::optional<TimePoint> toppan_processed_date;
};

struct StageChangeEffect {
    VonStageUpdate von;
    std::optional<ChangeOfProcessingRow> audit;  // none for a Toppan "manual" confirmation
    // Toppan "manual": the change_id whose toppan_processed_date the handler sets.
    std::optional<std::int64_t> confirm_change_id;
};

// The move itself: prev <- old last, last <- new_stage at `effective`, next stage from
// NEXT_STAGE_<new_stage>, next date = effective + STAGEDAYS <new_stage> days (Singapore days: a
// fixed UTC+8 offset, so N x 24 h), amount = composition_amount + the transition's admin fee
// (unchanged when recompute_amount is false, the notice has no composition amount, or the move
// is not a map row).
VonStageUpdate von_stage_update(const StageNotice& notice, const Stage& new_stage, const StageReference& ref,
                                TimePoint effective, bool recompute_amount);

// ---- manual change: validate, submit, PLUS ----------------------------------------------------

// One notice of a validate / submit / PLUS request.
struct ChangeStage {
    NoticeNo notice_no;
    StageApi api = StageApi::submit;
    std::string source = std::string(change_source::kOcms);  // change_source::*
    std::optional<Stage> new_stage;      // absent: derived from the stage map (spec 2.3)
    std::optional<Stage> current_stage;  // validate's currentStage / PLUS's lastStageName, if sent
    std::optional<std::string> offender_type;  // validate's offenderType / PLUS's offenceType, if sent
    std::optional<std::string> reason;         // reasonOfChange / reason
    std::optional<std::string> remarks;        // remarks / remark
    std::string officer;
    bool dh_mha_check = false;
    bool is_confirmation = false;
    std::optional<TimePoint> new_stage_date;  // PLUS's newStageDate: the new last_processing_date
};

struct StageDecision {
    ChangeOutcome outcome = ChangeOutcome::failed;
    std::optional<StageReason> reason;  // none when updated
    std::string code;                   // the spec's code for the API; "OCMS-2000" when updated
    std::string message;
    AppCode app_code;                   // the reply's appCode
    std::optional<Stage> previous_stage;  // set once the notice is known
    std::optional<Stage> new_stage;       // set once the target is known
    std::optional<StageChangeEffect> effect;  // updated, and not the validate API
};

// The stage of a notice whose caller named none: the default stage map row of its current stage.
std::optional<Stage> derive_new_stage(const Stage& current, const StageReference& ref);

// The offender's role from ONOD: exactly one row with offender_indicator 'Y'. nullopt when there
// is none, more than one, or its indicator is unknown.
std::optional<OffenderRole> current_offender_role(std::span<const OffenderRow> offenders);

// Order of the checks: remarks, PLUS target (when named), notice found, court stage, PS,
// stated current stage, role, derived target (+ PLUS target), stage map, role eligibility,
// change today (staff portal only, unless confirmed), success.
StageDecision decide_stage_change(const ChangeStage& cmd, const std::optional<StageNotice>& notice,
                                  const StageReference& ref, TimePoint now);

// ---- search -----------------------------------------------------------------------------------

struct SearchVerdict {
    bool eligible = true;
    std::optional<StageReason> reason;
    std::string code;  // OCMS.CPS.SEARCH.*; empty when eligible
    std::string message;
};

// A found notice in the search result: court stage, PS, role, then "no stage the role may be
// moved to from here" (ineligible_stage).
SearchVerdict search_eligibility(const StageNotice& notice, const StageReference& ref);

// ---- Toppan -----------------------------------------------------------------------------------

enum class ToppanKind { automatic, manual, skipped };
enum class ToppanSkip { not_found, court_stage, ps_blocked, stage_mismatch, pending_manual_change, no_next_stage };

struct ToppanDecision {
    ToppanKind kind = ToppanKind::skipped;
    std::optional<ToppanSkip> skip;
    std::string message;  // for the response's errors list when skipped
    std::optional<StageChangeEffect> effect;
};

// A manual change (staff portal or PLUS) whose letter Toppan has not printed yet and that is
// still the notice's stage.
bool has_pending_manual_change(const StageNotice& notice);

// One notice of a Toppan run that printed the letters of the notices at `current_stage`:
// - automatic: at current_stage, no pending manual change: moved to the default next stage with
//   the amount of that transition; audit row source SYSTEM, officer SYSTEM;
// - manual: a pending manual change out of current_stage (the officer already moved the notice
//   and set its amount): the letter date becomes the stage date (last_processing_date,
//   next_processing_date), stage and amount unchanged, the change is marked printed;
// - skipped: not found, court stage, PS, pending manual change into current_stage, another
//   stage, or no default next stage.
ToppanDecision classify_toppan(const std::optional<StageNotice>& notice, const Stage& current_stage,
                               TimePoint processing_date, const StageReference& ref, TimePoint now);

inline constexpr std::string_view kSystemOfficer = "SYSTEM";

}  // namespace ocms::domain
