// ocms-scheduler: runs the timed jobs of producers/jobs on their Singapore clock, or one of them
// once.
//
//   ocms-scheduler                    the daemon:
//       auto-revival daily at OCMS_AUTO_REVIVAL_AT (00:05) and once at start (a day missed while
//       the scheduler was down is caught up; running twice is harmless, jobs/auto_revival.hpp);
//       VIP refresh daily at OCMS_VIP_REFRESH_AT (01:00), and at start when the table was not
//       refreshed since the latest scheduled time; disabled (logged once) without OCMS_CAS_VIP_URL;
//       purge daily at OCMS_PURGE_AT (02:00): inbox, audit and resolved support rows older than
//       OCMS_RETENTION_DAYS (30); refused (error log + alert) when that is shorter than the
//       command topics' retention (OCMS_TOPIC_RETENTION_MS, jobs/purge.hpp).
//       Requests queued by the edge (POST /api/cron/auto-revival/trigger, ocms_job_request) are
//       claimed within OCMS_JOB_POLL_MS (500) and answered by one auto-revival run each
//       (jobs/job_requests.hpp); requests a stopped scheduler left running are queued again at start.
//   ocms-scheduler run vip-refresh    run one job once, for support staff and tests:
//   ocms-scheduler run auto-revival   exit 0 on success, 1 on failure, 2 on a usage or settings error
//   ocms-scheduler run purge          (a refused purge exits 2).
//
// Database: role ocms_scheduler (OCMS_SCHEDULER_PG_URL): reads notices, writes ocms_vip_vehicle,
// deletes what the purge purges.
// Alerts of the VIP refresh: e-mail (OCMS_SMTP_URL, OCMS_ALERT_FROM, OCMS_ALERT_TO) and the
// topic ocms.alert, through one MultiAlertSink.
#include "core/config.hpp"
#include "core/log.hpp"
#include "http/alert.hpp"
#include "http/client.hpp"
#include "jobs/alert_topic.hpp"
#include "jobs/auto_revival.hpp"
#include "jobs/job_requests.hpp"
#include "jobs/purge.hpp"
#include "jobs/schedule.hpp"
#include "jobs/vip_refresh.hpp"

#include <atomic>
#include <csignal>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace ocms;

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// Every setting, read once at start (STYLE.md 7: immutable, shared).
struct Settings {
    std::string brokers;
    std::string pg_url;
    std::string auto_revival_at_text;
    jobs::DailyAt auto_revival_at;
    std::string vip_at_text;
    jobs::DailyAt vip_at;
    std::optional<jobs::CasVipSettings> cas;  // none: the VIP refresh is disabled
    std::chrono::milliseconds vip_lock_timeout{30'000};
    long long kafka_message_timeout_ms = 30'000;
    std::chrono::milliseconds job_poll{500};
    std::string purge_at_text;
    jobs::DailyAt purge_at;
    jobs::PurgeSettings purge;
};

jobs::DailyAt daily_at(const char* name, const std::string& text) {
    auto at = jobs::parse_daily_at(text);
    if (!at) throw std::runtime_error(std::string("setting ") + name + " must be HH:MM, not " + text);
    return *at;
}

std::shared_ptr<const Settings> load_settings() {
    auto s = std::make_shared<Settings>();
    s->brokers = config::env_or("OCMS_KAFKA_BROKERS", "127.0.0.1:9092");
    if (auto url = config::env("OCMS_SCHEDULER_PG_URL")) {
        s->pg_url = *url;
    } else {
        // An env file written before the ocms_scheduler role existed: auto-revival only reads,
        // so the read-only role does; the VIP refresh will fail (it cannot write) and say so.
        s->pg_url = config::env_required("OCMS_PG_URL");
        log::warn("OCMS_SCHEDULER_PG_URL is not set: using OCMS_PG_URL (read-only; the VIP refresh cannot write)");
    }
    s->auto_revival_at_text = config::env_or("OCMS_AUTO_REVIVAL_AT", "00:05");
    s->auto_revival_at = daily_at("OCMS_AUTO_REVIVAL_AT", s->auto_revival_at_text);
    s->vip_at_text = config::env_or("OCMS_VIP_REFRESH_AT", "01:00");
    s->vip_at = daily_at("OCMS_VIP_REFRESH_AT", s->vip_at_text);
    s->cas = jobs::cas_vip_settings_from_env();
    long long lock = config::env_int("OCMS_VIP_LOCK_TIMEOUT_MS", 30'000);
    if (lock < 1) throw std::runtime_error("setting OCMS_VIP_LOCK_TIMEOUT_MS must be >= 1");
    s->vip_lock_timeout = std::chrono::milliseconds{lock};
    s->kafka_message_timeout_ms = config::env_int("OCMS_KAFKA_MESSAGE_TIMEOUT_MS", 30'000);
    long long poll = config::env_int("OCMS_JOB_POLL_MS", 500);
    if (poll < 10) throw std::runtime_error("setting OCMS_JOB_POLL_MS must be >= 10");
    s->job_poll = std::chrono::milliseconds{poll};
    s->purge_at_text = config::env_or("OCMS_PURGE_AT", "02:00");
    s->purge_at = daily_at("OCMS_PURGE_AT", s->purge_at_text);
    s->purge = jobs::purge_settings_from_env();
    return s;
}

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        auto comma = s.find(',', start);
        std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        auto b = item.find_first_not_of(" \t");
        auto e = item.find_last_not_of(" \t");
        if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

// E-mail (when OCMS_SMTP_URL is set) and the topic ocms.alert, fanned out by one sink.
std::shared_ptr<http::AlertSink> make_alert_sink(const Settings& s) {
    std::vector<std::shared_ptr<http::AlertSink>> sinks;
    if (auto url = config::env("OCMS_SMTP_URL")) {
        http::SmtpConfig c;
        c.url = *url;
        c.from = config::env_or("OCMS_ALERT_FROM", "ocms-alerts@localhost");
        c.to = split_list(config::env_or("OCMS_ALERT_TO", ""));
        c.username = config::env_or("OCMS_SMTP_USERNAME", "");
        if (auto pw = config::env("OCMS_SMTP_PASSWORD_FILE")) c.password = config::read_secret_file(*pw);
        c.require_starttls = config::env_or("OCMS_SMTP_STARTTLS", "0") == "1";
        if (c.to.empty()) throw std::runtime_error("setting OCMS_ALERT_TO is required when OCMS_SMTP_URL is set");
        log::info("alert e-mails on", {{"smtp", http::redact_url(c.url)}, {"to", config::env_or("OCMS_ALERT_TO", "")}});
        sinks.push_back(std::make_shared<http::SmtpAlertSink>(std::move(c)));
    } else {
        log::warn("alert e-mails are off: OCMS_SMTP_URL is not set (alerts go to the log and to ocms.alert)");
    }
    auto topic = jobs::TopicAlertSink::create(s.brokers, "ocms-scheduler");
    if (topic) sinks.push_back(std::move(*topic));
    else log::error("alert events are off", {{"topic", jobs::kTopicAlert}, {"error", topic.error().message}});
    return std::make_shared<http::MultiAlertSink>(std::move(sinks));
}

// The VIP refresh, wired: one client (retries, token, alerts) and the job.
class VipRefresh {
public:
    explicit VipRefresh(std::shared_ptr<const Settings> s)
        : s_(std::move(s)), alerts_(make_alert_sink(*s_)), client_(jobs::cas_client_options(*s_->cas, alerts_)) {
        log::info("vip refresh configured", {{"url", http::redact_url(s_->cas->vip_url)},
                                             {"token", s_->cas->token_url.empty() ? "none" : http::redact_url(s_->cas->token_url)},
                                             {"at", s_->vip_at_text}});
    }
    bool run() {
        jobs::VipRefreshOptions o;
        o.request_timeout = s_->cas->timeout;
        o.lock_timeout = s_->vip_lock_timeout;
        return jobs::run_vip_refresh(client_, s_->cas->vip_url, s_->pg_url, alerts_.get(), o).has_value();
    }
    // At start: run when the table missed the latest scheduled refresh.
    bool due_at_start() {
        auto db = pg::Connection::connect(s_->pg_url);
        if (!db) {
            log::warn("vip refresh: cannot read the last refresh time; refreshing", {{"error", db.error().message}});
            return true;
        }
        auto last = jobs::vip_last_refreshed(**db);
        if (!last) {
            log::warn("vip refresh: cannot read the last refresh time; refreshing", {{"error", last.error().message}});
            return true;
        }
        bool due = jobs::vip_refresh_due_at_start(*last, system_now(), s_->vip_at);
        log::info("vip refresh at start", {{"lastRefreshed", *last ? format_offset(**last) : "never"},
                                           {"due", due ? "true" : "false"}});
        return due;
    }

private:
    std::shared_ptr<const Settings> s_;
    std::shared_ptr<http::AlertSink> alerts_;
    http::HttpClient client_;
};

class AutoRevival {
public:
    explicit AutoRevival(std::shared_ptr<const Settings> s) : s_(std::move(s)) {
        auto p = kafka::Producer::make(s_->brokers, {{"message.timeout.ms", std::to_string(s_->kafka_message_timeout_ms)},
                                                     {"client.id", "ocms-scheduler"}});
        if (!p) throw std::runtime_error("Kafka producer: " + p.error().message);
        producer_ = std::move(*p);
    }
    // One attempt: the database answered and every command was acknowledged.
    bool run_once() {
        auto stats = run_counted();
        return stats && stats->failed == 0;
    }
    // One attempt, with its figures (for a request's answer).
    Result<jobs::AutoRevivalStats> run_counted() {
        auto db = pg::Connection::connect(s_->pg_url);
        if (!db) {
            log::error("auto-revival: database unavailable", {{"error", db.error().message}});
            return std::unexpected(pg::to_error(db.error()).in_context("database: "));
        }
        auto stats = jobs::revive_due_notices(**db, *producer_, system_now());
        if (!stats) log::error("auto-revival failed", {{"error", stats.error().message}});
        else if (stats->failed > 0) log::error("auto-revival incomplete", {{"failed", std::to_string(stats->failed)}});
        return stats;
    }
    // The daemon's run: up to 5 attempts with a growing pause (a new run continues safely).
    void run() {
        for (int attempt = 0; attempt < 5 && !g_stop; ++attempt) {
            if (run_once()) return;
            log::warn("auto-revival incomplete, running again", {{"attempt", std::to_string(attempt + 1)}});
            for (int i = 0; i < 100 && !g_stop; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(100 << std::min(attempt, 3)));
        }
    }

private:
    std::shared_ptr<const Settings> s_;
    std::unique_ptr<kafka::Producer> producer_;
};

// Requests for a run now, queued by the edge (jobs/job_requests.hpp): every poll claims what is
// queued and answers it with one run. The connection is kept between polls and made again after
// a failure (logged once per outage, not once per poll).
class JobRequests {
public:
    JobRequests(std::shared_ptr<const Settings> s, AutoRevival& auto_revival)
        : s_(std::move(s)), auto_revival_(auto_revival) {}

    void at_start() {
        if (!connected()) return;
        if (auto n = jobs::requeue_running(*db_); n && *n > 0)
            log::warn("job requests left running by a stopped scheduler are queued again", {{"count", std::to_string(*n)}});
    }

    void serve() {
        if (!connected()) return;
        auto ids = jobs::claim_jobs(*db_, jobs::kJobAutoRevival);
        if (!ids) return lost(ids.error());
        if (ids->empty()) return;
        log::info("auto-revival requested", {{"requests", std::to_string(ids->size())}, {"first", std::to_string(ids->front())}});
        auto outcome = auto_revival_.run_counted();
        if (auto done = jobs::finish_jobs(*db_, *ids, outcome); !done) lost(done.error());
    }

private:
    bool connected() {
        if (db_) return true;
        auto db = pg::Connection::connect(s_->pg_url);
        if (!db) {
            if (!down_) log::warn("job requests: database unavailable", {{"error", db.error().message}});
            down_ = true;
            return false;
        }
        if (down_) log::info("job requests: database reachable again");
        down_ = false;
        db_ = std::move(*db);
        return true;
    }
    void lost(const Error& e) {
        log::warn("job requests: database error", {{"error", e.message}});
        db_.reset();
    }

    std::shared_ptr<const Settings> s_;
    AutoRevival& auto_revival_;
    std::unique_ptr<pg::Connection> db_;
    bool down_ = false;
};

// The purge, wired: the job, its progress in the log, and an alert when it refuses to run.
class Purge {
public:
    explicit Purge(std::shared_ptr<const Settings> s) : s_(std::move(s)) {}
    enum class Outcome { done, failed, refused };
    Outcome run() {
        if (auto why = jobs::purge_refusal(s_->purge)) return refuse(*why);
        auto db = pg::Connection::connect(s_->pg_url);
        if (!db) {
            log::error("purge: database unavailable", {{"error", db.error().message}});
            return Outcome::failed;
        }
        log::info("purge started", {{"retentionDays", std::to_string(s_->purge.retention_days)},
                                    {"batch", std::to_string(s_->purge.batch)}});
        jobs::PurgeOptions o;
        o.stop = &g_stop;
        auto last = std::chrono::steady_clock::now();
        o.progress = [&last](const std::string& table, std::int64_t deleted, bool done) {
            auto now = std::chrono::steady_clock::now();
            if (!done && now - last < std::chrono::seconds(2)) return;
            last = now;
            log::info(done ? "purge: table done" : "purge: progress",
                      {{"table", table}, {"deleted", std::to_string(deleted)}});
        };
        auto st = jobs::run_purge(**db, system_now(), s_->purge, o);
        if (!st) {
            if (st.error().refused) return refuse(st.error().message);
            log::error("purge failed", {{"error", st.error().message}});
            return Outcome::failed;
        }
        log::info("purge finished", {{"cutoff", format_offset(st->cutoff)}, {"inbox", std::to_string(st->inbox)},
                                     {"audit", std::to_string(st->audit)},
                                     {"deadLetters", std::to_string(st->dead_letters)},
                                     {"parkedCommands", std::to_string(st->parked_commands)}});
        return Outcome::done;
    }

private:
    Outcome refuse(const std::string& why) {
        log::error("purge refused", {{"error", why}});
        http::Alert a;
        a.api_name = "OCMS-PURGE";
        a.endpoint = "ocms-scheduler purge";
        a.error = "purge refused: " + why;
        a.timestamp = system_now();
        a.subject = "Purge refused - OCMS-PURGE";
        a.action = "Set OCMS_RETENTION_DAYS to at least the command topics' retention";
        make_alert_sink(*s_)->alert(a);
        return Outcome::refused;
    }
    std::shared_ptr<const Settings> s_;
};

int run_one(const std::string& job) {
    auto s = load_settings();
    if (job == "vip-refresh") {
        if (!s->cas) {
            log::error("vip refresh is not configured: OCMS_CAS_VIP_URL is not set");
            return kExitUsage;
        }
        VipRefresh vip(s);
        return vip.run() ? kExitOk : kExitFailed;
    }
    if (job == "auto-revival") {
        AutoRevival ar(s);
        return ar.run_once() ? kExitOk : kExitFailed;
    }
    if (job == "purge") {
        Purge purge(s);
        switch (purge.run()) {
            case Purge::Outcome::done: return kExitOk;
            case Purge::Outcome::failed: return kExitFailed;
            case Purge::Outcome::refused: return kExitUsage;
        }
    }
    std::cerr << "unknown job: " << job << " (vip-refresh, auto-revival, purge)\n";
    return kExitUsage;
}

struct Scheduled {
    std::string name;
    jobs::DailyAt at;
    std::function<void()> run;
    TimePoint next;
};

int run_daemon() {
    auto s = load_settings();
    AutoRevival auto_revival(s);
    std::unique_ptr<VipRefresh> vip;
    if (s->cas) vip = std::make_unique<VipRefresh>(s);
    else log::info("vip refresh disabled: OCMS_CAS_VIP_URL is not set");

    std::vector<Scheduled> jobs_list;
    jobs_list.push_back({"auto-revival", s->auto_revival_at, [&] { auto_revival.run(); }, {}});
    if (vip) jobs_list.push_back({"vip-refresh", s->vip_at, [&] { vip->run(); }, {}});
    Purge purge(s);
    jobs_list.push_back({"purge", s->purge_at, [&] { purge.run(); }, {}});
    if (auto why = jobs::purge_refusal(s->purge))
        log::warn("the daily purge will refuse to run", {{"at", s->purge_at_text}, {"error", *why}});
    log::info("scheduler started", {{"autoRevivalAt", s->auto_revival_at_text},
                                    {"vipRefreshAt", vip ? s->vip_at_text : "disabled"},
                                    {"purgeAt", s->purge_at_text},
                                    {"retentionDays", std::to_string(s->purge.retention_days)}});

    JobRequests requests(s, auto_revival);
    requests.at_start();
    auto_revival.run();
    if (vip && !g_stop && vip->due_at_start()) vip->run();
    for (auto& j : jobs_list) {
        j.next = jobs::next_daily_run(system_now(), j.at);
        log::info("next run", {{"job", j.name}, {"at", format_offset(j.next)}});
    }
    while (!g_stop) {
        TimePoint wake = jobs_list.front().next;
        for (const auto& j : jobs_list) wake = std::min(wake, j.next);
        while (!g_stop && system_now() < wake) {
            requests.serve();
            std::this_thread::sleep_for(s->job_poll);
        }
        for (auto& j : jobs_list) {
            if (g_stop || system_now() < j.next) continue;
            j.run();
            j.next = jobs::next_daily_run(system_now(), j.at);
            log::info("next run", {{"job", j.name}, {"at", format_offset(j.next)}});
        }
    }
    log::info("scheduler stopped");
    return kExitOk;
}

void usage(std::ostream& out) {
    out << "usage: ocms-scheduler                  run the daily jobs (auto-revival, vip-refresh, purge)\n"
           "       ocms-scheduler run vip-refresh  refresh ocms_vip_vehicle from CAS once\n"
           "       ocms-scheduler run auto-revival run the auto-revival once\n"
           "       ocms-scheduler run purge        purge what is older than OCMS_RETENTION_DAYS once\n"
           "exit status of run: 0 success, 1 the job failed, 2 usage or settings error (or a refused purge)\n";
}

}  // namespace

int main(int argc, char** argv) {
    log::init("ocms-scheduler", config::env_or("OCMS_LOG_LEVEL", "info"));
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.empty()) return run_daemon();
        if (args[0] == "-h" || args[0] == "--help") {
            usage(std::cout);
            return kExitOk;
        }
        if (args[0] == "run" && args.size() == 2) return run_one(args[1]);
        usage(std::cerr);
        return kExitUsage;
    } catch (const std::exception& e) {
        log::error("scheduler failed", {{"error", e.what()}});
        return kExitUsage;
    }
}
