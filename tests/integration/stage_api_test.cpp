// The change-of-processing-stage APIs of spec 003 end to end: HTTP -> ocms-edge -> (reads at the
// edge | ocms.cmd.stage -> ocms-worker -> PostgreSQL -> ocms.reply) -> ocms-edge, against the
// real broker and database. Fixtures are fresh notices (make_notices) with one ONOD row each;
// the demo rows are never used. The downloaded .xlsx is opened with a real reader (openpyxl).
#include "support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace ocms::test {
namespace {

using namespace std::chrono_literals;

const std::string kBase = "/api/v1/change-processing-stage";
const std::string kPlus = "/api/v1/external/plus/change-processing-stage";
const std::string kToppan = "/api/v1/internal/toppan/update-stages";

std::string unique_vehicle() {
    static std::mt19937_64 rng{std::random_device{}()};
    static constexpr char alnum[] = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    std::string v = "SZ";
    for (int i = 0; i < 8; ++i) v += alnum[rng() % (sizeof alnum - 1)];
    return v;
}

// n notices at stage with one current offender of the given ONOD indicator, composition 70.00.
std::vector<std::string> fixture(int n, const std::string& stage, const std::string& indicator,
                                 const std::string& vehicle = "") {
    auto notices = make_notices(n, stage);
    for (const auto& no : notices) {
        owner_exec("UPDATE ocms_valid_offence_notice SET composition_amount = 70.00, vehicle_no = coalesce($2, vehicle_no) "
                   "WHERE notice_no = $1",
                   {no, vehicle.empty() ? pg::Param(std::nullopt) : pg::Param(vehicle)});
        owner_exec("INSERT INTO ocms_offence_notice_owner_driver (notice_no, owner_driver_indicator, offender_indicator, "
                   "id_type, id_no, name, cre_user_id) VALUES ($1, $2, 'Y', 'N', 'S1234567A', 'Tan Ah Kow', 'test')",
                   {no, indicator});
    }
    return notices;
}

std::string staff_token() { return token_with_roles({"OCMS_STAFF"}, "stage-api-test"); }

HttpResponse staff_post(const std::string& path, const std::string& body) {
    return http("POST", path, body, {{"Authorization", "Bearer " + staff_token()}});
}
HttpResponse staff_get(const std::string& path) {
    return http("GET", path, "", {{"Authorization", "Bearer " + staff_token()}});
}

json::Document doc_of(const HttpResponse& r) {
    auto d = json::parse(r.body);
    if (!d) throw std::runtime_error("not JSON: " + r.body);
    return std::move(*d);
}

std::string error_code(const HttpResponse& r) {
    auto d = doc_of(r);
    if (const auto* e = json::get_object(d, "error")) return std::string(json::get_string(*e, "code").value_or(""));
    return std::string(json::get_string(d, "code").value_or(""));
}

struct Result {
    std::string notice, outcome, code, message, previous, next;
};
std::vector<Result> results_of(const json::Document& d) {
    std::vector<Result> out;
    const auto* list = json::get_array(d, "results");
    if (!list) return out;
    for (const auto& v : list->GetArray())
        out.push_back(Result{std::string(json::get_string(v, "noticeNo").value_or("")),
                             std::string(json::get_string(v, "outcome").value_or("")),
                             std::string(json::get_string(v, "code").value_or("")),
                             std::string(json::get_string(v, "message").value_or("")),
                             std::string(json::get_string(v, "previousStage").value_or("")),
                             std::string(json::get_string(v, "newStage").value_or(""))});
    return out;
}

std::string items(const std::vector<std::string>& notices, const std::string& extra = "") {
    std::string out = R"({"items":[)";
    for (std::size_t i = 0; i < notices.size(); ++i)
        out += (i ? "," : "") + std::string(R"({"noticeNo":")") + notices[i] + "\"" + extra + "}";
    return out + "]}";
}

// ---- search ----------------------------------------------------------------------------------

TEST(StageApi, SearchNeedsACriterionAndListsEligibleAndIneligible) {
    auto r = staff_post(kBase + "/search", "{}");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(error_code(r), "OCMS.CPS.MISSING_DATA") << r.body;
    EXPECT_NE(r.body.find(R"("success":false)"), std::string::npos);

    const std::string vehicle = unique_vehicle();
    auto ok = fixture(1, "DN1", "D", vehicle)[0];
    auto court = fixture(1, "CRT", "O", vehicle)[0];
    auto ps = fixture(1, "RD1", "O", vehicle)[0];
    owner_exec("UPDATE ocms_valid_offence_notice SET suspension_type = 'PS' WHERE notice_no = $1", {ps});
    r = staff_post(kBase + "/search", R"({"vehicleNo":")" + vehicle + R"("})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = doc_of(r);
    const auto& eligible = d["eligibleNotices"];
    const auto& ineligible = d["ineligibleNotices"];
    ASSERT_EQ(eligible.Size(), 1u) << r.body;
    EXPECT_EQ(std::string(eligible[0]["noticeNo"].GetString()), ok);
    EXPECT_EQ(std::string(eligible[0]["ownerDriverIndicator"].GetString()), "D");
    EXPECT_EQ(std::string(eligible[0]["offenderName"].GetString()), "Tan Ah Kow");
    ASSERT_EQ(ineligible.Size(), 2u) << r.body;
    std::map<std::string, std::string> reasons;
    for (const auto& v : ineligible.GetArray()) reasons[v["noticeNo"].GetString()] = v["reasonCode"].GetString();
    EXPECT_EQ(reasons[court], "OCMS.CPS.SEARCH.COURT_STAGE");
    EXPECT_EQ(reasons[ps], "OCMS.CPS.SEARCH.PS_BLOCKED");
    EXPECT_EQ(d["summary"]["total"].GetInt(), 3);
    EXPECT_EQ(d["summary"]["eligible"].GetInt(), 1);
    EXPECT_EQ(d["summary"]["ineligible"].GetInt(), 2);
    // Criteria are ANDed.
    r = staff_post(kBase + "/search", R"({"vehicleNo":")" + vehicle + R"(","currentProcessingStage":"DN1"})");
    EXPECT_EQ(doc_of(r)["summary"]["total"].GetInt(), 1) << r.body;
}

// ---- validate ----------------------------------------------------------------------------------

TEST(StageApi, ValidateSplitsChangeableFromNot) {
    auto driver = fixture(1, "DN1", "D")[0];
    auto court = fixture(1, "CRT", "O")[0];
    auto before = text("SELECT row_to_json(v)::text FROM ocms_valid_offence_notice v WHERE notice_no = $1", {driver});
    auto r = staff_post(kBase + "/validate", R"({"notices":[{"noticeNo":")" + driver + R"(","offenderType":"DRIVER"},)"
                                                 R"({"noticeNo":")" + court + R"("},{"noticeNo":"ZZNOSUCH9"}],)"
                                                 R"("newProcessingStage":"DN2","reasonOfChange":"SUP"})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = doc_of(r);
    ASSERT_EQ(d["changeableNotices"].Size(), 1u) << r.body;
    EXPECT_EQ(std::string(d["changeableNotices"][0]["message"].GetString()), "Eligible for stage change to DN2");
    ASSERT_EQ(d["nonChangeableNotices"].Size(), 2u) << r.body;
    EXPECT_EQ(std::string(d["nonChangeableNotices"][0]["code"].GetString()), "OCMS.CPS.COURT_STAGE");
    EXPECT_EQ(std::string(d["nonChangeableNotices"][1]["code"].GetString()), "OCMS.CPS.NOT_FOUND");
    EXPECT_EQ(d["summary"]["changeable"].GetInt(), 1);
    // Nothing changed.
    EXPECT_EQ(text("SELECT row_to_json(v)::text FROM ocms_valid_offence_notice v WHERE notice_no = $1", {driver}), before);
    // OTH without remarks: 422 in spec 003's envelope.
    r = staff_post(kBase + "/validate", R"({"notices":[{"noticeNo":")" + driver + R"("}],"newProcessingStage":"DN2",)"
                                        R"("reasonOfChange":"OTH"})");
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(error_code(r), "OCMS.CPS.REMARKS_REQUIRED");
}

// ---- submit ------------------------------------------------------------------------------------

std::string xlsx_rows(const std::string& bytes) {
    auto path = std::filesystem::temp_directory_path() / ("stage_api_test_" + std::to_string(::getpid()) + ".xlsx");
    {
        std::ofstream out(path, std::ios::binary);
        out << bytes;
    }
    auto rows = sh_output("/usr/bin/python3 -c 'import openpyxl,sys\n"
                          "ws = openpyxl.load_workbook(sys.argv[1]).active\n"
                          "for r in ws.iter_rows(values_only=True): print(\"|\".join(\"\" if c is None else str(c) for c in r))' " +
                          path.string() + " 2>&1");
    std::filesystem::remove(path);
    return rows;
}

int count_lines_starting(const std::string& text, const std::string& prefix) {
    int n = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        if (text.compare(pos, prefix.size(), prefix) == 0) ++n;
        if (end == std::string::npos) break;
        pos = end + 1;
    }
    return n;
}

TEST(StageApi, SubmitChangesStagesWritesTheAuditAndAReport) {
    auto drivers = fixture(2, "DN1", "D");
    auto court = fixture(1, "CRT", "O")[0];
    auto r = staff_post(kBase, R"({"items":[{"noticeNo":")" + drivers[0] + R"(","newStage":"DN2","reason":"SUP","remark":"=1+1"},)"
                                  R"({"noticeNo":")" + drivers[1] + R"("},{"noticeNo":")" + court + R"(","newStage":"CFC"},)"
                                  R"({"noticeNo":"ZZNOSUCH8"}]})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = doc_of(r);
    EXPECT_EQ(std::string(d["status"].GetString()), "PARTIAL");
    EXPECT_EQ(d["summary"]["requested"].GetInt(), 4);
    EXPECT_EQ(d["summary"]["succeeded"].GetInt(), 2);
    EXPECT_EQ(d["summary"]["failed"].GetInt(), 2);
    auto res = results_of(d);
    ASSERT_EQ(res.size(), 4u);
    EXPECT_EQ(res[0].outcome, "UPDATED");
    EXPECT_EQ(res[0].previous, "DN1");
    EXPECT_EQ(res[0].next, "DN2");
    EXPECT_EQ(res[0].message, "Stage changed successfully");
    EXPECT_EQ(res[1].outcome, "UPDATED");  // newStage derived from the stage map: DN1 -> DN2
    EXPECT_EQ(res[1].next, "DN2");
    EXPECT_EQ(res[2].code, "OCMS.CPS.ELIG.COURT_STAGE");
    EXPECT_EQ(res[3].code, "OCMS.CPS.NOT_FOUND");
    EXPECT_EQ(res[3].message, "VON not found");

    // Spec 003 section 4 on the VON, and the audit row.
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db,
                     "SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no = $1 AND prev_processing_stage = 'DN1' "
                     "AND prev_processing_date IS NOT NULL AND last_processing_stage = 'DN2' "
                     "AND last_processing_date > now() - interval '5 minutes' AND next_processing_stage = 'DR3' "
                     "AND next_processing_date BETWEEN last_processing_date + interval '28 days' - interval '1 second' "
                     "AND last_processing_date + interval '28 days' + interval '1 second' AND amount_payable = 100.00 "
                     "AND upd_user_id = 'stage-api-test'",
                     {drivers[0]}),
              1)
        << text("SELECT row_to_json(v)::text FROM ocms_valid_offence_notice v WHERE notice_no = $1", {drivers[0]});
    EXPECT_EQ(scalar(*db,
                     "SELECT count(*) FROM ocms_change_of_processing WHERE notice_no = $1 AND last_processing_stage = 'DN1' "
                     "AND new_processing_stage = 'DN2' AND reason_of_change = 'SUP' AND remarks = '=1+1' "
                     "AND authorised_officer = 'stage-api-test' AND source = 'OCMS'",
                     {drivers[0]}),
              1);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_change_of_processing WHERE notice_no = $1", {court}), 0);

    // The report: listed for today, downloadable, one row per notice, formulas stay text.
    ASSERT_TRUE(d["reportUrl"].IsString()) << r.body;
    const std::string url = d["reportUrl"].GetString();
    const std::string id = url.substr(url.rfind('/') + 1);
    // The submit wrote the report's rows, not its file: the .xlsx is rendered on the first
    // download and kept for the next (the same bytes).
    const std::filesystem::path kept = std::filesystem::path(env("OCMS_REPORT_DIR")) / id;
    EXPECT_FALSE(std::filesystem::exists(kept)) << kept;
    auto file = staff_get(url);
    ASSERT_EQ(file.status, 200) << file.body.substr(0, 200);
    EXPECT_TRUE(std::filesystem::exists(kept)) << kept;
    auto again = staff_get(url);
    ASSERT_EQ(again.status, 200);
    EXPECT_EQ(again.body, file.body) << "the second download is the kept file";
    EXPECT_EQ(file.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    EXPECT_EQ(file.headers["content-disposition"], "attachment; filename=\"" + id + "\"");
    auto rows = xlsx_rows(file.body);
    for (const auto& n : {drivers[0], drivers[1], court, std::string("ZZNOSUCH8")})
        EXPECT_EQ(count_lines_starting(rows, n + "|"), 1) << n << " in\n" << rows;
    EXPECT_NE(rows.find(drivers[0] + "|DN1|DN2|UPDATED|"), std::string::npos) << rows;
    EXPECT_NE(rows.find("|=1+1"), std::string::npos) << rows;

    const std::string today = text("SELECT to_char(now() AT TIME ZONE 'Asia/Singapore', 'YYYY-MM-DD')");
    auto list = staff_get(kBase + "/reports?startDate=" + today + "&endDate=" + today);
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_NE(list.body.find(R"("reportId":")" + id + R"(")"), std::string::npos) << list.body;
    EXPECT_NE(list.body.find(R"("noticeCount":4)"), std::string::npos) << list.body;
}

TEST(StageApi, SecondChangeTheSameDayIsAWarningUntilConfirmed) {
    auto n = fixture(1, "DN1", "D")[0];
    auto first = staff_post(kBase, items({n}, R"(,"newStage":"DN2")"));
    ASSERT_EQ(results_of(doc_of(first)).at(0).outcome, "UPDATED") << first.body;
    auto second = staff_post(kBase, items({n}, R"(,"newStage":"DR3")"));
    auto d = doc_of(second);
    EXPECT_EQ(std::string(d["status"].GetString()), "WARNING") << second.body;
    EXPECT_TRUE(d["existingRecordWarning"].GetBool());
    auto res = results_of(d);
    EXPECT_EQ(res.at(0).outcome, "WARNING");
    EXPECT_EQ(res.at(0).code, "OCMS.CPS.ELIG.EXISTING_CHANGE_TODAY");
    EXPECT_EQ(res.at(0).message, "Notice No. " + n + " has existing stage change update. Please confirm to proceed.");
    EXPECT_EQ(text("SELECT last_processing_stage FROM ocms_valid_offence_notice WHERE notice_no = $1", {n}), "DN2");
    auto third = staff_post(kBase, items({n}, R"(,"newStage":"DR3","isConfirmation":true)"));
    EXPECT_EQ(std::string(doc_of(third)["status"].GetString()), "SUCCESS") << third.body;
    EXPECT_EQ(text("SELECT last_processing_stage FROM ocms_valid_offence_notice WHERE notice_no = $1", {n}), "DR3");
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_change_of_processing WHERE notice_no = $1", {n}), 2);
}

TEST(StageApi, ReportsRangeAndUnknownReports) {
    auto r = staff_get(kBase + "/reports?startDate=2026-01-01&endDate=2026-06-30");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(error_code(r), "INVALID_DATE_RANGE");
    r = staff_get(kBase + "/reports?startDate=2026-01-01");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(error_code(r), "OCMS.CPS.MISSING_DATA");
    r = staff_get(kBase + "/reports?startDate=2026-01-01&endDate=2026-13-01");
    EXPECT_EQ(error_code(r), "OCMS.CPS.INVALID_FORMAT");
    r = staff_get(kBase + "/reports?startDate=2026-01-01&endDate=2026-03-31");  // 89 days
    EXPECT_EQ(r.status, 200) << r.body;
    for (const std::string id : {"ChangeStageReport_20250101_000000_X_abcdef.xlsx", "..%2F..%2Fetc%2Fpasswd",
                                 "ocms.env", ".tmp-x"}) {
        r = staff_get(kBase + "/report/" + id);
        EXPECT_EQ(r.status, 404) << id << " " << r.body;
        EXPECT_EQ(error_code(r), "REPORT_NOT_FOUND") << id;
    }
    r = staff_get(kBase + "/report/../../ocms.env");
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.body.find("OCMS_"), std::string::npos) << r.body;
    // The role: PLUS may not read reports.
    r = http("GET", kBase + "/reports?startDate=2026-01-01&endDate=2026-01-02", "",
             {{"Authorization", "Bearer " + token_with_roles({"PLUS"})}});
    EXPECT_EQ(r.status, 403);
}

// ---- PLUS --------------------------------------------------------------------------------------

HttpResponse plus(const std::string& body, bool key = true) {
    std::map<std::string, std::string> h;
    if (key) h["Ocp-Apim-Subscription-Key"] = env("OCMS_DEV_APIM_KEY");
    return http("POST", kPlus, body, h);
}

std::string plus_body(const std::vector<std::string>& notices, const std::string& from, const std::string& to,
                      const std::string& type = "D") {
    std::string list;
    for (const auto& n : notices) list += (list.empty() ? "\"" : ",\"") + n + "\"";
    return R"({"noticeNo":[)" + list + R"(],"lastStageName":")" + from + R"(","nextStageName":")" + to +
           R"(","newStageDate":"2026-11-20T10:00:00","offenceType":")" + type + R"(","source":"005"})";
}

TEST(StageApi, PlusChangesWithTheApiKeyAndRefusesWhatTheSpecSays) {
    auto n = fixture(2, "DN1", "D");
    auto r = plus(plus_body({n[0]}, "DN1", "DN2"), false);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_NE(r.body.find(R"("status":"FAILED")"), std::string::npos) << r.body;
    r = plus(plus_body({n[0]}, "DR3", "CFC"));
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(r.body, R"({"status":"FAILED","code":"OCMS-4004","message":"CFC not allowed from PLUS"})");
    r = plus(plus_body({n[0]}, "DN1", "DR3"));
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(r.body, R"({"status":"FAILED","code":"OCMS-4000","message":"Stage transition not allowed: DN1 -> DR3"})");
    EXPECT_EQ(text("SELECT last_processing_stage FROM ocms_valid_offence_notice WHERE notice_no = $1", {n[0]}), "DN1");

    r = plus(plus_body({n[0]}, "DN1", "DN2", "O"));  // the offender is a driver
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(error_code(r), "OCMS.CPS.ELIG.ROLE_CONFLICT") << r.body;
    r = plus(plus_body({"ZZNOSUCH7"}, "DN1", "DN2"));
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(error_code(r), "OCMS.CPS.NOT_FOUND");

    r = plus(plus_body(n, "DN1", "DN2"));
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = doc_of(r);
    EXPECT_EQ(std::string(d["status"].GetString()), "SUCCESS");
    EXPECT_EQ(std::string(d["message"].GetString()), "Stage change processed successfully");
    EXPECT_EQ(d["noticeCount"].GetInt(), 2);
    auto db = readonly_db();
    for (const auto& x : n) {
        EXPECT_EQ(scalar(*db,
                         "SELECT count(*) FROM ocms_change_of_processing WHERE notice_no = $1 AND source = 'PLUS' "
                         "AND new_processing_stage = 'DN2'",
                         {x}),
                  1);
        // newStageDate is the new stage's date (Singapore local time).
        EXPECT_EQ(text("SELECT to_char(last_processing_date AT TIME ZONE 'Asia/Singapore', 'YYYY-MM-DD HH24:MI:SS') "
                       "FROM ocms_valid_offence_notice WHERE notice_no = $1",
                       {x}),
                  "2026-11-20 10:00:00");
    }
}

// ---- Toppan ------------------------------------------------------------------------------------

TEST(StageApi, ToppanCountsAutomaticManualAndSkipped) {
    auto n = fixture(3, "DN1", "D");
    // The officer moved n[2] to DN2 already: its letter is still to be printed (manual).
    auto first = staff_post(kBase, items({n[2]}, R"(,"newStage":"DN2")"));
    ASSERT_EQ(results_of(doc_of(first)).at(0).outcome, "UPDATED") << first.body;
    std::string list;
    for (const auto& x : n) list += "\"" + x + "\",";
    auto r = http("POST", kToppan,
                  R"({"noticeNumbers":[)" + list + R"("ZZNOSUCH6"],"currentStage":"DN1","processingDate":"2026-11-21T00:30:00"})",
                  {{"Authorization", "Bearer " + token_with_roles({"INTERNAL"})}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = doc_of(r);
    EXPECT_EQ(d["totalNotices"].GetInt(), 4);
    EXPECT_EQ(d["automaticUpdates"].GetInt(), 2) << r.body;
    EXPECT_EQ(d["manualUpdates"].GetInt(), 1) << r.body;
    EXPECT_EQ(d["skipped"].GetInt(), 1) << r.body;
    EXPECT_TRUE(d["success"].GetBool()) << r.body;
    ASSERT_TRUE(d["errors"].IsArray());
    EXPECT_NE(std::string(d["errors"][0].GetString()).find("ZZNOSUCH6"), std::string::npos);
    for (int i = 0; i < 2; ++i)
        EXPECT_EQ(text("SELECT last_processing_stage FROM ocms_valid_offence_notice WHERE notice_no = $1", {n[i]}), "DN2");
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db,
                     "SELECT count(*) FROM ocms_change_of_processing WHERE notice_no = $1 AND source = 'SYSTEM' "
                     "AND toppan_processed_date IS NOT NULL",
                     {n[0]}),
              1);
    // The manual one keeps its stage; its change is marked printed.
    EXPECT_EQ(text("SELECT last_processing_stage FROM ocms_valid_offence_notice WHERE notice_no = $1", {n[2]}), "DN2");
    EXPECT_EQ(scalar(*db,
                     "SELECT count(*) FROM ocms_change_of_processing WHERE notice_no = $1 AND source = 'OCMS' "
                     "AND toppan_processed_date IS NOT NULL",
                     {n[2]}),
              1);
    // Only internal callers.
    r = http("POST", kToppan, R"({"noticeNumbers":["X1"],"currentStage":"DN1","processingDate":"2026-11-21T00:30:00"})",
             {{"Authorization", "Bearer " + staff_token()}});
    EXPECT_EQ(r.status, 403);
}

}  // namespace
}  // namespace ocms::test

namespace ocms::test {
namespace {

// Every code of spec 003 section 3 that a submit answers per notice, in one batch, and the
// request-level 400 for a body that breaks the schema.
TEST(StageApi, SubmitAnswersEachEligibilityCode) {
    auto ps = fixture(1, "RD1", "O")[0];
    owner_exec("UPDATE ocms_valid_offence_notice SET suspension_type = 'PS' WHERE notice_no = $1", {ps});
    auto owners = fixture(2, "RD1", "O");
    auto nobody = make_notices(1, "RD1")[0];  // no ONOD row: the role cannot be determined
    auto driver = fixture(1, "DN1", "D")[0];
    auto r = staff_post(kBase, R"({"items":[{"noticeNo":")" + ps + R"(","newStage":"RD2"},)"
                                  // RD1 -> DN1 is a move (a redirect), but not for the owner as offender
                                  R"({"noticeNo":")" + owners[0] + R"(","newStage":"DN1"},)"
                                  // RD1 -> DN2 is no move at all
                                  R"({"noticeNo":")" + owners[1] + R"(","newStage":"DN2"},)"
                                  R"({"noticeNo":")" + nobody + R"(","newStage":"RD2"},)"
                                  R"({"noticeNo":")" + driver + R"(","newStage":"DN2","reason":"OTH"}]})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto res = results_of(doc_of(r));
    ASSERT_EQ(res.size(), 5u) << r.body;
    EXPECT_EQ(res[0].code, "OCMS.CPS.ELIG.PS_BLOCKED");
    EXPECT_EQ(res[0].message, "Permanent suspension active");
    EXPECT_EQ(res[1].code, "OCMS.CPS.ELIG.INELIGIBLE_STAGE") << res[1].message;
    EXPECT_EQ(res[1].message, "Stage DN1 not allowed for role OWNER");
    EXPECT_EQ(res[2].code, "OCMS-4000");
    EXPECT_EQ(res[2].message, "Stage transition not allowed: RD1 -> DN2");
    EXPECT_EQ(res[3].code, "OCMS.CPS.ELIG.ROLE_CONFLICT");
    EXPECT_EQ(res[4].code, "OCMS.CPS.REMARKS_REQUIRED");
    EXPECT_EQ(std::string(doc_of(r)["status"].GetString()), "FAILED");

    r = staff_post(kBase, R"({"items":[{"noticeNo":"bad-notice!"}]})");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(error_code(r), "OCMS.CPS.INVALID_FORMAT");
    r = staff_post(kBase, R"({"items":[]})");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(error_code(r), "OCMS.CPS.INVALID_FORMAT");
}

// OCMS.CPS.UNEXPECTED: a real database fault while writing the audit row (a trigger) answers
// that notice FAILED with the spec's 500 code, changes nothing of it, and the others go on.
TEST(StageApi, DatabaseFaultIsUnexpectedForThatNoticeOnly) {
    auto n = fixture(2, "DN1", "D");
    const std::string fn = "stage_fault_" + [&] {
        std::string s;
        for (char c : n[1]) s += char(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }();
    auto before = text("SELECT row_to_json(v)::text FROM ocms_valid_offence_notice v WHERE notice_no = $1", {n[1]});
    owner_exec("CREATE FUNCTION " + fn + "() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
               "RAISE EXCEPTION 'injected stage fault for %', NEW.notice_no; END $f$");
    owner_exec("CREATE TRIGGER " + fn + " BEFORE INSERT ON ocms_change_of_processing FOR EACH ROW "
               "WHEN (NEW.notice_no = '" + n[1] + "') EXECUTE FUNCTION " + fn + "()");  // [A-Z0-9] only
    HttpResponse r;
    try {
        r = staff_post(kBase, items(n, R"(,"newStage":"DN2")"));
    } catch (...) {
        owner_exec("DROP TRIGGER IF EXISTS " + fn + " ON ocms_change_of_processing");
        owner_exec("DROP FUNCTION IF EXISTS " + fn + "()");
        throw;
    }
    owner_exec("DROP TRIGGER IF EXISTS " + fn + " ON ocms_change_of_processing");
    owner_exec("DROP FUNCTION IF EXISTS " + fn + "()");
    ASSERT_EQ(r.status, 200) << r.body;
    auto res = results_of(doc_of(r));
    ASSERT_EQ(res.size(), 2u) << r.body;
    EXPECT_EQ(res[0].outcome, "UPDATED");
    EXPECT_EQ(res[1].outcome, "FAILED");
    EXPECT_EQ(res[1].code, "OCMS.CPS.UNEXPECTED") << r.body;
    EXPECT_EQ(std::string(doc_of(r)["status"].GetString()), "PARTIAL");
    EXPECT_EQ(text("SELECT row_to_json(v)::text FROM ocms_valid_offence_notice v WHERE notice_no = $1", {n[1]}), before);
}

}  // namespace
}  // namespace ocms::test
