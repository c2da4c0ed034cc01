// POST /api/cron/auto-revival/trigger (spec 004 1.5) through the pipeline with the fake job runner
// of fakes.hpp: roles, the empty body, and the answer {"success","message"}.
#include "revival/auto_revival_trigger.hpp"
#include "ops/job_runner.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

using namespace edge_test;

namespace {

const std::string kPath = "/api/cron/auto-revival/trigger";

struct Trigger : ::testing::Test {
    Fixture f;
    std::shared_ptr<FakeJobRunner> jobs = f.jobs;
    int runs() const { return int(jobs->auto_revival_call.asked.size()); }
};

std::pair<bool, std::string> answer(const HttpResponse& r) {
    auto d = json::parse(r.body());
    if (!d || !d->IsObject() || !d->HasMember("success") || !(*d)["success"].IsBool()) return {false, "<bad>"};
    return {(*d)["success"].GetBool(), std::string(json::get_string(*d, "message").value_or("<none>"))};
}

}  // namespace

TEST_F(Trigger, NoBodyRunsTheJobAndAnswersTheSpecsShape) {
    jobs->auto_revival_call.result = jobs::AutoRevivalStats{10000, 10000, 0};
    auto r = f.post(kPath, "", make_token({"OPS"}));
    EXPECT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(answer(r), (std::pair<bool, std::string>{true, "Auto-revival: 10000 due, 10000 published, 0 failed"}));
    EXPECT_EQ(r.body(), R"({"success":true,"message":"Auto-revival: 10000 due, 10000 published, 0 failed"})");
    EXPECT_EQ(runs(), 1);
}

TEST_F(Trigger, EmptyObjectBodyAndTheInternalRole) {
    auto r = f.post(kPath, "{}", make_token({"INTERNAL"}));
    EXPECT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_EQ(answer(r), (std::pair<bool, std::string>{true, "Auto-revival: 0 due, 0 published, 0 failed"}));
}

TEST_F(Trigger, AnythingElseInTheBodyIsRefused) {
    auto r = f.post(kPath, R"({"now":"2025-01-01"})", make_token({"OPS"}));
    EXPECT_EQ(r.result_int(), 400u);
    EXPECT_EQ(app_code(r), "OCMS-4000");
    EXPECT_EQ(f.post(kPath, "[", make_token({"OPS"})).result_int(), 400u);
    EXPECT_EQ(runs(), 0);
}

TEST_F(Trigger, OtherRolesAndNoTokenAreRefused) {
    EXPECT_EQ(f.post(kPath, "", make_token({"OCMS_STAFF", "PLUS"})).result_int(), 403u);
    EXPECT_EQ(f.post(kPath, "", "").result_int(), 401u);
    EXPECT_EQ(runs(), 0);
}

TEST_F(Trigger, BrokerFailuresAnswer500WithTheFigures) {
    jobs->auto_revival_call.result = jobs::AutoRevivalStats{100, 90, 10};
    auto r = f.post(kPath, "", make_token({"OPS"}));
    EXPECT_EQ(r.result_int(), 500u);
    EXPECT_EQ(answer(r), (std::pair<bool, std::string>{false, "Auto-revival: 100 due, 90 published, 10 failed"}));
}

TEST_F(Trigger, DatabaseFailureAnswers500) {
    jobs->auto_revival_call.result = store_down("database: connection refused");
    auto r = f.post(kPath, "", make_token({"OPS"}));
    EXPECT_EQ(r.result_int(), 500u);
    EXPECT_EQ(answer(r),
              (std::pair<bool, std::string>{false, "Auto-revival failed: database: connection refused"}));
}

TEST_F(Trigger, NoRunnerConfiguredAnswers500) {
    f.jobs.reset();
    auto r = f.post(kPath, "", make_token({"OPS"}));
    EXPECT_EQ(r.result_int(), 500u);
    EXPECT_FALSE(answer(r).first);
}

TEST(TriggerRender, AllPublishedIsSuccess) {
    auto ok = auto_revival_trigger::render(jobs::AutoRevivalStats{3, 3, 0});
    EXPECT_EQ(ok.status, 200u);
    // Delivery reports missing after the flush (neither published nor failed) are a failure too.
    auto short_ = auto_revival_trigger::render(jobs::AutoRevivalStats{3, 2, 0});
    EXPECT_EQ(short_.status, 500u);
}
