#include "gateway.hpp"

#include "contract/catalogue.hpp"
#include "core/log.hpp"
#include "json/schema_registry.hpp"
#include "kafka/kafka.hpp"
#include "metrics/metrics.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace ocms::edge {

namespace net = boost::asio;

std::string command_key(const messages::Command& c) { return c.notice_no.value(); }

std::string topic_for(const std::string& type) { return std::string(contract::topic_of(type)); }

namespace {

// One dispatch() call: its items, and what is known about each command so far.
struct Batch {
    // resending: a delivery timed out in flight, so the command may be on the topic; the same
    // command is being sent again until the broker acknowledges it (it counts as pending).
    enum class Delivery { unknown, delivered, resending, failed };
    std::vector<DispatchItem> items;
    std::vector<Delivery> delivery;
    std::vector<bool> resolved;
    std::size_t unresolved = 0;
    bool deadline_passed = false;
    bool done = false;
    net::any_io_executor ex;
    DispatchCallback cb;
    std::unique_ptr<net::steady_timer> timer;  // destroyed with the batch, which cancels the wait
};

struct Entry {
    std::shared_ptr<Batch> batch;
    std::size_t index;
};

// A command on its way to the broker: what sending it (again) needs.
struct Outgoing {
    std::string id, type, topic, key, value;
};

std::string type_label(const std::string& type) { return "type=\"" + metrics::label_value(type) + "\""; }

}  // namespace

struct KafkaGateway::Impl {
    std::shared_ptr<const EdgeConfig> config;
    std::shared_ptr<const json::SchemaRegistry> schemas;
    metrics::Registry& metrics;
    net::any_io_executor timers;

    metrics::Counter& replies_received;
    metrics::Gauge& pending_gauge;

    std::mutex mu;
    std::unordered_map<std::string, Entry> pending;  // commandId -> batch and index

    std::unique_ptr<kafka::Producer> producer;
    std::thread poll_thread;
    std::thread reply_thread;
    std::atomic<bool> stopping{false};
    std::atomic<bool> producer_ready{false};
    std::atomic<bool> positioned{false};

    Impl(std::shared_ptr<const EdgeConfig> c, std::shared_ptr<const json::SchemaRegistry> s, metrics::Registry& m,
         net::any_io_executor t)
        : config(std::move(c)),
          schemas(std::move(s)),
          metrics(m),
          timers(std::move(t)),
          replies_received(m.counter("ocms_replies_received_total", "Valid replies read from this edge's partition")),
          pending_gauge(m.gauge("ocms_edge_pending_commands", "Commands waiting for a reply or their deadline")) {
        // Families exist from the start so /metrics always lists them.
        const std::string first = type_label(std::string(contract::kSuspensionApply.type));
        m.counter("ocms_commands_produced_total", "Commands the broker acknowledged", first);
        m.counter("ocms_commands_produce_failed_total", "Commands that could not be queued", first);
        m.counter("ocms_commands_resent_total",
                  "Commands sent again because a delivery timed out in flight (they may be on the topic)", first);
    }

    // --- under mu ---------------------------------------------------------------------------
    void finish_locked(const std::shared_ptr<Batch>& b) {
        b->done = true;
        for (const auto& item : b->items) pending.erase(item.command_id.value());
        pending_gauge.set(double(pending.size()));
        net::post(b->ex, [cb = std::move(b->cb), items = std::move(b->items)]() mutable { cb(std::move(items)); });
    }

    void resolve_locked(const std::shared_ptr<Batch>& b, std::size_t i) {
        if (b->resolved[i]) return;
        b->resolved[i] = true;
        pending.erase(b->items[i].command_id.value());
        pending_gauge.set(double(pending.size()));
        if (--b->unresolved == 0) finish_locked(b);
        else if (b->deadline_passed) answer_if_all_on_topic_locked(b);
    }

    // After the deadline: "pending" promises the command is on the topic, so a command whose
    // delivery the broker has not confirmed yet is waited for (librdkafka reports every message,
    // by message.timeout.ms plus its reconnect backoff while the broker is down) and answered
    // "could not be queued" if it fails, never as pending.
    void answer_if_all_on_topic_locked(const std::shared_ptr<Batch>& b) {
        for (std::size_t i = 0; i < b->items.size(); ++i)
            if (!b->resolved[i] && b->delivery[i] == Batch::Delivery::unknown) return;
        for (std::size_t i = 0; i < b->items.size(); ++i)
            if (!b->resolved[i]) b->items[i].state = DispatchItem::State::pending;
        finish_locked(b);
    }

    void fail_locked(const std::shared_ptr<Batch>& b, std::size_t i, std::string error) {
        if (b->done || b->resolved[i]) return;
        b->delivery[i] = Batch::Delivery::failed;
        b->items[i].state = DispatchItem::State::failed;
        b->items[i].error = std::move(error);
        resolve_locked(b, i);
    }

    // Enqueues one command; its delivery report comes to on_delivery. attempt 0 is the first send;
    // a re-send is enqueued from the delivery report itself (on the poll thread), which librdkafka
    // allows (produce() polls only when its queue of 100,000 messages is full).
    std::optional<std::string> send(const std::shared_ptr<const Outgoing>& m, const std::weak_ptr<Batch>& wb,
                                    int attempt) {
        if (!producer) return std::string("producer not running");
        return producer->produce(
            m->topic, -1, m->key, m->value, {{"ocms-command-id", m->id}},
            [this, m, wb, attempt](const kafka::DeliveryReport& r) { on_delivery(m, wb, attempt, r); });
    }

    // --- callbacks from the three threads -----------------------------------------------------
    void on_delivery(const std::shared_ptr<const Outgoing>& m, const std::weak_ptr<Batch>& wb, int attempt,
                     const kafka::DeliveryReport& r) {
        const std::string& command_id = m->id;
        if (r.ok()) {
            metrics.counter("ocms_commands_produced_total", "", type_label(m->type)).inc();
            log::debug("command delivered",
                       {{"commandId", command_id}, {"partition", std::to_string(r.partition)},
                        {"offset", std::to_string(r.offset)}, {"attempt", std::to_string(attempt)}});
        } else if ((r.possibly_persisted || attempt > 0) && !stopping) {
            // Timed out in flight: the broker may have written it (found by tests/chaos: commands
            // answered "could not be queued" were applied after the broker's restart). "Could not
            // be queued" would invite a retry with a new command id, applied twice; only an
            // acknowledged copy settles it, and a second copy of the same command id is answered
            // from the worker's inbox (DESIGN.md invariant 3). So: send it again until acknowledged.
            metrics.counter("ocms_commands_resent_total", "", type_label(m->type)).inc();
            if (attempt % 10 == 0)
                log::warn("command may be on the topic; sending it again until the broker acknowledges it",
                          {{"commandId", command_id}, {"error", r.error}, {"attempt", std::to_string(attempt + 1)}});
            {
                std::lock_guard lk(mu);
                auto b = wb.lock();
                if (b && !b->done) {
                    if (auto it = pending.find(command_id); it != pending.end())
                        b->delivery[it->second.index] = Batch::Delivery::resending;
                    if (b->deadline_passed) answer_if_all_on_topic_locked(b);
                }
            }
            if (auto err = send(m, wb, attempt + 1))
                log::error("command may or may not be on the topic: sending it again failed",
                           {{"commandId", command_id}, {"error", *err}});
            return;
        } else {
            metrics.counter("ocms_commands_produce_failed_total", "", type_label(m->type)).inc();
            log::error("command delivery failed", {{"commandId", command_id}, {"error", r.error}});
        }
        std::lock_guard lk(mu);
        auto b = wb.lock();
        if (!b || b->done) return;
        auto it = pending.find(command_id);
        if (it == pending.end()) return;
        std::size_t i = it->second.index;
        if (!r.ok()) return fail_locked(b, i, r.error);
        b->delivery[i] = Batch::Delivery::delivered;
        if (b->deadline_passed) answer_if_all_on_topic_locked(b);
    }

    void on_deadline(const std::weak_ptr<Batch>& wb) {
        std::lock_guard lk(mu);
        auto b = wb.lock();
        if (!b || b->done) return;
        b->deadline_passed = true;
        for (std::size_t i = 0; i < b->items.size(); ++i)
            if (!b->resolved[i] && b->delivery[i] == Batch::Delivery::unknown)
                log::warn("no delivery report at the deadline; answering once the broker's report is in",
                          {{"commandId", b->items[i].command_id.value()}});
        answer_if_all_on_topic_locked(b);
    }

    void on_reply(messages::Reply reply) {
        replies_received.inc();
        std::lock_guard lk(mu);
        auto it = pending.find(reply.command_id.value());
        if (it == pending.end()) {
            log::debug("reply for no waiting request ignored", {{"commandId", reply.command_id.value()}});
            return;
        }
        auto b = it->second.batch;
        std::size_t i = it->second.index;
        b->items[i].state = DispatchItem::State::replied;
        b->items[i].reply = std::move(reply);
        resolve_locked(b, i);
    }

    // --- threads ------------------------------------------------------------------------------
    void sleep_while_running(std::chrono::milliseconds d) {
        auto until = std::chrono::steady_clock::now() + d;
        while (!stopping && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }

    void poll_loop() {
        auto next_check = std::chrono::steady_clock::now();
        while (!stopping) {
            producer->poll(std::chrono::milliseconds(100));
            // Readiness is established once; the producer reconnects by itself afterwards.
            if (!producer_ready && std::chrono::steady_clock::now() >= next_check) {
                if (producer->has_metadata(std::chrono::milliseconds(1000))) {
                    producer_ready = true;
                    log::info("producer has broker metadata", {{"brokers", config->brokers}});
                }
                next_check = std::chrono::steady_clock::now() + std::chrono::seconds(1);
            }
        }
    }

    void reply_loop() {
        const std::string partition = std::to_string(config->instance);
        auto created = kafka::Consumer::make(config->brokers, "",
                                             {{"client.id", "ocms-edge-" + partition + "-reply"}});
        if (!created) {
            log::error("reply consumer could not be created", {{"error", created.error().message}});
            return;
        }
        auto& consumer = **created;
        auto last_warn = std::chrono::steady_clock::now() - std::chrono::hours(1);
        while (!stopping) {
            if (!positioned) {
                // Start at the high watermark: replies written before this process started belong
                // to requests it never saw.
                auto wm = consumer.watermarks(messages::kTopicReply, config->instance, std::chrono::milliseconds(1000));
                if (!wm) {
                    if (std::chrono::steady_clock::now() - last_warn > std::chrono::seconds(10)) {
                        log::warn("reply partition not reachable yet",
                                  {{"topic", messages::kTopicReply}, {"partition", partition}});
                        last_warn = std::chrono::steady_clock::now();
                    }
                    sleep_while_running(std::chrono::milliseconds(500));
                    continue;
                }
                if (auto e = consumer.assign({{messages::kTopicReply, config->instance, wm->second}})) {
                    log::error("reply partition assign failed", {{"error", *e}});
                    sleep_while_running(std::chrono::milliseconds(1000));
                    continue;
                }
                positioned = true;
                log::info("reply partition positioned", {{"topic", messages::kTopicReply}, {"partition", partition},
                                                         {"offset", std::to_string(wm->second)}});
                continue;
            }
            auto m = consumer.poll(std::chrono::milliseconds(200));
            if (!m) continue;
            if (m->err()) {
                log::warn("reply consumer error", {{"error", m->error_text()}});
                continue;
            }
            handle_bytes(m->value());
        }
        consumer.close();
    }

    void handle_bytes(std::string_view value) {
        auto doc = json::parse(value);
        if (!doc) {
            log::warn("reply skipped: not JSON", {{"error", doc.error()}});
            return;
        }
        if (auto why = schemas->validate("reply.v1", *doc); !why.empty()) {
            log::warn("reply skipped: schema reply.v1", {{"error", why}});
            return;
        }
        auto reply = messages::decode_reply(*doc);
        if (!reply) {
            log::warn("reply skipped", {{"error", reply.error().message}});
            return;
        }
        on_reply(std::move(*reply));
    }
};

KafkaGateway::KafkaGateway(std::shared_ptr<const EdgeConfig> config,
                           std::shared_ptr<const json::SchemaRegistry> schemas, metrics::Registry& metrics,
                           net::any_io_executor timers)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(schemas), metrics, std::move(timers))) {}

KafkaGateway::~KafkaGateway() { stop(); }

void KafkaGateway::start(const kafka::ConfigMap& producer_extra, bool reply_consumer) {
    // While the broker is down librdkafka checks message timeouts only when its broker thread
    // wakes for a reconnect attempt; with the default backoff (up to 10 s) a delivery report came
    // 13 s after produce (tests/chaos). At most 1 s between attempts keeps the report near
    // message.timeout.ms, so a "could not be queued" answer comes before the deadline.
    kafka::ConfigMap conf{{"message.timeout.ms", std::to_string(impl_->config->kafka_message_timeout.count())},
                          {"reconnect.backoff.max.ms", "1000"},
                          {"client.id", "ocms-edge-" + std::to_string(impl_->config->instance)}};
    conf.insert(conf.end(), producer_extra.begin(), producer_extra.end());
    auto p = kafka::Producer::make(impl_->config->brokers, conf);
    if (!p) throw std::runtime_error("Kafka producer: " + p.error().message);
    impl_->producer = std::move(*p);
    impl_->poll_thread = std::thread([this] { impl_->poll_loop(); });
    if (reply_consumer) impl_->reply_thread = std::thread([this] { impl_->reply_loop(); });
}

void KafkaGateway::stop() {
    if (!impl_) return;
    impl_->stopping = true;
    if (impl_->reply_thread.joinable()) impl_->reply_thread.join();
    if (impl_->poll_thread.joinable()) impl_->poll_thread.join();
    if (impl_->producer) {
        // Delivery reports run here; they only touch the pending map and post.
        if (!impl_->producer->flush(impl_->config->kafka_message_timeout))
            log::warn("producer flush timed out", {{"outstanding", std::to_string(impl_->producer->outstanding())}});
        impl_->producer.reset();
    }
    std::lock_guard lk(impl_->mu);
    impl_->pending.clear();
    impl_->pending_gauge.set(0);
}

bool KafkaGateway::ready() const { return impl_->producer_ready && impl_->positioned; }

bool KafkaGateway::producer_ready() const { return impl_->producer_ready; }

void KafkaGateway::on_reply_bytes(std::string_view value) { impl_->handle_bytes(value); }

void KafkaGateway::dispatch(std::vector<messages::Command> commands, net::any_io_executor ex, DispatchCallback cb) {
    auto b = std::make_shared<Batch>();
    const std::size_t n = commands.size();
    b->items.resize(n);
    b->delivery.assign(n, Batch::Delivery::unknown);
    b->resolved.assign(n, false);
    b->unresolved = n;
    b->ex = ex;
    b->cb = std::move(cb);
    std::vector<std::string> keys(n);
    for (std::size_t i = 0; i < n; ++i) {
        auto& c = commands[i];
        c.reply_to = messages::ReplyTo{messages::kTopicReply, impl_->config->instance};
        keys[i] = command_key(c);
        b->items[i].command_id = c.command_id;
        b->items[i].notice_no = NoticeNo(keys[i]);
    }
    if (n == 0) {
        net::post(ex, [cb = std::move(b->cb)]() mutable { cb({}); });
        return;
    }
    {
        std::lock_guard lk(impl_->mu);
        for (std::size_t i = 0; i < n; ++i) impl_->pending[commands[i].command_id.value()] = Entry{b, i};
        impl_->pending_gauge.set(double(impl_->pending.size()));
        b->timer = std::make_unique<net::steady_timer>(impl_->timers, impl_->config->deadline);
        b->timer->async_wait([impl = impl_.get(), wb = std::weak_ptr<Batch>(b)](boost::system::error_code ec) {
            if (!ec) impl->on_deadline(wb);
        });
    }
    for (std::size_t i = 0; i < n; ++i) {
        const auto& c = commands[i];
        const std::string id = c.command_id.value();
        std::string topic = topic_for(c.type);
        std::optional<std::string> err;
        if (topic.empty()) err = "no topic for command type " + c.type;
        else
            err = impl_->send(
                std::make_shared<const Outgoing>(Outgoing{id, c.type, topic, keys[i], messages::encode(c)}), b, 0);
        if (err) {
            impl_->metrics.counter("ocms_commands_produce_failed_total", "", type_label(c.type)).inc();
            log::error("command not queued", {{"commandId", id}, {"error", *err}});
            std::lock_guard lk(impl_->mu);
            impl_->fail_locked(b, i, *err);
        } else {
            log::info("command produced",
                      {{"commandId", id}, {"requestId", c.request_id ? c.request_id->value() : ""}, {"topic", topic},
                       {"key", keys[i]}});
        }
    }
}

void dispatch_for(CommandGateway& gateway, const Exchange& ex, std::vector<messages::Command> commands,
                  DispatchCallback cb) {
    if (!ex.caller.empty())
        for (auto& c : commands) c.caller = ex.caller;
    gateway.dispatch(std::move(commands), ex.executor, std::move(cb));
}

}  // namespace ocms::edge
