#pragma once
// The auth walk of issue 7 ("every business route refuses no token, a bad signature, an expired
// token, the wrong role, a missing APIM key where one is needed"), shared by two tests:
// tests/unit/edge/routes_test.cpp runs it through the pipeline without a socket, and
// tests/integration/auth_walk_test.cpp against the running edge. For each route of the table that
// needs credentials it lists the attempts that must be refused, and checks each refusal: the
// status, the route's own envelope (EnvelopeStyle), the code OCMS-4001 and the message the route
// words (RouteAuth::token_text / apim_text, Route::forbidden_text) or the generic one.
#include "json/json.hpp"
#include "http/routes.hpp"

#include <jwt.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ocms::edge::auth_walk {

// Every role the edge knows (routes.hpp).
inline std::vector<std::string> all_roles() {
    return {roles::kStaff, roles::kPlus, roles::kOps, roles::kInternal, roles::kHst, roles::kCas};
}

// An HS256 token (libjwt) with the given roles, issuer and key; exp = now + exp_offset_s.
inline std::string sign(const std::vector<std::string>& roles, long exp_offset_s, const std::string& issuer,
                        const std::string& key, const std::string& subject = "auth-walk") {
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0) return {};
    std::unique_ptr<jwt_t, decltype(&jwt_free)> j(raw, &jwt_free);
    jwt_set_alg(raw, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key.data()), int(key.size()));
    jwt_add_grant(raw, "iss", issuer.c_str());
    jwt_add_grant(raw, "sub", subject.c_str());
    const long now =
        long(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                 .count());
    jwt_add_grant_int(raw, "iat", now - 120);
    jwt_add_grant_int(raw, "exp", now + exp_offset_s);
    std::string grants = "{\"roles\":[";
    for (std::size_t i = 0; i < roles.size(); ++i) grants += (i ? ",\"" : "\"") + roles[i] + "\"";
    jwt_add_grants_json(raw, (grants + "]}").c_str());
    std::unique_ptr<char, decltype(&free)> text(jwt_encode_str(raw), &free);
    return text ? std::string(text.get()) : std::string();
}

// The edge's credentials as a caller would hold them.
struct Credentials {
    std::string key;     // the edge's HS256 key
    std::string issuer;  // the issuer the edge accepts
    std::string apim;    // one accepted Ocp-Apim-Subscription-Key
};

struct Attempt {
    std::string name;
    std::map<std::string, std::string> headers;
    unsigned status = 401;
    std::string message;  // the whole message, or its start when prefix
    bool prefix = false;
};

// The roles of the table that a route does not accept (may be empty only for a route that takes
// every role, which the table has none of).
inline std::vector<std::string> wrong_roles(const Route& r) {
    std::vector<std::string> out;
    for (const auto& role : all_roles()) {
        bool accepted = false;
        for (const auto& a : r.auth.any_of_roles) accepted = accepted || a == role;
        if (!accepted) out.push_back(role);
    }
    return out;
}

// A request target for the route: a path parameter gets a plain value.
inline std::string target_of(const Route& r) {
    auto open = r.path.rfind("/{");
    if (open == std::string::npos) return r.path;
    return r.path.substr(0, open + 1) + "X1";
}

// Header.payload of one token with the signature of another: a tampered token.
inline std::string splice(const std::string& payload_from, const std::string& signature_from) {
    auto a = payload_from.rfind('.');
    auto b = signature_from.rfind('.');
    return payload_from.substr(0, a) + signature_from.substr(b);
}

// {"alg":"none"} with the right roles and no signature.
inline std::string unsigned_token(const std::vector<std::string>& roles, const std::string& issuer) {
    auto b64url = [](std::string_view in) {
        static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        std::string out;
        unsigned v = 0;
        int bits = 0;
        for (unsigned char c : in) {
            v = (v << 8) | c;
            bits += 8;
            while (bits >= 6) out += t[(v >> (bits -= 6)) & 63];
        }
        if (bits > 0) out += t[(v << (6 - bits)) & 63];
        return out;
    };
    std::string roles_json;
    for (const auto& r : roles) roles_json += (roles_json.empty() ? "\"" : ",\"") + r + "\"";
    return b64url(R"({"alg":"none","typ":"JWT"})") + "." +
           b64url(R"({"sub":"auth-walk","iss":")" + issuer + R"(","exp":4102444800,"roles":[)" + roles_json + "]}") +
           ".";
}

// What must be refused on route r, and how. Empty for routes without authentication.
inline std::vector<Attempt> attempts(const Route& r, const Credentials& c) {
    std::vector<Attempt> out;
    if (!r.auth.required()) return out;
    const std::string generic_apim = "Unauthorized: missing or invalid Ocp-Apim-Subscription-Key";
    const std::string apim_text = r.auth.apim_text.empty() ? generic_apim : r.auth.apim_text;
    const auto& roles = r.auth.any_of_roles;
    if (roles.empty()) {
        // API key only (spec 003 2.6): no key, a wrong key, a token in place of the key.
        out.push_back({"no APIM key", {}, 401, apim_text});
        out.push_back({"wrong APIM key", {{"Ocp-Apim-Subscription-Key", c.apim + "x"}}, 401, apim_text});
        out.push_back({"a token instead of the APIM key",
                       {{"Authorization", "Bearer " + sign(all_roles(), 600, c.issuer, c.key)}},
                       401,
                       apim_text});
        return out;
    }
    std::map<std::string, std::string> key;
    if (r.auth.apim) key["Ocp-Apim-Subscription-Key"] = c.apim;  // only the token is wrong
    auto with = [&key](std::string authorization) {
        auto h = key;
        h["Authorization"] = std::move(authorization);
        return h;
    };
    auto token_msg = [&r](std::string generic) { return r.auth.token_text.empty() ? generic : r.auth.token_text; };
    const std::string good = sign(roles, 600, c.issuer, c.key);
    out.push_back({"no token", key, 401, token_msg("Unauthorized: missing bearer token")});
    out.push_back({"not a bearer token", with("Basic YWRtaW46YWRtaW4="), 401,
                   token_msg("Unauthorized: missing bearer token")});
    out.push_back({"malformed token", with("Bearer not.a.jwt"), 401, token_msg("Unauthorized: invalid token")});
    out.push_back({"bad signature", with("Bearer " + sign(roles, 600, c.issuer, c.key + "-not-the-key")), 401,
                   token_msg("Unauthorized: invalid token")});
    out.push_back({"tampered claims",
                   with("Bearer " + splice(good, sign({"NOBODY"}, 600, c.issuer, c.key + "-not-the-key"))), 401,
                   token_msg("Unauthorized: invalid token")});
    {
        Attempt a{"alg none", with("Bearer " + unsigned_token(roles, c.issuer)), 401,
                  token_msg("Unauthorized: "), r.auth.token_text.empty()};
        out.push_back(a);
    }
    out.push_back({"expired token", with("Bearer " + sign(roles, -60, c.issuer, c.key)), 401,
                   token_msg("Unauthorized: token expired")});
    out.push_back({"wrong issuer", with("Bearer " + sign(roles, 600, c.issuer + "-elsewhere", c.key)), 401,
                   token_msg("Unauthorized: unexpected token issuer")});
    std::string need;
    for (const auto& role : roles) need += (need.empty() ? "" : ", ") + role;
    const std::string forbidden =
        r.forbidden_text.empty() ? "Forbidden: this API needs the role " + need : r.forbidden_text;
    out.push_back({"wrong role", with("Bearer " + sign(wrong_roles(r), 600, c.issuer, c.key)), 403, forbidden});
    out.push_back({"no role", with("Bearer " + sign({}, 600, c.issuer, c.key)), 403, forbidden});
    if (r.auth.apim) {
        out.push_back({"no APIM key", {{"Authorization", "Bearer " + good}}, 401, apim_text});
        out.push_back({"wrong APIM key",
                       {{"Authorization", "Bearer " + good}, {"Ocp-Apim-Subscription-Key", c.apim + "x"}},
                       401,
                       apim_text});
    }
    return out;
}

// "" when (status, body) is the refusal `a` in route r's envelope with code OCMS-4001; else why not.
inline std::string check(const Route& r, const Attempt& a, unsigned status, std::string_view body) {
    std::string where = std::string(boost::beast::http::to_string(r.method)) + " " + r.path + " (" + a.name + "): ";
    if (status != a.status)
        return where + "status " + std::to_string(status) + ", expected " + std::to_string(a.status) + "; " +
               std::string(body);
    auto doc = json::parse(body);
    if (!doc || !doc->IsObject()) return where + "not a JSON object: " + std::string(body);
    const json::Value* holder = &*doc;
    std::string code_key = "appCode";
    std::size_t expected_members = 2;
    switch (r.style) {
        case EnvelopeStyle::ocms_data:
            holder = json::get_object(*doc, "data");
            if (!holder || doc->MemberCount() != 1) return where + "not {\"data\":{...}}: " + std::string(body);
            break;
        case EnvelopeStyle::ocms_flat: break;
        case EnvelopeStyle::success_error:
            if (json::get_bool(*doc, "success") != false || doc->MemberCount() != 2)
                return where + "not {\"success\":false,\"error\":{...}}: " + std::string(body);
            holder = json::get_object(*doc, "error");
            if (!holder) return where + "no error object: " + std::string(body);
            code_key = "code";
            break;
        case EnvelopeStyle::status_failed:
            if (json::get_string(*doc, "status") != "FAILED")
                return where + "not {\"status\":\"FAILED\",...}: " + std::string(body);
            code_key = "code";
            expected_members = 3;
            break;
    }
    if (holder->MemberCount() != expected_members) return where + "unexpected members: " + std::string(body);
    auto code = json::get_string(*holder, code_key.c_str());
    if (code != "OCMS-4001") return where + "code is not OCMS-4001: " + std::string(body);
    auto message = std::string(json::get_string(*holder, "message").value_or(""));
    bool ok = a.prefix ? message.rfind(a.message, 0) == 0 : message == a.message;
    if (!ok) return where + "message '" + message + "', expected " + (a.prefix ? "to start with '" : "'") + a.message + "'";
    return {};
}

}  // namespace ocms::edge::auth_walk
