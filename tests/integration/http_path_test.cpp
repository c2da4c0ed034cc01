// The HTTP path end to end: edge -> ocms.cmd.suspension -> worker -> PostgreSQL -> ocms.reply
// -> edge, against the real broker and database.
#include "support.hpp"

#include <gtest/gtest.h>

namespace ocms::test {
namespace {

const char* kPath = "/v1/staff-apply-suspension";

TEST(HttpPath, AppliesTsAndReturnsSrNoAndDueDate) {
    auto notices = make_notices(2);
    auto res = post_authed(kPath, staff_body(notices));
    ASSERT_EQ(res.status, 200) << res.body;
    auto doc = res.json();
    EXPECT_EQ(doc["totalProcessed"].GetInt(), 2);
    EXPECT_EQ(doc["successCount"].GetInt(), 2);
    EXPECT_EQ(doc["errorCount"].GetInt(), 0);
    ASSERT_EQ(doc["results"].Size(), 2u);
    auto db = readonly_db();
    for (rapidjson::SizeType i = 0; i < 2; ++i) {
        const auto& r = doc["results"][i];
        EXPECT_EQ(std::string(r["noticeNo"].GetString()), notices[i]);
        EXPECT_EQ(std::string(r["appCode"].GetString()), "OCMS-2000");
        EXPECT_EQ(std::string(r["message"].GetString()), "TS Success");
        ASSERT_TRUE(r.HasMember("srNo") && r["srNo"].IsInt64()) << res.body;
        ASSERT_TRUE(r.HasMember("dueDateOfRevival")) << res.body;
        EXPECT_EQ(std::string(r["dueDateOfRevival"].GetString()).size(), 19u);  // 2025-04-12T19:00:02
        // The database agrees: VON first, then the record with that sr_no, and the mirror.
        EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = $1 AND sr_no = $2 "
                              "AND reason_of_suspension = 'ACR' AND suspension_source = 'OCMS'",
                         {notices[i], std::to_string(r["srNo"].GetInt64())}),
                  1);
        EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no = $1 "
                              "AND suspension_type = 'TS' AND due_date_of_revival > now() + interval '20 days'",
                         {notices[i]}),
                  1);
        EXPECT_EQ(scalar(*db, "SELECT count(*) FROM eocms_valid_offence_notice WHERE notice_no = $1 "
                              "AND suspension_type = 'TS'",
                         {notices[i]}),
                  1);
    }
}

TEST(HttpPath, SameCallAgainAnswers2001AndWritesNothing) {
    auto notices = make_notices(1);
    auto first = post_authed(kPath, staff_body(notices));
    ASSERT_EQ(first.status, 200) << first.body;
    ASSERT_EQ(std::string(first.json()["results"][0]["appCode"].GetString()), "OCMS-2000");
    auto second = post_authed(kPath, staff_body(notices));
    ASSERT_EQ(second.status, 200) << second.body;
    auto doc = second.json();
    EXPECT_EQ(std::string(doc["results"][0]["appCode"].GetString()), "OCMS-2001");
    EXPECT_EQ(std::string(doc["results"][0]["message"].GetString()),
              "Notice already has active TS with same or later revival date");
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = $1", {notices[0]}), 1);
}

TEST(HttpPath, MixedBatchGivesEachNoticeItsOwnCode) {
    auto ok = make_notices(2);
    auto npa = make_notices(1, "NPA");  // ACR is not allowed at NPA
    std::vector<std::string> all{ok[0], "ZZNOSUCH01", npa[0], ok[1]};
    auto res = post_authed(kPath, staff_body(all));
    ASSERT_EQ(res.status, 200) << res.body;
    auto doc = res.json();
    EXPECT_EQ(doc["totalProcessed"].GetInt(), 4);
    EXPECT_EQ(doc["successCount"].GetInt(), 2);
    EXPECT_EQ(doc["errorCount"].GetInt(), 2);
    EXPECT_EQ(std::string(doc["results"][0]["appCode"].GetString()), "OCMS-2000");
    EXPECT_EQ(std::string(doc["results"][1]["appCode"].GetString()), "OCMS-4001");
    EXPECT_EQ(std::string(doc["results"][2]["appCode"].GetString()), "OCMS-4002");
    EXPECT_EQ(std::string(doc["results"][3]["appCode"].GetString()), "OCMS-2000");
}

TEST(HttpPath, CheckingValidatesAndAppliesNothing) {
    auto notices = make_notices(1);
    std::string body = staff_body(notices);
    body.insert(body.size() - 1, R"(,"checking":true)");
    auto res = post_authed(kPath, body);
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(std::string(res.json()["results"][0]["appCode"].GetString()), "OCMS-2000");
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = $1", {notices[0]}), 0);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no = $1 AND suspension_type IS NULL",
                     {notices[0]}),
              1);
}

void expect_bad_request(const std::string& body, const std::string& why) {
    auto res = post_authed(kPath, body);
    EXPECT_EQ(res.status, 400) << why << ": " << res.body;
    auto doc = json::parse(res.body);
    ASSERT_TRUE(doc.has_value()) << why << ": " << res.body;
    ASSERT_TRUE(doc->HasMember("data")) << why << ": " << res.body;
    EXPECT_EQ(std::string((*doc)["data"]["appCode"].GetString()), "OCMS-4000") << why;
}

TEST(HttpPath, BadInputIs400WithOcms4000AndWritesNothing) {
    auto notices = make_notices(1);
    auto db = readonly_db();
    long long before = scalar(*db, "SELECT count(*) FROM ocms_command_inbox");
    expect_bad_request("{not json", "malformed JSON");
    expect_bad_request(R"({"noticeNo":"X","suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J"})",
                       "wrong type");
    std::string unknown = staff_body(notices);
    unknown.insert(unknown.size() - 1, R"(,"colour":"red")");
    expect_bad_request(unknown, "unknown field");
    expect_bad_request(staff_body({"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10", "A11"}), "11 notices");
    expect_bad_request(staff_body({}), "empty list");
    std::string longremark = staff_body(notices);
    longremark.replace(longremark.find("integration test"), 16, std::string(201, 'x'));
    expect_bad_request(longremark, "over-long remarks");
    expect_bad_request(std::string("{\"noticeNo\":[\"\xff\xfe\"]}"), "bad UTF-8");
    expect_bad_request("{\"noticeNo\":[\"" + std::string(200000, 'A') + "\"]}", "body over the limit");
    expect_bad_request(staff_body({notices[0], notices[0]}), "duplicate notice");
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_command_inbox"), before) << "bad input must write nothing";
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = $1", {notices[0]}), 0);
}

TEST(HttpPath, AuthIsRequired) {
    auto body = staff_body(make_notices(1));
    auto none = http("POST", kPath, body);
    EXPECT_EQ(none.status, 401) << none.body;
    auto bad = http("POST", kPath, body, {{"Authorization", "Bearer not.a.token"}});
    EXPECT_EQ(bad.status, 401) << bad.body;
    EXPECT_TRUE(none.json().HasMember("data"));
}

TEST(HttpPath, OutcomeCanBeFetchedLater) {
    auto notices = make_notices(3);
    auto res = post_authed(kPath, staff_body(notices));
    ASSERT_EQ(res.status, 200) << res.body;
    std::string request_id = res.json()["requestId"].GetString();
    auto later = post_authed("/v1/request-outcome", R"({"requestId":")" + request_id + R"("})");
    ASSERT_EQ(later.status, 200) << later.body;
    auto doc = later.json();
    EXPECT_EQ(std::string(doc["status"].GetString()), "COMPLETE");
    EXPECT_EQ(doc["successCount"].GetInt(), 3);
    auto unknown = post_authed("/v1/request-outcome", R"({"requestId":"no-such-request"})");
    ASSERT_EQ(unknown.status, 200) << unknown.body;
    EXPECT_EQ(std::string(unknown.json()["status"].GetString()), "UNKNOWN");
}

TEST(HttpPath, OperationsEndpoints) {
    EXPECT_EQ(http("GET", "/healthz", "").status, 200);
    EXPECT_EQ(http("GET", "/readyz", "").status, 200);
    auto m = http("GET", "/metrics", "");
    EXPECT_EQ(m.status, 200);
    EXPECT_NE(m.body.find("ocms_http_requests_total"), std::string::npos);
    EXPECT_NE(m.body.find("ocms_commands_produced_total"), std::string::npos);
    EXPECT_EQ(http("POST", "/v1/no-such-route", "{}").status, 404);
}

}  // namespace
}  // namespace ocms::test
