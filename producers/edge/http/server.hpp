#pragma once
// The HTTP/1.1 server (Beast advanced-server style). A Listener accepts on its own strand and
// gives every connection a Session on a new strand. A Session owns its tcp_stream (timeouts),
// reads one request with a request_parser (body limit from the config), hands it to
// handle_request(), writes the answer and, on keep-alive, reads the next. Every async step holds
// shared_from_this(); the session ends when the last handler lets go of it. Every session shares
// the one PipelineDeps (pipeline.hpp).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>

namespace ocms::edge {

struct PipelineDeps;

class Listener : public std::enable_shared_from_this<Listener> {
public:
    // Binds and listens; throws boost::system::system_error when the address is taken.
    Listener(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& at,
             std::shared_ptr<const PipelineDeps> deps);
    void run();
    // Closes the acceptor (thread-safe); open sessions finish their current exchange.
    void stop();
    boost::asio::ip::tcp::endpoint local_endpoint() const;

private:
    void do_accept();
    void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::shared_ptr<const PipelineDeps> deps_;
};

}  // namespace ocms::edge
