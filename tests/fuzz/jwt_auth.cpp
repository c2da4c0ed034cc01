// libFuzzer target: the edge's authentication (common/auth): JwtVerifier::verify of an
// Authorization header with a fixed test secret (HS256, libjwt), and ApimKeys::accepts.
//
// Input: [mode] rest
//   mode even  rest is the Authorization header's value as sent ("Bearer <token>"): forgeries,
//              truncations, other algorithms, garbage;
//   mode odd   rest is "<header JSON>\n<claims JSON>": the target builds the token and signs it
//              with the secret (HMAC-SHA256, OpenSSL), so the claims (exp, iss, sub, roles) of a
//              correctly signed token are explored too.
//   Both: rest is also offered as an APIM key.
//
// Properties, besides no crash, leak or UB:
//   - a token that verifies carries, as its third part, the HMAC-SHA256 of its first two parts
//     under the secret (nothing unsigned, nothing signed with another key or algorithm passes);
//   - its header names alg HS256, its exp is after now and its iss is the issuer, read as libjwt
//     reads them (of a repeated name, the last);
//   - each role of the claims is a string of the token's "roles" array;
//   - the change-stage report id made from its subject passes the report store's check;
//   - the APIM check accepts exactly a configured, non-empty key.
#include "fuzz_support.hpp"

#include "auth/auth.hpp"
#include "reports/report_store.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

using namespace ocms;

namespace {

const std::string kKey = "fuzz-test-key-fuzz-test-key-0123456789";
const std::string kIssuer = "ocms";
const std::vector<std::string> kApimKeys{"fuzz-apim-key-1", "0123456789abcdef0123456789abcdef"};

std::string b64url(std::string_view in) {
    std::string s = messages::base64_encode(in);
    for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!s.empty() && s.back() == '=') s.pop_back();
    return s;
}

std::string hmac(std::string_view signing_input) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), kKey.data(), int(kKey.size()), reinterpret_cast<const unsigned char*>(signing_input.data()),
         signing_input.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

// The parts of a compact JWS: header.payload.signature.
struct Parts {
    std::string_view header, payload, signature;
};
std::optional<Parts> split(std::string_view token) {
    auto a = token.find('.');
    if (a == std::string_view::npos) return std::nullopt;
    auto b = token.find('.', a + 1);
    if (b == std::string_view::npos || token.find('.', b + 1) != std::string_view::npos) return std::nullopt;
    return Parts{token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1)};
}

// The JSON of a token part as libjwt (jansson) reads it: a repeated name means its last value.
// RapidJSON keeps every copy (json::parse refuses them; this reads them), so take the last.
std::optional<rapidjson::Document> lenient_parse(const std::string& text) {
    rapidjson::Document d;
    d.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if (d.HasParseError() || !d.IsObject()) return std::nullopt;
    return d;
}
const json::Value* last(const json::Value& obj, std::string_view name) {
    const json::Value* out = nullptr;
    for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it)
        if (std::string_view(it->name.GetString(), it->name.GetStringLength()) == name) out = &it->value;
    return out;
}
bool is_text(const json::Value* v, std::string_view s) {
    return v && v->IsString() && std::string_view(v->GetString(), v->GetStringLength()) == s;
}

void check_accepted(std::string_view authorization, const auth::Claims& claims) {
    const std::string_view token = authorization.substr(7);
    auto parts = split(token);
    FUZZ_CHECK(parts.has_value(), "an accepted token is not header.payload.signature: " + std::string(token));
    auto sig = messages::base64_decode(parts->signature);
    const std::string signing_input(token.substr(0, parts->header.size() + 1 + parts->payload.size()));
    FUZZ_CHECK(sig && *sig == hmac(signing_input),
               "a token verified without the secret's HMAC-SHA256 signature: " + std::string(token));
    auto header_text = messages::base64_decode(parts->header);
    auto payload_text = messages::base64_decode(parts->payload);
    FUZZ_CHECK(header_text && payload_text, "an accepted token's parts are not base64url");
    // jansson and RapidJSON may differ on odd JSON (NUL in names, huge numbers): when RapidJSON
    // reads a part, check it as libjwt reads it.
    if (auto header = lenient_parse(*header_text))
        FUZZ_CHECK(is_text(last(*header, "alg"), "HS256"), "an accepted token's header does not say HS256: " + *header_text);
    if (auto payload = lenient_parse(*payload_text)) {
        const auto now_s = to_micros(fuzz::fixed_now()) / 1000000;
        const json::Value* iss = last(*payload, "iss");
        const json::Value* exp = last(*payload, "exp");
        FUZZ_CHECK(iss && iss->IsString() && iss->GetString() == kIssuer,  // libjwt hands a C string over
                   "an accepted token without the issuer: " + *payload_text);
        FUZZ_CHECK(exp && exp->IsNumber() && exp->GetDouble() > double(now_s),
                   "an accepted token without a future exp: " + *payload_text);
        std::set<std::string, std::less<>> allowed;
        if (const json::Value* roles = last(*payload, "roles"); roles && roles->IsArray())
            for (const auto& r : roles->GetArray())
                if (r.IsString()) allowed.emplace(r.GetString(), r.GetStringLength());
        for (const auto& r : claims.roles)
            FUZZ_CHECK(allowed.contains(r), "role '" + r + "' is not in the token's roles: " + *payload_text);
    }
    const std::string officer = claims.subject.substr(0, 50);
    const std::string id = reports::new_report_id(fuzz::fixed_now(), officer.empty() ? "OCMS_STAFF" : officer);
    FUZZ_CHECK(reports::valid_report_id(id), "report id from subject '" + claims.subject + "' is refused: " + id);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auth::JwtVerifier verifier(kKey, kIssuer);
    static const auth::ApimKeys apim(kApimKeys);
    if (size < 1) return 0;
    const std::string_view rest = fuzz::as_text(data + 1, size - 1);

    std::string authorization;
    if (data[0] % 2 == 0) {
        authorization = std::string(rest);
    } else {
        const auto nl = rest.find('\n');
        const std::string_view header = rest.substr(0, nl);
        const std::string_view claims = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        const std::string signing_input = b64url(header) + "." + b64url(claims);
        authorization = "Bearer " + signing_input + "." + b64url(hmac(signing_input));
    }
    if (auto claims = verifier.verify(authorization, fuzz::fixed_now())) check_accepted(authorization, *claims);
    else FUZZ_CHECK(claims.error().status == 401 || claims.error().status == 403, "an odd status");

    bool configured = false;
    for (const auto& k : kApimKeys) configured = configured || k == rest;
    FUZZ_CHECK(apim.accepts(rest) == (configured && !rest.empty()), "APIM check wrong for " + std::string(rest));
    return 0;
}
