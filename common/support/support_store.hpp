#pragma once
// What support staff read and do (issue 8), over PostgreSQL as the role ocms_support: a notice's
// whole history, dead letters, parked notices (retry / discard), and the record of every replay,
// redrive and support action. Shared by ocms-replay (the CLI) and the edge's /ops routes (the
// console). Support never writes a notice: a retry asks the workers (retry_requested_at), which
// apply the parked commands in order. SQL with parameters only. Not thread-safe per connection.
//
// Errors (issue 15): a failed statement is pg::to_error's Error (OCMS-5000, transient or
// permanent as the SQLSTATE says); a refused argument (no operator, no reason, an unknown kind or
// status) is OCMS-4000 of kind client. transitional (issue 15): the functions still returning
// pg::PgError (history, dead_letters, resolve_dead_letters, parked, request_retry, discard_parked)
// keep it until their callers (producers/edge/ops/ops_store.cpp, which logs the SQLSTATE, and
// producers/replay/cli.cpp) move to Result; a refused argument there is SQLSTATE 22023.
#include "core/error.hpp"
#include "core/time.hpp"
#include "pg/pg.hpp"

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace ocms::support {

// ---- history --------------------------------------------------------------------------------

// One thing that happened to a notice, in time order.
struct HistoryEvent {
    TimePoint at;
    std::string kind;  // "command" | "dead-letter" | "support"
    // command (ocms_command_audit): outcome applied / refused / inbox / parked / queued / dead-lettered
    std::string command_id, command_type, source, officer, request_id, outcome, app_code, message;
    std::string topic;
    std::int32_t partition = -1;
    std::int64_t offset = -1;
    std::optional<std::string> replay_of_json;  // {"topic","partition","offset"} when a replay published it
    std::optional<std::string> changes_json;    // {"field":{"before":..,"after":..}}
    // dead-letter: reason + error; status OPEN / REDRIVEN / DISCARDED
    std::optional<std::int64_t> dead_letter_id;
    std::string reason, error, status;
    // support (ocms_support_action): action retry / discard / redrive / purge, operator, reason
    std::string action, operator_name;
    std::optional<std::string> detail_json;  // the action's detail ({"deadLetterId","runId"}, {"parkedId"}, ...)
};

struct NoticeHistory {
    std::string notice_no;
    bool notice_exists = false;
    std::optional<std::string> notice_json;  // the VON row now (row_to_json), when it exists
    bool parked = false;
    std::vector<HistoryEvent> events;        // oldest first; at most `limit`
    bool truncated = false;
};

// Every command, dead letter and support action of the notice, oldest first, at most limit
// (1..10000): the latest `limit` events when there are more (truncated). Indexed reads only (ocms_command_audit_notice_idx, ocms_dead_letter_notice_idx,
// ocms_support_action_notice_idx).
std::expected<NoticeHistory, pg::PgError> history(pg::Connection& db, const std::string& notice_no, int limit = 1000);

// ---- dead letters ---------------------------------------------------------------------------

struct DeadLetter {
    std::int64_t id = 0;
    std::string command_id, notice_no, command_type, reason, error, source_topic, status;
    std::int32_t source_partition = 0;
    std::int64_t source_offset = 0;
    TimePoint dead_lettered_at;
    std::string original;  // the bytes as received (dead_letters_by_id only; the list leaves it empty)
};
// status "OPEN" (default), "REDRIVEN", "DISCARDED" or "" for all; newest first, at most limit.
std::expected<std::vector<DeadLetter>, pg::PgError> dead_letters(pg::Connection& db, const std::string& status,
                                                                 int limit = 200);
Result<std::vector<DeadLetter>> dead_letters_by_id(pg::Connection& db, const std::vector<std::int64_t>& ids);
// Marks OPEN dead letters REDRIVEN by a run (or DISCARDED) and records one support action each
// (redrive / discard), in one statement. Returns how many were OPEN (the others are left alone).
std::expected<int, pg::PgError> resolve_dead_letters(pg::Connection& db, const std::vector<std::int64_t>& ids,
                                                     const std::string& status, const std::string& operator_name,
                                                     const std::string& reason, std::optional<std::int64_t> run_id);

// Where a message was read: a dead letter's source (topic, partition, offset).
struct SourcePosition {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
};
// The dead-letter row of each source position, in the given order (nullopt: none). A redrive from
// the dead-letter topic skips messages whose row is no longer OPEN and marks the OPEN ones.
struct DeadLetterRef {
    std::int64_t id = 0;
    std::string status;
};
Result<std::vector<std::optional<DeadLetterRef>>> dead_letters_at(pg::Connection& db,
                                                                  const std::vector<SourcePosition>& positions);

// ---- parked notices -------------------------------------------------------------------------

struct ParkedCommand {
    std::int64_t parked_id = 0;
    std::string command_id, command_type, reason, status;
    TimePoint parked_at;
};
struct ParkedNotice {
    std::string notice_no, reason, first_command_id;
    TimePoint parked_at;
    std::optional<TimePoint> retry_requested_at, last_retry_at;
    std::optional<std::string> retry_requested_by, last_retry_error;
    std::vector<ParkedCommand> commands;  // status PARKED, in the order they will be applied
};
std::expected<std::vector<ParkedNotice>, pg::PgError> parked(pg::Connection& db, int limit = 200);

// Asks the workers to apply the notice's parked commands again, in order (they do it within
// seconds; the notice stays parked if one fails again). Records the action. false: not parked.
std::expected<bool, pg::PgError> request_retry(pg::Connection& db, const std::string& notice_no,
                                               const std::string& operator_name, const std::string& reason);
// Sets one parked command aside for good (status DISCARDED) and records the action. false: no
// such parked command. The notice stays parked until a retry applies the rest (or none is left).
std::expected<bool, pg::PgError> discard_parked(pg::Connection& db, const std::string& command_id,
                                                const std::string& operator_name, const std::string& reason);

// ---- replay and redrive runs ----------------------------------------------------------------

struct RunCounts {
    std::int64_t read = 0, matched = 0, published = 0, skipped = 0, would_apply = 0, inbox_answers = 0;
    std::int64_t failed = 0;  // not acknowledged by the broker
};
// filter_json: {"topic","partitions","fromOffset","toOffset","fromTime","toTime","noticeNos","outcomeCodes",
// "deadLetterIds"} (the ones that apply). Returns the run id.
Result<std::int64_t> start_run(pg::Connection& db, const std::string& kind, const std::string& operator_name,
                               const std::string& reason, bool dry_run, const std::string& filter_json);
Result<void> finish_run(pg::Connection& db, std::int64_t run_id, bool ok, const RunCounts& counts);

// Whether the inbox holds each command id (a replay of it would be answered from the inbox).
Result<std::vector<bool>> in_inbox(pg::Connection& db, const std::vector<std::string>& command_ids);
// The same with the app code the inbox would answer (nullopt: not in the inbox), in the given order.
Result<std::vector<std::optional<std::string>>> inbox_answers(pg::Connection& db,
                                                              const std::vector<std::string>& command_ids);

// ---- JSON for the ops routes and ocms-replay --json -----------------------------------------
std::string to_json(const NoticeHistory& h);
std::string to_json(const std::vector<DeadLetter>& list);   // {"deadLetters":[...]} (without the original bytes)
std::string to_json(const std::vector<ParkedNotice>& list);  // {"notices":[...]}
std::string to_json(const RunCounts& c);  // {"read","matched","published","skipped","failed","wouldApply","inboxAnswers"}
// Absent values (empty strings, -1 positions, no object) are JSON null; every key is always there.

}  // namespace ocms::support
