#pragma once
// The reads and writes the suspension and revival handlers share, inside the caller's
// transaction. Reads lock the VON row first (DESIGN.md: a command locks its notice before it
// decides). Every write keeps the order the spec asks for: VON first, then the suspension
// record, then the internet-zone copy.
#include "domain/revival.hpp"
#include "domain/stage.hpp"
#include "domain/suspension.hpp"
#include "pg/pg.hpp"

#include <rapidjson/stringbuffer.h>

#include <expected>
#include <map>
#include <optional>
#include <utility>
#include <string>
#include <vector>

namespace ocms::worker::store {

template <typename T>
using Db = std::expected<T, pg::PgError>;

// The reference rows read in one transaction (one batch of the worker): read once per key and
// transaction instead of once per command.
struct ReferenceCache {
    std::map<std::pair<std::string, std::string>, std::vector<domain::SuspensionReasonRow>> rows;
    std::map<std::string, std::optional<domain::RevivalReasonRow>> revival_reasons;
    std::map<std::pair<std::string, std::string>, bool> loops;
    std::optional<std::optional<std::string>> next_processing_days;  // outer: read yet
    std::optional<domain::StageReference> stage;                     // stage_store::load_reference
};
// Every ocms_suspension_reason row of (type, code), any source and status, with its rule; from
// `cache` when this transaction has read them already (cache may be null: always read).
Db<std::vector<domain::SuspensionReasonRow>> reason_rows(pg::Connection& db, const std::string& type,
                                                         const ReasonCode& code, ReferenceCache* cache = nullptr);
// The ocms_revival_reason row of a code; none when there is no such code.
Db<std::optional<domain::RevivalReasonRow>> revival_reason(pg::Connection& db, const ReasonCode& code,
                                                           ReferenceCache* cache = nullptr);
// Whether a suspension code loops (ocms_suspension_reason_rule.looping; false without a rule).
Db<bool> code_loops(pg::Connection& db, const std::string& type, const ReasonCode& code,
                    ReferenceCache* cache = nullptr);
// The parameter REVIVAL / NEXT_PROCESSING_DAYS as stored (none when missing or NULL).
Db<std::optional<std::string>> next_processing_days(pg::Connection& db, ReferenceCache* cache = nullptr);
// The VON rows of many notices in one statement, each locked FOR UPDATE in notice order (two
// workers locking overlapping sets never deadlock), with the reason of its latest suspension
// record and the row as JSON (the audit's "before"). A notice that does not exist is absent.
struct LockedNotice {
    domain::NoticeState state;
    bool court_stage = false;  // ocms_processing_stage.is_court_stage of its last stage
    std::string before_json;   // to_jsonb of the row as it was locked
};
Db<std::map<std::string, LockedNotice>> lock_notices(pg::Connection& db, std::vector<std::string> notices);

// A set statement (issue 16): its rows as one JSON array, read by the SQL with
// jsonb_to_recordset($1::jsonb), $2 the time of the batch, $3 the internet zone's audit user.
Db<pg::Result> write_rows(pg::Connection& db, const std::string& name, std::string_view sql,
                          const rapidjson::StringBuffer& rows, TimePoint now);

// One decided TS to write.
struct TsWrite {
    const domain::ApplyTs* cmd;
    const domain::TsEffect* effect;
};
// Applies decided TSs, at most one per notice: VON, a new ocms_suspended_notice row each (sr_no
// from the sequence, in the order given), the internet-zone copies; one statement for all.
// Returns the new sr_no of each, in the order given.
Db<std::vector<long long>> write_ts(pg::Connection& db, const std::vector<TsWrite>& writes, TimePoint now);
// The same for one.
Db<long long> write_ts(pg::Connection& db, const domain::ApplyTs& cmd, const domain::TsEffect& effect, TimePoint now);

}  // namespace ocms::worker::store
