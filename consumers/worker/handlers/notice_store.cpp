#include "notice_store.hpp"

#include "domain/audit.hpp"
#include "json/json.hpp"

#include <algorithm>

namespace ocms::worker::store {

namespace {
std::vector<Stage> parse_text_array(std::string_view s) {
    // PostgreSQL text[] output: {ROV,ENA,RD1}; stage codes never need quoting.
    std::vector<Stage> out;
    if (s.size() < 2) return out;
    s = s.substr(1, s.size() - 2);
    while (!s.empty()) {
        auto comma = s.find(',');
        auto item = s.substr(0, comma);
        if (!item.empty() && item.front() == '"') item = item.substr(1, item.size() - 2);
        if (!item.empty()) out.emplace_back(std::string(item));
        if (comma == std::string_view::npos) break;
        s = s.substr(comma + 1);
    }
    return out;
}
}  // namespace

Db<std::vector<domain::SuspensionReasonRow>> reason_rows(pg::Connection& db, const std::string& type,
                                                         const ReasonCode& code, ReferenceCache* cache) {
    const auto key = std::make_pair(type, code.value());
    if (cache)
        if (auto it = cache->rows.find(key); it != cache->rows.end()) return it->second;
    auto reasons = db.exec(
        "SELECT r.suspension_type, r.reason_of_suspension, r.suspension_source, coalesce(r.description, ''), "
        "coalesce(r.no_of_days_for_revival, 0), r.status = 'A', coalesce(u.looping, false), "
        "coalesce(u.allowed_stages, '{}')::text "
        "FROM ocms_suspension_reason r LEFT JOIN ocms_suspension_reason_rule u "
        "USING (suspension_type, reason_of_suspension) "
        "WHERE r.suspension_type = $1 AND r.reason_of_suspension = $2",
        {type, code.value()});
    if (!reasons) return std::unexpected(reasons.error());
    std::vector<domain::SuspensionReasonRow> rows;
    for (int i = 0; i < reasons->rows(); ++i) {
        domain::SuspensionReasonRow r;
        r.suspension_type = std::string(reasons->get(i, 0));
        r.code = ReasonCode(std::string(reasons->get(i, 1)));
        r.source = std::string(reasons->get(i, 2));
        r.description = std::string(reasons->get(i, 3));
        r.no_of_days_for_revival = int(reasons->get_int(i, 4));
        r.active = reasons->get_bool(i, 5);
        r.looping = reasons->get_bool(i, 6);
        r.allowed_stages = parse_text_array(reasons->get(i, 7));
        rows.push_back(std::move(r));
    }
    if (cache) cache->rows[key] = rows;
    return rows;
}

Db<std::optional<domain::RevivalReasonRow>> revival_reason(pg::Connection& db, const ReasonCode& code,
                                                           ReferenceCache* cache) {
    if (cache)
        if (auto it = cache->revival_reasons.find(code.value()); it != cache->revival_reasons.end()) return it->second;
    auto r = db.exec("SELECT description, status = 'A' FROM ocms_revival_reason WHERE revival_reason = $1", {code.value()});
    if (!r) return std::unexpected(r.error());
    std::optional<domain::RevivalReasonRow> row;
    if (r->rows() == 1) row = domain::RevivalReasonRow{code, std::string(r->get(0, 0)), r->get_bool(0, 1)};
    if (cache) cache->revival_reasons[code.value()] = row;
    return row;
}

Db<bool> code_loops(pg::Connection& db, const std::string& type, const ReasonCode& code, ReferenceCache* cache) {
    const auto key = std::make_pair(type, code.value());
    if (cache)
        if (auto it = cache->loops.find(key); it != cache->loops.end()) return it->second;
    auto r = db.exec("SELECT looping FROM ocms_suspension_reason_rule WHERE suspension_type = $1 AND reason_of_suspension = $2",
                     {type, code.value()});
    if (!r) return std::unexpected(r.error());
    const bool loops = r->rows() == 1 && r->get_bool(0, 0);
    if (cache) cache->loops[key] = loops;
    return loops;
}

Db<std::optional<std::string>> next_processing_days(pg::Connection& db, ReferenceCache* cache) {
    if (cache && cache->next_processing_days) return *cache->next_processing_days;
    auto r = db.exec("SELECT value FROM ocms_parameter WHERE parameter_id = 'REVIVAL' AND code = 'NEXT_PROCESSING_DAYS'", {});
    if (!r) return std::unexpected(r.error());
    std::optional<std::string> v;
    if (r->rows() == 1) v = r->opt(0, 0);
    if (cache) cache->next_processing_days = v;
    return v;
}

Db<std::map<std::string, LockedNotice>> lock_notices(pg::Connection& db, std::vector<std::string> notices) {
    std::sort(notices.begin(), notices.end());
    notices.erase(std::unique(notices.begin(), notices.end()), notices.end());
    std::map<std::string, LockedNotice> out;
    if (notices.empty()) return out;
    auto r = db.exec_prepared(
        "ocms_worker_lock_notices",
        "SELECT v.notice_no, v.last_processing_stage, v.suspension_type, "
        "(extract(epoch FROM v.due_date_of_revival) * 1000000)::bigint, "
        "(coalesce(v.amount_payable, 0) * 100)::bigint, (coalesce(v.amount_paid, 0) * 100)::bigint, v.payment_status, "
        "(SELECT s.reason_of_suspension FROM ocms_suspended_notice s WHERE s.notice_no = v.notice_no "
        "ORDER BY s.sr_no DESC LIMIT 1), to_jsonb(v)::text, coalesce(p.is_court_stage, false) "
        "FROM ocms_valid_offence_notice v LEFT JOIN ocms_processing_stage p ON p.stage = v.last_processing_stage "
        "WHERE v.notice_no = ANY($1::text[]) ORDER BY v.notice_no FOR UPDATE OF v",
        {pg::text_array(notices)});
    if (!r) return std::unexpected(r.error());
    for (int i = 0; i < r->rows(); ++i) {
        LockedNotice n;
        auto& s = n.state;
        s.notice_no = NoticeNo(std::string(r->get(i, 0)));
        s.last_processing_stage = Stage(std::string(r->get(i, 1)));
        s.suspension_type = r->opt(i, 2);
        if (!r->is_null(i, 3)) s.due_date_of_revival = from_micros(r->get_int(i, 3));
        s.amount_payable_cents = r->get_int(i, 4);
        s.amount_paid_cents = r->get_int(i, 5);
        s.payment_status = r->opt(i, 6);
        if (!r->is_null(i, 7)) s.reason_of_suspension = ReasonCode(std::string(r->get(i, 7)));
        n.before_json = std::string(r->get(i, 8));
        n.court_stage = r->get_bool(i, 9);
        out.emplace(std::string(r->get(i, 0)), std::move(n));
    }
    return out;
}

Db<pg::Result> write_rows(pg::Connection& db, const std::string& name, std::string_view sql,
                          const rapidjson::StringBuffer& rows, TimePoint now) {
    return db.exec_prepared(name, sql,
                            {std::string(rows.GetString(), rows.GetSize()), format_offset(now),
                             std::string(domain::audit_user::kInternet)});
}

Db<std::vector<long long>> write_ts(pg::Connection& db, const std::vector<TsWrite>& writes, TimePoint now) {
    std::vector<long long> out(writes.size(), 0);
    if (writes.empty()) return out;
    // The rows as one JSON array, read by jsonb_to_recordset: one parameter, typed columns.
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartArray();
    for (std::size_t i = 0; i < writes.size(); ++i) {
        const auto& cmd = *writes[i].cmd;
        const auto& e = *writes[i].effect;
        w.StartObject();
        json::kv(w, "ord", std::int64_t(i));
        json::kv(w, "notice_no", cmd.notice_no.value());
        json::kv(w, "suspension_type", cmd.suspension_type);
        json::kv(w, "due", format_offset(e.due_date_of_revival));
        json::kv(w, "upd_user", domain::audit_user_of(cmd.source));
        json::kv(w, "recorded_source", e.recorded_source);
        json::kv(w, "reason", cmd.reason.value());
        json::kv(w, "officer", cmd.officer);
        json::kv_if(w, "remarks", cmd.remarks);
        json::kv(w, "dos", format_offset(e.date_of_suspension));
        json::kv(w, "pi", domain::process_indicator_of(cmd.source));
        w.EndObject();
    }
    w.EndArray();
    // One statement, one round trip: VON, the internet-zone copies, the suspension records (in
    // the order given, so sr_no grows as the commands came).
    auto ins = write_rows(
        db, "ocms_worker_write_ts",
        "WITH u AS MATERIALIZED (SELECT * FROM jsonb_to_recordset($1::jsonb) AS u(ord int, notice_no text, "
        "suspension_type text, due timestamptz, upd_user text, recorded_source text, reason text, officer text, "
        "remarks text, dos timestamptz, pi text)), "
        "von AS (UPDATE ocms_valid_offence_notice v SET suspension_type = u.suspension_type, "
        "due_date_of_revival = u.due, is_sync = 'N', upd_date = $2::timestamptz, upd_user_id = u.upd_user "
        "FROM u WHERE v.notice_no = u.notice_no), "
        "ez AS (UPDATE eocms_valid_offence_notice e SET suspension_type = u.suspension_type, "
        "due_date_of_revival = u.due, upd_date = $2::timestamptz, upd_user_id = $3 FROM u WHERE e.notice_no = u.notice_no) "
        "INSERT INTO ocms_suspended_notice (notice_no, sr_no, suspension_source, suspension_type, "
        "reason_of_suspension, officer_authorising_suspension, due_date_of_revival, suspension_remarks, "
        "date_of_suspension, cre_date, cre_user_id, process_indicator) "
        "SELECT o.notice_no, nextval('ocms_suspended_notice_sr_no_seq'), o.recorded_source, o.suspension_type, "
        "o.reason, o.officer, o.due, o.remarks, o.dos, $2::timestamptz, o.upd_user, o.pi "
        "FROM (SELECT * FROM u ORDER BY u.ord) o RETURNING notice_no, sr_no",
        sb, now);
    if (!ins) return std::unexpected(ins.error());
    // At most one write per notice (the caller's promise): the notice names its row.
    std::map<std::string_view, long long> by_notice;
    for (int i = 0; i < ins->rows(); ++i) by_notice[ins->get(i, 0)] = ins->get_int(i, 1);
    for (std::size_t i = 0; i < writes.size(); ++i) {
        auto it = by_notice.find(writes[i].cmd->notice_no.value());
        if (it == by_notice.end() || by_notice.size() != writes.size())
            return std::unexpected(pg::PgError{"", "write_ts: one suspension record per notice expected",
                                               FaultKind::permanent});
        out[i] = it->second;
    }
    return out;
}

Db<long long> write_ts(pg::Connection& db, const domain::ApplyTs& cmd, const domain::TsEffect& effect, TimePoint now) {
    auto r = write_ts(db, std::vector<TsWrite>{{&cmd, &effect}}, now);
    if (!r) return std::unexpected(r.error());
    return r->front();
}

}  // namespace ocms::worker::store
