#pragma once
// The auto-revival job (spec 004 section 1.5, OCMS 19): every TS whose revival date has passed is
// revived with reason SPO by one revival.apply command per notice on ocms.cmd.revival, so the
// work scales with the workers and can be replayed. ocms-scheduler runs it daily and the edge's
// POST /api/cron/auto-revival/trigger runs it on demand.
//
// Exactly once, however often it runs: the command id is derived from the notice and the sr_no
// of its open TS record ("auto-revival:<notice>:<sr_no>"), so a second run before the workers
// caught up publishes the same ids, and the workers' inbox answers the duplicates without
// applying anything. After a looping re-apply the notice has a new record with a future due
// date, which a later run does not pick up until that date.
//
// The payload is contract::RevivalApply, encoded by the contract (escaped as JSON: an officer
// with a quote stays one string) and wrapped by contract::make_command.
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "kafka/kafka.hpp"
#include "messages/messages.hpp"
#include "pg/pg.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <string>

namespace ocms::jobs {

struct AutoRevivalStats {
    std::int64_t due = 0;        // open TS found due
    std::int64_t published = 0;  // commands acknowledged by the broker
    std::int64_t failed = 0;     // commands the broker did not acknowledge
};

struct AutoRevivalOptions {
    std::string officer = "ocmsizmgr";  // the cron's user in spec 004's example
    int page = 2000;                    // rows per query (keyset pages by notice number)
    std::function<void(const AutoRevivalStats&)> progress;  // after each page
};

// db: any role that may read VON and ocms_suspended_notice. The error is a failed query,
// pg::to_error's (OCMS-5000, transient or permanent as the SQLSTATE says; what was published
// before stays published: a new run continues safely). Commands the broker did not take are not
// an error: they are counted in `failed`.
Result<AutoRevivalStats> revive_due_notices(pg::Connection& db, kafka::Producer& producer, TimePoint now,
                                            const AutoRevivalOptions& options = {});
// The deterministic command id of the revival of one open record.
std::string auto_revival_command_id(const std::string& notice_no, long long sr_no);

// The command reviving one open record: revival.apply of the notice's TS, reason SPO, channel
// automatic, officer (envelope and payload) the job's, source OCMS, the run's trace id; its id
// auto_revival_command_id(notice_no, sr_no), so every run gives the same one.
messages::Command auto_revival_command(const std::string& notice_no, long long sr_no, TimePoint now,
                                       const std::string& officer, const TraceId& run);

}  // namespace ocms::jobs
