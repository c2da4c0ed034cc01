#pragma once
// The reads and writes the suspension and revival handlers share, inside the caller's
// transaction. Reads lock the VON row first (DESIGN.md: a command locks its notice before it
// decides). Every write keeps the order the spec asks for: VON first, then the suspension
// record, then the internet-zone copy.
#include "domain/revival.hpp"
#include "domain/suspension.hpp"
#include "pg/pg.hpp"

#include <expected>
#include <map>
#include <optional>
#include <utility>
#include <string>
#include <vector>

namespace ocms::worker::store {

template <typename T>
using Db = std::expected<T, pg::PgError>;

// The VON row (locked FOR UPDATE) with the reason of its latest suspension record.
Db<std::optional<domain::NoticeState>> lock_notice(pg::Connection& db, const NoticeNo& notice);
// The reason rows read in one transaction (one batch of the worker): reference data, read once
// per (type, code) and transaction instead of once per command.
struct ReasonCache {
    std::map<std::pair<std::string, std::string>, std::vector<domain::SuspensionReasonRow>> rows;
};
// Every ocms_suspension_reason row of (type, code), any source and status, with its rule; from
// `cache` when this transaction has read them already (cache may be null: always read).
Db<std::vector<domain::SuspensionReasonRow>> reason_rows(pg::Connection& db, const std::string& type,
                                                         const ReasonCode& code, ReasonCache* cache = nullptr);
// Applies a decided TS: VON, a new ocms_suspended_notice row (sr_no from the sequence), the
// internet-zone copy. Returns the new sr_no.
Db<long long> write_ts(pg::Connection& db, const domain::ApplyTs& cmd, const domain::TsEffect& effect, TimePoint now);

}  // namespace ocms::worker::store
