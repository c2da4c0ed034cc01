#include "cas_store.hpp"

#include "core/log.hpp"
#include "core/money.hpp"
#include "store/outcome_store.hpp"

#include "store/pool_run.hpp"

namespace ocms::edge {

namespace net = boost::asio;


PgCasStore::PgCasStore(const std::string& url, int connections)
    : db_(std::make_unique<pg::Pool>(with_connect_timeout(url), connections)), threads_(std::size_t(connections)) {}

PgCasStore::~PgCasStore() { threads_.join(); }

namespace {


std::optional<TimePoint> time_at(const pg::Result& r, int row, int col) {
    if (r.is_null(row, col)) return std::nullopt;
    return from_micros(r.get_int(row, col));
}

std::int64_t cents_at(const pg::Result& r, int row, int col) {
    if (r.is_null(row, col)) return 0;
    return money::parse_cents(r.get(row, col)).value_or(0);
}

// The two notice lookups: on the pool, a connection and one statement whose $1 is the requested
// notices (text[]); then rows(connection, result) makes the answer, and may write on the same
// connection. A connection or statement that fails answers its error text.
template <typename Row, typename Rows>
void look_up_notices(net::thread_pool& pool, pg::Pool& db, std::vector<std::string> notices, net::any_io_executor ex,
                     ReadCallback<std::vector<Row>> cb, const char* sql, Rows rows) {
    run_on_pool<std::vector<Row>>(pool, ex, std::move(cb), [&db, notices = std::move(notices), sql,
                                                          rows = std::move(rows)]() -> ReadResult<std::vector<Row>> {
        auto conn = db.acquire();
        if (!conn) return std::unexpected(store_error(conn.error()));
        auto r = (*conn)->exec(sql, {pg::text_array(notices)});
        if (!r) return std::unexpected(store_error(r.error()));
        return rows(**conn, *r);
    });
}

}  // namespace

void PgCasStore::payment_status(std::vector<std::string> notices, net::any_io_executor ex,
                                ReadCallback<std::vector<PaymentStatusRow>> cb) {
    look_up_notices<PaymentStatusRow>(
        threads_, *db_, std::move(notices), ex, std::move(cb),
        "SELECT q.n, v.notice_no IS NOT NULL, v.last_processing_stage, "
        "(extract(epoch FROM v.last_processing_date) * 1000000)::bigint, v.next_processing_stage, v.emcons_flag, "
        "v.suspension_type, v.crs_reason_of_suspension, v.epr_reason_of_suspension, v.payment_status, "
        "v.amount_payable::text, v.amount_paid::text, v.payment_allowance_flag "
        "FROM unnest($1::text[]) WITH ORDINALITY AS q(n, i) "
        "LEFT JOIN ocms_valid_offence_notice v ON v.notice_no = q.n ORDER BY q.i",
        [](pg::Connection& conn, const pg::Result& r) -> ReadResult<std::vector<PaymentStatusRow>> {
            std::vector<PaymentStatusRow> out;
            out.reserve(std::size_t(r.rows()));
            for (int i = 0; i < r.rows(); ++i) {
                PaymentStatusRow p;
                p.notice_no = std::string(r.get(i, 0));
                p.found = r.get_bool(i, 1);
                if (p.found) {
                    p.last_processing_stage = r.opt(i, 2);
                    p.last_processing_date = time_at(r, i, 3);
                    p.next_processing_stage = r.opt(i, 4);
                    p.emcons_flag = r.opt(i, 5);
                    p.suspension_type = r.opt(i, 6);
                    p.crs_reason_of_suspension = r.opt(i, 7);
                    p.epr_reason_of_suspension = r.opt(i, 8);
                    p.payment_status = r.opt(i, 9);
                    p.amount_payable_cents = cents_at(r, i, 10);
                    p.amount_paid_cents = cents_at(r, i, 11);
                    p.payment_allowance_flag = r.opt(i, 12);
                    p.emcons = p.emcons_flag && !p.emcons_flag->empty();
                }
                out.push_back(std::move(p));
            }
            // Spec 001 1.2: an EMCON notice gets a row in ocms_cas_emcons (once: a later query of the
            // same notice finds it there). One statement per notice: a failure marks that notice.
            for (auto& p : out) {
                if (!p.emcons) continue;
                auto ins = conn.exec(
                    "INSERT INTO ocms_cas_emcons (notice_no, emcons_flag, cre_user_id) VALUES ($1, $2, 'ocmsiz_app_conn') "
                    "ON CONFLICT (notice_no) DO NOTHING",
                    {p.notice_no, *p.emcons_flag});
                if (!ins) p.log_error = store_error(ins.error()).message;
            }
            return out;
        });
}

void PgCasStore::notice_update(std::vector<std::string> notices, net::any_io_executor ex,
                               ReadCallback<std::vector<NoticeUpdateRow>> cb) {
    // The court payment due date: the court case row when there is one; for a notice at a
    // court stage without one, the day it entered the stage + COURT / PAYMENT_DUE_DAYS.
    look_up_notices<NoticeUpdateRow>(
        threads_, *db_, std::move(notices), ex, std::move(cb),
        "SELECT q.n, v.notice_no IS NOT NULL, v.amount_payable::text, v.payment_allowance_flag, v.suspension_type, "
        "v.epr_reason_of_suspension, "
        "(extract(epoch FROM c.court_payment_due_date) * 1000000)::bigint, c.notice_no IS NOT NULL, "
        "coalesce(s.is_court_stage, false), "
        "(extract(epoch FROM v.last_processing_date + make_interval(days => d.days)) * 1000000)::bigint "
        "FROM unnest($1::text[]) WITH ORDINALITY AS q(n, i) "
        "LEFT JOIN ocms_valid_offence_notice v ON v.notice_no = q.n "
        "LEFT JOIN ocms_processing_stage s ON s.stage = v.last_processing_stage "
        "LEFT JOIN ocms_court_case c ON c.notice_no = q.n "
        "LEFT JOIN LATERAL (SELECT CASE WHEN value ~ '^[0-9]{1,4}$' THEN value::integer END AS days "
        "  FROM ocms_parameter WHERE parameter_id = 'COURT' AND code = 'PAYMENT_DUE_DAYS') d ON true "
        "ORDER BY q.i",
        [](pg::Connection& conn, const pg::Result& r) -> ReadResult<std::vector<NoticeUpdateRow>> {
            std::vector<NoticeUpdateRow> out;
            std::vector<bool> to_record;
            bool all_found = true;
            for (int i = 0; i < r.rows(); ++i) {
                NoticeUpdateRow n;
                n.notice_no = std::string(r.get(i, 0));
                n.found = r.get_bool(i, 1);
                all_found = all_found && n.found;
                bool record = false;
                if (n.found) {
                    n.amount_payable_cents = cents_at(r, i, 2);
                    n.payment_allowance_flag = r.opt(i, 3);
                    n.suspension_type = r.opt(i, 4);
                    n.epr_reason_of_suspension = r.opt(i, 5);
                    const bool has_case = r.get_bool(i, 7);
                    if (has_case) n.court_payment_due_date = time_at(r, i, 6);
                    else if (r.get_bool(i, 8)) {
                        n.court_payment_due_date = time_at(r, i, 9);
                        record = n.court_payment_due_date.has_value();
                        if (!record) n.court_case_error = "no court payment due date: parameter COURT/PAYMENT_DUE_DAYS or the stage date is missing";
                    }
                }
                out.push_back(std::move(n));
                to_record.push_back(record);
            }
            if (!all_found) return out;  // the request is refused: nothing is recorded
            for (std::size_t i = 0; i < out.size(); ++i) {
                if (!to_record[i]) continue;
                auto ins = conn.exec(
                    "INSERT INTO ocms_court_case (notice_no, court_payment_due_date, cre_user_id) "
                    "VALUES ($1, $2::timestamptz, 'ocmsiz_app_conn') ON CONFLICT (notice_no) DO NOTHING",
                    {out[i].notice_no, format_offset(*out[i].court_payment_due_date)});
                if (!ins) out[i].court_case_error = store_error(ins.error()).message;
            }
            return out;
        });
}

void PgCasStore::dayend_window(net::any_io_executor ex, ReadCallback<std::optional<std::string>> cb) {
    run_on_pool<std::optional<std::string>>(threads_, ex, std::move(cb), [this]() -> ReadResult<std::optional<std::string>> {
        auto conn = db_->acquire();
        if (!conn) return std::unexpected(store_error(conn.error()));
        auto r = (*conn)->exec("SELECT value FROM ocms_parameter WHERE parameter_id = 'CAS' AND code = 'DAYEND_WINDOW'");
        if (!r) return std::unexpected(store_error(r.error()));
        if (r->rows() == 0) return std::optional<std::string>{};
        return std::optional<std::string>(std::string(r->get(0, 0)));
    });
}

}  // namespace ocms::edge
