#pragma once
// Authentication at the edge: HS256 JWT bearer tokens (libjwt) and the APIM subscription keys
// PLUS must send. Both are immutable after construction and shared between threads.
// A missing or bad token is 401; a good token without the route's role is 403 (the edge
// chooses the envelope).
#include "core/time.hpp"

#include <chrono>
#include <expected>
#include <set>
#include <string>
#include <string_view>
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

class JwtVerifier {
public:
    JwtVerifier(std::string key, std::string issuer) : key_(std::move(key)), issuer_(std::move(issuer)) {}
    // authorization: the Authorization header's value ("Bearer <token>").
    std::expected<Claims, AuthError> verify(std::string_view authorization, TimePoint now) const;

private:
    std::string key_;
    std::string issuer_;
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
