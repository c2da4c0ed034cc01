// The support console's routes (issue 8) end to end: the page and its assets, and the /ops/api
// routes over the real worker, broker and database: a notice's history, dead letters and their
// redrive, parked notices with retry and discard, a recorded replay; every one needs the role OPS.
#include "support.hpp"

#include <gtest/gtest.h>

#include <cctype>

namespace ocms::test {
namespace {

using namespace std::chrono_literals;

std::map<std::string, std::string> ops_auth() { return {{"Authorization", "Bearer " + token_with_roles({"OPS"}, "night-support")}}; }

json::Document doc_of(const HttpResponse& r) {
    auto d = json::parse(r.body);
    if (!d) throw std::runtime_error("not JSON: " + r.body);
    return std::move(*d);
}

TEST(OpsApi, ThePageIsServedWithoutATokenAndTheDataOnlyWithOps) {
    auto page = http("GET", "/ops", "");
    ASSERT_EQ(page.status, 200) << page.body.substr(0, 200);
    EXPECT_NE(page.headers["content-type"].find("text/html"), std::string::npos);
    EXPECT_NE(page.headers["content-security-policy"].find("default-src 'self'"), std::string::npos);
    EXPECT_EQ(page.body.find("http://"), std::string::npos) << "the page must not load anything from elsewhere";
    EXPECT_EQ(page.body.find("https://"), std::string::npos) << "the page must not load anything from elsewhere";
    for (const std::string bad : {"/ops/..%2F..%2Focms.env", "/ops/.env", "/ops/x.exe", "/ops/nosuch.js"})
        EXPECT_EQ(http("GET", bad, "").status, 404) << bad;
    for (const std::string path : {"/ops/api/parked", "/ops/api/dead-letters", "/ops/api/history/500500303J"}) {
        EXPECT_EQ(http("GET", path, "").status, 401) << path;
        EXPECT_EQ(http("GET", path, "", {{"Authorization", "Bearer " + token_with_roles({"OCMS_STAFF"})}}).status, 403) << path;
        EXPECT_EQ(http("GET", path, "", ops_auth()).status, 200) << path;
    }
}

TEST(OpsApi, HistoryShowsEachCommandWithItsChanges) {
    auto n = make_notices(1, "RD1")[0];
    auto applied = post_authed("/v1/staff-apply-suspension", staff_body({n}));
    ASSERT_EQ(applied.status, 200) << applied.body;
    auto again = post_authed("/v1/staff-apply-suspension", staff_body({n}));  // OCMS-2001: refused, nothing changes
    ASSERT_EQ(again.status, 200) << again.body;
    json::Document d;
    ASSERT_TRUE(eventually(
        [&] {
            auto r = http("GET", "/ops/api/history/" + n, "", ops_auth());
            if (r.status != 200) return false;
            d = doc_of(r);
            return d["events"].Size() >= 2;
        },
        15s));
    EXPECT_EQ(std::string(d["noticeNo"].GetString()), n);
    EXPECT_FALSE(d["parked"].GetBool());
    const auto& first = d["events"][0];
    EXPECT_EQ(std::string(first["kind"].GetString()), "command");
    EXPECT_EQ(std::string(first["outcome"].GetString()), "applied");
    EXPECT_EQ(std::string(first["appCode"].GetString()), "OCMS-2000");
    ASSERT_TRUE(first.HasMember("changes")) << json::to_string(first);
    EXPECT_TRUE(first["changes"]["suspension_type"]["before"].IsNull());
    EXPECT_EQ(std::string(first["changes"]["suspension_type"]["after"].GetString()), "TS");
    const auto& second = d["events"][1];
    EXPECT_EQ(std::string(second["appCode"].GetString()), "OCMS-2001");
    EXPECT_FALSE(second.HasMember("changes") && second["changes"].IsObject() && second["changes"].MemberCount() > 0);
    EXPECT_EQ(http("GET", "/ops/api/history/bad-no!", "", ops_auth()).status, 400);
}

TEST(OpsApi, ADeadLetterIsListedRedrivenAndRecorded) {
    auto n = make_notices(1, "RD1")[0];
    const std::string id = "ops-poison-" + n;
    ASSERT_EQ(kcat_publish("ocms.cmd.suspension", n,
                           R"({"commandId":")" + id + R"(","type":"suspension.unknown","schemaVersion":1,)"
                           R"("issuedAt":"2026-11-22T10:00:00+08:00","source":"OCMS","officer":"T","payload":{"noticeNo":")" + n + R"("}})"),
              0);
    std::int64_t dl_id = 0;
    ASSERT_TRUE(eventually(
        [&] {
            auto r = http("GET", "/ops/api/dead-letters", "", ops_auth());
            if (r.status != 200) return false;
            auto d = doc_of(r);
            for (const auto& v : d["deadLetters"].GetArray())
                if (json::get_string(v, "commandId").value_or("") == id) {
                    dl_id = v["id"].GetInt64();
                    EXPECT_EQ(std::string(v["reason"].GetString()), "unknown-type");
                    EXPECT_EQ(std::string(v["noticeNo"].GetString()), n);
                    return true;
                }
            return false;
        },
        20s));
    const std::string ids = R"({"deadLetterIds":[)" + std::to_string(dl_id) + "],";
    auto bad = http("POST", "/ops/api/redrive", ids + R"("dryRun":false})", ops_auth());
    EXPECT_EQ(bad.status, 400) << "a reason is required";
    const std::string why = "INC-7 " + n;  // unique: the runs of earlier test runs stay recorded
    auto preview = http("POST", "/ops/api/redrive", ids + R"("reason":")" + why + R"( preview","dryRun":true})", ops_auth());
    ASSERT_EQ(preview.status, 200) << preview.body;
    EXPECT_TRUE(doc_of(preview)["dryRun"].GetBool());
    auto run = http("POST", "/ops/api/redrive", ids + R"("reason":")" + why + R"( handler deployed","dryRun":false})", ops_auth());
    ASSERT_EQ(run.status, 200) << run.body;
    auto d = doc_of(run);
    EXPECT_GT(d["runId"].GetInt64(), 0);
    EXPECT_EQ(d["counts"]["published"].GetInt64(), 1) << run.body;
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_dead_letter WHERE dead_letter_id = $1 AND status = 'REDRIVEN'",
                     {std::to_string(dl_id)}),
              1);
    EXPECT_EQ(scalar(*db,
                     "SELECT count(*) FROM ocms_replay_run WHERE kind = 'redrive' AND operator = 'night-support' "
                     "AND reason = $1 AND NOT dry_run AND status = 'DONE'",
                     {why + " handler deployed"}),
              1);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_replay_run WHERE kind = 'redrive' AND reason = $1 AND dry_run",
                     {why + " preview"}),
              1);
}

// A permanent fault parks the notice; its next command queues; a retry after the fix applies both
// in order; a discard is recorded.
TEST(OpsApi, AParkedNoticeIsListedRetriedAndItsQueueApplied) {
    auto n = make_notices(1, "RD1")[0];
    std::string fn = "ops_fault_";
    for (char c : n) fn += char(std::tolower(static_cast<unsigned char>(c)));
    owner_exec("CREATE FUNCTION " + fn + "() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
               "RAISE EXCEPTION 'injected ops fault for %', NEW.notice_no; END $f$");
    owner_exec("CREATE TRIGGER " + fn + " BEFORE INSERT ON ocms_suspended_notice FOR EACH ROW "
               "WHEN (NEW.notice_no = '" + n + "') EXECUTE FUNCTION " + fn + "()");  // [A-Z0-9] only
    auto drop = [&] {
        owner_exec("DROP TRIGGER IF EXISTS " + fn + " ON ocms_suspended_notice");
        owner_exec("DROP FUNCTION IF EXISTS " + fn + "()");
    };
    HttpResponse first, second;
    try {
        first = post_authed("/v1/staff-apply-suspension", staff_body({n}, "ACR"));
        second = post_authed("/v1/staff-apply-suspension", staff_body({n}, "UND"));  // 30 days: a later TS
    } catch (...) {
        drop();
        throw;
    }
    drop();
    EXPECT_NE(first.body.find("OCMS-4007"), std::string::npos) << first.body;
    EXPECT_NE(second.body.find("OCMS-2002"), std::string::npos) << second.body;  // queued behind the first
    auto parked = http("GET", "/ops/api/parked", "", ops_auth());
    ASSERT_EQ(parked.status, 200);
    EXPECT_NE(parked.body.find(n), std::string::npos) << parked.body;
    auto r = http("POST", "/ops/api/parked/retry", R"({"noticeNo":")" + n + R"(","reason":"INC-8 trigger removed"})", ops_auth());
    ASSERT_EQ(r.status, 200) << r.body;
    auto db = readonly_db();
    ASSERT_TRUE(eventually([&] { return scalar(*db, "SELECT count(*) FROM ocms_parked_notice WHERE notice_no = $1", {n}) == 0; },
                           30s));
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = $1", {n}), 2);
    EXPECT_EQ(text("SELECT string_agg(reason_of_suspension, ',' ORDER BY sr_no) FROM ocms_suspended_notice WHERE notice_no = $1",
                   {n}),
              "ACR,UND");
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_support_action WHERE notice_no = $1 AND action = 'retry' "
                          "AND operator = 'night-support'",
                     {n}),
              1);
    EXPECT_EQ(http("POST", "/ops/api/parked/retry", R"({"noticeNo":")" + n + R"(","reason":"again please"})", ops_auth()).status,
              404);
    EXPECT_EQ(http("POST", "/ops/api/parked/discard", R"({"commandId":"no-such-command","reason":"cleanup"})", ops_auth()).status,
              404);
}

TEST(OpsApi, AReplayIsPreviewedAndRecorded) {
    auto n = make_notices(1, "RD1")[0];
    auto applied = post_authed("/v1/staff-apply-suspension", staff_body({n}));
    ASSERT_EQ(applied.status, 200) << applied.body;
    const std::string since = text("SELECT to_char((now() - interval '5 minutes') AT TIME ZONE 'Asia/Singapore', "
                                   "'YYYY-MM-DD\"T\"HH24:MI:SS')");
    const std::string why = "INC-9 " + n;
    auto r = http("POST", "/ops/api/replay",
                  R"({"topic":"ocms.cmd.suspension","noticeNos":[")" + n + R"("],"fromTime":")" + since + R"(",)"
                  R"("reason":")" + why + R"(","dryRun":true,"maxMessages":10000})",
                  ops_auth());
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = doc_of(r);
    EXPECT_TRUE(d["dryRun"].GetBool());
    EXPECT_GE(d["counts"]["matched"].GetInt64(), 1) << r.body;
    EXPECT_GE(d["counts"]["inboxAnswers"].GetInt64(), 1) << r.body;  // already applied: the inbox would answer
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_replay_run WHERE kind = 'replay' AND reason = $1 AND dry_run", {why}), 1);
    EXPECT_EQ(http("POST", "/ops/api/replay", R"({"topic":"ocms.dlq","reason":"x y z"})", ops_auth()).status, 400);
}

}  // namespace
}  // namespace ocms::test
