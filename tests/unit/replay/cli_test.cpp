// producers/replay: argument parsing, the run filter, the replay rewrite and the tables.
#include "cli.hpp"
#include "json/json.hpp"
#include "replay.hpp"

#include <gtest/gtest.h>

namespace ocms::replay {
namespace {

std::expected<cli::Invocation, std::string> parse(std::vector<std::string> args) { return cli::parse(args); }

Options run_options(std::vector<std::string> args) {
    auto inv = parse(std::move(args));
    EXPECT_TRUE(inv.has_value()) << (inv ? "" : inv.error());
    if (!inv || !std::holds_alternative<Options>(*inv)) return {};
    return std::get<Options>(*inv);
}

cli::SupportCommand support_command(std::vector<std::string> args) {
    auto inv = parse(std::move(args));
    EXPECT_TRUE(inv.has_value()) << (inv ? "" : inv.error());
    if (!inv || !std::holds_alternative<cli::SupportCommand>(*inv)) return {};
    return std::get<cli::SupportCommand>(*inv);
}

TEST(ReplayCli, AReplayNeedsAnOperatorAndAReason) {
    auto r = parse({"replay", "--topic", "ocms.cmd.suspension", "--dry-run"});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("--operator NAME and --reason TEXT"), std::string::npos) << r.error();
    r = parse({"replay", "--topic", "ocms.cmd.suspension", "--operator", "JANE"});
    ASSERT_FALSE(r);
    r = parse({"redrive", "--operator", "JANE", "--reason", "  "});
    ASSERT_FALSE(r) << "a blank reason is no reason";
}

TEST(ReplayCli, ParsesAReplay) {
    auto o = run_options({"replay", "--topic", "ocms.cmd.suspension", "--partition", "2", "--partition", "4",
                          "--from-offset", "100", "--to-time", "2026-11-22T09:00:00", "--key", "500500303J",
                          "--outcome", "OCMS-5000", "--limit", "50", "--rate", "20", "--new-ids", "--dry-run",
                          "--operator", "JANE", "--reason", "INC-42 re-check"});
    EXPECT_EQ(o.mode, "replay");
    EXPECT_EQ(o.topic, "ocms.cmd.suspension");
    EXPECT_EQ(o.partitions, (std::vector<std::int32_t>{2, 4}));
    EXPECT_EQ(o.from_offset, 100);
    ASSERT_TRUE(o.to_time_ms);
    EXPECT_EQ(*o.to_time_ms, to_micros(*parse_iso("2026-11-22T09:00:00+08:00")) / 1000);
    EXPECT_TRUE(o.keys.contains("500500303J"));
    EXPECT_TRUE(o.outcome_codes.contains("OCMS-5000"));
    EXPECT_EQ(o.max_messages, 50);
    EXPECT_EQ(o.rate, 20);
    EXPECT_TRUE(o.new_ids);
    EXPECT_TRUE(o.dry_run);
    EXPECT_EQ(o.operator_name, "JANE");
    EXPECT_EQ(o.reason, "INC-42 re-check");
}

TEST(ReplayCli, RejectsWhatCannotRun) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"replay", "--operator", "a", "--reason", "b"},  // no topic
             {"replay", "--topic", "t", "--from-offset", "1", "--from-time", "2026-01-01T00:00:00", "--operator", "a", "--reason", "b"},
             {"replay", "--topic", "t", "--partition", "x", "--operator", "a", "--reason", "b"},
             {"replay", "--topic", "t", "--from-time", "yesterday", "--operator", "a", "--reason", "b"},
             {"replay", "--topic", "t", "--limit", "0", "--operator", "a", "--reason", "b"},
             {"replay", "--topic", "t", "--bogus", "--operator", "a", "--reason", "b"},
             {"redrive", "--new-ids", "--operator", "a", "--reason", "b"},
             {"redrive", "--outcome", "OCMS-5000", "--operator", "a", "--reason", "b"},
             {"redrive", "--dead-letter", "3", "--key", "500500303J", "--operator", "a", "--reason", "b"},
             {"redrive", "--dead-letter", "--operator", "a", "--reason", "b"},
             {"redrive", "--dead-letter", "abc", "--operator", "a", "--reason", "b"},
             {"replay", "--topic", "t", "--dead-letter", "3", "--operator", "a", "--reason", "b"},
             {"frobnicate"},
         }) {
        std::string joined;
        for (const auto& a : args) joined += a + " ";
        EXPECT_FALSE(parse(args)) << joined;
    }
}

TEST(ReplayCli, RedriveOfChosenDeadLetters) {
    auto o = run_options({"redrive", "--dead-letter", "3", "5,8", "--dry-run", "--operator", "a", "--reason", "b"});
    EXPECT_EQ(o.mode, "redrive");
    EXPECT_EQ(o.dead_letter_ids, (std::vector<std::int64_t>{3, 5, 8}));
    EXPECT_TRUE(o.dry_run);
    o = run_options({"redrive", "--operator", "a", "--reason", "b"});
    EXPECT_EQ(o.topic, "ocms.dlq") << "a range redrive reads the dead-letter topic";
}

TEST(ReplayCli, SupportCommands) {
    auto h = support_command({"history", "500500303J", "--limit", "50", "--json"});
    EXPECT_EQ(h.name, "history");
    EXPECT_EQ(h.target, "500500303J");
    EXPECT_EQ(h.limit, 50);
    EXPECT_TRUE(h.json);
    auto l = support_command({"dlq", "list"});
    EXPECT_EQ(l.name, "dlq-list");
    EXPECT_EQ(l.status, "OPEN");
    l = support_command({"dlq", "list", "--status", "ALL"});
    EXPECT_EQ(l.status, "");
    auto d = support_command({"dlq", "discard", "12", "--operator", "JANE", "--reason", "duplicate"});
    EXPECT_EQ(d.name, "dlq-discard");
    EXPECT_EQ(d.target, "12");
    auto r = support_command({"parked", "retry", "500500303J", "--operator", "JANE", "--reason", "fixed"});
    EXPECT_EQ(r.name, "parked-retry");
    auto x = support_command({"parked", "discard", "cmd-1", "--operator", "JANE", "--reason", "bad"});
    EXPECT_EQ(x.name, "parked-discard");
    EXPECT_EQ(x.target, "cmd-1");
    EXPECT_EQ(support_command({"parked", "list", "--json"}).json, true);

    EXPECT_FALSE(parse({"history"}));
    EXPECT_FALSE(parse({"history", "X", "--limit", "0"}));
    EXPECT_FALSE(parse({"dlq", "list", "--status", "NEW"}));
    EXPECT_FALSE(parse({"dlq", "discard", "12", "--operator", "JANE"})) << "no reason";
    EXPECT_FALSE(parse({"dlq", "discard", "twelve", "--operator", "JANE", "--reason", "x"}));
    EXPECT_FALSE(parse({"parked", "retry", "500500303J"})) << "no operator";
    EXPECT_FALSE(parse({"parked", "list", "--operator", "JANE"}));
    EXPECT_FALSE(parse({"dlq", "redrive"}));
}

TEST(ReplayFilter, RecordsWhatApplies) {
    Options o;
    o.mode = "replay";
    o.topic = "ocms.cmd.stage";
    o.partitions = {1};
    o.from_offset = 10;
    o.keys = {"A1", "B2"};
    o.outcome_codes = {"OCMS-5000"};
    o.new_ids = true;
    auto doc = json::parse(filter_json(o));
    ASSERT_TRUE(doc);
    EXPECT_EQ(json::get_string(*doc, "topic").value_or(""), "ocms.cmd.stage");
    EXPECT_EQ(json::get_array(*doc, "partitions")->Size(), 1u);
    EXPECT_EQ(json::get_int(*doc, "fromOffset"), 10);
    EXPECT_FALSE(doc->HasMember("toOffset"));
    EXPECT_EQ(json::get_array(*doc, "noticeNos")->Size(), 2u);
    EXPECT_EQ(json::get_array(*doc, "outcomeCodes")->Size(), 1u);
    EXPECT_EQ(json::get_bool(*doc, "newIds"), true);

    Options d;
    d.mode = "redrive";
    d.dead_letter_ids = {4, 9};
    doc = json::parse(filter_json(d));
    ASSERT_TRUE(doc);
    EXPECT_FALSE(doc->HasMember("topic"));
    EXPECT_EQ(json::get_array(*doc, "deadLetterIds")->Size(), 2u);
}

TEST(ReplayRewrite, MarksTheReplayWithAFreshTraceAndNoReplyTo) {
    const std::string original =
        R"({"commandId":"cmd-12345678","type":"suspension.apply","schemaVersion":1,"issuedAt":"2026-01-10T09:00:00+08:00",)"
        R"("source":"OCMS","officer":"X","traceId":"trace-original","replyTo":{"topic":"ocms.reply","partition":1},)"
        R"("payload":{"noticeNo":"500500303J"}})";
    std::string id, type;
    auto out = rewrite(original, {"ocms.cmd.suspension", 2, 77}, false, id, type);
    ASSERT_TRUE(out);
    EXPECT_EQ(id, "cmd-12345678");
    EXPECT_EQ(type, "suspension.apply");
    auto doc = json::parse(*out);
    ASSERT_TRUE(doc);
    EXPECT_EQ(json::get_string(*doc, "commandId").value_or(""), "cmd-12345678");
    EXPECT_FALSE(doc->HasMember("replyTo"));
    auto trace = json::get_string(*doc, "traceId").value_or("");
    EXPECT_FALSE(trace.empty());
    EXPECT_NE(trace, "trace-original");
    const auto* ro = json::get_object(*doc, "replayOf");
    ASSERT_NE(ro, nullptr);
    EXPECT_EQ(json::get_string(*ro, "topic").value_or(""), "ocms.cmd.suspension");
    EXPECT_EQ(json::get_int(*ro, "partition"), 2);
    EXPECT_EQ(json::get_int(*ro, "offset"), 77);

    std::string id2, type2;
    auto again = rewrite(original, {"ocms.cmd.suspension", 2, 77}, true, id2, type2);
    ASSERT_TRUE(again);
    EXPECT_NE(id2, "cmd-12345678") << "--new-ids re-executes on purpose";
    EXPECT_EQ(json::get_string(*json::parse(*again), "commandId").value_or(""), id2);

    std::string id3, type3;
    EXPECT_FALSE(rewrite("{not json", {"t", 0, 0}, false, id3, type3));
    EXPECT_TRUE(id3.empty());
}

TEST(ReplayTables, ChangesAndHistory) {
    EXPECT_EQ(cli::render_changes(R"({"suspension_type":{"before":null,"after":"TS"},"amount":{"before":70,"after":0}})"),
              "suspension_type: - -> TS; amount: 70 -> 0");
    EXPECT_EQ(cli::render_changes("{}"), "-");

    support::NoticeHistory h;
    h.notice_no = "500500303J";
    h.notice_exists = true;
    h.parked = true;
    support::HistoryEvent e;
    e.at = *parse_iso("2026-03-10T09:00:00");
    e.kind = "command";
    e.command_id = "cmd-1";
    e.command_type = "suspension.apply";
    e.outcome = "applied";
    e.app_code = "OCMS-2000";
    e.message = "Suspension applied";
    e.topic = "ocms.cmd.suspension";
    e.partition = 2;
    e.offset = 15;
    e.replay_of_json = R"({"topic":"ocms.cmd.suspension","partition":2,"offset":3})";
    e.changes_json = R"({"suspension_type":{"before":null,"after":"TS"}})";
    h.events.push_back(e);
    auto text = cli::render_history(h);
    for (const char* part : {"500500303J", "PARKED", "TIME", "2026-03-10T09:00:00", "suspension.apply", "applied",
                             "OCMS-2000", "Suspension applied", "cmd-1", "replay of ocms.cmd.suspension/2@3",
                             "changes: suspension_type: - -> TS"})
        EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
}

TEST(ReplayTables, SummaryAndPreviewLines) {
    Options o;
    o.mode = "replay";
    o.dry_run = true;
    Result r;
    r.run_id = 9;
    r.counts.read = 10;
    r.counts.matched = 8;
    r.counts.would_apply = 3;
    r.counts.inbox_answers = 5;
    auto s = cli::render_summary(o, r);
    for (const char* part : {"replay (dry run): read 10", "matched 8", "failed 0", "would apply again 3",
                             "inbox would answer 5", "(run 9)"})
        EXPECT_NE(s.find(part), std::string::npos) << part << "\n" << s;

    PreviewItem item;
    item.topic = "ocms.cmd.suspension";
    item.partition = 1;
    item.offset = 4;
    item.key = "500500303J";
    item.command_id = "cmd-1";
    item.type = "suspension.apply";
    item.would_apply = false;
    item.inbox_answer = "OCMS-2000";
    EXPECT_NE(cli::render_item(item).find("inbox answers OCMS-2000"), std::string::npos);
    item.inbox_answer.reset();
    item.would_apply = true;
    EXPECT_NE(cli::render_item(item).find("would apply"), std::string::npos);
}

}  // namespace
}  // namespace ocms::replay
