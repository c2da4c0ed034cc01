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
                if (!db) return std::unexpected(Error{codes::kInternal, "database: " + db.error().message, db.error().kind});
                auto producer = kafka::Producer::make(brokers_);
                if (!producer) {
                    auto e = producer.error();
                    e.message = "broker: " + e.message;
                    return std::unexpected(std::move(e));
                }
                auto r = jobs::revive_due_notices(**db, **producer, system_now());
                if (!r) {
                    auto e = r.error();
                    e.message = "database: " + e.message;
                    return std::unexpected(std::move(e));
                }
                return *r;
            } catch (const std::exception& e) {
                return std::unexpected(Error{codes::kInternal, std::string("auto-revival threw: ") + e.what()});
            }
        }();
        net::post(ex, [cb = std::move(cb), out = std::move(out)]() mutable { cb(std::move(out)); });
    });
}

}  // namespace ocms::edge
