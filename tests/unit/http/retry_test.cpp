// The pure parts of the policy: wait schedules and what is retried.
#include "http/client.hpp"
#include "http/retry.hpp"
#include "http/transport.hpp"

#include <gtest/gtest.h>

namespace ocms::http {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, ExternalApiIsSpec002WaitList) {
    auto p = RetryPolicy::external_api();
    EXPECT_EQ(p.kind, RetryPolicy::Kind::wait_list);
    EXPECT_EQ(p.attempts(), 4);
    EXPECT_EQ(p.wait_before(1, 0.5), milliseconds{0});
    EXPECT_EQ(p.wait_before(2, 0.5), milliseconds{5'000});
    EXPECT_EQ(p.wait_before(3, 0.5), milliseconds{10'000});
    EXPECT_EQ(p.wait_before(4, 0.5), milliseconds{15'000});
}

TEST(RetryPolicy, InternalApiIsSpec004Exponential) {
    auto p = RetryPolicy::internal_api();
    EXPECT_EQ(p.kind, RetryPolicy::Kind::exponential);
    EXPECT_EQ(p.attempts(), 3);
    EXPECT_EQ(p.initial_delay, milliseconds{2'000});
    EXPECT_EQ(p.max_delay, milliseconds{30'000});
    EXPECT_EQ(p.wait_before(1, 0.9), milliseconds{0});
    EXPECT_EQ(p.wait_before(2, 0.0), milliseconds{2'000});  // no jitter drawn
    EXPECT_EQ(p.wait_before(2, 0.9999), milliseconds{2'300});  // +15 % at most
    EXPECT_EQ(p.wait_before(3, 0.0), milliseconds{4'000});
    EXPECT_EQ(p.wait_before(3, 0.5), milliseconds{4'300});
}

TEST(RetryPolicy, ExponentialIsCappedAtMaxDelayJitterIncluded) {
    auto p = RetryPolicy::internal_api();
    p.max_attempts = 10;
    EXPECT_EQ(p.wait_before(5, 0.0), milliseconds{16'000});
    EXPECT_EQ(p.wait_before(5, 0.9999), milliseconds{18'400});
    EXPECT_EQ(p.wait_before(6, 0.0), milliseconds{30'000});  // 32 s capped
    EXPECT_EQ(p.wait_before(6, 0.9999), milliseconds{30'000});
    EXPECT_EQ(p.wait_before(500, 0.5), milliseconds{30'000});  // no overflow
}

TEST(RetryPolicy, EveryNumberOverridable) {
    auto p = RetryPolicy::internal_api();
    p.initial_delay = milliseconds{10};
    p.max_delay = milliseconds{25};
    p.max_jitter = 0.0;
    p.max_attempts = 4;
    EXPECT_EQ(p.attempts(), 4);
    EXPECT_EQ(p.wait_before(2, 0.9), milliseconds{10});
    EXPECT_EQ(p.wait_before(3, 0.9), milliseconds{20});
    EXPECT_EQ(p.wait_before(4, 0.9), milliseconds{25});
    auto w = RetryPolicy::wait_list({milliseconds{0}, milliseconds{1}});
    EXPECT_EQ(w.attempts(), 2);
    EXPECT_EQ(RetryPolicy::wait_list({}).attempts(), 1);  // always at least one call
    EXPECT_EQ(RetryPolicy::none().attempts(), 1);
}

TEST(RetryClassification, Statuses) {
    for (long s : {408L, 429L, 502L, 503L, 504L}) EXPECT_TRUE(retriable_status(s)) << s;
    for (long s : {200L, 201L, 204L, 301L, 400L, 401L, 403L, 404L, 409L, 422L, 500L, 501L, 505L})
        EXPECT_FALSE(retriable_status(s)) << s;
}

TEST(RetryClassification, CurlCodes) {
    for (CURLcode c : {CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT, CURLE_RECV_ERROR,
                       CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_SSL_CONNECT_ERROR})
        EXPECT_EQ(classify(c), FaultKind::transient) << curl_easy_strerror(c);
    for (CURLcode c : {CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_PEER_FAILED_VERIFICATION,
                       CURLE_WRITE_ERROR, CURLE_OUT_OF_MEMORY})
        EXPECT_EQ(classify(c), FaultKind::permanent) << curl_easy_strerror(c);
}

TEST(Transport, FormEscape) {
    EXPECT_EQ(form_escape("abc-_.~XYZ09"), "abc-_.~XYZ09");
    EXPECT_EQ(form_escape("a b&c=d/+%"), "a%20b%26c%3Dd%2F%2B%25");
}

// Issue 15: the one conversion of a TransportError into the system's Error.
TEST(Transport, TransportErrorToError) {
    Error refused = to_error(TransportError{CURLE_COULDNT_CONNECT, classify(CURLE_COULDNT_CONNECT),
                                            "Couldn't connect to server: Failed to connect to 127.0.0.1 port 9"});
    EXPECT_EQ(refused.code, kApiError);
    EXPECT_EQ(refused.kind, FaultKind::transient);
    EXPECT_TRUE(refused.retriable());
    EXPECT_EQ(refused.message, "Couldn't connect to server: Failed to connect to 127.0.0.1 port 9");
    Error bad_url = to_error(TransportError{CURLE_URL_MALFORMAT, classify(CURLE_URL_MALFORMAT), "URL using bad/illegal format"});
    EXPECT_EQ(bad_url.kind, FaultKind::permanent);
    EXPECT_FALSE(bad_url.retriable());
}

}  // namespace
}  // namespace ocms::http
