// The worker's side of issue 8 against the real broker and database: every command leaves an
// ocms_command_audit row (with the notice fields it changed), poison messages become
// ocms_dead_letter rows as well as dead-letter topic messages, and a command that fails for a
// reason that is not a business rule parks its notice: later commands of that notice queue
// behind it (OCMS-2002), other notices go on, and a retry requested by support (the role
// ocms_support) applies the queue in order. Commands are published with kcat, as other OCMS
// systems do; faults are injected with a trigger (as tests/integration/ts_codes_test.cpp does).
#include "support.hpp"

#include "core/ids.hpp"
#include "messages/messages.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <thread>

namespace ocms::test {
namespace {

using namespace std::chrono_literals;

// A suspension.apply envelope from an internal system (source OCMS), with a request id, a trace
// id and a reply-to partition of ocms.reply that the test reads (no edge waits for it).
constexpr int kReplyPartition = 3;
std::string ts_command(const std::string& id, const std::string& notice, const std::string& reason,
                       const std::string& extra_envelope = "") {
    return R"({"commandId":")" + id +
           R"(","type":"suspension.apply","schemaVersion":1,"issuedAt":"2026-01-10T09:00:00+08:00",)"
           R"("source":"OCMS","officer":"SUPPORTTEST","requestId":"req-)" + id + R"(","traceId":"trace-)" + id +
           R"(","replyTo":{"topic":"ocms.reply","partition":)" + std::to_string(kReplyPartition) + "}" +
           extra_envelope + R"(,"payload":{"noticeNo":")" + notice +
           R"(","suspensionType":"TS","reasonOfSuspension":")" + reason +
           R"(","officerAuthorisingSuspension":"SUPPORTTEST"}})";
}

void publish(const std::string& notice, const std::string& value) {
    ASSERT_EQ(kcat_publish(messages::kTopicSuspension, notice, value), 0);
}

long long count(const std::string& sql, const pg::Params& params) {
    auto db = readonly_db();
    return scalar(*db, sql, params);
}

// Waits for the n-th audit row of a command; returns its outcome and app code as "outcome code".
std::string audited(const std::string& command_id, int nth = 1) {
    eventually([&] { return count("SELECT count(*) FROM ocms_command_audit WHERE command_id = $1", {command_id}) >= nth; },
               30s);
    return text("SELECT outcome || ' ' || coalesce(app_code, '-') FROM ocms_command_audit WHERE command_id = $1 "
                "ORDER BY audit_id OFFSET $2 LIMIT 1",
                {command_id, std::to_string(nth - 1)});
}

// The reply to a command on ocms.reply since `from`: "appCode message".
std::string reply_of(const std::map<int, long long>& from, const std::string& command_id) {
    std::string out;
    scan_topic(
        messages::kTopicReply, from,
        [&](const kafka::Message& m) {
            if (m.key() != command_id) return false;
            auto doc = json::parse(m.value());
            if (!doc) return false;
            out = std::string(json::get_string(*doc, "appCode").value_or("")) + " " +
                  std::string(json::get_string(*doc, "message").value_or(""));
            return true;
        },
        30s);
    return out;
}

// A trigger (owner role) that makes every INSERT into ocms_suspended_notice for the notice fail
// with SQLSTATE P0001; dropped when it goes out of scope or by remove().
class InsertFault {
public:
    explicit InsertFault(const std::string& notice) {
        for (char c : notice) name_ += char(std::tolower(static_cast<unsigned char>(c)));
        name_ = "support_fault_" + name_;
        owner_exec("CREATE FUNCTION " + name_ + "() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
                   "RAISE EXCEPTION 'injected fault for %', NEW.notice_no; END $f$");
        owner_exec("CREATE TRIGGER " + name_ + " BEFORE INSERT ON ocms_suspended_notice FOR EACH ROW "
                   "WHEN (NEW.notice_no = '" + notice + "') EXECUTE FUNCTION " + name_ + "()");  // [A-Z0-9] only
    }
    void remove() {
        if (name_.empty()) return;
        owner_exec("DROP TRIGGER IF EXISTS " + name_ + " ON ocms_suspended_notice");
        owner_exec("DROP FUNCTION IF EXISTS " + name_ + "()");
        name_.clear();
    }
    ~InsertFault() {
        try {
            remove();
        } catch (const std::exception& e) {
            ADD_FAILURE() << "could not drop the injected fault: " << e.what();
        }
    }
    InsertFault(const InsertFault&) = delete;
    InsertFault& operator=(const InsertFault&) = delete;

private:
    std::string name_;
};

// Support's side, as the role ocms_support (what ocms-replay and the console use): proves the
// grants of 0006 are enough to retry and to discard.
std::unique_ptr<pg::Connection> support_db() {
    auto c = pg::Connection::connect(env("OCMS_SUPPORT_PG_URL"));
    if (!c) throw std::runtime_error("cannot connect as ocms_support: " + c.error().message);
    return std::move(*c);
}
void support_exec(const std::string& sql, const pg::Params& params) {
    auto db = support_db();
    auto r = db->exec(sql, params);
    if (!r) throw std::runtime_error("support statement failed: " + r.error().message + " in " + sql);
}
void request_retry(const std::string& notice) {
    support_exec("UPDATE ocms_parked_notice SET retry_requested_at = clock_timestamp(), retry_requested_by = "
                 "'support-worker-test', retry_reason = 'fault removed' WHERE notice_no = $1",
                 {notice});
}

long long parked(const std::string& notice) {
    return count("SELECT count(*) FROM ocms_parked_notice WHERE notice_no = $1", {notice});
}

// The value of a metric line of the worker's /metrics ("name" or "name{labels}"); -1 if absent.
double metric(const std::string& series) {
    std::string listen = std::getenv("OCMS_WORKER_METRICS_LISTEN") ? std::getenv("OCMS_WORKER_METRICS_LISTEN")
                                                                   : "127.0.0.1:9101";
    std::string body = sh_output("curl -s --max-time 5 http://" + listen + "/metrics");
    std::size_t at = 0;
    while ((at = body.find(series + " ", at)) != std::string::npos) {
        if (at == 0 || body[at - 1] == '\n') return std::stod(body.substr(at + series.size() + 1));
        at += series.size();
    }
    return -1;
}

// ---- audit ------------------------------------------------------------------------------------

TEST(SupportWorker, AnAppliedCommandIsAuditedWithItsChangesBeforeAndAfter) {
    auto n = make_notices(1, "RD1")[0];
    const std::string id = "sw-" + new_uuid();
    publish(n, ts_command(id, n, "ACR"));
    ASSERT_EQ(audited(id), "applied OCMS-2000");
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db,
                     "SELECT count(*) FROM ocms_command_audit WHERE command_id = $1 AND notice_no = $2 AND "
                     "command_type = 'suspension.apply' AND source = 'OCMS' AND officer = 'SUPPORTTEST' AND "
                     "request_id = 'req-' || $1 AND trace_id = 'trace-' || $1 AND replay_of IS NULL AND "
                     "topic = 'ocms.cmd.suspension' AND kafka_partition >= 0 AND kafka_offset >= 0 AND "
                     "message = 'TS Success' AND processed_at > now() - interval '5 minutes'",
                     {id, n}),
              1)
        << text("SELECT row_to_json(a)::text FROM ocms_command_audit a WHERE command_id = $1", {id});
    // The VON fields the TS changed, with their values before and after; bookkeeping left out.
    EXPECT_EQ(text("SELECT changes -> 'suspension_type' FROM ocms_command_audit WHERE command_id = $1", {id}),
              R"({"after": "TS", "before": null})");
    EXPECT_EQ(text("SELECT (changes -> 'due_date_of_revival' ->> 'after')::timestamptz = v.due_date_of_revival "
                   "FROM ocms_command_audit a JOIN ocms_valid_offence_notice v USING (notice_no) WHERE command_id = $1",
                   {id}),
              "t");
    EXPECT_EQ(text("SELECT changes ? 'due_date_of_revival' AND NOT changes ?| array['upd_date', 'upd_user_id', "
                   "'is_sync', 'vehicle_no'] FROM ocms_command_audit WHERE command_id = $1",
                   {id}),
              "t");
}

TEST(SupportWorker, ARefusedCommandIsAuditedWithoutChanges) {
    auto n = make_notices(1, "RD1")[0];
    const std::string id = "sw-" + new_uuid();
    publish(n, ts_command(id, n, "ZZZ"));  // no such TS code: OCMS-4000, nothing changes
    ASSERT_EQ(audited(id), "refused OCMS-4000");
    EXPECT_EQ(count("SELECT count(*) FROM ocms_command_audit WHERE command_id = $1 AND changes IS NULL", {id}), 1);
}

TEST(SupportWorker, ARedeliveredCommandIsAuditedAsAnsweredFromTheInbox) {
    auto n = make_notices(1, "RD1")[0];
    const std::string id = "sw-" + new_uuid();
    publish(n, ts_command(id, n, "ACR"));
    ASSERT_EQ(audited(id), "applied OCMS-2000");
    // The same command again, as a replay publishes it (replay-of marker).
    publish(n, ts_command(id, n, "ACR", R"(,"replayOf":{"topic":"ocms.cmd.suspension","partition":1,"offset":42})"));
    ASSERT_EQ(audited(id, 2), "inbox OCMS-2000");
    EXPECT_EQ(text("SELECT replay_of::text FROM ocms_command_audit WHERE command_id = $1 AND outcome = 'inbox'", {id}),
              R"({"topic": "ocms.cmd.suspension", "offset": 42, "partition": 1})");
    EXPECT_EQ(count("SELECT count(*) FROM ocms_command_audit WHERE command_id = $1 AND outcome = 'inbox' AND "
                    "changes IS NULL",
                    {id}),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = $1", {n}), 1);
}

// ---- dead letters -----------------------------------------------------------------------------

TEST(SupportWorker, APoisonMessageIsADeadLetterRowAndOnTheDeadLetterTopic) {
    auto n = make_notices(1, "RD1")[0];
    auto dlq_from = high_watermarks(messages::kTopicDlq);
    const std::string poison = "not a command " + new_uuid();
    const std::string bad_id = "sw-" + new_uuid();
    std::string bad = ts_command(bad_id, n, "ACR");
    bad.replace(bad.find("\"suspensionType\":\"TS\""), 21, "\"suspensionType\":42");
    publish(n, poison);
    publish(n, bad);
    ASSERT_TRUE(eventually(
        [&] { return count("SELECT count(*) FROM ocms_dead_letter WHERE notice_no = $1", {n}) == 2; }, 30s));
    EXPECT_EQ(count("SELECT count(*) FROM ocms_dead_letter WHERE notice_no = $1 AND reason = 'json' AND command_id IS NULL "
                    "AND original = convert_to($2, 'UTF8') AND source_topic = 'ocms.cmd.suspension' AND status = 'OPEN'",
                    {n, poison}),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_dead_letter WHERE notice_no = $1 AND reason = 'schema' AND command_id = $2 "
                    "AND command_type = 'suspension.apply' AND original = convert_to($3, 'UTF8')",
                    {n, bad_id, bad}),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_command_audit WHERE notice_no = $1 AND outcome = 'dead-lettered'", {n}), 2);
    // The caller of the schema-invalid command is answered; nothing is applied.
    EXPECT_EQ(text("SELECT app_code FROM ocms_command_audit WHERE command_id = $1", {bad_id}), "OCMS-4000");
    EXPECT_EQ(count("SELECT count(*) FROM ocms_command_inbox WHERE command_id = $1", {bad_id}), 0);
    // The topic still gets both.
    int seen = 0;
    scan_topic(
        messages::kTopicDlq, dlq_from,
        [&](const kafka::Message& m) {
            if (m.key() == n) ++seen;
            return seen == 2;
        },
        30s);
    EXPECT_EQ(seen, 2);
}

// ---- parking ----------------------------------------------------------------------------------

// One notice fails for a reason that is not a business rule: it parks, the next commands of the
// notice queue behind it, another notice goes on; after the fix a retry applies all three in
// order, and the notice takes commands normally again.
TEST(SupportWorker, AFailedCommandParksItsNoticeAndARetryAppliesTheQueueInOrder) {
    auto notices = make_notices(2, "RD1");
    const std::string p = notices[0], other = notices[1];
    auto reply_from = high_watermarks(messages::kTopicReply);
    auto dlq_from = high_watermarks(messages::kTopicDlq);
    const double queued_before = metric("ocms_commands_parked_total{kind=\"queued\"}");
    const double applied_retries_before = metric("ocms_parked_retries_total{result=\"applied\"}");
    // Revival days 7, 14, 21 (SYS, MHA, ACR for source OCMS): in order each one extends the TS and
    // gets its own record; out of order a shorter one would be answered OCMS-2001.
    const std::vector<std::string> ids{"sw-" + new_uuid(), "sw-" + new_uuid(), "sw-" + new_uuid()};
    const std::vector<std::string> reasons{"SYS", "MHA", "ACR"};
    const std::string other_id = "sw-" + new_uuid();
    InsertFault fault(p);
    for (int i = 0; i < 3; ++i) publish(p, ts_command(ids[i], p, reasons[i]));
    publish(other, ts_command(other_id, other, "ACR"));

    EXPECT_EQ(audited(ids[0]), "parked OCMS-4007");
    EXPECT_EQ(audited(ids[1]), "queued OCMS-2002");
    EXPECT_EQ(audited(ids[2]), "queued OCMS-2002");
    EXPECT_EQ(audited(other_id), "applied OCMS-2000");
    EXPECT_EQ(reply_of(reply_from, ids[0]), "OCMS-4007 System error occurred during processing.");
    const std::string queued_reply =
        "OCMS-2002 Parked: an earlier command of this notice is waiting for support; this one will be applied after it";
    EXPECT_EQ(reply_of(reply_from, ids[1]), queued_reply);
    EXPECT_EQ(reply_of(reply_from, ids[2]), queued_reply);
    EXPECT_EQ(parked(p), 1);
    EXPECT_NE(text("SELECT reason FROM ocms_parked_notice WHERE notice_no = $1", {p}).find("P0001"), std::string::npos);
    EXPECT_EQ(text("SELECT first_command_id FROM ocms_parked_notice WHERE notice_no = $1", {p}), ids[0]);
    EXPECT_EQ(text("SELECT string_agg(command_id || ':' || status || ':' || reason, ',' ORDER BY parked_id) "
                   "FROM ocms_parked_command WHERE notice_no = $1 AND command_id <> $2",
                   {p, ids[0]}),
              ids[1] + ":PARKED:queued behind " + ids[0] + "," + ids[2] + ":PARKED:queued behind " + ids[0]);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_parked_command WHERE command_id = $1 AND status = 'PARKED' AND "
                    "convert_from(envelope, 'UTF8') LIKE '%\"reasonOfSuspension\":\"SYS\"%'",
                    {ids[0]}),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = $1", {p}), 0);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_command_inbox WHERE notice_no = $1", {p}), 0);
    EXPECT_FALSE(scan_topic(messages::kTopicDlq, dlq_from, [&](const kafka::Message& m) { return m.key() == p; }, 3s))
        << "a database fault must park, not dead-letter";
    // A redelivery of a queued command is not queued twice.
    publish(p, ts_command(ids[2], p, reasons[2]));
    EXPECT_EQ(audited(ids[2], 2), "queued OCMS-2002");
    EXPECT_EQ(count("SELECT count(*) FROM ocms_parked_command WHERE command_id = $1", {ids[2]}), 1);
    // The gauges and counters on the worker's /metrics.
    EXPECT_TRUE(eventually([&] { return metric("ocms_parked_notices") >= 1 && metric("ocms_parked_commands") >= 3; }, 10s))
        << "ocms_parked_notices " << metric("ocms_parked_notices") << ", ocms_parked_commands "
        << metric("ocms_parked_commands");
    EXPECT_GE(metric("ocms_commands_parked_total{kind=\"queued\"}"), queued_before + 3);
    EXPECT_GE(metric("ocms_commands_parked_total{kind=\"failed\"}"), 1);

    // The fix, then support asks for a retry.
    fault.remove();
    request_retry(p);
    ASSERT_TRUE(eventually([&] { return parked(p) == 0; }, 30s)) << p << " still parked after the retry";
    for (const auto& id : ids)
        EXPECT_EQ(text("SELECT app_code FROM ocms_command_inbox WHERE command_id = $1", {id}), "OCMS-2000") << id;
    // In order: three records, each later one with a later revival date; audited in that order.
    EXPECT_EQ(text("SELECT string_agg(reason_of_suspension, ',' ORDER BY sr_no) FROM ocms_suspended_notice "
                   "WHERE notice_no = $1",
                   {p}),
              "SYS,MHA,ACR");
    EXPECT_EQ(text("SELECT string_agg(command_id, ',' ORDER BY audit_id) FROM ocms_command_audit "
                   "WHERE notice_no = $1 AND outcome = 'applied'",
                   {p}),
              ids[0] + "," + ids[1] + "," + ids[2]);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_parked_command WHERE notice_no = $1 AND status = 'APPLIED' AND "
                    "resolved_by = 'worker-retry' AND resolved_at IS NOT NULL",
                    {p}),
              3);
    EXPECT_EQ(text("SELECT changes -> 'suspension_type' FROM ocms_command_audit WHERE command_id = $1 AND "
                   "outcome = 'applied'",
                   {ids[0]}),
              R"({"after": "TS", "before": null})");
    // The retry's results are published like a batch's: to the original reply-to.
    EXPECT_TRUE(eventually(
        [&] {
            int ok = 0;
            scan_topic(
                messages::kTopicReply, reply_from,
                [&](const kafka::Message& m) {
                    if (m.key() == ids[2] && m.value().find("\"OCMS-2000\"") != std::string::npos) ++ok;
                    return ok > 0;
                },
                2s);
            return ok > 0;
        },
        20s))
        << "no OCMS-2000 reply for " << ids[2] << " after the retry";
    EXPECT_GE(metric("ocms_parked_retries_total{result=\"applied\"}"), applied_retries_before + 1);

    // The notice takes commands normally again.
    const std::string later = "sw-" + new_uuid();
    publish(p, ts_command(later, p, "UND"));  // 30 days: extends
    EXPECT_EQ(audited(later), "applied OCMS-2000");
    EXPECT_EQ(parked(p), 0);
}

// A retry while the fault is still there keeps the notice parked with the error; support then
// discards the failing command, and the next retry applies the rest without it. A discarded
// command delivered again is not applied either.
TEST(SupportWorker, AFailedRetryStaysParkedAndADiscardedCommandIsSkipped) {
    auto n = make_notices(1, "RD1")[0];
    const std::string bad = "sw-" + new_uuid(), next = "sw-" + new_uuid();
    InsertFault fault(n);
    publish(n, ts_command(bad, n, "SYS"));
    publish(n, ts_command(next, n, "ACR"));
    ASSERT_EQ(audited(bad), "parked OCMS-4007");
    ASSERT_EQ(audited(next), "queued OCMS-2002");
    const double failed_retries_before = metric("ocms_parked_retries_total{result=\"failed\"}");

    request_retry(n);  // the trigger is still there
    ASSERT_TRUE(eventually(
        [&] {
            return count("SELECT count(*) FROM ocms_parked_notice WHERE notice_no = $1 AND last_retry_at IS NOT NULL",
                         {n}) == 1;
        },
        30s));
    EXPECT_EQ(parked(n), 1);
    EXPECT_NE(text("SELECT last_retry_error FROM ocms_parked_notice WHERE notice_no = $1", {n}).find("injected fault"),
              std::string::npos);
    EXPECT_EQ(text("SELECT string_agg(status, ',' ORDER BY parked_id) FROM ocms_parked_command WHERE notice_no = $1", {n}),
              "PARKED,PARKED");
    EXPECT_EQ(audited(bad, 2), "parked OCMS-4007");
    EXPECT_NE(text("SELECT message FROM ocms_command_audit WHERE command_id = $1 ORDER BY audit_id DESC LIMIT 1", {bad})
                  .find("retry failed"),
              std::string::npos);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_command_audit WHERE command_id = $1", {next}), 1);  // not tried
    EXPECT_EQ(count("SELECT count(*) FROM ocms_command_inbox WHERE notice_no = $1", {n}), 0);
    EXPECT_GE(metric("ocms_parked_retries_total{result=\"failed\"}"), failed_retries_before + 1);
    // Not retried again until support asks again.
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_command_audit WHERE command_id = $1", {bad}), 2);

    // Support discards the failing command (it keeps the trigger: the retry must not run it).
    support_exec("UPDATE ocms_parked_command SET status = 'DISCARDED', resolved_at = now(), resolved_by = "
                 "'support-worker-test', resolved_reason = 'wrong code' WHERE command_id = $1",
                 {bad});
    fault.remove();
    request_retry(n);
    ASSERT_TRUE(eventually([&] { return parked(n) == 0; }, 30s)) << n << " still parked";
    EXPECT_EQ(text("SELECT app_code FROM ocms_command_inbox WHERE command_id = $1", {next}), "OCMS-2000");
    EXPECT_EQ(count("SELECT count(*) FROM ocms_command_inbox WHERE command_id = $1", {bad}), 0);
    EXPECT_EQ(text("SELECT string_agg(reason_of_suspension, ',') FROM ocms_suspended_notice WHERE notice_no = $1", {n}),
              "ACR");
    EXPECT_EQ(text("SELECT status FROM ocms_parked_command WHERE command_id = $1", {bad}), "DISCARDED");

    // The discarded command delivered again (a redelivery, a replay) is not applied.
    publish(n, ts_command(bad, n, "SYS"));
    EXPECT_EQ(audited(bad, 3), "refused OCMS-4007");
    EXPECT_EQ(count("SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = $1", {n}), 1);
    EXPECT_EQ(parked(n), 0);
}

}  // namespace
}  // namespace ocms::test
