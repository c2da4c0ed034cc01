// Every code and rule of spec 002 section 3 end to end: HTTP -> ocms-edge -> ocms.cmd.suspension
// -> ocms-worker -> PostgreSQL -> ocms.reply -> ocms-edge, against the real broker and database,
// through the Staff Portal API (API 3) and, where the rule applies to PLUS, the PLUS API (API 5).
// Fixtures are fresh notices (make_notices) shaped with the owner role; demo rows are never used.
//
// Where each OCMS-5000 path is tested: "the broker did not accept the command" is unit-level
// (tests/unit/edge gateway_test FailedDeliveryIsReportedAsFailed on librdkafka's mock cluster,
// staff_apply_test FailedDeliveryIsAnError, plus_apply_test BrokerRefusalIsOcms5000ForTheNotice):
// making the shared broker refuse on purpose would break the edge for everyone else. "The edge
// cannot read the database" is here (EdgeCannotReadTheDatabaseIs5000). A stopped worker is not
// 5000 but pending (OCMS-2002, crash_test).
#include "support.hpp"

#include "core/time.hpp"
#include "messages/messages.hpp"

#include <gtest/gtest.h>
#include <jwt.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <random>
#include <set>

namespace ocms::test {
namespace {

using namespace std::chrono_literals;

const std::string kStaffPath = "/v1/staff-apply-suspension";
const std::string kPlusPath = "/v1/plus-apply-suspension";

// One result of a batch answer.
struct Item {
    std::string notice;
    std::string code;
    std::string message;
    std::optional<long long> sr_no;
    std::optional<std::string> due;  // dueDateOfRevival, Singapore local time
};

struct Answer {
    int status = 0;
    std::string body;
    std::string request_id;
    int total = 0, success = 0, errors = 0;
    std::vector<Item> items;
    const Item& operator[](std::size_t i) const { return items.at(i); }
};

Answer answer_of(const HttpResponse& r) {
    Answer a;
    a.status = r.status;
    a.body = r.body;
    auto doc = json::parse(r.body);
    if (!doc || !doc->IsObject() || !doc->HasMember("results")) return a;
    a.request_id = std::string(json::get_string(*doc, "requestId").value_or(""));
    a.total = int(json::get_int(*doc, "totalProcessed").value_or(-1));
    a.success = int(json::get_int(*doc, "successCount").value_or(-1));
    a.errors = int(json::get_int(*doc, "errorCount").value_or(-1));
    for (const auto& v : (*doc)["results"].GetArray()) {
        Item it;
        it.notice = std::string(json::get_string(v, "noticeNo").value_or(""));
        it.code = std::string(json::get_string(v, "appCode").value_or(""));
        it.message = std::string(json::get_string(v, "message").value_or(""));
        if (auto s = json::get_int(v, "srNo")) it.sr_no = *s;
        if (auto d = json::get_string(v, "dueDateOfRevival")) it.due = std::string(*d);
        a.items.push_back(std::move(it));
    }
    return a;
}

std::string quoted_list(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "\"" : ",\"") + s + "\"";
    return out;
}

Answer staff(const std::vector<std::string>& notices, const std::string& reason, const std::string& extra = "") {
    return answer_of(post_authed(kStaffPath, R"({"noticeNo":[)" + quoted_list(notices) +
                                                 R"(],"suspensionType":"TS","reasonOfSuspension":")" + reason +
                                                 R"(","suspensionRemarks":"ts codes test","officerAuthorisingSuspension":"JOHNLEE")" +
                                                 extra + "}"));
}

std::string plus_body(const std::string& notice, const std::string& reason, const std::string& date_of_suspension,
                      const std::string& extra = "") {
    return R"({"notice_no":")" + notice + R"(","date_of_suspension":")" + date_of_suspension +
           R"(","suspension_type":"TS","reason_of_suspension":")" + reason +
           R"(","officer_authorising_suspension":"PLMJOHN","suspension_remarks":"Appeal under review")" + extra + "}";
}

HttpResponse plus_raw(const std::string& body, std::optional<std::string> apim_key = std::nullopt) {
    std::map<std::string, std::string> h{{"Authorization", "Bearer " + env("OCMS_DEV_TOKEN")}};
    h["Ocp-Apim-Subscription-Key"] = apim_key ? *apim_key : env("OCMS_DEV_APIM_KEY");
    return http("POST", kPlusPath, body, h);
}

Answer plus(const std::string& notice, const std::string& reason, const std::string& date_of_suspension,
            const std::string& extra = "") {
    return answer_of(plus_raw(plus_body(notice, reason, date_of_suspension, extra)));
}

// Singapore local time without a zone, as PLUS sends it.
std::string local(TimePoint t) { return format_local(t); }
TimePoint whole_seconds(TimePoint t) { return std::chrono::floor<std::chrono::seconds>(t); }

std::string text(pg::Connection& db, const std::string& sql, const pg::Params& params = {}) {
    auto r = db.exec(sql, params);
    if (!r) throw std::runtime_error("query failed: " + r.error().message + " in " + sql);
    if (r->rows() != 1 || r->is_null(0, 0)) return "";
    return std::string(r->get(0, 0));
}

// Everything a TS may touch for one notice: VON, the internet-zone copy, the suspension records.
std::string state_of(const std::string& notice) {
    auto db = readonly_db();
    return text(*db,
                "SELECT (SELECT row_to_json(v)::text FROM ocms_valid_offence_notice v WHERE notice_no = $1) || ' | ' || "
                "coalesce((SELECT row_to_json(e)::text FROM eocms_valid_offence_notice e WHERE notice_no = $1), '-') || "
                "' | ' || (SELECT count(*) || '/' || coalesce(max(sr_no), 0) FROM ocms_suspended_notice WHERE notice_no = $1)",
                {notice});
}

long long records_of(const std::string& notice) {
    auto db = readonly_db();
    return scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = $1", {notice});
}

// After an OCMS-2000: VON, the new suspension record (that sr_no) and the internet-zone copy
// agree on the due date the answer gave, with the given reason, source and audit user.
void expect_applied(const Item& it, const std::string& reason, const std::string& source, const std::string& user) {
    ASSERT_TRUE(it.sr_no) << it.notice << ": no srNo";
    ASSERT_TRUE(it.due) << it.notice << ": no dueDateOfRevival";
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db,
                     "SELECT count(*) FROM ocms_valid_offence_notice v "
                     "JOIN ocms_suspended_notice s ON s.notice_no = v.notice_no AND s.sr_no = $2 "
                     "JOIN eocms_valid_offence_notice e ON e.notice_no = v.notice_no "
                     "WHERE v.notice_no = $1 AND v.suspension_type = 'TS' AND e.suspension_type = 'TS' "
                     "AND s.suspension_type = 'TS' AND v.is_sync = 'N' "
                     "AND v.due_date_of_revival = s.due_date_of_revival AND e.due_date_of_revival = v.due_date_of_revival "
                     "AND to_char(v.due_date_of_revival AT TIME ZONE 'Asia/Singapore', 'YYYY-MM-DD\"T\"HH24:MI:SS') = $3 "
                     "AND s.reason_of_suspension = $4 AND s.suspension_source = $5 "
                     "AND s.cre_user_id = $6 AND v.upd_user_id = $6 AND s.process_indicator = 'manual' "
                     "AND s.sr_no = (SELECT max(sr_no) FROM ocms_suspended_notice WHERE notice_no = $1)",
                     {it.notice, std::to_string(*it.sr_no), *it.due, reason, source, user}),
              1)
        << it.notice << ": VON, suspension record " << *it.sr_no << " and eocms copy do not agree on " << *it.due;
}

// dueDateOfRevival = the worker's "now" + days: between the request's start and end.
void expect_due_now_plus(const Item& it, int days, TimePoint before, TimePoint after) {
    ASSERT_TRUE(it.due) << it.notice;
    auto due = parse_iso(*it.due);
    ASSERT_TRUE(due) << *it.due;
    EXPECT_GE(*due, whole_seconds(before) + std::chrono::days{days}) << it.notice << " " << *it.due;
    EXPECT_LE(*due, after + std::chrono::days{days}) << it.notice << " " << *it.due;
}

void expect_item(const Item& it, const std::string& code, const std::string& message) {
    EXPECT_EQ(it.code, code) << it.notice << ": " << it.message;
    EXPECT_EQ(it.message, message) << it.notice;
    if (code != "OCMS-2000") {
        EXPECT_FALSE(it.sr_no) << it.notice << ": only a success carries srNo";
    }
}

void expect_single(const Answer& a, const std::string& notice, const std::string& code, const std::string& message) {
    ASSERT_EQ(a.status, 200) << a.body;
    ASSERT_EQ(a.items.size(), 1u) << a.body;
    EXPECT_EQ(a.total, 1) << a.body;
    EXPECT_EQ(a[0].notice, notice);
    expect_item(a[0], code, message);
}

void expect_400(const HttpResponse& r, const std::string& needle) {
    EXPECT_EQ(r.status, 400) << r.body;
    auto doc = json::parse(r.body);
    ASSERT_TRUE(doc && doc->IsObject() && doc->HasMember("data")) << r.body;
    EXPECT_EQ(json::get_string((*doc)["data"], "appCode").value_or(""), "OCMS-4000") << r.body;
    EXPECT_NE(std::string(json::get_string((*doc)["data"], "message").value_or("")).find(needle), std::string::npos)
        << "'" << needle << "' not in " << r.body;
}

// Fixture shapes (owner role).
void make_paid(const std::string& n, const std::string& amount, const std::string& status) {
    owner_exec("UPDATE ocms_valid_offence_notice SET amount_paid = $2::numeric, payment_status = $3 WHERE notice_no = $1",
               {n, amount, status});
}
void make_ps(const std::string& n) {
    owner_exec("UPDATE ocms_valid_offence_notice SET suspension_type = 'PS' WHERE notice_no = $1", {n});
}
// An existing TS (VON and the internet-zone copy) due `in` from now.
void make_ts_due(const std::string& n, const std::string& in) {
    owner_exec("UPDATE ocms_valid_offence_notice SET suspension_type = 'TS', due_date_of_revival = now() + $2::interval "
               "WHERE notice_no = $1",
               {n, in});
    owner_exec("UPDATE eocms_valid_offence_notice SET suspension_type = 'TS', due_date_of_revival = now() + $2::interval "
               "WHERE notice_no = $1",
               {n, in});
}

std::string missing_notice() {
    static std::mt19937_64 rng{std::random_device{}()};
    return "ZZ" + std::to_string(10000000 + rng() % 89999999);  // no fixture starts with ZZ
}

namespace msg {
const std::string kSuccess = "TS Success";
const std::string kAlready = "Notice already has active TS with same or later revival date";
const std::string kInvalidRequest = "Invalid request. Please check and try again.";
const std::string kSource = "Source not authorized to use this Suspension Code";
const std::string kInvalidCode = "Invalid suspension code";
const std::string kNotActive = "Suspension code is not active";
const std::string kNotFound = "Notice not found";
const std::string kStage = "TS Code cannot be applied due to Last Processing Stage";
const std::string kPs = "TS cannot be applied due to existing PS";
const std::string kPaid = "TS cannot be applied to paid notices";
const std::string kSystem = "System error occurred during processing.";
}  // namespace msg

// ---------------------------------------------------------------------------------------------
// OCMS-2000

TEST(TsCodes, Success2000StaffDueDateIsNowPlusTheDaysOfTheCode) {
    auto rd1 = make_notices(2, "RD1");
    auto rr3 = make_notices(1, "RR3");
    struct Case { std::string notice, reason; int days; };
    for (const auto& c : {Case{rd1[0], "ACR", 21}, Case{rd1[1], "PRI", 14}, Case{rr3[0], "CLV", 90}}) {
        auto before = system_now();
        auto a = staff({c.notice}, c.reason);
        auto after = system_now();
        expect_single(a, c.notice, "OCMS-2000", msg::kSuccess);
        if (a.items.size() != 1) continue;
        expect_due_now_plus(a[0], c.days, before, after);
        expect_applied(a[0], c.reason, "OCMS", "ocmsiz_app_conn");
    }
}

TEST(TsCodes, Success2000PlusDueDateCountsFromDateOfSuspension) {
    auto n = make_notices(1, "NPA")[0];  // APP is allowed from NPA
    // Two days ago, at a time of day that is not "now": the due date must follow it, not the clock.
    const TimePoint dos = whole_seconds(system_now() - std::chrono::days{2} - std::chrono::hours{3});
    auto a = plus(n, "APP", local(dos));
    expect_single(a, n, "OCMS-2000", msg::kSuccess);
    ASSERT_EQ(a.items.size(), 1u);
    EXPECT_EQ(a[0].due, local(dos + std::chrono::days{21})) << "due = date_of_suspension + 21 days (APP)";
    expect_applied(a[0], "APP", "PLUS", "ocmsez_app_conn");
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db,
                     "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = $1 AND sr_no = $2 "
                     "AND date_of_suspension = $3::timestamptz AND officer_authorising_suspension = 'PLMJOHN' "
                     "AND suspension_remarks = 'Appeal under review'",
                     {n, std::to_string(a[0].sr_no.value_or(0)), format_offset(dos)}),
              1)
        << "the record keeps date_of_suspension, the PLM officer and the remarks";
}

TEST(TsCodes, Success2000PlusDateWithAZone) {
    auto n = make_notices(1, "RD1")[0];
    const TimePoint dos = whole_seconds(system_now() - std::chrono::hours{30});
    // The same instant written in UTC: the due date is the same Singapore time + 14 days (PRI).
    auto utc = format_offset(dos - kSingaporeOffset).substr(0, 19) + "Z";
    auto a = plus(n, "PRI", utc);
    expect_single(a, n, "OCMS-2000", msg::kSuccess);
    EXPECT_EQ(a[0].due, local(dos + std::chrono::days{14})) << utc;
}

// ---------------------------------------------------------------------------------------------
// OCMS-2001

TEST(TsCodes, Already2001WhenTheExistingTsIsSameOrLater) {
    auto n = make_notices(3, "RD1");
    // Same call twice: same revival day -> 2001, nothing written the second time.
    auto first = staff({n[0]}, "ACR");
    expect_single(first, n[0], "OCMS-2000", msg::kSuccess);
    auto snapshot = state_of(n[0]);
    auto second = staff({n[0]}, "ACR");
    expect_single(second, n[0], "OCMS-2001", msg::kAlready);
    EXPECT_EQ(state_of(n[0]), snapshot);
    // An existing TS due later than the new one would be (60 days > ACR's 21).
    make_ts_due(n[1], "60 days");
    snapshot = state_of(n[1]);
    expect_single(staff({n[1]}, "ACR"), n[1], "OCMS-2001", msg::kAlready);
    EXPECT_EQ(state_of(n[1]), snapshot);
    // PLUS: the same date_of_suspension twice.
    const auto dos = local(system_now() - std::chrono::hours{1});
    expect_single(plus(n[2], "APE", dos), n[2], "OCMS-2000", msg::kSuccess);
    snapshot = state_of(n[2]);
    expect_single(plus(n[2], "APE", dos), n[2], "OCMS-2001", msg::kAlready);
    EXPECT_EQ(state_of(n[2]), snapshot);
}

TEST(TsCodes, LaterTsOverAnEarlierOneExtendsIt) {
    auto n = make_notices(1, "RD1")[0];
    auto first = staff({n}, "PRI");
    expect_single(first, n, "OCMS-2000", msg::kSuccess);
    ASSERT_TRUE(first[0].sr_no);
    // The existing TS is now due tomorrow; a 21-day code is later, so it extends it.
    make_ts_due(n, "1 day");
    auto before = system_now();
    auto a = staff({n}, "ACR");
    auto after = system_now();
    expect_single(a, n, "OCMS-2000", msg::kSuccess);
    ASSERT_TRUE(a[0].sr_no);
    EXPECT_GT(*a[0].sr_no, *first[0].sr_no) << "a new record with a later sr_no";
    expect_due_now_plus(a[0], 21, before, after);
    expect_applied(a[0], "ACR", "OCMS", "ocmsiz_app_conn");  // VON + newest record + eocms: the new date
    EXPECT_EQ(records_of(n), 2);
}

// ---------------------------------------------------------------------------------------------
// OCMS-4000

TEST(TsCodes, BadRequest4000IsA400EnvelopeAndWritesNothing) {
    auto n = make_notices(1, "RD1")[0];
    auto snapshot = state_of(n);
    // Staff Portal
    expect_400(post_authed(kStaffPath, R"({"noticeNo":[")" + n + R"("],"suspensionType":"TS","officerAuthorisingSuspension":"J"})"),
               "missing required field 'reasonOfSuspension'");
    expect_400(post_authed(kStaffPath, R"({"noticeNo":[")" + n + R"("],"suspensionType":"TS","reasonOfSuspension":"ACR",)"
                                       R"("officerAuthorisingSuspension":")" + std::string(51, 'x') + "\"}"),
               "officerAuthorisingSuspension");
    // PLUS
    const auto dos = local(system_now());
    auto body = plus_body(n, "APP", dos);
    expect_400(plus_raw(R"({"notice_no":")" + n + R"(","suspension_type":"TS","reason_of_suspension":"APP",)"
                        R"("officer_authorising_suspension":"PLMJOHN"})"),
               "missing required field 'date_of_suspension'");
    expect_400(plus_raw(plus_body(n, "APP", "22/03/2025 19:00")), "date_of_suspension");
    expect_400(plus_raw(plus_body(n, "APP", "2025-02-30T19:00:02")), "date_of_suspension");
    expect_400(plus_raw(R"({"noticeNo":[")" + n + R"("],"suspensionType":"TS","reasonOfSuspension":"APP",)"
                        R"("officerAuthorisingSuspension":"PLMJOHN"})"),
               "Invalid request");
    expect_400(plus_raw(body.substr(0, body.size() - 1) + R"(,"checking":true})"), "unknown field 'checking'");
    auto long_remarks = body;
    long_remarks.replace(long_remarks.find("Appeal under review"), 19, std::string(201, 'x'));
    expect_400(plus_raw(long_remarks), "suspension_remarks");
    EXPECT_EQ(state_of(n), snapshot);
}

TEST(TsCodes, PlusNeedsTheApimKey) {
    auto n = make_notices(1, "RD1")[0];
    auto snapshot = state_of(n);
    auto body = plus_body(n, "APP", local(system_now()));
    for (const std::string& key : {std::string(""), std::string("not-a-key")}) {
        auto r = plus_raw(body, key);
        EXPECT_EQ(r.status, 401) << r.body;
        auto doc = json::parse(r.body);
        ASSERT_TRUE(doc && doc->HasMember("data")) << r.body;
        EXPECT_EQ(json::get_string((*doc)["data"], "appCode").value_or(""), "OCMS-4001");
    }
    auto no_header = http("POST", kPlusPath, body, {{"Authorization", "Bearer " + env("OCMS_DEV_TOKEN")}});
    EXPECT_EQ(no_header.status, 401) << no_header.body;
    auto no_token = http("POST", kPlusPath, body, {{"Ocp-Apim-Subscription-Key", env("OCMS_DEV_APIM_KEY")}});
    EXPECT_EQ(no_token.status, 401) << no_token.body;
    EXPECT_EQ(state_of(n), snapshot);
}


TEST(TsCodes, PlusNeedsThePlusRole) {
    auto n = make_notices(1, "RD1")[0];
    auto snapshot = state_of(n);
    auto body = plus_body(n, "APP", local(system_now()));
    auto r = http("POST", kPlusPath, body,
                  {{"Authorization", "Bearer " + token_with_roles({"OCMS_STAFF", "OPS"}, "ts-codes-test")},
                   {"Ocp-Apim-Subscription-Key", env("OCMS_DEV_APIM_KEY")}});
    EXPECT_EQ(r.status, 403) << r.body;
    // The signing is right: the same key with the role PLUS is let through.
    auto ok = answer_of(http("POST", kPlusPath, body,
                             {{"Authorization", "Bearer " + token_with_roles({"PLUS"}, "ts-codes-test")},
                              {"Ocp-Apim-Subscription-Key", env("OCMS_DEV_APIM_KEY")}}));
    expect_single(ok, n, "OCMS-2000", msg::kSuccess);
    EXPECT_NE(state_of(n), snapshot);
}

TEST(TsCodes, SuspensionTypeOtherThanTs4000) {
    // Well-formed, but this path applies TS only: the domain answers per notice.
    auto n = make_notices(2, "RD1");
    auto a = answer_of(post_authed(kStaffPath, R"({"noticeNo":[")" + n[0] + R"("],"suspensionType":"PS",)"
                                               R"("reasonOfSuspension":"APP","officerAuthorisingSuspension":"JOHNLEE"})"));
    expect_single(a, n[0], "OCMS-4000", msg::kInvalidRequest);
    auto body = plus_body(n[1], "APP", local(system_now()));
    body.replace(body.find(R"("suspension_type":"TS")"), 22, R"("suspension_type":"PS")");
    expect_single(answer_of(plus_raw(body)), n[1], "OCMS-4000", msg::kInvalidRequest);
    EXPECT_EQ(records_of(n[0]) + records_of(n[1]), 0);
}

TEST(TsCodes, SourceNotAuthorized4000) {
    auto n = make_notices(4, "RD1");
    std::vector<std::string> snapshots;
    for (const auto& x : n) snapshots.push_back(state_of(x));
    const auto dos = local(system_now());
    // A staff-portal code from PLUS (the domain's check, in the worker).
    expect_single(plus(n[0], "ACR", dos), n[0], "OCMS-4000", msg::kSource);
    // An OCMS-only code (internal systems) from the Staff Portal.
    expect_single(staff({n[1]}, "MHA"), n[1], "OCMS-4000", msg::kSource);
    // A PLUS-only code is fine for PLUS; MS (staff portal only) is not.
    expect_single(plus(n[2], "MS", dos), n[2], "OCMS-4000", msg::kSource);
    // PLUS claiming another source in the body: refused by the edge, nothing published.
    expect_single(plus(n[3], "APP", dos, R"(,"suspension_source":"OCMS_FE")"), n[3], "OCMS-4000", msg::kSource);
    for (std::size_t i = 0; i < n.size(); ++i) EXPECT_EQ(state_of(n[i]), snapshots[i]) << n[i];
    // The default and the explicit "PLUS" are the caller itself.
    auto ok = make_notices(1, "RD1")[0];
    expect_single(plus(ok, "APP", dos, R"(,"suspension_source":"PLUS")"), ok, "OCMS-2000", msg::kSuccess);
}

TEST(TsCodes, InvalidSuspensionCode4000) {
    auto n = make_notices(2, "RD1");
    expect_single(staff({n[0]}, "XYZ"), n[0], "OCMS-4000", msg::kInvalidCode);
    expect_single(plus(n[1], "XYZ", local(system_now())), n[1], "OCMS-4000", msg::kInvalidCode);
    EXPECT_EQ(records_of(n[0]) + records_of(n[1]), 0);
}

TEST(TsCodes, SuspensionCodeNotActive4000) {
    // DIP is seeded with status I (retired), at its own stages RR3/DR3.
    auto n = make_notices(2, "RR3");
    expect_single(staff({n[0]}, "DIP"), n[0], "OCMS-4000", msg::kNotActive);
    expect_single(plus(n[1], "DIP", local(system_now())), n[1], "OCMS-4000", msg::kNotActive);
    EXPECT_EQ(records_of(n[0]) + records_of(n[1]), 0);
}

// ---------------------------------------------------------------------------------------------
// OCMS-4001, 4002, 4003

TEST(TsCodes, NoticeNotFound4001) {
    auto a = missing_notice(), b = missing_notice();
    expect_single(staff({a}, "ACR"), a, "OCMS-4001", msg::kNotFound);
    expect_single(plus(b, "APP", local(system_now())), b, "OCMS-4001", msg::kNotFound);
}

TEST(TsCodes, StageNotAllowed4002) {
    auto npa = make_notices(2, "NPA");  // ACR and RED are not allowed at NPA
    auto crt = make_notices(1, "CRT");  // a court stage: no TS code allows it
    std::vector<std::string> snapshots{state_of(npa[0]), state_of(npa[1]), state_of(crt[0])};
    expect_single(staff({npa[0]}, "ACR"), npa[0], "OCMS-4002", msg::kStage);
    expect_single(staff({crt[0]}, "APP"), crt[0], "OCMS-4002", msg::kStage);
    expect_single(plus(npa[1], "RED", local(system_now())), npa[1], "OCMS-4002", msg::kStage);
    EXPECT_EQ(state_of(npa[0]), snapshots[0]);
    EXPECT_EQ(state_of(npa[1]), snapshots[1]);
    EXPECT_EQ(state_of(crt[0]), snapshots[2]);
}

TEST(TsCodes, ExistingPs4002) {
    auto n = make_notices(2, "RD1");
    for (const auto& x : n) make_ps(x);
    auto s0 = state_of(n[0]), s1 = state_of(n[1]);
    expect_single(staff({n[0]}, "ACR"), n[0], "OCMS-4002", msg::kPs);
    expect_single(plus(n[1], "APP", local(system_now())), n[1], "OCMS-4002", msg::kPs);
    EXPECT_EQ(state_of(n[0]), s0);
    EXPECT_EQ(state_of(n[1]), s1);
}

TEST(TsCodes, PaidAndPartlyPaid4003) {
    auto n = make_notices(4, "RD1");
    make_paid(n[0], "70.00", "FP");  // paid in full
    make_paid(n[1], "20.00", "PP");  // partly paid
    make_paid(n[2], "70.00", "FP");
    make_paid(n[3], "0.00", "PP");   // flagged partly paid, amount not posted yet
    std::vector<std::string> snapshots;
    for (const auto& x : n) snapshots.push_back(state_of(x));
    auto a = staff({n[0], n[1], n[3]}, "ACR");
    ASSERT_EQ(a.items.size(), 3u) << a.body;
    for (const auto& it : a.items) expect_item(it, "OCMS-4003", msg::kPaid);
    expect_single(plus(n[2], "APP", local(system_now())), n[2], "OCMS-4003", msg::kPaid);
    for (std::size_t i = 0; i < n.size(); ++i) EXPECT_EQ(state_of(n[i]), snapshots[i]) << n[i];
}

// ---------------------------------------------------------------------------------------------
// OCMS-4007: a real database fault for one notice.

// Creates, as the owner, a trigger that makes every INSERT into ocms_suspended_notice for the
// given notices fail (SQLSTATE P0001), and drops it again when it goes out of scope, whatever
// the test's outcome.
class InsertFault {
public:
    explicit InsertFault(const std::vector<std::string>& notices) {
        std::string name = "ts_codes_fault_";
        for (char c : notices.at(0)) name += char(std::tolower(static_cast<unsigned char>(c)));
        name_ = name;
        std::string in;
        for (const auto& n : notices) in += (in.empty() ? "'" : ", '") + n + "'";  // [A-Za-z0-9] only
        owner_exec("CREATE FUNCTION " + name_ + "() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
                   "RAISE EXCEPTION 'injected fault for %', NEW.notice_no; END $f$");
        created_function_ = true;
        owner_exec("CREATE TRIGGER " + name_ + " BEFORE INSERT ON ocms_suspended_notice FOR EACH ROW "
                   "WHEN (NEW.notice_no IN (" + in + ")) EXECUTE FUNCTION " + name_ + "()");
    }
    ~InsertFault() {
        try {
            owner_exec("DROP TRIGGER IF EXISTS " + name_ + " ON ocms_suspended_notice");
            if (created_function_) owner_exec("DROP FUNCTION IF EXISTS " + name_ + "()");
        } catch (const std::exception& e) {
            ADD_FAILURE() << "could not drop the injected fault " << name_ << ": " << e.what();
        }
    }
    InsertFault(const InsertFault&) = delete;
    InsertFault& operator=(const InsertFault&) = delete;

private:
    std::string name_;
    bool created_function_ = false;
};

// Whether ocms.dlq has a message with key notice since `from`. The worker publishes a dead letter
// together with the reply and waits for both acks, so once the reply came back a few seconds
// of scanning are enough.
bool on_dlq(const std::map<int, long long>& from, const std::string& notice) {
    return scan_topic(messages::kTopicDlq, from, [&](const kafka::Message& m) { return m.key() == notice; }, 3s);
}

// A permanent database fault parks the command (and its notice) instead of dead-lettering it
// (issue 8): the caller still gets OCMS-4007; support retries after the fix and the worker
// applies it.
TEST(TsCodes, SystemError4007ForADatabaseFaultParksTheNotice) {
    auto good = make_notices(1, "RD1")[0];
    auto faulted = make_notices(1, "RD1")[0];
    auto faulted_plus = make_notices(1, "RD1")[0];
    auto s_good = state_of(good), s_faulted = state_of(faulted), s_plus = state_of(faulted_plus);
    auto dlq_from = high_watermarks(messages::kTopicDlq);
    auto db = readonly_db();
    long long inbox_before = scalar(*db, "SELECT count(*) FROM ocms_command_inbox WHERE notice_no IN ($1, $2)",
                                    {faulted, faulted_plus});
    {
        InsertFault fault({faulted, faulted_plus});
        auto a = staff({good, faulted}, "ACR");
        ASSERT_EQ(a.status, 200) << a.body;
        ASSERT_EQ(a.items.size(), 2u) << a.body;
        expect_item(a[0], "OCMS-2000", msg::kSuccess);
        expect_item(a[1], "OCMS-4007", msg::kSystem);
        EXPECT_EQ(a.success, 1);
        EXPECT_EQ(a.errors, 1);
        expect_applied(a[0], "ACR", "OCMS", "ocmsiz_app_conn");
        expect_single(plus(faulted_plus, "APP", local(system_now())), faulted_plus, "OCMS-4007", msg::kSystem);
    }
    // None of VON, the record or the internet-zone copy changed for the faulted notices: the
    // update of VON that came before the failing insert was rolled back with it.
    EXPECT_EQ(state_of(faulted), s_faulted);
    EXPECT_EQ(state_of(faulted_plus), s_plus);
    EXPECT_NE(state_of(good), s_good);
    // Parked with the reason, so a retry after the fix applies it: no inbox row, not on ocms.dlq.
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_command_inbox WHERE notice_no IN ($1, $2)", {faulted, faulted_plus}),
              inbox_before);
    for (const auto& n : {faulted, faulted_plus}) {
        std::string reason = text(*db, "SELECT reason FROM ocms_parked_notice WHERE notice_no = $1", {n});
        EXPECT_NE(reason.find("P0001"), std::string::npos) << n << ": " << reason;
        EXPECT_NE(reason.find("injected fault for " + n), std::string::npos) << reason;
        std::string first = text(*db, "SELECT first_command_id FROM ocms_parked_notice WHERE notice_no = $1", {n});
        ASSERT_FALSE(first.empty()) << n << " is not parked";
        EXPECT_EQ(text(*db, "SELECT status || ' ' || reason FROM ocms_parked_command WHERE command_id = $1", {first}),
                  "PARKED " + reason);
        EXPECT_EQ(text(*db, "SELECT outcome || ' ' || app_code FROM ocms_command_audit WHERE command_id = $1", {first}),
                  "parked OCMS-4007");
        EXPECT_FALSE(on_dlq(dlq_from, n)) << n << " was dead-lettered; a database fault parks it";
    }
    // The fault is gone: support asks for a retry (as the role ocms_support), the worker applies
    // the parked commands within seconds and unparks the notices.
    auto support = pg::Connection::connect(env("OCMS_SUPPORT_PG_URL"));
    ASSERT_TRUE(support) << support.error().message;
    auto asked = (*support)->exec(
        "UPDATE ocms_parked_notice SET retry_requested_at = now(), retry_requested_by = 'ts-codes-test', "
        "retry_reason = 'injected fault removed' WHERE notice_no IN ($1, $2)",
        {faulted, faulted_plus});
    ASSERT_TRUE(asked) << asked.error().message;
    EXPECT_EQ(asked->affected(), "2");
    for (const auto& n : {faulted, faulted_plus})
        EXPECT_TRUE(eventually(
            [&] {
                return scalar(*db, "SELECT count(*) FROM ocms_command_inbox WHERE notice_no = $1 AND app_code = 'OCMS-2000'",
                              {n}) == 1 &&
                       scalar(*db, "SELECT count(*) FROM ocms_parked_notice WHERE notice_no = $1", {n}) == 0;
            },
            30s))
            << "the parked command of " << n << " was not applied by the retry";
    EXPECT_EQ(records_of(faulted), 1);
    EXPECT_EQ(records_of(faulted_plus), 1);
}

// ---------------------------------------------------------------------------------------------
// OCMS-5000 (edge level)

// Revokes the edge's SELECT on the inbox for the life of the object (owner role), so the edge's
// read fails like a database that refuses it; grants it back whatever the test's outcome.
class InboxReadRevoked {
public:
    InboxReadRevoked() { owner_exec("REVOKE SELECT ON ocms_command_inbox FROM ocmsiz_app_conn"); }
    ~InboxReadRevoked() {
        try {
            owner_exec("GRANT SELECT ON ocms_command_inbox TO ocmsiz_app_conn");
        } catch (const std::exception& e) {
            ADD_FAILURE() << "could not grant SELECT on ocms_command_inbox back to ocmsiz_app_conn: " << e.what();
        }
    }
    InboxReadRevoked(const InboxReadRevoked&) = delete;
    InboxReadRevoked& operator=(const InboxReadRevoked&) = delete;
};

TEST(TsCodes, EdgeCannotReadTheDatabaseIs5000) {
    auto n = make_notices(1, "RD1")[0];
    auto applied = post_authed(kStaffPath, staff_body({n}));
    ASSERT_EQ(applied.status, 200) << applied.body;
    std::string request_id = applied.json()["requestId"].GetString();
    HttpResponse r;
    {
        InboxReadRevoked revoked;
        r = post_authed("/v1/request-outcome", R"({"requestId":")" + request_id + R"("})");
    }
    EXPECT_EQ(r.status, 500) << r.body;
    auto doc = json::parse(r.body);
    ASSERT_TRUE(doc && doc->HasMember("data")) << r.body;
    EXPECT_EQ(json::get_string((*doc)["data"], "appCode").value_or(""), "OCMS-5000");
    // And back to normal once the database answers again.
    auto again = post_authed("/v1/request-outcome", R"({"requestId":")" + request_id + R"("})");
    EXPECT_EQ(again.status, 200) << again.body;
}

// ---------------------------------------------------------------------------------------------
// Batches, dry run, atomicity, sr_no

TEST(TsCodes, MixedBatchOfTenGivesEachNoticeItsOwnCode) {
    auto rd = make_notices(7, "RD1");
    auto npa = make_notices(1, "NPA")[0];
    auto crt = make_notices(1, "CRT")[0];
    const auto missing = missing_notice();
    make_ps(rd[2]);
    make_paid(rd[3], "70.00", "FP");
    make_paid(rd[4], "20.00", "PP");
    make_ts_due(rd[5], "60 days");  // later than ACR's 21 -> 2001
    make_ts_due(rd[6], "1 day");    // earlier -> extended, 2000
    std::vector<std::string> batch{rd[0], missing, npa, rd[2], rd[3], rd[4], rd[5], rd[6], crt, rd[1]};
    struct Want { std::string code, message; };
    std::vector<Want> want{{"OCMS-2000", msg::kSuccess}, {"OCMS-4001", msg::kNotFound}, {"OCMS-4002", msg::kStage},
                           {"OCMS-4002", msg::kPs},      {"OCMS-4003", msg::kPaid},     {"OCMS-4003", msg::kPaid},
                           {"OCMS-2001", msg::kAlready}, {"OCMS-2000", msg::kSuccess},  {"OCMS-4002", msg::kStage},
                           {"OCMS-2000", msg::kSuccess}};
    auto a = staff(batch, "ACR");
    ASSERT_EQ(a.status, 200) << a.body;
    ASSERT_EQ(a.items.size(), 10u) << a.body;
    EXPECT_EQ(a.total, 10);
    EXPECT_EQ(a.success, 4);
    EXPECT_EQ(a.errors, 6);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        EXPECT_EQ(a[i].notice, batch[i]) << "results keep the request order";
        expect_item(a[i], want[i].code, want[i].message);
        if (want[i].code == "OCMS-2000") expect_applied(a[i], "ACR", "OCMS", "ocmsiz_app_conn");
    }
}

TEST(TsCodes, CheckingAppliesNothing) {
    auto n = make_notices(2, "RD1");
    auto npa = make_notices(1, "NPA")[0];
    make_ts_due(n[1], "1 day");
    std::vector<std::string> all{n[0], n[1], npa};
    std::vector<std::string> snapshots;
    for (const auto& x : all) snapshots.push_back(state_of(x));
    auto before = system_now();
    auto a = staff(all, "ACR", R"(,"checking":true)");
    auto after = system_now();
    ASSERT_EQ(a.items.size(), 3u) << a.body;
    expect_item(a[0], "OCMS-2000", msg::kSuccess);
    expect_item(a[1], "OCMS-2000", msg::kSuccess);  // would extend
    expect_item(a[2], "OCMS-4002", msg::kStage);
    for (int i : {0, 1}) {
        EXPECT_FALSE(a[std::size_t(i)].sr_no) << "a dry run has no suspension record";
        expect_due_now_plus(a[std::size_t(i)], 21, before, after);
    }
    for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(state_of(all[i]), snapshots[i]) << all[i];
}

TEST(TsCodes, SrNoComesFromTheSequenceAndIncreases) {
    auto owner = owner_db();
    auto seq = [&] { return scalar(*owner, "SELECT last_value FROM ocms_suspended_notice_sr_no_seq"); };
    auto n = make_notices(10, "RD1");
    long long start = seq();
    auto a = staff(n, "ACR");
    long long end = seq();
    ASSERT_EQ(a.items.size(), 10u) << a.body;
    std::vector<long long> sr;
    for (const auto& it : a.items) {
        expect_item(it, "OCMS-2000", msg::kSuccess);
        ASSERT_TRUE(it.sr_no) << it.notice;
        EXPECT_GT(*it.sr_no, start) << "taken from the sequence after the request started";
        EXPECT_LE(*it.sr_no, end);
        sr.push_back(*it.sr_no);
    }
    std::ranges::sort(sr);
    EXPECT_EQ(std::ranges::adjacent_find(sr), sr.end()) << "every notice its own sr_no";
    // Strictly increasing in the order the worker applied them: on each partition, by offset
    // (the notices of one request go to several partitions and are applied in parallel, so the
    // request's own order is not an order the numbers can follow).
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db,
                     "SELECT count(*) FROM (SELECT s.sr_no, lag(s.sr_no) OVER (PARTITION BY i.kafka_partition "
                     "ORDER BY i.kafka_offset) AS prev FROM ocms_command_inbox i "
                     "JOIN ocms_suspended_notice s ON s.notice_no = i.notice_no WHERE i.request_id = $1) t "
                     "WHERE prev >= sr_no",
                     {a.request_id}),
              0);
    EXPECT_EQ(scalar(*db, "SELECT count(DISTINCT kafka_partition) FROM ocms_command_inbox WHERE request_id = $1",
                     {a.request_id}) > 0,
              true);
    // A second TS on a notice takes a later number than its first.
    make_ts_due(n[0], "1 day");
    auto b = staff({n[0]}, "ACR");
    expect_single(b, n[0], "OCMS-2000", msg::kSuccess);
    ASSERT_TRUE(b[0].sr_no);
    EXPECT_GT(*b[0].sr_no, end);
}

}  // namespace
}  // namespace ocms::test
