// OAuthClientCredentials against a local token endpoint: form body, caching, expiry, errors.
#include "http/token.hpp"
#include "local_servers.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace ocms::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::LocalHttpServer;
using test::Reply;
using test::Request;

struct FakeSteady {
    std::shared_ptr<std::atomic<long long>> secs = std::make_shared<std::atomic<long long>>(1'000);
    OAuthClientCredentials::SteadyClock clock() const {
        return [s = secs] { return std::chrono::steady_clock::time_point(seconds(s->load())); };
    }
};

TEST(OAuthClientCredentials, PostsFormAndReadsAccessToken) {
    LocalHttpServer server([](const Request&) {
        return Reply::ok(R"({"access_token":"abc.def","token_type":"Bearer","expires_in":3600})");
    });
    OAuthClientCredentials p({.token_url = server.url("/token"),
                              .client_id = "ocms client",
                              .client_secret = "a=b&c",
                              .scope = "cas.read"});
    auto t = p.current_token();
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_EQ(*t, "abc.def");
    auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].method, "POST");
    EXPECT_EQ(reqs[0].path, "/token");
    EXPECT_EQ(reqs[0].header("Content-Type"), "application/x-www-form-urlencoded");
    EXPECT_EQ(reqs[0].body,
              "grant_type=client_credentials&client_id=ocms%20client&client_secret=a%3Db%26c&scope=cas.read");
}

TEST(OAuthClientCredentials, CachesUntilShortlyBeforeExpiry) {
    std::atomic<int> n{0};
    LocalHttpServer server([&](const Request&) {
        return Reply::ok(R"({"access_token":"t)" + std::to_string(++n) + R"(","expires_in":"600"})");
    });
    FakeSteady clock;
    OAuthClientCredentials p({.token_url = server.url("/token"), .client_id = "c", .client_secret = "s"}, clock.clock());
    EXPECT_EQ(p.current_token().value(), "t1");
    EXPECT_EQ(p.current_token().value(), "t1");
    *clock.secs += 539;  // 600 s life, renewed 60 s early
    EXPECT_EQ(p.current_token().value(), "t1");
    *clock.secs += 1;
    EXPECT_EQ(p.current_token().value(), "t2");
    EXPECT_EQ(p.refresh_token().value(), "t3");  // refresh always fetches
    EXPECT_EQ(p.current_token().value(), "t3");
    EXPECT_EQ(server.count("/token"), 3u);
}

TEST(OAuthClientCredentials, WithoutExpiresInValidUntilRefresh) {
    std::atomic<int> n{0};
    LocalHttpServer server([&](const Request&) { return Reply::ok(R"({"access_token":"t)" + std::to_string(++n) + R"("})"); });
    FakeSteady clock;
    OAuthClientCredentials p({.token_url = server.url("/token")}, clock.clock());
    EXPECT_EQ(p.current_token().value(), "t1");
    *clock.secs += 1'000'000;
    EXPECT_EQ(p.current_token().value(), "t1");
    EXPECT_EQ(p.refresh_token().value(), "t2");
}

TEST(OAuthClientCredentials, ErrorsAreReported) {
    {
        LocalHttpServer server([](const Request&) { return Reply::with(401, R"({"error":"invalid_client"})"); });
        OAuthClientCredentials p({.token_url = server.url("/token")});
        auto t = p.refresh_token();
        ASSERT_FALSE(t);
        EXPECT_NE(t.error().message.find("HTTP 401"), std::string::npos) << t.error().message;
        EXPECT_NE(t.error().message.find("invalid_client"), std::string::npos) << t.error().message;
    }
    {
        LocalHttpServer server([](const Request&) { return Reply::ok("not json"); });
        OAuthClientCredentials p({.token_url = server.url("/token")});
        auto t = p.current_token();
        ASSERT_FALSE(t);
        EXPECT_NE(t.error().message.find("not JSON"), std::string::npos) << t.error().message;
    }
    {
        LocalHttpServer server([](const Request&) { return Reply::ok(R"({"token_type":"Bearer"})"); });
        OAuthClientCredentials p({.token_url = server.url("/token")});
        auto t = p.current_token();
        ASSERT_FALSE(t);
        EXPECT_NE(t.error().message.find("no access_token"), std::string::npos) << t.error().message;
    }
    {
        OAuthClientCredentials p(
            {.token_url = "http://127.0.0.1:" + std::to_string(test::closed_port()) + "/token", .timeout = milliseconds{500}});
        auto t = p.current_token();
        ASSERT_FALSE(t);
        EXPECT_NE(t.error().message.find("unreachable"), std::string::npos) << t.error().message;
    }
}

TEST(OAuthClientCredentials, ConcurrentCallersShareOneFetch) {
    LocalHttpServer server([](const Request&) {
        std::this_thread::sleep_for(milliseconds{50});
        return Reply::ok(R"({"access_token":"shared","expires_in":3600})");
    });
    OAuthClientCredentials p({.token_url = server.url("/token")});
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            if (p.current_token().value_or("") == "shared") ++good;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(good, 8);
    EXPECT_EQ(server.count("/token"), 1u);
}

// Issue 15: a token failure is an Error with code OCMS-9999 and the kind the client can act on.
TEST(OAuthClientCredentials, ErrorsSayTheirKind) {
    {
        LocalHttpServer server([](const Request&) { return Reply::with(401, R"({"error":"invalid_client"})"); });
        OAuthClientCredentials p({.token_url = server.url("/token")});
        auto t = p.refresh_token();
        ASSERT_FALSE(t);
        EXPECT_EQ(t.error().code, codes::kApiError);
        EXPECT_EQ(t.error().kind, FaultKind::permanent);  // bad credentials stay bad
    }
    {
        LocalHttpServer server([](const Request&) { return Reply::with(503); });
        OAuthClientCredentials p({.token_url = server.url("/token")});
        auto t = p.current_token();
        ASSERT_FALSE(t);
        EXPECT_EQ(t.error().kind, FaultKind::transient) << t.error().message;  // come back later
    }
    {
        LocalHttpServer server([](const Request&) { return Reply::ok("not json"); });
        OAuthClientCredentials p({.token_url = server.url("/token")});
        auto t = p.current_token();
        ASSERT_FALSE(t);
        EXPECT_EQ(t.error().kind, FaultKind::permanent);
    }
    {
        OAuthClientCredentials p(
            {.token_url = "http://127.0.0.1:" + std::to_string(test::closed_port()) + "/token", .timeout = milliseconds{500}});
        auto t = p.current_token();
        ASSERT_FALSE(t);
        EXPECT_EQ(t.error().code, codes::kApiError);
        EXPECT_EQ(t.error().kind, FaultKind::transient);  // connection refused: classify(CURLE_COULDNT_CONNECT)
        EXPECT_TRUE(t.error().message.starts_with("token endpoint unreachable: ")) << t.error().message;
    }
}

// A refresh the endpoint refuses after a good first token: the whole text of the refusal.
TEST(OAuthClientCredentials, RefusedRefreshSaysWhy) {
    std::atomic<int> n{0};
    LocalHttpServer server([&](const Request&) {
        if (++n == 1) return Reply::ok(R"({"access_token":"t1"})");
        return Reply::with(401, R"({"error":"invalid_client"})");
    });
    OAuthClientCredentials p({.token_url = server.url("/token")});
    EXPECT_EQ(p.current_token().value(), "t1");
    auto r = p.refresh_token();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, codes::kApiError);
    EXPECT_EQ(r.error().message, R"(token endpoint answered HTTP 401: {"error":"invalid_client"})");
}

}  // namespace
}  // namespace ocms::http
