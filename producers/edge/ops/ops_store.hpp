#pragma once
// The I/O behind the support console's /ops/api routes (issue 8), as the role ocms_support
// (OCMS_SUPPORT_PG_URL): a notice's history, dead letters, parked notices and the support actions
// on them, recorded redrives and replays. OpsStore is the seam the handlers see; PgOpsStore runs
// the blocking work (libpq, the replay's Kafka reads) on its own small thread pool and posts each
// answer to the caller's executor.
#include "reads/read_store.hpp"
#include "support/support_store.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ocms::edge {

// A redrive of chosen dead letters, or a bounded replay of a command topic, from the console.
struct OpsRunRequest {
    std::string kind;  // "redrive" | "replay"
    std::string operator_name, reason;
    bool dry_run = true;
    std::vector<std::int64_t> dead_letter_ids;  // redrive
    std::string topic;                          // replay
    std::vector<std::int32_t> partitions;
    std::optional<std::int64_t> from_offset, to_offset, from_time_ms, to_time_ms;
    std::vector<std::string> notice_nos;
    std::int64_t max_messages = 10000;
};

// A run the caller asked wrongly fails with an Error of kind FaultKind::client (answered 400 with
// its message); any other failure is the store's (500).

class OpsStore {
public:
    virtual ~OpsStore() = default;
    // Each callback is posted to ex once; an error is for the log, never shown to the caller.
    virtual void history(std::string notice_no, boost::asio::any_io_executor ex, ReadCallback<std::string> cb) = 0;
    virtual void dead_letters(std::string status, boost::asio::any_io_executor ex, ReadCallback<std::string> cb) = 0;
    virtual void parked(boost::asio::any_io_executor ex, ReadCallback<std::string> cb) = 0;
    // false: nothing to act on (not parked / no such parked command).
    virtual void retry(std::string notice_no, std::string operator_name, std::string reason,
                       boost::asio::any_io_executor ex, ReadCallback<bool> cb) = 0;
    virtual void discard(std::string command_id, std::string operator_name, std::string reason,
                         boost::asio::any_io_executor ex, ReadCallback<bool> cb) = 0;
    // The run's answer as JSON: {"runId","dryRun","counts":{...},"items":[...]}.
    virtual void run(OpsRunRequest request, boost::asio::any_io_executor ex, ReadCallback<std::string> cb) = 0;
};

class PgOpsStore : public OpsStore {
public:
    PgOpsStore(const std::string& url, int connections, std::string brokers);
    ~PgOpsStore() override;
    void history(std::string notice_no, boost::asio::any_io_executor ex, ReadCallback<std::string> cb) override;
    void dead_letters(std::string status, boost::asio::any_io_executor ex, ReadCallback<std::string> cb) override;
    void parked(boost::asio::any_io_executor ex, ReadCallback<std::string> cb) override;
    void retry(std::string notice_no, std::string operator_name, std::string reason, boost::asio::any_io_executor ex,
               ReadCallback<bool> cb) override;
    void discard(std::string command_id, std::string operator_name, std::string reason,
                 boost::asio::any_io_executor ex, ReadCallback<bool> cb) override;
    void run(OpsRunRequest request, boost::asio::any_io_executor ex, ReadCallback<std::string> cb) override;

private:
    std::string url_;
    std::string brokers_;
    std::unique_ptr<pg::Pool> db_;
    boost::asio::thread_pool threads_;
};

}  // namespace ocms::edge
