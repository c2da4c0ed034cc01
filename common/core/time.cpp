#include "core/time.hpp"

#include <charconv>
#include <cstdio>

namespace ocms {

using namespace std::chrono;

TimePoint system_now() { return time_point_cast<microseconds>(std::chrono::system_clock::now()); }
Clock system_clock() { return [] { return system_now(); }; }

namespace {
struct Parts {
    year_month_day ymd;
    hh_mm_ss<microseconds> hms;
};
Parts local_parts(TimePoint t) {
    auto local = t + kSingaporeOffset;
    auto day = floor<days>(local);
    return {year_month_day{day}, hh_mm_ss<microseconds>{local - day}};
}

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size()) return false;
    for (std::size_t i = pos; i < pos + len; ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    auto r = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return r.ec == std::errc{};
}
}  // namespace

std::string format_local(TimePoint t) {
    auto [ymd, hms] = local_parts(t);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), long(hms.hours().count()), long(hms.minutes().count()),
                  long(hms.seconds().count()));
    return buf;
}

std::string format_offset(TimePoint t) {
    auto [ymd, hms] = local_parts(t);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%06ld+08:00", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                  long(hms.minutes().count()), long(hms.seconds().count()), long(hms.subseconds().count()));
    return buf;
}

std::optional<TimePoint> parse_iso(std::string_view s) {
    int y, mo, d, h, mi, se;
    if (s.size() < 19) return std::nullopt;
    if (!read_int(s, 0, 4, y) || s[4] != '-' || !read_int(s, 5, 2, mo) || s[7] != '-' || !read_int(s, 8, 2, d) ||
        (s[10] != 'T' && s[10] != ' ') || !read_int(s, 11, 2, h) || s[13] != ':' || !read_int(s, 14, 2, mi) ||
        s[16] != ':' || !read_int(s, 17, 2, se))
        return std::nullopt;
    year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || se > 59) return std::nullopt;
    std::size_t pos = 19;
    long micros = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::size_t digits = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (digits < 6) micros = micros * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0 || digits > 9) return std::nullopt;
        for (std::size_t i = digits; i < 6; ++i) micros *= 10;
    }
    minutes offset = kSingaporeOffset;
    if (pos < s.size()) {
        if (s[pos] == 'Z' && pos + 1 == s.size()) {
            offset = minutes{0};
        } else if ((s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
            int oh, om;
            if (!read_int(s, pos + 1, 2, oh) || !read_int(s, pos + 4, 2, om) || oh > 14 || om > 59)
                return std::nullopt;
            offset = minutes{oh * 60 + om};
            if (s[pos] == '-') offset = -offset;
        } else {
            return std::nullopt;
        }
    }
    auto local = sys_days{ymd} + hours{h} + minutes{mi} + seconds{se} + microseconds{micros};
    const TimePoint t{local - offset};
    // Only instants whose Singapore year has four digits, which format_local / format_offset write
    // back in a form read here: "0000-01-01T00:00:00+14:00" is year -1 in Singapore (found by
    // tests/fuzz: a command with it re-encoded to "-001-12-31T..." that no one could read).
    if (int y = int(singapore_day(t).year()); y < 0 || y > 9999) return std::nullopt;
    return t;
}

year_month_day singapore_day(TimePoint t) { return local_parts(t).ymd; }

}  // namespace ocms
