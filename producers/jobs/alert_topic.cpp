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

Result<std::shared_ptr<TopicAlertSink>> TopicAlertSink::create(const std::string& brokers, std::string source,
                                                               std::chrono::milliseconds flush_timeout) {
    // The delivery timeout equals the flush timeout, so a report (ok or failed) always arrives
    // by the time flush gives up.
    auto p = kafka::Producer::make(brokers, {{"message.timeout.ms", std::to_string(flush_timeout.count())},
                                             {"client.id", source + "-alerts"}});
    if (!p) return fail(std::move(p.error()).in_context("Kafka producer for " + std::string(kTopicAlert) + ": "));
    return std::shared_ptr<TopicAlertSink>(new TopicAlertSink(std::move(*p), std::move(source), flush_timeout));
}

Result<void> TopicAlertSink::publish(const http::Alert& a) {
    const std::string id = new_uuid();
    // 0 = no report yet, 1 = acknowledged, 2 = failed; the error is written before the state.
    struct State {
        std::atomic<int> done{0};
        rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
        std::string error;
    };
    auto st = std::make_shared<State>();
    rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_NO_ERROR;
    auto err = producer_->produce(kTopicAlert, -1, a.api_name, alert_event_json(a, id, source_), {{"ocms-alert-id", id}},
                                  [st](const kafka::DeliveryReport& r) {
                                      if (!r.ok()) {
                                          st->err = r.err;
                                          st->error = r.error;
                                      }
                                      st->done = r.ok() ? 1 : 2;
                                  },
                                  &code);
    if (err) return fail(kafka::to_error(code, *err));
    producer_->flush(flush_timeout_);
    switch (st->done.load()) {
        case 1: return {};
        case 2: return fail(kafka::to_error(st->err, st->error));
        default:
            // No report yet: the broker may still take it (transient, as librdkafka's own timeout).
            return fail(kafka::to_error(RD_KAFKA_RESP_ERR__TIMED_OUT,
                                        "not acknowledged within " + std::to_string(flush_timeout_.count()) + " ms"));
    }
}

void TopicAlertSink::alert(const http::Alert& a) {
    try {
        auto r = publish(a);
        if (r) log::info("alert event published", {{"topic", kTopicAlert}, {"api", a.api_name}});
        else log::error("alert event not published", {{"topic", kTopicAlert}, {"api", a.api_name}, {"alert", a.error}, {"error", r.error().message}});
    } catch (const std::exception& e) {
        log::error("alert event not published", {{"topic", kTopicAlert}, {"api", a.api_name}, {"error", e.what()}});
    }
}

}  // namespace ocms::jobs
