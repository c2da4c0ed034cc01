// The CAS and PLUS integration handlers of spec 001 (cas/cas.hpp, cas/court_update.hpp) through
// the pipeline, with the fakes of fakes.hpp behind the CasStore and the gateway: what the store
// is asked, its rows as the answer, and the failures in the spec's {"data":{"appCode","message"}}
// - no database or broker. (The pure parts, namespaces cas and court_api, are cas_test.cpp's.)
#include "cas/cas.hpp"
#include "cas/court_update.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

using namespace edge_test;

namespace {

TimePoint at(const char* iso) {
    auto t = parse_iso(iso);
    if (!t) throw std::runtime_error(std::string("bad time ") + iso);
    return *t;
}

const TimePoint kNow = at("2025-04-12T21:00:00");  // Singapore time, inside a 20:00-07:00 day-end window
const std::string kRequestId = "req-cas-1";
const std::string kServerError =
    R"({"data":{"appCode":"OCMS-5000","message":"Something went wrong. Please try again later."}})";

std::string s(const json::Value& v, const char* k) { return std::string(json::get_string(v, k).value_or("<none>")); }
std::int64_t n(const json::Value& v, const char* k) { return json::get_int(v, k).value_or(-1); }

PaymentStatusRow paid_row(const std::string& notice) {
    PaymentStatusRow p;
    p.notice_no = notice;
    p.found = true;
    p.last_processing_stage = "CPC";
    p.last_processing_date = at("2025-04-12T19:00:02");
    p.next_processing_stage = "CFC";
    p.amount_payable_cents = 13000;
    p.amount_paid_cents = 1250;
    return p;
}
PaymentStatusRow unknown_payment_row(const std::string& notice) {
    PaymentStatusRow p;
    p.notice_no = notice;
    return p;
}
NoticeUpdateRow update_row(const std::string& notice, bool found = true) {
    NoticeUpdateRow r;
    r.notice_no = notice;
    r.found = found;
    r.amount_payable_cents = 7000;
    r.payment_allowance_flag = "N";
    r.suspension_type = "PS";
    r.epr_reason_of_suspension = "WWP";
    r.court_payment_due_date = at("2025-05-12T00:00:00");
    return r;
}

const std::string kGoodA = R"({"notice_no":"500500303J","amount_payable":"70.50","next_processing_stage":"CRT"})";
const std::string kGoodB = R"({"notice_no":"500500305L","suspension_type":null})";
const std::string kBadShape = R"({"notice_no":"500500304K","amount_payable":"12.345","colour":"red"})";

class CasRoutes : public ::testing::Test {
protected:
    Fixture f;
    std::shared_ptr<FakeCasStore> cas = f.cas;
    std::string cas_token = make_token({"CAS"}, 600, kIssuer, kKey, "", "CASUSER");

    CasRoutes() { f.clock = [] { return kNow; }; }

    HttpResponse post_cas(const std::string& path, const std::string& body) {
        return f.post(path, body, cas_token, {{"X-Request-Id", kRequestId}});
    }
    HttpResponse notice_update(const std::string& body) {
        return f.post("/v1/getNoticeUpdate", body, make_token({"PLUS"}),
                      {{"Ocp-Apim-Subscription-Key", "apim-key-1"}, {"X-Request-Id", kRequestId}});
    }
    HttpResponse court(const std::string& body) { return post_cas("/v1/updateCourtNotices", body); }
};

}  // namespace

// ---- POST /v1/getPaymentStatus (1.2) -----------------------------------------------------------

TEST_F(CasRoutes, PaymentStatusAsksForTheNoticesAndAnswersEachInOrder) {
    cas->payment_status_call.result =
        std::vector<PaymentStatusRow>{paid_row("500500312T"), unknown_payment_row("500500399Z")};
    auto r = post_cas("/v1/getPaymentStatus", R"({"notice_nos":["500500312T","500500399Z"]})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(cas->payment_status_call.asked,
              (std::vector<std::vector<std::string>>{{"500500312T", "500500399Z"}}));
    auto d = body_of(r.body());
    EXPECT_EQ(n(d, "total"), 2);
    EXPECT_EQ(n(d, "limit"), 2);
    EXPECT_EQ(n(d, "skip"), 0);
    const auto& rows = arr(d, "data");
    ASSERT_EQ(rows.Size(), 2u);
    EXPECT_EQ(s(rows[0], "notice_no"), "500500312T");
    EXPECT_EQ(s(rows[0], "last_processing_stage"), "CPC");
    EXPECT_EQ(s(rows[0], "last_processing_date"), "2025-04-12T19:00:02");
    EXPECT_TRUE(is_null(rows[0], "suspension_type"));
    EXPECT_NE(r.body().find(R"("amount_payable":130.00,"amount_paid":12.50)"), std::string::npos) << r.body();
    EXPECT_EQ(s(rows[0], "appCode"), "OCMS-2000");
    EXPECT_EQ(s(rows[1], "notice_no"), "500500399Z");
    EXPECT_EQ(s(rows[1], "appCode"), "OCMS-4004");
    EXPECT_EQ(s(rows[1], "message"), "Notice number could not be found");
    EXPECT_TRUE(f.gateway->seen.empty()) << "a read publishes nothing";
}

TEST_F(CasRoutes, PaymentStatusTakesTheSummarysCamelCaseKey) {
    cas->payment_status_call.result = std::vector<PaymentStatusRow>{paid_row("500500312T")};
    auto r = post_cas("/v1/getPaymentStatus", R"({"noticeNos":["500500312T"]})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(cas->payment_status_call.asked, (std::vector<std::vector<std::string>>{{"500500312T"}}));
}

TEST_F(CasRoutes, PaymentStatusEmconLogFailureMarksThatNoticeOnly) {
    auto logged = paid_row("500500312T");
    logged.emcons_flag = "EMCONS";
    logged.emcons = true;
    logged.log_error = "insert into ocms_cas_emcons failed";
    cas->payment_status_call.result = std::vector<PaymentStatusRow>{logged, paid_row("500500313U")};
    auto r = post_cas("/v1/getPaymentStatus", R"({"notice_nos":["500500312T","500500313U"]})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    const auto& rows = arr(body_of(r.body()), "data");
    ASSERT_EQ(rows.Size(), 2u);
    EXPECT_EQ(s(rows[0], "appCode"), "OCMS-5000");
    EXPECT_EQ(s(rows[0], "message"), "Something went wrong. Please try again later.");
    EXPECT_EQ(s(rows[1], "appCode"), "OCMS-2000");
    EXPECT_EQ(r.body().find("ocms_cas_emcons"), std::string::npos) << "the cause is for the log only";
}

TEST_F(CasRoutes, PaymentStatusStoreDownIsTheSpecs5000) {
    cas->payment_status_call.result = store_down("connection refused");
    auto r = post_cas("/v1/getPaymentStatus", R"({"notice_nos":["500500312T"]})");
    EXPECT_EQ(r.result_int(), 500u);
    EXPECT_EQ(r.body(), kServerError);
    EXPECT_EQ(cas->payment_status_call.asked.size(), 1u);
}

TEST_F(CasRoutes, PaymentStatusBadRequestsReadNothing) {
    auto dup = post_cas("/v1/getPaymentStatus", R"({"notice_nos":["500500312T","500500312T"]})");
    EXPECT_EQ(dup.result_int(), 400u);
    EXPECT_EQ(dup.body(), R"({"data":{"appCode":"OCMS-4000","message":"Invalid request. Please check and try again. )"
                          R"(Duplicate notice number: 500500312T"}})");
    auto both = post_cas("/v1/getPaymentStatus", R"({"notice_nos":["500500312T"],"noticeNos":["500500313U"]})");
    EXPECT_EQ(both.result_int(), 400u);
    EXPECT_EQ(app_code(both), "OCMS-4000");
    EXPECT_EQ(post_cas("/v1/getPaymentStatus", "{}").result_int(), 400u);
    EXPECT_TRUE(cas->payment_status_call.asked.empty());
}

TEST_F(CasRoutes, NoCasStoreIsTheSpecs5000) {
    f.cas.reset();
    auto a = post_cas("/v1/getPaymentStatus", R"({"notice_nos":["500500312T"]})");
    EXPECT_EQ(a.result_int(), 500u);
    EXPECT_EQ(a.body(), kServerError);
    auto b = notice_update(R"({"notice_nos":["500500312T"]})");
    EXPECT_EQ(b.result_int(), 500u);
    EXPECT_EQ(b.body(), kServerError);
    auto c = court("[" + kGoodA + "]");
    EXPECT_EQ(c.result_int(), 500u);
    EXPECT_EQ(c.body(), kServerError);
    EXPECT_TRUE(f.gateway->seen.empty());
}

// ---- POST /v1/getNoticeUpdate (2.2) ------------------------------------------------------------

TEST_F(CasRoutes, NoticeUpdateAsksForTheNoticesAndAnswersTheRows) {
    auto other = update_row("500500313U");
    other.suspension_type = "TS";
    cas->notice_update_call.result = std::vector<NoticeUpdateRow>{update_row("500500312T"), other};
    auto r = notice_update(R"({"noticeNos":["500500312T","500500313U"]})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(cas->notice_update_call.asked, (std::vector<std::vector<std::string>>{{"500500312T", "500500313U"}}));
    auto d = body_of(r.body());
    EXPECT_EQ(n(d, "total"), 2);
    const auto& rows = arr(d, "data");
    ASSERT_EQ(rows.Size(), 2u);
    EXPECT_EQ(s(rows[0], "notice_no"), "500500312T");
    EXPECT_EQ(s(rows[0], "payment_allowance_flag"), "N");
    EXPECT_EQ(s(rows[0], "court_payment_due_date"), "2025-05-12T00:00:00");
    EXPECT_EQ(s(rows[0], "suspension_type"), "PS") << "PS-WWP: shown";
    EXPECT_EQ(s(rows[0], "epr_reason_of_suspension"), "WWP");
    EXPECT_FALSE(has(rows[1], "suspension_type")) << "not PS-WWP: left out";
    EXPECT_FALSE(has(rows[1], "epr_reason_of_suspension"));
}

TEST_F(CasRoutes, NoticeUpdateUnknownNoticeIs404NamingIt) {
    cas->notice_update_call.result =
        std::vector<NoticeUpdateRow>{update_row("500500312T"), update_row("500500399Z", false)};
    auto r = notice_update(R"({"notice_nos":["500500312T","500500399Z"]})");
    EXPECT_EQ(r.result_int(), 404u);
    EXPECT_EQ(r.body(), R"({"data":{"appCode":"OCMS-4004","message":"One or more notice numbers could not be found. )"
                        R"(Not found: 500500399Z"}})");
}

TEST_F(CasRoutes, NoticeUpdateStoreDownIsTheSpecs5000) {
    cas->notice_update_call.result = store_down("court case insert: deadlock detected");
    auto r = notice_update(R"({"notice_nos":["500500312T"]})");
    EXPECT_EQ(r.result_int(), 500u);
    EXPECT_EQ(r.body(), kServerError);
}

TEST_F(CasRoutes, NoticeUpdateCourtCaseWriteFailureStillAnswers) {
    auto row = update_row("500500312T");
    row.court_case_error = "insert into ocms_court_case failed";
    cas->notice_update_call.result = std::vector<NoticeUpdateRow>{row};
    auto r = notice_update(R"({"notice_nos":["500500312T"]})");
    EXPECT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(r.body().find("ocms_court_case"), std::string::npos);
}

TEST_F(CasRoutes, NoticeUpdateDuplicatesReadNothing) {
    auto r = notice_update(R"({"notice_nos":["500500312T","500500312T"]})");
    EXPECT_EQ(r.result_int(), 400u);
    EXPECT_EQ(app_code(r), "OCMS-4000");
    EXPECT_TRUE(cas->notice_update_call.asked.empty());
}

// ---- POST /v1/updateCourtNotices (1.3) ---------------------------------------------------------

TEST_F(CasRoutes, CourtOutsideTheDayEndWindowIs4002AndPublishesNothing) {
    cas->dayend_window_call.result = std::optional<std::string>("08:00-09:00");
    auto r = court("[" + kGoodA + "," + kGoodB + "]");
    EXPECT_EQ(r.result_int(), 422u);
    EXPECT_EQ(r.body(), R"({"data":{"appCode":"OCMS-4002","message":"Court notices are accepted only in the day-end )"
                        R"x(window 08:00-09:00 (Singapore time)"}})x");
    EXPECT_EQ(cas->dayend_window_call.asked.size(), 1u);
    EXPECT_TRUE(f.gateway->seen.empty());
}

TEST_F(CasRoutes, CourtWindowMissingUnreadableOrStoreDownIs5000AndPublishesNothing) {
    // The fake's default: the parameter CAS / DAYEND_WINDOW is not there.
    auto missing = court("[" + kGoodA + "]");
    EXPECT_EQ(missing.result_int(), 500u);
    EXPECT_EQ(missing.body(), kServerError);
    cas->dayend_window_call.result = std::optional<std::string>("8pm to 7am");
    auto unreadable = court("[" + kGoodA + "]");
    EXPECT_EQ(unreadable.result_int(), 500u);
    EXPECT_EQ(unreadable.body(), kServerError);
    cas->dayend_window_call.result = store_down("connection refused");
    auto down = court("[" + kGoodA + "]");
    EXPECT_EQ(down.result_int(), 500u);
    EXPECT_EQ(down.body(), kServerError);
    EXPECT_EQ(cas->dayend_window_call.asked.size(), 3u);
    EXPECT_TRUE(f.gateway->seen.empty());
}

TEST_F(CasRoutes, CourtEveryRecordRefusedIs4022AndPublishesNothing) {
    cas->dayend_window_call.result = std::optional<std::string>("20:00-07:00");
    auto r = court("[" + kBadShape + "]");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    const auto& d = obj(body_of(r.body()), "data");
    EXPECT_EQ(s(d, "appCode"), "OCMS-4022");
    EXPECT_EQ(n(d, "errorCount"), 1);
    EXPECT_EQ(n(d, "successCount"), 0);
    ASSERT_EQ(arr(d, "results").Size(), 1u);
    EXPECT_EQ(s(arr(d, "results")[0], "notice_no"), "500500304K");
    EXPECT_GE(arr(arr(d, "results")[0], "errors").Size(), 1u);
    EXPECT_TRUE(f.gateway->seen.empty());
}

TEST_F(CasRoutes, CourtBadBodyIs400BeforeTheWindowIsRead) {
    auto r = court(R"({"notice_no":"500500303J"})");
    EXPECT_EQ(r.result_int(), 400u);
    EXPECT_EQ(app_code(r), "OCMS-4000");
    EXPECT_TRUE(cas->dayend_window_call.asked.empty());
    EXPECT_TRUE(f.gateway->seen.empty());
}

TEST_F(CasRoutes, CourtInTheWindowPublishesOneCommandPerGoodRecord) {
    cas->dayend_window_call.result = std::optional<std::string>("20:00-07:00");
    auto r = court("[" + kGoodA + "," + kBadShape + "," + kGoodB + "]");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    ASSERT_EQ(f.gateway->seen.size(), 2u);
    EXPECT_EQ(f.gateway->seen[0].type, "court.update");
    EXPECT_EQ(command_key(f.gateway->seen[0]), "500500303J");
    EXPECT_EQ(command_key(f.gateway->seen[1]), "500500305L");
    EXPECT_EQ(f.gateway->seen[0].officer, "CASUSER");
    EXPECT_EQ(f.gateway->seen[0].request_id, std::optional<RequestId>(RequestId(kRequestId)));
    EXPECT_EQ(f.gateway->seen[0].caller, "sub:CASUSER");
    EXPECT_EQ(s(body_of(f.gateway->seen[0].payload_json), "amount_payable"), "70.50") << "the record as CAS sent it";
    const auto& d = obj(body_of(r.body()), "data");
    EXPECT_EQ(s(d, "appCode"), "OCMS-4022") << "one record refused";
    EXPECT_EQ(n(d, "total"), 3);
    EXPECT_EQ(n(d, "successCount"), 2);
    EXPECT_EQ(n(d, "errorCount"), 1);
    EXPECT_EQ(s(d, "requestId"), kRequestId);
    const auto& results = arr(d, "results");
    ASSERT_EQ(results.Size(), 3u);
    EXPECT_EQ(s(results[0], "appCode"), "OCMS-2000");
    EXPECT_EQ(s(results[1], "appCode"), "OCMS-4022");
    EXPECT_EQ(s(results[2], "appCode"), "OCMS-2000");
}
