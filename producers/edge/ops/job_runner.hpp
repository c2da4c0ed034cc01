#pragma once
// Timed jobs on demand (spec 004 1.5: POST /api/cron/auto-revival/trigger). The edge does not run
// them: it asks ocms-scheduler, where jobs run, and answers with what the scheduler says
// (jobs/job_requests.hpp, table ocms_job_request). JobRunner is the seam the trigger handler sees
// (tests put a fake behind it). PgJobRunner queues a request (role ocmsiz_app_conn may insert and
// read requests, nothing else of the job) and polls its state on a thread pool of ONE thread it
// owns, never on the io threads: triggers queue behind one another, and the scheduler answers
// requests that arrive during one run with the next (docs/decisions.md "The auto-revival trigger").
#include "core/error.hpp"
#include "jobs/auto_revival.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

namespace ocms::edge {

using AutoRevivalResult = Result<jobs::AutoRevivalStats>;
using AutoRevivalCallback = std::function<void(AutoRevivalResult)>;

class JobRunner {
public:
    virtual ~JobRunner() = default;
    // Asks for an auto-revival run now and waits for its answer; cb is posted to ex exactly once
    // with the run's figures, or an Error whose message the caller may see (no internals: the
    // scheduler's log has the cause under the request's id).
    virtual void auto_revival(boost::asio::any_io_executor ex, const std::string& request_id, AutoRevivalCallback cb) = 0;
};

struct JobWait {
    std::chrono::milliseconds timeout{300'000};  // OCMS_EDGE_JOB_WAIT_MS: longer than a 10,000-notice run
    std::chrono::milliseconds poll{200};
};

class PgJobRunner : public JobRunner {
public:
    PgJobRunner(std::string pg_url, JobWait wait = {});
    ~PgJobRunner() override;  // stops waiting (requests stay queued for the scheduler)
    void auto_revival(boost::asio::any_io_executor ex, const std::string& request_id, AutoRevivalCallback cb) override;

private:
    AutoRevivalResult ask(const std::string& request_id);

    std::string pg_url_;
    JobWait wait_;
    std::atomic<bool> stopping_{false};
    boost::asio::thread_pool thread_{1};
};

}  // namespace ocms::edge
