#pragma once
// Reads behind the spec 002 read APIs (valid offence notice list, suspension reason list, user
// list), served by the edge straight from PostgreSQL (DESIGN.md invariant 1) through the role
// ocmsiz_app_conn. ReadStore is the seam the handlers see (tests put a fake behind it);
// PgReadStore runs the blocking libpq calls on a small asio::thread_pool it owns and posts each
// answer back to the caller's executor, so the io_context threads never wait for PostgreSQL
// (the pattern of outcome_store.*). The SQL is built by the pure *_sql() functions below, always
// with parameters, never with a value inside the text.
#include "core/time.hpp"
#include "store/result.hpp"
#include "pg/pg.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ocms::edge {

// ---- POST /v1/validoffencenoticelist ---------------------------------------------------------

enum class SuspensionFilter {
    any,   // no filter
    ts,    // currently under a temporary suspension
    ps,    // currently under a permanent suspension
    none,  // not suspended (suspension_type IS NULL)
};

// A checked, normalised search (handlers/notice_list.hpp builds it from the body).
struct NoticeQuery {
    std::int64_t skip = 0;
    int limit = 10;
    std::vector<std::string> notice_nos;  // empty: any notice
    std::optional<std::string> vehicle_no;
    std::vector<std::string> stages;  // empty: any stage
    SuspensionFilter suspension = SuspensionFilter::any;
};

// One notice as the list shows it; the projection ($field) happens when it is rendered.
struct NoticeRow {
    std::string notice_no;
    std::optional<std::string> vehicle_no;
    std::string last_processing_stage;
    std::optional<TimePoint> last_processing_date;
    std::optional<std::string> suspension_type;
    // Of the latest ocms_suspended_notice record (MAX(sr_no)), and only while the notice is
    // suspended: a revived notice shows null, not the reason of its old suspension.
    std::optional<std::string> reason_of_suspension;
    std::string notice_type;  // offence_notice_type: O, E, U
    std::int64_t amount_paid_cents = 0;
    std::int64_t amount_payable_cents = 0;
    std::optional<TimePoint> due_date_of_revival;
};

struct NoticePage {
    std::int64_t total = 0;  // every notice that matches, over all pages
    std::vector<NoticeRow> rows;
};

// ---- POST /v1/suspensionreasonlist -----------------------------------------------------------

struct ReasonQuery {
    std::string suspension_type;  // TS or PS
    std::string status = "A";     // A or I
    std::string source;           // OCMS_FE (Staff Portal) or PLUS
};

struct ReasonRow {
    std::string code;
    std::string description;
    std::optional<int> suspension_days;  // no_of_days_for_revival; NULL for PS codes
    bool looping = false;
    std::vector<std::string> allowed_stages;  // in ocms_processing_stage.stage_order
};

// ---- POST /v1/userlist -----------------------------------------------------------------------

struct UserQuery {
    std::string status = "A";
};

struct UserRow {
    std::string user_id;
    std::string first_name;
    std::string last_name;
};

// ---- POST /v1/revive-hst (spec 004 1.1) ------------------------------------------------------

// The ocms_hst register row of one id and the notices to revive: the tenant's (ONOD id_no)
// notices whose VON is under TS and whose latest open TS record is HST, by notice number.
struct HstRow {
    std::string id_no;
    std::string name;
    std::optional<std::string> street_name, blk_hse_no, floor_no, unit_no, bldg_name, postal_code;
    std::vector<std::string> notices;
};

// ---- SQL (pure) ------------------------------------------------------------------------------

struct Sql {
    std::string text;
    pg::Params params;
};

// One statement, one snapshot: the first column of every row is the total count; when the page
// is empty (nothing matches, or $skip is past the end) there is one row with the count and
// NULLs. Columns 1..10: notice_no, vehicle_no, last_processing_stage, last_processing_date (us),
// suspension_type, reason_of_suspension, offence_notice_type, amount_paid (text),
// amount_payable (text), due_date_of_revival (us).
Sql notice_list_sql(const NoticeQuery& q);
// Columns: code, description, no_of_days_for_revival, looping, allowed stages (JSON array text).
Sql reason_list_sql(const ReasonQuery& q);
// Columns: user_id, first_name, last_name.
Sql user_list_sql(const UserQuery& q);
// No row: no such id. Columns: id_no, name, street_name, blk_hse_no, floor_no, unit_no,
// bldg_name, postal_code, the notices (JSON array text).
Sql hst_sql(const std::string& id_no);

// '["ROV","ENA"]' -> {"ROV","ENA"}; nullopt unless it is a JSON array of strings.
std::optional<std::vector<std::string>> parse_string_array(std::string_view json_text);

// ---- the seam --------------------------------------------------------------------------------


class ReadStore {
public:
    virtual ~ReadStore() = default;
    // Each callback is posted to ex exactly once.
    virtual void notices(NoticeQuery q, boost::asio::any_io_executor ex, ReadCallback<NoticePage> cb) = 0;
    virtual void reasons(ReasonQuery q, boost::asio::any_io_executor ex, ReadCallback<std::vector<ReasonRow>> cb) = 0;
    virtual void users(UserQuery q, boost::asio::any_io_executor ex, ReadCallback<std::vector<UserRow>> cb) = 0;
    // nullopt: no ocms_hst row with that id. The default (stores without it) answers an error.
    virtual void hst(std::string id_no, boost::asio::any_io_executor ex, ReadCallback<std::optional<HstRow>> cb) {
        (void)id_no;
        boost::asio::post(ex, [cb = std::move(cb)] { cb(std::unexpected(store_error("hst read not supported"))); });
    }
};

// Owns its connection pool (url: OCMS_EDGE_PG_URL, role ocmsiz_app_conn) and as many threads as
// connections. Thread-safe; the destructor waits for running queries.
class PgReadStore : public ReadStore {
public:
    PgReadStore(const std::string& url, int connections);
    ~PgReadStore() override;
    void notices(NoticeQuery q, boost::asio::any_io_executor ex, ReadCallback<NoticePage> cb) override;
    void reasons(ReasonQuery q, boost::asio::any_io_executor ex, ReadCallback<std::vector<ReasonRow>> cb) override;
    void users(UserQuery q, boost::asio::any_io_executor ex, ReadCallback<std::vector<UserRow>> cb) override;
    void hst(std::string id_no, boost::asio::any_io_executor ex, ReadCallback<std::optional<HstRow>> cb) override;

private:
    // Runs sql on a pooled connection on the thread pool, decodes the result with decode (on the
    // same thread) and posts the outcome to ex.
    template <typename T>
    void run(Sql sql, std::function<ReadResult<T>(const pg::Result&)> decode, boost::asio::any_io_executor ex,
             ReadCallback<T> cb);

    std::unique_ptr<pg::Pool> db_;
    boost::asio::thread_pool threads_;
};

}  // namespace ocms::edge
