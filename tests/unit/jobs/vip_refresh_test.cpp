// The VIP list from CAS: what is accepted, what makes the list empty or invalid (and so leaves
// ocms_vip_vehicle untouched), the retry-wait setting, and the start-up catch-up rule.
#include "jobs/alert_topic.hpp"
#include "jobs/vip_refresh.hpp"
#include "json/schema_registry.hpp"

#include <gtest/gtest.h>

namespace ocms::jobs {
namespace {

using std::chrono::milliseconds;

std::vector<VipVehicle> ok(std::string_view body) {
    auto r = parse_vip_list(body);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : std::vector<VipVehicle>{};
}

VipRefreshError bad(std::string_view body) {
    auto r = parse_vip_list(body);
    EXPECT_FALSE(r) << body;
    return r ? VipRefreshError{VipFailure::cas_call, "unexpectedly accepted"} : r.error();
}

TEST(VipList, TheSpecShapeIsStoredAsGiven) {
    auto list = ok(R"([{"vip_vehicle":"VIP001","vehicle_no":"SBA1234A","description":"Minister","status":"A"},
                       {"vip_vehicle":"VIP002","vehicle_no":"S1","status":"A"}])");
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0], (VipVehicle{"VIP001", "SBA1234A", "Minister", "A"}));
    EXPECT_EQ(list[1], (VipVehicle{"VIP002", "S1", std::nullopt, "A"}));
}

TEST(VipList, TextIsTrimmedVehicleNumbersNormalisedBlankDescriptionIsNull) {
    auto list = ok(R"([{"vip_vehicle":"  VIP001 ","vehicle_no":" sba 1234 a ","description":"   ","status":" ACTIVE "}])");
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0], (VipVehicle{"VIP001", "SBA1234A", std::nullopt, "ACTIVE"}));
    // null description, unknown fields ignored
    list = ok(R"([{"vip_vehicle":"V","vehicle_no":"QX1A","description":null,"status":"A","extra":{"x":1}}])");
    ASSERT_EQ(list.size(), 1u);
    EXPECT_FALSE(list[0].description);
}

TEST(VipList, TheYiJieListFormIsAcceptedWhenComplete) {
    EXPECT_EQ(ok(R"({"data":[{"vip_vehicle":"V1","vehicle_no":"SBA1A","status":"A"}]})").size(), 1u);
    EXPECT_EQ(ok(R"({"total":1,"limit":10,"skip":0,"data":[{"vip_vehicle":"V1","vehicle_no":"SBA1A","status":"A"}]})").size(), 1u);
    // A first page of a longer list would drop VIPs: refused.
    auto e = bad(R"({"total":2,"data":[{"vip_vehicle":"V1","vehicle_no":"SBA1A","status":"A"}]})");
    EXPECT_EQ(e.kind, VipFailure::invalid_list);
    EXPECT_NE(e.message.find("partial list"), std::string::npos) << e.message;
}

TEST(VipList, EmptyListsAreTheirOwnFailure) {
    for (const char* body : {"[]", R"({"data":[]})", R"({"total":0,"data":[]})"}) {
        auto e = bad(body);
        EXPECT_EQ(e.kind, VipFailure::empty_list) << body;
    }
}

TEST(VipList, NotJsonOrTheWrongShapeIsInvalid) {
    for (const char* body : {"", "not json", "<html>502</html>", "[{]", "null", "42", "\"list\"", "{}",
                             R"({"data":{"appCode":"OCMS-2000","message":"Success"}})", R"({"items":[]})",
                             R"({"total":"1","data":[{"vip_vehicle":"V1","vehicle_no":"SBA1A","status":"A"}]})"}) {
        auto e = bad(body);
        EXPECT_EQ(e.kind, VipFailure::invalid_list) << body;
        EXPECT_EQ(e.message.rfind("invalid list from CAS: ", 0), 0u) << e.message;
    }
}

TEST(VipList, OneBadRecordMakesTheWholeListInvalid) {
    struct Case {
        const char* record;
        const char* why;
    };
    const Case cases[] = {
        {R"("VIP")", "not an object"},
        {R"({"vehicle_no":"SBA1A","status":"A"})", "vip_vehicle is missing"},
        {R"({"vip_vehicle":null,"vehicle_no":"SBA1A","status":"A"})", "vip_vehicle is missing"},
        {R"({"vip_vehicle":7,"vehicle_no":"SBA1A","status":"A"})", "vip_vehicle is not a string"},
        {R"({"vip_vehicle":"  ","vehicle_no":"SBA1A","status":"A"})", "vip_vehicle is empty"},
        {R"({"vip_vehicle":"V\u0001X","vehicle_no":"SBA1A","status":"A"})", "vip_vehicle has control characters"},
        {R"({"vip_vehicle":"V","status":"A"})", "vehicle_no is missing"},
        {R"({"vip_vehicle":"V","vehicle_no":1234,"status":"A"})", "vehicle_no is not a string"},
        {R"({"vip_vehicle":"V","vehicle_no":"SBA-1234","status":"A"})", "is not a vehicle number"},
        {R"({"vip_vehicle":"V","vehicle_no":"SBA1A","status":""})", "status is empty"},
        {R"({"vip_vehicle":"V","vehicle_no":"SBA1A"})", "status is missing"},
        {R"({"vip_vehicle":"V","vehicle_no":"SBA1A","status":"A","description":5})", "description is not a string"},
    };
    for (const auto& c : cases) {
        std::string body = std::string(R"([{"vip_vehicle":"GOOD","vehicle_no":"SBA1234A","status":"A"},)") + c.record + "]";
        auto e = bad(body);
        EXPECT_EQ(e.kind, VipFailure::invalid_list) << body;
        EXPECT_NE(e.message.find("record 1: "), std::string::npos) << e.message;
        EXPECT_NE(e.message.find(c.why), std::string::npos) << c.why << " in " << e.message;
    }
}

// \u0000 is refused by the JSON layer itself (issue 14): the whole list, with the offset.
TEST(VipList, ANulEscapeMakesTheWholeListInvalid) {
    auto e = bad(R"([{"vip_vehicle":"GOOD","vehicle_no":"SBA1234A","status":"A"},)"
                 R"({"vip_vehicle":"V","vehicle_no":"SBA1A","status":"A","description":"a\u0000b"}])");
    EXPECT_EQ(e.kind, VipFailure::invalid_list);
    EXPECT_NE(e.message.find("\\u0000 is not allowed"), std::string::npos) << e.message;
}

TEST(VipList, LengthsAreTheColumnSizesInCharacters) {
    auto rec = [](std::string id, std::string status, std::string desc) {
        return R"([{"vip_vehicle":")" + id + R"(","vehicle_no":"SBA1A","status":")" + status + R"(","description":")" + desc +
               R"("}])";
    };
    EXPECT_EQ(ok(rec(std::string(255, 'v'), std::string(50, 's'), std::string(255, 'd'))).size(), 1u);
    // 255 two-byte characters are 510 bytes and still fit varchar(255).
    std::string e_acute;
    for (int i = 0; i < 255; ++i) e_acute += "\xC3\xA9";
    EXPECT_EQ(ok(rec("V", "A", e_acute)).size(), 1u);
    EXPECT_NE(bad(rec(std::string(256, 'v'), "A", "")).message.find("vip_vehicle is longer than 255"), std::string::npos);
    EXPECT_NE(bad(rec("V", std::string(51, 's'), "")).message.find("status is longer than 50"), std::string::npos);
    EXPECT_NE(bad(rec("V", "A", e_acute + "x")).message.find("description is longer than 255"), std::string::npos);
}

TEST(VipList, DuplicateKeysAreInvalidButOneVehicleMayHaveTwoRecords) {
    auto e = bad(R"([{"vip_vehicle":"V1","vehicle_no":"SBA1A","status":"A"},
                     {"vip_vehicle":"V2","vehicle_no":"SBA2B","status":"A"},
                     {"vip_vehicle":" V1","vehicle_no":"SBA3C","status":"I"}])");
    EXPECT_EQ(e.kind, VipFailure::invalid_list);
    EXPECT_NE(e.message.find("record 2: duplicate vip_vehicle 'V1'"), std::string::npos) << e.message;
    // The key is vip_vehicle: the same vehicle under two records is kept (e.g. an old and a new entry).
    EXPECT_EQ(ok(R"([{"vip_vehicle":"V1","vehicle_no":"SBA1A","status":"I"},
                     {"vip_vehicle":"V2","vehicle_no":"sba 1a","status":"A"}])").size(), 2u);
}

TEST(VipList, TheMessageNamesTheFirstProblemsAndCountsTheRest) {
    std::string body = "[";
    for (int i = 0; i < 8; ++i) body += std::string(i ? "," : "") + R"({"vip_vehicle":"V)" + std::to_string(i) + R"(","vehicle_no":"??","status":"A"})";
    body += "]";
    auto e = bad(body);
    EXPECT_NE(e.message.find("8 problems: record 0: "), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("record 4: "), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("record 5: "), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("and 3 more"), std::string::npos) << e.message;
}

TEST(VehicleNo, NormalisedToTheFormNoticesCarry) {
    EXPECT_EQ(normalize_vehicle_no("SBA1234A"), "SBA1234A");
    EXPECT_EQ(normalize_vehicle_no(" sba 1234 a "), "SBA1234A");
    EXPECT_EQ(normalize_vehicle_no("S1"), "S1");
    EXPECT_EQ(normalize_vehicle_no("QX1234A"), "QX1234A");
    EXPECT_EQ(normalize_vehicle_no("WXY1234"), "WXY1234");                  // Malaysian
    EXPECT_EQ(normalize_vehicle_no("ABCDEFGHIJ1234"), "ABCDEFGHIJ1234");    // 14 = the notice column
    for (const char* no : {"", " ", "S", "1234", "SBA", "SBA-1234A", "SBA1234A!", "ABCDEFGHIJK1234", "SBA\t1A", "ŚBA1A"})
        EXPECT_FALSE(normalize_vehicle_no(no)) << no;
}

TEST(VipListJson, IsTheRecordsetTheInsertReads) {
    EXPECT_EQ(vip_list_json({{"V1", "SBA1A", "Mr \"X\"", "A"}, {"V2", "S1", std::nullopt, "I"}}),
              R"([{"vip_vehicle":"V1","vehicle_no":"SBA1A","description":"Mr \"X\"","status":"A"},)"
              R"({"vip_vehicle":"V2","vehicle_no":"S1","description":null,"status":"I"}])");
}

// Issue 15: a failed step of the replace is an Error of the database's kind, OCMS-5000, its
// message the text the job logged and alerted before ("<step>: <message> (SQLSTATE <code>)").
TEST(VipReplaceError, NamesTheStepAndKeepsTheDatabasesKind) {
    Error lock = vip_replace_error("LOCK TABLE ocms_vip_vehicle",
                                   pg::PgError{"55P03", "ERROR:  canceling statement due to lock timeout", FaultKind::transient});
    EXPECT_EQ(lock.code, codes::kInternal);
    EXPECT_EQ(lock.kind, FaultKind::transient);
    EXPECT_EQ(lock.message, "LOCK TABLE ocms_vip_vehicle: ERROR:  canceling statement due to lock timeout (SQLSTATE 55P03)");

    Error denied = vip_replace_error("DELETE FROM ocms_vip_vehicle",
                                     pg::PgError{"42501", "ERROR:  permission denied for table ocms_vip_vehicle", FaultKind::permanent});
    EXPECT_EQ(denied.kind, FaultKind::permanent);
    EXPECT_EQ(denied.message, "DELETE FROM ocms_vip_vehicle: ERROR:  permission denied for table ocms_vip_vehicle (SQLSTATE 42501)");

    // A connection-level fault has no SQLSTATE; trailing newlines and spaces go.
    Error lost = vip_replace_error("COMMIT", pg::PgError{"", "server closed the connection unexpectedly\n ", FaultKind::transient});
    EXPECT_EQ(lost.code, codes::kInternal);
    EXPECT_EQ(lost.kind, FaultKind::transient);
    EXPECT_EQ(lost.message, "COMMIT: server closed the connection unexpectedly");
}

TEST(RetryWaits, TheSpecDefaultAndTestValuesParse) {
    auto w = parse_retry_waits("0,5000,10000,15000");
    ASSERT_TRUE(w);
    EXPECT_EQ(*w, (std::vector<milliseconds>{milliseconds{0}, milliseconds{5000}, milliseconds{10000}, milliseconds{15000}}));
    // The same as the spec's policy of common/http.
    EXPECT_EQ(*w, http::RetryPolicy::external_api().waits);
    EXPECT_EQ(parse_retry_waits(" 0 , 10 ")->size(), 2u);
    EXPECT_EQ(parse_retry_waits("0")->size(), 1u);
    for (const char* bad_text : {"", ",", "0,", "a", "-1", "5s", "0,,1", "600001", "0,0,0,0,0,0,0,0,0,0,0"})
        EXPECT_FALSE(parse_retry_waits(bad_text)) << bad_text;
}

TEST(VipSchedule, RunsAtStartOnlyWhenTheLatestScheduledRefreshWasMissed) {
    const DailyAt at{1, 0};
    const TimePoint now = *parse_iso("2026-03-11T09:00:00");
    EXPECT_TRUE(vip_refresh_due_at_start(std::nullopt, now, at));                          // never refreshed
    EXPECT_FALSE(vip_refresh_due_at_start(*parse_iso("2026-03-11T01:00:05"), now, at));  // today's run happened
    EXPECT_TRUE(vip_refresh_due_at_start(*parse_iso("2026-03-10T01:00:05"), now, at));   // today's was missed
    // Before today's time, yesterday's run is the latest one due.
    const TimePoint early = *parse_iso("2026-03-11T00:30:00");
    EXPECT_FALSE(vip_refresh_due_at_start(*parse_iso("2026-03-10T01:00:05"), early, at));
    EXPECT_TRUE(vip_refresh_due_at_start(*parse_iso("2026-03-09T23:00:00"), early, at));
}

TEST(AlertEvent, MatchesItsSchema) {
    auto registry = json::SchemaRegistry::load(OCMS_SCHEMAS_DIR);
    ASSERT_TRUE(registry->has("alert.v1"));
    http::Alert a{"CAS getVipVehicles", "https://cas.example/getVipVehicles", "Couldn't connect to server \"x\"",
                  *parse_iso("2025-04-12T19:00:02"), 3};
    auto text = alert_event_json(a, "0f8c3c9e-2f1a-4f7e-9a51-3d8e7b1c2a10", "ocms-scheduler");
    auto doc = json::parse(text);
    ASSERT_TRUE(doc) << text;
    EXPECT_EQ(registry->validate("alert.v1", *doc), "") << text;
    EXPECT_EQ(std::string((*doc)["subject"].GetString()), "[OCMS-ALERT] External API Connection Failed - CAS getVipVehicles");
    EXPECT_EQ(std::string((*doc)["raisedAt"].GetString()).substr(0, 19), "2025-04-12T19:00:02");
    EXPECT_EQ((*doc)["retryCount"].GetInt(), 3);
    // A field the schema does not know is refused (additionalProperties false).
    auto extra = json::parse(text.substr(0, text.size() - 1) + R"(,"x":1})");
    EXPECT_NE(registry->validate("alert.v1", *extra), "");
}

}  // namespace
}  // namespace ocms::jobs
