// A day of auto-revival (spec 004, issue 4): 10,000 due suspensions, some looping, revived by
// commands on ocms.cmd.revival; the worker is killed in the middle and the job is triggered
// twice. Afterwards every suspension is revived exactly once and every looping one re-applied
// exactly once.
#include "support.hpp"

#include "messages/messages.hpp"

#include <gtest/gtest.h>

#include <random>
#include <thread>

namespace ocms::test {
namespace {

using namespace std::chrono_literals;

constexpr int kNotices = 10000;
constexpr int kLoopEvery = 10;  // every 10th notice is TS-CLV at RR3 (loops, 90 days)

std::string make_due_suspensions() {
    static std::mt19937_64 rng{std::random_device{}()};
    static constexpr char alnum[] = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    std::string prefix = "V";
    for (int i = 0; i < 3; ++i) prefix += alnum[rng() % (sizeof alnum - 1)];
    auto db = owner_db();
    // One statement per table, generate_series: the fixture is data, not 10,000 round trips.
    const std::string series = "SELECT $1 || lpad(i::text, 6, '0') AS notice_no, (i % " + std::to_string(kLoopEvery) +
                               " = 0) AS loops FROM generate_series(0, " + std::to_string(kNotices - 1) + ") i";
    auto von = db->exec(
        "INSERT INTO ocms_valid_offence_notice (notice_no, vehicle_no, offence_notice_type, last_processing_stage, "
        "last_processing_date, amount_payable, amount_paid, suspension_type, due_date_of_revival, cre_user_id) "
        "SELECT notice_no, 'SBA1234A', 'O', CASE WHEN loops THEN 'RR3' ELSE 'RD1' END, now() - interval '30 days', "
        "70.00, 0, 'TS', now() - interval '1 hour', 'test' FROM (" + series + ") s",
        {prefix});
    if (!von) throw std::runtime_error(von.error().message);
    auto ez = db->exec(
        "INSERT INTO eocms_valid_offence_notice (notice_no, vehicle_no, offence_notice_type, last_processing_stage, "
        "amount_payable, amount_paid, suspension_type, due_date_of_revival, cre_user_id) "
        "SELECT notice_no, 'SBA1234A', 'O', CASE WHEN loops THEN 'RR3' ELSE 'RD1' END, 70.00, 0, 'TS', "
        "now() - interval '1 hour', 'test' FROM (" + series + ") s",
        {prefix});
    if (!ez) throw std::runtime_error(ez.error().message);
    auto sn = db->exec(
        "INSERT INTO ocms_suspended_notice (notice_no, suspension_source, suspension_type, reason_of_suspension, "
        "officer_authorising_suspension, due_date_of_revival, date_of_suspension, cre_user_id, process_indicator) "
        "SELECT notice_no, 'OCMS', 'TS', CASE WHEN loops THEN 'CLV' ELSE 'ACR' END, 'JOHNLEE', "
        "now() - interval '1 hour', now() - interval '21 days', 'test', 'manual' FROM (" + series + ") s",
        {prefix});
    if (!sn) throw std::runtime_error(sn.error().message);
    return prefix;
}

long long count(const std::string& sql, const std::string& prefix) {
    auto db = readonly_db();
    return scalar(*db, sql, {prefix + "%"});
}

HttpResponse trigger() { return post_authed("/api/cron/auto-revival/trigger", ""); }

TEST(AutoRevival, TenThousandDueRevivedExactlyOnceWithAKilledWorkerAndTwoTriggers) {
    const std::string prefix = make_due_suspensions();
    const std::string like = "notice_no LIKE $1";

    auto first = trigger();
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_TRUE(first.json()["success"].GetBool()) << first.body;

    // Kill the worker once it is under way, bring it back, and trigger the job again while the
    // first run's commands are still being applied.
    ASSERT_TRUE(eventually(
        [&] { return count("SELECT count(*) FROM ocms_suspended_notice WHERE " + like + " AND date_of_revival IS NOT NULL", prefix) > 500; },
        120s));
    ASSERT_EQ(sh("kill -9 \"$(cat .data/run/worker.pid)\""), 0);
    auto second = trigger();
    ASSERT_EQ(second.status, 200) << second.body;
    ASSERT_EQ(sh("infra/run --only worker >/dev/null 2>&1"), 0);

    ASSERT_TRUE(wait_group_caught_up(messages::kTopicRevival, 300s)) << "workers did not catch up";
    const long long loops = kNotices / kLoopEvery;
    // Every original suspension revived, once: one inbox row per (notice, original sr_no).
    EXPECT_EQ(count("SELECT count(*) FROM ocms_suspended_notice WHERE " + like +
                        " AND reason_of_suspension IN ('ACR', 'CLV') AND officer_authorising_suspension = 'JOHNLEE' "
                        "AND date_of_revival IS NOT NULL AND revival_reason = 'SPO'",
                    prefix),
              kNotices);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_command_inbox WHERE command_id LIKE 'auto-revival:' || $1", prefix),
              kNotices);
    // Non-looping notices: no suspension left, next processing in two days, mirror cleared.
    EXPECT_EQ(count("SELECT count(*) FROM ocms_valid_offence_notice WHERE " + like +
                        " AND last_processing_stage = 'RD1' AND suspension_type IS NULL "
                        "AND next_processing_date > now() + interval '47 hours'",
                    prefix),
              kNotices - loops);
    EXPECT_EQ(count("SELECT count(*) FROM eocms_valid_offence_notice WHERE " + like +
                        " AND last_processing_stage = 'RD1' AND suspension_type IS NULL",
                    prefix),
              kNotices - loops);
    // Looping notices: re-applied exactly once (two records each, the new one open, 90 days).
    EXPECT_EQ(count("SELECT count(*) FROM ocms_suspended_notice WHERE " + like +
                        " AND reason_of_suspension = 'CLV' AND date_of_revival IS NULL "
                        "AND due_date_of_revival > now() + interval '89 days'",
                    prefix),
              loops);
    EXPECT_EQ(count("SELECT count(*) FROM (SELECT notice_no FROM ocms_suspended_notice WHERE " + like +
                        " GROUP BY notice_no HAVING count(*) <> CASE WHEN bool_or(reason_of_suspension = 'CLV') "
                        "THEN 2 ELSE 1 END) x",
                    prefix),
              0)
        << "a notice was revived or re-applied more than once";
    EXPECT_EQ(count("SELECT count(*) FROM ocms_valid_offence_notice WHERE " + like +
                        " AND last_processing_stage = 'RR3' AND suspension_type = 'TS' "
                        "AND due_date_of_revival > now() + interval '89 days'",
                    prefix),
              loops);
    // A third run finds nothing due among them.
    auto third = trigger();
    ASSERT_EQ(third.status, 200) << third.body;
    EXPECT_EQ(count("SELECT count(*) FROM ocms_valid_offence_notice WHERE " + like +
                        " AND suspension_type = 'TS' AND due_date_of_revival <= now()",
                    prefix),
              0);
    std::cout << "[auto-revival] " << kNotices << " due, " << loops << " looping; first trigger: " << first.body
              << "; second: " << second.body << "\n";
}

}  // namespace
}  // namespace ocms::test
