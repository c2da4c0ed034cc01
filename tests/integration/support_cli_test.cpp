// Support staff's tools against the real broker and database (issue 8): ocms-replay history,
// dlq list/discard, parked list/retry/discard, governed replay and redrive (recorded runs, dry
// runs, a chosen dead letter redriven), the edge's structured run, and ocms-scheduler's purge.
#include "support.hpp"

#include "core/ids.hpp"
#include "core/time.hpp"
#include "messages/messages.hpp"
#include "replay.hpp"
#include "support/support_store.hpp"

#include <gtest/gtest.h>

#include <random>

namespace ocms::test {
namespace {

using namespace std::chrono_literals;

struct Run {
    int exit_code = -1;
    std::string out;  // stdout and stderr
};

// Runs a command line from the repository root and returns its output and exit status.
Run run(const std::string& cmd) {
    std::string out = sh_output(cmd + " 2>&1; echo \"@exit=$?\"");
    Run r;
    auto at = out.rfind("@exit=");
    if (at != std::string::npos) {
        r.exit_code = std::stoi(out.substr(at + 6));
        out.erase(at);
    }
    r.out = std::move(out);
    return r;
}
Run replay(const std::string& args) { return run("\"$OCMS_BIN/ocms-replay\" " + args); }

std::string quote(const std::string& s) { return "'" + s + "'"; }

// An ISO time a little before now: bounds a replay to what this test published.
std::string recent(std::chrono::seconds back = 120s) { return format_offset(system_now() - back); }

std::unique_ptr<pg::Connection> support_db() {
    auto c = pg::Connection::connect(env("OCMS_SUPPORT_PG_URL"));
    if (!c) throw std::runtime_error("support role: " + c.error().message);
    return std::move(*c);
}

// A source offset no real message has (each test row needs its own, the table is unique on it).
long long fake_offset() {
    static std::mt19937_64 rng{std::random_device{}()};
    return 9'000'000'000'000LL + static_cast<long long>(rng() % 1'000'000'000'000ULL);
}

long long last_run_id() { return scalar(*readonly_db(), "SELECT coalesce(max(run_id), 0) FROM ocms_replay_run"); }

TEST(SupportCli, HistoryShowsTheNoticesCommandsInOrder) {
    auto notice = make_notices(1)[0];
    auto res = post_authed("/v1/staff-apply-suspension", staff_body({notice}));
    ASSERT_EQ(res.status, 200) << res.body;
    auto db = readonly_db();
    bool audited = eventually(
        [&] { return scalar(*db, "SELECT count(*) FROM ocms_command_audit WHERE notice_no = $1", {notice}) > 0; }, 30s);
    if (!audited) {
        // The worker does not write audit rows (yet): the history still reads what is there.
        ADD_FAILURE() << "the worker wrote no ocms_command_audit row for " << notice << " in 30 s";
        return;
    }
    auto table = replay("history " + notice);
    ASSERT_EQ(table.exit_code, 0) << table.out;
    EXPECT_NE(table.out.find("notice " + notice), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("suspension.apply"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("applied"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("changes:"), std::string::npos) << table.out;

    auto js = replay("history " + notice + " --json");
    ASSERT_EQ(js.exit_code, 0) << js.out;
    auto doc = json::parse(js.out);
    ASSERT_TRUE(doc) << js.out;
    EXPECT_EQ(json::get_string(*doc, "noticeNo").value_or(""), notice);
    const auto* n = json::get_object(*doc, "notice");
    ASSERT_NE(n, nullptr) << "the notice row is embedded as an object";
    EXPECT_EQ(json::get_string(*n, "notice_no").value_or(""), notice);
    const auto* events = json::get_array(*doc, "events");
    ASSERT_NE(events, nullptr);
    ASSERT_GE(events->Size(), 1u);
    const auto& e = (*events)[0];
    EXPECT_EQ(json::get_string(e, "kind").value_or(""), "command");
    EXPECT_EQ(json::get_string(e, "commandType").value_or(""), "suspension.apply");
    EXPECT_EQ(json::get_string(e, "outcome").value_or(""), "applied");
    EXPECT_NE(json::get_object(e, "changes"), nullptr) << "changes are an object: " << js.out;

    // The library the edge calls, timed: indexed reads.
    auto sdb = support_db();
    auto t0 = std::chrono::steady_clock::now();
    auto h = support::history(*sdb, notice);
    auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_TRUE(h) << h.error().message;
    EXPECT_TRUE(h->notice_exists);
    EXPECT_LT(took, 100ms);
}

TEST(SupportCli, DeadLettersAreListedAndDiscardedWithAReason) {
    const std::string notice = "TDLQ" + new_uuid().substr(0, 6);
    const long long off = fake_offset();
    owner_exec(
        "INSERT INTO ocms_dead_letter (command_id, notice_no, command_type, reason, error, source_topic, "
        "source_partition, source_offset, original, dead_lettered_at) VALUES ($1, $2, 'suspension.apply', 'schema', "
        "'payload: suspensionType must be a string', 'ocms.cmd.suspension', 0, $3, convert_to('{}', 'UTF8'), now())",
        {new_uuid(), notice, std::to_string(off)});
    long long id = scalar(*readonly_db(), "SELECT dead_letter_id FROM ocms_dead_letter WHERE notice_no = $1", {notice});
    ASSERT_GT(id, 0);

    auto list = replay("dlq list --json");
    ASSERT_EQ(list.exit_code, 0) << list.out;
    auto doc = json::parse(list.out);
    ASSERT_TRUE(doc) << list.out;
    bool listed = false;
    for (const auto& d : json::get_array(*doc, "deadLetters")->GetArray())
        if (json::get_int(d, "id") == id) {
            listed = true;
            EXPECT_EQ(json::get_string(d, "noticeNo").value_or(""), notice);
            EXPECT_EQ(json::get_string(d, "status").value_or(""), "OPEN");
            EXPECT_EQ(json::get_int(d, "sourceOffset"), off);
        }
    EXPECT_TRUE(listed) << list.out;
    EXPECT_NE(replay("dlq list").out.find(notice), std::string::npos);

    auto no_reason = replay("dlq discard " + std::to_string(id) + " --operator JANE");
    EXPECT_EQ(no_reason.exit_code, 64) << no_reason.out;
    EXPECT_EQ(text("SELECT status FROM ocms_dead_letter WHERE dead_letter_id = $1", {std::to_string(id)}), "OPEN");

    auto discard = replay("dlq discard " + std::to_string(id) + " --operator JANE --reason 'duplicate of INC-7'");
    ASSERT_EQ(discard.exit_code, 0) << discard.out;
    EXPECT_EQ(text("SELECT status || '/' || resolved_by || '/' || resolved_reason FROM ocms_dead_letter WHERE dead_letter_id = $1",
                   {std::to_string(id)}),
              "DISCARDED/JANE/duplicate of INC-7");
    EXPECT_EQ(scalar(*readonly_db(),
                     "SELECT count(*) FROM ocms_support_action WHERE action = 'discard' AND notice_no = $1 AND operator = 'JANE'",
                     {notice}),
              1);
    EXPECT_EQ(replay("dlq discard " + std::to_string(id) + " --operator JANE --reason again").exit_code, 1)
        << "a dead letter is discarded once";
    EXPECT_NE(replay("history " + notice).out.find("discard"), std::string::npos);
}

TEST(SupportCli, ParkedNoticesAreListedRetriedAndDiscarded) {
    auto notice = make_notices(1)[0];
    const std::string first = new_uuid(), second = new_uuid();
    // As a worker parks them: the first failed, the second queued behind it. Valid commands, so a
    // worker that honours the retry applies them and unparks the notice.
    owner_exec("INSERT INTO ocms_parked_notice (notice_no, parked_at, reason, first_command_id) "
               "VALUES ($1, now(), '42P01 relation missing (test)', $2)",
               {notice, first});
    for (const auto& [id, why] : {std::pair{first, std::string("42P01 relation missing (test)")},
                                  std::pair{second, "queued behind " + first}})
        owner_exec("INSERT INTO ocms_parked_command (notice_no, command_id, command_type, source_topic, source_partition, "
                   "source_offset, envelope, reason, parked_at) VALUES ($1, $2, 'suspension.apply', 'ocms.cmd.suspension', "
                   "0, $3, convert_to($4, 'UTF8'), $5, now())",
                   {notice, id, std::to_string(fake_offset()), command_json(id, notice), why});

    auto list = replay("parked list --json");
    ASSERT_EQ(list.exit_code, 0) << list.out;
    auto doc = json::parse(list.out);
    ASSERT_TRUE(doc) << list.out;
    const json::Value* mine = nullptr;
    for (const auto& n : json::get_array(*doc, "notices")->GetArray())
        if (json::get_string(n, "noticeNo").value_or("") == notice) mine = &n;
    ASSERT_NE(mine, nullptr) << list.out;
    const auto* cmds = json::get_array(*mine, "commands");
    ASSERT_EQ(cmds->Size(), 2u);
    EXPECT_EQ(json::get_string((*cmds)[0], "commandId").value_or(""), first) << "in the order they will be applied";
    EXPECT_EQ(json::get_string((*cmds)[1], "commandId").value_or(""), second);
    EXPECT_NE(replay("parked list").out.find(notice), std::string::npos);
    EXPECT_NE(replay("history " + notice).out.find("PARKED"), std::string::npos);

    EXPECT_EQ(replay("parked discard " + second + " --reason x").exit_code, 64) << "no operator";
    auto discard = replay("parked discard " + second + " --operator JANE --reason 'superseded by INC-9'");
    ASSERT_EQ(discard.exit_code, 0) << discard.out;
    EXPECT_EQ(text("SELECT status || '/' || resolved_by FROM ocms_parked_command WHERE command_id = $1", {second}),
              "DISCARDED/JANE");
    EXPECT_EQ(replay("parked discard " + second + " --operator JANE --reason again").exit_code, 1);

    auto retry = replay("parked retry " + notice + " --operator JANE --reason 'reference row restored'");
    ASSERT_EQ(retry.exit_code, 0) << retry.out;
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db,
                     "SELECT count(*) FROM ocms_support_action WHERE notice_no = $1 AND operator = 'JANE' AND "
                     "((action = 'retry' AND reason = 'reference row restored') OR (action = 'discard' AND command_id = $2))",
                     {notice, second}),
              2);
    EXPECT_EQ(replay("parked retry TNOTPARKED0 --operator JANE --reason x").exit_code, 1);

    // The worker takes the retry from here (helper A's part); leave no test rows behind.
    eventually([&] { return scalar(*db, "SELECT count(*) FROM ocms_parked_notice WHERE notice_no = $1", {notice}) == 0; }, 15s);
    owner_exec("DELETE FROM ocms_parked_command WHERE notice_no = $1", {notice});
    owner_exec("DELETE FROM ocms_parked_notice WHERE notice_no = $1", {notice});
}

TEST(SupportCli, AReplayWithoutOperatorOrReasonIsRefusedAndNotRun) {
    long long runs = last_run_id();
    auto before = high_watermarks(messages::kTopicSuspension);
    auto r = replay("replay --topic ocms.cmd.suspension --from-time " + quote(recent()));
    EXPECT_EQ(r.exit_code, 64) << r.out;
    EXPECT_NE(r.out.find("--operator NAME and --reason TEXT"), std::string::npos) << r.out;
    r = replay("redrive --dead-letter 1 --operator JANE");
    EXPECT_EQ(r.exit_code, 64) << r.out;
    EXPECT_EQ(last_run_id(), runs) << "nothing was recorded, nothing ran";
    EXPECT_EQ(high_watermarks(messages::kTopicSuspension), before);
}

TEST(SupportCli, ADryRunIsRecordedWithItsCounts) {
    const auto from = recent();
    auto notices = make_notices(2);
    auto res = post_authed("/v1/staff-apply-suspension", staff_body(notices));
    ASSERT_EQ(res.status, 200) << res.body;
    ASSERT_TRUE(wait_group_caught_up(messages::kTopicSuspension, 60s));
    auto before = high_watermarks(messages::kTopicSuspension);

    auto r = replay("replay --topic ocms.cmd.suspension --from-time " + quote(from) + " --key " + notices[0] + " --key " +
                    notices[1] + " --dry-run --operator JANE --reason 'INC-42 preview'");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("inbox answers OCMS-2000 (no change)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("replay (dry run)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("would apply again 0, inbox would answer 2"), std::string::npos) << r.out;
    EXPECT_EQ(high_watermarks(messages::kTopicSuspension), before) << "a dry run publishes nothing";

    auto db = readonly_db();
    long long run_id = last_run_id();
    auto row = db->exec("SELECT kind, operator, reason, dry_run, status, counts->>'matched', counts->>'inboxAnswers', "
                        "counts->>'wouldApply', filter->>'topic', jsonb_array_length(filter->'noticeNos'), filter ? 'fromTime' "
                        "FROM ocms_replay_run WHERE run_id = $1",
                        {std::to_string(run_id)});
    ASSERT_TRUE(row && row->rows() == 1);
    EXPECT_EQ(row->get(0, 0), "replay");
    EXPECT_EQ(row->get(0, 1), "JANE");
    EXPECT_EQ(row->get(0, 2), "INC-42 preview");
    EXPECT_EQ(row->get(0, 3), "t");
    EXPECT_EQ(row->get(0, 4), "DONE");
    EXPECT_EQ(row->get(0, 5), "2");
    EXPECT_EQ(row->get(0, 6), "2");
    EXPECT_EQ(row->get(0, 7), "0");
    EXPECT_EQ(row->get(0, 8), "ocms.cmd.suspension");
    EXPECT_EQ(row->get(0, 9), "2");
    EXPECT_EQ(row->get(0, 10), "t");

    // The same, bounded and structured, as the edge's console runs it.
    replay::Options o;
    o.mode = "replay";
    o.brokers = env("OCMS_KAFKA_BROKERS");
    o.pg_url = env("OCMS_SUPPORT_PG_URL");
    o.topic = messages::kTopicSuspension;
    o.from_time_ms = to_micros(*parse_iso(from)) / 1000;
    o.keys = {notices[0], notices[1]};
    o.max_messages = 1;
    o.dry_run = true;
    o.new_ids = true;
    o.operator_name = "JANE";
    o.reason = "console preview";
    auto s = replay::run_structured(o);
    ASSERT_EQ(s.exit_code, 0) << s.error;
    EXPECT_GT(s.run_id, run_id);
    EXPECT_EQ(s.counts.matched, 1) << "bounded by max_messages";
    ASSERT_EQ(s.items.size(), 1u);
    EXPECT_TRUE(s.items[0].would_apply) << "new ids are applied again";
    EXPECT_EQ(s.items[0].type, "suspension.apply");
    EXPECT_TRUE(s.items[0].key == notices[0] || s.items[0].key == notices[1]);
    EXPECT_EQ(high_watermarks(messages::kTopicSuspension), before);
}

// Waits for the worker's dead-letter row of a message published to notice's key.
long long wait_dead_letter(const std::string& notice, long long after_id, std::chrono::seconds timeout) {
    auto db = readonly_db();
    long long id = 0;
    eventually(
        [&] {
            id = scalar(*db, "SELECT coalesce(min(dead_letter_id), 0) FROM ocms_dead_letter WHERE notice_no = $1 AND dead_letter_id > $2",
                        {notice, std::to_string(after_id)});
            return id > 0;
        },
        timeout);
    return id;
}

TEST(SupportCli, AChosenDeadLetterIsRedrivenWithTheReplayMarker) {
    auto notice = make_notices(1)[0];
    std::string poison = command_json(new_uuid(), notice);
    poison.replace(poison.find("\"suspensionType\":\"TS\""), 21, "\"suspensionType\":42");
    ASSERT_EQ(kcat_publish(messages::kTopicSuspension, notice, poison), 0);
    long long id = wait_dead_letter(notice, 0, 60s);
    ASSERT_GT(id, 0) << "the worker wrote no ocms_dead_letter row for the poison message of " << notice;
    auto db = readonly_db();
    auto src = db->exec("SELECT source_topic, source_partition, source_offset FROM ocms_dead_letter WHERE dead_letter_id = $1",
                        {std::to_string(id)});
    ASSERT_TRUE(src && src->rows() == 1);
    const std::string src_topic(src->get(0, 0));
    const long long src_part = src->get_int(0, 1), src_off = src->get_int(0, 2);

    auto dry = replay("redrive --dead-letter " + std::to_string(id) + " --dry-run --operator JANE --reason 'INC-50 preview'");
    ASSERT_EQ(dry.exit_code, 0) << dry.out;
    EXPECT_NE(dry.out.find("deadLetter=" + std::to_string(id)), std::string::npos) << dry.out;
    EXPECT_NE(dry.out.find("would apply"), std::string::npos) << dry.out;
    EXPECT_EQ(text("SELECT status FROM ocms_dead_letter WHERE dead_letter_id = $1", {std::to_string(id)}), "OPEN");

    auto from = high_watermarks(src_topic);
    auto dlq_from = high_watermarks(messages::kTopicDlq);
    auto r = replay("redrive --dead-letter " + std::to_string(id) + " --operator JANE --reason 'INC-50 schema fixed'");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("published 1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("dead letters marked REDRIVEN 1"), std::string::npos) << r.out;
    long long run_id = last_run_id();
    EXPECT_EQ(text("SELECT status || '/' || resolved_by || '/' || replay_run_id FROM ocms_dead_letter WHERE dead_letter_id = $1",
                   {std::to_string(id)}),
              "REDRIVEN/JANE/" + std::to_string(run_id));
    EXPECT_EQ(text("SELECT kind || '/' || status || '/' || (counts->>'published') FROM ocms_replay_run WHERE run_id = $1",
                   {std::to_string(run_id)}),
              "redrive/DONE/1");
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_support_action WHERE action = 'redrive' AND notice_no = $1", {notice}), 1);

    // Its original bytes went back to the source topic with the replay-of marker and a fresh trace.
    std::string trace;
    bool seen = scan_topic(
        src_topic, from,
        [&](const kafka::Message& m) {
            auto doc = json::parse(m.value());
            if (!doc || !doc->IsObject()) return false;
            const auto* ro = json::get_object(*doc, "replayOf");
            if (!ro || json::get_int(*ro, "offset").value_or(-1) != src_off ||
                json::get_int(*ro, "partition").value_or(-1) != src_part)
                return false;
            EXPECT_EQ(std::string(m.key()), notice);
            EXPECT_EQ(m.header("ocms-replay-of").value_or(""),
                      src_topic + "/" + std::to_string(src_part) + "@" + std::to_string(src_off));
            trace = std::string(json::get_string(*doc, "traceId").value_or(""));
            return true;
        },
        30s);
    EXPECT_TRUE(seen) << "the redriven message is not on " << src_topic;
    EXPECT_FALSE(trace.empty());

    // Still poison: the worker dead-letters it again, as a new row. A redrive of the dead-letter
    // topic's range skips the dead letter already redriven and marks the OPEN one.
    long long again = wait_dead_letter(notice, id, 60s);
    ASSERT_GT(again, id) << "the redriven poison message was not dead-lettered again";
    const long long again_off =
        scalar(*db, "SELECT source_offset FROM ocms_dead_letter WHERE dead_letter_id = $1", {std::to_string(again)});
    ASSERT_TRUE(scan_topic(
        messages::kTopicDlq, dlq_from,
        [&](const kafka::Message& m) {
            auto doc = json::parse(m.value());
            return doc && doc->IsObject() && json::get_int(*doc, "offset").value_or(-1) == again_off &&
                   json::get_string(*doc, "key").value_or("") == notice;
        },
        30s))
        << "the second dead letter is not on " << messages::kTopicDlq;
    auto range = replay("redrive --from-time " + quote(recent(300s)) + " --key " + notice +
                        " --operator JANE --reason 'INC-50 range'");
    ASSERT_EQ(range.exit_code, 0) << range.out;
    EXPECT_NE(range.out.find("dead letter " + std::to_string(id) + " is REDRIVEN"), std::string::npos) << range.out;
    EXPECT_NE(range.out.find("published 1,"), std::string::npos) << range.out;
    EXPECT_EQ(text("SELECT status || '/' || replay_run_id FROM ocms_dead_letter WHERE dead_letter_id = $1",
                   {std::to_string(again)}),
              "REDRIVEN/" + std::to_string(last_run_id()));
    // The messages this published are dead-lettered again; discard what stays OPEN of this notice.
    std::this_thread::sleep_for(2s);
    auto sdb = support_db();
    auto open = support::dead_letters(*sdb, "OPEN", 1000);
    ASSERT_TRUE(open);
    std::vector<std::int64_t> mine;
    for (const auto& d : *open)
        if (d.notice_no == notice) mine.push_back(d.id);
    ASSERT_TRUE(support::resolve_dead_letters(*sdb, mine, "DISCARDED", "integration-test", "clean-up", std::nullopt));
}

TEST(SupportCli, PurgeDeletesOldRowsAndRefusesAShortRetention) {
    const std::string tag = new_uuid().substr(0, 8);
    const std::string old_id = "purge-old-" + tag, new_id = "purge-new-" + tag;
    const std::string notice = "TPRG" + tag.substr(0, 6);
    auto inbox = [&](const std::string& id, const char* age) {
        owner_exec(std::string("INSERT INTO ocms_command_inbox (command_id, command_type, notice_no, app_code, reply, processed_at) "
                               "VALUES ($1, 'suspension.apply', $2, 'OCMS-2000', '{}'::jsonb, now() - interval '") +
                       age + "')",
                   {id, notice});
    };
    inbox(old_id, "40 days");
    inbox(new_id, "1 day");
    owner_exec("INSERT INTO ocms_command_audit (command_id, notice_no, command_type, topic, kafka_partition, kafka_offset, "
               "outcome, processed_at) VALUES ($1, $2, 'suspension.apply', 'ocms.cmd.suspension', 0, 1, 'applied', "
               "now() - interval '40 days')",
               {old_id, notice});
    auto dead_letter = [&](const char* status, const char* command_id) {
        owner_exec("INSERT INTO ocms_dead_letter (command_id, notice_no, reason, error, source_topic, source_partition, "
                   "source_offset, original, dead_lettered_at, status, resolved_at) VALUES ($1, $2, 'json', 'x', "
                   "'ocms.cmd.suspension', 0, $3, '\\x00', now() - interval '40 days', $4, "
                   "CASE WHEN $4 = 'OPEN' THEN NULL ELSE now() - interval '39 days' END)",
                   {std::string(command_id) + tag, notice, std::to_string(fake_offset()), status});
    };
    dead_letter("DISCARDED", "dl-resolved-");
    dead_letter("OPEN", "dl-open-");
    auto parked_command = [&](const char* status, const char* command_id) {
        owner_exec("INSERT INTO ocms_parked_command (notice_no, command_id, command_type, source_topic, source_partition, "
                   "source_offset, envelope, reason, parked_at, status, resolved_at) VALUES ($1, $2, 'suspension.apply', "
                   "'ocms.cmd.suspension', 0, 1, '\\x00', 'test', now() - interval '40 days', $3, "
                   "CASE WHEN $3 = 'PARKED' THEN NULL ELSE now() - interval '39 days' END)",
                   {notice, std::string(command_id) + tag, status});
    };
    parked_command("APPLIED", "pc-applied-");
    parked_command("PARKED", "pc-parked-");

    const std::string scheduler = "OCMS_TOPIC_RETENTION_MS=604800000 \"$OCMS_BIN/ocms-scheduler\" run purge";
    // Shorter than the topics' 7 days: refused, nothing deleted.
    auto refused = run("OCMS_RETENTION_DAYS=3 " + scheduler);
    EXPECT_EQ(refused.exit_code, 2) << refused.out;
    EXPECT_NE(refused.out.find("purge refused"), std::string::npos) << refused.out;
    EXPECT_NE(refused.out.find("twice"), std::string::npos) << refused.out;
    auto unknown = run("env -u OCMS_TOPIC_RETENTION_MS OCMS_RETENTION_DAYS=30 \"$OCMS_BIN/ocms-scheduler\" run purge");
    EXPECT_EQ(unknown.exit_code, 2) << unknown.out;
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_command_inbox WHERE command_id = $1", {old_id}), 1);

    long long actions = scalar(*db, "SELECT coalesce(max(action_id), 0) FROM ocms_support_action");
    auto purged = run("OCMS_RETENTION_DAYS=30 OCMS_PURGE_BATCH=1 " + scheduler);
    ASSERT_EQ(purged.exit_code, 0) << purged.out;
    EXPECT_NE(purged.out.find("purge finished"), std::string::npos) << purged.out;
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_command_inbox WHERE command_id = $1", {old_id}), 0);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_command_inbox WHERE command_id = $1", {new_id}), 1) << "young rows stay";
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_command_audit WHERE command_id = $1", {old_id}), 0);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_dead_letter WHERE command_id = $1", {"dl-resolved-" + tag}), 0);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_dead_letter WHERE command_id = $1", {"dl-open-" + tag}), 1)
        << "an OPEN dead letter is never purged";
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_parked_command WHERE command_id = $1", {"pc-applied-" + tag}), 0);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_parked_command WHERE command_id = $1", {"pc-parked-" + tag}), 1)
        << "a PARKED command is never purged";
    auto action = db->exec("SELECT operator, (detail->>'inbox')::bigint, (detail->>'deadLetters')::bigint, "
                           "(detail->>'retentionDays')::int FROM ocms_support_action WHERE action = 'purge' AND action_id > $1",
                           {std::to_string(actions)});
    ASSERT_TRUE(action && action->rows() == 1);
    EXPECT_EQ(action->get(0, 0), "ocms-scheduler");
    EXPECT_GE(action->get_int(0, 1), 1);
    EXPECT_GE(action->get_int(0, 2), 1);
    EXPECT_EQ(action->get_int(0, 3), 30);

    owner_exec("DELETE FROM ocms_command_inbox WHERE command_id = $1", {new_id});
    owner_exec("DELETE FROM ocms_dead_letter WHERE command_id = $1", {"dl-open-" + tag});
    owner_exec("DELETE FROM ocms_parked_command WHERE command_id = $1", {"pc-parked-" + tag});
}

}  // namespace
}  // namespace ocms::test
