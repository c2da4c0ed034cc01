// Change of processing stage at the edge (spec 003, handlers/change_stage.hpp): the pure parts in
// namespace cps (requests -> criteria / commands, rows and replies -> answers) and match_path of
// the pipeline (the {reportId} route) - no sockets, Kafka or database.
#include "domain/stage.hpp"
#include "stage/change_stage.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace edge_test;

namespace {

const TimePoint kNow = *parse_iso("2025-12-20T10:00:00");

std::string s(const json::Value& v, const char* k) { return std::string(json::get_string(v, k).value_or("<none>")); }
std::int64_t n(const json::Value& v, const char* k) { return json::get_int(v, k).value_or(-1); }

// ---- reference data and notices -----------------------------------------------------------

domain::StageReference small_ref() {
    domain::StageReference ref;
    ref.stages = {
        {Stage("DN1"), 7, false, true},
        {Stage("DN2"), 8, false, true},
        {Stage("CFC"), 11, false, false},
        {Stage("CRT"), 12, true, false},
    };
    ref.map = {{Stage("DN1"), Stage("DN2"), true, 3000, true}};
    ref.roles = {{domain::OffenderRole::driver, Stage("DN1")}, {domain::OffenderRole::driver, Stage("DN2")}};
    return ref;
}

domain::StageNotice notice_at(const std::string& no, const std::string& stage, const std::string& role = "D") {
    domain::StageNotice n;
    n.notice_no = NoticeNo(no);
    n.last_processing_stage = Stage(stage);
    n.last_processing_date = parse_iso("2025-12-15T09:00:00");
    n.offenders = {{role, true, std::nullopt}};
    return n;
}

stage_store::SearchRow search_row(domain::StageNotice n) {
    stage_store::SearchRow r;
    r.notice = std::move(n);
    r.offence_type = "SP";
    r.offence_date_time = parse_iso("2025-12-01T10:30:00");
    r.offender_name = "John Doe";
    r.offender_id = "S1234567A";
    r.vehicle_no = "SBA1234A";
    r.owner_driver_indicator = "D";
    return r;
}

// ---- gateway items ----------------------------------------------------------------------------

DispatchItem replied(const std::string& notice, const std::string& code, const std::string& message,
                     const std::string& data = "") {
    return replied_item(notice, std::string(cps::kCommandType), code, message, data, kNow);
}
DispatchItem pending(const std::string& notice) { return pending_item(notice); }
DispatchItem failed(const std::string& notice) { return failed_item(notice); }

cps::NoticeOutcome outcome(const std::string& notice, const std::string& what, const std::string& code = "",
                           int http = 200) {
    cps::NoticeOutcome o;
    o.notice_no = notice;
    o.outcome = what;
    o.code = what == "UPDATED" ? "OCMS-2000" : code;
    o.message = what == "UPDATED" ? "Stage changed successfully" : "msg " + notice;
    o.http_status = http;
    if (what == "UPDATED") {
        o.previous_stage = "DN1";
        o.new_stage = "DN2";
    }
    if (what == "PENDING") {
        o.code.clear();
        o.command_id = "cmd-" + notice;
    }
    return o;
}
cps::NoticeOutcome toppan(const std::string& notice, const std::string& kind) {
    cps::NoticeOutcome o;
    o.notice_no = notice;
    o.outcome = kind == "skipped" ? "FAILED" : "UPDATED";
    o.code = kind == "skipped" ? "OCMS-4002" : "OCMS-2000";
    o.message = kind == "skipped" ? "Current stage mismatch: request DN1, notice DN2" : "Stage changed successfully";
    o.toppan = kind;
    return o;
}

}  // namespace

// ---- match_path ------------------------------------------------------------------------------

TEST(ChangeStageMatchPath, ExactAndParameterised) {
    const std::string plain = "/api/v1/change-processing-stage";
    const std::string report = "/api/v1/change-processing-stage/report/{reportId}";
    EXPECT_EQ(match_path(plain, plain), std::optional<std::string>(""));
    EXPECT_EQ(match_path(plain, plain + "/search"), std::nullopt);  // a plain path does not match a longer one
    EXPECT_EQ(match_path(plain + "/search", plain), std::nullopt);
    EXPECT_EQ(match_path(report, "/api/v1/change-processing-stage/report/abc"), std::optional<std::string>("abc"));
    EXPECT_EQ(match_path(report, "/api/v1/change-processing-stage/report/ChangeStageReport_20251220.xlsx"),
              std::optional<std::string>("ChangeStageReport_20251220.xlsx"));
    EXPECT_EQ(match_path(report, "/api/v1/change-processing-stage/report/"), std::nullopt);
    EXPECT_EQ(match_path(report, "/api/v1/change-processing-stage/report"), std::nullopt);
    EXPECT_EQ(match_path(report, "/api/v1/change-processing-stage/report/a/b"), std::nullopt);
    EXPECT_EQ(match_path(report, "/api/v1/change-processing-stage/reportx/abc"), std::nullopt);
    EXPECT_EQ(match_path(report, "/api/v1/change-processing-stage/reports"), std::nullopt);
}

// ---- search (2.1) -----------------------------------------------------------------------------

TEST(ChangeStageSearch, NoCriterionIsMissingData) {
    for (const char* text : {R"({})", R"({"noticeNo":"","idNo":"  ","vehicleNo":"\t","currentProcessingStage":"",
                                 "dateOfCurrentProcessingStage":""})",
                             R"({"noticeNo":null,"idNo":null,"vehicleNo":null,"currentProcessingStage":null,
                                 "dateOfCurrentProcessingStage":null})"}) {
        auto c = cps::search_criteria(body_of(text));
        ASSERT_FALSE(c) << text;
        EXPECT_EQ(c.error().kind, ErrorKind::bad_request) << text;
        EXPECT_EQ(c.error().code, cps::code::kMissingData) << text;
    }
}

TEST(ChangeStageSearch, BadDateIsInvalidFormat) {
    for (const char* date : {"20-12-2025", "2025-13-01", "2025-02-30", "2025/12/20", "2025-12-20T00:00:00"}) {
        auto c = cps::search_criteria(body_of(std::string(R"({"dateOfCurrentProcessingStage":")") + date + "\"}"));
        ASSERT_FALSE(c) << date;
        EXPECT_EQ(c.error().kind, ErrorKind::bad_request);
        EXPECT_EQ(c.error().code, cps::code::kInvalidFormat) << date;
    }
}

TEST(ChangeStageSearch, GoodCriteria) {
    auto c = cps::search_criteria(body_of(R"({"noticeNo":"N001","idNo":"S1234567A","vehicleNo":"SBA1234A",
        "currentProcessingStage":"DN1","dateOfCurrentProcessingStage":"2025-12-20"})"));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->notice_no, std::optional<std::string>("N001"));
    EXPECT_EQ(c->id_no, std::optional<std::string>("S1234567A"));
    EXPECT_EQ(c->vehicle_no, std::optional<std::string>("SBA1234A"));
    EXPECT_EQ(c->current_stage, std::optional<std::string>("DN1"));
    EXPECT_EQ(c->stage_date, std::optional<std::string>("2025-12-20"));

    auto one = cps::search_criteria(body_of(R"({"vehicleNo":"SBA1234A","idNo":""})"));
    ASSERT_TRUE(one);
    EXPECT_EQ(one->vehicle_no, std::optional<std::string>("SBA1234A"));
    EXPECT_FALSE(one->id_no);  // blank is absent
    EXPECT_FALSE(one->notice_no);
}

TEST(ChangeStageSearch, AnswerSplitsEligibleAndIneligible) {
    StageSearchResult found;
    found.ref = small_ref();
    found.rows.push_back(search_row(notice_at("N001", "DN1")));
    found.rows.push_back(search_row(notice_at("N002", "CRT")));
    auto ps = notice_at("N003", "DN1");
    ps.suspension_type = "PS";
    found.rows.push_back(search_row(ps));
    found.rows[0].suspension_status = std::nullopt;

    auto d = body_of(cps::search_answer(found));
    const auto& ok = arr(d, "eligibleNotices");
    const auto& no = arr(d, "ineligibleNotices");
    ASSERT_EQ(ok.Size(), 1u);
    ASSERT_EQ(no.Size(), 2u);

    EXPECT_EQ(s(ok[0], "noticeNo"), "N001");
    EXPECT_EQ(s(ok[0], "offenceType"), "SP");
    EXPECT_EQ(s(ok[0], "offenceDateTime"), "2025-12-01 10:30:00");
    EXPECT_EQ(s(ok[0], "offenderName"), "John Doe");
    EXPECT_EQ(s(ok[0], "offenderId"), "S1234567A");
    EXPECT_EQ(s(ok[0], "vehicleNo"), "SBA1234A");
    EXPECT_EQ(s(ok[0], "currentProcessingStage"), "DN1");
    EXPECT_EQ(s(ok[0], "currentProcessingStageDate"), "2025-12-15 09:00:00");
    EXPECT_TRUE(is_null(ok[0], "suspensionType"));
    EXPECT_TRUE(is_null(ok[0], "suspensionStatus"));
    EXPECT_EQ(s(ok[0], "ownerDriverIndicator"), "D");
    EXPECT_TRUE(is_null(ok[0], "entityType"));
    EXPECT_FALSE(has(ok[0], "reasonCode"));

    EXPECT_EQ(s(no[0], "noticeNo"), "N002");
    EXPECT_EQ(s(no[0], "currentProcessingStage"), "CRT");
    EXPECT_EQ(s(no[0], "reasonCode"), "OCMS.CPS.SEARCH.COURT_STAGE");
    EXPECT_EQ(s(no[0], "reasonMessage"), "Notice is in court stage");
    EXPECT_EQ(s(no[0], "offenceDateTime"), "2025-12-01 10:30:00");
    EXPECT_FALSE(has(no[0], "suspensionType"));
    EXPECT_EQ(s(no[1], "noticeNo"), "N003");
    EXPECT_EQ(s(no[1], "reasonCode"), "OCMS.CPS.SEARCH.PS_BLOCKED");
    EXPECT_EQ(s(no[1], "reasonMessage"), "Permanent suspension active");

    const auto& sum = obj(d, "summary");
    EXPECT_EQ(n(sum, "total"), 3);
    EXPECT_EQ(n(sum, "eligible"), 1);
    EXPECT_EQ(n(sum, "ineligible"), 2);
    EXPECT_FALSE(has(sum, "truncated"));

    found.truncated = true;
    auto t = body_of(cps::search_answer(found));
    EXPECT_EQ(json::get_bool(obj(t, "summary"), "truncated"), std::optional<bool>(true));
}

TEST(ChangeStageSearch, EmptyResultAndNullTimes) {
    StageSearchResult found;
    found.ref = small_ref();
    auto d = body_of(cps::search_answer(found));
    EXPECT_EQ(arr(d, "eligibleNotices").Size(), 0u);
    EXPECT_EQ(arr(d, "ineligibleNotices").Size(), 0u);
    EXPECT_EQ(n(obj(d, "summary"), "total"), 0);

    auto row = search_row(notice_at("N001", "DN1"));
    row.offence_date_time.reset();
    row.notice.last_processing_date.reset();
    row.offender_name.reset();
    found.rows.push_back(row);
    auto e = body_of(cps::search_answer(found));
    const auto& ok = arr(e, "eligibleNotices");
    ASSERT_EQ(ok.Size(), 1u);
    EXPECT_TRUE(is_null(ok[0], "offenceDateTime"));
    EXPECT_TRUE(is_null(ok[0], "currentProcessingStageDate"));
    EXPECT_TRUE(is_null(ok[0], "offenderName"));
}

// ---- validate (2.2) ---------------------------------------------------------------------------

TEST(ChangeStageValidate, RequestRules) {
    auto dup = cps::validate_request(
        body_of(R"({"notices":[{"noticeNo":"N001"},{"noticeNo":"N001"}],"newProcessingStage":"DN2"})"));
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().kind, ErrorKind::bad_request);
    EXPECT_EQ(dup.error().code, cps::code::kInvalidFormat);

    for (const char* text : {R"({"notices":[{"noticeNo":"N001"}],"newProcessingStage":"DN2","reasonOfChange":"OTH"})",
                             R"({"notices":[{"noticeNo":"N001"}],"newProcessingStage":"DN2","reasonOfChange":"OTH",
                                 "remarks":"  "})"}) {
        auto oth = cps::validate_request(body_of(text));
        ASSERT_FALSE(oth) << text;
        EXPECT_EQ(oth.error().kind, ErrorKind::unprocessable);
        EXPECT_EQ(oth.error().code, cps::code::kRemarksRequired);
        EXPECT_EQ(oth.error().message, "Remarks mandatory for OTH reason");
    }

    auto empty = cps::validate_request(body_of(R"({"notices":[],"newProcessingStage":"DN2"})"));
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, cps::code::kMissingData);

    auto ok = cps::validate_request(body_of(R"({"notices":[{"noticeNo":"N001","currentStage":"DN1",
        "offenderType":"DRIVER","entityType":null},{"noticeNo":"N002"}],"newProcessingStage":"DN2",
        "reasonOfChange":"OTH","remarks":"Speed up processing"})"));
    ASSERT_TRUE(ok) << ok.error().message;
    ASSERT_EQ(ok->notices.size(), 2u);
    EXPECT_EQ(ok->notices[0].notice_no, "N001");
    EXPECT_EQ(ok->notices[0].current_stage, std::optional<std::string>("DN1"));
    EXPECT_EQ(ok->notices[0].offender_type, std::optional<std::string>("DRIVER"));
    EXPECT_FALSE(ok->notices[0].entity_type);
    EXPECT_FALSE(ok->notices[1].current_stage);
    EXPECT_EQ(ok->new_stage, "DN2");
    EXPECT_EQ(ok->reason, std::optional<std::string>("OTH"));
    EXPECT_EQ(ok->remarks, std::optional<std::string>("Speed up processing"));
}

TEST(ChangeStageValidate, AnswerSplitsChangeableAndNot) {
    auto req = cps::validate_request(body_of(R"({"notices":[{"noticeNo":"N001","currentStage":"DN1",
        "offenderType":"DRIVER"},{"noticeNo":"N002"},{"noticeNo":"N003","currentStage":"CRT"},{"noticeNo":"N004"}],
        "newProcessingStage":"DN2","reasonOfChange":"SUP","remarks":"Speed up processing"})"));
    ASSERT_TRUE(req) << req.error().message;
    StageCheckResult found;
    found.ref = small_ref();
    found.notices = {notice_at("N001", "DN1"), std::nullopt, notice_at("N003", "CRT"), notice_at("N004", "DN1")};

    auto d = body_of(cps::validate_answer(*req, found, "JOHNLEE", kNow));
    const auto& ok = arr(d, "changeableNotices");
    const auto& no = arr(d, "nonChangeableNotices");
    ASSERT_EQ(ok.Size(), 2u);
    ASSERT_EQ(no.Size(), 2u);

    EXPECT_EQ(s(ok[0], "noticeNo"), "N001");
    EXPECT_EQ(s(ok[0], "currentStage"), "DN1");
    EXPECT_EQ(s(ok[0], "offenderType"), "DRIVER");
    EXPECT_TRUE(is_null(ok[0], "entityType"));
    EXPECT_EQ(s(ok[0], "message"), "Eligible for stage change to DN2");
    EXPECT_FALSE(has(ok[0], "code"));
    // No offenderType sent: ONOD's role is shown.
    EXPECT_EQ(s(ok[1], "noticeNo"), "N004");
    EXPECT_EQ(s(ok[1], "offenderType"), "DRIVER");
    EXPECT_EQ(s(ok[1], "message"), "Eligible for stage change to DN2");

    EXPECT_EQ(s(no[0], "noticeNo"), "N002");
    EXPECT_TRUE(is_null(no[0], "currentStage"));
    EXPECT_EQ(s(no[0], "code"), "OCMS.CPS.NOT_FOUND");
    EXPECT_EQ(s(no[0], "message"), "VON not found");
    EXPECT_EQ(s(no[1], "noticeNo"), "N003");
    EXPECT_EQ(s(no[1], "currentStage"), "CRT");
    EXPECT_EQ(s(no[1], "code"), "OCMS.CPS.COURT_STAGE");
    EXPECT_EQ(s(no[1], "message"), "Notice is in court stage");

    const auto& sum = obj(d, "summary");
    EXPECT_EQ(n(sum, "total"), 4);
    EXPECT_EQ(n(sum, "changeable"), 2);
    EXPECT_EQ(n(sum, "nonChangeable"), 2);
}

// ---- submit (2.3) -----------------------------------------------------------------------------

TEST(ChangeStageSubmit, Items) {
    auto dup = cps::submit_items(body_of(R"({"items":[{"noticeNo":"N001"},{"noticeNo":"N001"}]})"));
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().kind, ErrorKind::bad_request);
    EXPECT_EQ(dup.error().code, cps::code::kInvalidFormat);

    auto empty = cps::submit_items(body_of(R"({"items":[]})"));
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, cps::code::kMissingData);

    auto ok = cps::submit_items(body_of(R"({"items":[
        {"noticeNo":"N001","newStage":"DN2","reason":"SUP","remark":"Verified by AO","dhMhaCheck":true,"isConfirmation":true},
        {"noticeNo":"N002","newStage":"","dhMhaCheck":false},
        {"noticeNo":"N003","isConfirmation":"yes"}]})"));
    ASSERT_TRUE(ok) << ok.error().message;
    ASSERT_EQ(ok->size(), 3u);
    const auto& a = (*ok)[0];
    EXPECT_EQ(a.notice_no, "N001");
    EXPECT_EQ(a.new_stage, std::optional<std::string>("DN2"));
    EXPECT_EQ(a.reason, std::optional<std::string>("SUP"));
    EXPECT_EQ(a.remark, std::optional<std::string>("Verified by AO"));
    EXPECT_TRUE(a.dh_mha_check);
    EXPECT_TRUE(a.is_confirmation);
    EXPECT_FALSE((*ok)[1].new_stage);  // blank: derived from the stage map
    EXPECT_FALSE((*ok)[1].dh_mha_check);
    EXPECT_FALSE((*ok)[1].is_confirmation);
    EXPECT_FALSE((*ok)[2].is_confirmation);  // not a boolean: false
}

TEST(ChangeStageSubmit, OneCommandPerSpec) {
    std::vector<cps::StageCommandSpec> specs(3);
    specs[0] = {"submit", "OCMS", "JOHNLEE", "N001", "DN2", std::nullopt, std::nullopt, "SUP", "Verified by AO",
                std::nullopt, std::nullopt, true, true};
    specs[1] = {"plus", "PLUS", "PLUS", "N002", "DN2", "DN1", "D", std::nullopt, std::nullopt,
                "2025-09-30T14:58:42", std::nullopt, false, false};
    specs[2] = {"toppan", "SYSTEM", "SYSTEM", "N003", std::nullopt, "DN1", std::nullopt, std::nullopt, std::nullopt,
                std::nullopt, "2025-12-19T00:30:00", false, false};
    for (const json::SchemaRegistry* schemas : {static_cast<const json::SchemaRegistry*>(nullptr), registry().get()}) {
        auto cmds = cps::build_commands(specs, RequestId("req-1"), kNow, schemas);
        ASSERT_TRUE(cmds) << cmds.error().message;
        ASSERT_EQ(cmds->size(), 3u);
        std::set<std::string> ids;
        for (int i = 0; i < 3; ++i) {
            const auto& c = (*cmds)[std::size_t(i)];
            EXPECT_EQ(c.type, "stage.change");
            EXPECT_EQ(c.schema_version, 1);
            EXPECT_EQ(c.issued_at, kNow);
            ASSERT_TRUE(c.request_id);
            EXPECT_EQ(c.request_id->value(), "req-1");
            ASSERT_TRUE(c.batch);
            EXPECT_EQ(c.batch->index, i);
            EXPECT_EQ(c.batch->size, 3);
            ASSERT_TRUE(c.trace_id);
            EXPECT_EQ(c.trace_id->value(), (*cmds)[0].trace_id->value());  // one trace for the batch
            ids.insert(c.command_id.value());
        }
        EXPECT_EQ(ids.size(), 3u);
        EXPECT_EQ((*cmds)[0].source, "OCMS");
        EXPECT_EQ((*cmds)[0].officer, "JOHNLEE");
        EXPECT_EQ((*cmds)[1].source, "PLUS");
        EXPECT_EQ((*cmds)[2].source, "SYSTEM");

        auto p0 = body_of((*cmds)[0].payload_json);
        EXPECT_EQ(s(p0, "noticeNo"), "N001");
        EXPECT_EQ(s(p0, "mode"), "submit");
        EXPECT_EQ(s(p0, "source"), "OCMS");
        EXPECT_EQ(s(p0, "officer"), "JOHNLEE");
        EXPECT_EQ(s(p0, "newStage"), "DN2");
        EXPECT_EQ(s(p0, "reason"), "SUP");
        EXPECT_EQ(s(p0, "remarks"), "Verified by AO");
        EXPECT_EQ(json::get_bool(p0, "dhMhaCheck"), std::optional<bool>(true));
        EXPECT_EQ(json::get_bool(p0, "isConfirmation"), std::optional<bool>(true));
        EXPECT_FALSE(has(p0, "currentStage"));
        EXPECT_FALSE(has(p0, "processingDate"));

        auto p1 = body_of((*cmds)[1].payload_json);
        EXPECT_EQ(s(p1, "mode"), "plus");
        EXPECT_EQ(s(p1, "currentStage"), "DN1");
        EXPECT_EQ(s(p1, "offenderType"), "D");
        EXPECT_EQ(s(p1, "newStageDate"), "2025-09-30T14:58:42");
        EXPECT_FALSE(has(p1, "dhMhaCheck"));  // false flags are left out
        EXPECT_FALSE(has(p1, "isConfirmation"));
        EXPECT_FALSE(has(p1, "reason"));

        auto p2 = body_of((*cmds)[2].payload_json);
        EXPECT_EQ(s(p2, "mode"), "toppan");
        EXPECT_EQ(s(p2, "officer"), "SYSTEM");
        EXPECT_EQ(s(p2, "currentStage"), "DN1");
        EXPECT_EQ(s(p2, "processingDate"), "2025-12-19T00:30:00");
        EXPECT_FALSE(has(p2, "newStage"));
    }
}

TEST(ChangeStageSubmit, SchemaRefusesABadNoticeNumber) {
    std::vector<cps::StageCommandSpec> specs(2);
    specs[0].mode = "submit";
    specs[0].source = "OCMS";
    specs[0].officer = "JOHNLEE";
    specs[0].notice_no = "N001";
    specs[1] = specs[0];
    specs[1].notice_no = "N-002";  // '-' is not in ^[A-Za-z0-9]+$
    auto cmds = cps::build_commands(specs, RequestId("req-1"), kNow, registry().get());
    ASSERT_FALSE(cmds);
    EXPECT_EQ(cmds.error().kind, ErrorKind::bad_request);
    EXPECT_EQ(cmds.error().code, cps::code::kInvalidFormat);

    specs[1].notice_no = "N002";
    specs[1].new_stage = "dn2";  // not ^[A-Z0-9]{3}$
    auto bad_stage = cps::build_commands(specs, RequestId("req-1"), kNow, registry().get());
    ASSERT_FALSE(bad_stage);
    EXPECT_EQ(bad_stage.error().code, cps::code::kInvalidFormat);

    // Without schemas nothing is checked here (the worker checks again).
    specs[1].notice_no = "N-002";
    EXPECT_TRUE(cps::build_commands(specs, RequestId("req-1"), kNow, nullptr));
}

// ---- replies -> outcomes ----------------------------------------------------------------------

TEST(ChangeStageOutcome, UpdatedFromReplyData) {
    auto o = cps::outcome_of(replied("N001", "OCMS-2000", "Stage changed successfully",
                                     R"({"outcome":"UPDATED","code":"OCMS-2000",
                                         "previousStage":"DN1","newStage":"DN2"})"));
    EXPECT_EQ(o.notice_no, "N001");
    EXPECT_EQ(o.outcome, "UPDATED");
    EXPECT_EQ(o.code, "OCMS-2000");
    EXPECT_EQ(o.message, "Stage changed successfully");
    EXPECT_EQ(o.previous_stage, std::optional<std::string>("DN1"));
    EXPECT_EQ(o.new_stage, std::optional<std::string>("DN2"));
    EXPECT_EQ(o.http_status, 200);
    EXPECT_FALSE(o.toppan);
    EXPECT_FALSE(o.command_id);

    // The reply names no HTTP status (no "httpStatus" in worker replies): the code's.
    auto bare = cps::outcome_of(replied("N001", "OCMS-2000", "Stage changed successfully",
                                        R"({"outcome":"UPDATED","code":"OCMS-2000","previousStage":"DN1","newStage":"DN2"})"));
    EXPECT_EQ(bare.outcome, "UPDATED");
    EXPECT_EQ(bare.http_status, 200);
}

TEST(ChangeStageOutcome, FailedAndWarningFromReplyData) {
    auto o = cps::outcome_of(replied("N002", "OCMS-4001", "VON not found",
                                     R"({"outcome":"FAILED","code":"OCMS.CPS.NOT_FOUND"})"));
    EXPECT_EQ(o.outcome, "FAILED");
    EXPECT_EQ(o.code, "OCMS.CPS.NOT_FOUND");
    EXPECT_EQ(o.message, "VON not found");
    EXPECT_EQ(o.http_status, 404);
    EXPECT_FALSE(o.previous_stage);

    auto w = cps::outcome_of(replied("N003", "OCMS-4002",
                                     "Notice No. N003 has existing stage change update. Please confirm to proceed.",
                                     R"({"outcome":"WARNING","code":"OCMS.CPS.ELIG.EXISTING_CHANGE_TODAY",
                                         "previousStage":"DN1","newStage":"DN2"})"));
    EXPECT_EQ(w.outcome, "WARNING");
    EXPECT_EQ(w.code, "OCMS.CPS.ELIG.EXISTING_CHANGE_TODAY");
    EXPECT_EQ(w.http_status, 200);

    // data without code: the reply's appCode.
    auto nc = cps::outcome_of(replied("N004", "OCMS-4000", "Stage transition not allowed: DN1 -> CFC",
                                      R"({"outcome":"FAILED"})"));
    EXPECT_EQ(nc.code, "OCMS-4000");
    EXPECT_EQ(nc.http_status, 422);
}

TEST(ChangeStageOutcome, PendingAndNotQueued) {
    auto p = cps::outcome_of(pending("N001"));
    EXPECT_EQ(p.outcome, "PENDING");
    EXPECT_EQ(p.code, "");
    EXPECT_EQ(p.command_id, std::optional<std::string>("cmd-N001"));
    EXPECT_EQ(p.message, kPendingMessage);

    auto f = cps::outcome_of(failed("N002"));
    EXPECT_EQ(f.outcome, "FAILED");
    EXPECT_EQ(f.code, cps::code::kUnexpected);
    EXPECT_EQ(f.http_status, 500);
    EXPECT_EQ(f.message, kNotQueuedMessage);
    EXPECT_FALSE(f.command_id);

    // Replied but without the reply: treated as not queued.
    auto r = replied("N003", "OCMS-2000", "x");
    r.reply.reset();
    auto nr = cps::outcome_of(r);
    EXPECT_EQ(nr.outcome, "FAILED");
    EXPECT_EQ(nr.code, cps::code::kUnexpected);
}

TEST(ChangeStageOutcome, ReplyWithoutStageData) {
    auto internal = cps::outcome_of(replied("N001", "OCMS-5000", "Database unavailable"));
    EXPECT_EQ(internal.outcome, "FAILED");
    EXPECT_EQ(internal.code, cps::code::kUnexpected);
    EXPECT_EQ(internal.http_status, 500);
    EXPECT_EQ(internal.message, "Database unavailable");

    auto not_json = cps::outcome_of(replied("N001", "OCMS-5000", "Database unavailable", "not json"));
    EXPECT_EQ(not_json.outcome, "FAILED");
    EXPECT_EQ(not_json.code, cps::code::kUnexpected);

    auto bad = cps::outcome_of(replied("N002", "OCMS-4000", "Invalid command", "{}"));
    EXPECT_EQ(bad.outcome, "FAILED");
    EXPECT_EQ(bad.code, "OCMS-4000");
    EXPECT_EQ(bad.http_status, 400);
}

TEST(ChangeStageOutcome, ToppanReplies) {
    auto a = cps::outcome_of(replied("N001", "OCMS-2000", "Stage changed successfully",
                                     R"({"toppan":"automatic","previousStage":"DN1","newStage":"DN2"})"));
    EXPECT_EQ(a.outcome, "UPDATED");
    EXPECT_EQ(a.toppan, std::optional<std::string>("automatic"));
    EXPECT_EQ(a.code, "OCMS-2000");
    EXPECT_EQ(a.previous_stage, std::optional<std::string>("DN1"));
    EXPECT_EQ(a.new_stage, std::optional<std::string>("DN2"));

    auto m = cps::outcome_of(replied("N002", "OCMS-2000", "Manual stage change confirmed by Toppan",
                                     R"({"toppan":"manual","previousStage":"DN1","newStage":"DN2"})"));
    EXPECT_EQ(m.outcome, "UPDATED");
    EXPECT_EQ(m.toppan, std::optional<std::string>("manual"));

    auto sk = cps::outcome_of(replied("N003", "OCMS-4002", "N003: Current stage mismatch: request DN1, notice DN2",
                                      R"({"toppan":"skipped","skip":"stage_mismatch","previousStage":"DN2"})"));
    EXPECT_EQ(sk.outcome, "FAILED");
    EXPECT_EQ(sk.toppan, std::optional<std::string>("skipped"));
    EXPECT_EQ(sk.code, "OCMS-4002");

    // The worker's request fault in toppan mode: outcome data, no toppan kind.
    auto fault = cps::outcome_of(replied("N004", "OCMS-4000", "Required field missing: processingDate",
                                         R"({"code":"OCMS.CPS.MISSING_DATA","outcome":"FAILED"})"));
    EXPECT_EQ(fault.outcome, "FAILED");
    EXPECT_EQ(fault.code, "OCMS.CPS.MISSING_DATA");
    EXPECT_EQ(fault.http_status, 400);
    EXPECT_FALSE(fault.toppan);
}

// ---- submit answer ----------------------------------------------------------------------------

TEST(ChangeStageSubmitAnswer, AllUpdatedIsSuccess) {
    auto a = cps::submit_answer(RequestId("req-1"), {outcome("N001", "UPDATED"), outcome("N002", "UPDATED")},
                                std::string("/api/v1/change-processing-stage/report/R1.xlsx"));
    EXPECT_EQ(a.status, 200u);
    auto d = body_of(a.body);
    EXPECT_EQ(s(d, "status"), "SUCCESS");
    const auto& sum = obj(d, "summary");
    EXPECT_EQ(n(sum, "requested"), 2);
    EXPECT_EQ(n(sum, "succeeded"), 2);
    EXPECT_EQ(n(sum, "failed"), 0);
    EXPECT_FALSE(has(sum, "pending"));
    EXPECT_EQ(s(d, "reportUrl"), "/api/v1/change-processing-stage/report/R1.xlsx");
    EXPECT_EQ(json::get_bool(d, "existingRecordWarning"), std::optional<bool>(false));
    EXPECT_EQ(s(d, "requestId"), "req-1");
    const auto& results = arr(d, "results");
    ASSERT_EQ(results.Size(), 2u);
    EXPECT_EQ(s(results[0], "noticeNo"), "N001");
    EXPECT_EQ(s(results[0], "outcome"), "UPDATED");
    EXPECT_EQ(s(results[0], "previousStage"), "DN1");
    EXPECT_EQ(s(results[0], "newStage"), "DN2");
    EXPECT_EQ(s(results[0], "message"), "Stage changed successfully");
    EXPECT_FALSE(has(results[0], "code"));  // the spec's UPDATED rows carry no code
}

TEST(ChangeStageSubmitAnswer, SomeUpdatedIsPartialAndWarningsCountAsFailed) {
    auto a = cps::submit_answer(RequestId("req-1"),
                                {outcome("N001", "UPDATED"), outcome("N002", "FAILED", "OCMS.CPS.NOT_FOUND", 404),
                                 outcome("N003", "WARNING", "OCMS.CPS.ELIG.EXISTING_CHANGE_TODAY")},
                                std::string("/r/1"));
    EXPECT_EQ(a.status, 200u);
    auto d = body_of(a.body);
    EXPECT_EQ(s(d, "status"), "PARTIAL");
    EXPECT_EQ(n(obj(d, "summary"), "requested"), 3);
    EXPECT_EQ(n(obj(d, "summary"), "succeeded"), 1);
    EXPECT_EQ(n(obj(d, "summary"), "failed"), 2);
    EXPECT_EQ(json::get_bool(d, "existingRecordWarning"), std::optional<bool>(true));
    const auto& results = arr(d, "results");
    ASSERT_EQ(results.Size(), 3u);
    EXPECT_EQ(s(results[1], "outcome"), "FAILED");
    EXPECT_EQ(s(results[1], "code"), "OCMS.CPS.NOT_FOUND");
    EXPECT_EQ(s(results[2], "outcome"), "WARNING");
    EXPECT_EQ(s(results[2], "code"), "OCMS.CPS.ELIG.EXISTING_CHANGE_TODAY");
}

TEST(ChangeStageSubmitAnswer, OnlyWarningsIsWarning) {
    auto a = cps::submit_answer(RequestId("req-1"),
                                {outcome("N001", "WARNING", "OCMS.CPS.ELIG.EXISTING_CHANGE_TODAY"),
                                 outcome("N002", "WARNING", "OCMS.CPS.ELIG.EXISTING_CHANGE_TODAY")},
                                std::nullopt);
    EXPECT_EQ(a.status, 200u);
    auto d = body_of(a.body);
    EXPECT_EQ(s(d, "status"), "WARNING");
    EXPECT_EQ(n(obj(d, "summary"), "succeeded"), 0);
    EXPECT_EQ(n(obj(d, "summary"), "failed"), 2);
    EXPECT_EQ(json::get_bool(d, "existingRecordWarning"), std::optional<bool>(true));
    EXPECT_TRUE(is_null(d, "reportUrl"));
}

TEST(ChangeStageSubmitAnswer, NoneUpdatedWithFailuresIsFailed) {
    auto a = cps::submit_answer(RequestId("req-1"),
                                {outcome("N001", "FAILED", "OCMS.CPS.NOT_FOUND", 404),
                                 outcome("N002", "WARNING", "OCMS.CPS.ELIG.EXISTING_CHANGE_TODAY")},
                                std::nullopt);
    EXPECT_EQ(a.status, 200u);
    auto d = body_of(a.body);
    EXPECT_EQ(s(d, "status"), "FAILED");
    EXPECT_EQ(n(obj(d, "summary"), "failed"), 2);
    EXPECT_EQ(json::get_bool(d, "existingRecordWarning"), std::optional<bool>(true));

    auto only = body_of(cps::submit_answer(RequestId("req-1"), {outcome("N001", "FAILED", "OCMS.CPS.NOT_FOUND", 404)},
                                           std::nullopt)
                            .body);
    EXPECT_EQ(s(only, "status"), "FAILED");
    EXPECT_EQ(json::get_bool(only, "existingRecordWarning"), std::optional<bool>(false));
}

TEST(ChangeStageSubmitAnswer, AnyPendingIsPending202) {
    auto a = cps::submit_answer(RequestId("req-1"),
                                {outcome("N001", "UPDATED"), outcome("N002", "PENDING"),
                                 outcome("N003", "FAILED", "OCMS.CPS.UNEXPECTED", 500)},
                                std::nullopt);
    EXPECT_EQ(a.status, 202u);
    auto d = body_of(a.body);
    EXPECT_EQ(s(d, "status"), "PENDING");
    const auto& sum = obj(d, "summary");
    EXPECT_EQ(n(sum, "requested"), 3);
    EXPECT_EQ(n(sum, "succeeded"), 1);
    EXPECT_EQ(n(sum, "failed"), 1);
    EXPECT_EQ(n(sum, "pending"), 1);
    EXPECT_TRUE(is_null(d, "reportUrl"));
    const auto& results = arr(d, "results");
    ASSERT_EQ(results.Size(), 3u);
    EXPECT_EQ(s(results[1], "outcome"), "PENDING");
    EXPECT_EQ(s(results[1], "commandId"), "cmd-N002");
    EXPECT_FALSE(has(results[1], "code"));
}

TEST(ChangeStageSubmitAnswer, ReportRowsPairOutcomesWithItems) {
    auto items = cps::submit_items(body_of(R"({"items":[{"noticeNo":"N001","reason":"SUP","remark":"Verified"},
                                                        {"noticeNo":"N002"}]})"));
    ASSERT_TRUE(items);
    auto rows = cps::report_rows({outcome("N001", "UPDATED"), outcome("N002", "FAILED", "OCMS.CPS.NOT_FOUND", 404)},
                                 *items);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].notice_no, "N001");
    EXPECT_EQ(rows[0].previous_stage, "DN1");
    EXPECT_EQ(rows[0].new_stage, "DN2");
    EXPECT_EQ(rows[0].outcome, "UPDATED");
    EXPECT_EQ(rows[0].reason, "SUP");
    EXPECT_EQ(rows[0].remarks, "Verified");
    EXPECT_EQ(rows[1].code, "OCMS.CPS.NOT_FOUND");
    EXPECT_EQ(rows[1].previous_stage, "");
    EXPECT_EQ(rows[1].reason, "");
}

// ---- reports (2.4) ----------------------------------------------------------------------------

TEST(ChangeStageReports, Range) {
    for (const char* q : {"", "startDate=2025-01-01", "endDate=2025-01-31", "startDate=&endDate=2025-01-31",
                          "startDate=2025-01-01&endDate="}) {
        auto r = cps::report_range(q);
        ASSERT_FALSE(r) << q;
        EXPECT_EQ(r.error().kind, ErrorKind::bad_request);
        EXPECT_EQ(r.error().code, cps::code::kMissingData) << q;
    }
    for (const char* q : {"startDate=2025-1-01&endDate=2025-01-31", "startDate=2025-01-01&endDate=2025-02-30",
                          "startDate=01-01-2025&endDate=2025-01-31", "startDate=2025-01-01&endDate=tomorrow"}) {
        auto r = cps::report_range(q);
        ASSERT_FALSE(r) << q;
        EXPECT_EQ(r.error().code, cps::code::kInvalidFormat) << q;
    }
    for (const char* q : {"startDate=2025-02-01&endDate=2025-01-31", "startDate=2025-01-01&endDate=2025-04-02"}) {
        auto r = cps::report_range(q);
        ASSERT_FALSE(r) << q;
        EXPECT_EQ(r.error().kind, ErrorKind::bad_request);
        EXPECT_EQ(r.error().code, cps::code::kInvalidDateRange) << q;
    }
    // Exactly 90 days (31 + 28 + 31), the same day, and other parameters in any order.
    auto ninety = cps::report_range("startDate=2025-01-01&endDate=2025-04-01");
    ASSERT_TRUE(ninety) << ninety.error().message;
    EXPECT_EQ(ninety->start, "2025-01-01");
    EXPECT_EQ(ninety->end, "2025-04-01");
    EXPECT_TRUE(cps::report_range("startDate=2025-12-20&endDate=2025-12-20"));
    auto mixed = cps::report_range("page=2&endDate=2025-12-31&x&startDate=2025-12-01&sort=desc");
    ASSERT_TRUE(mixed) << mixed.error().message;
    EXPECT_EQ(mixed->start, "2025-12-01");
    EXPECT_EQ(mixed->end, "2025-12-31");
    // A name that only contains the parameter's name is not it.
    auto lookalike = cps::report_range("xstartDate=2025-12-01&endDate=2025-12-31");
    ASSERT_FALSE(lookalike);
    EXPECT_EQ(lookalike.error().code, cps::code::kMissingData);
}

TEST(ChangeStageReports, Answer) {
    std::vector<ReportListing> reports = {{"ChangeStageReport_20251220_USER01.xlsx", "2025-12-20", "USER01", 15},
                                          {"ChangeStageReport_20251221_USER02.xlsx", "2025-12-21", "USER02", 4}};
    auto d = body_of(cps::reports_answer(reports));
    EXPECT_EQ(n(d, "totalReports"), 2);
    EXPECT_EQ(n(d, "totalNotices"), 19);
    const auto& list = arr(d, "reports");
    ASSERT_EQ(list.Size(), 2u);
    EXPECT_EQ(s(list[0], "reportId"), "ChangeStageReport_20251220_USER01.xlsx");
    EXPECT_EQ(s(list[0], "reportDate"), "2025-12-20");
    EXPECT_EQ(s(list[0], "generatedBy"), "USER01");
    EXPECT_EQ(n(list[0], "noticeCount"), 15);
    EXPECT_EQ(s(list[0], "reportUrl"), "/api/v1/change-processing-stage/report/ChangeStageReport_20251220_USER01.xlsx");
    // The url is one the {reportId} route answers.
    EXPECT_EQ(match_path("/api/v1/change-processing-stage/report/{reportId}", s(list[1], "reportUrl")),
              std::optional<std::string>("ChangeStageReport_20251221_USER02.xlsx"));

    auto none = body_of(cps::reports_answer({}));
    EXPECT_EQ(arr(none, "reports").Size(), 0u);
    EXPECT_EQ(n(none, "totalReports"), 0);
    EXPECT_EQ(n(none, "totalNotices"), 0);
}

// ---- PLUS (2.6) -------------------------------------------------------------------------------

TEST(ChangeStagePlus, Request) {
    auto ok = cps::plus_request(body_of(R"({"noticeNo":["N001","N002"],"lastStageName":"DN1","nextStageName":"DN2",
        "lastStageDate":"2025-09-25T06:58:42","newStageDate":"2025-09-30T06:58:42Z","offenceType":"D","source":"005"})"));
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->notices, (std::vector<std::string>{"N001", "N002"}));
    EXPECT_EQ(ok->last_stage, "DN1");
    EXPECT_EQ(ok->next_stage, "DN2");
    EXPECT_EQ(ok->offence_type, "D");
    EXPECT_EQ(ok->source, "005");
    EXPECT_EQ(ok->new_stage_date, std::optional<std::string>("2025-09-30T14:58:42"));  // UTC -> Singapore
    EXPECT_EQ(ok->last_stage_date, std::optional<std::string>("2025-09-25T06:58:42"));

    auto local = cps::plus_request(body_of(R"({"noticeNo":["N001"],"lastStageName":"DN1","nextStageName":"DN2",
        "newStageDate":"2025-09-30T06:58:42.123456","offenceType":"D","source":"005"})"));
    ASSERT_TRUE(local) << local.error().message;
    EXPECT_EQ(local->new_stage_date, std::optional<std::string>("2025-09-30T06:58:42"));

    auto none = cps::plus_request(body_of(R"({"noticeNo":["N001"],"lastStageName":"DN1","nextStageName":"DN2",
        "offenceType":"D","source":"005"})"));
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->new_stage_date);

    auto other = cps::plus_request(body_of(R"({"noticeNo":["N001"],"lastStageName":"DN1","nextStageName":"DN2",
        "offenceType":"D","source":"004"})"));
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().kind, ErrorKind::bad_request);
    EXPECT_EQ(other.error().code, cps::code::kInvalidFormat);

    auto bad_date = cps::plus_request(body_of(R"({"noticeNo":["N001"],"lastStageName":"DN1","nextStageName":"DN2",
        "newStageDate":"2025-02-30T06:58:42","offenceType":"D","source":"005"})"));
    ASSERT_FALSE(bad_date);
    EXPECT_EQ(bad_date.error().code, cps::code::kInvalidFormat);

    auto dup = cps::plus_request(body_of(R"({"noticeNo":["N001","N001"],"lastStageName":"DN1","nextStageName":"DN2",
        "offenceType":"D","source":"005"})"));
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, cps::code::kInvalidFormat);

    auto empty = cps::plus_request(body_of(R"({"noticeNo":[],"lastStageName":"DN1","nextStageName":"DN2",
        "offenceType":"D","source":"005"})"));
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, cps::code::kMissingData);
}

TEST(ChangeStagePlus, Refusal) {
    cps::PlusRequest req;
    req.notices = {"N001"};
    req.last_stage = "DN1";
    req.offence_type = "D";
    req.source = "005";

    auto ref = small_ref();  // CFC: plus_may_target = false
    req.next_stage = "CFC";
    auto cfc = cps::plus_refusal(req, ref);
    ASSERT_TRUE(cfc);
    EXPECT_EQ(cfc->kind, ErrorKind::unprocessable);
    EXPECT_EQ(cfc->code, "OCMS-4004");
    EXPECT_EQ(cfc->message, "CFC not allowed from PLUS");

    // A CFC PLUS may target, but no DN1 -> CFC row.
    ref.stages[2].plus_may_target = true;
    auto map = cps::plus_refusal(req, ref);
    ASSERT_TRUE(map);
    EXPECT_EQ(map->kind, ErrorKind::unprocessable);
    EXPECT_EQ(map->code, "OCMS-4000");
    EXPECT_EQ(map->message, "Stage transition not allowed: DN1 -> CFC");

    // An inactive row is no row.
    auto inactive = small_ref();
    inactive.map[0].active = false;
    req.next_stage = "DN2";
    auto off = cps::plus_refusal(req, inactive);
    ASSERT_TRUE(off);
    EXPECT_EQ(off->code, "OCMS-4000");

    EXPECT_EQ(cps::plus_refusal(req, small_ref()), std::nullopt);
}

TEST(ChangeStagePlus, Answer) {
    auto ok = cps::plus_answer(RequestId("req-1"), {outcome("N001", "UPDATED"), outcome("N002", "UPDATED")});
    EXPECT_EQ(ok.status, 200u);
    auto d = body_of(ok.body);
    EXPECT_EQ(s(d, "status"), "SUCCESS");
    EXPECT_EQ(s(d, "message"), "Stage change processed successfully");
    EXPECT_EQ(n(d, "noticeCount"), 2);
    EXPECT_EQ(s(d, "requestId"), "req-1");
    EXPECT_EQ(arr(d, "results").Size(), 2u);

    auto part = cps::plus_answer(RequestId("req-1"),
                                 {outcome("N001", "UPDATED"), outcome("N002", "FAILED", "OCMS.CPS.NOT_FOUND", 404)});
    EXPECT_EQ(part.status, 200u);
    auto p = body_of(part.body);
    EXPECT_EQ(s(p, "status"), "PARTIAL");
    EXPECT_EQ(n(p, "noticeCount"), 1);

    auto fail = cps::plus_answer(RequestId("req-1"), {outcome("N001", "FAILED", "OCMS.CPS.NOT_FOUND", 404),
                                                      outcome("N002", "FAILED", "OCMS.CPS.ELIG.COURT_STAGE", 422)});
    EXPECT_EQ(fail.status, 404u);  // the first refusal's
    auto f = body_of(fail.body);
    EXPECT_EQ(s(f, "status"), "FAILED");
    EXPECT_EQ(s(f, "code"), "OCMS.CPS.NOT_FOUND");
    EXPECT_EQ(s(f, "message"), "msg N001");
    EXPECT_EQ(n(f, "noticeCount"), 0);

    auto pend = cps::plus_answer(RequestId("req-1"), {outcome("N001", "UPDATED"), outcome("N002", "PENDING")});
    EXPECT_EQ(pend.status, 202u);
    EXPECT_EQ(s(body_of(pend.body), "status"), "PENDING");
    EXPECT_EQ(n(body_of(pend.body), "noticeCount"), 1);
}

// ---- Toppan (2.7) -----------------------------------------------------------------------------

TEST(ChangeStageToppan, Request) {
    auto ok = cps::toppan_request(body_of(R"({"noticeNumbers":["N001","N002","N003"],"currentStage":"DN1",
        "processingDate":"2025-12-19T00:30:00"})"));
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->notices.size(), 3u);
    EXPECT_EQ(ok->current_stage, "DN1");
    EXPECT_EQ(ok->processing_date, "2025-12-19T00:30:00");

    auto utc = cps::toppan_request(body_of(R"({"noticeNumbers":["N001"],"currentStage":"DN1",
        "processingDate":"2025-12-18T16:30:00Z"})"));
    ASSERT_TRUE(utc);
    EXPECT_EQ(utc->processing_date, "2025-12-19T00:30:00");

    for (const char* date : {"2025-12-19", "19/12/2025 00:30", "2025-02-30T00:30:00", ""}) {
        auto bad = cps::toppan_request(body_of(std::string(R"({"noticeNumbers":["N001"],"currentStage":"DN1",
            "processingDate":")") + date + "\"}"));
        ASSERT_FALSE(bad) << date;
        EXPECT_EQ(bad.error().kind, ErrorKind::bad_request);
        EXPECT_EQ(bad.error().code, cps::code::kInvalidFormat) << date;
    }
    auto dup = cps::toppan_request(body_of(R"({"noticeNumbers":["N001","N001"],"currentStage":"DN1",
        "processingDate":"2025-12-19T00:30:00"})"));
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, cps::code::kInvalidFormat);
}

TEST(ChangeStageToppan, AnswerCounts) {
    // The spec's example: 2 automatic, 1 manual, nothing else.
    auto a = cps::toppan_answer(RequestId("req-1"), {toppan("N001", "automatic"), toppan("N002", "automatic"),
                                                     toppan("N003", "manual")});
    EXPECT_EQ(a.status, 200u);
    auto d = body_of(a.body);
    EXPECT_EQ(n(d, "totalNotices"), 3);
    EXPECT_EQ(n(d, "automaticUpdates"), 2);
    EXPECT_EQ(n(d, "manualUpdates"), 1);
    EXPECT_EQ(n(d, "skipped"), 0);
    EXPECT_TRUE(is_null(d, "errors"));
    EXPECT_EQ(json::get_bool(d, "success"), std::optional<bool>(true));
    EXPECT_FALSE(has(d, "pending"));
    EXPECT_EQ(s(d, "requestId"), "req-1");

    // Skipped notices are listed but the run still succeeded.
    auto sk = body_of(cps::toppan_answer(RequestId("req-1"), {toppan("N001", "automatic"), toppan("N002", "skipped")}).body);
    EXPECT_EQ(n(sk, "skipped"), 1);
    EXPECT_EQ(arr(sk, "errors").Size(), 1u);
    EXPECT_EQ(json::get_bool(sk, "success"), std::optional<bool>(true));

    // A notice that failed outright (not queued): success false.
    auto bad = body_of(cps::toppan_answer(RequestId("req-1"), {toppan("N001", "automatic"),
                                                                cps::outcome_of(failed("N002"))})
                           .body);
    EXPECT_EQ(n(bad, "automaticUpdates"), 1);
    EXPECT_EQ(n(bad, "skipped"), 0);
    ASSERT_EQ(arr(bad, "errors").Size(), 1u);
    EXPECT_NE(std::string(arr(bad, "errors")[0].GetString()).find("N002"), std::string::npos);
    EXPECT_EQ(json::get_bool(bad, "success"), std::optional<bool>(false));

    // Pending: 202, success false.
    auto pend = cps::toppan_answer(RequestId("req-1"), {toppan("N001", "manual"), cps::outcome_of(pending("N002"))});
    EXPECT_EQ(pend.status, 202u);
    auto p = body_of(pend.body);
    EXPECT_EQ(n(p, "manualUpdates"), 1);
    EXPECT_EQ(n(p, "pending"), 1);
    EXPECT_EQ(json::get_bool(p, "success"), std::optional<bool>(false));
    EXPECT_EQ(arr(p, "errors").Size(), 1u);
}

// A skipped notice's error line names the notice once. The worker replies with the domain's
// message (classify_toppan), which already starts with "<noticeNo>: " for every skip but
// not_found; the edge must not prefix it a second time.
TEST(ChangeStageToppan, SkippedErrorNamesTheNoticeOnce) {
    const auto ref = small_ref();
    const auto court = domain::classify_toppan(notice_at("N002", "CRT"), Stage("DN1"), kNow, ref, kNow);
    ASSERT_EQ(court.kind, domain::ToppanKind::skipped);
    const auto missing = domain::classify_toppan(std::nullopt, Stage("DN1"), kNow, ref, kNow);
    ASSERT_EQ(missing.kind, domain::ToppanKind::skipped);

    auto o1 = cps::outcome_of(replied("N001", "OCMS-4001", missing.message, R"({"toppan":"skipped","skip":"not_found"})"));
    auto o2 = cps::outcome_of(replied("N002", "OCMS-4002", court.message,
                                      R"({"toppan":"skipped","skip":"court_stage","previousStage":"CRT"})"));
    auto d = body_of(cps::toppan_answer(RequestId("req-1"), {o1, o2}).body);
    const auto& errors = arr(d, "errors");
    ASSERT_EQ(errors.Size(), 2u);
    EXPECT_EQ(std::string(errors[0].GetString()), "N001: VON not found");
    EXPECT_EQ(std::string(errors[1].GetString()), "N002: Notice is in court stage");
}
