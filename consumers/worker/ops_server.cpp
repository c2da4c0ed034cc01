#include "ops_server.hpp"

#include "core/log.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <thread>

namespace ocms::worker {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Endpoints {
    metrics::Registry& metrics;
    std::function<bool()> ready;
    std::chrono::milliseconds timeout;
};

http::response<http::string_body> answer(const Endpoints& e, const http::request<http::string_body>& req) {
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(false);
    const auto target = std::string(req.target());
    const auto path = target.substr(0, target.find('?'));
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
        res.result(http::status::method_not_allowed);
        res.set(http::field::allow, "GET, HEAD");
    } else if (path == "/metrics") {
        res.result(http::status::ok);
        res.set(http::field::content_type, "text/plain; version=0.0.4");
        res.body() = e.metrics.render();
    } else if (path == "/healthz") {
        res.result(http::status::ok);
        res.set(http::field::content_type, "application/json");
        res.body() = R"({"status":"UP"})";
    } else if (path == "/readyz") {
        const bool ok = e.ready();
        res.result(ok ? http::status::ok : http::status::service_unavailable);
        res.set(http::field::content_type, "application/json");
        res.body() = ok ? R"({"status":"READY"})" : R"({"status":"NOT_READY"})";
    } else {
        res.result(http::status::not_found);
        res.set(http::field::content_type, "text/plain");
        res.body() = "not found";
    }
    res.set(http::field::cache_control, "no-store");
    res.prepare_payload();
    return res;
}

// One connection: read one request (deadline), answer, close. Holds itself alive through its
// handlers (shared_from_this), as the edge's sessions do.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& s, const Endpoints& e) : stream_(std::move(s)), e_(e) {}
    void run() {
        parser_.header_limit(8 * 1024);
        parser_.body_limit(1024);
        stream_.expires_after(e_.timeout);
        http::async_read(stream_, buffer_, parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

private:
    void on_read(beast::error_code ec, std::size_t) {
        if (ec) return close();  // timeout, reset, garbage: nothing to answer
        res_ = answer(e_, parser_.get());
        stream_.expires_after(e_.timeout);
        http::async_write(stream_, res_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
    }
    void on_write(beast::error_code, std::size_t) { close(); }
    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.socket().close(ec);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    http::request_parser<http::string_body> parser_;
    http::response<http::string_body> res_;
    const Endpoints& e_;
};

}  // namespace

struct OpsServer::Impl {
    std::string listen;
    Endpoints endpoints;
    asio::io_context ioc{1};
    tcp::acceptor acceptor{ioc};
    std::thread thread;

    void accept() {
        acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
            if (!ec) std::make_shared<Session>(std::move(s), endpoints)->run();
            accept();
        });
    }
};

OpsServer::OpsServer(std::string listen, metrics::Registry& metrics, std::function<bool()> ready,
                     std::chrono::milliseconds io_timeout)
    : impl_(new Impl{std::move(listen), Endpoints{metrics, std::move(ready), io_timeout}}) {}

void OpsServer::start() {
    auto colon = impl_->listen.rfind(':');
    auto host = impl_->listen.substr(0, colon);
    auto port = static_cast<unsigned short>(std::stoi(impl_->listen.substr(colon + 1)));
    tcp::endpoint ep(asio::ip::make_address(host), port);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen(asio::socket_base::max_listen_connections);
    impl_->accept();
    impl_->thread = std::thread([this] { impl_->ioc.run(); });
    log::info("ops endpoints listening", {{"listen", impl_->listen}, {"port", std::to_string(this->port())}});
}

unsigned short OpsServer::port() const { return impl_->acceptor.local_endpoint().port(); }

OpsServer::~OpsServer() {
    if (!impl_->thread.joinable()) return;
    asio::post(impl_->ioc, [this] {
        beast::error_code ec;
        impl_->acceptor.close(ec);
    });
    impl_->ioc.stop();  // open sessions end with the context
    impl_->thread.join();
}

}  // namespace ocms::worker
