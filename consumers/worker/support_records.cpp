#include "support_records.hpp"

#include "json/json.hpp"

namespace ocms::worker {

std::string_view outcome_name(Outcome o) {
    switch (o) {
        case Outcome::applied: return "applied";
        case Outcome::refused: return "refused";
        case Outcome::inbox: return "inbox";
        case Outcome::parked: return "parked";
        case Outcome::queued: return "queued";
        case Outcome::dead_lettered: return "dead-lettered";
    }
    return "applied";
}

Outcome outcome_of(AppCode handler_code) { return handler_code.is_success() ? Outcome::applied : Outcome::refused; }

std::string queued_reason(const std::string& first_command_id) { return "queued behind " + first_command_id; }

std::string replay_of_json(const messages::ReplayOf& r) {
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    json::kv(w, "topic", r.topic);
    json::kv(w, "partition", std::int64_t(r.partition));
    json::kv(w, "offset", std::int64_t(r.offset));
    w.EndObject();
    return {sb.GetString(), sb.GetSize()};
}

void fill_from_command(AuditRow& row, const messages::Command& c) {
    row.command_id = c.command_id.value();
    row.command_type = c.type;
    row.source = c.source;
    row.officer = c.officer;
    if (c.request_id) row.request_id = c.request_id->value();
    if (c.trace_id) row.trace_id = c.trace_id->value();
    if (c.replay_of) row.replay_of_json = replay_of_json(*c.replay_of);
    row.caller = c.caller;
}

std::string payload_identity(std::string_view type, std::string_view payload_json) {
    return messages::sha256_hex(std::string(type) + "\n" + std::string(payload_json));
}

namespace {

// The audit row's "changes": the fields of the notice row that differ from u.before (the row
// before the handler, JSON), for a row source u with the columns notice_no and before; one rule for
// the audit insert of one command and of a set (record_set). jsonb_each(to_jsonb(v)) builds the
// row's JSON once (a subquery column used three times would be expanded three times per key by the
// planner: 3x slower, measured).
constexpr std::string_view kChanges =
    "CASE WHEN u.before IS NULL THEN NULL ELSE ("
    "SELECT jsonb_object_agg(e.key, jsonb_build_object('before', u.before -> e.key, 'after', e.value)) "
    "FROM ocms_valid_offence_notice v, jsonb_each(to_jsonb(v)) e WHERE v.notice_no = u.notice_no "
    "AND (u.before -> e.key) IS DISTINCT FROM e.value AND e.key NOT IN ('upd_date', 'upd_user_id', 'is_sync')) END";

// The audit insert's SELECT list over the parameters $1..$16 (audit_params); statements that
// write more rows put theirs in WITH clauses before it, with parameters from $17.
const std::string kAuditInsert =
    "INSERT INTO ocms_command_audit (command_id, notice_no, command_type, source, officer, request_id, trace_id, "
    "replay_of, topic, kafka_partition, kafka_offset, outcome, app_code, message, changes, processed_at) "
    "SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::jsonb, $9::text, $10::int, "
    "$11::bigint, $12::text, $13::text, $14::text, " +
    std::string(kChanges) + ", $15::timestamptz FROM (SELECT $2::text AS notice_no, $16::jsonb AS before) u";

// A parked command's row: $17 the envelope as hex, $18 the reason.
constexpr std::string_view kParkedCommandCte =
    "pc AS (INSERT INTO ocms_parked_command (notice_no, command_id, command_type, source_topic, source_partition, "
    "source_offset, envelope, reason, parked_at) VALUES ($2::text, $1::text, $3::text, $9::text, $10::int, "
    "$11::bigint, decode($17::text, 'hex'), $18::text, $15::timestamptz) ON CONFLICT (command_id) DO NOTHING) ";

pg::Params audit_params(const AuditRow& r) {
    return {r.command_id,
            r.notice_no,
            r.command_type,
            r.source,
            r.officer,
            r.request_id,
            r.trace_id,
            r.replay_of_json,
            r.topic,
            std::to_string(r.partition),
            std::to_string(r.offset),
            std::string(outcome_name(r.outcome)),
            r.app_code,
            r.message,
            format_offset(r.processed_at),
            r.before_json};
}

std::expected<void, pg::PgError> run(pg::Connection& db, const std::string& sql, const pg::Params& params) {
    auto r = db.exec(sql, params);
    if (!r) return std::unexpected(r.error());
    return {};
}

// The statements of every command (preflight, applied, inbox answers, dead letters) are prepared
// once per connection: parse and plan were half of their cost (see the header).
std::expected<void, pg::PgError> run_prepared(pg::Connection& db, const char* name, const std::string& sql,
                                              const pg::Params& params, bool defer = false) {
    if (defer) {
        db.defer(sql, params);
        return {};
    }
    auto r = db.exec_prepared(name, sql, params);
    if (!r) return std::unexpected(r.error());
    return {};
}

}  // namespace

std::expected<Preflight, pg::PgError> preflight(pg::Connection& db, const std::string& command_id,
                                                const std::string& notice_no) {
    // x runs first (OFFSET 0 keeps it a subquery): the parking row's lock comes before the notice
    // row's, the order a retry takes them in. The notice row is read and locked only when the
    // inbox has no answer (CASE evaluates it lazily): a replay answered from the inbox locks nothing.
    auto r = db.exec_prepared(
        "ocms_worker_preflight",
        "SELECT x.parked_first, x.reply, x.own_status, CASE WHEN x.reply IS NULL THEN "
        "(SELECT to_jsonb(v) FROM ocms_valid_offence_notice v WHERE v.notice_no = $2 FOR UPDATE)::text END, "
        "x.inbox_type, x.inbox_sha256 "
        "FROM (SELECT (SELECT first_command_id FROM ocms_parked_notice WHERE notice_no = $2 FOR SHARE) AS parked_first, "
        "i.reply::text AS reply, i.command_type AS inbox_type, i.payload_sha256 AS inbox_sha256, "
        "(SELECT status FROM ocms_parked_command WHERE command_id = $1) AS own_status "
        "FROM (SELECT 1) one LEFT JOIN ocms_command_inbox i ON i.command_id = $1 OFFSET 0) x",
        {command_id, notice_no});
    if (!r) return std::unexpected(r.error());
    Preflight p;
    p.parked_first = r->opt(0, 0);
    p.inbox_reply = r->opt(0, 1);
    p.own_parked_status = r->opt(0, 2);
    p.before_json = r->opt(0, 3);
    p.inbox_type = r->opt(0, 4);
    p.inbox_sha256 = r->opt(0, 5);
    return p;
}

std::expected<std::vector<Preflight>, pg::PgError> preflight_set(pg::Connection& db,
                                                                 const std::vector<std::string>& command_ids,
                                                                 const std::vector<std::string>& notice_nos) {
    auto r = db.exec_prepared(
        "ocms_worker_preflight_set",
        "WITH parked AS (SELECT notice_no, first_command_id FROM ocms_parked_notice "
        "WHERE notice_no = ANY($2::text[]) ORDER BY notice_no FOR SHARE) "
        "SELECT c.ord, p.first_command_id, i.reply::text, pc.status, i.command_type, i.payload_sha256 "
        "FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS c(command_id, notice_no, ord) "
        "LEFT JOIN parked p ON p.notice_no = c.notice_no "
        "LEFT JOIN ocms_command_inbox i ON i.command_id = c.command_id "
        "LEFT JOIN ocms_parked_command pc ON pc.command_id = c.command_id ORDER BY c.ord",
        {pg::text_array(command_ids), pg::text_array(notice_nos)});
    if (!r) return std::unexpected(r.error());
    if (std::size_t(r->rows()) != command_ids.size())
        return std::unexpected(pg::PgError{"", "preflight_set: one row per command expected", FaultKind::permanent});
    std::vector<Preflight> out(command_ids.size());
    for (int i = 0; i < r->rows(); ++i) {
        auto& p = out[std::size_t(r->get_int(i, 0) - 1)];
        p.parked_first = r->opt(i, 1);
        p.inbox_reply = r->opt(i, 2);
        p.own_parked_status = r->opt(i, 3);
        p.inbox_type = r->opt(i, 4);
        p.inbox_sha256 = r->opt(i, 5);
    }
    return out;
}

std::expected<void, pg::PgError> record_set(pg::Connection& db, const std::vector<RecordRow>& rows, bool defer) {
    if (rows.empty()) return {};
    // The rows as one JSON array (jsonb_to_recordset): one parameter, typed columns; a member
    // left out is NULL.
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartArray();
    for (const auto& rr : rows) {
        const AuditRow& r = *rr.row;
        w.StartObject();
        json::kv(w, "command_id", r.command_id);
        json::kv(w, "notice_no", r.notice_no);
        json::kv(w, "command_type", r.command_type);
        json::kv_if(w, "source", r.source);
        json::kv_if(w, "officer", r.officer);
        json::kv_if(w, "request_id", r.request_id);
        json::kv_if(w, "trace_id", r.trace_id);
        if (r.replay_of_json) json::kv_raw(w, "replay_of", *r.replay_of_json);
        json::kv(w, "topic", r.topic);
        json::kv(w, "kafka_partition", std::int64_t(r.partition));
        json::kv(w, "kafka_offset", std::int64_t(r.offset));
        json::kv(w, "outcome", outcome_name(r.outcome));
        json::kv_if(w, "app_code", r.app_code);
        json::kv_if(w, "message", r.message);
        json::kv(w, "processed_at", format_offset(r.processed_at));
        if (r.before_json) json::kv_raw(w, "before", *r.before_json);
        if (rr.reply_json) {
            json::kv(w, "inbox", true);
            json::kv_raw(w, "reply", *rr.reply_json);
            if (rr.batch_size) json::kv(w, "batch_size", std::int64_t(*rr.batch_size));
            if (!r.payload_sha256.empty()) json::kv(w, "payload_sha256", r.payload_sha256);
            json::kv_if(w, "caller", r.caller);
        }
        w.EndObject();
    }
    w.EndArray();
    static const std::string sql =
        "WITH u AS MATERIALIZED (SELECT * FROM jsonb_to_recordset($1::jsonb) AS u(command_id text, notice_no text, "
        "command_type text, source text, officer text, request_id text, trace_id text, replay_of jsonb, topic text, "
        "kafka_partition int, kafka_offset bigint, outcome text, app_code text, message text, processed_at timestamptz, "
        "before jsonb, inbox boolean, reply jsonb, batch_size int, payload_sha256 text, caller text)), "
        "inbox AS (INSERT INTO ocms_command_inbox (command_id, command_type, notice_no, request_id, source, "
        "app_code, reply, batch_size, topic, kafka_partition, kafka_offset, processed_at, payload_sha256, caller) "
        "SELECT command_id, command_type, notice_no, request_id, source, app_code, reply, batch_size, topic, "
        "kafka_partition, kafka_offset, processed_at, payload_sha256, caller FROM u WHERE u.inbox) "
        "INSERT INTO ocms_command_audit (command_id, notice_no, command_type, source, officer, request_id, trace_id, "
        "replay_of, topic, kafka_partition, kafka_offset, outcome, app_code, message, changes, processed_at) "
        "SELECT u.command_id, u.notice_no, u.command_type, u.source, u.officer, u.request_id, u.trace_id, u.replay_of, "
        "u.topic, u.kafka_partition, u.kafka_offset, u.outcome, u.app_code, u.message, " +
        std::string(kChanges) + ", u.processed_at FROM u";
    return run_prepared(db, "ocms_worker_record_set", sql, {std::string(sb.GetString(), sb.GetSize())}, defer);
}

std::expected<void, pg::PgError> record_applied(pg::Connection& db, const AuditRow& row, const std::string& reply_json,
                                                std::optional<int> batch_size, bool defer) {
    static const std::string sql =
        "WITH inbox AS (INSERT INTO ocms_command_inbox (command_id, command_type, notice_no, request_id, source, "
        "app_code, reply, batch_size, topic, kafka_partition, kafka_offset, processed_at, payload_sha256, caller) "
        "VALUES ($1::text, $3::text, $2::text, $6::text, $4::text, $13::text, $17::jsonb, $18::int, $9::text, "
        "$10::int, $11::bigint, $15::timestamptz, $19::text, $20::text)) " +
        std::string(kAuditInsert);
    auto params = audit_params(row);
    params.push_back(reply_json);
    params.push_back(batch_size ? pg::Param(std::to_string(*batch_size)) : std::nullopt);
    params.push_back(row.payload_sha256.empty() ? std::nullopt : pg::Param(row.payload_sha256));
    params.push_back(row.caller);
    return run_prepared(db, "ocms_worker_record_applied", sql, params, defer);
}

std::expected<void, pg::PgError> record_audit(pg::Connection& db, const AuditRow& row, bool defer) {
    static const std::string sql(kAuditInsert);
    return run_prepared(db, "ocms_worker_record_audit", sql, audit_params(row), defer);
}

std::expected<void, pg::PgError> record_queued(pg::Connection& db, const AuditRow& row, std::string_view envelope,
                                               const std::string& reason) {
    static const std::string sql = "WITH " + std::string(kParkedCommandCte) + std::string(kAuditInsert);
    auto params = audit_params(row);
    params.push_back(to_hex(envelope));
    params.push_back(reason);
    return run(db, sql, params);
}

std::expected<void, pg::PgError> record_parked(pg::Connection& db, const AuditRow& row, std::string_view envelope,
                                               const std::string& reason) {
    static const std::string sql =
        "WITH pn AS (INSERT INTO ocms_parked_notice (notice_no, parked_at, reason, first_command_id) "
        "VALUES ($2::text, $15::timestamptz, $18::text, $1::text) ON CONFLICT (notice_no) DO NOTHING), " +
        std::string(kParkedCommandCte) + std::string(kAuditInsert);
    auto params = audit_params(row);
    params.push_back(to_hex(envelope));
    params.push_back(reason);
    return run(db, sql, params);
}

std::expected<void, pg::PgError> record_dead_letter(pg::Connection& db, const AuditRow& row, const std::string& reason,
                                                    const std::string& error, std::string_view original) {
    static const std::string sql =
        "WITH dl AS (INSERT INTO ocms_dead_letter (command_id, notice_no, command_type, reason, error, source_topic, "
        "source_partition, source_offset, original, dead_lettered_at) VALUES (NULLIF($1::text, ''), $2::text, "
        "NULLIF($3::text, ''), $17::text, $18::text, $9::text, $10::int, $11::bigint, decode($19::text, 'hex'), "
        "$15::timestamptz) ON CONFLICT (source_topic, source_partition, source_offset) DO NOTHING) " +
        std::string(kAuditInsert);
    auto params = audit_params(row);
    params.push_back(reason);
    params.push_back(error);
    params.push_back(to_hex(original));
    return run_prepared(db, "ocms_worker_record_dead_letter", sql, params);
}

// ---- retry ----------------------------------------------------------------------------------

namespace {
// A retry is due when support asked for one after the last attempt.
constexpr std::string_view kDue =
    "retry_requested_at IS NOT NULL AND (last_retry_at IS NULL OR last_retry_at < retry_requested_at)";
}  // namespace

std::expected<std::vector<std::string>, pg::PgError> notices_due_for_retry(pg::Connection& db, int limit) {
    static const std::string sql =
        "SELECT notice_no FROM ocms_parked_notice WHERE " + std::string(kDue) + " ORDER BY retry_requested_at LIMIT $1";
    auto r = db.exec(sql, {std::to_string(limit)});
    if (!r) return std::unexpected(r.error());
    std::vector<std::string> out;
    for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->get(i, 0));
    return out;
}

std::expected<bool, pg::PgError> lock_due_notice(pg::Connection& db, const std::string& notice_no) {
    static const std::string sql = "SELECT 1 FROM ocms_parked_notice WHERE notice_no = $1 AND " + std::string(kDue) +
                                   " FOR UPDATE SKIP LOCKED";
    auto r = db.exec(sql, {notice_no});
    if (!r) return std::unexpected(r.error());
    return r->rows() == 1;
}

std::expected<std::vector<ParkedEntry>, pg::PgError> parked_commands(pg::Connection& db, const std::string& notice_no) {
    auto r = db.exec(
        "SELECT parked_id, command_id, source_topic, source_partition, source_offset, encode(envelope, 'hex') "
        "FROM ocms_parked_command WHERE notice_no = $1 AND status = 'PARKED' ORDER BY parked_id",
        {notice_no});
    if (!r) return std::unexpected(r.error());
    std::vector<ParkedEntry> out;
    for (int i = 0; i < r->rows(); ++i) {
        ParkedEntry e;
        e.parked_id = r->get_int(i, 0);
        e.command_id = std::string(r->get(i, 1));
        e.topic = std::string(r->get(i, 2));
        e.partition = std::int32_t(r->get_int(i, 3));
        e.offset = r->get_int(i, 4);
        auto bytes = from_hex(r->get(i, 5));
        if (!bytes) return std::unexpected(pg::PgError{"", "unreadable envelope of parked command " + e.command_id,
                                                       FaultKind::permanent});
        e.envelope = std::move(*bytes);
        out.push_back(std::move(e));
    }
    return out;
}

std::expected<void, pg::PgError> mark_applied(pg::Connection& db, std::int64_t parked_id, TimePoint at,
                                              const std::string& result) {
    return run(db,
               "UPDATE ocms_parked_command SET status = 'APPLIED', resolved_at = $2::timestamptz, resolved_by = $3, "
               "resolved_reason = $4 WHERE parked_id = $1 AND status = 'PARKED'",
               {std::to_string(parked_id), format_offset(at), std::string(kRetryActor), result});
}

std::expected<void, pg::PgError> record_retry_failure(pg::Connection& db, const std::string& notice_no,
                                                      const std::string& failed_command_id, const std::string& error) {
    // GREATEST: whatever the clocks of the support tool and the database, this attempt counts as
    // after the request, so it is not tried again until support asks again.
    return run(db,
               "UPDATE ocms_parked_notice SET last_retry_at = GREATEST(now(), retry_requested_at), "
               "last_retry_error = $2, first_command_id = $3 WHERE notice_no = $1",
               {notice_no, error, failed_command_id});
}

std::expected<void, pg::PgError> unpark_notice(pg::Connection& db, const std::string& notice_no) {
    return run(db, "DELETE FROM ocms_parked_notice WHERE notice_no = $1", {notice_no});
}

std::expected<ParkedCounts, pg::PgError> parked_counts(pg::Connection& db) {
    auto r = db.exec(
        "SELECT (SELECT count(*) FROM ocms_parked_notice), "
        "(SELECT count(*) FROM ocms_parked_command WHERE status = 'PARKED')");
    if (!r) return std::unexpected(r.error());
    return ParkedCounts{r->get_int(0, 0), r->get_int(0, 1)};
}

std::string failure_text(const pg::PgError& e) {
    std::string_view m = e.message;
    for (std::string_view prefix : {"ERROR:  ", "FATAL:  "})
        if (m.starts_with(prefix)) m.remove_prefix(prefix.size());
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.remove_suffix(1);
    if (e.sqlstate.empty()) return std::string(m);
    return e.sqlstate + " " + std::string(m);
}

std::string to_hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 0x0f];
    }
    return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += char((hi << 4) | lo);
    }
    return out;
}

}  // namespace ocms::worker
