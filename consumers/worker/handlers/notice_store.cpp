#include "notice_store.hpp"

#include "domain/audit.hpp"

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

Db<std::optional<domain::NoticeState>> lock_notice(pg::Connection& db, const NoticeNo& notice) {
    // One round trip: the row, locked, and the reason of its latest suspension record.
    auto von = db.exec(
        "SELECT v.last_processing_stage, v.suspension_type, "
        "(extract(epoch FROM v.due_date_of_revival) * 1000000)::bigint, "
        "(coalesce(v.amount_payable, 0) * 100)::bigint, (coalesce(v.amount_paid, 0) * 100)::bigint, v.payment_status, "
        "(SELECT s.reason_of_suspension FROM ocms_suspended_notice s WHERE s.notice_no = v.notice_no "
        "ORDER BY s.sr_no DESC LIMIT 1) "
        "FROM ocms_valid_offence_notice v WHERE v.notice_no = $1 FOR UPDATE OF v",
        {notice.value()});
    if (!von) return std::unexpected(von.error());
    if (von->rows() != 1) return std::optional<domain::NoticeState>{};
    domain::NoticeState s;
    s.notice_no = notice;
    s.last_processing_stage = Stage(std::string(von->get(0, 0)));
    s.suspension_type = von->opt(0, 1);
    if (!von->is_null(0, 2)) s.due_date_of_revival = from_micros(von->get_int(0, 2));
    s.amount_payable_cents = von->get_int(0, 3);
    s.amount_paid_cents = von->get_int(0, 4);
    s.payment_status = von->opt(0, 5);
    if (!von->is_null(0, 6)) s.reason_of_suspension = ReasonCode(std::string(von->get(0, 6)));
    return std::optional<domain::NoticeState>(std::move(s));
}

Db<std::vector<domain::SuspensionReasonRow>> reason_rows(pg::Connection& db, const std::string& type,
                                                         const ReasonCode& code, ReasonCache* cache) {
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

Db<long long> write_ts(pg::Connection& db, const domain::ApplyTs& cmd, const domain::TsEffect& e, TimePoint now) {
    const std::string& notice = cmd.notice_no.value();
    const std::string user(domain::audit_user_of(cmd.source));
    const std::string due = format_offset(e.due_date_of_revival);
    const std::string when = format_offset(e.date_of_suspension);
    const std::string at = format_offset(now);
    pg::Param remarks = cmd.remarks ? pg::Param(*cmd.remarks) : std::nullopt;
    // One statement, one round trip: VON, the internet-zone copy, and the suspension record.
    auto ins = db.exec(
        "WITH von AS (UPDATE ocms_valid_offence_notice SET suspension_type = $2, due_date_of_revival = $3::timestamptz, "
        "is_sync = 'N', upd_date = $4::timestamptz, upd_user_id = $5 WHERE notice_no = $1), "
        "ez AS (UPDATE eocms_valid_offence_notice SET suspension_type = $2, due_date_of_revival = $3::timestamptz, "
        "upd_date = $4::timestamptz, upd_user_id = $12 WHERE notice_no = $1) "
        "INSERT INTO ocms_suspended_notice (notice_no, sr_no, suspension_source, suspension_type, "
        "reason_of_suspension, officer_authorising_suspension, due_date_of_revival, suspension_remarks, "
        "date_of_suspension, cre_date, cre_user_id, process_indicator) "
        "VALUES ($1, nextval('ocms_suspended_notice_sr_no_seq'), $6, $2, $7, $8, $3::timestamptz, $9, "
        "$10::timestamptz, $4::timestamptz, $5, $11) RETURNING sr_no",
        {notice, cmd.suspension_type, due, at, user, e.recorded_source, cmd.reason.value(), cmd.officer, remarks, when,
         std::string(domain::process_indicator_of(cmd.source)), std::string(domain::audit_user::kInternet)});
    if (!ins) return std::unexpected(ins.error());
    return ins->get_int(0, 0);
}

}  // namespace ocms::worker::store
