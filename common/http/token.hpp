#pragma once
// Bearer tokens for outbound calls (spec 002 section 4.1). The client asks current_token()
// before a call and refresh_token() after an HTTP 401; it retries refresh_token() itself (3 times
// by default), so a provider makes one attempt per call and reports why it failed (an Error,
// code OCMS-9999, its kind saying whether the token endpoint may answer better later).
#include "core/error.hpp"
#include "http/message.hpp"
#include "http/transport.hpp"

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace ocms::http {

// Implementations must be thread-safe: one provider is shared by every thread using a client.
class TokenProvider {
public:
    virtual ~TokenProvider() = default;
    // A token believed valid (may fetch one if none is cached or it has expired).
    virtual Result<std::string> current_token() = 0;
    // Drop the cached token and fetch a new one (the server said 401).
    virtual Result<std::string> refresh_token() = 0;
};

struct OAuthConfig {
    std::string token_url;  // "https://cas.example/oauth2/token"
    std::string client_id;
    std::string client_secret;
    std::string scope;  // optional; sent only when not empty
    std::chrono::milliseconds timeout{10'000};
    // Renew this long before expires_in runs out (at most half the lifetime).
    std::chrono::seconds expiry_margin{60};
};

// OAuth 2.0 client credentials (RFC 6749 4.4): POST token_url with the form body
// grant_type=client_credentials&client_id=..&client_secret=..[&scope=..] and reads
// access_token (and expires_in, seconds) from the JSON answer.
//
// Threading: one mutex guards the cached token and is held during a fetch, so threads that
// find no valid token wait for one fetch instead of each stampeding the token endpoint. The
// fetch is a single attempt through transport.hpp's perform (one curl handle per fetch).
class OAuthClientCredentials final : public TokenProvider {
public:
    using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;
    explicit OAuthClientCredentials(OAuthConfig cfg, SteadyClock now = {});
    // Errors: the endpoint unreachable (the transport's kind), an HTTP error status (transient
    // for 408, 429, 502, 503, 504 as retriable_status says, else permanent: invalid_client will
    // not change by asking again), an answer without a token (permanent).
    Result<std::string> current_token() override;
    Result<std::string> refresh_token() override;

private:
    Result<std::string> fetch_locked();

    const OAuthConfig cfg_;
    const SteadyClock now_;
    std::mutex mu_;
    std::optional<std::string> token_;
    std::optional<std::chrono::steady_clock::time_point> expires_at_;  // none: valid until a 401
};

}  // namespace ocms::http
