#include "job_runner.hpp"

#include "core/log.hpp"
#include "jobs/job_requests.hpp"

#include <boost/asio/post.hpp>

#include <exception>
#include <thread>

namespace ocms::edge {

namespace net = boost::asio;

PgJobRunner::PgJobRunner(std::string pg_url, JobWait wait) : pg_url_(std::move(pg_url)), wait_(wait) {}

PgJobRunner::~PgJobRunner() {
    stopping_ = true;
    thread_.join();
}

void PgJobRunner::auto_revival(net::any_io_executor ex, const std::string& request_id, AutoRevivalCallback cb) {
    net::post(thread_, [this, ex, request_id, cb = std::move(cb)]() mutable {
        AutoRevivalResult out = [&]() -> AutoRevivalResult {
            try {
                return ask(request_id);
            } catch (const std::exception& e) {
                log::error("auto-revival request threw", {{"requestId", request_id}, {"error", e.what()}});
                return fail(codes::kInternal, "the request could not be queued");
            }
        }();
        net::post(ex, [cb = std::move(cb), out = std::move(out)]() mutable { cb(std::move(out)); });
    });
}

AutoRevivalResult PgJobRunner::ask(const std::string& request_id) {
    auto db = pg::Connection::connect(pg_url_);
    if (!db) {
        log::error("auto-revival request: database unavailable", {{"requestId", request_id}, {"error", db.error().message}});
        return fail(codes::kInternal, "the request could not be queued (database unavailable)");
    }
    auto id = jobs::request_job(**db, jobs::kJobAutoRevival, "edge", request_id);
    if (!id) {
        log::error("auto-revival request: not queued", {{"requestId", request_id}, {"error", id.error().message}});
        return fail(codes::kInternal, "the request could not be queued");
    }
    const std::string job = std::to_string(*id);
    log::info("auto-revival requested", {{"requestId", request_id}, {"jobRequest", job}});
    const auto deadline = std::chrono::steady_clock::now() + wait_.timeout;
    while (!stopping_ && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(wait_.poll);
        auto state = jobs::job_state(**db, *id);
        if (!state) {
            log::error("auto-revival request: state unreadable", {{"requestId", request_id}, {"jobRequest", job},
                                                                   {"error", state.error().message}});
            return fail(codes::kInternal, "job request " + job + ": its state could not be read");
        }
        if (!*state) return fail(codes::kInternal, "job request " + job + " vanished");
        const jobs::JobState& s = **state;
        if (s.status == jobs::JobStatus::queued || s.status == jobs::JobStatus::running) continue;
        if (s.stats) return *s.stats;  // done, or failed with figures (the trigger says which)
        log::error("auto-revival run failed", {{"requestId", request_id}, {"jobRequest", job}, {"error", s.error}});
        return fail(codes::kInternal, "job request " + job + " failed in ocms-scheduler (its log has the cause)");
    }
    log::warn("auto-revival request not answered in time", {{"requestId", request_id}, {"jobRequest", job}});
    return fail(codes::kInternal, "job request " + job + " not answered within " +
                                      std::to_string(wait_.timeout.count() / 1000) +
                                      " s; it stays queued for ocms-scheduler");
}

}  // namespace ocms::edge
