// json::parse refuses what the rest of the system cannot hold (issue 14 points 1 and 4): deep
// nesting, \u0000, lone surrogates; and keeps accepting every valid string.
#include "json/json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ocms::json {
namespace {

std::string nested(int levels, char open, char close) {
    return std::string(levels, open) + std::string(levels, close);
}

TEST(JsonParse, AcceptsNestingUpToTheLimit) {
    EXPECT_TRUE(parse(nested(kMaxDepth, '[', ']')));
    std::string objects;
    for (int i = 0; i < kMaxDepth; ++i) objects += "{\"a\":";
    objects += "1" + std::string(kMaxDepth, '}');
    EXPECT_TRUE(parse(objects));
}

TEST(JsonParse, RefusesNestingPastTheLimitWithTheOffset) {
    auto r = parse(nested(kMaxDepth + 1, '[', ']'));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), "offset 32: nesting deeper than 32 levels");
}

TEST(JsonParse, RefusesAMegabyteOfNestingQuickly) {
    // ~200k levels in 1 MB crashed the schema validator's recursion (the worker's poison pill)
    const std::string deep = "{\"payload\":" + nested(500'000, '[', ']') + "}";
    auto r = parse(deep);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("nesting deeper than 32"), std::string::npos);
}

TEST(JsonParse, BracketsInsideStringsDoNotCount) {
    const std::string s = "{\"a\":\"" + std::string(100, '[') + "\\\"" + std::string(100, '{') + "\"}";
    EXPECT_TRUE(parse(s)) << parse(s).error();
}

TEST(JsonParse, RefusesTheNulEscape) {
    auto r = parse(R"({"noticeNo":"SBA1234A\u0000ZZZ"})");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), "offset 21: \\u0000 is not allowed in a string");
    EXPECT_FALSE(parse(R"({"a\u0000":1})"));
}

TEST(JsonParse, RefusesLoneSurrogates) {
    for (const char* text : {R"(["\udc00"])", R"(["\uDFFF x"])", R"(["\ud800"])", R"(["\ud800\u0041"])",
                             R"(["\ud800\ud800"])", R"({"\udc00":1})", R"(["a\ud83d"])"}) {
        auto r = parse(text);
        ASSERT_FALSE(r) << text;
        EXPECT_NE(r.error().find("lone surrogate"), std::string::npos) << text << ": " << r.error();
    }
}

TEST(JsonParse, RefusesRawSurrogateBytesAsBadUtf8) {
    EXPECT_FALSE(parse("[\"\xED\xB0\x80\"]"));  // U+DC00 written as (CESU) bytes
    EXPECT_FALSE(parse("[\"\xC0\x80\"]"));      // an overlong NUL
}

TEST(JsonParse, KeepsValidEscapesAndPairs) {
    auto r = parse(R"(["\ud83d\ude00", "\\u0000", "\\\udbff\udfff", "\u0041\u00e9\uFFFD", "\"\\"])");
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(std::string((*r)[0].GetString()), "\xF0\x9F\x98\x80");
    EXPECT_EQ(std::string((*r)[1].GetString()), "\\u0000");  // an escaped backslash, then text
    EXPECT_EQ(std::string((*r)[2].GetString()), "\\\xF4\x8F\xBF\xBF");
    EXPECT_EQ(std::string((*r)[3].GetString()), "A\xC3\xA9\xEF\xBF\xBD");
}

TEST(JsonParse, LeavesSyntaxErrorsToRapidJson) {
    auto r = parse("[1,");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().rfind("offset ", 0), 0u);
    EXPECT_FALSE(parse("[\"\\u12\"]"));
}

}  // namespace
}  // namespace ocms::json
