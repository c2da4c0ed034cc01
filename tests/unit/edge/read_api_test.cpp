// The spec 002 read APIs (1 notice list, 2 suspension reason list, 4 user list): body parsing,
// SQL and parameters, projection and rendering as pure functions, then through the pipeline
// with the fake ReadStore of fakes.hpp (no PostgreSQL).
#include "reads/notice_list.hpp"
#include "reads/reason_list.hpp"
#include "reads/user_list.hpp"
#include "reads/read_store.hpp"
#include "http/routes.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

using namespace edge_test;

namespace {

json::Document doc_of(const std::string& text) {
    auto d = json::parse(text);
    if (!d) throw std::runtime_error("bad test JSON: " + text);
    return std::move(*d);
}

NoticeRow row_303j() {
    NoticeRow n;
    n.notice_no = "500500303J";
    n.vehicle_no = "SBA1234A";
    n.last_processing_stage = "RD1";
    n.notice_type = "O";
    n.amount_paid_cents = 0;
    n.amount_payable_cents = 7000;
    return n;
}

TimePoint local(const char* s) { return *parse_iso(s); }

notice_list::Request parsed(const std::string& body) {
    auto d = doc_of(body);
    auto r = notice_list::parse(d);
    if (!r) throw std::runtime_error("parse failed: " + r.error().message);
    return *r;
}

std::string flat_code(const HttpResponse& r) {
    auto d = json::parse(r.body());
    return d ? std::string(json::get_string(*d, "appCode").value_or("")) : "<not json>";
}
std::string flat_message(const HttpResponse& r) {
    auto d = json::parse(r.body());
    return d ? std::string(json::get_string(*d, "message").value_or("")) : "<not json>";
}

}  // namespace

// ---- $field ----------------------------------------------------------------------------------

TEST(NoticeListFields, DefaultIsTheSpecsSevenInItsOrder) {
    using F = notice_list::Field;
    EXPECT_EQ(notice_list::default_fields(),
              (std::vector<F>{F::notice_no, F::vehicle_no, F::last_processing_stage, F::suspension_type,
                              F::reason_of_suspension, F::notice_type, F::amount_paid}));
    EXPECT_EQ(*notice_list::parse_fields(""), notice_list::default_fields());
    EXPECT_EQ(*notice_list::parse_fields("  ,  "), notice_list::default_fields());
}

TEST(NoticeListFields, SpacesOrderDuplicatesAndExtras) {
    using F = notice_list::Field;
    auto f = notice_list::parse_fields(" amountPaid,noticeNo , dueDateOfRevival,,amountPaid, lastProcessingDate,amountPayable");
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(*f, (std::vector<F>{F::amount_paid, F::notice_no, F::due_date_of_revival, F::last_processing_date,
                                  F::amount_payable}));
    // The spec's own example parses to the default seven.
    EXPECT_EQ(*notice_list::parse_fields(
                  "noticeNo, vehicleNo, lastProcessingStage, suspensionType, reasonOfSuspension, noticeType, amountPaid"),
              notice_list::default_fields());
}

TEST(NoticeListFields, UnknownNameIsNamed) {
    auto f = notice_list::parse_fields("noticeNo, foo ,amountPaid");
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().code, codes::kBadRequest);
    EXPECT_NE(f.error().message.find("unknown field 'foo' in $field"), std::string::npos) << f.error().message;
    EXPECT_NE(f.error().message.find("noticeNo, vehicleNo"), std::string::npos) << "lists the known fields";
    EXPECT_FALSE(notice_list::parse_fields("NoticeNo")) << "names are case-sensitive";
}

// ---- body -> query ---------------------------------------------------------------------------

TEST(NoticeListParse, Defaults) {
    auto r = parsed("{}");
    EXPECT_EQ(r.query.skip, 0);
    EXPECT_EQ(r.query.limit, 10);
    EXPECT_TRUE(r.query.notice_nos.empty());
    EXPECT_FALSE(r.query.vehicle_no);
    EXPECT_TRUE(r.query.stages.empty());
    EXPECT_EQ(r.query.suspension, SuspensionFilter::any);
    EXPECT_EQ(r.fields, notice_list::default_fields());
}

TEST(NoticeListParse, TheSpecsExample) {
    auto r = parsed(R"({"$skip":0,"$limit":10,
      "$field":"noticeNo, vehicleNo, lastProcessingStage, suspensionType, reasonOfSuspension, noticeType, amountPaid",
      "noticeNo":"500500303J","vehicleNo":"SBA1234A","lastProcessingStage":"RD1","suspensionType":"TS"})");
    EXPECT_EQ(r.query.notice_nos, std::vector<std::string>{"500500303J"});
    EXPECT_EQ(r.query.vehicle_no, "SBA1234A");
    EXPECT_EQ(r.query.stages, std::vector<std::string>{"RD1"});
    EXPECT_EQ(r.query.suspension, SuspensionFilter::ts);
}

TEST(NoticeListParse, ListsUpperCaseNullsAndNone) {
    auto r = parsed(R"({"$skip":20,"$limit":100,"noticeNo":["500500303j","500500304K","500500303J"],
      "vehicleNo":"sba1234a","lastProcessingStage":["rd1","RD2"],"suspensionType":"NONE"})");
    EXPECT_EQ(r.query.skip, 20);
    EXPECT_EQ(r.query.limit, 100);
    EXPECT_EQ(r.query.notice_nos, (std::vector<std::string>{"500500303J", "500500304K"})) << "upper-cased, once each";
    EXPECT_EQ(r.query.vehicle_no, "SBA1234A");
    EXPECT_EQ(r.query.stages, (std::vector<std::string>{"RD1", "RD2"}));
    EXPECT_EQ(r.query.suspension, SuspensionFilter::none);

    auto n = parsed(R"({"$skip":null,"$limit":null,"$field":null,"noticeNo":null,"vehicleNo":null,
      "lastProcessingStage":null,"suspensionType":null})");
    EXPECT_EQ(n.query.limit, 10);
    EXPECT_TRUE(n.query.notice_nos.empty());
    EXPECT_EQ(n.query.suspension, SuspensionFilter::any);
    EXPECT_EQ(parsed(R"({"suspensionType":"PS"})").query.suspension, SuspensionFilter::ps);
}

TEST(NoticeListParse, RefusesWhatTheSchemaWouldToo) {
    for (const char* body : {R"({"$limit":0})", R"({"$limit":101})", R"({"$skip":-1})", R"({"suspensionType":"XX"})",
                             R"({"noticeNo":["1","2","3","4","5","6","7","8","9","10","11"]})", R"({"noticeNo":[]})",
                             R"({"$field":"nope"})", R"({"vehicleNo":5})"}) {
        auto d = doc_of(body);
        auto r = notice_list::parse(d);
        EXPECT_FALSE(r) << body;
        if (!r) {
            EXPECT_EQ(r.error().code, codes::kBadRequest);
        }
    }
}

// ---- SQL -------------------------------------------------------------------------------------

TEST(NoticeListSql, NoFilterHasOnlyLimitAndOffset) {
    NoticeQuery q;
    auto sql = notice_list_sql(q);
    EXPECT_EQ(sql.text.find("WHERE von."), std::string::npos) << sql.text;
    ASSERT_EQ(sql.params.size(), 2u);
    EXPECT_EQ(sql.params[0], "10");
    EXPECT_EQ(sql.params[1], "0");
    EXPECT_NE(sql.text.find("ORDER BY von.notice_no LIMIT $1 OFFSET $2"), std::string::npos) << sql.text;
}

TEST(NoticeListSql, EveryFilterIsAParameterAndAppearsInCountAndPage) {
    NoticeQuery q;
    q.skip = 20;
    q.limit = 5;
    q.notice_nos = {"500500303J", "X'); DROP TABLE x; --"};
    q.vehicle_no = "SBA1234A";
    q.stages = {"RD1", "RD2"};
    q.suspension = SuspensionFilter::ts;
    auto sql = notice_list_sql(q);
    const std::string where =
        " WHERE von.notice_no IN ($1, $2) AND von.vehicle_no = $3 AND von.last_processing_stage IN ($4, $5) "
        "AND von.suspension_type = $6";
    std::size_t first = sql.text.find(where);
    ASSERT_NE(first, std::string::npos) << sql.text;
    EXPECT_NE(sql.text.find(where, first + 1), std::string::npos) << "the count and the page filter alike";
    EXPECT_NE(sql.text.find("LIMIT $7 OFFSET $8"), std::string::npos) << sql.text;
    EXPECT_EQ(sql.params, (pg::Params{"500500303J", "X'); DROP TABLE x; --", "SBA1234A", "RD1", "RD2", "TS", "5", "20"}));
    EXPECT_EQ(sql.text.find("DROP"), std::string::npos) << "values never go into the text";
}

TEST(NoticeListSql, NotSuspendedAndLatestRecord) {
    NoticeQuery q;
    q.suspension = SuspensionFilter::none;
    auto sql = notice_list_sql(q);
    EXPECT_NE(sql.text.find("WHERE von.suspension_type IS NULL"), std::string::npos) << sql.text;
    EXPECT_EQ(sql.params.size(), 2u);
    EXPECT_NE(sql.text.find("ORDER BY s.sr_no DESC LIMIT 1"), std::string::npos) << "latest record = MAX(sr_no)";
    EXPECT_NE(sql.text.find("CASE WHEN von.suspension_type IS NOT NULL THEN sn.reason_of_suspension END"),
              std::string::npos);
}

TEST(ReadSql, ReasonsAndUsersAreParameterised) {
    auto r = reason_list_sql({"TS", "I", "PLUS"});
    EXPECT_EQ(r.params, (pg::Params{"TS", "I", "PLUS"}));
    EXPECT_NE(r.text.find("r.suspension_type = $1 AND r.status = $2 AND r.suspension_source = $3"), std::string::npos);
    EXPECT_NE(r.text.find("ORDER BY r.reason_of_suspension"), std::string::npos);
    EXPECT_NE(r.text.find("ORDER BY ps.stage_order"), std::string::npos) << "allowed stages in stage order";
    auto u = user_list_sql({"A"});
    EXPECT_EQ(u.params, (pg::Params{"A"}));
    EXPECT_NE(u.text.find("ORDER BY first_name, last_name"), std::string::npos);
}

TEST(ReadSql, StringArrays) {
    EXPECT_EQ(parse_string_array(R"(["ROV","ENA"])"), (std::vector<std::string>{"ROV", "ENA"}));
    EXPECT_EQ(parse_string_array("[]"), std::vector<std::string>{});
    EXPECT_FALSE(parse_string_array("{ROV,ENA}"));
    EXPECT_FALSE(parse_string_array("[1]"));
}

// ---- rendering -------------------------------------------------------------------------------

TEST(NoticeListRender, ExactlyTheSpecsSuccessShape) {
    auto req = parsed("{}");
    NoticePage page{1, {row_303j()}};
    EXPECT_EQ(notice_list::render(req, page),
              R"({"appCode":"OCMS-2000","message":"Success","data":[{"noticeNo":"500500303J","vehicleNo":"SBA1234A",)"
              R"("lastProcessingStage":"RD1","suspensionType":null,"reasonOfSuspension":null,"noticeType":"O",)"
              R"("amountPaid":0.00}],"pagination":{"skip":0,"limit":10,"totalRecords":1}})");
}

TEST(NoticeListRender, EmptyPage) {
    auto req = parsed(R"({"$skip":30,"$limit":5})");
    EXPECT_EQ(notice_list::render(req, NoticePage{7, {}}),
              R"({"appCode":"OCMS-2000","message":"Success","data":[],"pagination":{"skip":30,"limit":5,"totalRecords":7}})");
}

TEST(NoticeListRender, ProjectionExtrasDatesAndMoney) {
    auto req = parsed(R"({"$field":"noticeNo,suspensionType,reasonOfSuspension,dueDateOfRevival,lastProcessingDate,amountPayable,amountPaid"})");
    NoticeRow n = row_303j();
    n.suspension_type = "TS";
    n.reason_of_suspension = "ACR";
    n.due_date_of_revival = local("2025-04-12T19:00:02");
    n.amount_payable_cents = 13050;
    n.amount_paid_cents = 5;
    NoticeRow m = row_303j();
    m.notice_no = "500500304K";
    m.vehicle_no.reset();
    m.last_processing_date = local("2025-03-22T08:01:02");
    auto body = notice_list::render(req, NoticePage{2, {n, m}});
    EXPECT_EQ(body,
              R"({"appCode":"OCMS-2000","message":"Success","data":[)"
              R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"ACR",)"
              R"("dueDateOfRevival":"2025-04-12T19:00:02","lastProcessingDate":null,"amountPayable":130.50,"amountPaid":0.05},)"
              R"({"noticeNo":"500500304K","suspensionType":null,"reasonOfSuspension":null,"dueDateOfRevival":null,)"
              R"("lastProcessingDate":"2025-03-22T08:01:02","amountPayable":70.00,"amountPaid":0.00}],)"
              R"("pagination":{"skip":0,"limit":10,"totalRecords":2}})");
    auto d = json::parse(body);
    ASSERT_TRUE(d) << "valid JSON";
    EXPECT_TRUE((*d)["data"][0]["amountPayable"].IsNumber());
    EXPECT_DOUBLE_EQ((*d)["data"][0]["amountPayable"].GetDouble(), 130.5);
}

TEST(ReasonListRender, ShapeAndNullDays) {
    std::vector<ReasonRow> rows{{"ACR", "ACRA", 21, false, {"ROV", "ENA"}}, {"FP", "Full \"Payment\"", std::nullopt, false, {}},
                                {"CLV", "Classified Vehicles", 90, true, {"RR3", "DR3"}}};
    EXPECT_EQ(reason_list::render(rows),
              R"({"appCode":"OCMS-2000","message":"Success","data":[)"
              R"({"code":"ACR","description":"ACRA","suspensionDays":21,"looping":false,"allowedStages":["ROV","ENA"]},)"
              R"({"code":"FP","description":"Full \"Payment\"","suspensionDays":null,"looping":false,"allowedStages":[]},)"
              R"({"code":"CLV","description":"Classified Vehicles","suspensionDays":90,"looping":true,"allowedStages":["RR3","DR3"]}]})");
    EXPECT_EQ(reason_list::render({}), R"({"appCode":"OCMS-2000","message":"Success","data":[]})");
}

TEST(ReasonListParse, SourceFollowsTheRole) {
    auth::Claims staff{"s", {"OCMS_STAFF"}}, plus{"p", {"PLUS"}}, both{"b", {"PLUS", "OCMS_STAFF"}};
    EXPECT_EQ(reason_list::source_for(staff), "OCMS_FE");
    EXPECT_EQ(reason_list::source_for(plus), "PLUS");
    EXPECT_EQ(reason_list::source_for(both), "OCMS_FE");
    auto d = doc_of(R"({"suspensionType":"TS"})");
    auto q = reason_list::parse(d, plus);
    ASSERT_TRUE(q);
    EXPECT_EQ(q->suspension_type, "TS");
    EXPECT_EQ(q->status, "A");
    EXPECT_EQ(q->source, "PLUS");
    auto i = doc_of(R"({"suspensionType":"PS","status":"I"})");
    EXPECT_EQ(reason_list::parse(i, staff)->status, "I");
    auto bad = doc_of(R"({"suspensionType":"XX"})");
    EXPECT_FALSE(reason_list::parse(bad, staff));
    auto none = doc_of(R"({"status":"A"})");
    EXPECT_FALSE(reason_list::parse(none, staff));
}

TEST(UserList, ParseAndRender) {
    auto d = doc_of("{}");
    EXPECT_EQ(user_list::parse(d)->status, "A");
    auto i = doc_of(R"({"status":"I"})");
    EXPECT_EQ(user_list::parse(i)->status, "I");
    auto bad = doc_of(R"({"status":"X"})");
    EXPECT_FALSE(user_list::parse(bad));
    EXPECT_EQ(user_list::render({{"JOHNLEE", "John", "Lee"}, {"MARYTAN", "Mary", "Tan"}}),
              R"({"appCode":"OCMS-2000","message":"Success","data":[{"userId":"JOHNLEE","firstName":"John","lastName":"Lee"},)"
              R"({"userId":"MARYTAN","firstName":"Mary","lastName":"Tan"}]})");
    EXPECT_EQ(user_list::render({}), R"({"appCode":"OCMS-2000","message":"Success","data":[]})");
}

// ---- the flat envelope -----------------------------------------------------------------------

TEST(ReadEnvelope, FlatStyle) {
    auto r = render_error(EnvelopeStyle::ocms_flat, {ErrorKind::bad_request, "Invalid search parameters"});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.body, R"({"appCode":"OCMS-4000","message":"Invalid search parameters"})");
    auto i = render_error(EnvelopeStyle::ocms_flat, {ErrorKind::internal, "Unable to retrieve suspension reason list"});
    EXPECT_EQ(i.status, 500u);
    EXPECT_EQ(i.body, R"({"appCode":"OCMS-5000","message":"Unable to retrieve suspension reason list"})");
}

TEST(ReadRoutes, TableRows) {
    auto find = [](const std::string& p) -> Route {
        for (const auto& r : routes({}))
            if (r.path == p) return r;
        throw std::runtime_error("no route " + p);
    };
    const auto& a = find("/v1/validoffencenoticelist");
    EXPECT_EQ(a.auth.any_of_roles, std::vector<std::string>{"OCMS_STAFF"});
    EXPECT_EQ(a.style, EnvelopeStyle::ocms_flat);
    EXPECT_EQ(a.invalid_text, "Invalid search parameters");
    const auto& b = find("/v1/suspensionreasonlist");
    EXPECT_EQ(b.auth.any_of_roles, (std::vector<std::string>{"OCMS_STAFF", "PLUS"}));
    EXPECT_FALSE(b.auth.apim) << "an internal API";
    EXPECT_EQ(b.style, EnvelopeStyle::ocms_flat);
    const auto& c = find("/v1/userlist");
    EXPECT_EQ(c.auth.any_of_roles, std::vector<std::string>{"OCMS_STAFF"});
    EXPECT_EQ(c.style, EnvelopeStyle::ocms_flat);
}

// ---- through the pipeline --------------------------------------------------------------------

class ReadPipeline : public ::testing::Test {
protected:
    Fixture f;
    std::shared_ptr<FakeReadStore> reads = f.reads;
    std::string staff = make_token({"OCMS_STAFF"});
    std::string plus = make_token({"PLUS"});

    void expect_flat_400(const std::string& path, const std::string& body, const std::string& needle) {
        auto r = f.post(path, body, staff);
        EXPECT_EQ(r.result_int(), 400u) << body << " -> " << r.body();
        EXPECT_EQ(flat_code(r), "OCMS-4000") << r.body();
        EXPECT_NE(flat_message(r).find(needle), std::string::npos) << "'" << needle << "' not in " << r.body();
        auto d = json::parse(r.body());
        ASSERT_TRUE(d);
        EXPECT_FALSE(d->HasMember("data")) << "flat envelope: " << r.body();
    }
};

TEST_F(ReadPipeline, NoticeListSuccess) {
    reads->notices_call.result = NoticePage{1, {row_303j()}};
    auto r = f.post("/v1/validoffencenoticelist", R"({"noticeNo":"500500303J","$limit":5})", staff);
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    ASSERT_EQ(reads->notices_call.asked.size(), 1u);
    EXPECT_EQ(reads->notices_call.asked[0].notice_nos, std::vector<std::string>{"500500303J"});
    EXPECT_EQ(reads->notices_call.asked[0].limit, 5);
    EXPECT_NE(r.body().find(R"("amountPaid":0.00}],"pagination":{"skip":0,"limit":5,"totalRecords":1}})"),
              std::string::npos)
        << r.body();
}

TEST_F(ReadPipeline, NoticeListBadInputIsFlat4000) {
    const std::string p = "/v1/validoffencenoticelist";
    expect_flat_400(p, R"({"$field":"noticeNo, foo"})", "Invalid search parameters: unknown field 'foo' in $field");
    expect_flat_400(p, R"({"noticeNo":["A1","A2","A3","A4","A5","A6","A7","A8","A9","A10","A11"]})",
                    "Invalid search parameters: noticeNo has more than 10 items");
    expect_flat_400(p, R"({"$limit":101})", "Invalid search parameters: $limit must be at most 100");
    expect_flat_400(p, R"({"$skip":-1})", "Invalid search parameters: $skip must be at least 0");
    expect_flat_400(p, R"({"noticeNo":5})", "noticeNo must be a string or array or null");
    expect_flat_400(p, R"({"colour":"red"})", "Invalid search parameters: unknown field 'colour'");
    expect_flat_400(p, R"({"suspensionType":"XX"})", "suspensionType is not one of the allowed values");
    expect_flat_400(p, "{", "Invalid search parameters: malformed JSON");
    EXPECT_TRUE(reads->notices_call.asked.empty()) << "nothing is read for a bad request";
}

TEST_F(ReadPipeline, AuthFailuresAreFlatToo) {
    auto none = f.post("/v1/validoffencenoticelist", "{}", "");
    EXPECT_EQ(none.result_int(), 401u);
    EXPECT_EQ(flat_code(none), "OCMS-4001") << none.body();
    auto wrong = f.post("/v1/userlist", "{}", plus);
    EXPECT_EQ(wrong.result_int(), 403u);
    EXPECT_EQ(flat_code(wrong), "OCMS-4001") << wrong.body();
    EXPECT_EQ(f.post("/v1/validoffencenoticelist", "{}", plus).result_int(), 403u);
}

TEST_F(ReadPipeline, DatabaseDownIs500WithTheSpecsMessages) {
    reads->notices_call.result = store_down("connection refused");
    reads->reasons_call.result = store_down("connection refused");
    reads->users_call.result = store_down("connection refused");
    auto a = f.post("/v1/validoffencenoticelist", "{}", staff);
    EXPECT_EQ(a.result_int(), 500u);
    EXPECT_EQ(a.body(), R"({"appCode":"OCMS-5000","message":"Unable to retrieve notice list"})");
    auto b = f.post("/v1/suspensionreasonlist", R"({"suspensionType":"TS"})", staff);
    EXPECT_EQ(b.result_int(), 500u);
    EXPECT_EQ(b.body(), R"({"appCode":"OCMS-5000","message":"Unable to retrieve suspension reason list"})");
    auto c = f.post("/v1/userlist", "{}", staff);
    EXPECT_EQ(c.result_int(), 500u);
    EXPECT_EQ(c.body(), R"({"appCode":"OCMS-5000","message":"Unable to retrieve user list"})");
    EXPECT_EQ(a.body().find("connection refused"), std::string::npos) << "the cause goes to the log only";
}

TEST_F(ReadPipeline, NoStoreIs500) {
    f.reads.reset();
    auto a = f.post("/v1/userlist", "{}", staff);
    EXPECT_EQ(a.result_int(), 500u);
    EXPECT_EQ(flat_code(a), "OCMS-5000");
}

TEST_F(ReadPipeline, ReasonListSourcePerCaller) {
    reads->reasons_call.result = std::vector<ReasonRow>{{"APE", "Appeal Extension", 21, false, {"NPA"}}};
    auto s = f.post("/v1/suspensionreasonlist", R"({"suspensionType":"TS"})", staff);
    ASSERT_EQ(s.result_int(), 200u) << s.body();
    auto p = f.post("/v1/suspensionreasonlist", R"({"suspensionType":"TS","status":"I"})", plus);
    ASSERT_EQ(p.result_int(), 200u) << p.body();
    ASSERT_EQ(reads->reasons_call.asked.size(), 2u);
    EXPECT_EQ(reads->reasons_call.asked[0].source, "OCMS_FE");
    EXPECT_EQ(reads->reasons_call.asked[0].status, "A");
    EXPECT_EQ(reads->reasons_call.asked[1].source, "PLUS");
    EXPECT_EQ(reads->reasons_call.asked[1].status, "I");
    EXPECT_EQ(p.body(),
              R"({"appCode":"OCMS-2000","message":"Success","data":[{"code":"APE","description":"Appeal Extension",)"
              R"("suspensionDays":21,"looping":false,"allowedStages":["NPA"]}]})");
    expect_flat_400("/v1/suspensionreasonlist", "{}", "Invalid request: missing required field 'suspensionType'");
    expect_flat_400("/v1/suspensionreasonlist", R"({"suspensionType":"TS","status":"X"})",
                    "status is not one of the allowed values");
}

TEST_F(ReadPipeline, UserList) {
    reads->users_call.result = std::vector<UserRow>{{"JOHNLEE", "John", "Lee"}};
    auto r = f.post("/v1/userlist", R"({"status":"A"})", staff);
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(r.body(), R"({"appCode":"OCMS-2000","message":"Success","data":[{"userId":"JOHNLEE","firstName":"John","lastName":"Lee"}]})");
    ASSERT_EQ(reads->users_call.asked.size(), 1u);
    EXPECT_EQ(reads->users_call.asked[0].status, "A");
    auto n = f.post("/v1/userlist", R"({"status":null})", staff);
    EXPECT_EQ(n.result_int(), 200u);
    expect_flat_400("/v1/userlist", R"({"status":"X"})", "status is not one of the allowed values");
}
