#include "server.hpp"

#include "core/log.hpp"
#include "pipeline.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <optional>

namespace ocms::edge {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr auto kIoTimeout = std::chrono::seconds(30);

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& socket, std::shared_ptr<const PipelineDeps> deps)
        : stream_(std::move(socket)), deps_(std::move(deps)) {}

    void run() { net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::do_read, shared_from_this())); }

private:
    void do_read() {
        parser_.emplace();
        parser_->body_limit(deps_->config->body_limit);
        // Beast's default is 8 KB, less than a token auth accepts (8 KB) with the other headers
        parser_->header_limit(kHeaderLimit);
        stream_.expires_after(kIoTimeout);
        http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec == http::error::end_of_stream) return do_close();
        if (ec == http::error::body_limit) {
            // Answer, then close: the rest of the body is not read.
            auto& partial = parser_->get();
            return send(oversize_response(*deps_, partial.version() ? partial.version() : 11, std::string_view(partial["X-Request-Id"].data(), partial["X-Request-Id"].size())));
        }
        if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
            ec != http::error::partial_message && ec != http::error::need_more) {
            // A request the parser refuses is answered in the envelope before the close, so a
            // client sees why (a silent close looked like a network fault; issue 14).
            return send(unreadable_response(*deps_, ec));
        }
        if (ec) {
            if (ec != beast::error::timeout && ec != net::error::operation_aborted && ec != net::error::connection_reset)
                log::debug("http read failed", {{"error", ec.message()}});
            return do_close();
        }
        auto self = shared_from_this();
        handle_request(deps_, parser_->release(), stream_.get_executor(),
                       [self](HttpResponse res) { self->send(std::move(res)); });
    }

    // On the session's strand (handlers post their answer to it).
    void send(HttpResponse res) {
        res_ = std::make_shared<HttpResponse>(std::move(res));
        stream_.expires_after(kIoTimeout);
        http::async_write(stream_, *res_,
                          beast::bind_front_handler(&Session::on_write, shared_from_this(), res_->keep_alive()));
    }

    void on_write(bool keep_alive, beast::error_code ec, std::size_t) {
        res_.reset();
        if (ec) return do_close();
        if (!keep_alive) return do_close();
        do_read();
    }

    void do_close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<HttpResponse> res_;
    std::shared_ptr<const PipelineDeps> deps_;
};

}  // namespace

Listener::Listener(net::io_context& ioc, const tcp::endpoint& at, std::shared_ptr<const PipelineDeps> deps)
    : ioc_(ioc), acceptor_(net::make_strand(ioc)), deps_(std::move(deps)) {
    acceptor_.open(at.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(at);
    acceptor_.listen(net::socket_base::max_listen_connections);
}

void Listener::run() { do_accept(); }

void Listener::stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        beast::error_code ec;
        self->acceptor_.close(ec);
    });
}

tcp::endpoint Listener::local_endpoint() const { return acceptor_.local_endpoint(); }

void Listener::do_accept() {
    acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;  // stopped
    if (ec) log::warn("accept failed", {{"error", ec.message()}});
    else std::make_shared<Session>(std::move(socket), deps_)->run();
    if (acceptor_.is_open()) do_accept();
}

}  // namespace ocms::edge
