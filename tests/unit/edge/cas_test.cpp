// The CAS and PLUS routes of spec 001 at the edge: the pure parts of handlers/cas.hpp (namespace
// cas: getPaymentStatus 1.2, getNoticeUpdate 2.2) and handlers/court_update.hpp (namespace
// court_api: updateCourtNotices 1.3) - no sockets, Kafka or database.
#include "dispatch/batch_response.hpp"
#include "cas/cas.hpp"
#include "cas/court_update.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

using namespace edge_test;

namespace {

TimePoint at(const char* iso) {
    auto t = parse_iso(iso);
    if (!t) throw std::runtime_error(std::string("bad time ") + iso);
    return *t;
}

const TimePoint kNow = at("2025-04-12T21:00:00");

std::string s(const json::Value& v, const char* k) { return std::string(json::get_string(v, k).value_or("<none>")); }
std::int64_t n(const json::Value& v, const char* k) { return json::get_int(v, k).value_or(-1); }
std::size_t members(const json::Value& v) { return v.IsObject() ? std::size_t(v.MemberCount()) : 0u; }
bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// ---- getPaymentStatus / getNoticeUpdate rows ------------------------------------------------

PaymentStatusRow full_payment_row(const std::string& notice) {
    PaymentStatusRow p;
    p.notice_no = notice;
    p.found = true;
    p.last_processing_stage = "CRT";
    p.last_processing_date = at("2025-04-12T19:00:02");
    p.next_processing_stage = "CRC";
    p.emcons_flag = "E";
    p.suspension_type = "PS";
    p.crs_reason_of_suspension = "FP";
    p.epr_reason_of_suspension = "WWP";
    p.payment_status = "UNPAID";
    p.amount_payable_cents = 7000;
    p.amount_paid_cents = 1250;
    p.payment_allowance_flag = "Y";
    p.emcons = true;
    return p;
}

NoticeUpdateRow update_row(const std::string& notice, std::optional<std::string> type, std::optional<std::string> epr) {
    NoticeUpdateRow r;
    r.notice_no = notice;
    r.found = true;
    r.amount_payable_cents = 7000;
    r.payment_allowance_flag = "N";
    r.suspension_type = std::move(type);
    r.epr_reason_of_suspension = std::move(epr);
    return r;
}

// ---- updateCourtNotices ----------------------------------------------------------------------

const std::string kGoodA =
    R"({"suspension_type":"TS","notice_no":"500500303J","last_eburar_update":"EB 2025-04-12","atoms_flag":"Y",
        "last_processing_date":"2025-04-12T19:00:02","next_processing_stage":"CRT","amount_payable":70.5,
        "payment_allowance":"Y","epr_reason_of_suspension":"WWP"})";
const std::string kGoodC = R"({"notice_no":"500500305L","amount_payable":"12.50"})";
const std::string kGoodD = R"({"notice_no":"500500306M","suspension_type":null})";
// Fails the shape check (amount with three decimals, an unknown key).
const std::string kBadShape = R"({"notice_no":"500500304K","amount_payable":"12.345","colour":"red"})";
// Passes the shape check, fails the value rules.
const std::string kBadRules = R"({"notice_no":"500500307N","suspension_type":"XX","next_processing_stage":"crt"})";

std::vector<court_api::RecordCheck> checked(const std::string& array_text) {
    auto body = body_of(array_text);
    return court_api::check_records(body);
}

bool has_error(const court::Errors& errors, const std::string& field) {
    for (const auto& e : errors)
        if (e.field == field) return true;
    return false;
}

DispatchItem replied(const std::string& notice, const std::string& code, const std::string& message,
                     const std::string& data = "") {
    return replied_item(notice, std::string(court_api::kCommandType), code, message, data, kNow);
}
DispatchItem success(const std::string& notice) { return replied(notice, "OCMS-2000", "Success"); }
DispatchItem pending(const std::string& notice) { return pending_item(notice); }
DispatchItem failed(const std::string& notice) { return failed_item(notice); }

struct Court {
    std::vector<court_api::RecordCheck> records;
    court_api::Built built;
};
Court court_batch(const std::string& array_text) {
    Court c{checked(array_text), {}};
    c.built = court_api::build_commands(c.records, "CASUSER", RequestId("req-cas"), kNow, nullptr);
    return c;
}

struct Parsed {
    unsigned status;
    json::Document doc;
    const json::Value& data() const { return obj(doc, "data"); }
    const json::Value& result(std::size_t i) const { return arr(data(), "results")[rapidjson::SizeType(i)]; }
};
Parsed answer_of(const Court& c, const std::vector<DispatchItem>& items) {
    auto a = court_api::answer(RequestId("req-cas"), c.records, c.built, items);
    return Parsed{a.status, body_of(a.body)};
}

}  // namespace

// ==== getPaymentStatus / getNoticeUpdate: the request ===========================================

TEST(CasNoticeNumbers, SnakeCaseKey) {
    auto body = body_of(R"({"notice_nos":["500500303J","500500304K"]})");
    auto r = cas::notice_numbers(body);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, (std::vector<std::string>{"500500303J", "500500304K"}));
}

TEST(CasNoticeNumbers, CamelCaseKey) {
    auto body = body_of(R"({"noticeNos":["N003","N004"]})");
    auto r = cas::notice_numbers(body);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, (std::vector<std::string>{"N003", "N004"}));
}

TEST(CasNoticeNumbers, BothKeysAreABadRequest) {
    auto body = body_of(R"({"notice_nos":["N001"],"noticeNos":["N002"]})");
    auto r = cas::notice_numbers(body);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::bad_request);
    EXPECT_EQ(r.error().code, "");  // the kind's default: OCMS-4000
    EXPECT_TRUE(r.error().message.starts_with(cas::kBadRequest)) << r.error().message;
}

TEST(CasNoticeNumbers, EmptyOrMissingListIsABadRequest) {
    for (const char* text : {R"({"notice_nos":[]})", R"({"noticeNos":[]})", R"({})"}) {
        auto body = body_of(text);
        auto r = cas::notice_numbers(body);
        ASSERT_FALSE(r) << text;
        EXPECT_EQ(r.error().kind, ErrorKind::bad_request) << text;
        EXPECT_TRUE(r.error().message.starts_with(cas::kBadRequest)) << r.error().message;
    }
}

TEST(CasNoticeNumbers, DuplicatesAreABadRequestNamingTheNotice) {
    for (const char* text : {R"({"notice_nos":["N001","N002","N001"]})", R"({"noticeNos":["N002","N002"]})"}) {
        auto body = body_of(text);
        auto r = cas::notice_numbers(body);
        ASSERT_FALSE(r) << text;
        EXPECT_EQ(r.error().kind, ErrorKind::bad_request);
        EXPECT_TRUE(r.error().message.starts_with(cas::kBadRequest)) << r.error().message;
        EXPECT_TRUE(contains(r.error().message, "Duplicate")) << r.error().message;
    }
    auto body = body_of(R"({"notice_nos":["N001","N002","N001"]})");
    EXPECT_TRUE(contains(cas::notice_numbers(body).error().message, "N001"));
}

TEST(CasMessages, SpecTexts) {
    EXPECT_EQ(cas::kServerError, "Something went wrong. Please try again later.");
    EXPECT_EQ(cas::kBadRequest, "Invalid request. Please check and try again.");
    EXPECT_EQ(cas::kNotFound, "One or more notice numbers could not be found.");
}

// ==== getPaymentStatus: the answer (spec 001 1.2) ==============================================

TEST(CasPaymentStatus, FoundRowHasEverySpecField) {
    const std::string text = cas::payment_status_answer({full_payment_row("500500303J")});
    auto doc = body_of(text);
    const auto& row = arr(doc, "data")[0];
    EXPECT_EQ(s(row, "notice_no"), "500500303J");
    EXPECT_EQ(s(row, "last_processing_stage"), "CRT");
    EXPECT_EQ(s(row, "last_processing_date"), "2025-04-12T19:00:02");
    EXPECT_EQ(s(row, "next_processing_stage"), "CRC");
    EXPECT_EQ(s(row, "emcons_flag"), "E");
    EXPECT_EQ(s(row, "suspension_type"), "PS");
    EXPECT_EQ(s(row, "crs_reason_of_suspension"), "FP");
    EXPECT_EQ(s(row, "epr_reason_of_suspension"), "WWP");
    EXPECT_EQ(s(row, "payment_status"), "UNPAID");
    ASSERT_TRUE(row["amount_payable"].IsNumber());
    EXPECT_DOUBLE_EQ(row["amount_payable"].GetDouble(), 70.0);
    ASSERT_TRUE(row["amount_paid"].IsNumber());
    EXPECT_DOUBLE_EQ(row["amount_paid"].GetDouble(), 12.5);
    EXPECT_EQ(s(row, "payment_allowance_flag"), "Y");
    EXPECT_EQ(s(row, "appCode"), "OCMS-2000");
    EXPECT_EQ(s(row, "message"), "Success");
    EXPECT_EQ(members(row), 14u);  // the 12 fields of spec 001 1.2 + appCode + message
    // Numbers with two decimals, not strings.
    EXPECT_TRUE(contains(text, R"("amount_payable":70.00)")) << text;
    EXPECT_TRUE(contains(text, R"("amount_paid":12.50)")) << text;
}

TEST(CasPaymentStatus, MissingValuesAreNull) {
    PaymentStatusRow p;
    p.notice_no = "500500303J";
    p.found = true;  // every optional empty, amounts 0
    const std::string text = cas::payment_status_answer({p});
    auto doc = body_of(text);
    const auto& row = arr(doc, "data")[0];
    for (const char* k : {"last_processing_stage", "last_processing_date", "next_processing_stage", "emcons_flag",
                          "suspension_type", "crs_reason_of_suspension", "epr_reason_of_suspension", "payment_status",
                          "payment_allowance_flag"})
        EXPECT_TRUE(is_null(row, k)) << k;
    EXPECT_TRUE(contains(text, R"("amount_payable":0.00)")) << text;
    EXPECT_TRUE(contains(text, R"("amount_paid":0.00)")) << text;
    EXPECT_EQ(s(row, "appCode"), "OCMS-2000");
}

TEST(CasPaymentStatus, AmountsKeepCentsExactly) {
    auto p = full_payment_row("N1");
    p.amount_payable_cents = 999'999'999'999;
    p.amount_paid_cents = 5;
    const std::string text = cas::payment_status_answer({p});
    EXPECT_TRUE(contains(text, R"("amount_payable":9999999999.99)")) << text;
    EXPECT_TRUE(contains(text, R"("amount_paid":0.05)")) << text;
}

TEST(CasPaymentStatus, UnknownNoticeIsOcms4004WithNoOtherField) {
    PaymentStatusRow p;
    p.notice_no = "N404";
    p.found = false;
    p.payment_status = "UNPAID";  // not shown: the notice is unknown
    auto doc = body_of(cas::payment_status_answer({p}));
    const auto& row = arr(doc, "data")[0];
    EXPECT_EQ(members(row), 3u);
    EXPECT_EQ(s(row, "notice_no"), "N404");
    EXPECT_EQ(s(row, "appCode"), "OCMS-4004");
    EXPECT_EQ(s(row, "message"), std::string(cas::kNoticeNotFound));
    EXPECT_FALSE(has(row, "payment_status"));
    EXPECT_FALSE(has(row, "amount_payable"));
}

TEST(CasPaymentStatus, LogWriteFailureMarksThatNoticeOcms5000) {
    auto bad = full_payment_row("N2");
    bad.log_error = "duplicate key value violates unique constraint";
    auto doc = body_of(cas::payment_status_answer({full_payment_row("N1"), bad}));
    const auto& data = arr(doc, "data");
    EXPECT_EQ(s(data[0], "appCode"), "OCMS-2000");
    EXPECT_EQ(s(data[1], "appCode"), "OCMS-5000");
    EXPECT_EQ(s(data[1], "message"), "Something went wrong. Please try again later.");
    EXPECT_EQ(s(data[1], "payment_status"), "UNPAID");  // the data is still shown
}

TEST(CasPaymentStatus, PagingAndRequestOrder) {
    PaymentStatusRow unknown;
    unknown.notice_no = "N2";
    auto doc = body_of(cas::payment_status_answer({full_payment_row("N3"), unknown, full_payment_row("N1")}));
    EXPECT_EQ(n(doc, "total"), 3);
    EXPECT_EQ(n(doc, "limit"), 3);
    EXPECT_EQ(n(doc, "skip"), 0);
    const auto& data = arr(doc, "data");
    ASSERT_EQ(data.Size(), 3u);
    EXPECT_EQ(s(data[0], "notice_no"), "N3");
    EXPECT_EQ(s(data[1], "notice_no"), "N2");
    EXPECT_EQ(s(data[2], "notice_no"), "N1");
    EXPECT_EQ(members(doc), 4u);  // total, limit, skip, data

    auto empty = body_of(cas::payment_status_answer({}));
    EXPECT_EQ(n(empty, "total"), 0);
    EXPECT_EQ(arr(empty, "data").Size(), 0u);
}

// ==== getNoticeUpdate (spec 001 2.2) ==========================================================

TEST(CasPsWwp, OnlySuspensionPsWithEprWwp) {
    EXPECT_TRUE(cas::is_ps_wwp(update_row("N1", "PS", "WWP")));
    EXPECT_FALSE(cas::is_ps_wwp(update_row("N1", "TS", "WWP")));
    EXPECT_FALSE(cas::is_ps_wwp(update_row("N1", "PS", "FOR")));
    EXPECT_FALSE(cas::is_ps_wwp(update_row("N1", "PS", std::nullopt)));
    EXPECT_FALSE(cas::is_ps_wwp(update_row("N1", std::nullopt, "WWP")));
    EXPECT_FALSE(cas::is_ps_wwp(update_row("N1", std::nullopt, std::nullopt)));
    EXPECT_FALSE(cas::is_ps_wwp(update_row("N1", "ps", "wwp")));
}

TEST(CasNoticeUpdate, PsWwpRowsAloneCarrySuspensionFields) {
    auto wwp = update_row("N1", "PS", "WWP");
    wwp.court_payment_due_date = at("2025-05-01T23:59:59");
    auto ts = update_row("N2", "TS", "ACR");
    auto none = update_row("N3", std::nullopt, std::nullopt);
    none.payment_allowance_flag.reset();
    auto r = cas::notice_update_answer({wwp, ts, none});
    ASSERT_TRUE(r) << r.error().message;
    auto doc = body_of(*r);
    EXPECT_EQ(n(doc, "total"), 3);
    EXPECT_EQ(n(doc, "limit"), 3);
    EXPECT_EQ(n(doc, "skip"), 0);
    const auto& data = arr(doc, "data");
    ASSERT_EQ(data.Size(), 3u);

    EXPECT_EQ(s(data[0], "notice_no"), "N1");
    EXPECT_EQ(s(data[0], "suspension_type"), "PS");
    EXPECT_EQ(s(data[0], "epr_reason_of_suspension"), "WWP");
    EXPECT_EQ(s(data[0], "payment_allowance_flag"), "N");
    EXPECT_EQ(s(data[0], "court_payment_due_date"), "2025-05-01T23:59:59");
    EXPECT_TRUE(data[0]["amount_payable"].IsNumber());
    EXPECT_EQ(members(data[0]), 6u);

    for (rapidjson::SizeType i : {1u, 2u}) {
        EXPECT_FALSE(has(data[i], "suspension_type")) << i;
        EXPECT_FALSE(has(data[i], "epr_reason_of_suspension")) << i;
        EXPECT_TRUE(has(data[i], "amount_payable")) << i;
        EXPECT_TRUE(is_null(data[i], "court_payment_due_date")) << i;
        EXPECT_EQ(members(data[i]), 4u) << i;
    }
    EXPECT_EQ(s(data[1], "notice_no"), "N2");
    EXPECT_TRUE(is_null(data[2], "payment_allowance_flag"));
    // No code or message per row in spec 001 2.2.
    EXPECT_FALSE(has(data[0], "appCode"));
    EXPECT_TRUE(contains(*r, R"("amount_payable":70.00)")) << *r;
}

TEST(CasNoticeUpdate, CourtPaymentDueDateIsSingaporeLocalSeconds) {
    auto a = update_row("N1", "TS", std::nullopt);
    a.court_payment_due_date = at("2025-04-30T16:00:00Z");  // midnight in Singapore
    auto b = update_row("N2", "TS", std::nullopt);
    b.court_payment_due_date = at("2025-06-01T08:30:15.123456");
    auto r = cas::notice_update_answer({a, b});
    ASSERT_TRUE(r) << r.error().message;
    auto doc = body_of(*r);
    const auto& data = arr(doc, "data");
    EXPECT_EQ(s(data[0], "court_payment_due_date"), "2025-05-01T00:00:00");
    EXPECT_EQ(s(data[1], "court_payment_due_date"), "2025-06-01T08:30:15");
    const std::regex shape(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})");
    for (rapidjson::SizeType i : {0u, 1u})
        EXPECT_TRUE(std::regex_match(s(data[i], "court_payment_due_date"), shape)) << i;
}

TEST(CasNoticeUpdate, AnyUnknownNoticeIsNotFoundNamingThem) {
    NoticeUpdateRow u1, u2;
    u1.notice_no = "N404";
    u2.notice_no = "N405";
    auto r = cas::notice_update_answer({update_row("N1", "PS", "WWP"), u1, update_row("N2", "TS", "X"), u2});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::not_found);
    EXPECT_EQ(r.error().code, "OCMS-4004");
    EXPECT_TRUE(r.error().message.starts_with(cas::kNotFound)) << r.error().message;
    EXPECT_TRUE(contains(r.error().message, "N404")) << r.error().message;
    EXPECT_TRUE(contains(r.error().message, "N405")) << r.error().message;
    EXPECT_FALSE(contains(r.error().message, "N1")) << r.error().message;
    EXPECT_FALSE(contains(r.error().message, "N2")) << r.error().message;

    auto only = cas::notice_update_answer({u1});
    ASSERT_FALSE(only);
    EXPECT_EQ(only.error().code, "OCMS-4004");
}

// ==== updateCourtNotices: the day-end window ==================================================

TEST(CourtWindow, SameDayWindow) {
    auto in = [](const char* t) { return court_api::in_window("09:00-17:00", at(t)); };
    EXPECT_EQ(in("2025-06-10T08:59:59"), false);
    EXPECT_EQ(in("2025-06-10T09:00:00"), true);
    EXPECT_EQ(in("2025-06-10T12:00:00"), true);
    EXPECT_EQ(in("2025-06-10T16:59:59"), true);
    EXPECT_EQ(in("2025-06-10T17:00:00"), false);
    EXPECT_EQ(in("2025-06-10T23:00:00"), false);
}

TEST(CourtWindow, AcrossMidnight) {
    auto in = [](const char* t) { return court_api::in_window("20:00-07:00", at(t)); };
    EXPECT_EQ(in("2025-06-10T19:59:00"), false);
    EXPECT_EQ(in("2025-06-10T19:59:59"), false);
    EXPECT_EQ(in("2025-06-10T20:00:00"), true);
    EXPECT_EQ(in("2025-06-10T23:59:59"), true);
    EXPECT_EQ(in("2025-06-11T00:00:00"), true);
    EXPECT_EQ(in("2025-06-11T06:59:00"), true);
    EXPECT_EQ(in("2025-06-11T06:59:59"), true);
    EXPECT_EQ(in("2025-06-11T07:00:00"), false);
    EXPECT_EQ(in("2025-06-11T12:00:00"), false);
}

TEST(CourtWindow, NowIsReadInSingaporeTime) {
    // 12:00 UTC is 20:00 in Singapore; 23:00 UTC is 07:00 the next day.
    EXPECT_EQ(court_api::in_window("20:00-07:00", at("2025-06-10T11:59:00Z")), false);
    EXPECT_EQ(court_api::in_window("20:00-07:00", at("2025-06-10T12:00:00Z")), true);
    EXPECT_EQ(court_api::in_window("20:00-07:00", at("2025-06-10T22:59:00Z")), true);
    EXPECT_EQ(court_api::in_window("20:00-07:00", at("2025-06-10T23:00:00Z")), false);
    EXPECT_EQ(court_api::in_window("20:00-07:00", at("2025-06-10T20:00:00+08:00")), true);
}

TEST(CourtWindow, EqualEndsAreTheWholeDay) {
    for (const char* t : {"2025-06-10T00:00:00", "2025-06-10T07:59:59", "2025-06-10T08:00:00", "2025-06-10T23:59:59"}) {
        EXPECT_EQ(court_api::in_window("08:00-08:00", at(t)), true) << t;
        EXPECT_EQ(court_api::in_window("00:00-00:00", at(t)), true) << t;
    }
}

TEST(CourtWindow, MidnightAsEnd) {
    for (const char* t : {"2025-06-10T00:00:00", "2025-06-10T12:00:00", "2025-06-10T23:59:59"})
        EXPECT_EQ(court_api::in_window("00:00-24:00", at(t)), true) << t;
    auto late = [](const char* t) { return court_api::in_window("22:00-24:00", at(t)); };
    EXPECT_EQ(late("2025-06-10T21:59:59"), false);
    EXPECT_EQ(late("2025-06-10T22:00:00"), true);
    EXPECT_EQ(late("2025-06-10T23:59:59"), true);
    EXPECT_EQ(late("2025-06-11T00:00:00"), false);
}

TEST(CourtWindow, UnreadableWindowIsAnError) {
    for (const char* w : {"2000-0700", "25:00-01:00", "20:60-01:00", "", "24:00-01:00", "20:00", "20:00-07:00-08:00",
                          "2a:00-07:00", "20:00-24:01", "8:00-17:00", "20:00 - 07:00", "-20:00-07:00"}) {
        auto r = court_api::in_window(w, at("2025-06-10T21:00:00"));
        ASSERT_FALSE(r) << "'" << w << "' read as " << *r;
        EXPECT_TRUE(contains(r.error(), w)) << r.error();
    }
}

// ==== updateCourtNotices: the records =========================================================

TEST(CourtCheckRecords, ValidRecordGetsItsPayload) {
    auto recs = checked("[" + kGoodA + "]");
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_EQ(recs[0].notice_no, "500500303J");
    EXPECT_TRUE(recs[0].errors.empty());
    ASSERT_TRUE(recs[0].payload);
    auto payload = body_of(*recs[0].payload);
    auto sent = body_of(kGoodA);
    EXPECT_TRUE(payload == sent) << *recs[0].payload;  // the record as sent
}

TEST(CourtCheckRecords, BadFieldsGiveErrorsAndNoPayload) {
    auto recs = checked("[" + kBadShape + "," + kBadRules + "]");
    ASSERT_EQ(recs.size(), 2u);

    EXPECT_EQ(recs[0].notice_no, "500500304K");
    EXPECT_FALSE(recs[0].payload);
    EXPECT_TRUE(has_error(recs[0].errors, "amount_payable"));
    EXPECT_TRUE(has_error(recs[0].errors, "colour"));

    EXPECT_EQ(recs[1].notice_no, "500500307N");
    EXPECT_FALSE(recs[1].payload);
    EXPECT_TRUE(has_error(recs[1].errors, "suspension_type"));
    EXPECT_TRUE(has_error(recs[1].errors, "next_processing_stage"));
    EXPECT_FALSE(has_error(recs[1].errors, "notice_no"));
}

TEST(CourtCheckRecords, NullAmountAndDateAreRefused) {
    auto recs = checked(R"([{"notice_no":"N1","amount_payable":null,"last_processing_date":null}])");
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_FALSE(recs[0].payload);
    EXPECT_TRUE(has_error(recs[0].errors, "amount_payable"));
    EXPECT_TRUE(has_error(recs[0].errors, "last_processing_date"));
}

TEST(CourtCheckRecords, DuplicateNoticeIsRefusedTheSecondTime) {
    auto recs = checked("[" + kGoodA + "," + kGoodC + "," + kGoodA + "]");
    ASSERT_EQ(recs.size(), 3u);
    EXPECT_TRUE(recs[0].payload);
    EXPECT_TRUE(recs[1].payload);
    EXPECT_FALSE(recs[2].payload);
    EXPECT_EQ(recs[2].notice_no, "500500303J");
    ASSERT_EQ(recs[2].errors.size(), 1u);
    EXPECT_EQ(recs[2].errors[0].field, "notice_no");
    EXPECT_TRUE(contains(recs[2].errors[0].message, "Duplicate")) << recs[2].errors[0].message;
}

TEST(CourtCheckRecords, NonObjectElement) {
    auto recs = checked(R"([42, "500500303J", null, {"notice_no":7}])");
    ASSERT_EQ(recs.size(), 4u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(recs[i].notice_no, "") << i;
        EXPECT_FALSE(recs[i].payload) << i;
        EXPECT_TRUE(has_error(recs[i].errors, "record")) << i;
    }
    EXPECT_EQ(recs[3].notice_no, "");  // not a string
    EXPECT_FALSE(recs[3].payload);
    EXPECT_TRUE(has_error(recs[3].errors, "notice_no"));
}

// ==== updateCourtNotices: the commands =========================================================

TEST(CourtBuildCommands, OneCommandPerValidRecord) {
    auto schemas = registry();
    ASSERT_TRUE(schemas) << "schemas did not load from " << kSchemasDir;
    for (const json::SchemaRegistry* reg : {static_cast<const json::SchemaRegistry*>(nullptr), schemas.get()}) {
        auto recs = checked("[" + kGoodA + "," + kBadShape + "," + kGoodC + ",42," + kGoodD + "]");
        auto b = court_api::build_commands(recs, "CASUSER", RequestId("req-cas"), kNow, reg);
        ASSERT_EQ(b.commands.size(), 3u);
        EXPECT_EQ(b.record_index, (std::vector<std::size_t>{0, 2, 4}));
        std::set<std::string> ids;
        for (std::size_t k = 0; k < 3; ++k) {
            const auto& c = b.commands[k];
            EXPECT_EQ(c.type, "court.update");
            EXPECT_EQ(c.schema_version, 1);
            EXPECT_EQ(c.issued_at, kNow);
            EXPECT_EQ(c.source, "CAS");
            EXPECT_EQ(c.officer, "CASUSER");
            ASSERT_TRUE(c.request_id);
            EXPECT_EQ(c.request_id->value(), "req-cas");
            ASSERT_TRUE(c.trace_id);
            EXPECT_EQ(c.trace_id->value(), b.commands[0].trace_id->value());  // one trace for the batch
            ASSERT_TRUE(c.batch);
            EXPECT_EQ(c.batch->index, int(k));  // positions over the valid records only
            EXPECT_EQ(c.batch->size, 3);
            EXPECT_FALSE(c.reply_to);
            EXPECT_FALSE(c.replay_of);
            ASSERT_TRUE(recs[b.record_index[k]].payload);
            EXPECT_EQ(c.payload_json, *recs[b.record_index[k]].payload);
            ids.insert(c.command_id.value());
            if (reg) {
                auto refused = refuse_by_schema(reg, c);
                EXPECT_FALSE(refused) << refused->message;
            }
        }
        EXPECT_EQ(ids.size(), 3u);
        EXPECT_EQ(s(body_of(b.commands[0].payload_json), "notice_no"), "500500303J");
        EXPECT_EQ(s(body_of(b.commands[1].payload_json), "notice_no"), "500500305L");
        EXPECT_EQ(s(body_of(b.commands[2].payload_json), "notice_no"), "500500306M");
        EXPECT_EQ(topic_for(b.commands[0].type), messages::kTopicCourt);
        // Refused records are untouched.
        EXPECT_FALSE(recs[1].payload);
        EXPECT_FALSE(recs[3].payload);
    }
}

// The gateway produces each command with command_key(c) as its Kafka key and uses it as the
// DispatchItem's notice (architecture.md: "key = notice number for commands"; court.update
// schema: "key = notice_no").
TEST(CourtBuildCommands, CommandsAreKeyedByTheirNotice) {
    auto recs = checked("[" + kGoodA + "," + kGoodC + "]");
    auto b = court_api::build_commands(recs, "CASUSER", RequestId("req-cas"), kNow, registry().get());
    ASSERT_EQ(b.commands.size(), 2u);
    EXPECT_EQ(command_key(b.commands[0]), "500500303J");
    EXPECT_EQ(command_key(b.commands[1]), "500500305L");
}

TEST(CourtBuildCommands, NoValidRecordNoCommand) {
    auto recs = checked("[" + kBadShape + "," + kBadRules + "]");
    auto b = court_api::build_commands(recs, "CASUSER", RequestId("req-cas"), kNow, registry().get());
    EXPECT_TRUE(b.commands.empty());
    EXPECT_TRUE(b.record_index.empty());
}

TEST(CourtBuildCommands, SchemaRefusalMovesTheRecordToErrors) {
    // An empty officer breaks envelope.v1 (minLength 1): every record is refused, none is built.
    auto recs = checked("[" + kGoodA + "," + kGoodC + "]");
    auto b = court_api::build_commands(recs, "", RequestId("req-cas"), kNow, registry().get());
    EXPECT_TRUE(b.commands.empty());
    for (const auto& r : recs) {
        EXPECT_FALSE(r.payload);
        EXPECT_TRUE(has_error(r.errors, "record"));
    }
    // Without schemas nothing is checked here.
    auto again = checked("[" + kGoodA + "]");
    EXPECT_EQ(court_api::build_commands(again, "", RequestId("req-cas"), kNow, nullptr).commands.size(), 1u);
}

// ==== updateCourtNotices: the answer ===========================================================

TEST(CourtAnswer, AllSuccess) {
    auto c = court_batch("[" + kGoodA + "," + kGoodC + "]");
    auto p = answer_of(c, {success("500500303J"), success("500500305L")});
    EXPECT_EQ(p.status, 200u);
    const auto& d = p.data();
    EXPECT_EQ(s(d, "appCode"), "OCMS-2000");
    EXPECT_EQ(s(d, "message"), "Success");
    EXPECT_EQ(n(d, "total"), 2);
    EXPECT_EQ(n(d, "successCount"), 2);
    EXPECT_EQ(n(d, "errorCount"), 0);
    EXPECT_FALSE(has(d, "pendingCount"));
    EXPECT_EQ(s(d, "requestId"), "req-cas");
    ASSERT_EQ(arr(d, "results").Size(), 2u);
    EXPECT_EQ(s(p.result(0), "notice_no"), "500500303J");
    EXPECT_EQ(s(p.result(1), "notice_no"), "500500305L");
    for (std::size_t i : {0u, 1u}) {
        EXPECT_EQ(s(p.result(i), "appCode"), "OCMS-2000");
        EXPECT_EQ(s(p.result(i), "message"), "Success");
        EXPECT_FALSE(has(p.result(i), "errors"));
    }
    EXPECT_EQ(members(p.doc), 1u);  // {"data":{...}}
}

TEST(CourtAnswer, RefusedRecordIs4022WithItsErrors) {
    auto c = court_batch("[" + kGoodA + "," + kBadRules + "," + kGoodC + "]");
    ASSERT_EQ(c.built.commands.size(), 2u);
    auto p = answer_of(c, {success("500500303J"), success("500500305L")});
    EXPECT_EQ(p.status, 200u);
    const auto& d = p.data();
    EXPECT_EQ(s(d, "appCode"), "OCMS-4022");
    EXPECT_EQ(s(d, "message"), "Invalid data provided for one or more notices.");
    EXPECT_EQ(n(d, "total"), 3);
    EXPECT_EQ(n(d, "successCount"), 2);
    EXPECT_EQ(n(d, "errorCount"), 1);
    // Request order, the refused one in its place.
    EXPECT_EQ(s(p.result(0), "notice_no"), "500500303J");
    EXPECT_EQ(s(p.result(1), "notice_no"), "500500307N");
    EXPECT_EQ(s(p.result(2), "notice_no"), "500500305L");
    const auto& bad = p.result(1);
    EXPECT_EQ(s(bad, "appCode"), "OCMS-4022");
    EXPECT_EQ(s(bad, "message"), "Invalid data provided for one or more notices.");
    const auto& errors = arr(bad, "errors");
    ASSERT_EQ(errors.Size(), c.records[1].errors.size());
    for (rapidjson::SizeType i = 0; i < errors.Size(); ++i) {
        EXPECT_EQ(s(errors[i], "field"), c.records[1].errors[i].field);
        EXPECT_EQ(s(errors[i], "message"), c.records[1].errors[i].message);
    }
    EXPECT_FALSE(has(p.result(0), "errors"));
    EXPECT_FALSE(has(p.result(2), "errors"));
}

TEST(CourtAnswer, AllRefusedNothingDispatched) {
    auto c = court_batch("[" + kBadShape + ",42]");
    auto p = answer_of(c, {});
    EXPECT_EQ(p.status, 200u);
    EXPECT_EQ(s(p.data(), "appCode"), "OCMS-4022");
    EXPECT_EQ(n(p.data(), "successCount"), 0);
    EXPECT_EQ(n(p.data(), "errorCount"), 2);
    EXPECT_EQ(s(p.result(1), "notice_no"), "");
    EXPECT_EQ(s(arr(p.result(1), "errors")[0], "field"), "record");
}

TEST(CourtAnswer, Replied4022CarriesTheWorkersErrors) {
    auto c = court_batch("[" + kGoodA + "," + kGoodC + "]");
    auto p = answer_of(c, {replied("500500303J", "OCMS-4022", "Invalid data provided for one or more notices.",
                                   R"({"errors":[{"field":"next_processing_stage","message":"Unknown processing stage"}]})"),
                           success("500500305L")});
    EXPECT_EQ(s(p.data(), "appCode"), "OCMS-4022");
    EXPECT_EQ(n(p.data(), "successCount"), 1);
    EXPECT_EQ(n(p.data(), "errorCount"), 1);
    const auto& r0 = p.result(0);
    EXPECT_EQ(s(r0, "appCode"), "OCMS-4022");
    EXPECT_EQ(s(r0, "message"), "Invalid data provided for one or more notices.");
    const auto& errors = arr(r0, "errors");
    ASSERT_EQ(errors.Size(), 1u);
    EXPECT_EQ(s(errors[0], "field"), "next_processing_stage");
    EXPECT_EQ(s(errors[0], "message"), "Unknown processing stage");
}

TEST(CourtAnswer, ReplyDataWithoutErrorsAddsNoErrors) {
    auto c = court_batch("[" + kGoodA + "," + kGoodC + "]");
    auto p = answer_of(c, {replied("500500303J", "OCMS-4022", "Invalid notice number: 500500303J", R"({"x":1})"),
                           replied("500500305L", "OCMS-2000", "Success", R"({"updated":["amount_payable"]})")});
    EXPECT_EQ(s(p.result(0), "appCode"), "OCMS-4022");
    EXPECT_EQ(s(p.result(0), "message"), "Invalid notice number: 500500303J");
    EXPECT_FALSE(has(p.result(0), "errors"));
    EXPECT_FALSE(has(p.result(1), "errors"));
    EXPECT_EQ(s(p.data(), "appCode"), "OCMS-4022");
}

TEST(CourtAnswer, FailedDispatchIs5000) {
    auto c = court_batch("[" + kGoodA + "," + kGoodC + "]");
    auto p = answer_of(c, {success("500500303J"), failed("500500305L")});
    EXPECT_EQ(p.status, 200u);
    EXPECT_EQ(s(p.data(), "appCode"), "OCMS-5000");
    EXPECT_EQ(s(p.data(), "message"), "Something went wrong. Please try again later.");
    EXPECT_EQ(n(p.data(), "successCount"), 1);
    EXPECT_EQ(n(p.data(), "errorCount"), 1);
    EXPECT_EQ(s(p.result(1), "appCode"), "OCMS-5000");
    EXPECT_EQ(s(p.result(1), "message"), "Something went wrong. Please try again later.");
    EXPECT_FALSE(has(p.result(1), "errors"));

    // A reply-state item without its reply counts as failed too.
    DispatchItem hollow = success("500500303J");
    hollow.reply.reset();
    auto q = answer_of(c, {hollow, success("500500305L")});
    EXPECT_EQ(s(q.result(0), "appCode"), "OCMS-5000");
    EXPECT_EQ(s(q.data(), "appCode"), "OCMS-5000");
}

TEST(CourtAnswer, RefusedRecordOutranksAFailure) {
    auto c = court_batch("[" + kGoodA + "," + kBadRules + "]");
    auto p = answer_of(c, {failed("500500303J")});
    EXPECT_EQ(s(p.data(), "appCode"), "OCMS-4022");
    EXPECT_EQ(n(p.data(), "successCount"), 0);
    EXPECT_EQ(n(p.data(), "errorCount"), 2);
    EXPECT_EQ(s(p.result(0), "appCode"), "OCMS-5000");
    EXPECT_EQ(s(p.result(1), "appCode"), "OCMS-4022");
}

TEST(CourtAnswer, PendingIs2002And202) {
    auto c = court_batch("[" + kGoodA + "," + kGoodC + "," + kGoodD + "]");
    auto p = answer_of(c, {success("500500303J"), pending("500500305L"), success("500500306M")});
    EXPECT_EQ(p.status, 202u);
    const auto& d = p.data();
    EXPECT_EQ(s(d, "appCode"), "OCMS-2002");
    EXPECT_EQ(s(d, "message"), std::string(kPendingMessage));
    EXPECT_EQ(n(d, "total"), 3);
    EXPECT_EQ(n(d, "successCount"), 2);
    EXPECT_EQ(n(d, "errorCount"), 0);
    EXPECT_EQ(n(d, "pendingCount"), 1);
    EXPECT_EQ(s(p.result(1), "appCode"), "OCMS-2002");
    EXPECT_EQ(s(p.result(1), "message"), std::string(kPendingMessage));
    EXPECT_EQ(s(p.result(1), "notice_no"), "500500305L");
}

TEST(CourtAnswer, PendingWithFailuresKeepsTheWorseCode) {
    auto c = court_batch("[" + kGoodA + "," + kGoodC + "," + kBadShape + "]");
    auto p = answer_of(c, {pending("500500303J"), failed("500500305L")});
    EXPECT_EQ(p.status, 202u);  // some records are pending
    EXPECT_EQ(s(p.data(), "appCode"), "OCMS-4022");
    EXPECT_EQ(n(p.data(), "successCount"), 0);
    EXPECT_EQ(n(p.data(), "errorCount"), 2);
    EXPECT_EQ(n(p.data(), "pendingCount"), 1);

    auto c2 = court_batch("[" + kGoodA + "," + kGoodC + "]");
    auto q = answer_of(c2, {pending("500500303J"), failed("500500305L")});
    EXPECT_EQ(s(q.data(), "appCode"), "OCMS-5000");
    EXPECT_EQ(q.status, 202u);
}

TEST(CourtAnswer, ResultsFollowTheRequestOrderThroughRecordIndex) {
    auto c = court_batch("[42," + kGoodC + "," + kBadShape + "," + kGoodA + "]");
    ASSERT_EQ(c.built.record_index, (std::vector<std::size_t>{1, 3}));
    auto p = answer_of(c, {pending("500500305L"), success("500500303J")});
    ASSERT_EQ(arr(p.data(), "results").Size(), 4u);
    EXPECT_EQ(s(p.result(0), "notice_no"), "");
    EXPECT_EQ(s(p.result(0), "appCode"), "OCMS-4022");
    EXPECT_EQ(s(p.result(1), "notice_no"), "500500305L");
    EXPECT_EQ(s(p.result(1), "appCode"), "OCMS-2002");
    EXPECT_EQ(s(p.result(2), "notice_no"), "500500304K");
    EXPECT_EQ(s(p.result(2), "appCode"), "OCMS-4022");
    EXPECT_EQ(s(p.result(3), "notice_no"), "500500303J");
    EXPECT_EQ(s(p.result(3), "appCode"), "OCMS-2000");
    EXPECT_EQ(n(p.data(), "successCount"), 1);
    EXPECT_EQ(n(p.data(), "errorCount"), 2);
    EXPECT_EQ(n(p.data(), "pendingCount"), 1);
}
