// Faults on the command path: the worker killed with SIGKILL in the middle of a load and inside a
// batch's transaction, and the worker down while requests arrive. Services are stopped and
// started through infra/ only.
#include "support.hpp"

#include "messages/messages.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <future>
#include <map>
#include <mutex>
#include <thread>

namespace ocms::test {
namespace {

using namespace std::chrono_literals;

bool outcome_complete(const std::string& request_id, int expected_success) {
    auto res = post_authed("/v1/request-outcome", R"({"requestId":")" + request_id + R"("})");
    if (res.status != 200) return false;
    auto doc = res.json();
    return std::string(doc["status"].GetString()) == "COMPLETE" && doc["successCount"].GetInt() == expected_success;
}

class Crash : public ::testing::Test {
protected:
    void TearDown() override {
        // Whatever happened, leave a worker running for the next test.
        sh("infra/run --only worker >/dev/null 2>&1");
    }
};

TEST_F(Crash, KillMinus9OfTheWorkerMidLoadLosesNothingAndAppliesNothingTwice) {
    constexpr int kRequests = 100, kPerRequest = 10, kClients = 4;
    auto notices = make_notices(kRequests * kPerRequest);
    std::atomic<int> next{0}, answered{0}, http_errors{0};
    std::mutex mu;
    std::vector<std::string> pending_requests;
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
        clients.emplace_back([&] {
            for (int i = next++; i < kRequests; i = next++) {
                std::vector<std::string> batch(notices.begin() + i * kPerRequest,
                                               notices.begin() + (i + 1) * kPerRequest);
                HttpResponse res;
                try {
                    res = post_authed("/v1/staff-apply-suspension", staff_body(batch));
                } catch (const std::exception& e) {
                    ++http_errors;
                    ADD_FAILURE() << "request " << i << " got no answer: " << e.what();
                    continue;
                }
                if (res.status == 200 || res.status == 202) {
                    ++answered;
                    if (res.status == 202) {
                        std::lock_guard lk(mu);
                        pending_requests.push_back(res.json()["requestId"].GetString());
                    }
                } else {
                    ++http_errors;
                    ADD_FAILURE() << "request " << i << " answered " << res.status << ": " << res.body;
                }
            }
        });
    }
    // Kill the worker once the load is under way, then bring it back.
    ASSERT_TRUE(eventually([&] { return answered.load() >= 15; }, 60s));
    ASSERT_EQ(sh("kill -9 \"$(cat .data/run/worker.pid)\""), 0);
    std::this_thread::sleep_for(1500ms);
    ASSERT_EQ(sh("infra/run --only worker >/dev/null 2>&1"), 0);
    for (auto& t : clients) t.join();

    EXPECT_EQ(answered.load(), kRequests) << "every request must be answered";
    EXPECT_EQ(http_errors.load(), 0);
    auto db = readonly_db();
    const std::string prefix = notices[0].substr(0, 5) + "%";
    ASSERT_TRUE(eventually(
        [&] {
            return scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no LIKE $1", {prefix}) >=
                   kRequests * kPerRequest;
        },
        120s));
    ASSERT_TRUE(wait_group_caught_up(messages::kTopicSuspension, 120s));
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no LIKE $1", {prefix}),
              kRequests * kPerRequest)
        << "exactly one suspension record per notice";
    EXPECT_EQ(scalar(*db, "SELECT count(DISTINCT notice_no) FROM ocms_suspended_notice WHERE notice_no LIKE $1", {prefix}),
              kRequests * kPerRequest);
    EXPECT_EQ(scalar(*db, "SELECT count(*) - count(DISTINCT sr_no) FROM ocms_suspended_notice"), 0) << "no sr_no twice";
    for (const auto& id : pending_requests)
        EXPECT_TRUE(eventually([&] { return outcome_complete(id, kPerRequest); }, 60s)) << "request " << id;
    std::cout << "[crash] requests answered " << answered.load() << " (" << pending_requests.size()
              << " with pending notices, fetched later), suspension records "
              << scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no LIKE $1", {prefix}) << "\n";
}

// SIGTERM (what infra/stop and an orchestrator send) is taken by the worker's signal thread, which
// stops the consumer threads after their batch, rather than by the signal's default action, an
// abrupt exit (a helper thread started before the signal mask once let that happen).
TEST_F(Crash, SigtermStopsTheWorkerCleanly) {
    const std::string log = "\"$OCMS_DATA/log/ocms-worker.log\"";
    const long long before = std::stoll(sh_output("wc -c < " + log));
    ASSERT_EQ(sh("infra/stop worker >/dev/null 2>&1"), 0);
    const std::string tail = sh_output("tail -c +" + std::to_string(before + 1) + " " + log);
    EXPECT_NE(tail.find("stopping on signal"), std::string::npos) << tail;
    EXPECT_NE(tail.find("worker stopped"), std::string::npos) << tail;
}

// n fresh notices that the edge's producer (murmur2_random on the notice number, as every OCMS
// publisher: common/kafka) puts on one partition of topic, in the order made: one worker thread
// polls them, and sent together they arrive in one batch. Makes n per partition, so that one
// partition surely holds n of them; the others stay unused.
std::vector<std::string> notices_on_one_partition(int n, const std::string& topic) {
    const int partitions = int(high_watermarks(topic).size());
    std::map<int, std::vector<std::string>> by_partition;
    for (auto& no : make_notices(n * partitions)) {
        auto& on = by_partition[rd_kafka_msg_partitioner_murmur2(nullptr, no.data(), no.size(), partitions, nullptr,
                                                                  nullptr)];
        on.push_back(no);
        if (int(on.size()) == n) return on;
    }
    throw std::logic_error("unreachable: n * partitions notices put n on some partition");
}

// {a,b,...}: a text[] parameter (notice numbers are [A-Z0-9]).
std::string pg_array(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "{" : ",") + i;
    return out + "}";
}

// A BEFORE INSERT trigger on ocms_suspended_notice that, for one notice, writes into its session's
// application_name "<name> <records this transaction inserted> <notices already TS>" (counted
// among `batch`) and then sleeps: the transaction inserting the notice stays open, in the middle
// of its writes, for `seconds`. pg_stat_activity shows other sessions' wait_event and
// application_name only to their own role: watch it as ocms_worker (OCMS_WORKER_PG_URL).
class SleepOnInsert {
public:
    SleepOnInsert(const std::string& notice, const std::vector<std::string>& batch, int seconds) {
        for (char c : notice) name_ += char(std::tolower(static_cast<unsigned char>(c)));
        name_ = "crash_sleep_" + name_;
        const std::string among = "notice_no = ANY('" + pg_array(batch) + "'::text[])";  // [A-Z0-9] only
        owner_exec("CREATE FUNCTION " + name_ + "() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
                   "PERFORM set_config('application_name', '" + name_ + " ' || "
                   "(SELECT count(*) FROM ocms_suspended_notice WHERE " + among +
                   " AND xmin = pg_current_xact_id()::xid) || ' ' || "
                   "(SELECT count(*) FROM ocms_valid_offence_notice WHERE " + among +
                   " AND suspension_type IS NOT NULL), true); "
                   "PERFORM pg_sleep(" + std::to_string(seconds) + "); RETURN NEW; END $f$");
        owner_exec("CREATE TRIGGER " + name_ + " BEFORE INSERT ON ocms_suspended_notice FOR EACH ROW "
                   "WHEN (NEW.notice_no = '" + notice + "') EXECUTE FUNCTION " + name_ + "()");
    }
    // Waits for a transaction holding the table (one still sleeping in it) to end.
    void drop() {
        if (name_.empty()) return;
        owner_exec("DROP TRIGGER IF EXISTS " + name_ + " ON ocms_suspended_notice");
        owner_exec("DROP FUNCTION IF EXISTS " + name_ + "()");
        name_.clear();
    }
    ~SleepOnInsert() {
        try {
            drop();
        } catch (const std::exception& e) {
            ADD_FAILURE() << "could not drop the injected sleep " << name_ << ": " << e.what();
        }
    }
    const std::string& name() const { return name_; }
    SleepOnInsert(const SleepOnInsert&) = delete;
    SleepOnInsert& operator=(const SleepOnInsert&) = delete;

private:
    std::string name_;
};

// kill -9 of the worker while a batch's transaction is certainly open, in the middle of its
// writes (a trigger holds it inside the INSERT of the suspension records): nothing of that batch
// is ever visible (the transaction dies with its session; the worker commits offsets only after
// its COMMIT), and the restarted worker, given the batch again, applies each command exactly once.
TEST_F(Crash, KillMinus9InsideABatchTransactionRollsTheWholeBatchBackAndTheRestartAppliesItOnce) {
    constexpr int kNotices = 10, kSleeper = 5, kSleepSeconds = 6;
    const auto notices = notices_on_one_partition(kNotices, messages::kTopicSuspension);
    const std::string all = pg_array(notices);
    auto db = readonly_db();
    // What store::write_ts sets on VON and on its internet-zone copy (schemas/sql/0001_core.sql).
    auto suspension_columns = [&](const std::string& table, const std::string& columns) {
        return text("SELECT string_agg(concat_ws(' ', " + columns + "), ' | ' ORDER BY notice_no) FROM " + table +
                        " WHERE notice_no = ANY($1::text[])",
                    {all});
    };
    auto von = [&] {
        return suspension_columns("ocms_valid_offence_notice",
                                  "notice_no, coalesce(suspension_type, '-'), coalesce(due_date_of_revival::text, '-'), "
                                  "is_sync, coalesce(upd_date::text, '-'), coalesce(upd_user_id, '-')");
    };
    auto ez = [&] {
        return suspension_columns("eocms_valid_offence_notice",
                                  "notice_no, coalesce(suspension_type, '-'), coalesce(due_date_of_revival::text, '-'), "
                                  "coalesce(upd_date::text, '-'), coalesce(upd_user_id, '-')");
    };
    const std::string von_before = von(), ez_before = ez();
    auto watcher = pg::Connection::connect(env("OCMS_WORKER_PG_URL"));
    ASSERT_TRUE(watcher) << watcher.error().message;
    const auto dlq_from = high_watermarks(messages::kTopicDlq);

    // The batch's one transaction (consumers/worker/processor.cpp, the fast path; one wave, each
    // notice has one command): BEGIN, the reference version, the inbox preflight, the ten VON
    // rows locked FOR UPDATE, then store::write_ts, ONE statement: the INSERT of the ten
    // suspension records in the batch's order, with the UPDATEs of VON and of the internet-zone
    // copies in data-modifying CTEs, which PostgreSQL runs after the INSERT (the main query does
    // not read them). At the 6th record the trigger sleeps: records 1 to 5 are written in the
    // transaction (sr_no taken from the sequence), VON and the copies are not yet updated, and
    // the inbox and audit rows and the COMMIT are still to come. The sleep is shorter than the
    // edge's deadline (8 s): without the kill the batch would commit and be answered in time.
    SleepOnInsert sleep(notices[kSleeper], notices, kSleepSeconds);
    auto answer = std::async(std::launch::async,
                             [&] { return post_authed("/v1/staff-apply-suspension", staff_body(notices)); });
    std::string pid, inside;
    ASSERT_TRUE(eventually(
        [&] {
            auto r = (*watcher)->exec("SELECT pid::text, application_name FROM pg_stat_activity "
                                      "WHERE wait_event = 'PgSleep' AND application_name LIKE $1",
                                      {sleep.name() + " %"});
            if (!r || r->rows() != 1) return false;
            pid = std::string(r->get(0, 0));
            inside = std::string(r->get(0, 1));
            return true;
        },
        30s))
        << "the worker's transaction never reached the injected sleep";
    ASSERT_EQ(sh("kill -9 \"$(cat .data/run/worker.pid)\""), 0);
    const auto killed_at = std::chrono::steady_clock::now();
    // Inside the transaction, at the kill: the five records before the sleeping notice's (all ten
    // notices are in this one batch), none of the notices TS yet.
    EXPECT_EQ(inside, sleep.name() + " " + std::to_string(kSleeper) + " 0")
        << "records written by the transaction, notices TS";

    // The session outlives its client until the sleep ends; then it finds the client gone and
    // aborts (it can never get a COMMIT). Meanwhile and after, nothing of it is visible. Not
    // pg_terminate_backend: the owner may not signal the worker's sessions, and letting the sleep
    // end shows kill -9 alone is enough; it costs nothing, the edge answers at 8 s anyway.
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = ANY($1::text[])", {all}), 0);
    ASSERT_TRUE(eventually(
        [&] {
            return scalar(**watcher,
                          "SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int AND xact_start IS NOT NULL",
                          {pid}) == 0;
        },
        60s))
        << "the killed worker's transaction (session " << pid << ") did not end";
    const auto session_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed_at).count();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = ANY($1::text[])", {all}), 0);
    EXPECT_EQ(von(), von_before) << "VON changed by the killed batch";
    EXPECT_EQ(ez(), ez_before) << "internet-zone copies changed by the killed batch";
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_command_inbox WHERE notice_no = ANY($1::text[])", {all}), 0);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_command_audit WHERE notice_no = ANY($1::text[])", {all}), 0);
    sleep.drop();  // the session is gone: nothing holds the table

    // The edge answers at its deadline: all ten on the topic, none applied.
    auto res = answer.get();
    ASSERT_EQ(res.status, 202) << "the batch was applied before the kill: " << res.body;
    auto doc = res.json();
    EXPECT_EQ(doc["pendingCount"].GetInt(), kNotices) << res.body;
    EXPECT_EQ(doc["successCount"].GetInt(), 0) << res.body;
    for (const auto& item : doc["results"].GetArray())
        EXPECT_EQ(std::string(item["appCode"].GetString()), "OCMS-2002") << res.body;
    const std::string request_id = doc["requestId"].GetString();
    EXPECT_FALSE(outcome_complete(request_id, kNotices));

    // The restarted worker gets the batch again (no offset was committed) and applies it once.
    ASSERT_EQ(sh("infra/run --only worker >/dev/null 2>&1"), 0);
    EXPECT_TRUE(eventually([&] { return outcome_complete(request_id, kNotices); }, 90s)) << "request " << request_id;
    ASSERT_TRUE(wait_group_caught_up(messages::kTopicSuspension, 120s));
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = ANY($1::text[])", {all}),
              kNotices)
        << "exactly one suspension record per notice";
    EXPECT_EQ(scalar(*db, "SELECT count(DISTINCT notice_no) FROM ocms_suspended_notice WHERE notice_no = ANY($1::text[])",
                     {all}),
              kNotices);
    EXPECT_EQ(scalar(*db, "SELECT count(DISTINCT sr_no) FROM ocms_suspended_notice WHERE notice_no = ANY($1::text[])",
                     {all}),
              kNotices);
    EXPECT_EQ(scalar(*db, "SELECT count(*) - count(DISTINCT sr_no) FROM ocms_suspended_notice"), 0) << "no sr_no twice";
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no = ANY($1::text[]) "
                          "AND suspension_type = 'TS'",
                     {all}),
              kNotices);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_command_inbox WHERE notice_no = ANY($1::text[])", {all}), kNotices);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_command_audit WHERE notice_no = ANY($1::text[]) "
                          "AND outcome = 'applied'",
                     {all}),
              kNotices)
        << "each command applied once";
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_parked_notice WHERE notice_no = ANY($1::text[])", {all}), 0);
    EXPECT_FALSE(scan_topic(
        messages::kTopicDlq, dlq_from,
        [&](const kafka::Message& m) {
            return std::find(notices.begin(), notices.end(), std::string(m.key())) != notices.end();
        },
        3s))
        << "a notice of the batch was dead-lettered";
    std::cout << "[crash] killed inside the batch (" << inside << "); its session ended " << session_ms
              << " ms after the kill; the restart applied request " << request_id << " once\n";
}

TEST_F(Crash, WorkerDownMeansPendingWithinTheDeadlineThenTheOutcomeLater) {
    ASSERT_EQ(sh("infra/stop worker >/dev/null 2>&1"), 0);
    auto notices = make_notices(2);
    auto started = std::chrono::steady_clock::now();
    auto res = post_authed("/v1/staff-apply-suspension", staff_body(notices));
    auto took = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(res.status, 202) << res.body;
    EXPECT_LT(took, 20s);
    auto doc = res.json();
    EXPECT_EQ(doc["pendingCount"].GetInt(), 2);
    std::string request_id = doc["requestId"].GetString();
    EXPECT_EQ(std::string(doc["results"][0]["appCode"].GetString()), "OCMS-2002");
    EXPECT_FALSE(outcome_complete(request_id, 2));

    ASSERT_EQ(sh("infra/run --only worker >/dev/null 2>&1"), 0);
    EXPECT_TRUE(eventually([&] { return outcome_complete(request_id, 2); }, 60s));
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = ANY($1::text[])",
                     {"{" + notices[0] + "," + notices[1] + "}"}),
              2);
}

}  // namespace
}  // namespace ocms::test
