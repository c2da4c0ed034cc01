#pragma once
// The command gateway: sends commands to their topics and gathers the replies addressed to this
// edge instance (its partition of ocms.reply).
//
// Lifecycle: KafkaGateway::start() creates the producer (with a poll thread) and the reply
// consumer thread; the consumer positions its partition at the high watermark before ready()
// becomes true. stop() ends both threads and flushes the producer; call it before the
// io_context the gateway's timers run on is destroyed.
//
// At the deadline the callback gets what is known: replied items, and pending ones for commands
// the broker acknowledged. A command whose delivery report is not in yet is waited for (it comes
// within message.timeout.ms plus librdkafka's reconnect backoff), so "pending" always means "on
// the topic" and a command the broker never took is answered as failed. A delivery that timed out
// in flight may have reached the topic all the same: such a command is sent again (same command
// id; the worker's inbox answers a second copy) until the broker acknowledges it, and counts as
// pending meanwhile; it is never answered as failed.
//
// Threading: dispatch() may be called from any thread. Replies arrive on the consumer thread,
// delivery reports on the poll thread, deadlines on the io_context; all three meet in the
// pending map behind one mutex. The caller's callback is posted to the executor it passes (the
// session's strand) exactly once per dispatch.
#include "http/api.hpp"
#include "config.hpp"
#include "kafka/kafka.hpp"
#include "messages/messages.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ocms::json {
class SchemaRegistry;
}
namespace ocms::metrics {
class Registry;
}

namespace ocms::edge {

// The fate of one command at the moment the gateway answers.
struct DispatchItem {
    enum class State {
        replied,  // a worker answered: reply is set
        pending,  // on the topic (acknowledged, or being re-sent until it is); the worker's answer comes later
        failed,   // could not be queued (enqueue or delivery failed): error is set
    };
    CommandId command_id;
    NoticeNo notice_no;
    State state = State::pending;
    std::optional<messages::Reply> reply;
    std::string error;
};

using DispatchCallback = std::function<void(std::vector<DispatchItem>)>;

// The interface handlers use; tests put a fake behind it.
class CommandGateway {
public:
    virtual ~CommandGateway() = default;
    // One item per command, in the order given. cb is posted to ex once.
    virtual void dispatch(std::vector<messages::Command> commands, boost::asio::any_io_executor ex,
                          DispatchCallback cb) = 0;
    // The producer has broker metadata and the reply partition is positioned.
    virtual bool ready() const = 0;
};

// A request's commands to the gateway as its caller's: stamps ex.caller on each command (the
// one place the edge sets the envelope's caller; request-outcome answers a request only to it),
// then gateway.dispatch on the exchange's executor.
void dispatch_for(CommandGateway& gateway, const Exchange& ex, std::vector<messages::Command> commands,
                  DispatchCallback cb);

// The key a command is produced with: its notice number (DESIGN.md invariant 2), as its builder
// set it (never parsed again from the payload).
std::string command_key(const messages::Command& c);
// The topic of a command type ("suspension.apply" -> "ocms.cmd.suspension"); "" when unknown.
std::string topic_for(const std::string& type);

class KafkaGateway : public CommandGateway {
public:
    KafkaGateway(std::shared_ptr<const EdgeConfig> config, std::shared_ptr<const json::SchemaRegistry> schemas,
                 metrics::Registry& metrics, boost::asio::any_io_executor timers);
    ~KafkaGateway() override;
    KafkaGateway(const KafkaGateway&) = delete;
    KafkaGateway& operator=(const KafkaGateway&) = delete;

    // Throws std::runtime_error when librdkafka refuses the configuration. producer_extra is
    // added to the producer's settings (tests use librdkafka's mock cluster); reply_consumer
    // false leaves the reply partition alone (tests feed replies with on_reply_bytes()).
    void start(const kafka::ConfigMap& producer_extra = {}, bool reply_consumer = true);
    // Idempotent: ends the threads, flushes the producer, forgets every pending command.
    void stop();

    void dispatch(std::vector<messages::Command> commands, boost::asio::any_io_executor ex,
                  DispatchCallback cb) override;
    bool ready() const override;
    bool producer_ready() const;

    // The reply handling of the consumer thread, public so tests can feed bytes without Kafka.
    void on_reply_bytes(std::string_view value);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ocms::edge
