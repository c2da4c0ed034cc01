#include "http/token.hpp"

#include "core/log.hpp"
#include "http/client.hpp"
#include "json/json.hpp"

#include <algorithm>
#include <charconv>

namespace ocms::http {

OAuthClientCredentials::OAuthClientCredentials(OAuthConfig cfg, SteadyClock now)
    : cfg_(std::move(cfg)), now_(now ? std::move(now) : SteadyClock([] { return std::chrono::steady_clock::now(); })) {
    ensure_curl_global_init();
}

Result<std::string> OAuthClientCredentials::current_token() {
    std::lock_guard lock(mu_);
    if (token_ && (!expires_at_ || now_() < *expires_at_)) return *token_;
    return fetch_locked();
}

Result<std::string> OAuthClientCredentials::refresh_token() {
    std::lock_guard lock(mu_);
    token_.reset();
    expires_at_.reset();
    return fetch_locked();
}

Result<std::string> OAuthClientCredentials::fetch_locked() {
    HttpRequest req;
    req.method = Method::post;
    req.url = cfg_.token_url;
    req.timeout = cfg_.timeout;
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    req.body = "grant_type=client_credentials&client_id=" + form_escape(cfg_.client_id) +
               "&client_secret=" + form_escape(cfg_.client_secret);
    if (!cfg_.scope.empty()) req.body += "&scope=" + form_escape(cfg_.scope);

    auto resp = perform_once(req, TransportLimits{.max_response_bytes = 1u << 20});
    if (!resp) {
        return fail(to_error(resp.error()).in_context("token endpoint unreachable: "));
    }
    if (!resp->ok()) {
        // The body of an OAuth error is small JSON ({"error":"invalid_client"}); never the secret.
        std::string snippet = resp->body.substr(0, 200);
        return fail(Error{kApiError, "token endpoint answered HTTP " + std::to_string(resp->status) + ": " + snippet,
                          retriable_status(resp->status) ? FaultKind::transient : FaultKind::permanent});
    }
    auto doc = json::parse(resp->body);
    if (!doc) return fail(Error::permanent(kApiError, "token endpoint answer is not JSON: " + doc.error()));
    if (!doc->IsObject()) return fail(Error::permanent(kApiError, "token endpoint answer is not a JSON object"));
    auto token = json::get_string(*doc, "access_token");
    if (!token || token->empty()) return fail(Error::permanent(kApiError, "token endpoint answer has no access_token"));

    token_ = std::string(*token);
    expires_at_.reset();
    std::optional<std::int64_t> expires_in = json::get_int(*doc, "expires_in");
    if (!expires_in) {  // some servers send it as a string
        if (auto s = json::get_string(*doc, "expires_in")) {
            std::int64_t v = 0;
            auto r = std::from_chars(s->data(), s->data() + s->size(), v);
            if (r.ec == std::errc{} && r.ptr == s->data() + s->size()) expires_in = v;
        }
    }
    if (expires_in && *expires_in > 0) {
        auto life = std::chrono::seconds(*expires_in);
        auto margin = std::min<std::chrono::seconds>(cfg_.expiry_margin, life / 2);
        expires_at_ = now_() + life - margin;
    }
    log::info("oauth token fetched",
              {{"tokenUrl", cfg_.token_url}, {"expiresIn", expires_in ? std::to_string(*expires_in) : ""}});
    return *token_;
}

}  // namespace ocms::http
