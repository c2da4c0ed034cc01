#pragma once
// Shared helpers of the edge unit tests: the edge over the fakes of fakes.hpp and the repo's
// schemas, test JWTs (libjwt), and a socket-free call into the pipeline.
#include "dispatch/gateway.hpp"
#include "fakes.hpp"
#include "json/schema_registry.hpp"
#include "metrics/metrics.hpp"
#include "store/outcome_store.hpp"
#include "http/pipeline.hpp"
#include "http/schema_explain.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <jwt.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace edge_test {

using namespace ocms;
using namespace ocms::edge;
using namespace ocms::edge::fakes;

inline const std::string kSourceDir = OCMS_SOURCE_DIR;
inline const std::string kSchemasDir = kSourceDir + "/schemas";
inline const std::string kKey = "unit-test-key-unit-test-key-0123456789";
inline const std::string kIssuer = "ocms";

inline std::shared_ptr<const json::SchemaRegistry> registry() {
    static auto r = json::SchemaRegistry::load(kSchemasDir);
    return r;
}

// An HS256 token signed here with libjwt.
// extra_json: more claims as a JSON object ({"nbf":1700000000}).
inline std::string make_token(const std::vector<std::string>& roles, long exp_offset_s = 600,
                              const std::string& issuer = kIssuer, const std::string& key = kKey,
                              const std::string& extra_json = "", const std::string& subject = "tester") {
    jwt_t* j = nullptr;
    jwt_new(&j);
    jwt_set_alg(j, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key.data()), int(key.size()));
    jwt_add_grant(j, "iss", issuer.c_str());
    jwt_add_grant(j, "sub", subject.c_str());
    if (!extra_json.empty()) jwt_add_grants_json(j, extra_json.c_str());
    long now = long(std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count());
    jwt_add_grant_int(j, "exp", now + exp_offset_s);
    std::string roles_json = "{\"roles\":[";
    for (std::size_t i = 0; i < roles.size(); ++i) roles_json += (i ? ",\"" : "\"") + roles[i] + "\"";
    roles_json += "]}";
    jwt_add_grants_json(j, roles_json.c_str());
    char* s = jwt_encode_str(j);
    std::string out = s ? s : "";
    free(s);
    jwt_free(j);
    return out;
}

// A parsed JSON body (throws when it is not JSON).
inline json::Document body_of(const std::string& text) {
    auto d = json::parse(text);
    if (!d) throw std::runtime_error(d.error());
    return std::move(*d);
}

// Reading answers: a member's presence, a null member, a required array or object.
inline bool has(const json::Value& v, const char* k) { return v.FindMember(k) != v.MemberEnd(); }
inline bool is_null(const json::Value& v, const char* k) {
    auto it = v.FindMember(k);
    return it != v.MemberEnd() && it->value.IsNull();
}
inline const json::Value& arr(const json::Value& v, const char* k) {
    const json::Value* a = json::get_array(v, k);
    if (!a) throw std::runtime_error(std::string("no array ") + k);
    return *a;
}
inline const json::Value& obj(const json::Value& v, const char* k) {
    const json::Value* o = json::get_object(v, k);
    if (!o) throw std::runtime_error(std::string("no object ") + k);
    return *o;
}

// Gateway items as a handler sees them: a worker's reply, still pending, or not queued.
inline DispatchItem replied_item(const std::string& notice, const std::string& type, const std::string& code,
                                 const std::string& message, const std::string& data = "", TimePoint at = {}) {
    DispatchItem it;
    it.command_id = CommandId("cmd-" + notice);
    it.notice_no = NoticeNo(notice);
    it.state = DispatchItem::State::replied;
    messages::Reply r;
    r.command_id = it.command_id;
    r.type = type;
    r.notice_no = it.notice_no;
    r.app_code = AppCode(code);
    r.message = message;
    r.data_json = data;
    r.processed_at = at;
    it.reply = r;
    return it;
}
inline DispatchItem pending_item(const std::string& notice) {
    DispatchItem it;
    it.command_id = CommandId("cmd-" + notice);
    it.notice_no = NoticeNo(notice);
    it.state = DispatchItem::State::pending;
    return it;
}
inline DispatchItem failed_item(const std::string& notice) {
    DispatchItem it = pending_item(notice);
    it.state = DispatchItem::State::failed;
    it.error = "Local: Message timed out";
    return it;
}

inline std::string reply_json(const std::string& command_id, const std::string& notice, const std::string& code,
                              const std::string& message, const std::string& data = "", int index = -1, int size = 1) {
    messages::Reply r;
    r.command_id = CommandId(command_id);
    r.type = "suspension.apply";
    r.notice_no = NoticeNo(notice);
    r.app_code = AppCode(code);
    r.message = message;
    r.data_json = data;
    r.processed_at = system_now();
    if (index >= 0) r.batch = messages::BatchPos{index, size};
    return messages::encode(r);
}

// The edge over the fakes (fakes.hpp FakeEdge) with the repo's schemas, the test key and one
// APIM key. A test may drop a store or set the clock before a call: each call builds the
// pipeline anew from the members.
struct Fixture : FakeEdge {
    Fixture() {
        config->body_limit = 4096;
        config->jwt_secret = kKey;
        schemas = registry();
        explainer = SchemaExplainer::load(kSchemasDir);
        jwt = std::make_shared<auth::JwtVerifier>(kKey, kIssuer);
        apim = std::make_shared<auth::ApimKeys>(std::vector<std::string>{"apim-key-1"});
    }

    // Runs the pipeline without a socket and returns the response.
    HttpResponse call(boost::beast::http::verb method, const std::string& target, const std::string& body,
                      const std::map<std::string, std::string>& headers = {}) {
        HttpRequest req{method, target, 11};
        for (const auto& [k, v] : headers) req.set(k, v);
        req.body() = body;
        req.prepare_payload();
        boost::asio::io_context ioc;
        std::optional<HttpResponse> out;
        int calls = 0;
        handle_request(pipeline(), std::move(req), ioc.get_executor(), [&](HttpResponse r) {
            ++calls;
            out = std::move(r);
        });
        ioc.run();
        if (calls != 1) throw std::runtime_error("respond called " + std::to_string(calls) + " times");
        return std::move(*out);
    }
    HttpResponse post(const std::string& target, const std::string& body, const std::string& token,
                      std::map<std::string, std::string> headers = {}) {
        if (!token.empty()) headers["Authorization"] = "Bearer " + token;
        return call(boost::beast::http::verb::post, target, body, headers);
    }
};

inline std::string app_code(const HttpResponse& r) {
    auto d = json::parse(r.body());
    if (!d) return "<not json>";
    const auto* data = json::get_object(*d, "data");
    return data ? std::string(json::get_string(*data, "appCode").value_or("")) : "";
}
inline std::string error_message(const HttpResponse& r) {
    auto d = json::parse(r.body());
    if (!d) return "<not json>";
    const auto* data = json::get_object(*d, "data");
    return data ? std::string(json::get_string(*data, "message").value_or("")) : "";
}

}  // namespace edge_test
