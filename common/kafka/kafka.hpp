#pragma once
// RAII over librdkafka's C API (STYLE.md 8). rd_kafka_t handles, messages and partition lists
// are owned here and nowhere else.
//
// Producer: thread-safe produce(); each message carries its own heap-owned delivery callback,
// run from poll()/flush() on the thread that calls them (the edge runs a poll thread, the
// worker flushes after each batch). Settings follow DESIGN.md: acks=all, idempotence on,
// Nagle off, linger 1 ms, murmur2_random partitioner (the Java client's, so every publisher
// puts a notice's commands on the same partition).
// Consumer: one thread. Group mode (subscribe) for workers, assign mode for the edge's reply
// partition. Offsets are never committed automatically.
#include "core/error.hpp"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocms::kafka {

using ConfigMap = std::vector<std::pair<std::string, std::string>>;

// The client settings of this process's Kafka principal: the librdkafka properties file named by
// OCMS_KAFKA_CONFIG (key=value lines, '#' comments; kcat reads the same format), e.g.
//   security.protocol=SASL_PLAINTEXT
//   sasl.mechanisms=SCRAM-SHA-512
//   sasl.username=ocms-edge
//   sasl.password=...
// infra/run writes one file per principal under .data/secrets and gives each service its own
// (docs/deployment.md "Trust boundary"). Empty when the variable is unset (a broker without
// security). Every Producer and Consumer applies it after its own defaults, before `extra`.
// Throws std::runtime_error when the file is named but unreadable or malformed: a service must not
// start with credentials silently missing.
ConfigMap client_config_from_env();
// OCMS's own client settings from the file OCMS_KAFKA_TUNING names (infra/kafka/clients.properties:
// lines "producer.<setting>=<value>" and "consumer.<setting>=<value>"), the lines of one role with
// the prefix taken off; empty when the variable is unset. Applied after the defaults, before the
// principal's file and `extra`. Throws std::runtime_error as client_config_from_env does.
ConfigMap tuning_from_env(std::string_view role_prefix);
// The same for a file path.
ConfigMap load_properties(const std::string& path);

struct Header {
    std::string key;
    std::string value;
};

struct DeliveryReport {
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    std::string error;
    std::int32_t partition = -1;
    std::int64_t offset = -1;
    // A failed message that may be in the topic all the same (it timed out in flight: the broker
    // may have written it before the connection or the broker died): librdkafka's
    // RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED. Only sending it again until acknowledged settles it.
    bool possibly_persisted = false;
    bool ok() const { return err == RD_KAFKA_RESP_ERR_NO_ERROR; }
};
using DeliveryCallback = std::function<void(const DeliveryReport&)>;

// The one translation of librdkafka errors into retry decisions.
FaultKind classify(rd_kafka_resp_err_t err);

// The one translation of a librdkafka error into the system's Error (STYLE.md 5): kind from
// classify(err), code OCMS-5000, message the given text (what failed, in the caller's words) or,
// when it is empty, librdkafka's own description of err.
Error to_error(rd_kafka_resp_err_t err, std::string message = {});

class Producer {
public:
    // A producer with this process's settings (client_config_from_env) and extra. A setting
    // librdkafka refuses, an unreadable OCMS_KAFKA_CONFIG or a handle it cannot make is a fatal
    // Error (classify(RD_KAFKA_RESP_ERR__INVALID_ARG)): the process cannot publish; the message
    // is librdkafka's ("linger.ms: Configuration property ... value ...").
    static Result<std::unique_ptr<Producer>> make(const std::string& brokers, const ConfigMap& extra = {});
    ~Producer();
    Producer(const Producer&) = delete;
    Producer& operator=(const Producer&) = delete;

    // Enqueues; partition -1 means "by key". Returns an error text if the message could not be
    // enqueued (then the callback is never called, and *code, when given, says why: classify()
    // it). Waits (polling) while the queue is full.
    std::optional<std::string> produce(const std::string& topic, std::int32_t partition, std::string_view key,
                                       std::string_view value, const std::vector<Header>& headers,
                                       DeliveryCallback cb, rd_kafka_resp_err_t* code = nullptr);
    int poll(std::chrono::milliseconds timeout);
    // The idempotent producer's fatal error, if it has one: it then takes nothing more, for good
    // (librdkafka purges its queue; the process should exit and be restarted).
    std::optional<std::string> fatal_error() const;
    // True when every outstanding message got its delivery report in time.
    bool flush(std::chrono::milliseconds timeout);
    int outstanding() const;
    // True when a metadata request answered within timeout with at least one broker (blocks;
    // readiness checks call it from a background thread).
    bool has_metadata(std::chrono::milliseconds timeout);

private:
    explicit Producer(rd_kafka_t* rk) : rk_(rk) {}
    rd_kafka_t* rk_;
};

class Message {
public:
    explicit Message(rd_kafka_message_t* m) : m_(m, &rd_kafka_message_destroy) {}
    rd_kafka_resp_err_t err() const { return m_->err; }
    std::string error_text() const;
    std::string topic() const { return m_->rkt ? rd_kafka_topic_name(m_->rkt) : ""; }
    std::int32_t partition() const { return m_->partition; }
    std::int64_t offset() const { return m_->offset; }
    std::string_view key() const {
        return m_->key ? std::string_view(static_cast<const char*>(m_->key), m_->key_len) : std::string_view{};
    }
    std::string_view value() const {
        return m_->payload ? std::string_view(static_cast<const char*>(m_->payload), m_->len) : std::string_view{};
    }
    std::optional<std::string> header(const char* name) const;
    std::vector<Header> headers() const;
    std::int64_t timestamp_ms() const;

private:
    std::unique_ptr<rd_kafka_message_t, decltype(&rd_kafka_message_destroy)> m_;
};

struct TopicPartition {
    std::string topic;
    std::int32_t partition;
    std::int64_t offset;  // for commits: the next offset to read
};

class Consumer {
public:
    // group_id empty: assign mode (no group membership). Errors as Producer::make's.
    static Result<std::unique_ptr<Consumer>> make(const std::string& brokers, const std::string& group_id,
                                                  const ConfigMap& extra = {});
    ~Consumer();
    Consumer(const Consumer&) = delete;
    Consumer& operator=(const Consumer&) = delete;

    std::optional<std::string> subscribe(const std::vector<std::string>& topics);
    std::optional<std::string> assign(const std::vector<TopicPartition>& parts);
    // nullopt on timeout; a Message with err() set for errors and partition EOF.
    std::optional<Message> poll(std::chrono::milliseconds timeout);
    // Asynchronous (does not wait for the broker); an error returned is one of the request itself.
    rd_kafka_resp_err_t commit(const std::vector<TopicPartition>& offsets);
    void pause_assignment();
    void resume_assignment();
    std::vector<TopicPartition> assignment() const;
    // Low and high watermark from the broker.
    std::optional<std::pair<std::int64_t, std::int64_t>> watermarks(const std::string& topic, std::int32_t partition,
                                                                    std::chrono::milliseconds timeout);
    // Sum over the assignment of (high watermark - committed offset); nullopt when unknown or
    // nothing is assigned. Two requests whatever the number of partitions (the committed offsets
    // from the group coordinator, the end offsets in one ListOffsets), but each can wait behind a
    // fetch the broker holds for up to fetch.wait.max.ms: call it from a thread of its own, never
    // from the poll loop (issue 7: a query per partition there stalled every worker thread for
    // hundreds of milliseconds every two seconds). Thread-safe, as librdkafka's calls are.
    std::optional<std::int64_t> lag(std::chrono::milliseconds timeout);
    // Offset of the first message at or after a time, per partition (-1 = end).
    std::optional<std::int64_t> offset_for_time(const std::string& topic, std::int32_t partition,
                                                std::int64_t ts_ms, std::chrono::milliseconds timeout);
    int partition_count(const std::string& topic, std::chrono::milliseconds timeout);
    // The offsets this consumer's group.id has committed for the given partitions (-1001 = none).
    // Works without joining the group, so support tools and tests can read another group's.
    std::optional<std::vector<TopicPartition>> committed(const std::vector<TopicPartition>& parts,
                                                         std::chrono::milliseconds timeout);
    void close();

private:
    explicit Consumer(rd_kafka_t* rk) : rk_(rk) {}
    rd_kafka_t* rk_;
    bool closed_ = false;
};

}  // namespace ocms::kafka
