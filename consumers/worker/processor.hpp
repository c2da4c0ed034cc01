#pragma once
// Applies one poll's commands in one PostgreSQL transaction, a savepoint per command
// (DESIGN.md invariants 1, 3, 5). Pure with respect to Kafka: it takes message views and
// returns the messages to publish (replies, outcomes, dead letters); the worker loop publishes
// them and only then commits offsets.
//
// Per command, in its savepoint: already in the inbox -> the stored reply again (fromInbox),
// nothing changes; its notice parked -> queued behind the parked command (OCMS-2002, applied
// by a retry later); else the handler runs and its reply is stored in the inbox. Every command
// leaves one ocms_command_audit row with the notice fields it changed (support_records.hpp).
//
// Error policy. A message that is not a valid command (json, schema, unknown type) is poison:
// an ocms_dead_letter row and the dead-letter topic. A transient database error aborts the
// whole batch (nothing committed); the caller retries it with backoff, without limit (a
// database outage must not park every notice). A permanent database error (constraint,
// trigger, privilege, bad data) has a retry budget of zero, since retrying cannot change it: the
// command is rolled back to its savepoint and PARKED with its notice (ocms_parked_notice,
// ocms_parked_command); its caller gets the handler's fault reply (OCMS-4007 / OCMS-5000, each
// spec's words); the notice's later commands queue behind it; every other notice goes on. After
// a fix support requests a retry; retry_parked() applies the queue in order.
#include "handler.hpp"
#include "handlers/notice_store.hpp"
#include "json/schema_registry.hpp"
#include "messages/messages.hpp"
#include "metrics/metrics.hpp"
#include "pg/pg.hpp"
#include "support_records.hpp"

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
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
    int parked = 0;         // failed permanently: its notice is parked
    int queued = 0;         // queued behind its parked notice
    int retried = 0;        // parked notices a retry went through (applied or failed again)
};

class Processor {
public:
    Processor(std::shared_ptr<const json::SchemaRegistry> schemas, Clock clock, metrics::Registry& metrics,
              bool pipeline = true);
    std::expected<BatchResult, pg::PgError> process(pg::Connection& db, const std::vector<InMessage>& batch);

    // Retries the parked notices support asked to retry (at most `limit`), each in its own
    // transaction: its PARKED commands in order through the same per-command steps; all done ->
    // the notice is unparked; one fails again -> rolled back to its savepoint, the notice stays
    // parked behind it (last_retry_error). Returns what to publish for the notices committed; a
    // transient error stops it (the rest are tried on the next call) and is returned in `error`.
    struct RetryResult {
        BatchResult result;
        std::optional<pg::PgError> error;
    };
    RetryResult retry_parked(pg::Connection& db, int limit = 10);

    // Sets the gauges ocms_parked_notices and ocms_parked_commands from the tables.
    std::expected<void, pg::PgError> refresh_parked_gauges(pg::Connection& db);

private:
    struct Prepared;
    enum class Step { done, failed };
    Prepared prepare(const InMessage& in) const;
    std::expected<Step, pg::PgError> apply(pg::Connection& db, Prepared& p, TimePoint now, bool retry);
    std::expected<void, pg::PgError> dead_letter(pg::Connection& db, Prepared& p, TimePoint now);
    // The fast path's batch (issue 16): in waves, one command per notice each, set-based.
    std::expected<void, pg::PgError> apply_waves(pg::Connection& db, std::vector<Prepared>& items, TimePoint now);
    void collect(BatchResult& out, Prepared& p, TimePoint now);
    std::expected<BatchResult, pg::PgError> process_once(pg::Connection& db, const std::vector<InMessage>& batch);
    std::shared_ptr<const json::SchemaRegistry> schemas_;
    Clock clock_;
    metrics::Registry& metrics_;
    metrics::Gauge& parked_notices_;
    metrics::Gauge& parked_commands_;
    metrics::Counter& parked_failed_;
    metrics::Counter& parked_queued_;
    metrics::Counter& retries_applied_;
    metrics::Counter& retries_failed_;
    // The fast path (OCMS_WORKER_PIPELINE, on by default): the statements whose results nobody
    // waits for (the inbox and audit rows) are deferred and go to the server with the next
    // statement in one pipeline, and no command takes a savepoint; any database error then rolls
    // the batch back and the batch runs again on the careful path, one statement at a time and a
    // savepoint per command, where each failure is handled where it happens (parking, the inbox
    // race, a dead letter).
    bool pipeline_ = true;
    bool fast_ = false;  // this attempt runs on the fast path
    // The reference rows read so far, kept from batch to batch while ocms_reference_version reads
    // reference_version_ (a change to a reference table bumps it).
    std::unique_ptr<store::ReferenceCache> reasons_;
    std::int64_t reference_version_ = -1;
    metrics::Counter& fast_fallbacks_;
};

}  // namespace ocms::worker
