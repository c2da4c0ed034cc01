#include "job_runner.hpp"

#include "core/log.hpp"

#include <boost/asio/post.hpp>

#include <exception>

namespace ocms::edge {

namespace net = boost::asio;

PgJobRunner::PgJobRunner(std::string pg_url, std::string brokers)
    : pg_url_(std::move(pg_url)), brokers_(std::move(brokers)) {}

PgJobRunner::~PgJobRunner() { thread_.join(); }

void PgJobRunner::auto_revival(net::any_io_executor ex, AutoRevivalCallback cb) {
    net::post(thread_, [this, ex, cb = std::move(cb)]() mutable {
        AutoRevivalResult out = [&]() -> AutoRevivalResult {
            try {
                auto db = pg::Connection::connect(pg_url_);
                if (!db) return fail(pg::to_error(db.error()).in_context("database: "));
                auto producer = kafka::Producer::make(brokers_);
                if (!producer) return fail(std::move(producer.error()).in_context("broker: "));
                auto r = jobs::revive_due_notices(**db, **producer, system_now());
                if (!r) return fail(std::move(r.error()).in_context("database: "));
                return *r;
            } catch (const std::exception& e) {
                return std::unexpected(Error{codes::kInternal, std::string("auto-revival threw: ") + e.what()});
            }
        }();
        net::post(ex, [cb = std::move(cb), out = std::move(out)]() mutable { cb(std::move(out)); });
    });
}

}  // namespace ocms::edge
