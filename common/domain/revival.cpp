#include "domain/revival.hpp"
#include "domain/suspension.hpp"

#include <array>
#include <charconv>

namespace ocms::domain {

namespace {

ReviveDecision refuse(const Message& m) { return ReviveDecision{m.code, std::string(m.text), {}, {}}; }

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
    if (cmd.suspension_type != "TS" && cmd.suspension_type != "PS") return refuse(kUnknownType);
    if (!reason || !reason->active) return refuse(kInvalidReason);
    if (!notice) return refuse(kNoticeNotFound);
    if (notice->court_stage) return refuse(kCourt);
    if (!notice->suspension_type) return refuse(kNotSuspended);
    if (cmd.suspension_type == "PS" && cmd.channel == RevivalChannel::plus) return refuse(kPsNotSupported);
    if (*notice->suspension_type != cmd.suspension_type) return refuse(kNoActive);
    if (!record || record->suspension_type != cmd.suspension_type) return refuse(kRecordNotFound);
    const bool hst = record->suspension_type == "TS" && record->reason.value() == "HST";
    if (hst && cmd.channel != RevivalChannel::hst && cmd.channel != RevivalChannel::automatic)
        return refuse(kHstNotAllowed);
    if (cmd.channel == RevivalChannel::plus && !plus_may_revive(record->reason))
        return refuse(kPlusCodeNotAllowed);
    if (cmd.channel == RevivalChannel::automatic &&
        (!record->due_date_of_revival || *record->due_date_of_revival > now))
        return refuse(kPeriodNotOver);
    if (!next_processing_days) return refuse(kBadNextProcessingDate);

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

ReviveTs automatic_revival(NoticeNo notice, std::string officer) {
    return ReviveTs{.notice_no = std::move(notice),
                    .suspension_type = "TS",
                    .revival_reason = ReasonCode("SPO"),
                    .remarks = "Suspension period is over",
                    .officer = std::move(officer),
                    .channel = RevivalChannel::automatic};
}

bool hst_register_entry_ends(const ReviveTs& cmd, long long open_hst_notices) {
    return cmd.channel == RevivalChannel::hst && open_hst_notices == 0;
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
