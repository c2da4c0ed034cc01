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
                if (!db) return std::unexpected("database: " + db.error().message);
                auto producer = kafka::Producer::create(brokers_);
                if (!producer) return std::unexpected("broker: " + producer.error());
                auto r = jobs::run_auto_revival(**db, **producer, system_now());
                if (!r) return std::unexpected("database: " + r.error());
                return *r;
            } catch (const std::exception& e) {
                return std::unexpected(std::string("auto-revival threw: ") + e.what());
            }
        }();
        net::post(ex, [cb = std::move(cb), out = std::move(out)]() mutable { cb(std::move(out)); });
    });
}

}  // namespace ocms::edge
