#include "http/client.hpp"

#include "core/log.hpp"

#include <thread>

namespace ocms::http {

using std::chrono::milliseconds;

bool retriable_status(long status) {
    switch (status) {
        case 408:  // Request Timeout: the server gave up reading our request
        case 429:  // Too Many Requests: come back later
        case 502:  // Bad Gateway: the proxy could not reach the service
        case 503:  // Service Unavailable: not taken, come back later
        case 504:  // Gateway Timeout: the proxy's upstream did not answer
            return true;
        default:
            return false;
    }
}

namespace {

ClientOptions with_defaults(ClientOptions o) {
    if (!o.sleep) o.sleep = [](milliseconds d) { std::this_thread::sleep_for(d); };
    if (!o.clock) o.clock = system_clock();
    if (o.refresh_attempts < 1) o.refresh_attempts = 1;
    return o;
}

std::uint64_t seed_of(std::uint64_t s) {
    if (s != 0) return s;
    std::random_device rd;
    return (std::uint64_t(rd()) << 32) ^ rd();
}

std::string ms_text(milliseconds d) { return std::to_string(d.count()); }

}  // namespace

HttpClient::HttpClient(ClientOptions opts) : opts_(with_defaults(std::move(opts))), rng_(seed_of(opts_.jitter_seed)) {
    ensure_curl_global_init();
}

double HttpClient::jitter_draw() {
    std::lock_guard lock(rng_mu_);
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

CurlEasy HttpClient::acquire() {
    {
        std::lock_guard lock(pool_mu_);
        if (!idle_.empty()) {
            CurlEasy h = std::move(idle_.back());
            idle_.pop_back();
            return h;
        }
    }
    return CurlEasy{};
}

void HttpClient::release(CurlEasy h) {
    std::lock_guard lock(pool_mu_);
    if (idle_.size() < opts_.max_idle_handles) idle_.push_back(std::move(h));
}

std::expected<HttpResponse, TransportError> HttpClient::exchange(const HttpRequest& req, const std::string* token,
                                                                 int attempt) {
    HttpRequest r;
    r.method = req.method;
    r.url = req.url;
    r.timeout = req.timeout;
    r.body = req.body;
    r.headers.reserve(opts_.default_headers.size() + req.headers.size() + 1);
    r.headers.insert(r.headers.end(), opts_.default_headers.begin(), opts_.default_headers.end());
    r.headers.insert(r.headers.end(), req.headers.begin(), req.headers.end());
    if (token) r.headers.emplace_back("Authorization", "Bearer " + *token);

    auto started = std::chrono::steady_clock::now();
    CurlEasy easy = acquire();
    auto out = perform(easy, r, opts_.limits);
    // A handle whose exchange failed is dropped with whatever connection state it had.
    if (out) release(std::move(easy));
    auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    log::debug("outbound call", {{"api", opts_.api_name},
                                 {"url", redact_url(req.url)},
                                 {"attempt", std::to_string(attempt)},
                                 {"status", out ? std::to_string(out->status) : ""},
                                 {"error", out ? "" : out.error().message},
                                 {"ms", ms_text(took)}});
    return out;
}

void HttpClient::raise_alert(const std::string& endpoint, const std::string& error, int retry_count) {
    if (!opts_.alerts) return;
    Alert a{opts_.api_name, redact_url(endpoint), error, opts_.clock(), retry_count};
    try {
        opts_.alerts->alert(a);
    } catch (...) {  // sinks must not throw; if one does, the business call still gets its error
        log::error("alert sink threw", {{"api", opts_.api_name}});
    }
}

Result<std::string> HttpClient::refresh_with_retries(const std::string& endpoint) {
    const int n = opts_.refresh_attempts;
    Error last;
    for (int i = 1; i <= n; ++i) {
        if (i > 1 && opts_.refresh_wait.count() > 0) opts_.sleep(opts_.refresh_wait);
        auto t = opts_.tokens->refresh_token();
        if (t) {
            log::info("token refreshed", {{"api", opts_.api_name}, {"attempt", std::to_string(i)}});
            return std::move(*t);
        }
        last = std::move(t.error());
        log::warn("token refresh failed", {{"api", opts_.api_name},
                                           {"attempt", std::to_string(i) + "/" + std::to_string(n)},
                                           {"error", last.message}});
    }
    std::string cause = "token refresh failed after " + std::to_string(n) + " attempts: " + last.message;
    log::error("outbound call abandoned: token refresh failed", {{"api", opts_.api_name},
                                                                 {"url", redact_url(endpoint)},
                                                                 {"error", cause}});
    raise_alert(endpoint, cause, n - 1);
    return fail(Error{kApiError, "API error: " + cause, last.kind});
}

Result<HttpResponse> HttpClient::send(const HttpRequest& req) {
    std::optional<std::string> token;
    bool refreshed = false;  // at most one refresh per call: a fresh token that is refused is final
    if (opts_.tokens) {
        auto t = opts_.tokens->current_token();
        if (t) {
            token = std::move(*t);
        } else {
            log::warn("no valid token; refreshing", {{"api", opts_.api_name}, {"error", t.error().message}});
            auto r = refresh_with_retries(req.url);
            if (!r) return std::unexpected(std::move(r.error()));
            token = std::move(*r);
            refreshed = true;
        }
    }

    const RetryPolicy& policy = opts_.retry;
    const int n = policy.attempts();
    const std::string url = redact_url(req.url);
    std::string last_error;
    for (int attempt = 1; attempt <= n; ++attempt) {
        const double u = policy.kind == RetryPolicy::Kind::exponential ? jitter_draw() : 0.0;
        const milliseconds wait = policy.wait_before(attempt, u);
        if (wait.count() > 0) {
            log::info("outbound call: waiting before attempt", {{"api", opts_.api_name},
                                                               {"url", url},
                                                               {"attempt", std::to_string(attempt) + "/" + std::to_string(n)},
                                                               {"waitMs", ms_text(wait)}});
            opts_.sleep(wait);
        }

        auto r = exchange(req, token ? &*token : nullptr, attempt);
        if (r && r->status == 401 && opts_.tokens && !refreshed) {
            refreshed = true;
            log::warn("HTTP 401: refreshing token", {{"api", opts_.api_name}, {"url", url}});
            auto t = refresh_with_retries(req.url);
            if (!t) return std::unexpected(std::move(t.error()));
            token = std::move(*t);
            r = exchange(req, &*token, attempt);
        }

        if (r) {
            if (!retriable_status(r->status)) {
                if (attempt > 1)
                    log::info("outbound call succeeded after retry",
                              {{"api", opts_.api_name}, {"url", url}, {"attempt", std::to_string(attempt)},
                               {"status", std::to_string(r->status)}});
                return std::move(*r);
            }
            last_error = "HTTP " + std::to_string(r->status);
        } else {
            last_error = r.error().message;
            if (r.error().kind == FaultKind::permanent) {
                log::error("outbound call failed (not retriable)",
                           {{"api", opts_.api_name}, {"url", url}, {"attempt", std::to_string(attempt)},
                            {"error", last_error}});
                raise_alert(req.url, last_error, attempt - 1);
                return fail(Error::permanent(kApiError, "API error: " + last_error + " (not retriable)"));
            }
        }
        log::warn("outbound call attempt failed", {{"api", opts_.api_name},
                                                    {"url", url},
                                                    {"attempt", std::to_string(attempt) + "/" + std::to_string(n)},
                                                    {"error", last_error}});
    }

    log::error("outbound call failed: retries exhausted",
               {{"api", opts_.api_name}, {"url", url}, {"attempts", std::to_string(n)}, {"error", last_error}});
    raise_alert(req.url, last_error, n - 1);
    return fail(Error::transient(kApiError,
                                 "API error: retries exhausted after " + std::to_string(n) + " attempts: " + last_error));
}

Result<HttpResponse> HttpClient::post_json(std::string url, std::string body, milliseconds timeout) {
    HttpRequest req;
    req.method = Method::post;
    req.url = std::move(url);
    req.body = std::move(body);
    req.timeout = timeout;
    req.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    return send(req);
}

}  // namespace ocms::http
