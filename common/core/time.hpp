#pragma once
// Time in OCMS (DESIGN.md "Facts"): Singapore local time, UTC+08:00 all year (no DST since
// 1982), so a fixed offset is exact. Business code takes a Clock so tests can set the time.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ocms {

using TimePoint = std::chrono::sys_time<std::chrono::microseconds>;
using Clock = std::function<TimePoint()>;

inline constexpr std::chrono::minutes kSingaporeOffset{8 * 60};

TimePoint system_now();
Clock system_clock();

// "2025-04-12T19:00:02": Singapore local time, seconds, no zone (the spec's rendering).
std::string format_local(TimePoint t);
// "2025-04-12T19:00:02.123456+08:00": unambiguous, for envelopes and logs.
std::string format_offset(TimePoint t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.f{1,6}][Z|+HH:MM|-HH:MM]" (also ' ' for 'T'); no zone means
// Singapore local time. Returns nullopt for anything else, including impossible dates.
std::optional<TimePoint> parse_iso(std::string_view s);
// The Singapore calendar day of t.
std::chrono::year_month_day singapore_day(TimePoint t);
// Microseconds since the epoch, the form the database layer exchanges.
inline long long to_micros(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_micros(long long us) { return TimePoint{std::chrono::microseconds{us}}; }

}  // namespace ocms
