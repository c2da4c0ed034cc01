#pragma once
// Temporary suspension (OCMS 17, spec 002): the rules that decide whether a TS may be applied
// to one notice, and with what revival date. Pure functions over plain structs, no I/O
// (DESIGN.md invariant 6): the handler loads the notice (locked FOR UPDATE) and every
// ocms_suspension_reason row of the code joined with its ocms_suspension_reason_rule, calls
// decide_apply_ts with the clock's "now", and writes TsDecision::effect if there is one.
// Thread-safe: no state. The order of the checks is documented in docs/decisions.md.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "core/types.hpp"
#include "domain/messages.hpp"  // ts_message::*

namespace ocms::domain {

// Values of ocms_suspension_reason.suspension_source / ApplyTs::source.
namespace source {
inline constexpr std::string_view kStaffPortal = "OCMS_FE";
inline constexpr std::string_view kPlus = "PLUS";
inline constexpr std::string_view kOcms = "OCMS";  // internal OCMS systems (scheduler, other backends)
}  // namespace source

// What the decision needs of a notice: its VON row plus the reason of its latest
// ocms_suspended_notice record. Money in integer cents.
struct NoticeState {
    NoticeNo notice_no;
    Stage last_processing_stage;
    std::optional<std::string> suspension_type;        // "TS", "PS" or none
    std::optional<ReasonCode> reason_of_suspension;    // of the latest suspension record
    std::optional<TimePoint> due_date_of_revival;
    long long amount_payable_cents = 0;
    long long amount_paid_cents = 0;
    std::optional<std::string> payment_status;         // "FP", "PP" or none
};

// One ocms_suspension_reason row joined with its ocms_suspension_reason_rule row.
struct SuspensionReasonRow {
    std::string suspension_type;  // "TS" / "PS"
    ReasonCode code;
    std::string source;           // "OCMS_FE" | "PLUS" | "OCMS"
    std::string description;
    int no_of_days_for_revival = 0;
    bool active = false;          // status = 'A'
    bool looping = false;
    std::vector<Stage> allowed_stages;
};

// The command: apply a TS to one notice (staff portal, PLUS or an internal system).
struct ApplyTs {
    NoticeNo notice_no;
    std::string suspension_type;
    ReasonCode reason;
    std::optional<std::string> remarks;
    std::string officer;
    std::string source;  // "OCMS_FE" | "PLUS" | "OCMS"
    std::optional<TimePoint> date_of_suspension;  // PLUS sends it; otherwise "now"
    bool checking = false;                        // dry run: decide, change nothing
};

// What the handler writes on success: VON (suspension_type 'TS', due date, is_sync 'N'), the
// internet-zone copy, and a new ocms_suspended_notice row.
struct TsEffect {
    TimePoint date_of_suspension;
    TimePoint due_date_of_revival;
    std::string recorded_source;  // value for ocms_suspended_notice.suspension_source
};

struct TsDecision {
    AppCode code;
    std::string message;
    std::optional<TsEffect> effect;  // set only on OCMS-2000 and not checking
    // OCMS-2000: the new revival date (also when checking); OCMS-2001: the notice's existing,
    // later revival date; errors: none.
    std::optional<TimePoint> due_date_of_revival;
};

// rows: every ocms_suspension_reason row (any source, any status) for (cmd.suspension_type,
// cmd.reason), joined with its rule; rows of other types or codes are ignored.
TsDecision decide_apply_ts(const ApplyTs& cmd, const std::optional<NoticeState>& notice,
                           std::span<const SuspensionReasonRow> rows, TimePoint now);

// A notice with any payment: amount_paid > 0 or payment_status FP / PP.
bool is_paid(const NoticeState& notice);

// date_of_suspension + N days (fixed UTC+8, so N days is N * 24 h and keeps the local time).
TimePoint revival_due_date(TimePoint date_of_suspension, int no_of_days_for_revival);

// A caller that names the source it speaks for (PLUS's suspension_source, spec 002 API 5) may
// name only its own: PLUS sending "OCMS_FE" is refused with ts_message::kSourceNotAuthorized
// before anything is published. Absent: the caller's own.
bool claimed_source_allowed(const std::optional<std::string>& claimed, std::string_view caller_source);

// ocms_suspended_notice.suspension_source for a caller: "PLUS" for PLUS, "OCMS" otherwise
// (the spec's INSERT writes 'OCMS' for the staff portal).
std::string recorded_source(std::string_view caller_source);

}  // namespace ocms::domain
