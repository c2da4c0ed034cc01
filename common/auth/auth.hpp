#pragma once
// Authentication at the edge: HS256 JWT bearer tokens (libjwt) and the APIM subscription keys
// PLUS must send. Both are immutable after construction and shared between threads.
// A missing or bad token is 401; a good token without the route's role is 403 (the edge
// chooses the envelope).
#include "core/time.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <expected>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ocms::auth {

struct Claims {
    std::string subject;
    std::set<std::string, std::less<>> roles;
    bool has_role(std::string_view r) const { return roles.contains(r); }
};

struct AuthError {
    int status;           // 401 or 403
    std::string message;  // for logs and the error envelope
};

// How far a token's nbf and iat may lie in the future of this clock (the issuer's clock skew).
inline constexpr std::chrono::seconds kClockLeeway{60};

// A token verified once is remembered until its expiry (issue 16: a caller sends the same token
// with every request for its lifetime, and decoding, the HMAC and the claims' JSON were paid on
// each). The cache is keyed by the whole token, signature included, so a hit is exactly the token
// that passed; only tokens that passed are kept, and a kept one is refused once it expires. At
// most kTokenCacheSize tokens: when full it starts again empty (a burst of distinct tokens costs
// one full verification each, as without the cache).
inline constexpr std::size_t kTokenCacheSize = 4096;

class JwtVerifier {
public:
    JwtVerifier(std::string key, std::string issuer) : key_(std::move(key)), issuer_(std::move(issuer)) {}
    // authorization: the Authorization header's value ("Bearer <token>").
    std::expected<Claims, AuthError> verify(std::string_view authorization, TimePoint now) const;
    std::size_t cached_tokens() const;  // for tests

private:
    struct Verified {
        Claims claims;
        std::int64_t exp;  // the token's expiry, seconds since the epoch
    };
    std::expected<Verified, AuthError> verify_token(const std::string& token, std::int64_t now_s) const;

    std::string key_;
    std::string issuer_;
    // shared between the edge's threads (verify is const)
    struct Cache {
        std::mutex mu;
        std::unordered_map<std::string, Verified> tokens;
    };
    std::shared_ptr<Cache> cache_ = std::make_shared<Cache>();
};

class ApimKeys {
public:
    explicit ApimKeys(std::vector<std::string> keys) : keys_(std::move(keys)) {}
    // One key per line; blank lines and lines starting with '#' are skipped.
    static ApimKeys load_file(const std::string& path);
    // Constant-time comparison against each configured key.
    bool accepts(std::string_view key) const;

private:
    std::vector<std::string> keys_;
};

}  // namespace ocms::auth
