#pragma once
// The steady load of a chaos run: POST /v1/staff-apply-suspension on fresh fixture notices and
// POST /staff-revive-suspension on the notices whose suspension a worker confirmed, at a fixed
// rate whatever the answers take (open loop: no request waits for another), and the fetcher that
// asks /v1/request-outcome for every request answered with pending notices, or cut, until its
// answer is final.
//
// Lifecycle: start() runs an io_context on one thread (Boost.Beast over Asio coroutines);
// stop_sending() ends the load while the fetcher goes on; stop() ends the thread, abandoning what
// is still in flight. Every request has its own connection, so "connection refused" means
// exactly "the edge was not listening" and says nothing was accepted.
// Threading: the coroutines run on the io thread; they meet the runner only in the Ledger and
// the NoticePool, which lock.
#include "fixtures.hpp"
#include "ledger.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace ocms::chaos {

struct LoadSettings {
    std::string edge_url;  // http://host:port
    std::string token;     // a bearer token with the role OCMS_STAFF
    double rate = 10;      // requests per second
    int per_request = 5;   // notices per request
    int revive_every = 4;  // every n-th request is a revival (when confirmed suspensions wait)
    std::chrono::seconds answer_timeout{60};
};

// One HTTP exchange as the client saw it.
struct HttpExchange {
    Fate fate = Fate::in_flight;  // refused, cut or answered
    int status = 0;
    std::string body;
    std::string error;
};

class Load {
public:
    Load(LoadSettings s, Ledger& ledger, NoticePool& pool);
    ~Load();
    Load(const Load&) = delete;
    Load& operator=(const Load&) = delete;

    void start();
    void stop_sending();
    void stop();
    // Load ticks that found no fresh notice left (the pool was too small for the run).
    std::size_t starved() const { return starved_; }

private:
    boost::asio::awaitable<void> ticker();
    boost::asio::awaitable<void> fetcher();
    boost::asio::awaitable<void> send_one(std::size_t index, std::string path, std::string body,
                                          std::string request_id);
    boost::asio::awaitable<void> fetch_one(std::size_t index, std::string request_id);
    boost::asio::awaitable<HttpExchange> post(std::string path, std::string body, std::string request_id);
    void launch(std::uint64_t n);

    const LoadSettings s_;
    Ledger& ledger_;
    NoticePool& pool_;
    std::string host_;
    boost::asio::ip::tcp::endpoint endpoint_;
    boost::asio::io_context ioc_;
    std::thread thread_;
    std::atomic<bool> sending_{false};
    std::atomic<bool> running_{false};
    std::atomic<std::size_t> starved_{0};
};

// A request body of the load (public for the verification's messages and for tests of the driver).
std::string suspension_body(const std::vector<std::string>& notices);
std::string revival_body(const std::vector<std::string>& notices);

}  // namespace ocms::chaos
