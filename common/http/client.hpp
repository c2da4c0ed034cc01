#pragma once
// The one outbound HTTP client: every call OCMS makes to another system (CAS now, PLUS and
// internal OCMS services later) goes through HttpClient::send(). One client per remote API,
// built at start-up from its ClientOptions: the API's name (logs, alerts), its RetryPolicy,
// an optional TokenProvider (Authorization: Bearer) and an optional AlertSink.
//
// What send() does (spec 002 sections 4.1 and 5, spec 004 section 1.4):
//   - tries up to policy.attempts() times, waiting policy.wait_before(k) before attempt k;
//   - retried: transport failures that classify() calls transient (connection refused, DNS,
//     timeout, connection cut) and HTTP 408, 429, 502, 503, 504 ("try again later" answers);
//   - not retried, returned at once as a response: every other status, including 4xx and
//     500/501/505+. A 500 is usually a deterministic server bug, and every OCMS API is a POST:
//     repeating a POST the server may have half-applied is only worth it when the server said
//     it did not take it (502/503/504) or asked us to come back (408/429);
//   - HTTP 401 with a TokenProvider: refresh_token() (up to refresh_attempts times,
//     refresh_wait apart), then the same attempt is repeated once with the new token; a second
//     401 is returned as the response. If every refresh fails: error log, one alert, error
//     OCMS-9999 of the last refresh failure's kind;
//   - permanent transport failures (bad URL, certificate rejected, body too large): no retry,
//     one alert, error OCMS-9999, kind permanent;
//   - all attempts failed: error log, exactly one alert (retry count = attempts - 1), error
//     OCMS-9999 "API error: retries exhausted ..." with the last cause, kind transient (the
//     remote may answer later; this call's retries are spent).
//   Retry-After is not read: 429/503 wait what the policy says.
//
// Threading: send() may be called from any number of threads at once. Each call takes its own
// curl easy handle from a small mutex-guarded pool (libcurl handles are single-threaded; a
// pooled handle keeps its connection cache, so calls reuse keep-alive connections). The jitter
// RNG is behind its own mutex. Options are immutable after construction. The TokenProvider,
// AlertSink and Sleeper are shared by every thread and must be thread-safe.
// Lifetime: the client owns its pool; it must outlive the calls in flight (share it as
// std::shared_ptr<HttpClient> when several components use it).
#include "core/error.hpp"
#include "core/time.hpp"
#include "http/alert.hpp"
#include "http/message.hpp"
#include "http/retry.hpp"
#include "http/token.hpp"
#include "http/transport.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace ocms::http {

using Sleeper = std::function<void(std::chrono::milliseconds)>;

struct ClientOptions {
    std::string api_name;  // "CAS", "PLUS", "OCMS-SUSPENSION": in every log line and alert
    RetryPolicy retry = RetryPolicy::external_api();
    std::shared_ptr<TokenProvider> tokens;  // none: no Authorization header, 401 is returned
    std::shared_ptr<AlertSink> alerts;      // none: the error log is the only alert
    Headers default_headers;                // sent on every call (e.g. Ocp-Apim-Subscription-Key)
    int refresh_attempts = 3;               // spec 002 4.1: "retry refresh 3 times"
    std::chrono::milliseconds refresh_wait{1'000};
    TransportLimits limits;
    std::size_t max_idle_handles = 8;
    Sleeper sleep;               // default: std::this_thread::sleep_for (inject to record or cancel)
    std::uint64_t jitter_seed = 0;  // 0: seeded from std::random_device
    Clock clock;                 // alert timestamps; default: system_clock()
};

// HTTP statuses that are retried (see the class comment for why exactly these).
bool retriable_status(long status);

class HttpClient {
public:
    explicit HttpClient(ClientOptions opts);
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Any response the policy does not retry is a value (check status); an error means no
    // usable response could be had: code OCMS-9999, the cause in the message.
    Result<HttpResponse> send(const HttpRequest& req);

    // POST a JSON body (Content-Type and Accept set) with the given timeout.
    Result<HttpResponse> post_json(std::string url, std::string body,
                                   std::chrono::milliseconds timeout = std::chrono::milliseconds{10'000});

    const std::string& api_name() const { return opts_.api_name; }

private:
    std::expected<HttpResponse, TransportError> exchange(const HttpRequest& req, const std::string* token, int attempt);
    Result<std::string> refresh_with_retries(const std::string& endpoint);
    void raise_alert(const std::string& endpoint, const std::string& error, int retry_count);
    double jitter_draw();
    CurlEasy acquire();
    void release(CurlEasy h);

    const ClientOptions opts_;
    std::mutex pool_mu_;
    std::vector<CurlEasy> idle_;
    std::mutex rng_mu_;
    std::mt19937_64 rng_;
};

}  // namespace ocms::http
