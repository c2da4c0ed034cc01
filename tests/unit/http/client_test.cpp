// HttpClient against a local stand-in server: retry classification, recorded waits, alerts,
// token refresh, thread-safety. Sleeps are recorded, not slept, unless a test says otherwise.
#include "http/client.hpp"
#include "local_servers.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

namespace ocms::http {
namespace {

using std::chrono::milliseconds;
using test::LocalHttpServer;
using test::Reply;
using test::Request;

struct RecordingSleeper {
    std::shared_ptr<std::mutex> mu = std::make_shared<std::mutex>();
    std::shared_ptr<std::vector<milliseconds>> waits = std::make_shared<std::vector<milliseconds>>();
    Sleeper sleeper() const {
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

class RecordingAlertSink final : public AlertSink {
public:
    void alert(const Alert& a) override {
        std::lock_guard lock(mu_);
        alerts_.push_back(a);
    }
    std::vector<Alert> alerts() const {
        std::lock_guard lock(mu_);
        return alerts_;
    }

private:
    mutable std::mutex mu_;
    std::vector<Alert> alerts_;
};

// A provider scripted by the test (the OAuth provider has its own tests and one here).
class FakeTokens final : public TokenProvider {
public:
    Result<std::string> current_result = std::string("good");
    Result<std::string> refresh_result = std::string("good");
    std::atomic<int> refreshes{0};
    Result<std::string> current_token() override { return current_result; }
    Result<std::string> refresh_token() override {
        ++refreshes;
        return refresh_result;
    }
};

// A provider's failure that the token endpoint may answer better later: OCMS-9999, transient.
std::unexpected<Error> token_failure(std::string message) {
    return fail(Error::transient(kApiError, std::move(message)));
}

TimePoint fixed_time() { return *parse_iso("2025-04-12T19:00:02"); }

struct Fixture : ::testing::Test {
    RecordingSleeper sleeps;
    std::shared_ptr<RecordingAlertSink> alerts = std::make_shared<RecordingAlertSink>();

    // Tiny waits: 0, 10, 20, 30 ms (the spec's 4 attempts), recorded not slept.
    ClientOptions options(std::string api = "CAS") {
        ClientOptions o;
        o.api_name = std::move(api);
        o.retry = RetryPolicy::wait_list({milliseconds{0}, milliseconds{10}, milliseconds{20}, milliseconds{30}});
        o.alerts = alerts;
        o.sleep = sleeps.sleeper();
        o.refresh_wait = milliseconds{7};
        o.clock = [] { return fixed_time(); };
        return o;
    }
    static HttpRequest post(std::string url, std::string body = "{}") {
        HttpRequest r;
        r.url = std::move(url);
        r.body = std::move(body);
        r.headers = {{"Content-Type", "application/json"}};
        r.timeout = milliseconds{2'000};
        return r;
    }
    static std::string closed_url(std::string_view path) {
        return "http://127.0.0.1:" + std::to_string(test::closed_port()) + std::string(path);
    }
};

using Client = Fixture;

TEST_F(Client, SuccessOnFirstTry) {
    LocalHttpServer server([](const Request&) {
        Reply r = Reply::ok(R"([{"vehicle_no":"SBA1234A"}])");
        r.headers = {{"X-Trace", "t-1"}};
        return r;
    });
    HttpClient client(options());
    auto res = client.post_json(server.url("/cas/getVipVehicles"), "{}");
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->status, 200);
    EXPECT_TRUE(res->ok());
    EXPECT_EQ(res->body, R"([{"vehicle_no":"SBA1234A"}])");
    EXPECT_EQ(res->header("x-trace"), "t-1");  // case-insensitive
    auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].method, "POST");
    EXPECT_EQ(reqs[0].path, "/cas/getVipVehicles");
    EXPECT_EQ(reqs[0].body, "{}");
    EXPECT_EQ(reqs[0].header("Content-Type"), "application/json");
    EXPECT_FALSE(reqs[0].header("Authorization"));
    EXPECT_TRUE(sleeps.recorded().empty());
    EXPECT_TRUE(alerts->alerts().empty());
}

TEST_F(Client, ConnectionRefusedRetriesWithSpecWaitsThenAlertsOnceAndFails) {
    auto o = options();
    o.retry = RetryPolicy::external_api();  // the real 5/10/15 s, recorded instead of slept
    HttpClient client(o);
    const std::string url = closed_url("/cas/getVipVehicles");
    auto res = client.send(post(url + "?subscription-key=secret"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, kApiError);
    EXPECT_EQ(res.error().code.str(), "OCMS-9999");
    EXPECT_NE(res.error().message.find("retries exhausted after 4 attempts"), std::string::npos) << res.error().message;
    EXPECT_NE(res.error().message.find("connect"), std::string::npos) << res.error().message;
    EXPECT_EQ(sleeps.recorded(), (std::vector<milliseconds>{milliseconds{5'000}, milliseconds{10'000}, milliseconds{15'000}}));
    auto a = alerts->alerts();
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(format_alert_subject(a[0]), "[OCMS-ALERT] External API Connection Failed - CAS");
    EXPECT_EQ(a[0].api_name, "CAS");
    EXPECT_EQ(a[0].endpoint, url);  // query string (keys) removed
    EXPECT_EQ(a[0].retry_count, 3);
    EXPECT_EQ(a[0].timestamp, fixed_time());
    EXPECT_NE(a[0].error.find("connect"), std::string::npos);
}

TEST_F(Client, ConfiguredWaitsAreReallySleptByDefault) {
    LocalHttpServer server([](const Request&) { return Reply::close(); });
    auto o = options();
    o.sleep = nullptr;  // std::this_thread::sleep_for
    HttpClient client(o);
    auto t0 = std::chrono::steady_clock::now();
    auto res = client.send(post(server.url("/x")));
    auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_FALSE(res);
    EXPECT_EQ(server.count("/x"), 4u);
    EXPECT_GE(took, milliseconds{60});
    EXPECT_EQ(alerts->alerts().size(), 1u);
}

TEST_F(Client, ExponentialWaitsWithinJitterAndCappedAtMax) {
    auto o = options("OCMS-SUSPENSION");
    o.retry = RetryPolicy::internal_api();
    o.jitter_seed = 42;
    HttpClient client(o);
    auto res = client.send(post(closed_url("/ocms/v1/suspension/apply-revival")));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, kApiError);
    auto w = sleeps.recorded();
    ASSERT_EQ(w.size(), 2u);  // 3 attempts
    EXPECT_GE(w[0], milliseconds{2'000});
    EXPECT_LE(w[0], milliseconds{2'300});
    EXPECT_GE(w[1], milliseconds{4'000});
    EXPECT_LE(w[1], milliseconds{4'600});
    ASSERT_EQ(alerts->alerts().size(), 1u);
    EXPECT_EQ(alerts->alerts()[0].retry_count, 2);

    RecordingSleeper capped;
    auto o2 = options();
    o2.retry = RetryPolicy::exponential(6, milliseconds{2'000}, milliseconds{5'000});
    o2.sleep = capped.sleeper();
    o2.jitter_seed = 7;
    HttpClient client2(o2);
    ASSERT_FALSE(client2.send(post(closed_url("/x"))));
    auto c = capped.recorded();
    ASSERT_EQ(c.size(), 5u);
    EXPECT_GE(c[0], milliseconds{2'000});
    EXPECT_LE(c[0], milliseconds{2'300});
    EXPECT_GE(c[1], milliseconds{4'000});
    EXPECT_LE(c[1], milliseconds{4'600});
    for (std::size_t i = 2; i < c.size(); ++i) EXPECT_EQ(c[i], milliseconds{5'000}) << i;
}

TEST_F(Client, SameSeedSameJitter) {
    auto run = [&](std::uint64_t seed) {
        RecordingSleeper s;
        auto o = options();
        o.retry = RetryPolicy::internal_api();
        o.sleep = s.sleeper();
        o.jitter_seed = seed;
        HttpClient client(o);
        (void)client.send(post(closed_url("/x")));
        return s.recorded();
    };
    EXPECT_EQ(run(99), run(99));
}

TEST_F(Client, Http503IsRetriedThenSucceeds) {
    std::atomic<int> n{0};
    LocalHttpServer server([&](const Request&) { return ++n == 1 ? Reply::with(503) : Reply::ok(); });
    HttpClient client(options());
    auto res = client.send(post(server.url("/x")));
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(server.count("/x"), 2u);
    EXPECT_EQ(sleeps.recorded(), std::vector<milliseconds>{milliseconds{10}});
    EXPECT_TRUE(alerts->alerts().empty());
}

TEST_F(Client, RetriableStatusesEveryTimeExhaustRetries) {
    for (long status : {429L, 502L, 503L, 504L}) {
        LocalHttpServer server([&](const Request&) { return Reply::with(status, "busy"); });
        auto sink = std::make_shared<RecordingAlertSink>();
        auto o = options();
        o.alerts = sink;
        HttpClient client(o);
        auto res = client.send(post(server.url("/x")));
        ASSERT_FALSE(res) << status;
        EXPECT_EQ(res.error().code, kApiError);
        EXPECT_NE(res.error().message.find("HTTP " + std::to_string(status)), std::string::npos) << res.error().message;
        EXPECT_EQ(server.count("/x"), 4u) << status;
        EXPECT_EQ(sink->alerts().size(), 1u) << status;
    }
}

TEST_F(Client, NonRetriableStatusesAreReturnedAtOnce) {
    for (long status : {400L, 403L, 404L, 409L, 500L}) {
        LocalHttpServer server([&](const Request&) { return Reply::with(status, R"({"error":"x"})"); });
        HttpClient client(options());
        auto res = client.send(post(server.url("/x")));
        ASSERT_TRUE(res) << status;
        EXPECT_EQ(res->status, status);
        EXPECT_FALSE(res->ok());
        EXPECT_EQ(res->body, R"({"error":"x"})");
        EXPECT_EQ(server.count("/x"), 1u) << status;
    }
    EXPECT_TRUE(sleeps.recorded().empty());
    EXPECT_TRUE(alerts->alerts().empty());
}

TEST_F(Client, TimeoutIsRetried) {
    std::atomic<int> n{0};
    LocalHttpServer server([&](const Request&) { return ++n == 1 ? Reply::stall(milliseconds{1'500}) : Reply::ok("late ok"); });
    HttpClient client(options());
    auto req = post(server.url("/slow"));
    req.timeout = milliseconds{150};
    auto t0 = std::chrono::steady_clock::now();
    auto res = client.send(req);
    auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->body, "late ok");
    EXPECT_EQ(server.count("/slow"), 2u);
    EXPECT_LT(took, milliseconds{1'200});  // did not wait for the stalled answer
    EXPECT_EQ(sleeps.recorded().size(), 1u);
}

TEST_F(Client, TimeoutEveryTimeReportsTheTimeout) {
    LocalHttpServer server([](const Request&) { return Reply::stall(milliseconds{1'000}); });
    auto o = options();
    o.retry = RetryPolicy::wait_list({milliseconds{0}, milliseconds{1}});
    HttpClient client(o);
    auto req = post(server.url("/slow"));
    req.timeout = milliseconds{100};
    auto res = client.send(req);
    ASSERT_FALSE(res);
    EXPECT_NE(res.error().message.find("Timeout"), std::string::npos) << res.error().message;
    EXPECT_EQ(server.count("/slow"), 2u);
}

TEST_F(Client, ClosedConnectionIsRetried) {
    std::atomic<int> n{0};
    LocalHttpServer server([&](const Request&) { return ++n <= 2 ? Reply::close() : Reply::ok(); });
    HttpClient client(options());
    auto res = client.send(post(server.url("/x")));
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(server.count("/x"), 3u);
    EXPECT_EQ(sleeps.recorded(), (std::vector<milliseconds>{milliseconds{10}, milliseconds{20}}));
}

TEST_F(Client, PermanentTransportErrorIsNotRetriedButAlerted) {
    HttpClient client(options());
    auto res = client.send(post("ftp://127.0.0.1:1/file"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, kApiError);
    EXPECT_NE(res.error().message.find("not retriable"), std::string::npos) << res.error().message;
    EXPECT_TRUE(sleeps.recorded().empty());
    ASSERT_EQ(alerts->alerts().size(), 1u);
    EXPECT_EQ(alerts->alerts()[0].retry_count, 0);
}

TEST_F(Client, ResponseLargerThanLimitIsAnError) {
    LocalHttpServer server([](const Request&) { return Reply::ok(std::string(4096, 'x')); });
    auto o = options();
    o.limits.max_response_bytes = 1024;
    HttpClient client(o);
    auto res = client.send(post(server.url("/big")));
    ASSERT_FALSE(res);
    EXPECT_NE(res.error().message.find("larger than 1024"), std::string::npos) << res.error().message;
    EXPECT_EQ(server.count("/big"), 1u);
}

TEST_F(Client, DefaultHeadersAndBearerTokenAreSent) {
    LocalHttpServer server([](const Request&) { return Reply::ok(); });
    auto tokens = std::make_shared<FakeTokens>();
    auto o = options("PLUS");
    o.tokens = tokens;
    o.default_headers = {{"Ocp-Apim-Subscription-Key", "apim-1"}};
    HttpClient client(o);
    ASSERT_TRUE(client.send(post(server.url("/plus"))));
    auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].header("Authorization"), "Bearer good");
    EXPECT_EQ(reqs[0].header("Ocp-Apim-Subscription-Key"), "apim-1");
    EXPECT_EQ(tokens->refreshes, 0);
}

TEST_F(Client, Unauthorized401RefreshesTokenAndRepeatsOnce) {
    std::atomic<int> issued{0};
    LocalHttpServer server([&](const Request& r) {
        if (r.path == "/oauth/token")
            return Reply::ok(R"({"access_token":"tok-)" + std::to_string(++issued) + R"(","token_type":"Bearer","expires_in":3600})");
        return r.header("Authorization") == "Bearer tok-2" ? Reply::ok("vip list") : Reply::with(401);
    });
    auto tokens = std::make_shared<OAuthClientCredentials>(
        OAuthConfig{.token_url = server.url("/oauth/token"), .client_id = "ocms", .client_secret = "s3cr&t"});
    auto o = options();
    o.tokens = tokens;
    HttpClient client(o);
    auto res = client.send(post(server.url("/cas/getVipVehicles")));
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, "vip list");
    EXPECT_EQ(server.count("/oauth/token"), 2u);  // first token, then the refresh
    EXPECT_EQ(server.count("/cas/getVipVehicles"), 2u);
    auto reqs = server.requests();
    EXPECT_EQ(reqs[0].body, "grant_type=client_credentials&client_id=ocms&client_secret=s3cr%26t");
    EXPECT_EQ(reqs[0].header("Content-Type"), "application/x-www-form-urlencoded");
    EXPECT_TRUE(sleeps.recorded().empty());  // the repeat is immediate, not a retry
    EXPECT_TRUE(alerts->alerts().empty());

    // The refreshed token is cached: the next call needs no token request.
    ASSERT_TRUE(client.send(post(server.url("/cas/getVipVehicles"))));
    EXPECT_EQ(server.count("/oauth/token"), 2u);
}

TEST_F(Client, RefreshFailingThreeTimesLogsAlertsAndFails) {
    LocalHttpServer server([](const Request&) { return Reply::with(401); });
    auto tokens = std::make_shared<FakeTokens>();
    tokens->current_result = std::string("stale");
    tokens->refresh_result = token_failure("token endpoint answered HTTP 500");
    auto o = options("PLUS");
    o.tokens = tokens;
    HttpClient client(o);
    auto res = client.send(post(server.url("/plus")));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, kApiError);
    EXPECT_NE(res.error().message.find("token refresh failed after 3 attempts"), std::string::npos) << res.error().message;
    EXPECT_EQ(tokens->refreshes, 3);
    EXPECT_EQ(server.count("/plus"), 1u);  // the original call is not repeated without a token
    EXPECT_EQ(sleeps.recorded(), (std::vector<milliseconds>{milliseconds{7}, milliseconds{7}}));
    auto a = alerts->alerts();
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(format_alert_subject(a[0]), "[OCMS-ALERT] External API Connection Failed - PLUS");
    EXPECT_EQ(a[0].retry_count, 2);
    EXPECT_NE(a[0].error.find("HTTP 500"), std::string::npos);
}

TEST_F(Client, RefreshSucceedingOnThirdTryContinues) {
    std::atomic<int> n{0};
    class Flaky final : public TokenProvider {
    public:
        std::atomic<int> calls{0};
        Result<std::string> current_token() override { return std::string("old"); }
        Result<std::string> refresh_token() override {
            if (++calls < 3) return token_failure("unreachable");
            return std::string("new");
        }
    };
    LocalHttpServer server([&](const Request& r) {
        ++n;
        return r.header("Authorization") == "Bearer new" ? Reply::ok() : Reply::with(401);
    });
    auto tokens = std::make_shared<Flaky>();
    auto o = options();
    o.tokens = tokens;
    HttpClient client(o);
    auto res = client.send(post(server.url("/x")));
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(tokens->calls, 3);
    EXPECT_EQ(n, 2);
    EXPECT_TRUE(alerts->alerts().empty());
}

TEST_F(Client, SecondUnauthorizedIsReturnedNotLooped) {
    LocalHttpServer server([](const Request&) { return Reply::with(401); });
    auto tokens = std::make_shared<FakeTokens>();
    auto o = options();
    o.tokens = tokens;
    HttpClient client(o);
    auto res = client.send(post(server.url("/x")));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
    EXPECT_EQ(tokens->refreshes, 1);
    EXPECT_EQ(server.count("/x"), 2u);
}

TEST_F(Client, UnauthorizedWithoutTokenProviderIsReturned) {
    LocalHttpServer server([](const Request&) { return Reply::with(401); });
    HttpClient client(options());
    auto res = client.send(post(server.url("/x")));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
    EXPECT_EQ(server.count("/x"), 1u);
}

TEST_F(Client, NoValidTokenAtStartIsRefreshedFirst) {
    LocalHttpServer server([](const Request& r) {
        return r.header("Authorization") == "Bearer good" ? Reply::ok() : Reply::with(401);
    });
    auto tokens = std::make_shared<FakeTokens>();
    tokens->current_result = token_failure("token endpoint unreachable");
    auto o = options();
    o.tokens = tokens;
    HttpClient client(o);
    auto res = client.send(post(server.url("/x")));
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(tokens->refreshes, 1);
    EXPECT_EQ(server.count("/x"), 1u);
}

TEST_F(Client, OneClientManyThreads) {
    std::set<std::string> seen;  // the server calls its handler under its own lock
    LocalHttpServer server([&](const Request& r) {
        // The first try of every 3rd call fails, so retries run concurrently too.
        bool first = seen.insert(r.body).second;
        return first && r.body.back() % 3 == 0 ? Reply::with(503) : Reply::ok(r.body);
    });
    auto tokens = std::make_shared<FakeTokens>();
    auto o = options();
    o.tokens = tokens;
    HttpClient client(o);
    constexpr int kThreads = 8, kCalls = 10;
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kCalls; ++i) {
                std::string body = std::to_string(t) + ":" + std::to_string(i);
                auto res = client.send(post(server.url("/x"), body));
                if (res && res->status == 200 && res->body == body) ++good;
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(good, kThreads * kCalls);
    EXPECT_TRUE(alerts->alerts().empty());
}

// Issue 15: the kind of the client's Error. Retries spent on a transient fault: transient (the
// remote may answer later); a transport fault retrying cannot help: permanent; a refresh that
// failed every time: the kind of the provider's last failure.
TEST_F(Client, ErrorsSayTheirKind) {
    HttpClient client(options());
    auto exhausted = client.send(post(closed_url("/x")));
    ASSERT_FALSE(exhausted);
    EXPECT_EQ(exhausted.error().code, kApiError);
    EXPECT_EQ(exhausted.error().kind, FaultKind::transient);
    EXPECT_TRUE(exhausted.error().message.starts_with("API error: retries exhausted after 4 attempts: "))
        << exhausted.error().message;

    auto not_retriable = client.send(post("ftp://127.0.0.1:1/file"));
    ASSERT_FALSE(not_retriable);
    EXPECT_EQ(not_retriable.error().kind, FaultKind::permanent);

    // A provider's Error: its kind and message reach the caller.
    class Refused final : public TokenProvider {
    public:
        Result<std::string> current_token() override { return std::string("stale"); }
        Result<std::string> refresh_token() override {
            return fail(Error::permanent(kApiError, "token endpoint answered HTTP 401: invalid_client"));
        }
    };
    LocalHttpServer server([](const Request&) { return Reply::with(401); });
    auto o = options();
    o.tokens = std::make_shared<Refused>();
    HttpClient with_tokens(o);
    auto refused = with_tokens.send(post(server.url("/x")));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, kApiError);
    EXPECT_EQ(refused.error().kind, FaultKind::permanent);
    EXPECT_EQ(refused.error().message,
              "API error: token refresh failed after 3 attempts: token endpoint answered HTTP 401: invalid_client");
}

}  // namespace
}  // namespace ocms::http
