// The HTTP pipeline without a socket: routing, size, auth, JSON, schema, handler.
#include "support.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <openssl/evp.h>
#include <openssl/hmac.h>

using namespace edge_test;
namespace http = boost::beast::http;

namespace {

const std::string kApply = "/v1/staff-apply-suspension";
const std::string kGood = R"({"noticeNo":["500500303J","500500304K"],"suspensionType":"TS","reasonOfSuspension":"ACR",
  "suspensionRemarks":"ACRA investigation pending","officerAuthorisingSuspension":"JOHNLEE"})";

std::string with_notices(int n) {
    std::string list;
    for (int i = 0; i < n; ++i) list += (i ? ",\"N" : "\"N") + std::to_string(i) + "\"";
    return R"({"noticeNo":[)" + list + R"(],"suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"JOHNLEE"})";
}

class Pipeline : public ::testing::Test {
protected:
    Fixture f;
    std::string staff = make_token({"OCMS_STAFF"});

    void expect_400(const std::string& body, const std::string& needle) {
        auto r = f.post(kApply, body, staff);
        EXPECT_EQ(r.result_int(), 400u) << body << " -> " << r.body();
        EXPECT_EQ(app_code(r), "OCMS-4000") << r.body();
        EXPECT_NE(error_message(r).find(needle), std::string::npos) << "'" << needle << "' not in " << r.body();
        EXPECT_TRUE(f.gateway->seen.empty()) << "nothing may be produced for a bad request";
    }
};

}  // namespace

TEST_F(Pipeline, GoodRequestReachesTheGatewayAndAnswersTheBatch) {
    auto r = f.post(kApply, kGood, staff, {{"X-Request-Id", "req-42"}});
    EXPECT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(r[http::field::content_type], "application/json");
    EXPECT_EQ(r["X-Request-Id"], "req-42");
    ASSERT_EQ(f.gateway->seen.size(), 2u);
    EXPECT_EQ(f.gateway->seen[0].request_id->value(), "req-42");
    auto d = json::parse(r.body());
    ASSERT_TRUE(d);
    EXPECT_EQ(json::get_int(*d, "successCount"), 2);
    EXPECT_EQ(json::get_string(*d, "requestId"), "req-42");
    EXPECT_NE(f.metrics->render().find(R"(ocms_http_requests_total{route="/v1/staff-apply-suspension",status="200"} 1)"),
              std::string::npos);
}

TEST_F(Pipeline, PendingAnswerIs202) {
    f.gateway->answer = [](const messages::Command& c) {
        DispatchItem it;
        it.command_id = c.command_id;
        it.notice_no = NoticeNo(command_key(c));
        it.state = DispatchItem::State::pending;
        return it;
    };
    auto r = f.post(kApply, kGood, staff);
    EXPECT_EQ(r.result_int(), 202u) << r.body();
    auto d = json::parse(r.body());
    ASSERT_TRUE(d);
    EXPECT_EQ(json::get_int(*d, "pendingCount"), 2);
    EXPECT_EQ(json::get_string(*d, "requestId"), std::string_view(r["X-Request-Id"].data(), r["X-Request-Id"].size()));
}

TEST_F(Pipeline, MalformedJson) { expect_400(R"({"noticeNo":[)", "malformed JSON"); }
TEST_F(Pipeline, EmptyBody) { expect_400("", "empty"); }
TEST_F(Pipeline, NotAnObject) { expect_400("[1,2]", "body must be a JSON object"); }
TEST_F(Pipeline, WrongType) {
    expect_400(R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J"})",
               "noticeNo must be a array");
}
TEST_F(Pipeline, UnknownField) {
    expect_400(R"({"noticeNo":["A1"],"suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J","foo":1})",
               "unknown field 'foo'");
}
TEST_F(Pipeline, MissingField) {
    expect_400(R"({"noticeNo":["A1"],"suspensionType":"TS","officerAuthorisingSuspension":"J"})",
               "missing required field 'reasonOfSuspension'");
}
TEST_F(Pipeline, ElevenNotices) { expect_400(with_notices(11), "noticeNo has more than 10 items"); }
TEST_F(Pipeline, TenNoticesAreFine) {
    auto r = f.post(kApply, with_notices(10), staff);
    EXPECT_EQ(r.result_int(), 200u) << r.body();
}
TEST_F(Pipeline, EmptyList) { expect_400(with_notices(0), "noticeNo needs at least 1"); }
TEST_F(Pipeline, OverLongField) {
    expect_400(R"({"noticeNo":["A1"],"suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J",
      "suspensionRemarks":")" + std::string(201, 'x') + "\"}",
               "suspensionRemarks is longer than 200 characters");
}
TEST_F(Pipeline, BadNoticeCharacters) {
    expect_400(R"({"noticeNo":["A1","B-2"],"suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J"})",
               "noticeNo[1] contains characters");
}
TEST_F(Pipeline, BadUtf8) {
    expect_400("{\"noticeNo\":[\"A1\"],\"suspensionType\":\"TS\",\"reasonOfSuspension\":\"ACR\","
               "\"officerAuthorisingSuspension\":\"J\xff\xfe\"}",
               "malformed JSON");
}
TEST_F(Pipeline, DuplicateNotice) {
    expect_400(R"({"noticeNo":["A1","A1"],"suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J"})",
               "Duplicate notice number: A1");
}
// A repeated name (found by tests/fuzz on the command topics): refused, never "the first wins".
TEST_F(Pipeline, DuplicateKey) {
    expect_400(R"({"noticeNo":["A1"],"suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J",
      "noticeNo":["B2"]})",
               "duplicate key 'noticeNo'");
}
TEST_F(Pipeline, OversizeBody) {
    expect_400(R"({"noticeNo":["A1"],"suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J",
      "suspensionRemarks":")" + std::string(5000, 'x') + "\"}",
               "larger than 4096 bytes");
}

TEST_F(Pipeline, NoTokenIs401) {
    auto r = f.post(kApply, kGood, "");
    EXPECT_EQ(r.result_int(), 401u);
    EXPECT_EQ(app_code(r), "OCMS-4001");
    EXPECT_TRUE(f.gateway->seen.empty());
}
TEST_F(Pipeline, BadTokensAre401) {
    for (const auto& token : {std::string("garbage"), make_token({"OCMS_STAFF"}, -10),
                              make_token({"OCMS_STAFF"}, 600, "someone-else"),
                              make_token({"OCMS_STAFF"}, 600, kIssuer, "another-key-another-key-another-key")}) {
        auto r = f.post(kApply, kGood, token);
        EXPECT_EQ(r.result_int(), 401u) << r.body();
        EXPECT_EQ(app_code(r), "OCMS-4001");
    }
    EXPECT_TRUE(f.gateway->seen.empty());
}
// Found by tests/fuzz (jwt_auth): libjwt reads the header's "alg" ignoring case, so a token whose
// header said "Hs256", correctly signed, passed; RFC 7515 4.1.1 makes "alg" case-sensitive.
TEST_F(Pipeline, TheHeaderMustSayExactlyHS256) {
    auto b64url = [](std::string_view in) {
        std::string s = messages::base64_encode(in);
        for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
        while (!s.empty() && s.back() == '=') s.pop_back();
        return s;
    };
    const long now = long(std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count());
    auto token = [&](const std::string& alg) {
        const std::string signing = b64url(R"({"alg":")" + alg + R"(","typ":"JWT"})") + "." +
                                    b64url(R"({"iss":"ocms","sub":"t","exp":)" + std::to_string(now + 600) +
                                           R"(,"roles":["OCMS_STAFF"]})");
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        HMAC(EVP_sha256(), kKey.data(), int(kKey.size()), reinterpret_cast<const unsigned char*>(signing.data()),
             signing.size(), mac, &len);
        return signing + "." + b64url(std::string_view(reinterpret_cast<const char*>(mac), len));
    };
    EXPECT_EQ(f.post(kApply, kGood, token("HS256")).result_int(), 200u);  // the control: signed right
    for (const char* alg : {"Hs256", "hs256", "HS256 "}) {
        auto r = f.post(kApply, kGood, token(alg));
        EXPECT_EQ(r.result_int(), 401u) << alg << " -> " << r.body();
        EXPECT_EQ(app_code(r), "OCMS-4001");
    }
    EXPECT_EQ(f.gateway->seen.size(), 2u);  // the control's two notices only
}
// Issue 14 point 5: nbf and iat were not checked; a token valid from tomorrow worked today.
TEST_F(Pipeline, TokensFromTheFutureAre401) {
    const long now = long(std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count());
    auto with = [&](const std::string& claims) { return make_token({"OCMS_STAFF"}, 7200, kIssuer, kKey, claims); };
    for (const auto& claims : {"{\"nbf\":" + std::to_string(now + 3600) + "}",
                               "{\"iat\":" + std::to_string(now + 3600) + "}",
                               std::string(R"({"nbf":"yesterday"})"), std::string(R"({"iat":"now"})")}) {
        auto r = f.post(kApply, kGood, with(claims));
        EXPECT_EQ(r.result_int(), 401u) << claims << " -> " << r.body();
        EXPECT_EQ(app_code(r), "OCMS-4001");
        EXPECT_EQ(r[http::field::www_authenticate], "Bearer") << claims;
    }
    EXPECT_TRUE(f.gateway->seen.empty());
    // inside the clock leeway, and in the past: accepted
    for (const auto& claims : {"{\"nbf\":" + std::to_string(now + 20) + ",\"iat\":" + std::to_string(now + 20) + "}",
                               "{\"nbf\":" + std::to_string(now - 60) + ",\"iat\":" + std::to_string(now - 60) + "}"}) {
        auto r = f.post(kApply, kGood, with(claims));
        EXPECT_EQ(r.result_int(), 200u) << claims << " -> " << r.body();
    }
}
TEST_F(Pipeline, WrongRoleIs403) {
    auto r = f.post(kApply, kGood, make_token({"PLUS", "OPS"}));
    EXPECT_EQ(r.result_int(), 403u);
    EXPECT_EQ(app_code(r), "OCMS-4001");
    EXPECT_NE(error_message(r).find("OCMS_STAFF"), std::string::npos);
    EXPECT_TRUE(f.gateway->seen.empty());
}
TEST_F(Pipeline, AuthComesBeforeTheBody) {
    auto r = f.post(kApply, "{not json", "");
    EXPECT_EQ(r.result_int(), 401u);
}

TEST_F(Pipeline, UnknownPathIs404AndWrongMethodIs405) {
    auto r = f.call(http::verb::get, "/v1/nothing", "");
    EXPECT_EQ(r.result_int(), 404u);
    EXPECT_EQ(app_code(r), "OCMS-4000");
    auto m = f.call(http::verb::get, kApply, "");
    EXPECT_EQ(m.result_int(), 405u);
    EXPECT_EQ(app_code(m), "OCMS-4000");
    EXPECT_EQ(m[http::field::content_type], "application/json");
    EXPECT_FALSE(m["X-Request-Id"].empty());
}

TEST_F(Pipeline, RequestIdIsKeptOnlyWhenSane) {
    auto kept = f.call(http::verb::get, "/healthz", "", {{"X-Request-Id", "abc.DEF_1-2"}});
    EXPECT_EQ(kept["X-Request-Id"], "abc.DEF_1-2");
    auto replaced = f.call(http::verb::get, "/healthz", "", {{"X-Request-Id", "bad id with spaces"}});
    EXPECT_NE(replaced["X-Request-Id"], "bad id with spaces");
    EXPECT_EQ(replaced["X-Request-Id"].size(), 36u);
    auto too_long = f.call(http::verb::get, "/healthz", "", {{"X-Request-Id", std::string(65, 'a')}});
    EXPECT_EQ(too_long["X-Request-Id"].size(), 36u);
}

TEST_F(Pipeline, Probes) {
    auto h = f.call(http::verb::get, "/healthz?x=1", "");
    EXPECT_EQ(h.result_int(), 200u);
    EXPECT_EQ(h[http::field::content_type], "application/json");
    EXPECT_EQ(f.call(http::verb::get, "/readyz", "").result_int(), 503u);
    f.gateway->is_ready = true;
    EXPECT_EQ(f.call(http::verb::get, "/readyz", "").result_int(), 200u);
    auto m = f.call(http::verb::get, "/metrics", "");
    EXPECT_EQ(m.result_int(), 200u);
    EXPECT_NE(m.body().find("ocms_http_requests_total"), std::string::npos);
}

TEST_F(Pipeline, RequestOutcomeRolesAndAnswers) {
    const std::string body = R"({"requestId":"req-1"})";
    for (const char* role : {"OCMS_STAFF", "PLUS", "OPS"}) {
        auto r = f.post("/v1/request-outcome", body, make_token({role}));
        EXPECT_EQ(r.result_int(), 200u) << role << " " << r.body();
        EXPECT_NE(r.body().find(R"("status":"UNKNOWN")"), std::string::npos) << r.body();
    }
    EXPECT_EQ(f.post("/v1/request-outcome", body, make_token({"SOMEONE"})).result_int(), 403u);
    EXPECT_EQ(f.post("/v1/request-outcome", R"({"requestId":""})", staff).result_int(), 400u);
}

TEST_F(Pipeline, DatabaseDownIs500) {
    f.outcomes->fetch_call.result = store_down("connection refused");
    auto r = f.post("/v1/request-outcome", R"({"requestId":"req-1"})", staff);
    EXPECT_EQ(r.result_int(), 500u);
    EXPECT_EQ(app_code(r), "OCMS-5000");
}

// Issue 14 point 2: a wrong method on a path of a route pattern labelled its series with the
// raw path; 200 such requests with 3 KB paths grew /metrics to 11 MB.
TEST_F(Pipeline, MetricLabelsAreRouteTemplatesNeverRawPaths) {
    const std::string long_asset = "/ops/" + std::string(3000, 'a');
    for (int i = 0; i < 20; ++i) {
        auto r = f.call(http::verb::post, long_asset + std::to_string(i), "{}");
        EXPECT_EQ(r.result_int(), 405u);
        f.call(http::verb::get, "/nothing/" + std::to_string(i), "");
    }
    const std::string m = f.metrics->render();
    EXPECT_EQ(m.find(std::string(100, 'a')), std::string::npos) << "a raw path became a label";
    EXPECT_EQ(m.find("/nothing"), std::string::npos);
    EXPECT_NE(m.find(R"(ocms_http_requests_total{route="/ops/{asset}",status="405"} 20)"), std::string::npos) << m;
    EXPECT_NE(m.find(R"(ocms_http_requests_total{route="unmatched",status="404"} 20)"), std::string::npos) << m;
    EXPECT_LT(m.size(), 64u * 1024);
}

// Issue 14 point 1: nesting is bounded before the schema validator (which recurses) sees it.
TEST_F(Pipeline, DeepNestingIs400) {
    const std::string deep = std::string(1500, '[') + std::string(1500, ']');
    auto r = f.post("/v1/updateCourtNotices", deep, make_token({"CAS"}));
    EXPECT_EQ(r.result_int(), 400u) << r.body();
    EXPECT_NE(r.body().find("nesting deeper than 32"), std::string::npos) << r.body();
    expect_400(R"({"noticeNo":["A1"],"suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J",
      "suspensionRemarks":)" + std::string(40, '[') + std::string(40, ']') + "}", "nesting deeper than 32");
}
// The court records' free objects are constrained too: a record's values are scalars.
TEST_F(Pipeline, CourtRecordValuesAreScalars) {
    auto r = f.post("/v1/updateCourtNotices", R"([{"notice_no":"500500303J","atoms_flag":{"a":[1]}}])", make_token({"CAS"}));
    EXPECT_EQ(r.result_int(), 400u) << r.body();
    EXPECT_TRUE(f.gateway->seen.empty());
}

// Issue 14 point 4: \u0000 truncated a notice number; a lone surrogate parked a notice.
TEST_F(Pipeline, NulAndLoneSurrogatesAre400) {
    expect_400(R"({"noticeNo":["SBA1234A\u0000ZZZ"],"suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J"})",
               "\\u0000 is not allowed");
    expect_400(R"({"noticeNo":["A1"],"suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J",
      "suspensionRemarks":"x\udc00"})", "lone surrogate");
    auto r = f.post("/api/v1/change-processing-stage/search", R"({"noticeNo":"\udc00"})", staff);
    EXPECT_EQ(r.result_int(), 400u) << r.body();
    EXPECT_NE(r.body().find("OCMS.CPS.INVALID_FORMAT"), std::string::npos) << r.body();
}

// Issue 14 point 9: protocol hygiene.
TEST_F(Pipeline, JsonAnswersAreNotCached) {
    EXPECT_EQ(f.post(kApply, kGood, staff)[http::field::cache_control], "no-store");
    EXPECT_EQ(f.post(kApply, "{", staff)[http::field::cache_control], "no-store");
    EXPECT_EQ(f.call(http::verb::get, "/nothing", "")[http::field::cache_control], "no-store");
}
TEST_F(Pipeline, UnauthorizedNamesTheBearerScheme) {
    auto r = f.post(kApply, kGood, "");
    EXPECT_EQ(r.result_int(), 401u);
    EXPECT_EQ(r[http::field::www_authenticate], "Bearer");
    EXPECT_EQ(f.post(kApply, kGood, make_token({"PLUS"}))[http::field::www_authenticate], "");  // 403
}
TEST_F(Pipeline, AnotherContentTypeIs415) {
    for (const char* type : {"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"}) {
        auto r = f.post(kApply, kGood, staff, {{"Content-Type", type}});
        EXPECT_EQ(r.result_int(), 415u) << type << " -> " << r.body();
        EXPECT_EQ(app_code(r), "OCMS-4000");
    }
    EXPECT_TRUE(f.gateway->seen.empty());
    for (const char* type : {"application/json", "application/json; charset=utf-8", "Application/JSON",
                             "application/problem+json"}) {
        auto r = f.post(kApply, kGood, staff, {{"Content-Type", type}});
        EXPECT_EQ(r.result_int(), 200u) << type << " -> " << r.body();
    }
    EXPECT_EQ(f.post(kApply, kGood, staff).result_int(), 200u);  // no Content-Type: taken as JSON
}
TEST_F(Pipeline, ATrailingSlashNamesTheSameRoute) {
    const auto dir = std::filesystem::temp_directory_path() / ("ocms-console-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "index.html") << "<!doctype html><title>console</title>";
    f.config->console_dir = dir.string();
    auto with = f.call(http::verb::get, "/ops/", "");
    EXPECT_EQ(with.result_int(), 200u) << with.body();
    EXPECT_EQ(with.body(), f.call(http::verb::get, "/ops", "").body());
    std::filesystem::remove_all(dir);
    EXPECT_EQ(f.post(kApply + "/", kGood, staff).result_int(), 200u);
    EXPECT_EQ(f.call(http::verb::get, "/nothing/", "").result_int(), 404u);
}

// Issue 14 point 3: a request's outcome was anyone's; a PLUS call reusing another caller's
// X-Request-Id added its notices to that caller's outcome.
TEST_F(Pipeline, CommandsCarryTheirCaller) {
    ASSERT_EQ(f.post(kApply, kGood, staff).result_int(), 200u);
    ASSERT_FALSE(f.gateway->seen.empty());
    EXPECT_EQ(f.gateway->seen[0].caller, "sub:tester");
    f.gateway->seen.clear();
    auto plus = f.post("/v1/plus-apply-suspension",
                       R"({"notice_no":"500500303J","date_of_suspension":"2025-03-22T19:00:02","suspension_source":"PLUS",)"
                       R"("suspension_type":"TS","reason_of_suspension":"APP","officer_authorising_suspension":"PLMJOHN"})",
                       make_token({"PLUS"}), {{"Ocp-Apim-Subscription-Key", "apim-key-1"}});
    ASSERT_FALSE(f.gateway->seen.empty()) << plus.body();
    const std::string tag = messages::sha256_hex("apim-key-1").substr(0, 16);
    EXPECT_EQ(f.gateway->seen[0].caller, "sub:tester|apim:" + tag);
    EXPECT_EQ(messages::encode(f.gateway->seen[0]).find("apim-key-1"), std::string::npos) << "the key itself stays out";
}
TEST_F(Pipeline, ARequestOutcomeIsItsCallersOnly) {
    auto row = [](const std::string& cmd, const std::string& notice, std::optional<std::string> caller) {
        return InboxRow{cmd, notice, "OCMS-2000", reply_json(cmd, notice, "OCMS-2000", "TS Success", "", -1), 1,
                        std::move(caller)};
    };
    f.outcomes->fetch_call.result = std::vector<InboxRow>{row("c1", "A1", "sub:tester"), row("c2", "B2", "sub:someone-else"),
                                             row("c3", "C3", std::nullopt)};
    const std::string body = R"({"requestId":"shared-id"})";
    auto mine = f.post("/v1/request-outcome", body, staff);
    ASSERT_EQ(mine.result_int(), 200u) << mine.body();
    EXPECT_NE(mine.body().find("A1"), std::string::npos);
    EXPECT_EQ(mine.body().find("B2"), std::string::npos) << "never merged with another caller's";
    EXPECT_EQ(mine.body().find("C3"), std::string::npos);
    auto stranger = f.post("/v1/request-outcome", body, make_token({"OCMS_STAFF"}, 600, kIssuer, kKey, "", "stranger"));
    EXPECT_EQ(stranger.result_int(), 404u) << stranger.body();
    EXPECT_EQ(stranger.body().find("A1"), std::string::npos);
    auto ops = f.post("/v1/request-outcome", body, make_token({"OPS"}, 600, kIssuer, kKey, "", "support"));
    ASSERT_EQ(ops.result_int(), 200u);
    for (const char* n : {"A1", "B2", "C3"}) EXPECT_NE(ops.body().find(n), std::string::npos) << n;
}
