// The support console's API handlers (ops/ops.hpp, issue 8) through the pipeline, with the fake
// OpsStore of fakes.hpp: what the store is asked (the operator is the token's subject), its JSON
// passed on as the answer, 404 for nothing to act on, 400 for a run the store calls invalid, 500
// for a store that fails - no database or broker. And the console's static files (/ops/{asset}).
#include "ops/ops.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace edge_test;
namespace http = boost::beast::http;

namespace {

const std::string kDbError =
    R"({"data":{"appCode":"OCMS-5000","message":"The support database could not be read; please retry"}})";

class OpsRoutes : public ::testing::Test {
protected:
    Fixture f;
    std::shared_ptr<FakeOpsStore> ops = f.ops;
    std::string token = make_token({"OPS"}, 600, kIssuer, kKey, "", "ops-officer");

    HttpResponse get(const std::string& target) {
        return f.call(http::verb::get, target, "", {{"Authorization", "Bearer " + token}});
    }
    HttpResponse post(const std::string& path, const std::string& body) { return f.post(path, body, token); }
};

}  // namespace

// ---- reads ---------------------------------------------------------------------------------------

TEST_F(OpsRoutes, HistoryAsksForThePathsNoticeAndPassesTheJsonOn) {
    ops->history_call.result = std::string(R"({"notice":{"noticeNo":"500500303J"},"commands":[]})");
    auto r = get("/ops/api/history/500500303J");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(r.body(), R"({"notice":{"noticeNo":"500500303J"},"commands":[]})");
    EXPECT_EQ(std::string(r[http::field::content_type]), "application/json");
    EXPECT_EQ(ops->history_call.asked, std::vector<std::string>{"500500303J"});
}

TEST_F(OpsRoutes, HistoryOfANonNoticeIs400AndReadsNothing) {
    for (const char* bad : {"/ops/api/history/500500303JX", "/ops/api/history/5005-0303"}) {
        auto r = get(bad);
        EXPECT_EQ(r.result_int(), 400u) << bad << " -> " << r.body();
        EXPECT_EQ(app_code(r), "OCMS-4000");
    }
    EXPECT_TRUE(ops->history_call.asked.empty());
}

TEST_F(OpsRoutes, ReadsWithTheStoreDownAre500AndHideTheCause) {
    ops->history_call.result = store_down("permission denied for table ocms_command_inbox");
    ops->dead_letters_call.result = store_down("permission denied for table ocms_command_inbox");
    ops->parked_call.result = store_down("permission denied for table ocms_command_inbox");
    for (const char* target : {"/ops/api/history/500500303J", "/ops/api/dead-letters", "/ops/api/parked"}) {
        auto r = get(target);
        EXPECT_EQ(r.result_int(), 500u) << target;
        EXPECT_EQ(r.body(), kDbError) << target;
    }
    EXPECT_EQ(ops->history_call.asked.size() + ops->dead_letters_call.asked.size() + ops->parked_call.asked.size(), 3u);
}

TEST_F(OpsRoutes, DeadLettersStatusDefaultsToOpenAndAllAsksForEvery) {
    ops->dead_letters_call.result = std::string(R"([{"id":7}])");
    auto open = get("/ops/api/dead-letters");
    ASSERT_EQ(open.result_int(), 200u) << open.body();
    EXPECT_EQ(open.body(), R"([{"id":7}])");
    EXPECT_EQ(get("/ops/api/dead-letters?status=REDRIVEN").result_int(), 200u);
    EXPECT_EQ(get("/ops/api/dead-letters?status=ALL").result_int(), 200u);
    EXPECT_EQ(get("/ops/api/dead-letters?status=").result_int(), 200u);
    EXPECT_EQ(ops->dead_letters_call.asked, (std::vector<std::string>{"OPEN", "REDRIVEN", "", "OPEN"}));
}

TEST_F(OpsRoutes, DeadLettersUnknownStatusIs400AndReadsNothing) {
    auto r = get("/ops/api/dead-letters?status=open");
    EXPECT_EQ(r.result_int(), 400u);
    EXPECT_EQ(r.body(), R"({"data":{"appCode":"OCMS-4000","message":"status is OPEN, REDRIVEN, DISCARDED or ALL"}})");
    EXPECT_TRUE(ops->dead_letters_call.asked.empty());
}

TEST_F(OpsRoutes, ParkedPassesTheJsonOn) {
    ops->parked_call.result = std::string(R"([{"noticeNo":"500500303J","commands":2}])");
    auto r = get("/ops/api/parked");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(r.body(), R"([{"noticeNo":"500500303J","commands":2}])");
    EXPECT_EQ(ops->parked_call.asked.size(), 1u);
}

TEST_F(OpsRoutes, NoSupportStoreIs500) {
    f.ops.reset();
    EXPECT_EQ(get("/ops/api/parked").body(), kDbError);
    EXPECT_EQ(post("/ops/api/redrive", R"({"deadLetterIds":[1],"reason":"schema fixed"})").result_int(), 500u);
}

// ---- parked: retry and discard ---------------------------------------------------------------------

TEST_F(OpsRoutes, RetryAsksWithTheOperatorAndReason) {
    ops->retry_call.result = true;
    auto r = post("/ops/api/parked/retry", R"({"noticeNo":"500500303J","reason":"reference data fixed"})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(r.body(), R"({"noticeNo":"500500303J","retryRequested":true})");
    ASSERT_EQ(ops->retry_call.asked.size(), 1u);
    EXPECT_EQ(ops->retry_call.asked[0].notice_no, "500500303J");
    EXPECT_EQ(ops->retry_call.asked[0].operator_name, "ops-officer");
    EXPECT_EQ(ops->retry_call.asked[0].reason, "reference data fixed");
}

TEST_F(OpsRoutes, RetryOfANoticeNotParkedIs404) {
    ops->retry_call.result = false;
    auto r = post("/ops/api/parked/retry", R"({"noticeNo":"500500303J","reason":"reference data fixed"})");
    EXPECT_EQ(r.result_int(), 404u);
    EXPECT_EQ(r.body(), R"({"data":{"appCode":"OCMS-4000","message":"Notice 500500303J is not parked"}})");
}

TEST_F(OpsRoutes, RetryRefusedBySchemaAsksNothingAndStoreDownIs500) {
    EXPECT_EQ(post("/ops/api/parked/retry", R"({"noticeNo":"500500303J","reason":"no"})").result_int(), 400u);
    EXPECT_EQ(post("/ops/api/parked/retry", R"({"noticeNo":"5005\"03J","reason":"quote"})").result_int(), 400u);
    EXPECT_TRUE(ops->retry_call.asked.empty());
    ops->retry_call.result = store_down("connection refused");
    auto r = post("/ops/api/parked/retry", R"({"noticeNo":"500500303J","reason":"reference data fixed"})");
    EXPECT_EQ(r.result_int(), 500u);
    EXPECT_EQ(r.body(), kDbError);
}

TEST_F(OpsRoutes, DiscardAsksWithTheOperatorAndReason) {
    ops->discard_call.result = true;
    auto r = post("/ops/api/parked/discard", R"({"commandId":"cmd-\"1\"","reason":"duplicate of cmd-2"})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(r.body(), R"({"commandId":"cmd-\"1\"","discarded":true})");
    ASSERT_EQ(ops->discard_call.asked.size(), 1u);
    EXPECT_EQ(ops->discard_call.asked[0].command_id, "cmd-\"1\"");
    EXPECT_EQ(ops->discard_call.asked[0].operator_name, "ops-officer");
    EXPECT_EQ(ops->discard_call.asked[0].reason, "duplicate of cmd-2");
}

TEST_F(OpsRoutes, DiscardOfNoParkedCommandIs404AndStoreDownIs500) {
    auto none = post("/ops/api/parked/discard", R"({"commandId":"cmd-9","reason":"duplicate"})");
    EXPECT_EQ(none.result_int(), 404u);
    EXPECT_EQ(none.body(), R"({"data":{"appCode":"OCMS-4000","message":"No parked command cmd-9"}})");
    ops->discard_call.result = store_down("connection refused");
    auto down = post("/ops/api/parked/discard", R"({"commandId":"cmd-9","reason":"duplicate"})");
    EXPECT_EQ(down.result_int(), 500u);
    EXPECT_EQ(down.body(), kDbError);
    EXPECT_EQ(ops->discard_call.asked.size(), 2u);
}

// ---- redrive and replay ----------------------------------------------------------------------------

TEST_F(OpsRoutes, RedriveAsksForTheRunAndPassesItsAnswerOn) {
    ops->run_call.result = std::string(R"({"runId":12,"dryRun":false,"counts":{"redriven":2},"items":[]})");
    auto r = post("/ops/api/redrive", R"({"deadLetterIds":[3,4],"reason":"schema fixed","dryRun":false})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(r.body(), R"({"runId":12,"dryRun":false,"counts":{"redriven":2},"items":[]})");
    ASSERT_EQ(ops->run_call.asked.size(), 1u);
    const auto& run = ops->run_call.asked[0];
    EXPECT_EQ(run.kind, "redrive");
    EXPECT_EQ(run.dead_letter_ids, (std::vector<std::int64_t>{3, 4}));
    EXPECT_EQ(run.operator_name, "ops-officer");
    EXPECT_EQ(run.reason, "schema fixed");
    EXPECT_FALSE(run.dry_run);
}

TEST_F(OpsRoutes, ReplayAsksForTheRangeDryRunByDefault) {
    ops->run_call.result = std::string(R"({"runId":13,"dryRun":true,"counts":{},"items":[]})");
    auto r = post("/ops/api/replay", R"({"topic":"ocms.cmd.stage","partitions":[0,2],"fromOffset":5,"toOffset":9,
                                        "noticeNos":["500500303J"],"maxMessages":100,"reason":"after the fix"})");
    ASSERT_EQ(r.result_int(), 200u) << r.body();
    ASSERT_EQ(ops->run_call.asked.size(), 1u);
    const auto& run = ops->run_call.asked[0];
    EXPECT_EQ(run.kind, "replay");
    EXPECT_EQ(run.topic, "ocms.cmd.stage");
    EXPECT_EQ(run.partitions, (std::vector<std::int32_t>{0, 2}));
    EXPECT_EQ(run.from_offset, std::optional<std::int64_t>(5));
    EXPECT_EQ(run.to_offset, std::optional<std::int64_t>(9));
    EXPECT_EQ(run.notice_nos, std::vector<std::string>{"500500303J"});
    EXPECT_EQ(run.max_messages, 100);
    EXPECT_TRUE(run.dry_run);
    EXPECT_EQ(run.operator_name, "ops-officer");
}

TEST_F(OpsRoutes, RunTheStoreCallsInvalidIs400WithItsReason) {
    ops->run_call.result = store_refuses("dead letter 4 is not OPEN");
    auto r = post("/ops/api/redrive", R"({"deadLetterIds":[4],"reason":"schema fixed"})");
    EXPECT_EQ(r.result_int(), 400u);
    EXPECT_EQ(r.body(), R"({"data":{"appCode":"OCMS-4000","message":"dead letter 4 is not OPEN"}})");
}

TEST_F(OpsRoutes, RunWithTheStoreDownIs500) {
    ops->run_call.result = store_down("broker unreachable");
    auto r = post("/ops/api/replay", R"({"topic":"ocms.cmd.court","reason":"after the fix"})");
    EXPECT_EQ(r.result_int(), 500u);
    EXPECT_EQ(r.body(), kDbError);
    EXPECT_EQ(ops->run_call.asked.size(), 1u);
}

TEST_F(OpsRoutes, RunRefusalsAskNothing) {
    auto blank = post("/ops/api/redrive", R"({"deadLetterIds":[4],"reason":"    "})");
    EXPECT_EQ(blank.result_int(), 400u);
    EXPECT_EQ(blank.body(),
              R"({"data":{"appCode":"OCMS-4000","message":"A reason is required: it is recorded with the run"}})");
    auto both = post("/ops/api/replay", R"({"topic":"ocms.cmd.stage","fromOffset":1,"fromTime":"2025-12-20T10:00:00",
                                           "reason":"after the fix"})");
    EXPECT_EQ(both.result_int(), 400u);
    EXPECT_EQ(error_message(both), "fromOffset or fromTime, not both");
    auto topic = post("/ops/api/replay", R"({"topic":"ocms.reply","reason":"after the fix"})");
    EXPECT_EQ(topic.result_int(), 400u);
    EXPECT_TRUE(ops->run_call.asked.empty());
}

TEST_F(OpsRoutes, OnlyTheOpsRoleReachesTheStore) {
    const std::string staff = make_token({"OCMS_STAFF"});
    EXPECT_EQ(f.call(http::verb::get, "/ops/api/parked", "", {{"Authorization", "Bearer " + staff}}).result_int(),
              403u);
    EXPECT_EQ(f.post("/ops/api/redrive", R"({"deadLetterIds":[1],"reason":"schema fixed"})", staff).result_int(), 403u);
    EXPECT_TRUE(ops->parked_call.asked.empty());
    EXPECT_TRUE(ops->run_call.asked.empty());
}

// ---- the console's files (/ops/{asset}) ------------------------------------------------------------

TEST(OpsAsset, ServesTheConsolesFilesWithTheirTypeAndNothingElse) {
    Fixture f;
    const auto dir = std::filesystem::temp_directory_path() / ("ocms-ops-asset-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "app.js") << "console.log('ops')";
    std::ofstream(dir / "notes.txt") << "not an asset";
    f.config->console_dir = dir.string();
    auto js = f.call(http::verb::get, "/ops/app.js", "");
    EXPECT_EQ(js.result_int(), 200u) << js.body();
    EXPECT_EQ(js.body(), "console.log('ops')");
    EXPECT_EQ(std::string(js[http::field::content_type]), "application/javascript; charset=utf-8");
    EXPECT_NE(std::string(js["Content-Security-Policy"]).find("default-src 'self'"), std::string::npos);
    EXPECT_EQ(std::string(js["X-Content-Type-Options"]), "nosniff");
    for (const char* target : {"/ops/notes.txt", "/ops/missing.css", "/ops/.app.js"}) {
        auto r = f.call(http::verb::get, target, "");
        EXPECT_EQ(r.result_int(), 404u) << target << " -> " << r.body();
        EXPECT_EQ(app_code(r), "OCMS-4000");
    }
    std::filesystem::remove_all(dir);
}
