#pragma once
// Reads of the command inbox for /v1/request-outcome. The blocking libpq calls run on a small
// asio::thread_pool owned here; the answer is posted back to the caller's executor, so the
// io_context threads never wait for PostgreSQL.
#include "core/types.hpp"
#include "store/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ocms::pg {
class Pool;
}

namespace ocms::edge {

// One row of ocms_command_inbox for a request.
struct InboxRow {
    std::string command_id;
    std::string notice_no;
    std::string app_code;
    std::string reply_json;  // the encoded Reply
    std::optional<int> batch_size;
    std::optional<std::string> caller;  // the envelope's caller (NULL: published straight to a topic)
};

using InboxRows = ReadResult<std::vector<InboxRow>>;
using OutcomeCallback = std::function<void(InboxRows)>;

class OutcomeStore {
public:
    virtual ~OutcomeStore() = default;
    // cb is posted to ex once.
    virtual void fetch(const RequestId& request_id, boost::asio::any_io_executor ex, OutcomeCallback cb) = 0;
};

class PgOutcomeStore : public OutcomeStore {
public:
    PgOutcomeStore(const std::string& url, int connections);
    ~PgOutcomeStore() override;  // waits for running queries
    void fetch(const RequestId& request_id, boost::asio::any_io_executor ex, OutcomeCallback cb) override;

private:
    std::unique_ptr<pg::Pool> db_;
    boost::asio::thread_pool threads_;
};

// Adds connect_timeout=3 to a libpq URL or key=value string that has none, so a database that
// is down answers quickly instead of after the TCP timeout.
std::string with_connect_timeout(const std::string& url);

}  // namespace ocms::edge
