#pragma once
// Alerts as events on the Kafka topic ocms.alert, next to the e-mail (spec 002 section 5.2):
// monitoring and other OCMS systems subscribe instead of reading a mailbox. One JSON event per
// alert (schemas/alert.v1.schema.json), key = the API name, header ocms-alert-id.
//
// TopicAlertSink owns its own producer (acks=all, idempotent, like every OCMS producer) so that
// alert() can flush just the alerts without waiting for another job's commands. alert()
// blocks until the broker acknowledged the event or flush_timeout passed: the scheduler's
// one-shot mode exits right after a failed run, and an alert still in a queue would be lost.
// It never throws (AlertSink's contract): an event that cannot be published is logged at
// error level. Thread-safe: produce and flush are, and each alert tracks its own report.
//
// Errors (issue 15) are OCMS-5000, their kind kafka::classify's: a producer that cannot be made
// is fatal (a refused setting, an unreadable OCMS_KAFKA_CONFIG); an event the broker refused or
// did not acknowledge within flush_timeout is what librdkafka's error says (a timeout or an
// unreachable broker transient, a message too large permanent).
#include "core/error.hpp"
#include "http/alert.hpp"
#include "kafka/kafka.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace ocms::jobs {

inline constexpr const char* kTopicAlert = "ocms.alert";

// The event: {"schemaVersion":1,"alertId","subject","api","endpoint","error","retryCount",
// "raisedAt" (ISO 8601 +08:00),"source" (the process)}. Pure, unit-tested against the schema.
std::string alert_event_json(const http::Alert& a, std::string_view alert_id, std::string_view source);

class TopicAlertSink final : public http::AlertSink {
public:
    // source: the process raising alerts ("ocms-scheduler").
    // Errors: Producer::make's, the message prefixed "Kafka producer for ocms.alert: ".
    static Result<std::shared_ptr<TopicAlertSink>> create(
        const std::string& brokers, std::string source,
        std::chrono::milliseconds flush_timeout = std::chrono::milliseconds{10'000});

    void alert(const http::Alert& a) override;
    // The same, reporting the failure (tests).
    Result<void> publish(const http::Alert& a);

private:
    TopicAlertSink(std::unique_ptr<kafka::Producer> p, std::string source, std::chrono::milliseconds flush_timeout)
        : producer_(std::move(p)), source_(std::move(source)), flush_timeout_(flush_timeout) {}
    std::unique_ptr<kafka::Producer> producer_;
    const std::string source_;
    const std::chrono::milliseconds flush_timeout_;
};

}  // namespace ocms::jobs
