#include "worker.hpp"

#include "core/config.hpp"
#include "core/log.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

namespace ocms::worker {

using namespace std::chrono_literals;

Settings settings_from_env() {
    Settings s;
    s.brokers = config::env_or("OCMS_KAFKA_BROKERS", s.brokers);
    s.group_id = config::env_or("OCMS_WORKER_GROUP", s.group_id);
    s.pg_url = config::env_required("OCMS_WORKER_PG_URL");
    s.schemas_dir = config::env_required("OCMS_SCHEMAS_DIR");
    s.batch_max = int(std::clamp<long long>(config::env_int("OCMS_WORKER_BATCH", s.batch_max), 1, 5000));
    s.threads = int(std::clamp<long long>(config::env_int("OCMS_WORKER_THREADS", s.threads), 1, 64));
    s.pipeline = config::env_int("OCMS_WORKER_PIPELINE", 1) != 0;
    s.message_timeout_ms = int(config::env_int("OCMS_KAFKA_MESSAGE_TIMEOUT_MS", s.message_timeout_ms));
    s.retry_check = std::chrono::milliseconds(
        std::clamp<long long>(config::env_int("OCMS_WORKER_RETRY_CHECK_MS", s.retry_check.count()), 100, 60000));
    s.gather = std::chrono::milliseconds(
        std::clamp<long long>(config::env_int("OCMS_WORKER_GATHER_MS", s.gather.count()), 0, 100));
    s.slow_batch = std::chrono::milliseconds(
        std::clamp<long long>(config::env_int("OCMS_WORKER_SLOW_BATCH_MS", s.slow_batch.count()), 0, 600000));
    return s;
}

Worker::Worker(Settings s, std::shared_ptr<const json::SchemaRegistry> schemas, metrics::Registry& metrics)
    : s_(std::move(s)), metrics_(metrics), processor_(std::move(schemas), system_clock(), metrics, s_.pipeline) {}

void Worker::backoff(int attempt) {
    thread_local std::mt19937 rng{std::random_device{}()};
    auto base = std::min<long long>(s_.backoff_max.count(), s_.backoff_initial.count() << std::min(attempt, 16));
    auto jitter = std::uniform_int_distribution<long long>(0, base / 4)(rng);
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(base + jitter);
    while (running_ && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(20ms);
}

std::unique_ptr<pg::Connection> Worker::connect_db() {
    for (int attempt = 0; running_; ++attempt) {
        auto c = pg::Connection::connect(s_.pg_url);
        if (c) {
            (*c)->auto_prepare(true);  // a few dozen fixed statements, each run once per command
            // Their parameters are arrays and jsonb sets of the batch, so one generic plan fits
            // every execution. PostgreSQL's default plans a prepared statement afresh at each of
            // its first five runs, and for good when the generic plan's estimate looks dearer:
            // about 0.25 ms a statement, 1 ms of a batch of four (issue 16: the bind times in the
            // server's log; docs/performance.md).
            if (auto set = (*c)->command("SET plan_cache_mode = force_generic_plan"); !set)
                log::warn("plan_cache_mode not set", {{"error", set.error().message}});
            return std::move(*c);
        }
        log::warn("database unavailable, retrying", {{"error", c.error().message}});
        metrics_.counter("ocms_worker_db_retries_total", "Database faults retried by the worker").inc();
        backoff(attempt);
    }
    return nullptr;
}

PublishReport publish_all(kafka::Producer& producer, const std::vector<OutMessage>& out,
                          std::chrono::milliseconds flush_timeout, const std::function<bool()>& keep_going,
                          const std::function<void(int)>& backoff, metrics::Registry& metrics) {
    PublishReport report;
    struct Failed {
        std::vector<const OutMessage*> retry;
        std::vector<std::pair<const OutMessage*, std::string>> never;  // unsendable, with the reason
        std::optional<std::string> fatal;                               // the producer is dead
        std::mutex mu;
    };
    auto give_up = [&](const OutMessage& m, const std::string& why) {
        ++report.unsendable;
        metrics.counter("ocms_worker_unsendable_total",
                        "Messages the broker can never accept (over the size limit, invalid): logged, not retried",
                        "topic=\"" + metrics::label_value(m.topic) + "\"")
            .inc();
        log::error("message can never be published; not retried (its content is in the database)",
                   {{"topic", m.topic}, {"key", m.key.substr(0, 64)}, {"bytes", std::to_string(m.value.size())},
                    {"error", why}});
    };
    std::vector<const OutMessage*> todo;
    for (const auto& m : out) todo.push_back(&m);
    for (int attempt = 0; !todo.empty(); ++attempt) {
        if (attempt > 0 && !keep_going()) {
            report.stopped = true;
            return report;
        }
        auto failed = std::make_shared<Failed>();
        for (const OutMessage* m : todo) {
            rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_NO_ERROR;
            auto err = producer.produce(m->topic, m->partition, m->key, m->value, {},
                                        [failed, m](const kafka::DeliveryReport& r) {
                                            if (r.ok()) return;
                                            std::lock_guard lk(failed->mu);
                                            const auto kind = kafka::classify(r.err);
                                            if (kind == FaultKind::permanent) failed->never.emplace_back(m, r.error);
                                            else failed->retry.push_back(m);
                                            if (kind == FaultKind::fatal) failed->fatal = r.error;
                                        },
                                        &code);
            if (err) {
                std::lock_guard lk(failed->mu);
                const auto kind = kafka::classify(code);
                if (kind == FaultKind::permanent) failed->never.emplace_back(m, *err);
                else failed->retry.push_back(m);
                if (kind == FaultKind::fatal) {
                    failed->fatal = *err;
                    break;  // the producer takes nothing more
                }
            }
        }
        producer.flush(flush_timeout);
        std::lock_guard lk(failed->mu);
        for (const auto& [m, why] : failed->never) give_up(*m, why);
        if (!failed->fatal) failed->fatal = producer.fatal_error();  // its queue is purged, not failed as fatal
        if (failed->fatal) {
            log::error("the producer failed for good; stopping (the batch is not committed)",
                       {{"error", *failed->fatal}});
            report.fatal = true;
            return report;
        }
        report.acknowledged += int(todo.size() - failed->retry.size() - failed->never.size());
        if (!failed->retry.empty()) {
            log::warn("publishing failed, retrying", {{"count", std::to_string(failed->retry.size())}});
            backoff(attempt);
        }
        todo = failed->retry;
    }
    return report;
}

bool Worker::publish(const std::vector<OutMessage>& out) {
    auto r = publish_all(*producer_, out, std::chrono::milliseconds(s_.message_timeout_ms + 5000),
                         [this] { return running_.load(); }, [this](int attempt) { backoff(attempt); }, metrics_);
    fatal_ = r.fatal;
    return !r.stopped && !r.fatal;
}

void Worker::support_duties(std::unique_ptr<pg::Connection>& db, bool batch_touched_parking) {
    const auto now = std::chrono::steady_clock::now();
    const bool retry_due = now >= next_retry_check_;
    bool refresh = batch_touched_parking || now >= next_gauge_refresh_;
    if (!retry_due && !refresh) return;
    if (retry_due) next_retry_check_ = now + s_.retry_check;
    if (!db || !db->ok()) {
        // Idle with a lost connection: one attempt per check (a batch reconnects with backoff).
        db.reset();
        if (!retry_due) return;
        auto c = pg::Connection::connect(s_.pg_url);
        if (!c) return;
        db = std::move(*c);
        db->auto_prepare(true);
    }
    if (retry_due) {
        auto rr = processor_.retry_parked(*db);
        if (rr.error)
            log::warn("retry of parked notices interrupted; trying again at the next check",
                      {{"error", rr.error->message}, {"sqlstate", rr.error->sqlstate}});
        // Committed: publish the replies and outcomes like a batch's (no offsets to commit).
        if (!rr.result.out.empty()) (void)publish(rr.result.out);
        if (rr.result.retried > 0) refresh = true;
    }
    if (refresh) {
        next_gauge_refresh_ = now + s_.gauge_refresh;
        if (auto r = processor_.refresh_parked_gauges(*db); !r)
            log::warn("cannot count parked notices", {{"error", r.error().message}});
    }
}

int Worker::run() {
    auto consumer = kafka::Consumer::make(s_.brokers, s_.group_id,
                                          {{"max.poll.interval.ms", "600000"},
                                           {"session.timeout.ms", "10000"},
                                           {"heartbeat.interval.ms", "1000"},
                                           {"partition.assignment.strategy", "range,roundrobin"}});
    if (!consumer) {
        log::error("cannot create consumer", {{"error", consumer.error().message}});
        return 2;
    }
    consumer_ = std::move(*consumer);
    auto producer = kafka::Producer::make(s_.brokers, {{"message.timeout.ms", std::to_string(s_.message_timeout_ms)}});
    if (!producer) {
        log::error("cannot create producer", {{"error", producer.error().message}});
        return 2;
    }
    producer_ = std::move(*producer);
    const auto topics = handled_topics();
    if (auto e = consumer_->subscribe(topics)) {
        log::error("cannot subscribe", {{"error", *e}});
        return 2;
    }
    auto db = connect_db();
    auto& lag_gauge = metrics_.gauge("ocms_consumer_lag",
                                     "Messages on the assigned partitions not yet committed",
                                     "thread=\"" + std::to_string(s_.index) + "\"");
    auto& batch_hist = metrics_.histogram("ocms_worker_batch_seconds", "Time to apply and publish one batch");
    auto& batch_size = metrics_.histogram("ocms_worker_batch_size", "Commands per batch",
                                          "", {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000});
    log::info("worker started",
              {{"group", s_.group_id}, {"brokers", s_.brokers}, {"thread", std::to_string(s_.index)}});
    // The lag gauge from a thread of its own: its two requests can wait behind a fetch the
    // broker holds (fetch.wait.max.ms), which must never hold up this loop.
    std::jthread lag_thread([this, &lag_gauge](std::stop_token stop) {
        while (!stop.stop_requested() && running_) {
            if (auto lag = consumer_->lag(2s)) lag_gauge.set(double(*lag));
            for (int i = 0; i < 20 && !stop.stop_requested() && running_; ++i) std::this_thread::sleep_for(100ms);
        }
    });

    while (running_) {
        std::vector<InMessage> batch;
        std::int64_t oldest_ms = std::numeric_limits<std::int64_t>::max();  // the batch's first message's timestamp
        // The first command is waited for (200 ms, then the support duties); after it, more are
        // waited for until s_.gather has passed since it came, and what librdkafka has already
        // fetched is taken after that, up to batch_max.
        std::optional<std::chrono::steady_clock::time_point> gather_until;
        for (auto first = 200ms; running_ && int(batch.size()) < s_.batch_max; first = 0ms) {
            auto wait = first;
            if (gather_until)
                wait = std::max(0ms, std::chrono::ceil<std::chrono::milliseconds>(*gather_until -
                                                                                   std::chrono::steady_clock::now()));
            auto m = consumer_->poll(wait);
            if (!m) break;
            if (!gather_until) gather_until = std::chrono::steady_clock::now() + s_.gather;
            if (m->err()) {
                if (kafka::classify(m->err()) == FaultKind::fatal) {
                    log::error("fatal consumer error", {{"error", m->error_text()}});
                    return 3;
                }
                log::warn("consumer error", {{"error", m->error_text()}});
                continue;
            }
            if (auto ts = m->timestamp_ms(); ts > 0) oldest_ms = std::min(oldest_ms, ts);
            batch.push_back({m->topic(), m->partition(), m->offset(), std::string(m->key()), std::string(m->value())});
        }
        if (!consumer_->assignment().empty()) ready_ = true;
        if (batch.empty()) {
            support_duties(db, false);
            continue;
        }
        const auto started = std::chrono::steady_clock::now();

        BatchResult result;
        for (int attempt = 0;; ++attempt) {
            if (!db || !db->ok()) db = connect_db();
            if (!db) return 0;  // stopping
            auto r = processor_.process(*db, batch);
            if (r) {
                result = std::move(*r);
                break;
            }
            log::warn("batch not applied, retrying",
                      {{"error", r.error().message}, {"sqlstate", r.error().sqlstate}, {"attempt", std::to_string(attempt)}});
            metrics_.counter("ocms_worker_db_retries_total", "Database faults retried by the worker").inc();
            if (!db->ok()) db.reset();
            backoff(attempt);
            if (!running_) return 0;  // nothing committed: the batch is redelivered
        }
        const auto applied_at = std::chrono::steady_clock::now();
        if (!publish(result.out)) return fatal_ ? 3 : 0;  // before the acks: redelivered, the inbox answers
        const auto published_at = std::chrono::steady_clock::now();

        std::map<std::pair<std::string, std::int32_t>, std::int64_t> next;
        for (const auto& m : batch) {
            auto& o = next[{m.topic, m.partition}];
            o = std::max(o, m.offset + 1);
        }
        std::vector<kafka::TopicPartition> offsets;
        for (const auto& [tp, off] : next) offsets.push_back({tp.first, tp.second, off});
        if (auto e = consumer_->commit(offsets))
            log::warn("offset commit failed; the batch may be redelivered and answered from the inbox",
                      {{"error", rd_kafka_err2str(e)}});
        batch_size.observe(double(batch.size()));
        const auto ended = std::chrono::steady_clock::now();
        batch_hist.observe(std::chrono::duration<double>(ended - started).count());
        if (ended - started > s_.slow_batch) {
            auto ms = [](auto d) {  // to a tenth of a millisecond
                char b[32];
                std::snprintf(b, sizeof b, "%.1f", std::chrono::duration<double, std::milli>(d).count());
                return std::string(b);
            };
            // the wall-clock time the batch began, only for this line (Kafka timestamps are wall time)
            const auto started_wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                             (std::chrono::system_clock::now() - (ended - started)).time_since_epoch())
                                             .count();
            log::warn("slow batch",
                      {{"commands", std::to_string(batch.size())},
                       // since the oldest command was produced (its Kafka timestamp: the
                       // producer's clock), until the batch began
                       {"waitedMs", oldest_ms == std::numeric_limits<std::int64_t>::max()
                                        ? std::string("?")
                                        : std::to_string(started_wall_ms - oldest_ms)},
                       {"applyMs", ms(applied_at - started)},
                       {"publishMs", ms(published_at - applied_at)},
                       {"commitMs", ms(ended - published_at)}});
        }
        support_duties(db, result.parked + result.queued > 0);
    }
    lag_thread.request_stop();
    lag_thread.join();
    consumer_->close();
    log::info("worker stopped");
    return 0;
}

}  // namespace ocms::worker
