// RevivalApiClient (spec 004 1.4) against a stand-in edge on 127.0.0.1: the body it sends, the
// bearer token, the per-notice results, and the internal retry policy (3 attempts, 2 s then 4 s
// plus 0-15 % jitter, OCMS-9999 after). Waits are recorded, not slept.
#include "jobs/revival_client.hpp"
#include "../http/local_servers.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

namespace ocms::jobs {
namespace {

using std::chrono::milliseconds;
using http::test::LocalHttpServer;
using http::test::Reply;
using http::test::Request;

struct RecordingSleeper {
    std::shared_ptr<std::mutex> mu = std::make_shared<std::mutex>();
    std::shared_ptr<std::vector<milliseconds>> waits = std::make_shared<std::vector<milliseconds>>();
    http::Sleeper sleeper() const {
        return [mu = mu, waits = waits](milliseconds d) {
            std::lock_guard lock(*mu);
            waits->push_back(d);
        };
    }
    std::vector<milliseconds> recorded() const {
        std::lock_guard lock(*mu);
        return *waits;
    }
};

class FixedToken final : public http::TokenProvider {
public:
    Result<std::string> current_token() override { return std::string("internal-token"); }
    Result<std::string> refresh_token() override { return std::string("internal-token"); }
};

constexpr const char* kBatchOk =
    R"({"totalProcessed":2,"successCount":1,"errorCount":1,"requestId":"r-1","results":[)"
    R"({"noticeNo":"500500303J","appCode":"OCMS-2000","message":"TS revived"},)"
    R"({"noticeNo":"500500304K","appCode":"OCMS-4006","message":"No active suspension"}]})";

RevivalApiRequest two_notices() {
    RevivalApiRequest r;
    r.notice_nos = {"500500303J", "500500304K"};
    r.revival_remarks = "Suspension period over";
    r.officer = "ocmsizmgr";
    r.revival_source = kRevivalSourceOcms;
    return r;
}

struct RevivalClient : ::testing::Test {
    RecordingSleeper sleeps;
    RevivalClientOptions options(std::string base_url) {
        RevivalClientOptions o;
        o.base_url = std::move(base_url);
        o.tokens = std::make_shared<FixedToken>();
        o.sleep = sleeps.sleeper();
        o.timeout = milliseconds{2'000};
        return o;  // retry: RetryPolicy::internal_api(), the spec's
    }
};

TEST_F(RevivalClient, DefaultPolicyIsTheSpecs) {
    RevivalClientOptions o;
    EXPECT_EQ(o.retry.attempts(), 3);
    EXPECT_EQ(o.retry.initial_delay, milliseconds{2'000});
    EXPECT_EQ(o.retry.max_delay, milliseconds{30'000});
}

TEST_F(RevivalClient, RequestBodyHasTheSpecsFields) {
    auto body = RevivalApiClient::request_body(two_notices());
    EXPECT_EQ(body, R"({"noticeNos":["500500303J","500500304K"],"revivalRemarks":"Suspension period over",)"
                    R"("officerAuthorisingRevival":"ocmsizmgr","revivalSource":"004"})");
    auto no_remarks = two_notices();
    no_remarks.revival_remarks.reset();
    EXPECT_EQ(RevivalApiClient::request_body(no_remarks).find("revivalRemarks"), std::string::npos);
}

TEST_F(RevivalClient, SuccessReturnsThePerNoticeResults) {
    LocalHttpServer server([](const Request&) { return Reply::ok(kBatchOk); });
    RevivalApiClient client(options(server.url("")));
    auto res = client.apply_revival(two_notices());
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->http_status, 200);
    EXPECT_EQ(res->request_id, "r-1");
    EXPECT_EQ(res->total_processed, 2);
    EXPECT_EQ(res->success_count, 1);
    EXPECT_EQ(res->error_count, 1);
    ASSERT_EQ(res->results.size(), 2u);
    EXPECT_EQ(res->results[0].notice_no, "500500303J");
    EXPECT_EQ(res->results[0].app_code, codes::kSuccess);
    EXPECT_EQ(res->results[1].app_code, AppCode("OCMS-4006"));
    EXPECT_EQ(res->results[1].message, "No active suspension");

    auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].method, "POST");
    EXPECT_EQ(reqs[0].path, "/ocms/v1/suspension/apply-revival");
    EXPECT_EQ(reqs[0].header("Authorization").value_or(""), "Bearer internal-token");
    EXPECT_EQ(reqs[0].body, RevivalApiClient::request_body(two_notices()));
    EXPECT_TRUE(sleeps.recorded().empty());
}

TEST_F(RevivalClient, Unavailable503TwiceThenSuccess) {
    std::atomic<int> n{0};
    LocalHttpServer server([&](const Request&) { return ++n <= 2 ? Reply::with(503, "busy") : Reply::ok(kBatchOk); });
    RevivalApiClient client(options(server.url("")));
    auto res = client.apply_revival(two_notices());
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->results.size(), 2u);
    EXPECT_EQ(server.count("/ocms/v1/suspension/apply-revival"), 3u);
    auto w = sleeps.recorded();
    ASSERT_EQ(w.size(), 2u);
    EXPECT_GE(w[0], milliseconds{2'000});
    EXPECT_LE(w[0], milliseconds{2'300});
    EXPECT_GE(w[1], milliseconds{4'000});
    EXPECT_LE(w[1], milliseconds{4'600});
}

TEST_F(RevivalClient, UnreachableThreeAttemptsThenApiError) {
    RevivalApiClient client(options("http://127.0.0.1:" + std::to_string(http::test::closed_port())));
    auto res = client.apply_revival(two_notices());
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, codes::kApiError);
    EXPECT_EQ(sleeps.recorded().size(), 2u);  // 3 attempts: 2 waits
    auto w = sleeps.recorded();
    EXPECT_GE(w[0], milliseconds{2'000});
    EXPECT_LE(w[1], milliseconds{4'600});
}

TEST_F(RevivalClient, UnreachableCountsAttemptsOnAStandIn) {
    // The same through a server that cuts every connection: the attempts are counted.
    LocalHttpServer server([](const Request&) { return Reply::close(); });
    RevivalApiClient client(options(server.url("")));
    auto res = client.apply_revival(two_notices());
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, codes::kApiError);
    EXPECT_EQ(server.count("/ocms/v1/suspension/apply-revival"), 3u);
}

TEST_F(RevivalClient, RefusalIsTheEdgesCodeWithoutRetry) {
    LocalHttpServer server([](const Request&) {
        return Reply::with(400, R"({"data":{"appCode":"OCMS-4000","message":"Invalid request: noticeNos"}})");
    });
    RevivalApiClient client(options(server.url("")));
    auto res = client.apply_revival(two_notices());
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, codes::kBadRequest);
    EXPECT_EQ(res.error().message, "Invalid request: noticeNos");
    EXPECT_EQ(server.count("/ocms/v1/suspension/apply-revival"), 1u);
}

TEST_F(RevivalClient, OverriddenPolicyForTests) {
    auto o = options("http://127.0.0.1:" + std::to_string(http::test::closed_port()));
    o.retry = http::RetryPolicy::exponential(2, milliseconds{10}, milliseconds{10}, 2.0, 0.0);
    RevivalApiClient client(o);
    ASSERT_FALSE(client.apply_revival(two_notices()));
    EXPECT_EQ(sleeps.recorded(), std::vector<milliseconds>{milliseconds{10}});
}

}  // namespace
}  // namespace ocms::jobs
