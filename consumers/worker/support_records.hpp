#pragma once
// What the worker records for support staff (issue 8, schemas/sql/0006_support.sql), always in
// the batch's transaction next to the command's effect: one ocms_command_audit row per command
// processed (with the notice fields it changed, before and after), an ocms_dead_letter row per
// poison message, and the per-notice parking rows (ocms_parked_notice, ocms_parked_command).
//
// Cost: the processor adds no statement per applied command. preflight() is the inbox lookup
// it always did, widened to read the parking state and the notice row before the handler (FOR
// UPDATE: the lock the handler takes anyway); record_applied() writes the inbox row and the
// audit row in one statement and computes the changes in SQL. Both are prepared once per
// connection (pg::Connection::exec_prepared): parse and plan were about half of their server
// time. A dead letter is one prepared statement too (a replay of a whole topic brings back every
// poison message); parking and queueing (rare) are one plain statement each.
//
// The SQL lives here and nowhere else; every statement takes parameters only. Message bytes
// travel as hex text (decode(.., 'hex') into bytea), since pg::Connection sends text parameters.
#include "core/error.hpp"
#include "core/time.hpp"
#include "messages/messages.hpp"
#include "pg/pg.hpp"

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocms::worker {

// The outcome column of ocms_command_audit.
enum class Outcome { applied, refused, inbox, parked, queued, dead_lettered };
std::string_view outcome_name(Outcome o);
// A handler's answer: applied when it is a success (2xxx), refused when a business rule said no.
Outcome outcome_of(AppCode handler_code);

// The reply message of a command queued behind a parked one (the caller sees OCMS-2002).
inline constexpr std::string_view kQueuedMessage =
    "Parked: an earlier command of this notice is waiting for support; this one will be applied after it";
// ocms_parked_command.reason of a queued command.
std::string queued_reason(const std::string& first_command_id);
// resolved_by of the parked commands a retry applied.
inline constexpr std::string_view kRetryActor = "worker-retry";

// One ocms_command_audit row. before_json: the notice row (to_jsonb) before the handler ran;
// when set, the row's changes are the fields that differ now (but upd_date, upd_user_id, is_sync).
struct AuditRow {
    std::string command_id;    // "" for a message without one
    std::string notice_no;     // the payload's notice, else the message key
    std::string command_type;  // "" for a message that is not a command
    std::optional<std::string> source, officer, request_id, trace_id, replay_of_json;
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    Outcome outcome = Outcome::applied;
    std::optional<std::string> app_code, message;
    TimePoint processed_at;
    std::optional<std::string> before_json;
    // inbox only (record_applied): payload_identity() and the envelope's caller
    std::string payload_sha256;
    std::optional<std::string> caller;
};

// The envelope fields of a command (command id, type, source, officer, request, trace, replay-of,
// caller).
void fill_from_command(AuditRow& row, const messages::Command& c);
// What makes a command the command it is, beside its id: SHA-256 of its type and payload
// (Command::payload_json: the payload as decode_command re-serialized it once). A replay or
// redelivery has the same; a reused id with another type or payload has not (issue 14).
std::string payload_identity(std::string_view type, std::string_view payload_json);
// {"topic","partition","offset"} of a replayed message.
std::string replay_of_json(const messages::ReplayOf& r);

// Read before a command runs, in its savepoint, in one statement.
struct Preflight {
    std::optional<std::string> inbox_reply;       // the stored reply: a redelivery or a replay
    std::optional<std::string> parked_first;      // the notice is parked: the command that parked it
    std::optional<std::string> own_parked_status; // this command in ocms_parked_command: PARKED/APPLIED/DISCARDED
    std::optional<std::string> before_json;       // the notice row, locked FOR UPDATE; none when no such
                                                  // notice or when the inbox answers
    std::optional<std::string> inbox_type;        // with inbox_reply: the stored command's type
    std::optional<std::string> inbox_sha256;      // and its payload_identity (NULL on rows before 0008)
};
// Locks the notice's parking row FOR SHARE (a retry in progress holds it FOR UPDATE and finishes
// first), then, unless the inbox answers, the notice row FOR UPDATE.
std::expected<Preflight, pg::PgError> preflight(pg::Connection& db, const std::string& command_id,
                                                const std::string& notice_no);

// The preflight of many commands at once (a wave of a batch, issue 16), in one statement: the
// parking rows of their notices locked FOR SHARE in notice order, then per command (in the order
// given) what preflight() reads but the notice row (lock_notices reads and locks those of the
// commands the inbox does not answer).
std::expected<std::vector<Preflight>, pg::PgError> preflight_set(pg::Connection& db,
                                                                 const std::vector<std::string>& command_ids,
                                                                 const std::vector<std::string>& notice_nos);

// One row of record_set: an audit row, and for an applied command its inbox row.
struct RecordRow {
    const AuditRow* row;
    std::optional<std::string> reply_json;  // set: also the inbox row
    std::optional<int> batch_size;
};
// The inbox and audit rows of many commands in one statement (what record_applied and
// record_audit write one by one); defer as record_applied. Each row's changes are computed
// against the notice as it is when the statement runs: the caller runs it after the commands'
// effects and before any later effect on the same notices.
std::expected<void, pg::PgError> record_set(pg::Connection& db, const std::vector<RecordRow>& rows, bool defer = false);

// The inbox row (reply, batch size) and the audit row with the changes, in one statement.
// defer: queue the statement on the connection (pg::Connection::defer) instead of running it:
// the worker's fast path, where any error rolls the whole batch back.
std::expected<void, pg::PgError> record_applied(pg::Connection& db, const AuditRow& row, const std::string& reply_json,
                                                std::optional<int> batch_size, bool defer = false);
// An audit row alone (inbox answers, a parked command delivered again, a failed retry).
std::expected<void, pg::PgError> record_audit(pg::Connection& db, const AuditRow& row, bool defer = false);
// A command queued behind its parked notice: its ocms_parked_command row (once per command id)
// and its audit row.
std::expected<void, pg::PgError> record_queued(pg::Connection& db, const AuditRow& row, std::string_view envelope,
                                               const std::string& reason);
// A command that failed permanently: parks its notice (once) with the reason, its own
// ocms_parked_command row, its audit row.
std::expected<void, pg::PgError> record_parked(pg::Connection& db, const AuditRow& row, std::string_view envelope,
                                               const std::string& reason);
// A poison message: its ocms_dead_letter row (once per topic/partition/offset) and its audit row.
std::expected<void, pg::PgError> record_dead_letter(pg::Connection& db, const AuditRow& row, const std::string& reason,
                                                    const std::string& error, std::string_view original);

// ---- retry of parked notices ----------------------------------------------------------------

// Parked notices whose retry support requested and no worker has tried since (at most limit).
std::expected<std::vector<std::string>, pg::PgError> notices_due_for_retry(pg::Connection& db, int limit);
// In a transaction: locks the parked notice FOR UPDATE SKIP LOCKED if its retry is still due.
// false: not due any more, or another worker (or a command queueing behind it) holds it now.
std::expected<bool, pg::PgError> lock_due_notice(pg::Connection& db, const std::string& notice_no);

struct ParkedEntry {
    std::int64_t parked_id = 0;
    std::string command_id;
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::string envelope;  // the bytes as received
};
// The notice's PARKED commands in the order they were parked (DISCARDED and APPLIED are left out).
std::expected<std::vector<ParkedEntry>, pg::PgError> parked_commands(pg::Connection& db, const std::string& notice_no);
std::expected<void, pg::PgError> mark_applied(pg::Connection& db, std::int64_t parked_id, TimePoint at,
                                              const std::string& result);
// The retry stopped at failed_command_id: the notice stays parked behind it.
std::expected<void, pg::PgError> record_retry_failure(pg::Connection& db, const std::string& notice_no,
                                                      const std::string& failed_command_id, const std::string& error);
std::expected<void, pg::PgError> unpark_notice(pg::Connection& db, const std::string& notice_no);

struct ParkedCounts {
    long long notices = 0;
    long long commands = 0;  // status PARKED
};
std::expected<ParkedCounts, pg::PgError> parked_counts(pg::Connection& db);

// What support reads as the reason of a parked command: "SQLSTATE message", without libpq's
// "ERROR:  " severity prefix (the CONTEXT lines, naming the trigger or function, are kept).
std::string failure_text(const pg::PgError& e);

// Bytes <-> lower-case hex.
std::string to_hex(std::string_view bytes);
std::optional<std::string> from_hex(std::string_view hex);

}  // namespace ocms::worker
