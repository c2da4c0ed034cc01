#include "read_store.hpp"

#include "core/money.hpp"
#include "json/json.hpp"
#include "store/outcome_store.hpp"  // with_connect_timeout

#include <boost/asio/post.hpp>

namespace ocms::edge {

namespace net = boost::asio;

namespace {

// Appends "$n" for a new parameter.
std::string param(pg::Params& params, std::string value) {
    params.emplace_back(std::move(value));
    return "$" + std::to_string(params.size());
}

std::string in_list(pg::Params& params, const std::vector<std::string>& values) {
    std::string out = "(";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + param(params, values[i]);
    return out + ")";
}

}  // namespace

Sql notice_list_sql(const NoticeQuery& q) {
    Sql sql;
    auto& p = sql.params;
    std::string where;
    auto add = [&where](const std::string& cond) { where += (where.empty() ? " WHERE " : " AND ") + cond; };
    if (!q.notice_nos.empty()) add("von.notice_no IN " + in_list(p, q.notice_nos));
    if (q.vehicle_no) add("von.vehicle_no = " + param(p, *q.vehicle_no));
    if (!q.stages.empty()) add("von.last_processing_stage IN " + in_list(p, q.stages));
    switch (q.suspension) {
        case SuspensionFilter::any: break;
        case SuspensionFilter::ts: add("von.suspension_type = " + param(p, "TS")); break;
        case SuspensionFilter::ps: add("von.suspension_type = " + param(p, "PS")); break;
        case SuspensionFilter::none: add("von.suspension_type IS NULL"); break;
    }
    const std::string limit = param(p, std::to_string(q.limit));
    const std::string offset = param(p, std::to_string(q.skip));
    // The count and the page in one statement (one snapshot). The latest suspension record is
    // the spec's "sr_no = MAX(sr_no)", read through the (notice_no, sr_no) index.
    sql.text =
        "SELECT c.total, p.notice_no, p.vehicle_no, p.last_processing_stage, p.last_processing_date_us, "
        "p.suspension_type, p.reason_of_suspension, p.offence_notice_type, p.amount_paid, p.amount_payable, "
        "p.due_date_of_revival_us "
        "FROM (SELECT count(*) AS total FROM ocms_valid_offence_notice von" + where + ") c "
        "LEFT JOIN LATERAL ("
        "SELECT von.notice_no, von.vehicle_no, von.last_processing_stage, "
        "(extract(epoch FROM von.last_processing_date) * 1000000)::bigint AS last_processing_date_us, "
        "von.suspension_type, "
        "CASE WHEN von.suspension_type IS NOT NULL THEN sn.reason_of_suspension END AS reason_of_suspension, "
        "von.offence_notice_type, von.amount_paid::text AS amount_paid, von.amount_payable::text AS amount_payable, "
        "(extract(epoch FROM von.due_date_of_revival) * 1000000)::bigint AS due_date_of_revival_us "
        "FROM ocms_valid_offence_notice von "
        "LEFT JOIN LATERAL (SELECT s.reason_of_suspension FROM ocms_suspended_notice s "
        "WHERE s.notice_no = von.notice_no ORDER BY s.sr_no DESC LIMIT 1) sn ON true" +
        where + " ORDER BY von.notice_no LIMIT " + limit + " OFFSET " + offset +
        ") p ON true ORDER BY p.notice_no";
    return sql;
}

Sql reason_list_sql(const ReasonQuery& q) {
    return Sql{
        "SELECT r.reason_of_suspension, r.description, r.no_of_days_for_revival, u.looping, "
        "array_to_json(ARRAY(SELECT a.stage FROM unnest(u.allowed_stages) WITH ORDINALITY AS a(stage, n) "
        "LEFT JOIN ocms_processing_stage ps ON ps.stage = a.stage "
        "ORDER BY ps.stage_order NULLS LAST, a.n))::text "
        "FROM ocms_suspension_reason r "
        "JOIN ocms_suspension_reason_rule u USING (suspension_type, reason_of_suspension) "
        "WHERE r.suspension_type = $1 AND r.status = $2 AND r.suspension_source = $3 "
        "ORDER BY r.reason_of_suspension",
        {q.suspension_type, q.status, q.source}};
}

Sql hst_sql(const std::string& id_no) {
    return Sql{
        "SELECT h.id_no, h.name, h.street_name, h.blk_hse_no, h.floor_no, h.unit_no, h.bldg_name, h.postal_code, "
        "array_to_json(ARRAY(SELECT DISTINCT o.notice_no FROM ocms_offence_notice_owner_driver o "
        "JOIN ocms_valid_offence_notice v ON v.notice_no = o.notice_no "
        "JOIN LATERAL (SELECT s.reason_of_suspension FROM ocms_suspended_notice s WHERE s.notice_no = v.notice_no "
        "AND s.suspension_type = 'TS' AND s.date_of_revival IS NULL ORDER BY s.sr_no DESC LIMIT 1) l ON true "
        "WHERE o.id_no = h.id_no AND v.suspension_type = 'TS' AND l.reason_of_suspension = 'HST' "
        "ORDER BY o.notice_no))::text "
        "FROM ocms_hst h WHERE h.id_no = $1",
        {id_no}};
}

Sql user_list_sql(const UserQuery& q) {
    return Sql{"SELECT user_id, first_name, last_name FROM ocms_user WHERE status = $1 "
               "ORDER BY first_name, last_name, user_id",
               {q.status}};
}

std::optional<std::vector<std::string>> parse_string_array(std::string_view json_text) {
    auto doc = json::parse(json_text);
    if (!doc || !doc->IsArray()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& v : doc->GetArray()) {
        if (!v.IsString()) return std::nullopt;
        out.emplace_back(v.GetString(), v.GetStringLength());
    }
    return out;
}

// ---- PgReadStore -----------------------------------------------------------------------------

PgReadStore::PgReadStore(const std::string& url, int connections)
    : db_(std::make_unique<pg::Pool>(with_connect_timeout(url), connections)), threads_(std::size_t(connections)) {}

PgReadStore::~PgReadStore() { threads_.join(); }

template <typename T>
void PgReadStore::run(Sql sql, std::function<ReadResult<T>(const pg::Result&)> decode, net::any_io_executor ex,
                      ReadCallback<T> cb) {
    net::post(threads_, [this, sql = std::move(sql), decode = std::move(decode), ex, cb = std::move(cb)]() mutable {
        ReadResult<T> out = [&]() -> ReadResult<T> {
            auto conn = db_->acquire(std::chrono::milliseconds(2000));
            if (!conn) return std::unexpected(store_error(conn.error()));
            auto r = (*conn)->exec(sql.text, sql.params);
            if (!r) return std::unexpected(store_error(r.error()));
            return decode(*r);
        }();
        net::post(ex, [cb = std::move(cb), out = std::move(out)]() mutable { cb(std::move(out)); });
    });
}

namespace {

std::optional<TimePoint> time_of(const pg::Result& r, int row, int col) {
    if (r.is_null(row, col)) return std::nullopt;
    return from_micros(r.get_int(row, col));
}

ReadResult<std::int64_t> cents_of(const pg::Result& r, int row, int col) {
    if (r.is_null(row, col)) return 0;
    auto c = money::parse_cents(r.get(row, col));
    if (!c) return std::unexpected(store_error("not an amount: " + std::string(r.get(row, col))));
    return *c;
}

ReadResult<NoticePage> decode_notices(const pg::Result& r) {
    NoticePage page;
    if (r.rows() == 0) return page;  // cannot happen (the count row is always there)
    page.total = r.get_int(0, 0);
    for (int i = 0; i < r.rows(); ++i) {
        if (r.is_null(i, 1)) continue;  // the count row of an empty page
        NoticeRow n;
        n.notice_no = std::string(r.get(i, 1));
        n.vehicle_no = r.opt(i, 2);
        n.last_processing_stage = std::string(r.get(i, 3));
        n.last_processing_date = time_of(r, i, 4);
        n.suspension_type = r.opt(i, 5);
        n.reason_of_suspension = r.opt(i, 6);
        n.notice_type = std::string(r.get(i, 7));
        auto paid = cents_of(r, i, 8);
        if (!paid) return std::unexpected(paid.error());
        n.amount_paid_cents = *paid;
        auto payable = cents_of(r, i, 9);
        if (!payable) return std::unexpected(payable.error());
        n.amount_payable_cents = *payable;
        n.due_date_of_revival = time_of(r, i, 10);
        page.rows.push_back(std::move(n));
    }
    return page;
}

ReadResult<std::vector<ReasonRow>> decode_reasons(const pg::Result& r) {
    std::vector<ReasonRow> out;
    out.reserve(std::size_t(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        ReasonRow row;
        row.code = std::string(r.get(i, 0));
        row.description = std::string(r.get(i, 1));
        if (!r.is_null(i, 2)) row.suspension_days = int(r.get_int(i, 2));
        row.looping = r.get_bool(i, 3);
        auto stages = parse_string_array(r.get(i, 4));
        if (!stages) return std::unexpected(store_error("allowed stages of " + row.code + " are not a list: " + std::string(r.get(i, 4))));
        row.allowed_stages = std::move(*stages);
        out.push_back(std::move(row));
    }
    return out;
}

ReadResult<std::vector<UserRow>> decode_users(const pg::Result& r) {
    std::vector<UserRow> out;
    out.reserve(std::size_t(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
        out.push_back(UserRow{std::string(r.get(i, 0)), std::string(r.get(i, 1)), std::string(r.get(i, 2))});
    return out;
}

ReadResult<std::optional<HstRow>> decode_hst(const pg::Result& r) {
    if (r.rows() == 0) return std::optional<HstRow>{};
    HstRow h;
    h.id_no = std::string(r.get(0, 0));
    h.name = std::string(r.get(0, 1));
    h.street_name = r.opt(0, 2);
    h.blk_hse_no = r.opt(0, 3);
    h.floor_no = r.opt(0, 4);
    h.unit_no = r.opt(0, 5);
    h.bldg_name = r.opt(0, 6);
    h.postal_code = r.opt(0, 7);
    auto notices = parse_string_array(r.get(0, 8));
    if (!notices) return std::unexpected(store_error("HST notices are not a list: " + std::string(r.get(0, 8))));
    h.notices = std::move(*notices);
    return std::optional<HstRow>(std::move(h));
}

}  // namespace

void PgReadStore::hst(std::string id_no, net::any_io_executor ex, ReadCallback<std::optional<HstRow>> cb) {
    run<std::optional<HstRow>>(hst_sql(id_no), &decode_hst, std::move(ex), std::move(cb));
}

void PgReadStore::notices(NoticeQuery q, net::any_io_executor ex, ReadCallback<NoticePage> cb) {
    run<NoticePage>(notice_list_sql(q), &decode_notices, std::move(ex), std::move(cb));
}

void PgReadStore::reasons(ReasonQuery q, net::any_io_executor ex, ReadCallback<std::vector<ReasonRow>> cb) {
    run<std::vector<ReasonRow>>(reason_list_sql(q), &decode_reasons, std::move(ex), std::move(cb));
}

void PgReadStore::users(UserQuery q, net::any_io_executor ex, ReadCallback<std::vector<UserRow>> cb) {
    run<std::vector<UserRow>>(user_list_sql(q), &decode_users, std::move(ex), std::move(cb));
}

}  // namespace ocms::edge
