#include "load.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <stdexcept>

namespace ocms::chaos {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

std::string quoted_list(const std::vector<std::string>& notices) {
    std::string out;
    for (const auto& n : notices) out += (out.empty() ? "\"" : ",\"") + n + "\"";
    return out;
}

}  // namespace

std::string suspension_body(const std::vector<std::string>& notices) {
    return R"({"noticeNo":[)" + quoted_list(notices) +
           R"(],"suspensionType":"TS","reasonOfSuspension":"ACR","suspensionRemarks":"chaos run",)"
           R"("officerAuthorisingSuspension":"JOHNLEE"})";
}

std::string revival_body(const std::vector<std::string>& notices) {
    return R"({"noticeNo":[)" + quoted_list(notices) +
           R"(],"suspensionType":"TS","revivalReason":"MAN","revivalRemarks":"chaos run",)"
           R"("officerAuthorisingRevival":"JOHNLEE"})";
}

Load::Load(LoadSettings s, Ledger& ledger, NoticePool& pool) : s_(std::move(s)), ledger_(ledger), pool_(pool) {
    auto hostport = s_.edge_url.substr(s_.edge_url.find("://") + 3);
    auto colon = hostport.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("edge URL without a port: " + s_.edge_url);
    host_ = hostport.substr(0, colon);
    tcp::resolver resolver(ioc_);
    auto found = resolver.resolve(host_, hostport.substr(colon + 1));
    if (found.empty()) throw std::runtime_error("cannot resolve " + s_.edge_url);
    endpoint_ = found.begin()->endpoint();
}

Load::~Load() { stop(); }

void Load::start() {
    sending_ = true;
    running_ = true;
    net::co_spawn(ioc_, ticker(), net::detached);
    net::co_spawn(ioc_, fetcher(), net::detached);
    thread_ = std::thread([this] { ioc_.run(); });
}

void Load::stop_sending() { sending_ = false; }

void Load::stop() {
    sending_ = false;
    running_ = false;
    ioc_.stop();
    if (thread_.joinable()) thread_.join();
}

net::awaitable<HttpExchange> Load::post(std::string path, std::string body, std::string request_id) {
    beast::tcp_stream stream(co_await net::this_coro::executor);
    boost::system::error_code ec;
    stream.expires_after(3s);
    co_await stream.async_connect(endpoint_, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return HttpExchange{Fate::refused, 0, {}, "connect: " + ec.message()};
    http::request<http::string_body> req{http::verb::post, path, 11};
    req.set(http::field::host, host_);
    req.set(http::field::content_type, "application/json");
    req.set(http::field::authorization, "Bearer " + s_.token);
    if (!request_id.empty()) req.set("X-Request-Id", request_id);
    req.body() = std::move(body);
    req.prepare_payload();
    stream.expires_after(s_.answer_timeout);
    co_await http::async_write(stream, req, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return HttpExchange{Fate::cut, 0, {}, "write: " + ec.message()};
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return HttpExchange{Fate::cut, 0, {}, "read: " + ec.message()};
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    co_return HttpExchange{Fate::answered, int(res.result_int()), std::move(res.body()), {}};
}

void Load::launch(std::uint64_t n) {
    Kind kind = Kind::suspend;
    std::vector<std::string> notices;
    if (s_.revive_every > 0 && n % std::uint64_t(s_.revive_every) == std::uint64_t(s_.revive_every - 1)) {
        notices = ledger_.take_suspended(std::size_t(s_.per_request));
        if (!notices.empty()) kind = Kind::revive;
    }
    if (kind == Kind::suspend) {
        auto fresh = pool_.take(s_.per_request);
        if (!fresh) {
            ++starved_;
            return;
        }
        notices = std::move(*fresh);
    }
    char id[48];
    std::snprintf(id, sizeof id, "chaos-%s-%07llu", pool_.prefix().c_str(), static_cast<unsigned long long>(n));
    RequestRecord r;
    r.kind = kind;
    r.request_id = id;
    r.phase = ledger_.phase();
    r.sent = Clock::now();
    for (const auto& notice : notices) r.items.push_back(Item{notice});
    std::size_t index = ledger_.add(std::move(r));
    std::string path = kind == Kind::suspend ? "/v1/staff-apply-suspension" : "/staff-revive-suspension";
    std::string body = kind == Kind::suspend ? suspension_body(notices) : revival_body(notices);
    net::co_spawn(ioc_, send_one(index, std::move(path), std::move(body), id), net::detached);
}

net::awaitable<void> Load::send_one(std::size_t index, std::string path, std::string body, std::string request_id) {
    HttpExchange x;
    try {
        x = co_await post(std::move(path), std::move(body), std::move(request_id));
    } catch (const std::exception& e) {
        x = HttpExchange{Fate::cut, 0, {}, std::string("client failure: ") + e.what()};
    }
    ledger_.finish(index, x.fate, x.status, x.body, std::move(x.error));
}

net::awaitable<void> Load::ticker() {
    net::steady_timer timer(co_await net::this_coro::executor);
    const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / s_.rate));
    auto next = Clock::now();
    for (std::uint64_t n = 0; sending_; ++n) {
        next += period;
        timer.expires_at(next);
        boost::system::error_code ec;
        co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
        if (!sending_) break;
        launch(n);
    }
}

net::awaitable<void> Load::fetch_one(std::size_t index, std::string request_id) {
    HttpExchange x;
    try {
        x = co_await post("/v1/request-outcome", R"({"requestId":")" + request_id + R"("})", "");
    } catch (const std::exception& e) {
        x = HttpExchange{Fate::cut, 0, {}, e.what()};
    }
    ledger_.outcome(index, x.fate == Fate::answered ? x.status : 0, x.body, false);
}

net::awaitable<void> Load::fetcher() {
    net::steady_timer timer(co_await net::this_coro::executor);
    while (running_) {
        timer.expires_after(500ms);
        boost::system::error_code ec;
        co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
        for (auto& [index, request_id] : ledger_.due_for_outcome(1s, 64))
            net::co_spawn(ioc_, fetch_one(index, std::move(request_id)), net::detached);
    }
}

}  // namespace ocms::chaos
