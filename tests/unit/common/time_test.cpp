#include "core/time.hpp"

#include <gtest/gtest.h>

namespace ocms {
namespace {

using namespace std::chrono;

TEST(Time, NoZoneMeansSingapore) {
    auto t = parse_iso("2025-03-22T19:00:02");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_offset(*t), "2025-03-22T19:00:02.000000+08:00");
    EXPECT_EQ(*t, *parse_iso("2025-03-22T11:00:02Z"));
}

TEST(Time, OffsetsAndFractions) {
    auto t = parse_iso("2025-03-22T19:00:02.5-01:30");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_local(*t), "2025-03-23T04:30:02");
    EXPECT_EQ(to_micros(*t) % 1000000, 500000);
    EXPECT_TRUE(parse_iso("2025-03-22 19:00:02"));
}

TEST(Time, RejectsWhatIsNotATime) {
    for (const char* bad : {"", "2025-03-22", "2025-02-30T10:00:00", "2025-03-22T24:00:00", "2025-03-22T10:00:00+8",
                            "2025-03-22T10:00:00.", "2025-03-22T10:00:00Zjunk", "abcd-ef-ghTij:kl:mn"})
        EXPECT_FALSE(parse_iso(bad)) << bad;
}

TEST(Time, SingaporeDayTurnsAtMidnightLocal) {
    auto before = *parse_iso("2025-03-22T23:59:59");
    auto after = *parse_iso("2025-03-23T00:00:00");
    EXPECT_EQ(singapore_day(before), year{2025} / March / 22);
    EXPECT_EQ(singapore_day(after), year{2025} / March / 23);
    EXPECT_EQ(singapore_day(*parse_iso("2025-03-22T16:30:00Z")), year{2025} / March / 23);
}

// Found by tests/fuzz (worker_command): an issuedAt of year 0 with a positive offset is year -1
// in Singapore, which format_offset wrote as "-001-12-31T..." and parse_iso could not read back.
TEST(Time, OnlyTimesWithAFourDigitSingaporeYear) {
    for (const char* bad : {"0000-01-01T00:00:00+14:00", "0000-01-01T00:00:00+08:01", "9999-12-31T23:59:59-14:00",
                            "9999-12-31T16:00:00Z"})
        EXPECT_FALSE(parse_iso(bad)) << bad;
    for (const char* good : {"0000-01-01T00:00:00Z", "0000-01-01T08:00:00+08:00", "9999-12-31T23:59:59",
                             "9999-12-31T15:59:59.999999Z"}) {
        auto t = parse_iso(good);
        ASSERT_TRUE(t) << good;
        EXPECT_EQ(parse_iso(format_offset(*t)), t) << good << " -> " << format_offset(*t);
        EXPECT_EQ(parse_iso(format_local(*t)), std::chrono::floor<std::chrono::seconds>(*t)) << good;
    }
}

TEST(Time, MicrosRoundTrip) {
    auto t = system_now();
    EXPECT_EQ(from_micros(to_micros(t)), t);
}

}  // namespace
}  // namespace ocms
