// Faults on the command path: the worker killed with SIGKILL in the middle of a load, and the
// worker down while requests arrive. Services are stopped and started through infra/ only.
#include "support.hpp"

#include "messages/messages.hpp"

#include <gtest/gtest.h>

#include <atomic>
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
