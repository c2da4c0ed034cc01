#pragma once
// Applies one poll's commands in one PostgreSQL transaction, a savepoint per command
// (DESIGN.md invariants 1, 3, 5). Pure with respect to Kafka: it takes message views and
// returns the messages to publish (replies, outcomes, dead letters); the worker loop publishes
// them and only then commits offsets.
//
// Per command: already in the inbox -> the stored reply again (fromInbox), nothing changes;
// else the handler runs and its reply is stored in the inbox in the same savepoint. A
// permanent database error rolls back to the savepoint and dead-letters that command only;
// its caller is answered OCMS-4007 "System error occurred during processing." (spec 002).
// A transient error aborts the whole batch (nothing committed); the caller retries it.
#include "handler.hpp"
#include "json/schema_registry.hpp"
#include "messages/messages.hpp"
#include "metrics/metrics.hpp"
#include "pg/pg.hpp"

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <vector>

namespace ocms::worker {

struct InMessage {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::string key;
    std::string value;
};

struct OutMessage {
    std::string topic;
    std::int32_t partition = -1;  // -1 = by key
    std::string key;
    std::string value;
};

struct BatchResult {
    std::vector<OutMessage> out;
    int applied = 0;        // handler ran, effect committed (any app code)
    int from_inbox = 0;     // answered from the inbox
    int dead_lettered = 0;  // sent to ocms.dlq
};

class Processor {
public:
    Processor(std::shared_ptr<const json::SchemaRegistry> schemas, Clock clock, metrics::Registry& metrics);
    std::expected<BatchResult, pg::PgError> process(pg::Connection& db, const std::vector<InMessage>& batch);

private:
    struct Prepared;
    std::shared_ptr<const json::SchemaRegistry> schemas_;
    Clock clock_;
    metrics::Registry& metrics_;
};

}  // namespace ocms::worker
