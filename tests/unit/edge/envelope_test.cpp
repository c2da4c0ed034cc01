// The one function that picks the HTTP status and the error envelope.
#include "http/envelope.hpp"
#include "json/json.hpp"

#include <gtest/gtest.h>

using namespace ocms::edge;

TEST(Envelope, StatusAndCodePerKind) {
    struct Case {
        ErrorKind kind;
        unsigned status;
        const char* code;
    };
    for (auto c : {Case{ErrorKind::bad_request, 400, "OCMS-4000"}, Case{ErrorKind::unauthorized, 401, "OCMS-4001"},
                   Case{ErrorKind::forbidden, 403, "OCMS-4001"}, Case{ErrorKind::not_found, 404, "OCMS-4000"},
                   Case{ErrorKind::method_not_allowed, 405, "OCMS-4000"},
                   Case{ErrorKind::internal, 500, "OCMS-5000"}}) {
        auto r = render_error(EnvelopeStyle::ocms_data, {c.kind, "m"});
        EXPECT_EQ(r.status, c.status);
        EXPECT_EQ(r.code.str(), c.code);
        EXPECT_EQ(r.body, std::string(R"({"data":{"appCode":")") + c.code + R"(","message":"m"}})");
    }
}

TEST(Envelope, Spec003Style) {
    auto r = render_error(EnvelopeStyle::success_error, {ErrorKind::bad_request, "bad \"x\""});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.body, R"({"success":false,"error":{"code":"OCMS.CPS.INVALID_FORMAT","message":"bad \"x\""}})");
    // Spec 003 section 3: a named code wins; an unexpected fault is OCMS.CPS.UNEXPECTED; 422 exists.
    r = render_error(EnvelopeStyle::success_error, {ErrorKind::bad_request, "range", "INVALID_DATE_RANGE"});
    EXPECT_EQ(r.body, R"({"success":false,"error":{"code":"INVALID_DATE_RANGE","message":"range"}})");
    r = render_error(EnvelopeStyle::success_error, {ErrorKind::internal, "x"});
    EXPECT_EQ(r.status, 500u);
    EXPECT_NE(r.body.find("OCMS.CPS.UNEXPECTED"), std::string::npos);
    r = render_error(EnvelopeStyle::success_error, {ErrorKind::unprocessable, "Remarks mandatory for OTH reason",
                                                    "OCMS.CPS.REMARKS_REQUIRED"});
    EXPECT_EQ(r.status, 422u);
    EXPECT_EQ(r.body, R"({"success":false,"error":{"code":"OCMS.CPS.REMARKS_REQUIRED","message":"Remarks mandatory for OTH reason"}})");
}

TEST(Envelope, PlusStageStyle) {
    auto r = render_error(EnvelopeStyle::status_failed,
                          {ErrorKind::unprocessable, "Stage transition not allowed: DN1 -> CFC", "OCMS-4000"});
    EXPECT_EQ(r.status, 422u);
    EXPECT_EQ(r.body, R"({"status":"FAILED","code":"OCMS-4000","message":"Stage transition not allowed: DN1 -> CFC"})");
    r = render_error(EnvelopeStyle::status_failed, {ErrorKind::unauthorized, "Unauthorized"});
    EXPECT_EQ(r.body, R"({"status":"FAILED","code":"OCMS-4001","message":"Unauthorized"})");
}

// Found by tests/fuzz (edge_http): "No such API: <path>" quoted a path with byte 0xFF, and the
// 404's body was not JSON (invalid UTF-8). Every style now writes a message as valid UTF-8.
TEST(Envelope, MessageIsAlwaysValidUtf8) {
    for (auto style : {EnvelopeStyle::ocms_data, EnvelopeStyle::success_error, EnvelopeStyle::status_failed,
                       EnvelopeStyle::ocms_flat}) {
        auto r = render_error(style, {ErrorKind::not_found, "No such API: /v1/a\xff\xc3(\xe2\x82\xac\xed\xa0\x80\xf0\x9f\x98"});
        auto doc = ocms::json::parse(r.body);
        ASSERT_TRUE(doc) << r.body;
        EXPECT_NE(r.body.find("No such API: /v1/a\xEF\xBF\xBD\xEF\xBF\xBD(\xe2\x82\xac\xEF\xBF\xBD"), std::string::npos)
            << r.body;
    }
    // Valid text, multi-byte included, is kept as it is.
    auto r = render_error(EnvelopeStyle::ocms_flat, {ErrorKind::bad_request, "caf\xc3\xa9 \xe2\x82\xac"});
    EXPECT_EQ(r.body, "{\"appCode\":\"OCMS-4000\",\"message\":\"caf\xc3\xa9 \xe2\x82\xac\"}");
}

// Found by tests/fuzz (edge_http) after json::parse began to refuse \u0000: a path with a NUL
// byte, quoted in a 404, made a body no reader of ours takes back.
TEST(Envelope, ANulByteInTheMessageIsReplaced) {
    auto r = render_error(EnvelopeStyle::ocms_data, {ErrorKind::not_found, std::string("No such report: ab\0\0c", 21)});
    auto doc = ocms::json::parse(r.body);
    ASSERT_TRUE(doc) << r.body;
    EXPECT_NE(r.body.find("ab\xEF\xBF\xBD\xEF\xBF\xBD" "c"), std::string::npos) << r.body;
}

TEST(Envelope, SaneRequestIds) {
    EXPECT_TRUE(sane_request_id("abc-123_X.y"));
    EXPECT_TRUE(sane_request_id(std::string(64, 'a')));
    EXPECT_FALSE(sane_request_id(std::string(65, 'a')));
    EXPECT_FALSE(sane_request_id(""));
    EXPECT_FALSE(sane_request_id("a b"));
    EXPECT_FALSE(sane_request_id("a\"b"));
    EXPECT_FALSE(sane_request_id("a/b"));
}
