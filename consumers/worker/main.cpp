// ocms-worker: wires settings, schemas, metrics, the ops endpoints and the worker loop.
#include "core/config.hpp"
#include "core/log.hpp"
#include "core/memory.hpp"
#include "ops_server.hpp"
#include "worker.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <vector>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <pthread.h>
#include <thread>

int main() {
    using namespace ocms;
    // Signals are taken by one thread with sigwait, so the worker loop is never interrupted. Every
    // thread inherits this mask, so it comes before the first thread (the logger's, the memory
    // trimmer's): a thread that does not block SIGTERM takes its default action, an abrupt exit.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    log::init("ocms-worker", config::env_or("OCMS_LOG_LEVEL", "info"));
    memory::limit_arenas();
    memory::start_trimmer();
    try {

        auto settings = worker::settings_from_env();
        auto schemas = json::SchemaRegistry::load(settings.schemas_dir);
        metrics::Registry metrics;
        std::vector<std::unique_ptr<worker::Worker>> workers;
        for (int i = 0; i < settings.threads; ++i) {
            auto s = settings;
            s.index = i;
            workers.push_back(std::make_unique<worker::Worker>(s, schemas, metrics));
        }
        auto stop_all = [&workers] {
            for (auto& w : workers) w->stop();
        };
        // Ready once a thread holds partitions (with more threads than partitions some hold none).
        worker::OpsServer ops(config::env_or("OCMS_WORKER_METRICS_LISTEN", "127.0.0.1:9101"), metrics, [&workers] {
            return std::any_of(workers.begin(), workers.end(), [](const auto& w) { return w->ready(); });
        });
        ops.start();
        std::thread signals([stop_all, set] {
            int sig = 0;
            sigwait(&set, &sig);
            log::info("stopping on signal", {{"signal", std::to_string(sig)}});
            stop_all();
            // Stopping never needs more than a few seconds; if the broker or the database hangs
            // the shutdown, leave anyway: nothing uncommitted is lost (offsets are committed only
            // after the effect and the acks), the next worker gets the batch again.
            std::this_thread::sleep_for(std::chrono::seconds(15));
            log::warn("stop took too long, exiting");
            std::_Exit(0);
        });
        signals.detach();
        // The first thread to end with a fault stops the others: the process exits with its code
        // and infra (or the orchestrator) restarts it; nothing uncommitted is lost.
        std::atomic<int> rc{0};
        std::vector<std::thread> threads;
        for (auto& w : workers)
            threads.emplace_back([&rc, &stop_all, w = w.get()] {
                int r = w->run();
                if (r != 0) {
                    int expected = 0;
                    rc.compare_exchange_strong(expected, r);
                    stop_all();
                }
            });
        for (auto& t : threads) t.join();
        return rc.load();
    } catch (const std::exception& e) {
        log::error("worker failed to start", {{"error", e.what()}});
        return 2;
    }
}
