#include "jobs/job_requests.hpp"

#include <string>

namespace ocms::jobs {

namespace {

// "{1,2,3}": a bigint[] parameter.
std::string id_array(const std::vector<long long>& ids) {
    std::string out = "{";
    for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
    return out + "}";
}

std::optional<JobStatus> status_of(std::string_view s) {
    if (s == "queued") return JobStatus::queued;
    if (s == "running") return JobStatus::running;
    if (s == "done") return JobStatus::done;
    if (s == "failed") return JobStatus::failed;
    return std::nullopt;
}

}  // namespace

Result<long long> request_job(pg::Connection& db, std::string_view job, const std::string& requested_by,
                              const std::string& request_id) {
    auto r = db.exec("INSERT INTO ocms_job_request (job, requested_by, request_id) VALUES ($1, $2, $3) RETURNING id",
                     {std::string(job), requested_by, request_id});
    if (!r) return std::unexpected(pg::to_error(r.error()));
    return r->get_int(0, 0);
}

Result<std::optional<JobState>> job_state(pg::Connection& db, long long id) {
    auto r = db.exec("SELECT status, due, published, failed_count, coalesce(error, '') FROM ocms_job_request "
                     "WHERE id = $1",
                     {std::to_string(id)});
    if (!r) return std::unexpected(pg::to_error(r.error()));
    if (r->rows() == 0) return std::optional<JobState>{};
    auto status = status_of(r->get(0, 0));
    if (!status) return fail(codes::kInternal, "job request " + std::to_string(id) + ": unknown status");
    JobState s{*status, std::nullopt, std::string(r->get(0, 4))};
    if (!r->is_null(0, 1)) s.stats = AutoRevivalStats{r->get_int(0, 1), r->get_int(0, 2), r->get_int(0, 3)};
    return std::optional<JobState>{std::move(s)};
}

Result<std::vector<long long>> claim_jobs(pg::Connection& db, std::string_view job) {
    auto r = db.exec(
        "UPDATE ocms_job_request SET status = 'running', started_at = now() WHERE id IN ("
        " SELECT id FROM ocms_job_request WHERE job = $1 AND status = 'queued' ORDER BY id FOR UPDATE SKIP LOCKED)"
        " RETURNING id",
        {std::string(job)});
    if (!r) return std::unexpected(pg::to_error(r.error()));
    std::vector<long long> ids;
    for (int i = 0; i < r->rows(); ++i) ids.push_back(r->get_int(i, 0));
    return ids;
}

Result<void> finish_jobs(pg::Connection& db, const std::vector<long long>& ids, const Result<AutoRevivalStats>& outcome) {
    if (ids.empty()) return {};
    const bool ok = outcome && outcome->failed == 0 && outcome->published == outcome->due;
    std::string error;
    if (!outcome) error = outcome.error().message;
    else if (!ok) error = std::to_string(outcome->failed) + " commands not acknowledged by the broker";
    auto figure = [&](std::int64_t AutoRevivalStats::*m) -> pg::Param {
        return outcome ? pg::Param(std::to_string((*outcome).*m)) : std::nullopt;
    };
    auto r = db.exec(
        "UPDATE ocms_job_request SET status = $2, finished_at = now(), due = $3, published = $4, failed_count = $5, "
        "error = nullif($6, '') WHERE id = ANY($1::bigint[])",
        {id_array(ids), std::string(ok ? "done" : "failed"), figure(&AutoRevivalStats::due),
         figure(&AutoRevivalStats::published), figure(&AutoRevivalStats::failed), error});
    if (!r) return std::unexpected(pg::to_error(r.error()));
    return {};
}

Result<long long> requeue_running(pg::Connection& db) {
    auto r = db.exec("UPDATE ocms_job_request SET status = 'queued', started_at = NULL WHERE status = 'running'");
    if (!r) return std::unexpected(pg::to_error(r.error()));
    return std::stoll(std::string(r->affected().empty() ? "0" : r->affected()));
}

}  // namespace ocms::jobs
