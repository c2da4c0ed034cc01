#pragma once
// The purge job (issue 8): removes what is older than the retention, so the inbox, the audit
// and the resolved support rows do not grow for ever: ocms_command_inbox and ocms_command_audit
// rows, RESOLVED (REDRIVEN / DISCARDED) ocms_dead_letter rows and APPLIED / DISCARDED
// ocms_parked_command rows. OPEN dead letters and PARKED commands are never purged.
//
// Replay safety (DESIGN.md "Facts"): the inbox must keep a command id at least as long as the
// command topics keep the command, or a replay of a command whose inbox row was purged would
// apply it twice. So the job refuses to run when the retention is shorter than the longest
// retention.ms of the command topics (infra/kafka/topics.conf, passed by infra/lib.sh as
// OCMS_TOPIC_RETENTION_MS), or when that is unknown.
//
// Deletes in batches (one statement and transaction each, OCMS_PURGE_BATCH rows, default 10,000)
// so no statement holds locks for long, then records a 'purge' support action with the counts
// (operator ocms-scheduler). Runs as ocms_scheduler. A second run the same day deletes nothing.
#include "core/time.hpp"
#include "pg/pg.hpp"

#include <atomic>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>

namespace ocms::jobs {

struct PurgeSettings {
    int retention_days = 30;                          // OCMS_RETENTION_DAYS
    std::optional<std::int64_t> topic_retention_ms;  // OCMS_TOPIC_RETENTION_MS (-1: the topics keep for ever)
    int batch = 10'000;                               // OCMS_PURGE_BATCH
};

// Reads the settings; throws std::runtime_error naming the variable when one is malformed.
PurgeSettings purge_settings_from_env();

// Why the purge must not run with these settings, or nullopt when it may. Pure.
std::optional<std::string> purge_refusal(const PurgeSettings& s);

struct PurgeStats {
    TimePoint cutoff;  // rows older than this were purged
    std::int64_t inbox = 0, audit = 0, dead_letters = 0, parked_commands = 0;
};

// The support action's detail: {"cutoff","retentionDays","topicRetentionMs","inbox","audit",
// "deadLetters","parkedCommands"}. Pure.
std::string purge_detail_json(const PurgeStats& st, const PurgeSettings& s);

struct PurgeError {
    bool refused = false;  // the settings are unsafe (nothing was deleted)
    std::string message;
};

struct PurgeOptions {
    // After each batch and at the end of each table: the table and the rows deleted so far.
    std::function<void(const std::string& table, std::int64_t deleted, bool table_done)> progress;
    const std::atomic<bool>* stop = nullptr;  // set: stop after the current batch (an error)
};

std::expected<PurgeStats, PurgeError> run_purge(pg::Connection& db, TimePoint now, const PurgeSettings& s,
                                                const PurgeOptions& o = {});

}  // namespace ocms::jobs
