#include "outcome_store.hpp"

#include "pg/pg.hpp"

#include <boost/asio/post.hpp>

namespace ocms::edge {

namespace net = boost::asio;

std::string with_connect_timeout(const std::string& url) {
    if (url.find("connect_timeout") != std::string::npos) return url;
    if (url.starts_with("postgres://") || url.starts_with("postgresql://"))
        return url + (url.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=3";
    return url + " connect_timeout=3";
}

PgOutcomeStore::PgOutcomeStore(const std::string& url, int connections)
    : db_(std::make_unique<pg::Pool>(with_connect_timeout(url), connections)), threads_(std::size_t(connections)) {}

PgOutcomeStore::~PgOutcomeStore() { threads_.join(); }

void PgOutcomeStore::fetch(const RequestId& request_id, net::any_io_executor ex, OutcomeCallback cb) {
    net::post(threads_, [this, id = request_id.value(), ex, cb = std::move(cb)]() mutable {
        InboxRows rows = [&]() -> InboxRows {
            auto conn = db_->acquire(std::chrono::milliseconds(2000));
            if (!conn) return std::unexpected(store_error(conn.error()));
            auto r = (*conn)->exec(
                "SELECT command_id, notice_no, app_code, reply::text, batch_size, caller FROM ocms_command_inbox "
                "WHERE request_id = $1",
                {id});
            if (!r) return std::unexpected(store_error(r.error()));
            std::vector<InboxRow> out;
            out.reserve(std::size_t(r->rows()));
            for (int i = 0; i < r->rows(); ++i) {
                InboxRow row{std::string(r->get(i, 0)), std::string(r->get(i, 1)), std::string(r->get(i, 2)),
                             std::string(r->get(i, 3)), std::nullopt};
                if (!r->is_null(i, 4)) row.batch_size = int(r->get_int(i, 4));
                row.caller = r->opt(i, 5);
                out.push_back(std::move(row));
            }
            return out;
        }();
        net::post(ex, [cb = std::move(cb), rows = std::move(rows)]() mutable { cb(std::move(rows)); });
    });
}

}  // namespace ocms::edge
