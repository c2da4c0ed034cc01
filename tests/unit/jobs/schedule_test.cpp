#include "jobs/auto_revival.hpp"
#include "jobs/schedule.hpp"

#include <gtest/gtest.h>

namespace ocms::jobs {
namespace {

TEST(Schedule, ParsesHourAndMinute) {
    auto a = parse_daily_at("00:05");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->hour, 0);
    EXPECT_EQ(a->minute, 5);
    EXPECT_TRUE(parse_daily_at("23:59"));
    for (const char* bad : {"", "0:05", "24:00", "12:60", "12-00", "ab:cd", "12:000"}) EXPECT_FALSE(parse_daily_at(bad)) << bad;
}

TEST(Schedule, NextRunIsTheNextSingaporeWallClockTime) {
    DailyAt at{0, 5};
    // 23:00 Singapore -> 00:05 the next day, Singapore time.
    EXPECT_EQ(format_local(next_daily_run(*parse_iso("2026-03-10T23:00:00"), at)), "2026-03-11T00:05:00");
    // 00:04 -> 00:05 the same day; exactly 00:05 -> the next day (strictly after).
    EXPECT_EQ(format_local(next_daily_run(*parse_iso("2026-03-11T00:04:00"), at)), "2026-03-11T00:05:00");
    EXPECT_EQ(format_local(next_daily_run(*parse_iso("2026-03-11T00:05:00"), at)), "2026-03-12T00:05:00");
    // A UTC instant that is already the next day in Singapore.
    EXPECT_EQ(format_local(next_daily_run(*parse_iso("2026-03-10T17:00:00Z"), at)), "2026-03-12T00:05:00");
}

TEST(AutoRevival, CommandIdIsDeterministicPerOpenRecord) {
    EXPECT_EQ(auto_revival_command_id("500500303J", 1234), "auto-revival:500500303J:1234");
    EXPECT_NE(auto_revival_command_id("500500303J", 1234), auto_revival_command_id("500500303J", 1235));
}

}  // namespace
}  // namespace ocms::jobs
