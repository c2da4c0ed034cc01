#include "domain/revival.hpp"
#include "domain/suspension.hpp"

#include <array>
#include <charconv>

namespace ocms::domain {

namespace {

ReviveDecision refuse(AppCode code, std::string_view message) { return ReviveDecision{code, std::string(message), {}, {}}; }

// Spec 004's own meanings of 4003-4007 (they differ from spec 002's; see docs/decisions.md).
inline constexpr AppCode kCodeNotSupported{"OCMS-4003"};
inline constexpr AppCode kCodeUnknownType{"OCMS-4004"};
inline constexpr AppCode kCodeDataMissing{"OCMS-4005"};
inline constexpr AppCode kCodeNoActive{"OCMS-4006"};
inline constexpr AppCode kCodeNotAllowed{"OCMS-4007"};

}  // namespace

std::optional<std::string_view> source_of_revival_code(std::string_view code) {
    if (code == revival_source::kOcms) return source::kOcms;
    if (code == revival_source::kPlus) return source::kPlus;
    return std::nullopt;
}

bool plus_may_revive(const ReasonCode& code) {
    static constexpr std::array<std::string_view, 6> kPlusCodes{"APE", "APP", "CCE", "MS", "PRI", "RED"};
    for (auto c : kPlusCodes)
        if (code.value() == c) return true;
    return false;
}

std::optional<int> parse_next_processing_days(const std::optional<std::string_view>& stored) {
    if (!stored || stored->empty()) return std::nullopt;
    int days = -1;
    const char* end = stored->data() + stored->size();
    auto [ptr, ec] = std::from_chars(stored->data(), end, days);
    if (ec != std::errc() || ptr != end || days < 0 || days > 365) return std::nullopt;
    return days;
}

ReviveDecision decide_revival(const ReviveTs& cmd, const std::optional<RevivalNotice>& notice,
                              const std::optional<SuspensionRecord>& record,
                              const std::optional<RevivalReasonRow>& reason, bool code_loops, TimePoint now,
                              std::optional<int> next_processing_days) {
    using namespace revival_message;
    if (cmd.suspension_type != "TS" && cmd.suspension_type != "PS") return refuse(kCodeUnknownType, revival_message::kUnknownType);
    if (!reason || !reason->active) return refuse(codes::kBadRequest, kInvalidReason);
    if (!notice) return refuse(codes::kNotFound, kNoticeNotFound);
    if (notice->court_stage) return refuse(codes::kBusinessRule, kCourt);
    if (!notice->suspension_type) return refuse(codes::kBusinessRule, kNotSuspended);
    if (cmd.suspension_type == "PS" && cmd.channel == RevivalChannel::plus) return refuse(kCodeNotSupported, kPsNotSupported);
    if (*notice->suspension_type != cmd.suspension_type) return refuse(kCodeNoActive, revival_message::kNoActive);
    if (!record || record->suspension_type != cmd.suspension_type) return refuse(kCodeDataMissing, kRecordNotFound);
    const bool hst = record->suspension_type == "TS" && record->reason.value() == "HST";
    if (hst && cmd.channel != RevivalChannel::hst && cmd.channel != RevivalChannel::automatic)
        return refuse(kCodeNotAllowed, kHstNotAllowed);
    if (cmd.channel == RevivalChannel::plus && !plus_may_revive(record->reason))
        return refuse(kCodeNotAllowed, kPlusCodeNotAllowed);
    if (cmd.channel == RevivalChannel::automatic &&
        (!record->due_date_of_revival || *record->due_date_of_revival > now))
        return refuse(codes::kBusinessRule, kPeriodNotOver);
    if (!next_processing_days) return refuse(kCodeDataMissing, kBadNextProcessingDate);

    ReviveDecision ok{codes::kSuccess, cmd.suspension_type + " revived successfully", {}, {}};
    ok.effect = ReviveEffect{record->sr_no, now, now + std::chrono::days{*next_processing_days}, false};
    if (record->suspension_type == "PS" && record->reason.value() == "FP") {
        ok.effect->refund_identified = true;
        ok.message = "PS-FP revived and refund date identified";
    }
    // A looping code loops when its period runs out; an officer lifting it on purpose (staff,
    // PLUS, internal, HST address verified) ends it.
    if (record->suspension_type == "TS" && code_loops && cmd.channel == RevivalChannel::automatic)
        ok.loop_code = record->reason;
    return ok;
}

ApplyTs looping_reapply(const ReviveTs& cmd, const ReasonCode& code) {
    ApplyTs a;
    a.notice_no = cmd.notice_no;
    a.suspension_type = "TS";
    a.reason = code;
    a.remarks = "Looping TS-" + code.value() + " re-applied after revival";
    a.officer = cmd.officer;
    a.source = std::string(source::kOcms);
    return a;
}

std::string looping_message(const ReasonCode& code, const TsDecision& reapply) {
    if (reapply.code == codes::kSuccess && reapply.effect) return "TS revived and looping TS-" + code.value() + " re-applied";
    return "TS revived; Looping TS-" + code.value() + " failed: " + reapply.message;
}

}  // namespace ocms::domain
