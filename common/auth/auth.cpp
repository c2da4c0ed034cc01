#include "auth/auth.hpp"

#include <jwt.h>
#include <rapidjson/document.h>

#include <cerrno>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace ocms::auth {

namespace {
struct JwtDeleter {
    void operator()(jwt_t* j) const { jwt_free(j); }
};
struct FreeDeleter {
    void operator()(char* p) const { free(p); }
};
AuthError unauthorized(std::string msg) { return AuthError{401, std::move(msg)}; }
}  // namespace

std::expected<Claims, AuthError> JwtVerifier::verify(std::string_view authorization, TimePoint now) const {
    constexpr std::string_view prefix = "Bearer ";
    if (authorization.size() <= prefix.size() || authorization.substr(0, prefix.size()) != prefix)
        return std::unexpected(unauthorized("missing bearer token"));
    std::string token(authorization.substr(prefix.size()));
    if (token.size() > 8192) return std::unexpected(unauthorized("token too long"));
    const std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    {
        std::lock_guard lock(cache_->mu);
        if (auto it = cache_->tokens.find(token); it != cache_->tokens.end()) {
            if (it->second.exp > now_s) return it->second.claims;
            cache_->tokens.erase(it);
            return std::unexpected(unauthorized("token expired"));
        }
    }
    auto v = verify_token(token, now_s);
    if (!v) return std::unexpected(std::move(v.error()));
    std::lock_guard lock(cache_->mu);
    if (cache_->tokens.size() >= kTokenCacheSize) cache_->tokens.clear();
    return cache_->tokens.insert_or_assign(std::move(token), std::move(*v)).first->second.claims;
}

std::size_t JwtVerifier::cached_tokens() const {
    std::lock_guard lock(cache_->mu);
    return cache_->tokens.size();
}

std::expected<JwtVerifier::Verified, AuthError> JwtVerifier::verify_token(const std::string& token,
                                                                          std::int64_t now_s) const {
    jwt_t* raw = nullptr;
    if (jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(key_.data()), int(key_.size())) != 0 ||
        raw == nullptr)
        return std::unexpected(unauthorized("invalid token"));
    std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
    // libjwt reads "alg" ignoring case; RFC 7515 4.1.1 says it is case-sensitive, so the header
    // must say exactly HS256 (found by tests/fuzz: "Hs256" passed).
    const char* alg = jwt_get_header(jwt.get(), "alg");
    if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256 || alg == nullptr || std::string_view(alg) != "HS256")
        return std::unexpected(unauthorized("unexpected token algorithm"));
    errno = 0;
    long exp = jwt_get_grant_int(jwt.get(), "exp");
    if (errno == ENOENT || exp <= 0) return std::unexpected(unauthorized("token without expiry"));
    if (exp <= now_s) return std::unexpected(unauthorized("token expired"));
    // nbf and iat (RFC 7519 4.1.5, 4.1.6): a token valid from tomorrow, or issued tomorrow, is
    // not valid today (issue 14: both were ignored). kClockLeeway absorbs the issuer's clock skew.
    // Read from the claims' JSON: libjwt's jwt_get_grant_int does not tell a string from a number.
    std::unique_ptr<char, FreeDeleter> all(jwt_get_grants_json(jwt.get(), nullptr));
    rapidjson::Document claims;
    if (!all || claims.Parse(all.get()).HasParseError() || !claims.IsObject())
        return std::unexpected(unauthorized("invalid token claims"));
    const double leeway = static_cast<double>(kClockLeeway.count());
    for (const char* name : {"nbf", "iat"}) {
        auto it = claims.FindMember(name);
        if (it == claims.MemberEnd()) continue;
        if (!it->value.IsNumber()) return std::unexpected(unauthorized(std::string("token ") + name + " is not a number"));
        if (it->value.GetDouble() > double(now_s) + leeway)
            return std::unexpected(unauthorized(std::string(name) == "nbf" ? "token not valid yet (nbf)"
                                                                             : "token issued in the future (iat)"));
    }
    const char* iss = jwt_get_grant(jwt.get(), "iss");
    if (iss == nullptr || issuer_ != iss) return std::unexpected(unauthorized("unexpected token issuer"));
    Claims c;
    if (const char* sub = jwt_get_grant(jwt.get(), "sub")) c.subject = sub;
    // roles from the claims already read above (one serialization and parse per token, not two)
    if (auto r = claims.FindMember("roles"); r != claims.MemberEnd() && r->value.IsArray())
        for (const auto& role : r->value.GetArray())
            if (role.IsString()) c.roles.emplace(role.GetString(), role.GetStringLength());
    return Verified{std::move(c), std::int64_t(exp)};
}

ApimKeys ApimKeys::load_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read APIM keys file " + path);
    std::vector<std::string> keys;
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        keys.push_back(line);
    }
    return ApimKeys(std::move(keys));
}

bool ApimKeys::accepts(std::string_view key) const {
    bool ok = false;
    for (const auto& k : keys_) {
        if (k.size() != key.size() || key.empty()) continue;
        unsigned char diff = 0;
        for (std::size_t i = 0; i < k.size(); ++i) diff |= static_cast<unsigned char>(k[i] ^ key[i]);
        ok = ok || diff == 0;
    }
    return ok;
}

}  // namespace ocms::auth
