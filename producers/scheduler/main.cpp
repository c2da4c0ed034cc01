// ocms-scheduler: runs the timed jobs on their Singapore clock. Today: auto-revival daily at
// OCMS_AUTO_REVIVAL_AT (default 00:05), and once at start (a day missed while the scheduler was
// down is caught up; running twice is harmless, see jobs/auto_revival.hpp).
// It only reads PostgreSQL (OCMS_PG_URL, the read-only role) and publishes commands.
#include "core/config.hpp"
#include "core/log.hpp"
#include "jobs/auto_revival.hpp"
#include "jobs/schedule.hpp"

#include <atomic>
#include <csignal>
#include <thread>

namespace {
std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }
}  // namespace

int main() {
    using namespace ocms;
    log::init("ocms-scheduler", config::env_or("OCMS_LOG_LEVEL", "info"));
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    try {
        const auto brokers = config::env_or("OCMS_KAFKA_BROKERS", "127.0.0.1:9092");
        const auto pg_url = config::env_required("OCMS_PG_URL");
        const auto at_text = config::env_or("OCMS_AUTO_REVIVAL_AT", "00:05");
        auto at = jobs::parse_daily_at(at_text);
        if (!at) throw std::runtime_error("OCMS_AUTO_REVIVAL_AT must be HH:MM, not " + at_text);
        auto producer = kafka::Producer::create(
            brokers, {{"message.timeout.ms", std::to_string(config::env_int("OCMS_KAFKA_MESSAGE_TIMEOUT_MS", 30000))},
                      {"client.id", "ocms-scheduler"}});
        if (!producer) throw std::runtime_error("Kafka producer: " + producer.error());

        auto run = [&] {
            for (int attempt = 0; attempt < 5 && !g_stop; ++attempt) {
                auto db = pg::Connection::connect(pg_url);
                if (db) {
                    auto stats = jobs::run_auto_revival(**db, **producer, system_now());
                    if (stats && stats->failed == 0) return;
                    log::warn("auto-revival incomplete, running again",
                              {{"error", stats ? "some commands not acknowledged" : stats.error()}});
                } else {
                    log::warn("auto-revival: database unavailable", {{"error", db.error().message}});
                }
                for (int i = 0; i < 100 && !g_stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100 << std::min(attempt, 3)));
            }
        };
        log::info("scheduler started", {{"autoRevivalAt", at_text}});
        run();
        while (!g_stop) {
            auto next = jobs::next_daily_run(system_now(), *at);
            log::info("next auto-revival", {{"at", format_offset(next)}});
            while (!g_stop && system_now() < next) std::this_thread::sleep_for(std::chrono::milliseconds(500));
            if (!g_stop) run();
        }
        log::info("scheduler stopped");
        return 0;
    } catch (const std::exception& e) {
        log::error("scheduler failed", {{"error", e.what()}});
        return 2;
    }
}
