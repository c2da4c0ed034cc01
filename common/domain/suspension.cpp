#include "domain/suspension.hpp"

#include <algorithm>
#include <chrono>

namespace ocms::domain {

namespace {

TsDecision reject(const Message& m) { return TsDecision{m.code, std::string(m.text), {}, {}}; }

}  // namespace

bool is_paid(const NoticeState& notice) {
    if (notice.amount_paid_cents > 0) return true;
    return notice.payment_status == "FP" || notice.payment_status == "PP";
}

TimePoint revival_due_date(TimePoint date_of_suspension, int no_of_days_for_revival) {
    return date_of_suspension + std::chrono::days{no_of_days_for_revival};
}

bool claimed_source_allowed(const std::optional<std::string>& claimed, std::string_view caller_source) {
    return !claimed || *claimed == caller_source;
}

std::string recorded_source(std::string_view caller_source) {
    return std::string(caller_source == source::kPlus ? source::kPlus : source::kOcms);
}

TsDecision decide_apply_ts(const ApplyTs& cmd, const std::optional<NoticeState>& notice,
                           std::span<const SuspensionReasonRow> rows, TimePoint now) {
    // 1. The request itself: only TS goes through this path.
    if (cmd.suspension_type != "TS") return reject(ts_message::kInvalidRequest);

    // 2. The code, for every notice of the request alike: known, active, usable by this source.
    bool known = false;
    bool active_somewhere = false;
    const SuspensionReasonRow* rule = nullptr;
    for (const auto& row : rows) {
        if (row.suspension_type != cmd.suspension_type || row.code != cmd.reason) continue;
        known = true;
        if (!row.active) continue;
        active_somewhere = true;
        if (row.source == cmd.source) rule = &row;
    }
    if (!known) return reject(ts_message::kInvalidCode);
    if (!active_somewhere) return reject(ts_message::kCodeNotActive);
    if (rule == nullptr) return reject(ts_message::kSourceNotAuthorized);

    // 3. The notice: exists, unpaid, no PS, at a stage the code allows.
    if (!notice) return reject(ts_message::kNoticeNotFound);
    if (is_paid(*notice)) return reject(ts_message::kPaid);
    if (notice->suspension_type == "PS") return reject(ts_message::kExistingPs);
    if (std::ranges::find(rule->allowed_stages, notice->last_processing_stage) == rule->allowed_stages.end())
        return reject(ts_message::kStageNotAllowed);

    // 4. The revival date, compared with an existing TS by Singapore calendar day.
    const TimePoint date_of_suspension = cmd.date_of_suspension.value_or(now);
    const TimePoint due = revival_due_date(date_of_suspension, rule->no_of_days_for_revival);
    if (notice->suspension_type == "TS" && notice->due_date_of_revival &&
        singapore_day(*notice->due_date_of_revival) >= singapore_day(due)) {
        return TsDecision{ts_message::kAlreadyTs.code, std::string(ts_message::kAlreadyTs), {},
                          notice->due_date_of_revival};
    }

    // 5. Success: a new TS, or an existing TS with an earlier revival day extended.
    TsDecision ok{ts_message::kSuccess.code, std::string(ts_message::kSuccess), {}, due};
    if (!cmd.checking) ok.effect = TsEffect{date_of_suspension, due, recorded_source(cmd.source)};
    return ok;
}

}  // namespace ocms::domain
