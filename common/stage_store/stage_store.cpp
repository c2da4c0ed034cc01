#include "stage_store/stage_store.hpp"

#include "core/money.hpp"
#include "domain/audit.hpp"
#include "json/json.hpp"

#include <algorithm>

namespace ocms::stage_store {

namespace {

template <typename T>
using Db = std::expected<T, pg::PgError>;

pg::PgError bad_data(std::string what) { return pg::PgError{"", std::move(what), FaultKind::permanent}; }

pg::Param opt_param(const std::optional<std::string>& s) { return s ? pg::Param(*s) : std::nullopt; }
pg::Param opt_stage(const std::optional<Stage>& s) { return s ? pg::Param(s->value()) : std::nullopt; }
pg::Param opt_time(const std::optional<TimePoint>& t) { return t ? pg::Param(format_offset(*t)) : std::nullopt; }

std::optional<TimePoint> opt_micros(const pg::Result& r, int row, int col) {
    if (r.is_null(row, col)) return std::nullopt;
    return from_micros(r.get_int(row, col));
}
std::optional<Stage> opt_stage_col(const pg::Result& r, int row, int col) {
    if (r.is_null(row, col)) return std::nullopt;
    return Stage(std::string(r.get(row, col)));
}

// The columns every notice read selects, in this order (read_notice knows the positions):
// the VON row, its ONOD rows as one JSON array (ordered by owner_driver_indicator, so "the first
// ONOD row by indicator" is the first element), and its latest change through the lateral `c`.
// Times travel as microseconds since the epoch, money as cents: no text parsing of either.
constexpr std::string_view kNoticeColumns =
    "v.notice_no, v.last_processing_stage, "
    "(extract(epoch FROM v.last_processing_date) * 1000000)::bigint, "
    "v.prev_processing_stage, (extract(epoch FROM v.prev_processing_date) * 1000000)::bigint, "
    "v.next_processing_stage, (extract(epoch FROM v.next_processing_date) * 1000000)::bigint, "
    "v.suspension_type, (v.amount_payable * 100)::bigint, (v.composition_amount * 100)::bigint, "
    "(SELECT json_agg(json_build_object('i', o.owner_driver_indicator, 'y', o.offender_indicator = 'Y', "
    "   'e', o.entity_type, 'n', o.name, 'id', o.id_no) ORDER BY o.owner_driver_indicator) "
    " FROM ocms_offence_notice_owner_driver o WHERE o.notice_no = v.notice_no), "
    "c.change_id, (extract(epoch FROM c.date_of_change) * 1000000)::bigint, c.last_processing_stage, "
    "c.new_processing_stage, c.source, (extract(epoch FROM c.toppan_processed_date) * 1000000)::bigint";
constexpr int kNoticeColumnCount = 17;

constexpr std::string_view kLatestChangeJoin =
    " LEFT JOIN LATERAL (SELECT change_id, date_of_change, last_processing_stage, new_processing_stage, source, "
    "toppan_processed_date FROM ocms_change_of_processing ch WHERE ch.notice_no = v.notice_no "
    "ORDER BY ch.date_of_change DESC, ch.change_id DESC LIMIT 1) c ON true";

// An ONOD row as the JSON array carries it, with what only the search shows.
struct OnodJson {
    domain::OffenderRow row;
    std::optional<std::string> name, id_no;
};

std::optional<std::string> json_opt_string(const json::Value& o, const char* key) {
    if (auto s = json::get_string(o, key)) return std::string(*s);
    return std::nullopt;
}

Db<std::vector<OnodJson>> parse_onod(const pg::Result& r, int row, int col) {
    std::vector<OnodJson> out;
    if (r.is_null(row, col)) return out;
    auto doc = json::parse(r.get(row, col));
    if (!doc || !doc->IsArray()) return std::unexpected(bad_data("ONOD rows of a notice are not a JSON array"));
    for (const auto& o : doc->GetArray()) {
        if (!o.IsObject()) return std::unexpected(bad_data("ONOD row of a notice is not a JSON object"));
        OnodJson j;
        j.row.owner_driver_indicator = std::string(json::get_string(o, "i").value_or(""));
        j.row.current_offender = json::get_bool(o, "y").value_or(false);
        j.row.entity_type = json_opt_string(o, "e");
        j.name = json_opt_string(o, "n");
        j.id_no = json_opt_string(o, "id");
        out.push_back(std::move(j));
    }
    return out;
}

Db<domain::StageNotice> read_notice(const pg::Result& r, int row, std::vector<OnodJson>* onod_out = nullptr) {
    domain::StageNotice n;
    n.notice_no = NoticeNo(std::string(r.get(row, 0)));
    n.last_processing_stage = Stage(std::string(r.get(row, 1)));
    n.last_processing_date = opt_micros(r, row, 2);
    n.prev_processing_stage = opt_stage_col(r, row, 3);
    n.prev_processing_date = opt_micros(r, row, 4);
    n.next_processing_stage = opt_stage_col(r, row, 5);
    n.next_processing_date = opt_micros(r, row, 6);
    n.suspension_type = r.opt(row, 7);
    n.amount_payable_cents = r.is_null(row, 8) ? 0 : r.get_int(row, 8);
    if (!r.is_null(row, 9)) n.composition_amount_cents = r.get_int(row, 9);
    auto onod = parse_onod(r, row, 10);
    if (!onod) return std::unexpected(onod.error());
    for (const auto& o : *onod) n.offenders.push_back(o.row);
    if (!r.is_null(row, 11)) {
        domain::ChangeRecord c;
        c.change_id = r.get_int(row, 11);
        c.date_of_change = from_micros(r.get_int(row, 12));
        c.last_processing_stage = Stage(std::string(r.get(row, 13)));
        c.new_processing_stage = Stage(std::string(r.get(row, 14)));
        c.source = std::string(r.get(row, 15));
        c.toppan_processed_date = opt_micros(r, row, 16);
        n.latest_change = std::move(c);
    }
    if (onod_out) *onod_out = std::move(*onod);
    return n;
}

}  // namespace

// ---- reference data ---------------------------------------------------------------------------

Db<domain::StageReference> load_reference(pg::Connection& db) {
    domain::StageReference ref;
    auto stages = db.exec(
        "SELECT stage, stage_order, is_court_stage, plus_may_target FROM ocms_processing_stage ORDER BY stage_order");
    if (!stages) return std::unexpected(stages.error());
    for (int i = 0; i < stages->rows(); ++i)
        ref.stages.push_back(domain::StageRow{Stage(std::string(stages->get(i, 0))), int(stages->get_int(i, 1)),
                                              stages->get_bool(i, 2), stages->get_bool(i, 3)});

    auto map = db.exec(
        "SELECT current_stage, next_stage, is_default, (admin_fee * 100)::bigint, status = 'A' "
        "FROM ocms_stage_map ORDER BY current_stage, next_stage");
    if (!map) return std::unexpected(map.error());
    for (int i = 0; i < map->rows(); ++i)
        ref.map.push_back(domain::StageMapRow{Stage(std::string(map->get(i, 0))), Stage(std::string(map->get(i, 1))),
                                              map->get_bool(i, 2), map->get_int(i, 3), map->get_bool(i, 4)});

    auto roles = db.exec(
        "SELECT owner_driver_indicator, stage FROM ocms_stage_offender_role WHERE status = 'A' "
        "ORDER BY owner_driver_indicator, stage");
    if (!roles) return std::unexpected(roles.error());
    for (int i = 0; i < roles->rows(); ++i)
        if (auto role = domain::parse_offender_role(roles->get(i, 0)))  // the table's CHECK allows only O/D/H/DIR
            ref.roles.push_back(domain::RoleStageRow{*role, Stage(std::string(roles->get(i, 1)))});

    auto params = db.exec(
        "SELECT parameter_id, code, value FROM ocms_parameter WHERE parameter_id = ANY($1::text[]) "
        "ORDER BY parameter_id, code",
        {"{" + std::string(domain::parameter::kNextStage) + "," + std::string(domain::parameter::kStageDays) + "}"});
    if (!params) return std::unexpected(params.error());
    for (int i = 0; i < params->rows(); ++i)
        ref.parameters.push_back(domain::ParameterRow{std::string(params->get(i, 0)), std::string(params->get(i, 1)),
                                                      std::string(params->get(i, 2))});
    return ref;
}

// ---- the notice -------------------------------------------------------------------------------

Db<std::optional<domain::StageNotice>> load_notice(pg::Connection& db, const NoticeNo& n, Lock lock) {
    std::string sql = "SELECT ";
    sql += kNoticeColumns;
    sql += " FROM ocms_valid_offence_notice v";
    sql += kLatestChangeJoin;
    sql += " WHERE v.notice_no = $1";
    if (lock == Lock::for_update) sql += " FOR UPDATE OF v";
    auto r = db.exec(sql, {n.value()});
    if (!r) return std::unexpected(r.error());
    if (r->rows() != 1) return std::optional<domain::StageNotice>{};
    auto notice = read_notice(*r, 0);
    if (!notice) return std::unexpected(notice.error());
    return std::optional<domain::StageNotice>(std::move(*notice));
}

// ---- search -----------------------------------------------------------------------------------

Db<std::vector<SearchRow>> search(pg::Connection& db, const SearchCriteria& criteria, int limit) {
    std::string sql = "SELECT ";
    sql += kNoticeColumns;
    sql +=
        ", v.vehicle_no, d.offence_type, (extract(epoch FROM d.offence_date_time) * 1000000)::bigint, "
        "(SELECT s.reason_of_suspension FROM ocms_suspended_notice s WHERE s.notice_no = v.notice_no "
        " AND s.suspension_type = v.suspension_type AND s.date_of_revival IS NULL ORDER BY s.sr_no DESC LIMIT 1) "
        "FROM ocms_valid_offence_notice v "
        "LEFT JOIN ocms_offence_notice_detail d ON d.notice_no = v.notice_no";
    sql += kLatestChangeJoin;
    pg::Params params;
    std::string where;
    auto cond = [&](std::string_view text_with_placeholder, const std::string& value) {
        params.push_back(value);
        std::string c(text_with_placeholder);
        c.replace(c.find('?'), 1, "$" + std::to_string(params.size()));
        where += where.empty() ? " WHERE " : " AND ";
        where += c;
    };
    if (criteria.notice_no) cond("v.notice_no = ?", *criteria.notice_no);
    if (criteria.id_no)
        cond("EXISTS (SELECT 1 FROM ocms_offence_notice_owner_driver o WHERE o.notice_no = v.notice_no "
             "AND o.id_no = ?)",
             *criteria.id_no);
    if (criteria.vehicle_no) cond("v.vehicle_no = ?", *criteria.vehicle_no);
    if (criteria.current_stage) cond("v.last_processing_stage = ?", *criteria.current_stage);
    if (criteria.stage_date)
        cond("(v.last_processing_date AT TIME ZONE 'Asia/Singapore')::date = ?::date", *criteria.stage_date);
    if (where.empty()) where = " WHERE false";  // the caller refuses empty criteria; never list every notice
    sql += where;
    params.push_back(std::to_string(std::max(limit, 0)));
    sql += " ORDER BY v.notice_no LIMIT $" + std::to_string(params.size());

    auto r = db.exec(sql, params);
    if (!r) return std::unexpected(r.error());
    std::vector<SearchRow> out;
    out.reserve(std::size_t(r->rows()));
    for (int i = 0; i < r->rows(); ++i) {
        std::vector<OnodJson> onod;
        auto notice = read_notice(*r, i, &onod);
        if (!notice) return std::unexpected(notice.error());
        SearchRow row;
        row.notice = std::move(*notice);
        const int x = kNoticeColumnCount;
        row.vehicle_no = r->opt(i, x);
        row.offence_type = r->opt(i, x + 1);
        row.offence_date_time = opt_micros(*r, i, x + 2);
        row.suspension_status = r->opt(i, x + 3);
        // The current offender: the one row with offender_indicator 'Y'; with none or several,
        // the first row by indicator (the array's order); without ONOD rows, nothing.
        const OnodJson* shown = nullptr;
        if (std::ranges::count_if(onod, [](const OnodJson& o) { return o.row.current_offender; }) == 1)
            shown = &*std::ranges::find_if(onod, [](const OnodJson& o) { return o.row.current_offender; });
        else if (!onod.empty())
            shown = &onod.front();
        if (shown) {
            row.offender_name = shown->name;
            row.offender_id = shown->id_no;
            row.owner_driver_indicator = shown->row.owner_driver_indicator;
            row.entity_type = shown->row.entity_type;
        }
        out.push_back(std::move(row));
    }
    return out;
}

// ---- writing a decision -----------------------------------------------------------------------

Db<void> apply_effects(pg::Connection& db, const std::vector<EffectWrite>& writes, TimePoint now) {
    if (writes.empty()) return {};
    // The rows as one JSON array (jsonb_to_recordset); a member left out is NULL.
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartArray();
    for (const auto& x : writes) {
        const auto& v = x.effect->von;
        w.StartObject();
        json::kv(w, "notice_no", x.notice->value());
        json::kv(w, "officer", x.officer);
        if (v.prev_processing_stage) json::kv(w, "prev_stage", v.prev_processing_stage->value());
        if (v.prev_processing_date) json::kv(w, "prev_date", format_offset(*v.prev_processing_date));
        json::kv(w, "last_stage", v.last_processing_stage.value());
        json::kv(w, "last_date", format_offset(v.last_processing_date));
        if (v.next_processing_stage) json::kv(w, "next_stage", v.next_processing_stage->value());
        if (v.next_processing_date) json::kv(w, "next_date", format_offset(*v.next_processing_date));
        if (v.amount_payable_cents) json::kv(w, "amount", money::format_cents(*v.amount_payable_cents));
        if (const auto& a = x.effect->audit) {
            json::kv(w, "audit", true);
            json::kv(w, "a_notice_no", a->notice_no.value());
            json::kv(w, "a_date", format_offset(a->date_of_change));
            json::kv(w, "a_last", a->last_processing_stage.value());
            json::kv(w, "a_new", a->new_processing_stage.value());
            json::kv_if(w, "a_reason", a->reason_of_change);
            json::kv_if(w, "a_remarks", a->remarks);
            json::kv(w, "a_officer", a->authorised_officer);
            json::kv(w, "a_source", a->source);
            json::kv(w, "a_dh_mha", a->dh_mha_check);
            if (a->toppan_processed_date) json::kv(w, "a_toppan", format_offset(*a->toppan_processed_date));
        }
        if (x.effect->confirm_change_id) json::kv(w, "confirm_id", std::int64_t(*x.effect->confirm_change_id));
        w.EndObject();
    }
    w.EndArray();
    auto r = db.exec_prepared(
        "ocms_stage_apply_effects",
        "WITH u AS MATERIALIZED (SELECT * FROM jsonb_to_recordset($1::jsonb) AS u(notice_no text, officer text, "
        "prev_stage text, prev_date timestamptz, last_stage text, last_date timestamptz, next_stage text, "
        "next_date timestamptz, amount numeric, audit boolean, a_notice_no text, a_date timestamptz, a_last text, "
        "a_new text, a_reason text, a_remarks text, a_officer text, a_source text, a_dh_mha boolean, "
        "a_toppan timestamptz, confirm_id bigint)), "
        "von AS (UPDATE ocms_valid_offence_notice v SET prev_processing_stage = u.prev_stage, "
        "prev_processing_date = u.prev_date, last_processing_stage = u.last_stage, last_processing_date = u.last_date, "
        "next_processing_stage = u.next_stage, next_processing_date = u.next_date, "
        "amount_payable = coalesce(u.amount, v.amount_payable), is_sync = 'N', upd_date = $2::timestamptz, "
        "upd_user_id = u.officer FROM u WHERE v.notice_no = u.notice_no RETURNING v.notice_no), "
        // The internet-zone copy (when it has the notice): the stage fields PLUS and the public
        // see, and the amount they pay when the move changed it, as the internet-zone audit user.
        "ez AS (UPDATE eocms_valid_offence_notice e SET last_processing_stage = u.last_stage, "
        "last_processing_date = u.last_date, next_processing_stage = u.next_stage, next_processing_date = u.next_date, "
        "amount_payable = coalesce(u.amount, e.amount_payable), upd_date = $2::timestamptz, upd_user_id = $3 "
        "FROM u WHERE e.notice_no = u.notice_no), "
        "ins AS (INSERT INTO ocms_change_of_processing (notice_no, date_of_change, last_processing_stage, "
        "new_processing_stage, reason_of_change, remarks, authorised_officer, source, dh_mha_check, "
        "toppan_processed_date, cre_date, cre_user_id) SELECT a_notice_no, a_date, a_last, a_new, a_reason, a_remarks, "
        "a_officer, a_source, a_dh_mha, a_toppan, $2::timestamptz, officer FROM u WHERE u.audit), "
        // Toppan printed the letter of this manual change: the letter's date is the stage date the
        // effect wrote (the run's processingDate).
        "conf AS (UPDATE ocms_change_of_processing c SET toppan_processed_date = u.last_date, "
        "upd_date = $2::timestamptz, upd_user_id = u.officer FROM u "
        "WHERE c.change_id = u.confirm_id AND c.notice_no = u.notice_no) "
        "SELECT u.notice_no FROM u WHERE u.notice_no NOT IN (SELECT notice_no FROM von)",
        {std::string(sb.GetString(), sb.GetSize()), format_offset(now), std::string(domain::audit_user::kInternet)});
    if (!r) return std::unexpected(r.error());
    if (r->rows() > 0) return std::unexpected(bad_data("stage change: no VON row " + std::string(r->get(0, 0))));
    return {};
}

Db<std::map<std::string, domain::StageNotice>> load_notices(pg::Connection& db, std::vector<std::string> notices,
                                                            Lock lock) {
    std::sort(notices.begin(), notices.end());
    notices.erase(std::unique(notices.begin(), notices.end()), notices.end());
    std::map<std::string, domain::StageNotice> out;
    if (notices.empty()) return out;
    std::string sql = "SELECT ";
    sql += kNoticeColumns;
    sql += " FROM ocms_valid_offence_notice v";
    sql += kLatestChangeJoin;
    sql += " WHERE v.notice_no = ANY($1::text[]) ORDER BY v.notice_no";
    if (lock == Lock::for_update) sql += " FOR UPDATE OF v";
    auto r = db.exec(sql, {pg::text_array(notices)});
    if (!r) return std::unexpected(r.error());
    for (int i = 0; i < r->rows(); ++i) {
        auto notice = read_notice(*r, i);
        if (!notice) return std::unexpected(notice.error());
        std::string key = notice->notice_no.value();
        out.emplace(std::move(key), std::move(*notice));
    }
    return out;
}

}  // namespace ocms::stage_store
