#include "domain/court.hpp"

#include <charconv>
#include <chrono>

#include <algorithm>

namespace ocms::domain {

namespace {

// Characters as PostgreSQL counts them in a UTF-8 database: code points (bytes that are not
// continuation bytes). The text reached us as valid UTF-8 (the JSON parser checks it).
std::size_t chars(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

bool upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool alnum(char c) { return upper_alnum(c) || (c >= 'a' && c <= 'z'); }

// At most `max` characters or null.
void check_length(std::vector<FieldError>& out, std::string_view field, const Field<std::string>& f, std::size_t max) {
    if (f.has_value() && chars(f.value()) > max)
        out.push_back({std::string(field), "must be at most " + std::to_string(max) + " characters"});
}

}  // namespace

std::vector<FieldError> validate_court_update(const CourtUpdate& u) {
    namespace f = court_field;
    std::vector<FieldError> out;

    if (const auto& s = u.suspension_type; s.has_value() && s.value() != "TS" && s.value() != "PS")
        out.push_back({std::string(f::kSuspensionType), "must be TS or PS"});

    const std::string& no = u.notice_no.value();
    if (no.empty() || no.size() > 10 || !std::all_of(no.begin(), no.end(), alnum))
        out.push_back({std::string(f::kNoticeNo), "must be 1 to 10 letters or digits"});

    check_length(out, f::kLastEburarUpdate, u.last_eburar_update, 50);
    check_length(out, f::kAtomsFlag, u.atoms_flag, 10);

    if (u.last_processing_date.is_null())
        out.push_back({std::string(f::kLastProcessingDate), "must not be null"});

    if (const auto& s = u.next_processing_stage;
        s.has_value() && (s.value().size() != 3 || !std::all_of(s.value().begin(), s.value().end(), upper_alnum)))
        out.push_back({std::string(f::kNextProcessingStage), "must be 3 capital letters or digits"});

    if (const auto& a = u.amount_payable_cents; a.is_null())
        out.push_back({std::string(f::kAmountPayable), "must not be null"});
    else if (a.has_value() && a.value() < 0)
        out.push_back({std::string(f::kAmountPayable), "must not be negative"});
    else if (a.has_value() && a.value() > kMaxAmountCents)
        out.push_back({std::string(f::kAmountPayable), "must be at most 9999999999.99"});

    if (const auto& p = u.payment_allowance; p.has_value() && chars(p.value()) != 1)
        out.push_back({std::string(f::kPaymentAllowance), "must be exactly 1 character"});

    check_length(out, f::kEprReasonOfSuspension, u.epr_reason_of_suspension, 3);
    return out;
}

std::vector<std::string_view> present_fields(const CourtUpdate& u) {
    namespace f = court_field;
    std::vector<std::string_view> out;
    if (u.suspension_type.present()) out.push_back(f::kSuspensionType);
    if (u.last_eburar_update.present()) out.push_back(f::kLastEburarUpdate);
    if (u.atoms_flag.present()) out.push_back(f::kAtomsFlag);
    if (u.last_processing_date.present()) out.push_back(f::kLastProcessingDate);
    if (u.next_processing_stage.present()) out.push_back(f::kNextProcessingStage);
    if (u.amount_payable_cents.present()) out.push_back(f::kAmountPayable);
    if (u.payment_allowance.present()) out.push_back(f::kPaymentAllowance);
    if (u.epr_reason_of_suspension.present()) out.push_back(f::kEprReasonOfSuspension);
    return out;
}

CourtDecision decide_court_update(const CourtUpdate& u, bool notice_found, bool next_stage_known) {
    if (auto errors = validate_court_update(u); !errors.empty())
        return {court_message::kInvalidData.code, std::string(court_message::kInvalidData), std::move(errors), {}};
    if (!notice_found)
        return {court_message::kInvalidData.code,
                "Invalid notice number: " + u.notice_no.value(),
                {{std::string(court_field::kNoticeNo), std::string(court_message::kNoticeNotFound)}},
                {}};
    if (u.next_processing_stage.has_value() && !next_stage_known)
        return {court_message::kInvalidData.code,
                std::string(court_message::kInvalidData),
                {{std::string(court_field::kNextProcessingStage),
                  std::string(court_message::kUnknownStage) + ": " + u.next_processing_stage.value()}},
                {}};
    return {court_message::kSuccess.code, std::string(court_message::kSuccess), {}, present_fields(u)};
}

// ---- the day-end window ----------------------------------------------------------------------

namespace {

std::optional<int> minutes_of(std::string_view hhmm) {
    if (hhmm.size() != 5 || hhmm[2] != ':') return std::nullopt;
    int h = 0, m = 0;
    auto num = [](std::string_view s, int& out) {
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc() && p == s.data() + s.size();
    };
    if (!num(hhmm.substr(0, 2), h) || !num(hhmm.substr(3, 2), m)) return std::nullopt;
    if (m < 0 || m > 59 || h < 0 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
    return h * 60 + m;
}

}  // namespace

std::optional<DayendWindow> parse_dayend_window(std::string_view text) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    const auto start = minutes_of(text.substr(0, dash));
    const auto end = minutes_of(text.substr(dash + 1));
    if (!start || !end || *start == 24 * 60) return std::nullopt;
    return DayendWindow{*start, *end};
}

bool window_open(const DayendWindow& w, TimePoint now) {
    const auto local = now + kSingaporeOffset;
    const auto since_midnight =
        std::chrono::duration_cast<std::chrono::minutes>(local - std::chrono::floor<std::chrono::days>(local));
    const int t = int(since_midnight.count());
    if (w.start_minute == w.end_minute) return true;
    if (w.start_minute < w.end_minute) return t >= w.start_minute && t < w.end_minute;
    return t >= w.start_minute || t < w.end_minute;  // across midnight
}

bool is_ps_wwp(const std::optional<std::string>& suspension_type, const std::optional<std::string>& epr_reason) {
    return suspension_type == "PS" && epr_reason == "WWP";
}

}  // namespace ocms::domain
