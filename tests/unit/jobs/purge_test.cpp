// jobs/purge: the retention check that keeps replays safe, and the recorded detail.
#include "jobs/purge.hpp"
#include "json/json.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace ocms::jobs {
namespace {

constexpr std::int64_t kWeekMs = 7LL * 86'400'000;

TEST(Purge, RefusesARetentionShorterThanTheCommandTopics) {
    PurgeSettings s;
    s.topic_retention_ms = kWeekMs;
    s.retention_days = 6;
    auto why = purge_refusal(s);
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("shorter than"), std::string::npos) << *why;
    EXPECT_NE(why->find("twice"), std::string::npos) << *why;
    s.retention_days = 7;  // equal is enough: never shorter
    EXPECT_FALSE(purge_refusal(s));
    s.retention_days = 30;
    EXPECT_FALSE(purge_refusal(s));
    s.topic_retention_ms = kWeekMs + 1;  // a millisecond more than 7 days needs 8
    s.retention_days = 7;
    EXPECT_TRUE(purge_refusal(s));
}

TEST(Purge, RefusesWhenTheTopicRetentionIsUnknownOrInfinite) {
    PurgeSettings s;
    EXPECT_TRUE(purge_refusal(s)) << "unknown topic retention";
    s.topic_retention_ms = -1;
    auto why = purge_refusal(s);
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("for ever"), std::string::npos) << *why;
}

TEST(Purge, SettingsFromTheEnvironment) {
    ::setenv("OCMS_RETENTION_DAYS", "45", 1);
    ::setenv("OCMS_TOPIC_RETENTION_MS", "604800000", 1);
    ::setenv("OCMS_PURGE_BATCH", "500", 1);
    auto s = purge_settings_from_env();
    EXPECT_EQ(s.retention_days, 45);
    EXPECT_EQ(s.topic_retention_ms, 604800000);
    EXPECT_EQ(s.batch, 500);
    ::setenv("OCMS_RETENTION_DAYS", "0", 1);
    EXPECT_THROW(purge_settings_from_env(), std::runtime_error);
    ::setenv("OCMS_RETENTION_DAYS", "thirty", 1);
    EXPECT_THROW(purge_settings_from_env(), std::runtime_error);
    ::unsetenv("OCMS_RETENTION_DAYS");
    ::unsetenv("OCMS_TOPIC_RETENTION_MS");
    ::unsetenv("OCMS_PURGE_BATCH");
    s = purge_settings_from_env();
    EXPECT_EQ(s.retention_days, 30);
    EXPECT_FALSE(s.topic_retention_ms);
    EXPECT_EQ(s.batch, 10'000);
}

TEST(Purge, DetailCarriesTheCountsAndTheCutoff) {
    PurgeSettings s;
    s.retention_days = 30;
    s.topic_retention_ms = kWeekMs;
    PurgeStats st;
    st.cutoff = *parse_iso("2026-02-08T02:00:00");
    st.inbox = 3;
    st.audit = 4;
    st.dead_letters = 1;
    st.parked_commands = 2;
    auto doc = json::parse(purge_detail_json(st, s));
    ASSERT_TRUE(doc);
    EXPECT_EQ(json::get_string(*doc, "cutoff").value_or(""), "2026-02-08T02:00:00.000000+08:00");
    EXPECT_EQ(json::get_int(*doc, "retentionDays"), 30);
    EXPECT_EQ(json::get_int(*doc, "topicRetentionMs"), kWeekMs);
    EXPECT_EQ(json::get_int(*doc, "inbox"), 3);
    EXPECT_EQ(json::get_int(*doc, "audit"), 4);
    EXPECT_EQ(json::get_int(*doc, "deadLetters"), 1);
    EXPECT_EQ(json::get_int(*doc, "parkedCommands"), 2);
}

}  // namespace
}  // namespace ocms::jobs
