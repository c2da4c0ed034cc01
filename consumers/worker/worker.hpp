#pragma once
// The worker loop (DESIGN.md invariant 4): poll a batch -> apply it in one transaction
// (Processor) -> publish replies, outcomes and dead letters and wait for the broker's acks ->
// commit the offsets. A crash anywhere before the offset commit means redelivery, which the
// inbox answers without applying anything twice.
//
// Threading: run() owns the consumer, the producer and the database connection on the calling
// thread. stop() may be called from any thread (signal handler thread).
#include "kafka/kafka.hpp"
#include "metrics/metrics.hpp"
#include "processor.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace ocms::worker {

struct Settings {
    std::string brokers = "127.0.0.1:9092";
    std::string group_id = "ocms-worker";
    std::string pg_url;
    std::string schemas_dir;
    int batch_max = 200;
    int message_timeout_ms = 5000;
    std::chrono::milliseconds backoff_initial{100};
    std::chrono::milliseconds backoff_max{10000};
};

Settings settings_from_env();

class Worker {
public:
    Worker(Settings s, std::shared_ptr<const json::SchemaRegistry> schemas, metrics::Registry& metrics);
    // Returns the process exit code: 0 after stop(), non-zero on a fatal fault.
    int run();
    void stop() { running_ = false; }
    bool ready() const { return ready_; }

private:
    bool publish(const std::vector<OutMessage>& out);
    std::unique_ptr<pg::Connection> connect_db();
    void backoff(int attempt);

    Settings s_;
    metrics::Registry& metrics_;
    Processor processor_;
    std::unique_ptr<kafka::Consumer> consumer_;
    std::unique_ptr<kafka::Producer> producer_;
    std::atomic<bool> running_{true};
    std::atomic<bool> ready_{false};
};

}  // namespace ocms::worker
