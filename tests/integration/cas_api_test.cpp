// The CAS and PLUS integration APIs of spec 001 end to end against the real broker and database:
// getPaymentStatus (CAS), getNoticeUpdate (PLUS), updateCourtNotices (CAS, through the workers).
// Fixtures are fresh notices (make_notices); failures of the log tables are real database faults
// injected with a trigger and dropped again whatever the outcome.
#include "support.hpp"

#include <gtest/gtest.h>

#include <cctype>

namespace ocms::test {
namespace {

const std::map<std::string, std::string> cas_auth() { return {{"Authorization", "Bearer " + token_with_roles({"CAS"}, "cas")}}; }
const std::map<std::string, std::string> plus_auth() {
    return {{"Authorization", "Bearer " + token_with_roles({"PLUS"}, "plus")},
            {"Ocp-Apim-Subscription-Key", env("OCMS_DEV_APIM_KEY")}};
}

json::Document doc_of(const HttpResponse& r) {
    auto d = json::parse(r.body);
    if (!d) throw std::runtime_error("not JSON: " + r.body);
    return std::move(*d);
}

std::string list(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "\"" : ",\"") + s + "\"";
    return "[" + out + "]";
}

// Makes every INSERT into table for notice fail (SQLSTATE P0001) while it lives.
class InsertFault {
public:
    InsertFault(std::string table, const std::string& notice) : table_(std::move(table)) {
        name_ = "cas_fault_";
        for (char c : notice) name_ += char(std::tolower(static_cast<unsigned char>(c)));
        owner_exec("CREATE FUNCTION " + name_ + "() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
                   "RAISE EXCEPTION 'injected fault for %', NEW.notice_no; END $f$");
        owner_exec("CREATE TRIGGER " + name_ + " BEFORE INSERT ON " + table_ + " FOR EACH ROW WHEN (NEW.notice_no = '" +
                   notice + "') EXECUTE FUNCTION " + name_ + "()");  // [A-Z0-9] only
    }
    ~InsertFault() {
        try {
            owner_exec("DROP TRIGGER IF EXISTS " + name_ + " ON " + table_);
            owner_exec("DROP FUNCTION IF EXISTS " + name_ + "()");
        } catch (const std::exception& e) {
            ADD_FAILURE() << "could not drop " << name_ << ": " << e.what();
        }
    }
    InsertFault(const InsertFault&) = delete;
    InsertFault& operator=(const InsertFault&) = delete;

private:
    std::string table_, name_;
};

// ---- getPaymentStatus ------------------------------------------------------------------------

TEST(CasApi, PaymentStatusAnswersEveryNoticeAndLogsEmconsOnce) {
    auto n = make_notices(3, "CRT");
    owner_exec("UPDATE ocms_valid_offence_notice SET emcons_flag = 'EMCONS', payment_status = 'PP', amount_paid = 20.50, "
               "payment_allowance_flag = 'Y', suspension_type = 'TS', crs_reason_of_suspension = 'PP', "
               "epr_reason_of_suspension = 'CAN', next_processing_stage = 'CHR' WHERE notice_no = $1",
               {n[0]});
    auto r = http("POST", "/v1/getPaymentStatus", R"({"notice_nos":)" + list({n[0], "ZZNOSUCH5", n[1]}) + "}", cas_auth());
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = doc_of(r);
    EXPECT_EQ(d["total"].GetInt(), 3);
    EXPECT_EQ(d["skip"].GetInt(), 0);
    const auto& data = d["data"];
    ASSERT_EQ(data.Size(), 3u);
    EXPECT_EQ(std::string(data[0]["notice_no"].GetString()), n[0]);
    EXPECT_EQ(std::string(data[0]["emcons_flag"].GetString()), "EMCONS");
    EXPECT_EQ(std::string(data[0]["payment_status"].GetString()), "PP");
    EXPECT_EQ(std::string(data[0]["last_processing_stage"].GetString()), "CRT");
    EXPECT_EQ(std::string(data[0]["next_processing_stage"].GetString()), "CHR");
    EXPECT_EQ(std::string(data[0]["suspension_type"].GetString()), "TS");
    EXPECT_EQ(std::string(data[0]["crs_reason_of_suspension"].GetString()), "PP");
    EXPECT_EQ(std::string(data[0]["epr_reason_of_suspension"].GetString()), "CAN");
    EXPECT_EQ(std::string(data[0]["payment_allowance_flag"].GetString()), "Y");
    EXPECT_NE(r.body.find(R"("amount_payable":70.00,"amount_paid":20.50)"), std::string::npos) << r.body;
    EXPECT_EQ(std::string(data[0]["appCode"].GetString()), "OCMS-2000");
    EXPECT_EQ(std::string(data[1]["notice_no"].GetString()), "ZZNOSUCH5");
    EXPECT_EQ(std::string(data[1]["appCode"].GetString()), "OCMS-4004");
    EXPECT_FALSE(data[1].HasMember("amount_payable"));
    EXPECT_EQ(std::string(data[2]["appCode"].GetString()), "OCMS-2000");
    EXPECT_TRUE(data[2]["emcons_flag"].IsNull());
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_cas_emcons WHERE notice_no = $1 AND emcons_flag = 'EMCONS'", {n[0]}), 1);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_cas_emcons WHERE notice_no = $1", {n[1]}), 0);
    // Asked again (the daily job): still one row, still answered; the summary's spelling works too.
    r = http("POST", "/v1/getPaymentStatus", R"({"noticeNos":)" + list({n[0]}) + "}", cas_auth());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(std::string(doc_of(r)["data"][0]["appCode"].GetString()), "OCMS-2000");
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_cas_emcons WHERE notice_no = $1", {n[0]}), 1);
}

TEST(CasApi, PaymentStatusFailedLogWriteFailsThatNoticeOnly) {
    auto n = make_notices(2, "CRT");
    for (const auto& x : n) owner_exec("UPDATE ocms_valid_offence_notice SET emcons_flag = 'EMCONS' WHERE notice_no = $1", {x});
    HttpResponse r;
    {
        InsertFault fault("ocms_cas_emcons", n[1]);
        r = http("POST", "/v1/getPaymentStatus", R"({"notice_nos":)" + list(n) + "}", cas_auth());
    }
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = doc_of(r);
    EXPECT_EQ(std::string(d["data"][0]["appCode"].GetString()), "OCMS-2000");
    EXPECT_EQ(std::string(d["data"][1]["appCode"].GetString()), "OCMS-5000");
    EXPECT_EQ(std::string(d["data"][1]["message"].GetString()), "Something went wrong. Please try again later.");
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_cas_emcons WHERE notice_no = $1", {n[0]}), 1);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_cas_emcons WHERE notice_no = $1", {n[1]}), 0);
}

TEST(CasApi, PaymentStatusRefusesBadRequestsAndOtherRoles) {
    auto r = http("POST", "/v1/getPaymentStatus", R"({"notice_nos":["A1"],"noticeNos":["A1"]})", cas_auth());
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find(R"("appCode":"OCMS-4000")"), std::string::npos) << r.body;
    r = http("POST", "/v1/getPaymentStatus", R"({"notice_nos":[]})", cas_auth());
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("Invalid request. Please check and try again."), std::string::npos) << r.body;
    r = http("POST", "/v1/getPaymentStatus", R"({"notice_nos":["A1","A1"]})", cas_auth());
    EXPECT_EQ(r.status, 400) << r.body;
    r = http("POST", "/v1/getPaymentStatus", "[1,2]", cas_auth());
    EXPECT_EQ(r.status, 400) << r.body;
    r = http("POST", "/v1/getPaymentStatus", R"({"notice_nos":["A1"]})",
             {{"Authorization", "Bearer " + token_with_roles({"PLUS"})}});
    EXPECT_EQ(r.status, 403);
    r = http("POST", "/v1/getPaymentStatus", R"({"notice_nos":["A1"]})");
    EXPECT_EQ(r.status, 401);
}

// ---- getNoticeUpdate ---------------------------------------------------------------------------

TEST(CasApi, NoticeUpdateShowsPsWwpFieldsOnlyAndRecordsTheCourtCase) {
    auto court = make_notices(1, "CRT")[0];
    auto wwp = make_notices(1, "CHR")[0];
    auto ps_fp = make_notices(1, "RD1")[0];
    owner_exec("UPDATE ocms_valid_offence_notice SET last_processing_date = '2026-11-01T10:00:00+08:00', "
               "payment_allowance_flag = 'N' WHERE notice_no = $1",
               {court});
    owner_exec("UPDATE ocms_valid_offence_notice SET suspension_type = 'PS', epr_reason_of_suspension = 'WWP', "
               "last_processing_date = '2026-10-01T09:00:00+08:00' WHERE notice_no = $1",
               {wwp});
    owner_exec("UPDATE ocms_valid_offence_notice SET suspension_type = 'PS', epr_reason_of_suspension = 'FP' "
               "WHERE notice_no = $1",
               {ps_fp});
    auto r = http("POST", "/v1/getNoticeUpdate", R"({"notice_nos":)" + list({court, wwp, ps_fp}) + "}", plus_auth());
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = doc_of(r);
    const auto& data = d["data"];
    ASSERT_EQ(data.Size(), 3u);
    EXPECT_EQ(std::string(data[0]["court_payment_due_date"].GetString()), "2026-11-29T10:00:00");  // + 28 days
    EXPECT_EQ(std::string(data[0]["payment_allowance_flag"].GetString()), "N");
    EXPECT_FALSE(data[0].HasMember("suspension_type"));
    EXPECT_FALSE(data[0].HasMember("epr_reason_of_suspension"));
    EXPECT_EQ(std::string(data[1]["suspension_type"].GetString()), "PS");
    EXPECT_EQ(std::string(data[1]["epr_reason_of_suspension"].GetString()), "WWP");
    EXPECT_EQ(std::string(data[1]["court_payment_due_date"].GetString()), "2026-10-29T09:00:00");
    EXPECT_FALSE(data[2].HasMember("suspension_type")) << "PS-FP is not PS-WWP";
    EXPECT_TRUE(data[2]["court_payment_due_date"].IsNull());
    EXPECT_NE(r.body.find(R"("amount_payable":70.00)"), std::string::npos);
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_court_case WHERE notice_no IN ($1, $2)", {court, wwp}), 2);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_court_case WHERE notice_no = $1", {ps_fp}), 0);
    // The row is the truth afterwards: a later stage date does not move the due date.
    owner_exec("UPDATE ocms_valid_offence_notice SET last_processing_date = now() WHERE notice_no = $1", {court});
    r = http("POST", "/v1/getNoticeUpdate", R"({"noticeNos":)" + list({court}) + "}", plus_auth());
    EXPECT_EQ(std::string(doc_of(r)["data"][0]["court_payment_due_date"].GetString()), "2026-11-29T10:00:00") << r.body;
}

TEST(CasApi, NoticeUpdateUnknownNoticeIs4004AndWritesNothing) {
    auto court = make_notices(1, "CRT")[0];
    auto r = http("POST", "/v1/getNoticeUpdate", R"({"notice_nos":)" + list({court, "ZZNOSUCH4"}) + "}", plus_auth());
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.body, R"({"data":{"appCode":"OCMS-4004","message":"One or more notice numbers could not be found. Not found: ZZNOSUCH4"}})");
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_court_case WHERE notice_no = $1", {court}), 0);
    // PLUS needs its APIM key and role.
    r = http("POST", "/v1/getNoticeUpdate", R"({"notice_nos":["A1"]})",
             {{"Authorization", "Bearer " + token_with_roles({"PLUS"})}});
    EXPECT_EQ(r.status, 401);
    r = http("POST", "/v1/getNoticeUpdate", R"({"notice_nos":["A1"]})",
             {{"Authorization", "Bearer " + token_with_roles({"CAS"})}, {"Ocp-Apim-Subscription-Key", env("OCMS_DEV_APIM_KEY")}});
    EXPECT_EQ(r.status, 403);
}

TEST(CasApi, NoticeUpdateFailedCourtCaseWriteStillAnswers) {
    auto court = make_notices(1, "CRT")[0];
    HttpResponse r;
    {
        InsertFault fault("ocms_court_case", court);
        r = http("POST", "/v1/getNoticeUpdate", R"({"notice_nos":)" + list({court}) + "}", plus_auth());
    }
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(doc_of(r)["data"][0]["court_payment_due_date"].IsString()) << r.body;
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_court_case WHERE notice_no = $1", {court}), 0);
    auto log = sh_output("grep -c 'getNoticeUpdate: court case write failed' .data/log/ocms-edge.log");
    EXPECT_GE(std::atoi(log.c_str()), 1) << log;
}

}  // namespace
}  // namespace ocms::test

// ---- updateCourtNotices ------------------------------------------------------------------------

namespace ocms::test {
namespace {

// Sets CAS / DAYEND_WINDOW for the scope and puts the value found before back afterwards.
class DayendWindow {
public:
    explicit DayendWindow(const std::string& value)
        : before_(text("SELECT value FROM ocms_parameter WHERE parameter_id = 'CAS' AND code = 'DAYEND_WINDOW'")) {
        owner_exec("UPDATE ocms_parameter SET value = $1 WHERE parameter_id = 'CAS' AND code = 'DAYEND_WINDOW'", {value});
    }
    ~DayendWindow() {
        try {
            owner_exec("UPDATE ocms_parameter SET value = $1 WHERE parameter_id = 'CAS' AND code = 'DAYEND_WINDOW'",
                       {before_.empty() ? std::string("20:00-07:00") : before_});
        } catch (const std::exception& e) {
            ADD_FAILURE() << "could not restore CAS/DAYEND_WINDOW: " << e.what();
        }
    }
    DayendWindow(const DayendWindow&) = delete;
    DayendWindow& operator=(const DayendWindow&) = delete;

private:
    std::string before_;
};

// The Singapore time now +/- minutes as HH:MM.
std::string sgt_in(int minutes) {
    return text("SELECT to_char((now() + make_interval(mins => $1::integer)) AT TIME ZONE 'Asia/Singapore', 'HH24:MI')",
                {std::to_string(minutes)});
}

HttpResponse court(const std::string& body) { return http("POST", "/v1/updateCourtNotices", body, cas_auth()); }

TEST(CasApi, CourtUpdatesOutsideTheDayendWindowAreRefusedWhole) {
    auto n = make_notices(1, "CRT")[0];
    auto before = text("SELECT row_to_json(v)::text FROM ocms_valid_offence_notice v WHERE notice_no = $1", {n});
    DayendWindow closed(sgt_in(60) + "-" + sgt_in(120));  // opens in an hour
    auto r = court(R"([{"notice_no":")" + n + R"(","amount_payable":99.00,"last_processing_date":"2026-11-22T21:00:00"}])");
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_NE(r.body.find(R"("appCode":"OCMS-4002")"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("day-end window"), std::string::npos) << r.body;
    EXPECT_EQ(text("SELECT row_to_json(v)::text FROM ocms_valid_offence_notice v WHERE notice_no = $1", {n}), before);
}

TEST(CasApi, CourtUpdatesInsideTheWindowReportEachRecord) {
    auto n = make_notices(3, "CRT");
    DayendWindow open(sgt_in(-60) + "-" + sgt_in(60));
    auto from = high_watermarks("ocms.cmd.court");
    auto r = court(R"([{"suspension_type":"TS","notice_no":")" + n[0] +
                   R"(","last_eburar_update":"EB-1","atoms_flag":"Y","last_processing_date":"2026-11-22T21:00:00",)"
                   R"("next_processing_stage":"CHR","amount_payable":150.50,"payment_allowance":"N","epr_reason_of_suspension":"CAN"},)"
                   R"({"notice_no":")" + n[1] + R"(","amount_payable":-5,"suspension_type":"XX"},)"
                   R"({"notice_no":"ZZNOSUCH3","amount_payable":1},)"
                   R"({"notice_no":")" + n[2] + R"(","next_processing_stage":"ZZZ"}])");
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = doc_of(r);
    const auto& data = d["data"];
    EXPECT_EQ(std::string(data["appCode"].GetString()), "OCMS-4022") << r.body;
    EXPECT_EQ(std::string(data["message"].GetString()), "Invalid data provided for one or more notices.");
    EXPECT_EQ(data["total"].GetInt(), 4);
    EXPECT_EQ(data["successCount"].GetInt(), 1);
    EXPECT_EQ(data["errorCount"].GetInt(), 3);
    const auto& res = data["results"];
    ASSERT_EQ(res.Size(), 4u);
    EXPECT_EQ(std::string(res[0]["appCode"].GetString()), "OCMS-2000");
    EXPECT_EQ(std::string(res[1]["appCode"].GetString()), "OCMS-4022");
    ASSERT_TRUE(res[1].HasMember("errors")) << r.body;
    EXPECT_EQ(res[1]["errors"].Size(), 2u) << r.body;  // suspension_type and amount_payable
    EXPECT_EQ(std::string(res[2]["appCode"].GetString()), "OCMS-4022");  // unknown notice (the worker's answer)
    EXPECT_EQ(std::string(res[3]["appCode"].GetString()), "OCMS-4022");  // unknown stage
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db,
                     "SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no = $1 AND suspension_type = 'TS' "
                     "AND atoms_flag = 'Y' AND last_processing_date = '2026-11-22T21:00:00+08:00' "
                     "AND next_processing_stage = 'CHR' AND amount_payable = 150.50 AND payment_allowance_flag = 'N' "
                     "AND epr_reason_of_suspension = 'CAN'",
                     {n[0]}),
              1)
        << text("SELECT row_to_json(v)::text FROM ocms_valid_offence_notice v WHERE notice_no = $1", {n[0]});
    EXPECT_EQ(text("SELECT last_eburar_update FROM ocms_offence_notice_detail WHERE notice_no = $1", {n[0]}), "EB-1");
    // Published keyed by the notice (DESIGN.md invariant 2), as every command type.
    EXPECT_TRUE(scan_topic("ocms.cmd.court", from, [&](const kafka::Message& m) { return m.key() == n[0]; },
                           std::chrono::seconds(10)));
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no IN ($1, $2) AND amount_payable = 70.00",
                     {n[1], n[2]}),
              2);
    // A body that is not a list of records is a bad request.
    r = court(R"({"notice_no":"A1"})");
    EXPECT_EQ(r.status, 400) << r.body;
    // Only CAS.
    r = http("POST", "/v1/updateCourtNotices", R"([{"notice_no":"A1"}])", {{"Authorization", "Bearer " + token_with_roles({"PLUS"})}});
    EXPECT_EQ(r.status, 403);
}

}  // namespace
}  // namespace ocms::test

// ---- OCMS-5000 on each API -----------------------------------------------------------------------

namespace ocms::test {
namespace {

// The edge's role loses SELECT on the notices for the scope (a real database refusal).
class NoticeReadRevoked {
public:
    NoticeReadRevoked() { owner_exec("REVOKE SELECT ON ocms_valid_offence_notice FROM ocmsiz_app_conn"); }
    ~NoticeReadRevoked() {
        try {
            owner_exec("GRANT SELECT ON ocms_valid_offence_notice TO ocmsiz_app_conn");
        } catch (const std::exception& e) {
            ADD_FAILURE() << "could not grant SELECT on ocms_valid_offence_notice back: " << e.what();
        }
    }
    NoticeReadRevoked(const NoticeReadRevoked&) = delete;
    NoticeReadRevoked& operator=(const NoticeReadRevoked&) = delete;
};

TEST(CasApi, DatabaseRefusalIs5000WithTheSpecsMessage) {
    auto n = make_notices(1, "CRT")[0];
    HttpResponse pay, upd;
    {
        NoticeReadRevoked revoked;
        pay = http("POST", "/v1/getPaymentStatus", R"({"notice_nos":[")" + n + R"("]})", cas_auth());
        upd = http("POST", "/v1/getNoticeUpdate", R"({"notice_nos":[")" + n + R"("]})", plus_auth());
    }
    const std::string expected = R"({"data":{"appCode":"OCMS-5000","message":"Something went wrong. Please try again later."}})";
    EXPECT_EQ(pay.status, 500);
    EXPECT_EQ(pay.body, expected);
    EXPECT_EQ(upd.status, 500);
    EXPECT_EQ(upd.body, expected);
}

TEST(CasApi, CourtUpdateDatabaseFaultIs5000ForThatRecord) {
    auto n = make_notices(2, "CRT");
    DayendWindow open("00:00-24:00");
    std::string fn = "court_fault_";
    for (char c : n[1]) fn += char(std::tolower(static_cast<unsigned char>(c)));
    owner_exec("CREATE FUNCTION " + fn + "() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
               "RAISE EXCEPTION 'injected court fault for %', NEW.notice_no; END $f$");
    owner_exec("CREATE TRIGGER " + fn + " BEFORE UPDATE ON ocms_valid_offence_notice FOR EACH ROW "
               "WHEN (NEW.notice_no = '" + n[1] + "') EXECUTE FUNCTION " + fn + "()");  // [A-Z0-9] only
    HttpResponse r;
    try {
        r = court(R"([{"notice_no":")" + n[0] + R"(","atoms_flag":"Y"},{"notice_no":")" + n[1] + R"(","atoms_flag":"Y"}])");
    } catch (...) {
        owner_exec("DROP TRIGGER IF EXISTS " + fn + " ON ocms_valid_offence_notice");
        owner_exec("DROP FUNCTION IF EXISTS " + fn + "()");
        throw;
    }
    owner_exec("DROP TRIGGER IF EXISTS " + fn + " ON ocms_valid_offence_notice");
    owner_exec("DROP FUNCTION IF EXISTS " + fn + "()");
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = doc_of(r);
    EXPECT_EQ(std::string(d["data"]["appCode"].GetString()), "OCMS-5000") << r.body;
    EXPECT_EQ(std::string(d["data"]["results"][0]["appCode"].GetString()), "OCMS-2000");
    EXPECT_EQ(std::string(d["data"]["results"][1]["appCode"].GetString()), "OCMS-5000");
    EXPECT_EQ(std::string(d["data"]["results"][1]["message"].GetString()), "Something went wrong. Please try again later.");
    EXPECT_EQ(text("SELECT coalesce(atoms_flag, '-') FROM ocms_valid_offence_notice WHERE notice_no = $1", {n[1]}), "-");
}

}  // namespace
}  // namespace ocms::test
