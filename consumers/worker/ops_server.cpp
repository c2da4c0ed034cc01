#include "ops_server.hpp"

#include "core/log.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>

namespace ocms::worker {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct OpsServer::Impl {
    std::string listen;
    metrics::Registry& metrics;
    std::function<bool()> ready;
    asio::io_context ioc;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::thread thread;
    std::atomic<bool> stopping{false};

    void serve() {
        while (!stopping) {
            boost::system::error_code ec;
            tcp::socket sock(ioc);
            acceptor->accept(sock, ec);
            if (ec) continue;
            boost::beast::flat_buffer buf;
            http::request<http::string_body> req;
            http::read(sock, buf, req, ec);
            if (ec) continue;
            http::response<http::string_body> res;
            res.version(req.version());
            res.keep_alive(false);
            auto target = std::string(req.target());
            if (target == "/metrics") {
                res.result(http::status::ok);
                res.set(http::field::content_type, "text/plain; version=0.0.4");
                res.body() = metrics.render();
            } else if (target == "/healthz") {
                res.result(http::status::ok);
                res.set(http::field::content_type, "application/json");
                res.body() = R"({"status":"UP"})";
            } else if (target == "/readyz") {
                bool ok = ready();
                res.result(ok ? http::status::ok : http::status::service_unavailable);
                res.set(http::field::content_type, "application/json");
                res.body() = ok ? R"({"status":"READY"})" : R"({"status":"NOT_READY"})";
            } else {
                res.result(http::status::not_found);
                res.body() = "not found";
            }
            res.prepare_payload();
            http::write(sock, res, ec);
            sock.shutdown(tcp::socket::shutdown_both, ec);
        }
    }
};

OpsServer::OpsServer(std::string listen, metrics::Registry& metrics, std::function<bool()> ready)
    : impl_(new Impl{std::move(listen), metrics, std::move(ready), {}, {}, {}, {}}) {}

void OpsServer::start() {
    auto colon = impl_->listen.rfind(':');
    auto host = impl_->listen.substr(0, colon);
    auto port = static_cast<unsigned short>(std::stoi(impl_->listen.substr(colon + 1)));
    tcp::endpoint ep(asio::ip::make_address(host), port);
    impl_->acceptor = std::make_unique<tcp::acceptor>(impl_->ioc, ep, true);
    impl_->thread = std::thread([this] { impl_->serve(); });
    log::info("ops endpoints listening", {{"listen", impl_->listen}});
}

OpsServer::~OpsServer() {
    if (!impl_->thread.joinable()) return;
    impl_->stopping = true;
    boost::system::error_code ec;
    // close() alone does not wake a thread blocked in accept() on Linux (the process then waited
    // for main's 15 s stop timer); shutdown() does.
    ::shutdown(impl_->acceptor->native_handle(), SHUT_RDWR);
    impl_->acceptor->close(ec);
    impl_->thread.join();
}

}  // namespace ocms::worker
