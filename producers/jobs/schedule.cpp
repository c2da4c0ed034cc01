#include "jobs/schedule.hpp"

namespace ocms::jobs {

using namespace std::chrono;

std::optional<DailyAt> parse_daily_at(std::string_view s) {
    if (s.size() != 5 || s[2] != ':') return std::nullopt;
    auto digit = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9'; };
    if (!digit(0) || !digit(1) || !digit(3) || !digit(4)) return std::nullopt;
    int h = (s[0] - '0') * 10 + (s[1] - '0');
    int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 23 || m > 59) return std::nullopt;
    return DailyAt{h, m};
}

TimePoint next_daily_run(TimePoint after, DailyAt at) {
    // Work in Singapore local time (fixed +08:00), then back to UTC.
    auto local = after + kSingaporeOffset;
    auto day = floor<days>(local);
    auto candidate = day + hours{at.hour} + minutes{at.minute};
    if (candidate <= local) candidate += days{1};
    return TimePoint{candidate - kSingaporeOffset};
}

}  // namespace ocms::jobs
