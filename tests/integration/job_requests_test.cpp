// Jobs on request (producers/jobs/job_requests.*, schemas/sql/0009_job_requests.sql) against the
// real database: queue, claim, answer, read back, requeue. Each test runs in a transaction it
// rolls back, so the running ocms-scheduler (which polls the same table) never sees its rows:
// its claim skips rows another transaction holds, and these rows are not even committed.
// The trigger's whole path, edge -> table -> scheduler -> table -> edge, is
// tests/integration/auto_revival_test.cpp.
#include "support.hpp"

#include "jobs/job_requests.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace ocms::test {
namespace {

class JobRequests : public ::testing::Test {
protected:
    void SetUp() override {
        db = owner_db();
        ASSERT_TRUE(db);
        ASSERT_TRUE(db->exec("BEGIN"));
    }
    void TearDown() override { (void)db->exec("ROLLBACK"); }
    std::unique_ptr<pg::Connection> db;
};

TEST_F(JobRequests, AQueuedRequestIsClaimedOnceAndAnsweredWithTheRunsFigures) {
    auto a = jobs::request_job(*db, jobs::kJobAutoRevival, "edge", "req-a");
    auto b = jobs::request_job(*db, jobs::kJobAutoRevival, "edge", "req-b");
    ASSERT_TRUE(a && b);
    auto state = jobs::job_state(*db, *a);
    ASSERT_TRUE(state && *state);
    EXPECT_EQ((*state)->status, jobs::JobStatus::queued);
    EXPECT_FALSE((*state)->stats);

    auto claimed = jobs::claim_jobs(*db, jobs::kJobAutoRevival);
    ASSERT_TRUE(claimed) << claimed.error().message;
    EXPECT_TRUE(std::ranges::find(*claimed, *a) != claimed->end());
    EXPECT_TRUE(std::ranges::find(*claimed, *b) != claimed->end());
    EXPECT_EQ((*jobs::job_state(*db, *a))->status, jobs::JobStatus::running);
    auto again = jobs::claim_jobs(*db, jobs::kJobAutoRevival);
    ASSERT_TRUE(again);
    EXPECT_TRUE(std::ranges::find(*again, *a) == again->end()) << "a running request is not claimed twice";

    // One run answers both requests.
    ASSERT_TRUE(jobs::finish_jobs(*db, {*a, *b}, jobs::AutoRevivalStats{12, 12, 0}));
    for (long long id : {*a, *b}) {
        auto s = jobs::job_state(*db, id);
        ASSERT_TRUE(s && *s);
        EXPECT_EQ((*s)->status, jobs::JobStatus::done);
        ASSERT_TRUE((*s)->stats);
        EXPECT_EQ((*s)->stats->due, 12);
        EXPECT_EQ((*s)->stats->published, 12);
        EXPECT_EQ((*s)->stats->failed, 0);
        EXPECT_EQ((*s)->error, "");
    }
}

TEST_F(JobRequests, AFailedRunIsFailedWithItsFiguresOrItsCause) {
    auto counted = jobs::request_job(*db, jobs::kJobAutoRevival, "edge", "req-c");
    auto broken = jobs::request_job(*db, jobs::kJobAutoRevival, "edge", "req-d");
    ASSERT_TRUE(counted && broken);
    ASSERT_TRUE(jobs::claim_jobs(*db, jobs::kJobAutoRevival));
    ASSERT_TRUE(jobs::finish_jobs(*db, {*counted}, jobs::AutoRevivalStats{5, 3, 2}));
    ASSERT_TRUE(jobs::finish_jobs(*db, {*broken}, std::unexpected(Error{codes::kInternal, "database: gone"})));

    auto c = *jobs::job_state(*db, *counted);
    EXPECT_EQ(c->status, jobs::JobStatus::failed);
    ASSERT_TRUE(c->stats);
    EXPECT_EQ(c->stats->failed, 2);
    EXPECT_EQ(c->error, "2 commands not acknowledged by the broker");

    auto d = *jobs::job_state(*db, *broken);
    EXPECT_EQ(d->status, jobs::JobStatus::failed);
    EXPECT_FALSE(d->stats) << "a run that never counted has no figures";
    EXPECT_EQ(d->error, "database: gone");
}

TEST_F(JobRequests, ARequestLeftRunningIsQueuedAgainAndAnUnknownIdIsNone) {
    auto id = jobs::request_job(*db, jobs::kJobAutoRevival, "edge", "req-e");
    ASSERT_TRUE(id);
    ASSERT_TRUE(jobs::claim_jobs(*db, jobs::kJobAutoRevival));
    auto n = jobs::requeue_running(*db);
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_GE(*n, 1);
    EXPECT_EQ((*jobs::job_state(*db, *id))->status, jobs::JobStatus::queued);

    auto none = jobs::job_state(*db, -1);
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
}

}  // namespace
}  // namespace ocms::test
