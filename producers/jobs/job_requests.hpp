#pragma once
// Jobs on request (schemas/sql/0009_job_requests.sql): the edge asks, ocms-scheduler runs, the
// edge answers. request_job queues a request; the scheduler claims every queued request of a job
// at once (claim_jobs: one run answers all of them, as triggers arriving during a run would have
// waited for it anyway), runs the job and writes the outcome (finish_jobs); the edge polls
// job_state until the request is done or failed. A run is safe to repeat (the auto-revival's
// command ids are the records' own), so a request a dead scheduler left running is simply queued
// again by the next one (requeue_running).
#include "core/error.hpp"
#include "jobs/auto_revival.hpp"
#include "pg/pg.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocms::jobs {

inline constexpr std::string_view kJobAutoRevival = "auto-revival";

enum class JobStatus { queued, running, done, failed };

struct JobState {
    JobStatus status = JobStatus::queued;
    std::optional<AutoRevivalStats> stats;  // when the run counted (done, or failed with commands unacknowledged)
    std::string error;                      // when failed: why, for the log (not for callers)
};

// Queues a request (as the edge: role ocmsiz_app_conn); returns its id.
Result<long long> request_job(pg::Connection& db, std::string_view job, const std::string& requested_by,
                              const std::string& request_id);
// The request's state now; nullopt when there is no such request.
Result<std::optional<JobState>> job_state(pg::Connection& db, long long id);

// As the scheduler (role ocms_scheduler): marks every queued request of the job running and
// returns their ids (empty: nothing asked).
Result<std::vector<long long>> claim_jobs(pg::Connection& db, std::string_view job);
// Writes one run's outcome to the requests it answered.
Result<void> finish_jobs(pg::Connection& db, const std::vector<long long>& ids, const Result<AutoRevivalStats>& outcome);
// At the scheduler's start: requests left running by a scheduler that stopped are queued again.
Result<long long> requeue_running(pg::Connection& db);

}  // namespace ocms::jobs
