// The change-of-processing-stage handlers (stage/change_stage.hpp, spec 003) through the pipeline,
// with the fakes of fakes.hpp behind the ChangeStageStore and the gateway: what the store and the
// gateway are asked, the answers, and every failure in spec 003's envelopes - no database or broker.
// (The pure parts, namespace cps, are change_stage_test.cpp's.)
#include "domain/stage.hpp"
#include "reports/report_store.hpp"
#include "stage/change_stage.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

using namespace edge_test;
namespace http = boost::beast::http;

namespace {

const TimePoint kNow = *parse_iso("2025-12-20T10:00:00");
const std::string kRequestId = "req-stage-1";
const std::string kBase = "/api/v1/change-processing-stage";
const std::string kPlusPath = "/api/v1/external/plus/change-processing-stage";
const std::string kToppanPath = "/api/v1/internal/toppan/update-stages";
const std::string kApimKey = "apim-key-1";

std::string s(const json::Value& v, const char* k) { return std::string(json::get_string(v, k).value_or("<none>")); }
std::int64_t n(const json::Value& v, const char* k) { return json::get_int(v, k).value_or(-1); }

// DN1 -> DN2 -> DR3 for drivers; CFC a stage PLUS may not set; CRT a court stage.
domain::StageReference stage_ref() {
    domain::StageReference ref;
    ref.stages = {{Stage("DN1"), 7, false, true}, {Stage("DN2"), 8, false, true}, {Stage("DR3"), 9, false, true},
                  {Stage("CFC"), 11, false, false}, {Stage("CRT"), 12, true, false}};
    ref.map = {{Stage("DN1"), Stage("DN2"), true, 3000, true}, {Stage("DN2"), Stage("DR3"), true, 0, true},
               {Stage("DR3"), Stage("CFC"), true, 0, true}};
    ref.roles = {{domain::OffenderRole::driver, Stage("DN1")},
                 {domain::OffenderRole::driver, Stage("DN2")},
                 {domain::OffenderRole::driver, Stage("DR3")}};
    return ref;
}

domain::StageNotice notice_at(const std::string& no, const std::string& stage) {
    domain::StageNotice n;
    n.notice_no = NoticeNo(no);
    n.last_processing_stage = Stage(stage);
    n.last_processing_date = parse_iso("2025-12-15T09:00:00");
    n.offenders = {{"D", true, std::nullopt}};
    return n;
}

stage_store::SearchRow search_row(const std::string& no, const std::string& stage) {
    stage_store::SearchRow r;
    r.notice = notice_at(no, stage);
    r.vehicle_no = "SBA1234A";
    r.offence_type = "SP";
    r.owner_driver_indicator = "D";
    return r;
}

// A worker's reply to a stage.change: the outcome in its data, as consumers/worker answers.
DispatchItem stage_reply(const messages::Command& c, const std::string& outcome, const std::string& code,
                         const std::string& message) {
    DispatchItem it = replied_item(command_key(c), c.type, outcome == "UPDATED" ? "OCMS-2000" : "OCMS-4002", message,
                                   R"({"outcome":")" + outcome + R"(","code":")" + code +
                                       R"(","previousStage":"DN1","newStage":"DN2"})",
                                   kNow);
    it.command_id = c.command_id;
    it.reply->command_id = c.command_id;
    return it;
}
DispatchItem updated(const messages::Command& c) {
    return stage_reply(c, "UPDATED", "OCMS-2000", "Stage changed successfully");
}

// A PLUS request for one notice (spec 003 2.6).
std::string plus_body(const std::string& last, const std::string& next, const std::string& source = "005",
                      const std::string& notice = "500500303J") {
    return R"({"noticeNo":[")" + notice + R"("],"lastStageName":")" + last + R"(","nextStageName":")" + next +
           R"(","offenceType":"D","source":")" + source + R"("})";
}

// The Toppan worker's reply: automatic, manual or skipped.
DispatchItem toppan_reply(const messages::Command& c, const std::string& kind, const std::string& message) {
    DispatchItem it = replied_item(command_key(c), c.type, kind == "skipped" ? "OCMS-4002" : "OCMS-2000", message,
                                   R"({"toppan":")" + kind + R"(","previousStage":"DR3","newStage":"CFC"})", kNow);
    it.command_id = c.command_id;
    it.reply->command_id = c.command_id;
    return it;
}

class StageRoutes : public ::testing::Test {
protected:
    Fixture f;
    std::shared_ptr<FakeChangeStageStore> stage = f.stage;
    std::string staff = make_token({"OCMS_STAFF"}, 600, kIssuer, kKey, "", "JOHNLEE");

    StageRoutes() { f.clock = [] { return kNow; }; }

    HttpResponse post(const std::string& path, const std::string& body) {
        return f.post(path, body, staff, {{"X-Request-Id", kRequestId}});
    }
    HttpResponse get(const std::string& target) {
        return f.call(http::verb::get, target, "",
                      {{"Authorization", "Bearer " + staff}, {"X-Request-Id", kRequestId}});
    }
    HttpResponse plus(const std::string& body) {
        return f.call(http::verb::post, kPlusPath, body,
                      {{"Ocp-Apim-Subscription-Key", kApimKey}, {"X-Request-Id", kRequestId}});
    }
    HttpResponse toppan(const std::string& body) {
        return f.post(kToppanPath, body, make_token({"INTERNAL"}), {{"X-Request-Id", kRequestId}});
    }

    // {"success":false,"error":{"code":code,"message":...}} with exactly those members; the message.
    static std::string expect_cps_error(const HttpResponse& r, unsigned status, const std::string& code) {
        EXPECT_EQ(r.result_int(), status) << r.body();
        auto d = body_of(r.body());
        EXPECT_EQ(d.MemberCount(), 2u) << r.body();
        EXPECT_EQ(json::get_bool(d, "success"), std::optional<bool>(false)) << r.body();
        const auto& e = obj(d, "error");
        EXPECT_EQ(s(e, "code"), code) << r.body();
        return s(e, "message");
    }
    // The stage.change payload of the i-th command the gateway saw.
    json::Document payload(std::size_t i) const { return body_of(f.gateway->seen.at(i).payload_json); }
};

}  // namespace

// ---- search (2.1) ------------------------------------------------------------------------------

TEST_F(StageRoutes, SearchAsksTheStoreTheCriteriaAndSplitsTheRows) {
    StageSearchResult found;
    found.ref = stage_ref();
    found.rows = {search_row("500500303J", "DN1"), search_row("500500304K", "CRT")};
    stage->search_call.result = found;
    auto r = post(kBase + "/search", R"({"vehicleNo":"SBA1234A","idNo":"","currentProcessingStage":"DN1"})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    ASSERT_EQ(stage->search_call.asked.size(), 1u);
    const auto& asked = stage->search_call.asked[0];
    EXPECT_EQ(asked.criteria.vehicle_no, std::optional<std::string>("SBA1234A"));
    EXPECT_EQ(asked.criteria.current_stage, std::optional<std::string>("DN1"));
    EXPECT_FALSE(asked.criteria.id_no) << "blank is not a criterion";
    EXPECT_FALSE(asked.criteria.notice_no);
    EXPECT_EQ(asked.limit, cps::kSearchLimit);
    auto d = body_of(r.body());
    ASSERT_EQ(arr(d, "eligibleNotices").Size(), 1u);
    EXPECT_EQ(s(arr(d, "eligibleNotices")[0], "noticeNo"), "500500303J");
    ASSERT_EQ(arr(d, "ineligibleNotices").Size(), 1u);
    EXPECT_EQ(s(arr(d, "ineligibleNotices")[0], "noticeNo"), "500500304K");
    EXPECT_EQ(s(arr(d, "ineligibleNotices")[0], "reasonCode"), "OCMS.CPS.SEARCH.COURT_STAGE");
    EXPECT_EQ(n(obj(d, "summary"), "total"), 2);
}

TEST_F(StageRoutes, SearchWithoutACriterionIsMissingDataAndReadsNothing) {
    expect_cps_error(post(kBase + "/search", R"({"noticeNo":"  ","idNo":null})"), 400, "OCMS.CPS.MISSING_DATA");
    expect_cps_error(post(kBase + "/search", R"({"dateOfCurrentProcessingStage":"20-12-2025"})"), 400,
                     "OCMS.CPS.INVALID_FORMAT");
    EXPECT_TRUE(stage->search_call.asked.empty());
}

TEST_F(StageRoutes, SearchStoreDownIsUnexpectedAndHidesTheCause) {
    stage->search_call.result = store_down("connection refused");
    auto r = post(kBase + "/search", R"({"noticeNo":"500500303J"})");
    EXPECT_EQ(expect_cps_error(r, 500, "OCMS.CPS.UNEXPECTED"), "Unexpected server error; please retry");
    EXPECT_EQ(r.body().find("connection refused"), std::string::npos) << "the cause is for the log only";
    EXPECT_EQ(stage->search_call.asked.size(), 1u);
}

TEST_F(StageRoutes, NoStageStoreIsUnexpectedOnEveryRoute) {
    f.stage.reset();
    expect_cps_error(post(kBase + "/search", R"({"noticeNo":"500500303J"})"), 500, "OCMS.CPS.UNEXPECTED");
    expect_cps_error(post(kBase, R"({"items":[{"noticeNo":"500500303J"}]})"), 500, "OCMS.CPS.UNEXPECTED");
    expect_cps_error(get(kBase + "/reports?startDate=2025-12-01&endDate=2025-12-20"), 500, "OCMS.CPS.UNEXPECTED");
    EXPECT_TRUE(f.gateway->seen.empty());
}

// ---- validate (2.2) ----------------------------------------------------------------------------

TEST_F(StageRoutes, ValidateAsksForTheNoticesInOrderAndAnswersPerNotice) {
    StageCheckResult found;
    found.ref = stage_ref();
    found.notices = {notice_at("500500303J", "DN1"), std::nullopt};
    stage->check_call.result = found;
    auto r = post(kBase + "/validate", R"({"notices":[{"noticeNo":"500500303J"},{"noticeNo":"500500399Z"}],
                                           "newProcessingStage":"DN2"})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    ASSERT_EQ(stage->check_call.asked.size(), 1u);
    EXPECT_EQ(stage->check_call.asked[0], (std::vector<std::string>{"500500303J", "500500399Z"}));
    auto d = body_of(r.body());
    ASSERT_EQ(arr(d, "changeableNotices").Size(), 1u);
    EXPECT_EQ(s(arr(d, "changeableNotices")[0], "noticeNo"), "500500303J");
    ASSERT_EQ(arr(d, "nonChangeableNotices").Size(), 1u);
    EXPECT_EQ(s(arr(d, "nonChangeableNotices")[0], "code"), "OCMS.CPS.NOT_FOUND");
    EXPECT_TRUE(f.gateway->seen.empty()) << "validate changes nothing";
}

TEST_F(StageRoutes, ValidateRefusalsReadNothingAndStoreDownIsUnexpected) {
    EXPECT_EQ(expect_cps_error(post(kBase + "/validate", R"({"notices":[{"noticeNo":"500500303J"}],
                                     "newProcessingStage":"DN2","reasonOfChange":"OTH"})"),
                               422, "OCMS.CPS.REMARKS_REQUIRED"),
              "Remarks mandatory for OTH reason");
    expect_cps_error(post(kBase + "/validate", R"({"notices":[{"noticeNo":"A1"},{"noticeNo":"A1"}],
                                                   "newProcessingStage":"DN2"})"),
                     400, "OCMS.CPS.INVALID_FORMAT");
    EXPECT_TRUE(stage->check_call.asked.empty());
    stage->check_call.result = store_down("timeout");
    expect_cps_error(post(kBase + "/validate", R"({"notices":[{"noticeNo":"A1"}],"newProcessingStage":"DN2"})"), 500,
                     "OCMS.CPS.UNEXPECTED");
}

// ---- submit (2.3) ------------------------------------------------------------------------------

TEST_F(StageRoutes, SubmitPublishesOneCommandPerItemAndSavesTheReport) {
    f.gateway->answer = updated;
    auto r = post(kBase, R"({"items":[{"noticeNo":"500500303J","newStage":"DN2","reason":"SUP",
                                       "remark":"Verified by AO"},
                                      {"noticeNo":"500500304K","isConfirmation":true}]})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    ASSERT_EQ(f.gateway->seen.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& c = f.gateway->seen[i];
        EXPECT_EQ(c.type, "stage.change");
        EXPECT_EQ(c.request_id, std::optional<RequestId>(RequestId(kRequestId)));
        EXPECT_EQ(c.caller, "sub:JOHNLEE");
        auto p = payload(i);
        EXPECT_EQ(s(p, "mode"), "submit");
        EXPECT_EQ(s(p, "source"), "OCMS");
        EXPECT_EQ(s(p, "officer"), "JOHNLEE");
    }
    EXPECT_EQ(command_key(f.gateway->seen[0]), "500500303J");
    EXPECT_EQ(s(payload(0), "newStage"), "DN2");
    EXPECT_EQ(s(payload(0), "reason"), "SUP");
    EXPECT_EQ(s(payload(0), "remarks"), "Verified by AO");
    EXPECT_EQ(command_key(f.gateway->seen[1]), "500500304K");
    EXPECT_FALSE(has(payload(1), "newStage")) << "absent: the stage map's default";
    EXPECT_EQ(json::get_bool(payload(1), "isConfirmation"), std::optional<bool>(true));

    ASSERT_EQ(stage->save_report_call.asked.size(), 1u);
    const auto& saved = stage->save_report_call.asked[0];
    EXPECT_TRUE(reports::valid_report_id(saved.meta.report_id)) << saved.meta.report_id;
    EXPECT_NE(saved.meta.report_id.find("JOHNLEE"), std::string::npos) << saved.meta.report_id;
    EXPECT_EQ(saved.meta.generated_by, "JOHNLEE");
    EXPECT_EQ(saved.meta.generated_at, kNow);
    EXPECT_EQ(saved.meta.request_id, kRequestId);
    ASSERT_EQ(saved.rows.size(), 2u);
    EXPECT_EQ(saved.rows[0].notice_no, "500500303J");
    EXPECT_EQ(saved.rows[0].outcome, "UPDATED");
    EXPECT_EQ(saved.rows[0].reason, "SUP");
    EXPECT_EQ(saved.rows[0].remarks, "Verified by AO");
    EXPECT_EQ(saved.rows[1].notice_no, "500500304K");

    auto d = body_of(r.body());
    EXPECT_EQ(s(d, "status"), "SUCCESS");
    EXPECT_EQ(n(obj(d, "summary"), "requested"), 2);
    EXPECT_EQ(n(obj(d, "summary"), "succeeded"), 2);
    EXPECT_EQ(s(d, "reportUrl"), kBase + "/report/" + saved.meta.report_id);
    EXPECT_EQ(s(d, "requestId"), kRequestId);
}

TEST_F(StageRoutes, SubmitAnswersEvenWhenTheReportIsNotSaved) {
    f.gateway->answer = updated;
    stage->save_report_call.answer = [](const SaveReportAsked&) -> ReadResult<std::string> {
        return store_down("disk full");
    };
    auto r = post(kBase, R"({"items":[{"noticeNo":"500500303J"}]})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(stage->save_report_call.asked.size(), 1u);
    auto d = body_of(r.body());
    EXPECT_EQ(s(d, "status"), "SUCCESS");
    EXPECT_TRUE(is_null(d, "reportUrl")) << r.body();
    EXPECT_EQ(r.body().find("disk full"), std::string::npos);
}

TEST_F(StageRoutes, SubmitMixedPendingAndNotQueued) {
    f.gateway->answer = [](const messages::Command& c) {
        if (command_key(c) == "500500303J")
            return stage_reply(c, "FAILED", "OCMS.CPS.ELIG.COURT_STAGE", "Notice is in court stage");
        DispatchItem it = command_key(c) == "500500304K" ? pending_item(command_key(c)) : failed_item(command_key(c));
        it.command_id = c.command_id;
        return it;
    };
    auto r = post(kBase, R"({"items":[{"noticeNo":"500500303J"},{"noticeNo":"500500304K"},
                                      {"noticeNo":"500500305L"}]})");
    ASSERT_EQ(r.result_int(), 202u) << r.body();
    auto d = body_of(r.body());
    EXPECT_EQ(s(d, "status"), "PENDING");
    EXPECT_EQ(n(obj(d, "summary"), "pending"), 1);
    const auto& results = arr(d, "results");
    ASSERT_EQ(results.Size(), 3u);
    EXPECT_EQ(s(results[0], "code"), "OCMS.CPS.ELIG.COURT_STAGE");
    EXPECT_EQ(s(results[1], "outcome"), "PENDING");
    EXPECT_EQ(s(results[1], "commandId"), f.gateway->seen[1].command_id.value());
    EXPECT_EQ(s(results[2], "outcome"), "FAILED");
    EXPECT_EQ(s(results[2], "code"), "OCMS.CPS.UNEXPECTED");
    ASSERT_EQ(stage->save_report_call.asked.size(), 1u);
    EXPECT_EQ(stage->save_report_call.asked[0].rows.at(1).outcome, "PENDING");
}

TEST_F(StageRoutes, SubmitRefusalPublishesNothingAndSavesNoReport) {
    expect_cps_error(post(kBase, R"({"items":[{"noticeNo":"500500303J"},{"noticeNo":"500500303J"}]})"), 400,
                     "OCMS.CPS.INVALID_FORMAT");
    expect_cps_error(post(kBase, R"({"items":[]})"), 400, "OCMS.CPS.INVALID_FORMAT");  // the schema's minItems
    EXPECT_TRUE(f.gateway->seen.empty());
    EXPECT_TRUE(stage->save_report_call.asked.empty());
}

// ---- reports (2.4, 2.5) ------------------------------------------------------------------------

TEST_F(StageRoutes, ReportsListAsksForTheRangeAndTotals) {
    stage->list_reports_call.result = std::vector<ReportListing>{
        {"ChangeStageReport_20251201_090000_JOHNLEE_abc123.xlsx", "2025-12-01", "JOHNLEE", 3},
        {"ChangeStageReport_20251220_090000_MARY_def456.xlsx", "2025-12-20", "MARY", 2}};
    auto r = get(kBase + "/reports?startDate=2025-12-01&endDate=2025-12-20");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    ASSERT_EQ(stage->list_reports_call.asked.size(), 1u);
    EXPECT_EQ(stage->list_reports_call.asked[0].start, "2025-12-01");
    EXPECT_EQ(stage->list_reports_call.asked[0].end, "2025-12-20");
    auto d = body_of(r.body());
    EXPECT_EQ(n(d, "totalReports"), 2);
    EXPECT_EQ(n(d, "totalNotices"), 5);
    const auto& list = arr(d, "reports");
    ASSERT_EQ(list.Size(), 2u);
    EXPECT_EQ(s(list[1], "generatedBy"), "MARY");
    EXPECT_EQ(s(list[1], "reportUrl"), kBase + "/report/ChangeStageReport_20251220_090000_MARY_def456.xlsx");
}

TEST_F(StageRoutes, ReportsListRefusalsReadNothingAndStoreDownIsUnexpected) {
    expect_cps_error(get(kBase + "/reports?startDate=2025-12-01"), 400, "OCMS.CPS.MISSING_DATA");
    expect_cps_error(get(kBase + "/reports?startDate=2025-12-01&endDate=12/20/2025"), 400, "OCMS.CPS.INVALID_FORMAT");
    EXPECT_EQ(expect_cps_error(get(kBase + "/reports?startDate=2025-01-01&endDate=2025-12-20"), 400,
                               "INVALID_DATE_RANGE"),
              "Date range exceeds 90 days");
    expect_cps_error(get(kBase + "/reports?startDate=2025-12-20&endDate=2025-12-01"), 400, "INVALID_DATE_RANGE");
    EXPECT_TRUE(stage->list_reports_call.asked.empty());
    stage->list_reports_call.result = store_down("connection refused");
    expect_cps_error(get(kBase + "/reports?startDate=2025-12-01&endDate=2025-12-20"), 500, "OCMS.CPS.UNEXPECTED");
}

TEST_F(StageRoutes, ReportDownloadIs404WhenTheStoreHasNone) {
    const std::string id = "ChangeStageReport_20251220_090000_JOHNLEE_abc123.xlsx";
    auto r = get(kBase + "/report/" + id);
    EXPECT_EQ(expect_cps_error(r, 404, "REPORT_NOT_FOUND"), "Report file not found");
    EXPECT_EQ(stage->report_bytes_call.asked, std::vector<std::string>{id});
}

TEST_F(StageRoutes, ReportDownloadIsTheXlsxAsAnAttachment) {
    const std::string id = "ChangeStageReport_20251220_090000_JOHNLEE_abc123.xlsx";
    const std::string bytes("PK\x03\x04\x00\x01 xlsx bytes", 18);
    stage->report_bytes_call.result = std::optional<std::string>(bytes);
    auto r = get(kBase + "/report/" + id);
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(r.body(), bytes);
    EXPECT_EQ(std::string(r[http::field::content_type]), std::string(cps::kXlsxType));
    EXPECT_EQ(std::string(r[http::field::content_disposition]), "attachment; filename=\"" + id + "\"");
    EXPECT_EQ(stage->report_bytes_call.asked, std::vector<std::string>{id});
}

TEST_F(StageRoutes, ReportDownloadStoreDownIsUnexpected) {
    stage->report_bytes_call.result = store_down("blob store unreachable");
    auto r = get(kBase + "/report/ChangeStageReport_20251220_090000_JOHNLEE_abc123.xlsx");
    expect_cps_error(r, 500, "OCMS.CPS.UNEXPECTED");
    EXPECT_EQ(r.body().find("blob store"), std::string::npos);
}

// ---- PLUS (2.6) --------------------------------------------------------------------------------

TEST_F(StageRoutes, PlusChecksTheStageMapThenPublishesOnePlusCommandPerNotice) {
    StageCheckResult ref;
    ref.ref = stage_ref();
    stage->check_call.result = ref;
    f.gateway->answer = updated;
    auto r = plus(R"({"noticeNo":["500500303J","500500304K"],"lastStageName":"DN1","nextStageName":"DN2",
                      "newStageDate":"2025-12-20T06:58:42","offenceType":"D","source":"005"})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    ASSERT_EQ(stage->check_call.asked.size(), 1u);
    EXPECT_TRUE(stage->check_call.asked[0].empty()) << "the stage map only, no notice";
    ASSERT_EQ(f.gateway->seen.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        auto p = payload(i);
        EXPECT_EQ(s(p, "mode"), "plus");
        EXPECT_EQ(s(p, "source"), "PLUS");
        EXPECT_EQ(s(p, "officer"), "PLUS");
        EXPECT_EQ(s(p, "currentStage"), "DN1");
        EXPECT_EQ(s(p, "newStage"), "DN2");
        EXPECT_EQ(s(p, "offenderType"), "D");
        EXPECT_EQ(s(p, "newStageDate"), "2025-12-20T06:58:42");
    }
    EXPECT_EQ(command_key(f.gateway->seen[1]), "500500304K");
    auto d = body_of(r.body());
    EXPECT_EQ(s(d, "status"), "SUCCESS");
    EXPECT_EQ(n(d, "noticeCount"), 2);
    EXPECT_EQ(s(d, "requestId"), kRequestId);
    EXPECT_TRUE(stage->save_report_call.asked.empty()) << "no report for PLUS";
}

TEST_F(StageRoutes, PlusRefusalsComeBeforeAnythingIsPublished) {
    StageCheckResult ref;
    ref.ref = stage_ref();
    stage->check_call.result = ref;
    auto cfc = plus(plus_body("DR3", "CFC"));
    EXPECT_EQ(cfc.result_int(), 422u) << cfc.body();
    EXPECT_EQ(cfc.body(), R"({"status":"FAILED","code":"OCMS-4004","message":"CFC not allowed from PLUS"})");
    auto pair = plus(plus_body("DN1", "DR3"));
    EXPECT_EQ(pair.result_int(), 422u) << pair.body();
    EXPECT_EQ(pair.body(),
              R"({"status":"FAILED","code":"OCMS-4000","message":"Stage transition not allowed: DN1 -> DR3"})");
    EXPECT_EQ(stage->check_call.asked.size(), 2u);
    auto source = plus(plus_body("DN1", "DN2", "004"));
    EXPECT_EQ(source.result_int(), 400u) << source.body();
    EXPECT_EQ(stage->check_call.asked.size(), 2u) << "a bad request reads nothing";
    EXPECT_TRUE(f.gateway->seen.empty());
}

TEST_F(StageRoutes, PlusStoreDownIsAFailedEnvelope500) {
    stage->check_call.result = store_down("connection refused");
    auto r = plus(plus_body("DN1", "DN2"));
    EXPECT_EQ(r.result_int(), 500u);
    EXPECT_EQ(r.body(),
              R"({"status":"FAILED","code":"OCMS.CPS.UNEXPECTED","message":"Unexpected server error; please retry"})");
    EXPECT_TRUE(f.gateway->seen.empty());
}

TEST_F(StageRoutes, PlusNothingChangedTakesTheFirstRefusalsStatus) {
    StageCheckResult ref;
    ref.ref = stage_ref();
    stage->check_call.result = ref;
    f.gateway->answer = [](const messages::Command& c) {
        return stage_reply(c, "FAILED", "OCMS.CPS.NOT_FOUND", "VON not found");
    };
    auto r = plus(plus_body("DN1", "DN2", "005", "500500399Z"));
    EXPECT_EQ(r.result_int(), 404u) << r.body();
    auto d = body_of(r.body());
    EXPECT_EQ(s(d, "status"), "FAILED");
    EXPECT_EQ(s(d, "code"), "OCMS.CPS.NOT_FOUND");
    EXPECT_EQ(n(d, "noticeCount"), 0);
    EXPECT_EQ(f.gateway->seen.size(), 1u);
}

// ---- Toppan (2.7) ------------------------------------------------------------------------------

TEST_F(StageRoutes, ToppanPublishesSystemCommandsAndCountsTheReplies) {
    f.gateway->answer = [](const messages::Command& c) {
        const std::string no = command_key(c);
        if (no == "500500311S") return toppan_reply(c, "automatic", "Stage changed successfully");
        if (no == "500500309Q") return toppan_reply(c, "manual", "Stage changed successfully");
        return toppan_reply(c, "skipped", "VON not found");
    };
    auto r = toppan(R"({"noticeNumbers":["500500311S","500500309Q","500500399Z"],"currentStage":"DR3",
                        "processingDate":"2025-12-20T00:30:00"})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    ASSERT_EQ(f.gateway->seen.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        auto p = payload(i);
        EXPECT_EQ(s(p, "mode"), "toppan");
        EXPECT_EQ(s(p, "source"), "SYSTEM");
        EXPECT_EQ(s(p, "officer"), "SYSTEM");
        EXPECT_EQ(s(p, "currentStage"), "DR3");
        EXPECT_EQ(s(p, "processingDate"), "2025-12-20T00:30:00");
    }
    auto d = body_of(r.body());
    EXPECT_EQ(n(d, "totalNotices"), 3);
    EXPECT_EQ(n(d, "automaticUpdates"), 1);
    EXPECT_EQ(n(d, "manualUpdates"), 1);
    EXPECT_EQ(n(d, "skipped"), 1);
    ASSERT_EQ(arr(d, "errors").Size(), 1u);
    EXPECT_EQ(std::string(arr(d, "errors")[0].GetString()), "500500399Z: VON not found");
    EXPECT_EQ(json::get_bool(d, "success"), std::optional<bool>(true));
    EXPECT_EQ(s(d, "requestId"), kRequestId);
    EXPECT_TRUE(f.stage->check_call.asked.empty()) << "Toppan reads nothing at the edge";
}

// Toppan reads nothing at the edge, so it needs no change-stage store: without one it publishes
// and answers as with one (it answered 500 OCMS.CPS.UNEXPECTED while it required the store).
TEST_F(StageRoutes, ToppanAnswersWithoutAStageStore) {
    f.stage.reset();
    f.gateway->answer = [](const messages::Command& c) {
        return toppan_reply(c, "automatic", "Stage changed successfully");
    };
    auto r = toppan(R"({"noticeNumbers":["500500311S"],"currentStage":"DR3","processingDate":"2025-12-20T00:30:00"})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    ASSERT_EQ(f.gateway->seen.size(), 1u);
    EXPECT_EQ(s(payload(0), "mode"), "toppan");
    auto d = body_of(r.body());
    EXPECT_EQ(n(d, "automaticUpdates"), 1);
    EXPECT_EQ(json::get_bool(d, "success"), std::optional<bool>(true));
}

TEST_F(StageRoutes, ToppanNotQueuedIsNoSuccessAndABadDateIsRefused) {
    f.gateway->answer = [](const messages::Command& c) {
        DispatchItem it = failed_item(command_key(c));
        it.command_id = c.command_id;
        return it;
    };
    auto r = toppan(R"({"noticeNumbers":["500500311S"],"currentStage":"DR3","processingDate":"2025-12-20T00:30:00"})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    auto d = body_of(r.body());
    EXPECT_EQ(json::get_bool(d, "success"), std::optional<bool>(false));
    ASSERT_EQ(arr(d, "errors").Size(), 1u);
    EXPECT_NE(std::string(arr(d, "errors")[0].GetString()).find("OCMS.CPS.UNEXPECTED"), std::string::npos) << r.body();
    f.gateway->seen.clear();
    expect_cps_error(
        toppan(R"({"noticeNumbers":["500500311S"],"currentStage":"DR3","processingDate":"yesterday night"})"), 400,
        "OCMS.CPS.INVALID_FORMAT");
    EXPECT_TRUE(f.gateway->seen.empty());
}
