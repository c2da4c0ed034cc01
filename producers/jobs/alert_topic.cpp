#include "jobs/alert_topic.hpp"

#include "core/ids.hpp"
#include "core/log.hpp"
#include "json/json.hpp"

#include <atomic>

namespace ocms::jobs {

std::string alert_event_json(const http::Alert& a, std::string_view alert_id, std::string_view source) {
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartObject();
    json::kv(w, "schemaVersion", std::int64_t{1});
    json::kv(w, "alertId", alert_id);
    json::kv(w, "subject", http::format_alert_subject(a));
    json::kv(w, "api", a.api_name);
    json::kv(w, "endpoint", a.endpoint);
    json::kv(w, "error", a.error);
    json::kv(w, "retryCount", std::int64_t{a.retry_count});
    json::kv(w, "raisedAt", format_offset(a.timestamp));
    json::kv(w, "source", source);
    w.EndObject();
    return {buf.GetString(), buf.GetSize()};
}

std::expected<std::shared_ptr<TopicAlertSink>, std::string> TopicAlertSink::create(const std::string& brokers,
                                                                                    std::string source,
                                                                                    std::chrono::milliseconds flush_timeout) {
    // The delivery timeout equals the flush timeout, so a report (ok or failed) always arrives
    // by the time flush gives up.
    auto p = kafka::Producer::create(brokers, {{"message.timeout.ms", std::to_string(flush_timeout.count())},
                                               {"client.id", source + "-alerts"}});
    if (!p) return std::unexpected("Kafka producer for " + std::string(kTopicAlert) + ": " + p.error());
    return std::shared_ptr<TopicAlertSink>(new TopicAlertSink(std::move(*p), std::move(source), flush_timeout));
}

std::expected<void, std::string> TopicAlertSink::publish(const http::Alert& a) {
    const std::string id = new_uuid();
    // 0 = no report yet, 1 = acknowledged, 2 = failed; the error text is written before the state.
    struct State {
        std::atomic<int> done{0};
        std::string error;
    };
    auto st = std::make_shared<State>();
    auto err = producer_->produce(kTopicAlert, -1, a.api_name, alert_event_json(a, id, source_), {{"ocms-alert-id", id}},
                                  [st](const kafka::DeliveryReport& r) {
                                      if (!r.ok()) st->error = r.error;
                                      st->done = r.ok() ? 1 : 2;
                                  });
    if (err) return std::unexpected(*err);
    producer_->flush(flush_timeout_);
    switch (st->done.load()) {
        case 1: return {};
        case 2: return std::unexpected(st->error);
        default: return std::unexpected("not acknowledged within " + std::to_string(flush_timeout_.count()) + " ms");
    }
}

void TopicAlertSink::alert(const http::Alert& a) {
    try {
        auto r = publish(a);
        if (r) log::info("alert event published", {{"topic", kTopicAlert}, {"api", a.api_name}});
        else log::error("alert event not published", {{"topic", kTopicAlert}, {"api", a.api_name}, {"alert", a.error}, {"error", r.error()}});
    } catch (const std::exception& e) {
        log::error("alert event not published", {{"topic", kTopicAlert}, {"api", a.api_name}, {"error", e.what()}});
    }
}

}  // namespace ocms::jobs
