// Money: NUMERIC(12,2) text <-> integer cents <-> two-decimal JSON numbers (DESIGN.md "Facts").
#include "core/money.hpp"

#include <gtest/gtest.h>

#include <limits>

using namespace ocms::money;

TEST(Money, ParsesPostgresNumericText) {
    EXPECT_EQ(parse_cents("0.00"), 0);
    EXPECT_EQ(parse_cents("70.00"), 7000);
    EXPECT_EQ(parse_cents("130.50"), 13050);
    EXPECT_EQ(parse_cents("9999999999.99"), 999999999999);
    EXPECT_EQ(parse_cents("12"), 1200);
    EXPECT_EQ(parse_cents("12.5"), 1250);
    EXPECT_EQ(parse_cents("-1.05"), -105);
    EXPECT_EQ(parse_cents("+3.10"), 310);
}

TEST(Money, RefusesAnythingElse) {
    for (const char* s : {"", "-", ".5", "1.", "1.234", "1,00", " 1.00", "1.00 ", "abc", "1e3", "1234567890123456.00"})
        EXPECT_FALSE(parse_cents(s)) << s;
}

TEST(Money, FormatsTwoDecimals) {
    EXPECT_EQ(format_cents(0), "0.00");
    EXPECT_EQ(format_cents(5), "0.05");
    EXPECT_EQ(format_cents(50), "0.50");
    EXPECT_EQ(format_cents(7000), "70.00");
    EXPECT_EQ(format_cents(13050), "130.50");
    EXPECT_EQ(format_cents(-105), "-1.05");
    EXPECT_EQ(format_cents(std::numeric_limits<std::int64_t>::min()), "-92233720368547758.08");
    for (std::int64_t c : {0LL, 1LL, 99LL, 100LL, 123456789LL, -7LL}) EXPECT_EQ(parse_cents(format_cents(c)), c) << c;
}
