#include "support/support_store.hpp"

#include "json/json.hpp"

#include <algorithm>
#include <map>

namespace ocms::support {

namespace {

// Times cross the wire as microseconds since the epoch (the form the database layer exchanges).
#define OCMS_US(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

// transitional (issue 15): a refused argument in the functions that still return pg::PgError.
pg::PgError bad_argument(std::string message) {
    return pg::PgError{"22023", std::move(message), FaultKind::permanent};
}

// A refused argument: the caller's fault, never retried.
std::unexpected<Error> refused(std::string message) {
    return fail(Error::client(codes::kBadRequest, std::move(message)));
}

// A statement that failed, in the one translation (transient or permanent from the SQLSTATE).
std::unexpected<Error> db_error(const pg::PgError& e) { return fail(pg::to_error(e)); }

using pg::text_array;

template <class Int>
std::string int_array(const std::vector<Int>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        out += std::to_string(values[i]);
    }
    out += '}';
    return out;
}

std::string str(const pg::Result& r, int row, int col) { return r.is_null(row, col) ? std::string() : std::string(r.get(row, col)); }

std::optional<TimePoint> opt_time(const pg::Result& r, int row, int col) {
    if (r.is_null(row, col)) return std::nullopt;
    return from_micros(r.get_int(row, col));
}

// bytea in text format: "\x4142..." (bytea_output = hex, the default).
std::string from_hex_bytea(std::string_view v) {
    if (!v.starts_with("\\x")) return std::string(v);
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return 0;
    };
    std::string out;
    out.reserve((v.size() - 2) / 2);
    for (std::size_t i = 2; i + 1 < v.size(); i += 2) out += char((nibble(v[i]) << 4) | nibble(v[i + 1]));
    return out;
}

bool valid_status(const std::string& s) { return s == "OPEN" || s == "REDRIVEN" || s == "DISCARDED"; }

// What is missing of a support action's who and why (nullopt: both there).
std::optional<std::string> missing_who_why(const std::string& operator_name, const std::string& reason) {
    if (operator_name.empty()) return "an operator name is required";
    if (reason.empty()) return "a reason is required";
    return std::nullopt;
}

std::expected<void, pg::PgError> require_who_why(const std::string& operator_name, const std::string& reason) {
    if (auto missing = missing_who_why(operator_name, reason)) return std::unexpected(bad_argument(std::move(*missing)));
    return {};
}

// ---- JSON writing: every key present, absent values null ------------------------------------

void str_or_null(json::Writer& w, const char* k, std::string_view v) {
    w.Key(k);
    if (v.empty()) w.Null();
    else w.String(v.data(), rapidjson::SizeType(v.size()));
}
void raw_or_null(json::Writer& w, const char* k, const std::optional<std::string>& raw) {
    w.Key(k);
    // The text comes from PostgreSQL's json/jsonb output, so it is valid JSON.
    if (raw && !raw->empty()) w.RawValue(raw->data(), raw->size(), rapidjson::kObjectType);
    else w.Null();
}
void time_or_null(json::Writer& w, const char* k, const std::optional<TimePoint>& t) {
    w.Key(k);
    if (t) {
        auto s = format_offset(*t);
        w.String(s.data(), rapidjson::SizeType(s.size()));
    } else {
        w.Null();
    }
}
void int_or_null(json::Writer& w, const char* k, std::optional<std::int64_t> v) {
    w.Key(k);
    if (v) w.Int64(*v);
    else w.Null();
}

// The document of each to_json below: one object, `members(w)` writing what is inside its braces.
template <class Members>
std::string json_object(Members members) {
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartObject();
    members(w);
    w.EndObject();
    return {buf.GetString(), buf.GetSize()};
}

// The member "key": [{...}, ...], one object per item, `members(item)` writing inside its braces.
template <class List, class Members>
void object_array(json::Writer& w, const char* key, const List& list, Members members) {
    w.Key(key);
    w.StartArray();
    for (const auto& item : list) {
        w.StartObject();
        members(item);
        w.EndObject();
    }
    w.EndArray();
}

}  // namespace

// ---- history --------------------------------------------------------------------------------

std::expected<NoticeHistory, pg::PgError> history(pg::Connection& db, const std::string& notice_no, int limit) {
    limit = std::clamp(limit, 1, 10000);
    NoticeHistory h;
    h.notice_no = notice_no;
    auto head = db.exec(
        "SELECT (SELECT row_to_json(v)::text FROM ocms_valid_offence_notice v WHERE v.notice_no = $1), "
        "EXISTS (SELECT 1 FROM ocms_parked_notice WHERE notice_no = $1)",
        {notice_no});
    if (!head) return std::unexpected(head.error());
    h.notice_json = head->opt(0, 0);
    h.notice_exists = h.notice_json.has_value();
    h.parked = head->get_bool(0, 1);

    // Each source newest first through its (notice_no, time) index, at most limit + 1 rows each;
    // the union keeps the newest limit + 1, reversed below. The extra row says "truncated". At the
    // same instant a command comes before its dead letter, and both before a support action.
    static constexpr const char* kSql =
        "SELECT kind, " OCMS_US("at") ", seq, command_id, command_type, source, officer, request_id, outcome, "
        "app_code, message, topic, part, off, replay_of, changes, dead_letter_id, reason, error, status, action, "
        "operator, detail FROM ("
        " (SELECT 'command' AS kind, processed_at AS at, audit_id AS seq, command_id, command_type, source, officer,"
        "   request_id, outcome, app_code, message, topic, kafka_partition AS part, kafka_offset AS off,"
        "   replay_of::text AS replay_of, changes::text AS changes, NULL::bigint AS dead_letter_id, NULL::text AS reason,"
        "   NULL::text AS error, NULL::text AS status, NULL::text AS action, NULL::text AS operator, NULL::text AS detail"
        "  FROM ocms_command_audit WHERE notice_no = $1 ORDER BY processed_at DESC, audit_id DESC LIMIT $2)"
        " UNION ALL"
        " (SELECT 'dead-letter', dead_lettered_at, dead_letter_id, command_id, command_type, NULL, NULL, NULL, NULL,"
        "   NULL, NULL, source_topic, source_partition, source_offset, NULL, NULL, dead_letter_id, reason, error, status,"
        "   NULL, resolved_by, NULL"
        "  FROM ocms_dead_letter WHERE notice_no = $1 ORDER BY dead_lettered_at DESC LIMIT $2)"
        " UNION ALL"
        " (SELECT 'support', acted_at, action_id, command_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
        "   NULL, NULL, NULL, NULL, reason, NULL, NULL, action, operator, detail::text"
        "  FROM ocms_support_action WHERE notice_no = $1 ORDER BY acted_at DESC LIMIT $2)"
        ") e ORDER BY at DESC, CASE kind WHEN 'support' THEN 2 WHEN 'dead-letter' THEN 1 ELSE 0 END DESC, seq DESC "
        "LIMIT $2";
    auto r = db.exec(kSql, {notice_no, std::to_string(limit + 1)});
    if (!r) return std::unexpected(r.error());
    int n = r->rows();
    h.truncated = n > limit;
    if (h.truncated) n = limit;
    h.events.reserve(std::size_t(n));
    for (int i = n - 1; i >= 0; --i) {
        HistoryEvent e;
        e.kind = str(*r, i, 0);
        e.at = from_micros(r->get_int(i, 1));
        e.command_id = str(*r, i, 3);
        e.command_type = str(*r, i, 4);
        e.source = str(*r, i, 5);
        e.officer = str(*r, i, 6);
        e.request_id = str(*r, i, 7);
        e.outcome = str(*r, i, 8);
        e.app_code = str(*r, i, 9);
        e.message = str(*r, i, 10);
        e.topic = str(*r, i, 11);
        if (!r->is_null(i, 12)) e.partition = std::int32_t(r->get_int(i, 12));
        if (!r->is_null(i, 13)) e.offset = r->get_int(i, 13);
        e.replay_of_json = r->opt(i, 14);
        e.changes_json = r->opt(i, 15);
        if (!r->is_null(i, 16)) e.dead_letter_id = r->get_int(i, 16);
        e.reason = str(*r, i, 17);
        e.error = str(*r, i, 18);
        e.status = str(*r, i, 19);
        e.action = str(*r, i, 20);
        e.operator_name = str(*r, i, 21);
        e.detail_json = r->opt(i, 22);
        h.events.push_back(std::move(e));
    }
    return h;
}

// ---- dead letters ---------------------------------------------------------------------------

namespace {
constexpr const char* kDeadLetterCols =
    "dead_letter_id, coalesce(command_id, ''), notice_no, coalesce(command_type, ''), reason, error, source_topic, "
    "status, source_partition, source_offset, " OCMS_US("dead_lettered_at");

DeadLetter dead_letter_row(const pg::Result& r, int i) {
    DeadLetter d;
    d.id = r.get_int(i, 0);
    d.command_id = str(r, i, 1);
    d.notice_no = str(r, i, 2);
    d.command_type = str(r, i, 3);
    d.reason = str(r, i, 4);
    d.error = str(r, i, 5);
    d.source_topic = str(r, i, 6);
    d.status = str(r, i, 7);
    d.source_partition = std::int32_t(r.get_int(i, 8));
    d.source_offset = r.get_int(i, 9);
    d.dead_lettered_at = from_micros(r.get_int(i, 10));
    return d;
}
}  // namespace

std::expected<std::vector<DeadLetter>, pg::PgError> dead_letters(pg::Connection& db, const std::string& status,
                                                                 int limit) {
    if (!status.empty() && !valid_status(status))
        return std::unexpected(bad_argument("status must be OPEN, REDRIVEN or DISCARDED, not " + status));
    limit = std::clamp(limit, 1, 10000);
    // Newest first through the (status, dead_lettered_at) index; "all" merges the three statuses'
    // newest, so neither form reads the whole table.
    const std::string one = std::string("(SELECT ") + kDeadLetterCols +
                            ", dead_lettered_at AS t FROM ocms_dead_letter WHERE status = ";
    const std::string order = " ORDER BY dead_lettered_at DESC, dead_letter_id DESC LIMIT $1)";
    std::string sql;
    pg::Params params{std::to_string(limit)};
    if (!status.empty()) {
        sql = one + "$2" + order;
        params.push_back(status);
    } else {
        sql = "SELECT * FROM (" + one + "'OPEN'" + order + " UNION ALL " + one + "'REDRIVEN'" + order + " UNION ALL " +
              one + "'DISCARDED'" + order + ") d ORDER BY t DESC, 1 DESC LIMIT $1";
    }
    auto r = db.exec(sql, params);
    if (!r) return std::unexpected(r.error());
    std::vector<DeadLetter> out;
    out.reserve(std::size_t(r->rows()));
    for (int i = 0; i < r->rows(); ++i) out.push_back(dead_letter_row(*r, i));
    return out;
}

Result<std::vector<DeadLetter>> dead_letters_by_id(pg::Connection& db, const std::vector<std::int64_t>& ids) {
    std::vector<DeadLetter> out;
    if (ids.empty()) return out;
    auto r = db.exec(std::string("SELECT ") + kDeadLetterCols +
                         ", original FROM ocms_dead_letter WHERE dead_letter_id = ANY($1::bigint[]) ORDER BY dead_letter_id",
                     {int_array(ids)});
    if (!r) return db_error(r.error());
    out.reserve(std::size_t(r->rows()));
    for (int i = 0; i < r->rows(); ++i) {
        auto d = dead_letter_row(*r, i);
        d.original = from_hex_bytea(r->get(i, 11));
        out.push_back(std::move(d));
    }
    return out;
}

std::expected<int, pg::PgError> resolve_dead_letters(pg::Connection& db, const std::vector<std::int64_t>& ids,
                                                     const std::string& status, const std::string& operator_name,
                                                     const std::string& reason, std::optional<std::int64_t> run_id) {
    if (status != "REDRIVEN" && status != "DISCARDED")
        return std::unexpected(bad_argument("a dead letter is resolved as REDRIVEN or DISCARDED, not " + status));
    if (auto ok = require_who_why(operator_name, reason); !ok) return std::unexpected(ok.error());
    if (ids.empty()) return 0;
    // One statement: the rows and their support actions commit together.
    auto r = db.exec(
        "WITH r AS (UPDATE ocms_dead_letter SET status = $2, resolved_at = now(), resolved_by = $3, "
        "resolved_reason = $4, replay_run_id = $5::bigint WHERE dead_letter_id = ANY($1::bigint[]) AND status = 'OPEN' "
        "RETURNING dead_letter_id, notice_no, command_id) "
        "INSERT INTO ocms_support_action (action, notice_no, command_id, operator, reason, detail) "
        "SELECT $6, notice_no, command_id, $3, $4, jsonb_strip_nulls(jsonb_build_object('deadLetterId', dead_letter_id, "
        "'runId', $5::bigint)) FROM r RETURNING action_id",
        {int_array(ids), status, operator_name, reason,
         run_id ? pg::Param(std::to_string(*run_id)) : pg::Param(std::nullopt),
         status == "REDRIVEN" ? "redrive" : "discard"});
    if (!r) return std::unexpected(r.error());
    return r->rows();
}

Result<std::vector<std::optional<DeadLetterRef>>> dead_letters_at(pg::Connection& db,
                                                                  const std::vector<SourcePosition>& positions) {
    std::vector<std::optional<DeadLetterRef>> out(positions.size());
    constexpr std::size_t kChunk = 1000;
    for (std::size_t start = 0; start < positions.size(); start += kChunk) {
        const std::size_t stop = std::min(positions.size(), start + kChunk);
        std::vector<std::string> topics;
        std::vector<std::int32_t> parts;
        std::vector<std::int64_t> offsets;
        for (std::size_t i = start; i < stop; ++i) {
            topics.push_back(positions[i].topic);
            parts.push_back(positions[i].partition);
            offsets.push_back(positions[i].offset);
        }
        // The unique (source_topic, source_partition, source_offset) index finds each.
        auto r = db.exec(
            "SELECT p.n, d.dead_letter_id, d.status FROM unnest($1::text[], $2::int[], $3::bigint[]) "
            "WITH ORDINALITY AS p(t, pa, o, n) "
            "JOIN ocms_dead_letter d ON d.source_topic = p.t AND d.source_partition = p.pa AND d.source_offset = p.o",
            {text_array(topics), int_array(parts), int_array(offsets)});
        if (!r) return db_error(r.error());
        for (int i = 0; i < r->rows(); ++i) {
            auto n = std::size_t(r->get_int(i, 0));  // 1-based within the chunk
            if (n >= 1 && start + n - 1 < stop) out[start + n - 1] = DeadLetterRef{r->get_int(i, 1), str(*r, i, 2)};
        }
    }
    return out;
}

// ---- parked notices -------------------------------------------------------------------------

std::expected<std::vector<ParkedNotice>, pg::PgError> parked(pg::Connection& db, int limit) {
    limit = std::clamp(limit, 1, 10000);
    auto r = db.exec("SELECT notice_no, " OCMS_US("parked_at") ", reason, first_command_id, " OCMS_US("retry_requested_at")
                     ", retry_requested_by, " OCMS_US("last_retry_at") ", last_retry_error "
                     "FROM ocms_parked_notice ORDER BY parked_at, notice_no LIMIT $1",
                     {std::to_string(limit)});
    if (!r) return std::unexpected(r.error());
    std::vector<ParkedNotice> out;
    std::map<std::string, std::size_t> index;
    std::vector<std::string> notices;
    for (int i = 0; i < r->rows(); ++i) {
        ParkedNotice p;
        p.notice_no = str(*r, i, 0);
        p.parked_at = from_micros(r->get_int(i, 1));
        p.reason = str(*r, i, 2);
        p.first_command_id = str(*r, i, 3);
        p.retry_requested_at = opt_time(*r, i, 4);
        p.retry_requested_by = r->opt(i, 5);
        p.last_retry_at = opt_time(*r, i, 6);
        p.last_retry_error = r->opt(i, 7);
        index[p.notice_no] = out.size();
        notices.push_back(p.notice_no);
        out.push_back(std::move(p));
    }
    if (notices.empty()) return out;
    // The partial index (notice_no, parked_id) WHERE status = 'PARKED' gives them in apply order.
    auto c = db.exec("SELECT notice_no, parked_id, command_id, command_type, reason, status, " OCMS_US("parked_at")
                     " FROM ocms_parked_command WHERE notice_no = ANY($1::text[]) AND status = 'PARKED' "
                     "ORDER BY notice_no, parked_id",
                     {text_array(notices)});
    if (!c) return std::unexpected(c.error());
    for (int i = 0; i < c->rows(); ++i) {
        ParkedCommand pc;
        pc.parked_id = c->get_int(i, 1);
        pc.command_id = str(*c, i, 2);
        pc.command_type = str(*c, i, 3);
        pc.reason = str(*c, i, 4);
        pc.status = str(*c, i, 5);
        pc.parked_at = from_micros(c->get_int(i, 6));
        auto it = index.find(str(*c, i, 0));
        if (it != index.end()) out[it->second].commands.push_back(std::move(pc));
    }
    return out;
}

std::expected<bool, pg::PgError> request_retry(pg::Connection& db, const std::string& notice_no,
                                               const std::string& operator_name, const std::string& reason) {
    if (auto ok = require_who_why(operator_name, reason); !ok) return std::unexpected(ok.error());
    auto r = db.exec(
        "WITH u AS (UPDATE ocms_parked_notice SET retry_requested_at = now(), retry_requested_by = $2, retry_reason = $3 "
        "WHERE notice_no = $1 RETURNING notice_no, first_command_id) "
        "INSERT INTO ocms_support_action (action, notice_no, command_id, operator, reason, detail) "
        "SELECT 'retry', notice_no, first_command_id, $2, $3, NULL FROM u RETURNING action_id",
        {notice_no, operator_name, reason});
    if (!r) return std::unexpected(r.error());
    return r->rows() == 1;
}

std::expected<bool, pg::PgError> discard_parked(pg::Connection& db, const std::string& command_id,
                                                const std::string& operator_name, const std::string& reason) {
    if (auto ok = require_who_why(operator_name, reason); !ok) return std::unexpected(ok.error());
    auto r = db.exec(
        "WITH u AS (UPDATE ocms_parked_command SET status = 'DISCARDED', resolved_at = now(), resolved_by = $2, "
        "resolved_reason = $3 WHERE command_id = $1 AND status = 'PARKED' RETURNING notice_no, command_id, parked_id) "
        "INSERT INTO ocms_support_action (action, notice_no, command_id, operator, reason, detail) "
        "SELECT 'discard', notice_no, command_id, $2, $3, jsonb_build_object('parkedId', parked_id) FROM u "
        "RETURNING action_id",
        {command_id, operator_name, reason});
    if (!r) return std::unexpected(r.error());
    return r->rows() == 1;
}

// ---- replay and redrive runs ----------------------------------------------------------------

Result<std::int64_t> start_run(pg::Connection& db, const std::string& kind, const std::string& operator_name,
                               const std::string& reason, bool dry_run, const std::string& filter_json) {
    if (kind != "replay" && kind != "redrive") return refused("a run is a replay or a redrive");
    if (auto missing = missing_who_why(operator_name, reason)) return refused(std::move(*missing));
    auto r = db.exec("INSERT INTO ocms_replay_run (kind, operator, reason, dry_run, filter) "
                     "VALUES ($1, $2, $3, $4::boolean, $5::jsonb) RETURNING run_id",
                     {kind, operator_name, reason, dry_run ? "true" : "false", filter_json.empty() ? "{}" : filter_json});
    if (!r) return db_error(r.error());
    return r->get_int(0, 0);
}

Result<void> finish_run(pg::Connection& db, std::int64_t run_id, bool ok, const RunCounts& counts) {
    auto r = db.exec("UPDATE ocms_replay_run SET status = $2, counts = $3::jsonb, finished_at = now() WHERE run_id = $1",
                     {std::to_string(run_id), ok ? "DONE" : "FAILED", to_json(counts)});
    if (!r) return db_error(r.error());
    return {};
}

Result<std::vector<std::optional<std::string>>> inbox_answers(pg::Connection& db,
                                                              const std::vector<std::string>& command_ids) {
    std::vector<std::optional<std::string>> out(command_ids.size());
    if (command_ids.empty()) return out;
    std::map<std::string, std::string> found;
    constexpr std::size_t kChunk = 1000;
    for (std::size_t start = 0; start < command_ids.size(); start += kChunk) {
        std::vector<std::string> chunk(command_ids.begin() + std::ptrdiff_t(start),
                                       command_ids.begin() + std::ptrdiff_t(std::min(command_ids.size(), start + kChunk)));
        auto r = db.exec("SELECT command_id, app_code FROM ocms_command_inbox WHERE command_id = ANY($1::text[])",
                         {text_array(chunk)});
        if (!r) return db_error(r.error());
        for (int i = 0; i < r->rows(); ++i) found[str(*r, i, 0)] = str(*r, i, 1);
    }
    for (std::size_t i = 0; i < command_ids.size(); ++i) {
        auto it = found.find(command_ids[i]);
        if (it != found.end()) out[i] = it->second;
    }
    return out;
}

Result<std::vector<bool>> in_inbox(pg::Connection& db, const std::vector<std::string>& command_ids) {
    auto answers = inbox_answers(db, command_ids);
    if (!answers) return std::unexpected(answers.error());
    std::vector<bool> out;
    out.reserve(answers->size());
    for (const auto& a : *answers) out.push_back(a.has_value());
    return out;
}

// ---- JSON -----------------------------------------------------------------------------------

std::string to_json(const NoticeHistory& h) {
    return json_object([&](json::Writer& w) {
        json::kv(w, "noticeNo", h.notice_no);
        object_array(w, "events", h.events, [&](const HistoryEvent& e) {
            json::kv(w, "at", format_offset(e.at));
            json::kv(w, "kind", e.kind);
            str_or_null(w, "commandId", e.command_id);
            str_or_null(w, "commandType", e.command_type);
            str_or_null(w, "source", e.source);
            str_or_null(w, "officer", e.officer);
            str_or_null(w, "requestId", e.request_id);
            str_or_null(w, "outcome", e.outcome);
            str_or_null(w, "appCode", e.app_code);
            str_or_null(w, "message", e.message);
            str_or_null(w, "topic", e.topic);
            int_or_null(w, "partition", e.partition >= 0 ? std::optional<std::int64_t>(e.partition) : std::nullopt);
            int_or_null(w, "offset", e.offset >= 0 ? std::optional<std::int64_t>(e.offset) : std::nullopt);
            raw_or_null(w, "replayOf", e.replay_of_json);
            raw_or_null(w, "changes", e.changes_json);
            int_or_null(w, "deadLetterId", e.dead_letter_id);
            str_or_null(w, "reason", e.reason);
            str_or_null(w, "error", e.error);
            str_or_null(w, "status", e.status);
            str_or_null(w, "action", e.action);
            str_or_null(w, "operator", e.operator_name);
            raw_or_null(w, "detail", e.detail_json);
        });
        json::kv(w, "parked", h.parked);
        raw_or_null(w, "notice", h.notice_json);
        json::kv(w, "truncated", h.truncated);
    });
}

std::string to_json(const std::vector<DeadLetter>& list) {
    return json_object([&](json::Writer& w) {
        object_array(w, "deadLetters", list, [&](const DeadLetter& d) {
            json::kv(w, "id", d.id);
            str_or_null(w, "commandId", d.command_id);
            json::kv(w, "noticeNo", d.notice_no);
            str_or_null(w, "commandType", d.command_type);
            json::kv(w, "reason", d.reason);
            json::kv(w, "error", d.error);
            json::kv(w, "sourceTopic", d.source_topic);
            json::kv(w, "sourcePartition", std::int64_t(d.source_partition));
            json::kv(w, "sourceOffset", d.source_offset);
            json::kv(w, "deadLetteredAt", format_offset(d.dead_lettered_at));
            json::kv(w, "status", d.status);
        });
    });
}

std::string to_json(const std::vector<ParkedNotice>& list) {
    return json_object([&](json::Writer& w) {
        object_array(w, "notices", list, [&](const ParkedNotice& p) {
            json::kv(w, "noticeNo", p.notice_no);
            json::kv(w, "parkedAt", format_offset(p.parked_at));
            json::kv(w, "reason", p.reason);
            json::kv(w, "firstCommandId", p.first_command_id);
            time_or_null(w, "retryRequestedAt", p.retry_requested_at);
            str_or_null(w, "retryRequestedBy", p.retry_requested_by.value_or(""));
            time_or_null(w, "lastRetryAt", p.last_retry_at);
            str_or_null(w, "lastRetryError", p.last_retry_error.value_or(""));
            object_array(w, "commands", p.commands, [&](const ParkedCommand& c) {
                json::kv(w, "parkedId", c.parked_id);
                json::kv(w, "commandId", c.command_id);
                json::kv(w, "commandType", c.command_type);
                json::kv(w, "reason", c.reason);
                json::kv(w, "status", c.status);
                json::kv(w, "parkedAt", format_offset(c.parked_at));
            });
        });
    });
}

std::string to_json(const RunCounts& c) {
    return json_object([&](json::Writer& w) {
        json::kv(w, "read", c.read);
        json::kv(w, "matched", c.matched);
        json::kv(w, "published", c.published);
        json::kv(w, "skipped", c.skipped);
        json::kv(w, "failed", c.failed);
        json::kv(w, "wouldApply", c.would_apply);
        json::kv(w, "inboxAnswers", c.inbox_answers);
    });
}

}  // namespace ocms::support
