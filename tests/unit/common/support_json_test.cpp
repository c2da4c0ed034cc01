// common/support: the JSON the ops console shows (camelCase keys, embedded objects, nulls).
#include "json/json.hpp"
#include "support/support_store.hpp"

#include <gtest/gtest.h>

namespace ocms::support {
namespace {

json::Document parse_ok(const std::string& s) {
    auto d = json::parse(s);
    EXPECT_TRUE(d.has_value()) << s;
    return d ? std::move(*d) : json::Document();
}

NoticeHistory sample_history() {
    NoticeHistory h;
    h.notice_no = "500500303J";
    h.notice_exists = true;
    h.notice_json = R"({"notice_no":"500500303J","suspension_type":"TS"})";
    h.parked = true;
    HistoryEvent c;
    c.at = *parse_iso("2026-03-10T09:00:00");
    c.kind = "command";
    c.command_id = "cmd-1";
    c.command_type = "suspension.apply";
    c.source = "OCMS";
    c.officer = "JOHNLEE";
    c.request_id = "req-1";
    c.outcome = "applied";
    c.app_code = "OCMS-2000";
    c.message = "ok \"quoted\"";
    c.topic = "ocms.cmd.suspension";
    c.partition = 2;
    c.offset = 15;
    c.replay_of_json = R"({"topic": "ocms.cmd.suspension", "offset": 3, "partition": 2})";
    c.changes_json = R"({"suspension_type": {"after": "TS", "before": null}})";
    HistoryEvent d;
    d.at = *parse_iso("2026-03-10T09:00:01");
    d.kind = "dead-letter";
    d.dead_letter_id = 7;
    d.reason = "schema";
    d.error = "payload: required noticeNo";
    d.status = "OPEN";
    d.topic = "ocms.cmd.suspension";
    d.partition = 1;
    d.offset = 0;
    HistoryEvent s;
    s.at = *parse_iso("2026-03-10T09:05:00");
    s.kind = "support";
    s.action = "redrive";
    s.operator_name = "JANE";
    s.reason = "INC-42";
    s.detail_json = R"({"runId": 3, "deadLetterId": 7})";
    h.events = {c, d, s};
    return h;
}

TEST(SupportJson, HistoryHasTheConsoleKeysAndEmbedsObjects) {
    auto doc = parse_ok(to_json(sample_history()));
    EXPECT_EQ(json::get_string(doc, "noticeNo").value_or(""), "500500303J");
    EXPECT_EQ(json::get_bool(doc, "parked"), true);
    EXPECT_EQ(json::get_bool(doc, "truncated"), false);
    const auto* notice = json::get_object(doc, "notice");
    ASSERT_NE(notice, nullptr) << "the notice row is an object, not a string";
    EXPECT_EQ(json::get_string(*notice, "suspension_type").value_or(""), "TS");
    const auto* events = json::get_array(doc, "events");
    ASSERT_NE(events, nullptr);
    ASSERT_EQ(events->Size(), 3u);
    const auto& c = (*events)[0];
    for (const char* k : {"at", "kind", "commandId", "commandType", "source", "officer", "requestId", "outcome", "appCode",
                          "message", "topic", "partition", "offset", "replayOf", "changes", "deadLetterId", "reason",
                          "error", "status", "action", "operator"})
        EXPECT_TRUE(c.HasMember(k)) << k;
    EXPECT_EQ(json::get_string(c, "at").value_or(""), "2026-03-10T09:00:00.000000+08:00");
    EXPECT_EQ(json::get_string(c, "message").value_or(""), "ok \"quoted\"");
    EXPECT_EQ(json::get_int(c, "partition"), 2);
    EXPECT_EQ(json::get_int(c, "offset"), 15);
    const auto* ro = json::get_object(c, "replayOf");
    ASSERT_NE(ro, nullptr);
    EXPECT_EQ(json::get_int(*ro, "offset"), 3);
    const auto* ch = json::get_object(c, "changes");
    ASSERT_NE(ch, nullptr);
    const auto* st = json::get_object(*ch, "suspension_type");
    ASSERT_NE(st, nullptr);
    EXPECT_TRUE((*st)["before"].IsNull());
    EXPECT_EQ(json::get_string(*st, "after").value_or(""), "TS");
    EXPECT_TRUE(c["deadLetterId"].IsNull());
    EXPECT_TRUE(c["action"].IsNull());

    const auto& d = (*events)[1];
    EXPECT_EQ(json::get_string(d, "kind").value_or(""), "dead-letter");
    EXPECT_EQ(json::get_int(d, "deadLetterId"), 7);
    EXPECT_EQ(json::get_int(d, "offset"), 0) << "offset 0 is a real offset";
    EXPECT_TRUE(d["replayOf"].IsNull());
    EXPECT_TRUE(d["commandId"].IsNull());

    const auto& s = (*events)[2];
    EXPECT_EQ(json::get_string(s, "operator").value_or(""), "JANE");
    EXPECT_TRUE(s["partition"].IsNull()) << "no position: null, not -1";
    ASSERT_NE(json::get_object(s, "detail"), nullptr);
}

TEST(SupportJson, HistoryOfAnUnknownNotice) {
    NoticeHistory h;
    h.notice_no = "NOPE";
    auto doc = parse_ok(to_json(h));
    EXPECT_TRUE(doc["notice"].IsNull());
    EXPECT_EQ(json::get_array(doc, "events")->Size(), 0u);
}

TEST(SupportJson, DeadLettersWithoutTheOriginalBytes) {
    DeadLetter d;
    d.id = 12;
    d.command_id = "";
    d.notice_no = "500500303J";
    d.reason = "json";
    d.error = "offset 0: Invalid value.";
    d.source_topic = "ocms.cmd.suspension";
    d.source_partition = 3;
    d.source_offset = 99;
    d.status = "OPEN";
    d.dead_lettered_at = *parse_iso("2026-03-10T09:00:00");
    d.original = "{not json";
    auto doc = parse_ok(to_json(std::vector<DeadLetter>{d}));
    const auto* list = json::get_array(doc, "deadLetters");
    ASSERT_NE(list, nullptr);
    ASSERT_EQ(list->Size(), 1u);
    const auto& e = (*list)[0];
    EXPECT_EQ(json::get_int(e, "id"), 12);
    EXPECT_TRUE(e["commandId"].IsNull());
    EXPECT_EQ(json::get_string(e, "sourceTopic").value_or(""), "ocms.cmd.suspension");
    EXPECT_EQ(json::get_int(e, "sourcePartition"), 3);
    EXPECT_EQ(json::get_int(e, "sourceOffset"), 99);
    EXPECT_EQ(json::get_string(e, "deadLetteredAt").value_or(""), "2026-03-10T09:00:00.000000+08:00");
    EXPECT_EQ(json::get_string(e, "status").value_or(""), "OPEN");
    EXPECT_FALSE(e.HasMember("original"));
}

TEST(SupportJson, ParkedNoticesWithTheirCommandsInOrder) {
    ParkedNotice p;
    p.notice_no = "500500303J";
    p.parked_at = *parse_iso("2026-03-10T09:00:00");
    p.reason = "42P01 relation missing";
    p.first_command_id = "cmd-1";
    p.retry_requested_at = *parse_iso("2026-03-10T10:00:00");
    p.retry_requested_by = "JANE";
    p.commands = {{1, "cmd-1", "suspension.apply", "42P01 relation missing", "PARKED", p.parked_at},
                  {2, "cmd-2", "revival.apply", "queued behind cmd-1", "PARKED", p.parked_at}};
    auto doc = parse_ok(to_json(std::vector<ParkedNotice>{p}));
    const auto& n = (*json::get_array(doc, "notices"))[0];
    EXPECT_EQ(json::get_string(n, "retryRequestedBy").value_or(""), "JANE");
    EXPECT_EQ(json::get_string(n, "retryRequestedAt").value_or(""), "2026-03-10T10:00:00.000000+08:00");
    EXPECT_TRUE(n["lastRetryAt"].IsNull());
    EXPECT_TRUE(n["lastRetryError"].IsNull());
    const auto* cmds = json::get_array(n, "commands");
    ASSERT_EQ(cmds->Size(), 2u);
    EXPECT_EQ(json::get_int((*cmds)[0], "parkedId"), 1);
    EXPECT_EQ(json::get_string((*cmds)[1], "commandId").value_or(""), "cmd-2");
    EXPECT_EQ(json::get_string((*cmds)[1], "reason").value_or(""), "queued behind cmd-1");
}

TEST(SupportJson, RunCounts) {
    RunCounts c;
    c.read = 10;
    c.matched = 8;
    c.would_apply = 2;
    c.inbox_answers = 6;
    c.failed = 1;
    auto doc = parse_ok(to_json(c));
    EXPECT_EQ(json::get_int(doc, "read"), 10);
    EXPECT_EQ(json::get_int(doc, "wouldApply"), 2);
    EXPECT_EQ(json::get_int(doc, "inboxAnswers"), 6);
    EXPECT_EQ(json::get_int(doc, "failed"), 1);
}

}  // namespace
}  // namespace ocms::support
