#pragma once
// Revival of suspensions (OCMS 19, spec 004): whether one notice's TS or PS may be revived by a
// given channel, with what effect, and whether a looping TS is re-applied afterwards. Pure
// functions, no I/O (DESIGN.md invariant 6). The handler locks the VON row, loads the latest
// unrevived suspension record of the notice's suspension type, the revival reason and the stage
// facts, calls decide_revival, writes the effect, and for a looping code calls decide_apply_ts
// again (the re-apply) with the notice as it is after the revival, in the same transaction.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "core/types.hpp"
#include "domain/messages.hpp"  // revival_message::*
#include "domain/suspension.hpp"

namespace ocms::domain {

// Who asks. The channel decides what is allowed (spec 004 sections 1.1 - 1.5).
enum class RevivalChannel {
    staff,      // POST /staff-revive-suspension (OCMS Staff Portal, source 004)
    plus,       // POST /plus-revive-suspension (PLUS, source 005)
    internal,   // POST /ocms/v1/suspension/apply-revival (other OCMS services, source 004/005)
    hst,        // POST /v1/revive-hst (HST module: the only way to revive TS-HST by hand)
    automatic,  // the daily auto-revival job (reason SPO; only suspensions whose period is over)
};

// Spec 004 section 5.
namespace revival_source {
inline constexpr std::string_view kOcms = "004";
inline constexpr std::string_view kPlus = "005";
}  // namespace revival_source

// The envelope's source for a revivalSource code of apply-revival: 004 -> "OCMS", 005 -> "PLUS";
// nullopt for any other code (the request is refused).
std::optional<std::string_view> source_of_revival_code(std::string_view code);

// The TS codes PLUS may revive (spec 004 section 1.2, "Supported Revival Reason Codes (PLUS)":
// the list names suspension codes, so it limits which suspensions PLUS may lift).
bool plus_may_revive(const ReasonCode& suspension_code);

struct ReviveTs {
    NoticeNo notice_no;
    std::string suspension_type;  // "TS" / "PS"
    ReasonCode revival_reason;
    std::optional<std::string> remarks;
    std::string officer;
    RevivalChannel channel = RevivalChannel::staff;
};

// What the decision needs of the notice (VON) and its stage.
struct RevivalNotice {
    Stage last_processing_stage;
    bool court_stage = false;  // ocms_processing_stage.is_court_stage (CPC and CFC are not)
    std::optional<std::string> suspension_type;
    std::optional<std::string> payment_status;
};

// The latest ocms_suspended_notice record of the notice's suspension type not yet revived.
struct SuspensionRecord {
    long long sr_no = 0;
    std::string suspension_type;
    ReasonCode reason;
    std::optional<TimePoint> due_date_of_revival;
};

// One row of ocms_revival_reason.
struct RevivalReasonRow {
    ReasonCode code;
    std::string description;
    bool active = false;
};

struct ReviveEffect {
    long long sr_no;               // the record to mark revived
    TimePoint date_of_revival;     // now
    TimePoint next_processing_date;  // now + 2 days (spec 004 section 4.1)
    bool refund_identified = false;  // PS-FP revived: the refund date is identified (now)
};

struct ReviveDecision {
    AppCode code;
    std::string message;
    std::optional<ReviveEffect> effect;  // set on OCMS-2000
    // Set when an automatic revival (period over) lifts a TS whose code loops: the handler re-applies it (decide_apply_ts) after
    // the revival, in the same transaction, and words the reply with looping_message().
    std::optional<ReasonCode> loop_code;
};

// The days a revival puts before next_processing_date (spec 004 4.1: now + 2 days), from the
// parameter REVIVAL / NEXT_PROCESSING_DAYS as stored: nullopt when the row is missing or its value
// is not a whole number of days in 0..365 (the appendix's "Next Processing Date missing or corrupt").
std::optional<int> parse_next_processing_days(const std::optional<std::string_view>& stored);

// Order of the checks: type, reason, notice, court stage, suspended at all, PS channel, type
// matches, record, HST channel, PLUS code, period over (automatic only), next processing date
// (OCMS-4005 "Invalid Next Processing Date" when next_processing_days is nullopt), success.
ReviveDecision decide_revival(const ReviveTs& cmd, const std::optional<RevivalNotice>& notice,
                              const std::optional<SuspensionRecord>& record,
                              const std::optional<RevivalReasonRow>& reason, bool code_loops, TimePoint now,
                              std::optional<int> next_processing_days);

// The re-apply of a looping TS after its revival: the same code, source OCMS (the system
// re-applies it), from now. The notice state is the one after the revival (no suspension).
ApplyTs looping_reapply(const ReviveTs& cmd, const ReasonCode& code);

// The daily auto-revival of one notice whose TS period is over (spec 004 section 1.5): a TS
// revived with reason SPO and the remarks "Suspension period is over", on the automatic channel,
// by an OCMS process (envelope source kAutomaticSource) in the name of the job's officer.
inline constexpr std::string_view kAutomaticSource = source::kOcms;
ReviveTs automatic_revival(NoticeNo notice, std::string officer);

// Reviving a TS-HST through the HST module ends the tenant's entry in the HST register
// (ocms_hst) once none of the tenant's notices is under TS-HST any more; any other channel
// leaves the register alone. `open_hst_notices`: the tenant's notices still under TS-HST after
// this revival.
bool hst_register_entry_ends(const ReviveTs& cmd, long long open_hst_notices);

// The reply's message after a looping re-apply: "TS revived and looping TS-CLV re-applied", or
// "TS revived; Looping TS-CLV failed: <why>" when the re-apply was refused (the revival stands).
std::string looping_message(const ReasonCode& code, const TsDecision& reapply);

}  // namespace ocms::domain
