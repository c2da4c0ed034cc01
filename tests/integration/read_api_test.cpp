// The spec 002 read APIs end to end against the running edge and PostgreSQL:
// POST /v1/validoffencenoticelist (API 1), /v1/suspensionreasonlist (API 2), /v1/userlist (API 4).
// Fixture notices come from make_notices; a TS is applied through the real staff API (worker).
#include "support.hpp"

#include <gtest/gtest.h>
#include <jwt.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>

namespace ocms::test {
namespace {

const char* kNotices = "/v1/validoffencenoticelist";
const char* kReasons = "/v1/suspensionreasonlist";
const char* kUsers = "/v1/userlist";


HttpResponse post_as(const std::string& token, const std::string& path, const std::string& body) {
    return http("POST", path, body, {{"Authorization", "Bearer " + token}});
}

std::vector<std::string> keys_of(const json::Value& obj) {
    std::vector<std::string> out;
    for (const auto& m : obj.GetObject()) out.emplace_back(m.name.GetString(), m.name.GetStringLength());
    return out;
}

std::string str(const json::Value& v) { return {v.GetString(), v.GetStringLength()}; }

std::string notices_json(const std::vector<std::string>& notices) {
    std::string list;
    for (const auto& n : notices) list += (list.empty() ? "\"" : ",\"") + n + "\"";
    return "[" + list + "]";
}

std::vector<std::string> notice_nos_of(const json::Document& d) {
    std::vector<std::string> out;
    for (const auto& row : d["data"].GetArray()) out.push_back(str(row["noticeNo"]));
    return out;
}

// Rows of a one-column query as strings.
std::vector<std::string> column(const std::string& sql, const pg::Params& params = {}) {
    auto db = readonly_db();
    auto r = db->exec(sql, params);
    if (!r) throw std::runtime_error("query failed: " + r.error().message);
    std::vector<std::string> out;
    for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->get(i, 0));
    return out;
}

void expect_success_envelope(const json::Document& d) {
    ASSERT_TRUE(d.IsObject());
    EXPECT_EQ(str(d["appCode"]), "OCMS-2000");
    EXPECT_EQ(str(d["message"]), "Success");
    ASSERT_TRUE(d["data"].IsArray());
}

void expect_flat_error(const HttpResponse& res, int status, const std::string& code, const std::string& needle) {
    EXPECT_EQ(res.status, status) << res.body;
    auto d = res.json();
    EXPECT_EQ(keys_of(d), (std::vector<std::string>{"appCode", "message"})) << "flat envelope: " << res.body;
    EXPECT_EQ(str(d["appCode"]), code) << res.body;
    EXPECT_NE(str(d["message"]).find(needle), std::string::npos) << "'" << needle << "' not in " << res.body;
}

// ---- API 1 -----------------------------------------------------------------------------------

TEST(ReadApi, NoticeListDefaultShapeIsTheSpecs) {
    auto n = make_notices(1);
    auto res = post_authed(kNotices, R"({"noticeNo":")" + n[0] + R"("})");
    ASSERT_EQ(res.status, 200) << res.body;
    auto d = res.json();
    expect_success_envelope(d);
    EXPECT_EQ(keys_of(d), (std::vector<std::string>{"appCode", "message", "data", "pagination"}));
    ASSERT_EQ(d["data"].Size(), 1u) << res.body;
    const auto& row = d["data"][0];
    EXPECT_EQ(keys_of(row), (std::vector<std::string>{"noticeNo", "vehicleNo", "lastProcessingStage", "suspensionType",
                                                      "reasonOfSuspension", "noticeType", "amountPaid"}));
    EXPECT_EQ(str(row["noticeNo"]), n[0]);
    EXPECT_EQ(str(row["vehicleNo"]), "SBA1234A");
    EXPECT_EQ(str(row["lastProcessingStage"]), "RD1");
    EXPECT_TRUE(row["suspensionType"].IsNull());
    EXPECT_TRUE(row["reasonOfSuspension"].IsNull());
    EXPECT_EQ(str(row["noticeType"]), "O");
    EXPECT_TRUE(row["amountPaid"].IsNumber());
    EXPECT_NE(res.body.find(R"("amountPaid":0.00})"), std::string::npos) << "two decimals: " << res.body;
    const auto& p = d["pagination"];
    EXPECT_EQ(keys_of(p), (std::vector<std::string>{"skip", "limit", "totalRecords"}));
    EXPECT_EQ(p["skip"].GetInt(), 0);
    EXPECT_EQ(p["limit"].GetInt(), 10);
    EXPECT_EQ(p["totalRecords"].GetInt(), 1);
}

TEST(ReadApi, NoticeListPagesInNoticeOrder) {
    auto n = make_notices(5);  // numbers ascend in creation order
    std::vector<std::string> shuffled{n[3], n[0], n[4], n[2], n[1]};
    auto res = post_authed(kNotices, R"({"$skip":1,"$limit":2,"noticeNo":)" + notices_json(shuffled) + "}");
    ASSERT_EQ(res.status, 200) << res.body;
    auto d = res.json();
    EXPECT_EQ(notice_nos_of(d), (std::vector<std::string>{n[1], n[2]}));
    EXPECT_EQ(d["pagination"]["skip"].GetInt(), 1);
    EXPECT_EQ(d["pagination"]["limit"].GetInt(), 2);
    EXPECT_EQ(d["pagination"]["totalRecords"].GetInt(), 5);

    auto last = post_authed(kNotices, R"({"$skip":4,"$limit":2,"noticeNo":)" + notices_json(n) + "}").json();
    EXPECT_EQ(notice_nos_of(last), std::vector<std::string>{n[4]});
    auto past = post_authed(kNotices, R"({"$skip":10,"noticeNo":)" + notices_json(n) + "}");
    ASSERT_EQ(past.status, 200) << past.body;
    auto pd = past.json();
    EXPECT_EQ(pd["data"].Size(), 0u);
    EXPECT_EQ(pd["pagination"]["totalRecords"].GetInt(), 5) << "the count does not depend on the page";
}

TEST(ReadApi, NoticeListEmptyResult) {
    auto res = post_authed(kNotices, R"({"noticeNo":"ZZNOSUCH99"})");
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(res.body, R"({"appCode":"OCMS-2000","message":"Success","data":[],)"
                        R"("pagination":{"skip":0,"limit":10,"totalRecords":0}})");
}

TEST(ReadApi, NoticeListProjection) {
    auto n = make_notices(1);
    auto res = post_authed(kNotices, R"({"noticeNo":[")" + n[0] +
                                         R"("],"$field":" amountPayable, noticeNo ,lastProcessingDate,dueDateOfRevival,amountPayable"})");
    ASSERT_EQ(res.status, 200) << res.body;
    auto d = res.json();
    ASSERT_EQ(d["data"].Size(), 1u);
    const auto& row = d["data"][0];
    EXPECT_EQ(keys_of(row),
              (std::vector<std::string>{"amountPayable", "noticeNo", "lastProcessingDate", "dueDateOfRevival"}));
    EXPECT_NE(res.body.find(R"("amountPayable":70.00)"), std::string::npos) << res.body;
    ASSERT_TRUE(row["lastProcessingDate"].IsString());
    EXPECT_TRUE(std::regex_match(str(row["lastProcessingDate"]), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")))
        << str(row["lastProcessingDate"]);
    EXPECT_TRUE(row["dueDateOfRevival"].IsNull());
}

TEST(ReadApi, NoticeListUnknownFieldIs4000Flat) {
    auto res = post_authed(kNotices, R"({"$field":"noticeNo, foo"})");
    expect_flat_error(res, 400, "OCMS-4000", "Invalid search parameters");
    EXPECT_NE(res.body.find("'foo'"), std::string::npos) << res.body;
}

TEST(ReadApi, NoticeListMoreThanTenNoticesIs4000Flat) {
    auto n = make_notices(11);
    auto res = post_authed(kNotices, R"({"noticeNo":)" + notices_json(n) + "}");
    expect_flat_error(res, 400, "OCMS-4000", "Invalid search parameters: noticeNo has more than 10 items");
    auto ten = post_authed(kNotices, R"({"noticeNo":)" + notices_json({n.begin(), n.begin() + 10}) + "}");
    ASSERT_EQ(ten.status, 200) << ten.body;
    EXPECT_EQ(ten.json()["pagination"]["totalRecords"].GetInt(), 10);
}

TEST(ReadApi, NoticeUnderTsShowsTypeReasonAndDueDate) {
    auto n = make_notices(2);
    auto applied = post_authed("/v1/staff-apply-suspension", staff_body({n[0]}, "ACR"));
    ASSERT_EQ(applied.status, 200) << applied.body;
    ASSERT_EQ(str(applied.json()["results"][0]["appCode"]), "OCMS-2000") << applied.body;

    auto res = post_authed(kNotices, R"({"noticeNo":)" + notices_json(n) +
                                         R"(,"$field":"noticeNo,suspensionType,reasonOfSuspension,dueDateOfRevival"})");
    ASSERT_EQ(res.status, 200) << res.body;
    auto d = res.json();
    ASSERT_EQ(d["data"].Size(), 2u) << res.body;
    const auto& ts = d["data"][0];
    EXPECT_EQ(str(ts["noticeNo"]), n[0]);
    EXPECT_EQ(str(ts["suspensionType"]), "TS");
    EXPECT_EQ(str(ts["reasonOfSuspension"]), "ACR");
    auto due = column("SELECT to_char(due_date_of_revival AT TIME ZONE 'Asia/Singapore', "
                      "'YYYY-MM-DD\"T\"HH24:MI:SS') FROM ocms_valid_offence_notice WHERE notice_no = $1",
                      {n[0]});
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(str(ts["dueDateOfRevival"]), due[0]) << "Singapore local time, as the spec shows";
    const auto& free = d["data"][1];
    EXPECT_TRUE(free["suspensionType"].IsNull());
    EXPECT_TRUE(free["reasonOfSuspension"].IsNull());

    auto only_ts = post_authed(kNotices, R"({"suspensionType":"TS","noticeNo":)" + notices_json(n) + "}").json();
    EXPECT_EQ(notice_nos_of(only_ts), std::vector<std::string>{n[0]});
    auto only_free = post_authed(kNotices, R"({"suspensionType":"NONE","noticeNo":)" + notices_json(n) + "}").json();
    EXPECT_EQ(notice_nos_of(only_free), std::vector<std::string>{n[1]});
    auto only_ps = post_authed(kNotices, R"({"suspensionType":"PS","noticeNo":)" + notices_json(n) + "}").json();
    EXPECT_EQ(only_ps["pagination"]["totalRecords"].GetInt(), 0);
}

TEST(ReadApi, NoticeListStageAndVehicleFilters) {
    auto rd1 = make_notices(1, "RD1");
    auto rd2 = make_notices(1, "RD2");
    auto npa = make_notices(1, "NPA");
    std::vector<std::string> all{rd1[0], rd2[0], npa[0]};
    // Each make_notices call has its own random prefix: the answer is in notice-number order.
    auto sorted = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    auto one = post_authed(kNotices, R"({"lastProcessingStage":"rd2","noticeNo":)" + notices_json(all) + "}").json();
    EXPECT_EQ(notice_nos_of(one), std::vector<std::string>{rd2[0]});
    auto two = post_authed(kNotices, R"({"lastProcessingStage":["NPA","RD1"],"noticeNo":)" + notices_json(all) + "}").json();
    EXPECT_EQ(notice_nos_of(two), sorted({rd1[0], npa[0]}));

    // A vehicle number of this run only (the fixtures share SBA1234A).
    std::string vehicle = "TV" + rd1[0].substr(1, 4) + "X";
    auto db = owner_db();
    ASSERT_TRUE(db->exec("UPDATE ocms_valid_offence_notice SET vehicle_no = $1 WHERE notice_no IN ($2, $3)",
                         {vehicle, rd1[0], npa[0]}));
    std::string lower = vehicle;
    for (auto& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    auto by_vehicle = post_authed(kNotices, R"({"vehicleNo":")" + lower + R"("})").json();
    EXPECT_EQ(notice_nos_of(by_vehicle), sorted({rd1[0], npa[0]}));
    EXPECT_EQ(by_vehicle["pagination"]["totalRecords"].GetInt(), 2);
    EXPECT_EQ(str(by_vehicle["data"][1]["vehicleNo"]), vehicle);
}

// ---- API 2 -----------------------------------------------------------------------------------

TEST(ReadApi, ReasonListForStaff) {
    auto res = post_authed(kReasons, R"({"suspensionType":"TS","status":"A"})");
    ASSERT_EQ(res.status, 200) << res.body;
    auto d = res.json();
    expect_success_envelope(d);
    EXPECT_EQ(keys_of(d), (std::vector<std::string>{"appCode", "message", "data"}));
    std::vector<std::string> codes;
    for (const auto& r : d["data"].GetArray()) {
        EXPECT_EQ(keys_of(r), (std::vector<std::string>{"code", "description", "suspensionDays", "looping", "allowedStages"}));
        EXPECT_TRUE(r["suspensionDays"].IsInt());
        EXPECT_TRUE(r["looping"].IsBool());
        EXPECT_TRUE(r["allowedStages"].IsArray());
        codes.push_back(str(r["code"]));
    }
    EXPECT_EQ(codes, column("SELECT reason_of_suspension FROM ocms_suspension_reason WHERE suspension_type = 'TS' "
                            "AND status = 'A' AND suspension_source = 'OCMS_FE' ORDER BY reason_of_suspension"));
    // The spec's example rows, exactly.
    auto find = [&](const std::string& code) -> const json::Value& {
        for (const auto& r : d["data"].GetArray())
            if (str(r["code"]) == code) return r;
        throw std::runtime_error("no code " + code);
    };
    EXPECT_EQ(json::to_string(find("ACR")),
              R"({"code":"ACR","description":"ACRA","suspensionDays":21,"looping":false,)"
              R"("allowedStages":["ROV","ENA","RD1","RD2","RR3","DN1","DN2","DR3","CPC","CFC"]})");
    EXPECT_EQ(json::to_string(find("APE")),
              R"({"code":"APE","description":"Appeal Extension","suspensionDays":21,"looping":false,)"
              R"("allowedStages":["NPA","ROV","ENA","RD1","RD2","RR3","DN1","DN2","DR3","CPC","CFC"]})");
    EXPECT_EQ(json::to_string(find("CLV")),
              R"({"code":"CLV","description":"Classified Vehicles","suspensionDays":90,"looping":true,"allowedStages":["RR3","DR3"]})");
    EXPECT_EQ(json::to_string(find("HST")),
              R"({"code":"HST","description":"House Tenants","suspensionDays":30,"looping":true,)"
              R"("allowedStages":["ROV","ENA","RD1","RD2","RR3","DN1","DN2","DR3","CPC","CFC"]})");
    EXPECT_EQ(std::count(codes.begin(), codes.end(), "DIP"), 0) << "inactive";
}

TEST(ReadApi, ReasonListForPlusOnlyCaller) {
    auto res = post_as(token_with_roles({"PLUS"}, "read-api-test"), kReasons, R"({"suspensionType":"TS"})");
    ASSERT_EQ(res.status, 200) << res.body;
    auto d = res.json();
    std::vector<std::string> codes;
    for (const auto& r : d["data"].GetArray()) codes.push_back(str(r["code"]));
    EXPECT_EQ(codes, (std::vector<std::string>{"APE", "APP", "CCE", "PRI", "RED"})) << "spec 002 API 5: the PLUS codes";
    EXPECT_EQ(codes, column("SELECT reason_of_suspension FROM ocms_suspension_reason WHERE suspension_type = 'TS' "
                            "AND status = 'A' AND suspension_source = 'PLUS' ORDER BY 1"));
}

TEST(ReadApi, ReasonListInactiveCodes) {
    auto res = post_authed(kReasons, R"({"suspensionType":"TS","status":"I"})");
    ASSERT_EQ(res.status, 200) << res.body;
    auto d = res.json();
    std::vector<std::string> codes;
    for (const auto& r : d["data"].GetArray()) codes.push_back(str(r["code"]));
    EXPECT_EQ(codes, column("SELECT reason_of_suspension FROM ocms_suspension_reason WHERE suspension_type = 'TS' "
                            "AND status = 'I' AND suspension_source = 'OCMS_FE' ORDER BY 1"));
    EXPECT_NE(std::find(codes.begin(), codes.end(), "DIP"), codes.end()) << res.body;
    // A PLUS-only caller has no inactive codes: an empty list, not an error.
    auto plus = post_as(token_with_roles({"PLUS"}, "read-api-test"), kReasons, R"({"suspensionType":"TS","status":"I"})");
    ASSERT_EQ(plus.status, 200) << plus.body;
    EXPECT_EQ(plus.body, R"({"appCode":"OCMS-2000","message":"Success","data":[]})");
}

TEST(ReadApi, ReasonListNeedsTheType) {
    expect_flat_error(post_authed(kReasons, "{}"), 400, "OCMS-4000", "suspensionType");
}

// ---- API 4 -----------------------------------------------------------------------------------

TEST(ReadApi, UserListOrderedByName) {
    auto res = post_authed(kUsers, R"({"status":"A"})");
    ASSERT_EQ(res.status, 200) << res.body;
    auto d = res.json();
    expect_success_envelope(d);
    std::vector<std::string> ids;
    for (const auto& u : d["data"].GetArray()) {
        EXPECT_EQ(keys_of(u), (std::vector<std::string>{"userId", "firstName", "lastName"}));
        ids.push_back(str(u["userId"]));
        if (str(u["userId"]) == "JOHNLEE") {
            EXPECT_EQ(str(u["firstName"]), "John");
            EXPECT_EQ(str(u["lastName"]), "Lee");
        }
    }
    EXPECT_EQ(ids, column("SELECT user_id FROM ocms_user WHERE status = 'A' ORDER BY first_name, last_name, user_id"));
    EXPECT_NE(std::find(ids.begin(), ids.end(), "JOHNLEE"), ids.end());
    EXPECT_EQ(std::find(ids.begin(), ids.end(), "SARAHLIM"), ids.end()) << "inactive";
    EXPECT_EQ(post_authed(kUsers, "{}").body, res.body) << "status defaults to A";

    auto inactive = post_authed(kUsers, R"({"status":"I"})").json();
    std::vector<std::string> gone;
    for (const auto& u : inactive["data"].GetArray()) gone.push_back(str(u["userId"]));
    EXPECT_NE(std::find(gone.begin(), gone.end(), "SARAHLIM"), gone.end());
}

// ---- auth ------------------------------------------------------------------------------------

TEST(ReadApi, WithoutTokenIs401Flat) {
    for (const char* path : {kNotices, kReasons, kUsers})
        expect_flat_error(http("POST", path, R"({"suspensionType":"TS"})"), 401, "OCMS-4001", "Unauthorized");
}

TEST(ReadApi, PlusOnlyTokenIsRefusedByStaffOnlyReads) {
    auto plus = token_with_roles({"PLUS"}, "read-api-test");
    expect_flat_error(post_as(plus, kNotices, "{}"), 403, "OCMS-4001", "OCMS_STAFF");
    expect_flat_error(post_as(plus, kUsers, "{}"), 403, "OCMS-4001", "OCMS_STAFF");
}

}  // namespace
}  // namespace ocms::test
