#pragma once
// The worker loop (DESIGN.md invariant 4): poll a batch -> apply it in one transaction
// (Processor) -> publish replies, outcomes and dead letters and wait for the broker's acks ->
// commit the offsets. A crash anywhere before the offset commit means redelivery, which the
// inbox answers without applying anything twice.
//
// Between batches it also retries the parked notices support asked to retry (every
// retry_check; a tiny query on ocms_parked_notice) and keeps the parked gauges current (after a
// batch that parked, queued or retried, and every gauge_refresh).
//
// Threading: run() owns the consumer, the producer and the database connection on the calling
// thread; a process runs Settings::threads Workers, one per thread, members of one consumer group
// (a notice's commands share a partition, so one thread applies them in order). stop() may be
// called from any thread (signal handler thread).
#include "kafka/kafka.hpp"
#include "metrics/metrics.hpp"
#include "processor.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace ocms::worker {

struct Settings {
    std::string brokers = "127.0.0.1:9092";
    std::string group_id = "ocms-worker";
    std::string pg_url;
    std::string schemas_dir;
    int batch_max = 200;
    // OCMS_WORKER_GATHER_MS: once a batch has its first message, how long it waits for more
    // (0: only what librdkafka has already fetched). docs/performance.md.
    std::chrono::milliseconds gather{2};
    // Consumer threads in the process (OCMS_WORKER_THREADS): each its own consumer in the group,
    // producer and database connection, so one thread's round trips to PostgreSQL overlap another's.
    int threads = 3;
    int index = 0;  // this thread's number: the label of its per-thread metrics
    bool pipeline = true;  // OCMS_WORKER_PIPELINE: the processor's fast path (processor.hpp)
    int message_timeout_ms = 5000;
    std::chrono::milliseconds backoff_initial{100};
    std::chrono::milliseconds backoff_max{10000};
    std::chrono::milliseconds retry_check{2000};     // OCMS_WORKER_RETRY_CHECK_MS
    std::chrono::milliseconds gauge_refresh{30000};
    std::chrono::milliseconds slow_batch{250};  // a batch longer than this is logged with its phases
};

Settings settings_from_env();

// What publish_all did: acknowledged, given up as unsendable, or stopped before the acks.
struct PublishReport {
    int acknowledged = 0;
    int unsendable = 0;
    bool stopped = false;  // keep_going() said no while some were still unacknowledged
    bool fatal = false;    // the producer is dead (librdkafka's fatal error, an authorization refusal)
};

// Publishes every message and waits for every ack; resends what failed for a transient reason
// (broker down, leader moved, timeout) until it is acknowledged or keep_going() is false,
// calling backoff(attempt) between rounds. A message the client or the broker can never accept
// (kafka::classify() == permanent: over the size limit, an invalid record) is not retried: it
// is logged and counted (ocms_worker_unsendable_total) and the others go on; what it carried is
// in the database (the inbox's reply, the dead-letter row's original). Issue 14: one such
// message held its worker thread for ever. A fatal fault (kafka::classify() == fatal: the
// idempotent producer's fatal error, a topic or cluster authorization refusal) ends the call at
// once with `fatal`: no retry can help, and the thread stops (the error policy: exit, the
// supervisor restarts the process; offsets are not committed, so nothing is lost).
PublishReport publish_all(kafka::Producer& producer, const std::vector<OutMessage>& out,
                          std::chrono::milliseconds flush_timeout, const std::function<bool()>& keep_going,
                          const std::function<void(int)>& backoff, metrics::Registry& metrics);

class Worker {
public:
    Worker(Settings s, std::shared_ptr<const json::SchemaRegistry> schemas, metrics::Registry& metrics);
    // Returns the process exit code: 0 after stop(), non-zero on a fatal fault.
    int run();
    void stop() { running_ = false; }
    bool ready() const { return ready_; }

private:
    // true: all acknowledged; false: stopping or fatal (fatal_ tells which)
    bool publish(const std::vector<OutMessage>& out);
    std::unique_ptr<pg::Connection> connect_db();
    void backoff(int attempt);
    // Retries due parked notices and refreshes the parked gauges when it is time; never throws,
    // a database fault is logged and tried again at the next check.
    void support_duties(std::unique_ptr<pg::Connection>& db, bool batch_touched_parking);

    Settings s_;
    metrics::Registry& metrics_;
    Processor processor_;
    std::unique_ptr<kafka::Consumer> consumer_;
    std::unique_ptr<kafka::Producer> producer_;
    std::atomic<bool> running_{true};
    std::atomic<bool> ready_{false};
    bool fatal_ = false;  // the producer died (publish_all's fatal): run() ends with a fault
    std::chrono::steady_clock::time_point next_retry_check_{};
    std::chrono::steady_clock::time_point next_gauge_refresh_{};
};

}  // namespace ocms::worker
