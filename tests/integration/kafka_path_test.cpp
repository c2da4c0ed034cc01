// Commands published straight to the topics, as other OCMS systems do (kcat), poison
// messages, and replay: against the real broker and database.
#include "support.hpp"

#include "core/ids.hpp"
#include "messages/messages.hpp"

#include <gtest/gtest.h>

namespace ocms::test {
namespace {

using namespace std::chrono_literals;

bool outcome_seen(const std::map<int, long long>& from, const std::string& command_id, std::string* app_code) {
    return scan_topic(
        messages::kTopicOutcome, from,
        [&](const kafka::Message& m) {
            auto doc = json::parse(m.value());
            if (!doc || json::get_string(*doc, "commandId").value_or("") != command_id) return false;
            if (app_code) *app_code = std::string(json::get_string(*doc, "appCode").value_or(""));
            return true;
        },
        60s);
}

TEST(KafkaPath, CommandPublishedWithKcatIsAppliedAndItsOutcomePublished) {
    auto notice = make_notices(1)[0];
    auto from = high_watermarks(messages::kTopicOutcome);
    std::string id = new_uuid();
    ASSERT_EQ(kcat_publish(messages::kTopicSuspension, notice, command_json(id, notice)), 0);
    std::string code;
    ASSERT_TRUE(outcome_seen(from, id, &code)) << "no outcome for " << id;
    EXPECT_EQ(code, "OCMS-2000");
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = $1 AND suspension_source = 'OCMS'",
                     {notice}),
              1);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_command_inbox WHERE command_id = $1", {id}), 1);
}

TEST(KafkaPath, PoisonMessageGoesToDlqAndTheNextOneIsApplied) {
    auto notice = make_notices(1)[0];
    auto dlq_from = high_watermarks(messages::kTopicDlq);
    auto out_from = high_watermarks(messages::kTopicOutcome);
    const std::string poison = "this is not a command " + new_uuid();
    const std::string bad_schema_id = new_uuid();
    std::string bad_schema = command_json(bad_schema_id, notice);
    bad_schema.replace(bad_schema.find("\"suspensionType\":\"TS\""), 21, "\"suspensionType\":42");
    const std::string good_id = new_uuid();
    // Same key, so all three land on one partition, in this order.
    ASSERT_EQ(kcat_publish(messages::kTopicSuspension, notice, poison), 0);
    ASSERT_EQ(kcat_publish(messages::kTopicSuspension, notice, bad_schema), 0);
    ASSERT_EQ(kcat_publish(messages::kTopicSuspension, notice, command_json(good_id, notice)), 0);

    std::string code;
    ASSERT_TRUE(outcome_seen(out_from, good_id, &code));
    EXPECT_EQ(code, "OCMS-2000");

    bool poison_found = false, schema_found = false;
    scan_topic(
        messages::kTopicDlq, dlq_from,
        [&](const kafka::Message& m) {
            auto doc = json::parse(m.value());
            if (!doc) return false;
            auto original = messages::original_bytes(*doc);
            auto reason = json::get_string(*doc, "reason").value_or("");
            if (original && *original == poison) {
                EXPECT_EQ(reason, "json");
                EXPECT_EQ(json::get_string(*doc, "sourceTopic").value_or(""), messages::kTopicSuspension);
                poison_found = true;
            }
            if (json::get_string(*doc, "commandId").value_or("") == bad_schema_id) {
                EXPECT_EQ(reason, "schema");
                schema_found = true;
            }
            return poison_found && schema_found;
        },
        30s);
    EXPECT_TRUE(poison_found) << "poison message not in " << messages::kTopicDlq;
    EXPECT_TRUE(schema_found) << "schema-invalid command not in " << messages::kTopicDlq;
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_command_inbox WHERE command_id = $1", {bad_schema_id}), 0);
}

TEST(KafkaPath, ReplayingTheWholeCommandTopicChangesNoRow) {
    // Something to replay, even on a fresh broker.
    auto notices = make_notices(3);
    auto res = post_authed("/v1/staff-apply-suspension", staff_body(notices));
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_TRUE(wait_group_caught_up(messages::kTopicSuspension, 60s));

    const std::string snapshot_sql =
        "SELECT md5(coalesce((SELECT string_agg(notice_no || sr_no || coalesce(due_date_of_revival::text, ''), ',' "
        "ORDER BY sr_no) FROM ocms_suspended_notice), '') || coalesce((SELECT string_agg(notice_no || "
        "coalesce(suspension_type, '') || coalesce(due_date_of_revival::text, '') || coalesce(upd_date::text, ''), ',' "
        "ORDER BY notice_no) FROM ocms_valid_offence_notice), ''))";
    auto db = readonly_db();
    auto before = db->exec(snapshot_sql);
    ASSERT_TRUE(before.has_value());
    long long records = scalar(*db, "SELECT count(*) FROM ocms_suspended_notice");
    long long inbox = scalar(*db, "SELECT count(*) FROM ocms_command_inbox");

    auto out = sh_output("\"$OCMS_BIN/ocms-replay\" replay --topic ocms.cmd.suspension --operator test "
                         "--reason 'integration test' 2>&1");
    ASSERT_NE(out.find("replay: read"), std::string::npos) << out;
    ASSERT_NE(out.find("failed 0"), std::string::npos) << out;
    ASSERT_TRUE(wait_group_caught_up(messages::kTopicSuspension, 180s)) << "workers did not catch up";

    auto after = db->exec(snapshot_sql);
    ASSERT_TRUE(after.has_value());
    EXPECT_EQ(std::string(before->get(0, 0)), std::string(after->get(0, 0))) << "a replay changed a row";
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_suspended_notice"), records);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_command_inbox"), inbox);
}

// The worker's lag gauge (kafka::Consumer::lag): high watermark minus the group's committed
// offset over the assignment, from the earliest offset where nothing is committed yet.
TEST(KafkaPath, ConsumerLagIsWhatTheGroupHasNotCommitted) {
    // At least one message on the outcome topic, even on a fresh broker.
    auto notice = make_notices(1)[0];
    auto from = high_watermarks(messages::kTopicOutcome);
    const std::string id = new_uuid();
    ASSERT_EQ(kcat_publish(messages::kTopicSuspension, notice, command_json(id, notice)), 0);
    ASSERT_TRUE(outcome_seen(from, id, nullptr)) << "no outcome for " << id;

    // Other publishers may write meanwhile: measure between two equal sets of watermarks (a new
    // group for each attempt).
    for (int attempt = 0;; ++attempt) {
        auto c = kafka::Consumer::make(env("OCMS_KAFKA_BROKERS"), "ocms-lag-test-" + new_uuid());
        ASSERT_TRUE(c.has_value()) << c.error().message;
        const int n = (*c)->partition_count(messages::kTopicOutcome, 10s);
        ASSERT_GT(n, 0);
        std::map<int, std::pair<long long, long long>> marks;
        std::vector<kafka::TopicPartition> parts;
        for (int p = 0; p < n; ++p) {
            auto wm = (*c)->watermarks(messages::kTopicOutcome, p, 10s);
            ASSERT_TRUE(wm.has_value());
            marks[p] = *wm;
            parts.push_back({messages::kTopicOutcome, p, wm->second});
        }
        ASSERT_FALSE((*c)->assign(parts).has_value());
        long long all = 0;
        int with_messages = -1;
        for (const auto& [p, wm] : marks) {
            all += wm.second - wm.first;
            if (wm.second > wm.first) with_messages = p;
        }
        ASSERT_GE(with_messages, 0);
        auto nothing_committed = (*c)->lag(10s);

        // Commit every partition at its end but one, a message short of it.
        std::vector<kafka::TopicPartition> commit = parts;
        for (auto& tp : commit)
            if (tp.partition == with_messages) tp.offset -= 1;
        ASSERT_EQ((*c)->commit(commit), RD_KAFKA_RESP_ERR_NO_ERROR);
        ASSERT_TRUE(eventually(
            [&] {
                auto got = (*c)->committed(parts, 5s);
                if (!got) return false;
                for (std::size_t i = 0; i < got->size(); ++i)
                    if ((*got)[i].offset != commit[i].offset) return false;
                return true;
            },
            10s));
        auto one_short = (*c)->lag(10s);

        bool moved = false;
        for (const auto& [p, wm] : marks) moved |= (*c)->watermarks(messages::kTopicOutcome, p, 10s)->second != wm.second;
        if (moved && attempt < 3) continue;
        ASSERT_FALSE(moved) << "the outcome topic kept growing during the test";
        ASSERT_TRUE(nothing_committed.has_value());
        EXPECT_EQ(*nothing_committed, all);
        ASSERT_TRUE(one_short.has_value());
        EXPECT_EQ(*one_short, 1);
        break;
    }
}

TEST(KafkaPath, ReplayDryRunPublishesNothing) {
    auto before = high_watermarks(messages::kTopicSuspension);
    auto out = sh_output("\"$OCMS_BIN/ocms-replay\" replay --topic ocms.cmd.suspension --dry-run --operator test "
                         "--reason 'integration test' 2>&1 | tail -3");
    EXPECT_NE(out.find("(dry run)"), std::string::npos) << out;
    EXPECT_NE(out.find("inbox would answer"), std::string::npos) << out;
    EXPECT_NE(out.find("published 0,"), std::string::npos) << out;
    // Other publishers may write meanwhile: what must not appear is a replayed message.
    auto after = high_watermarks(messages::kTopicSuspension);
    long long fresh = 0;
    for (const auto& [p, off] : after) fresh += off - before[p];
    bool replayed = scan_topic(
        messages::kTopicSuspension, before,
        [&](const kafka::Message& m) {
            if (m.offset() >= after[m.partition()]) return false;
            return m.header("ocms-replay-of").has_value();
        },
        fresh > 0 ? 10s : 0s);
    EXPECT_FALSE(replayed) << "a dry run published a replayed message";
}

}  // namespace
}  // namespace ocms::test
