// ocms-worker: wires settings, schemas, metrics, the ops endpoints and the worker loop.
#include "core/config.hpp"
#include "core/log.hpp"
#include "ops_server.hpp"
#include "worker.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <pthread.h>
#include <thread>

int main() {
    using namespace ocms;
    log::init("ocms-worker", config::env_or("OCMS_LOG_LEVEL", "info"));
    try {
        // Signals are taken by one thread with sigwait, so the worker loop is never interrupted.
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &set, nullptr);

        auto settings = worker::settings_from_env();
        auto schemas = json::SchemaRegistry::load(settings.schemas_dir);
        metrics::Registry metrics;
        worker::Worker w(settings, schemas, metrics);
        worker::OpsServer ops(config::env_or("OCMS_WORKER_METRICS_LISTEN", "127.0.0.1:9101"), metrics,
                              [&w] { return w.ready(); });
        ops.start();
        std::thread signals([&w, set] {
            int sig = 0;
            sigwait(&set, &sig);
            log::info("stopping on signal", {{"signal", std::to_string(sig)}});
            w.stop();
            // Stopping never needs more than a few seconds; if the broker or the database hangs
            // the shutdown, leave anyway: nothing uncommitted is lost (offsets are committed only
            // after the effect and the acks), the next worker gets the batch again.
            std::this_thread::sleep_for(std::chrono::seconds(15));
            log::warn("stop took too long, exiting");
            std::_Exit(0);
        });
        signals.detach();
        return w.run();
    } catch (const std::exception& e) {
        log::error("worker failed to start", {{"error", e.what()}});
        return 2;
    }
}
