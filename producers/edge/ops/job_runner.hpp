#pragma once
// Timed jobs run on demand through the edge (spec 004 1.5: POST /api/cron/auto-revival/trigger).
// JobRunner is the seam the trigger handler sees (tests put a fake behind it). PgJobRunner runs
// each job on a thread pool of ONE thread it owns, never on the io threads: triggers queue behind
// one another (a second trigger while one runs waits, then publishes the same command ids, which
// the workers' inbox answers). Each run opens its own PostgreSQL connection (OCMS_EDGE_PG_URL;
// the edge role reads VON and ocms_suspended_notice) and its own Kafka producer, flushed and
// closed at the end of the run, so a 60 s flush of 10,000 commands never waits on, or delays,
// the gateway's producer (docs/decisions.md "The auto-revival trigger").
#include "core/error.hpp"
#include "jobs/auto_revival.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include <expected>
#include <functional>
#include <string>

namespace ocms::edge {

using AutoRevivalResult = Result<jobs::AutoRevivalStats>;  // the Error is for the log only
using AutoRevivalCallback = std::function<void(AutoRevivalResult)>;

class JobRunner {
public:
    virtual ~JobRunner() = default;
    // Runs jobs::revive_due_notices now; cb is posted to ex exactly once.
    virtual void auto_revival(boost::asio::any_io_executor ex, AutoRevivalCallback cb) = 0;
};

class PgJobRunner : public JobRunner {
public:
    PgJobRunner(std::string pg_url, std::string brokers);
    ~PgJobRunner() override;  // waits for a running job
    void auto_revival(boost::asio::any_io_executor ex, AutoRevivalCallback cb) override;

private:
    std::string pg_url_;
    std::string brokers_;
    boost::asio::thread_pool thread_{1};
};

}  // namespace ocms::edge
