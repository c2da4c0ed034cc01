#pragma once
// Money (DESIGN.md "Facts"): NUMERIC(12,2) in PostgreSQL, integer cents in C++, never floating
// point; JSON shows exactly two decimals. PostgreSQL's text form of a NUMERIC(12,2) is
// "-?digits.dd"; parse_cents reads it (and "12", "12.5") and format_cents writes "12.50".
// Header-only: plain functions without state, safe from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocms::money {

// "70.00" -> 7000, "-1.5" -> -150, "3" -> 300. nullopt for anything else (more than two
// decimals, no digits, signs or spaces inside, an overflowing value).
inline std::optional<std::int64_t> parse_cents(std::string_view s) {
    bool negative = false;
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    auto dot = s.find('.');
    std::string_view whole = s.substr(0, dot);
    std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
    if (whole.empty() || frac.size() > 2 || (dot != std::string_view::npos && frac.empty())) return std::nullopt;
    if (whole.size() > 15) return std::nullopt;  // far beyond NUMERIC(12,2), and no overflow below it
    std::int64_t cents = 0;
    for (char c : whole) {
        if (c < '0' || c > '9') return std::nullopt;
        cents = cents * 10 + (c - '0');
    }
    for (std::size_t i = 0; i < 2; ++i) {
        char c = i < frac.size() ? frac[i] : '0';
        if (c < '0' || c > '9') return std::nullopt;
        cents = cents * 10 + (c - '0');
    }
    return negative ? -cents : cents;
}

// 7000 -> "70.00", 5 -> "0.05", -150 -> "-1.50": a JSON number with exactly two decimals.
inline std::string format_cents(std::int64_t cents) {
    // Work on the magnitude as unsigned so INT64_MIN has no overflow.
    bool negative = cents < 0;
    std::uint64_t m = negative ? std::uint64_t(0) - std::uint64_t(cents) : std::uint64_t(cents);
    std::string frac{char('0' + (m / 10) % 10), char('0' + m % 10)};
    return (negative ? "-" : "") + std::to_string(m / 100) + "." + frac;
}

}  // namespace ocms::money
