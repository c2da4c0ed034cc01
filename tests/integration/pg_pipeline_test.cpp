// pg::Connection's deferred statements and auto-prepare against the real PostgreSQL: the worker's
// fast path relies on (1) deferred statements running before the next one, in order, in one
// round trip; (2) an error of a deferred statement surfacing at the next call, the connection
// still usable after ROLLBACK; (3) ROLLBACK discarding what is still deferred.
#include "pg/pg.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

using namespace ocms;
using namespace ocms::test;

namespace {

long long count_rows(pg::Connection& db) {
    auto r = db.exec("SELECT count(*) FROM pipeline_probe");
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r ? r->get_int(0, 0) : -1;
}

std::unique_ptr<pg::Connection> probe_db() {
    auto db = owner_db();
    EXPECT_TRUE(db->command("CREATE TEMP TABLE pipeline_probe (n int PRIMARY KEY)").has_value());
    return db;
}

}  // namespace

TEST(PgPipeline, DeferredStatementsRunFirstInOrder) {
    auto db = probe_db();
    ASSERT_TRUE(db->command("BEGIN").has_value());
    db->defer("INSERT INTO pipeline_probe VALUES ($1::int)", {"1"});
    db->defer("SAVEPOINT s");
    db->defer("INSERT INTO pipeline_probe VALUES ($1::int)", {"2"});
    db->defer("RELEASE SAVEPOINT s");
    EXPECT_EQ(db->deferred(), 4u);
    // the next statement sees what was deferred: they ran before it
    auto r = db->exec("SELECT string_agg(n::text, ',' ORDER BY n) FROM pipeline_probe");
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->get(0, 0), "1,2");
    EXPECT_EQ(db->deferred(), 0u);
    db->defer("INSERT INTO pipeline_probe VALUES ($1::int)", {"3"});
    ASSERT_TRUE(db->command("COMMIT").has_value());  // COMMIT sends it too
    EXPECT_EQ(count_rows(*db), 3);
}

TEST(PgPipeline, AnErrorOfADeferredStatementIsTheNextCallsAndRollbackRecovers) {
    auto db = probe_db();
    ASSERT_TRUE(db->command("BEGIN").has_value());
    db->defer("INSERT INTO pipeline_probe VALUES ($1::int)", {"1"});
    db->defer("INSERT INTO pipeline_probe VALUES ($1::int)", {"1"});  // duplicate key
    db->defer("INSERT INTO pipeline_probe VALUES ($1::int)", {"2"});  // skipped
    auto r = db->exec("SELECT 1");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().sqlstate, "23505") << r.error().message;
    EXPECT_EQ(r.error().kind, FaultKind::permanent);
    EXPECT_TRUE(db->ok());
    ASSERT_TRUE(db->command("ROLLBACK").has_value());
    EXPECT_EQ(count_rows(*db), 0);  // nothing of the failed transaction
    // and the connection goes on as before
    db->defer("INSERT INTO pipeline_probe VALUES ($1::int)", {"7"});
    EXPECT_EQ(count_rows(*db), 1);
}

TEST(PgPipeline, RollbackDiscardsWhatIsStillDeferred) {
    auto db = probe_db();
    ASSERT_TRUE(db->command("BEGIN").has_value());
    db->defer("INSERT INTO pipeline_probe VALUES ($1::int)", {"1"});
    db->defer("SELECT 1/0");  // would fail: ROLLBACK must not be skipped behind it
    ASSERT_TRUE(db->command("ROLLBACK").has_value());
    EXPECT_EQ(db->deferred(), 0u);
    auto r = db->exec("SELECT pg_current_xact_id_if_assigned() IS NULL, current_setting('transaction_isolation')");
    ASSERT_TRUE(r.has_value()) << r.error().message;  // not "current transaction is aborted"
    EXPECT_EQ(count_rows(*db), 0);
}

TEST(PgPipeline, AutoPrepareRunsEachTextPreparedOnce) {
    auto db = owner_db();
    db->auto_prepare(true);
    for (int i = 0; i < 3; ++i) {
        auto r = db->exec("SELECT $1::int + 1", {std::to_string(i)});
        ASSERT_TRUE(r.has_value()) << r.error().message;
        EXPECT_EQ(r->get_int(0, 0), i + 1);
    }
    db->defer("SELECT $1::int + 1", {"5"});  // the same text, deferred: the same statement
    auto n = db->exec("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", {"SELECT $1::int + 1"});
    ASSERT_TRUE(n.has_value()) << n.error().message;
    EXPECT_EQ(n->get_int(0, 0), 1);
}
