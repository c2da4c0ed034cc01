#pragma once
// Stand-ins for the remote systems, on 127.0.0.1 with a kernel-chosen port, for the unit tests
// of ocms::http. Raw sockets, no dependencies.
//
// LocalHttpServer: one thread accepts; each connection gets its own thread (so a stalled
// answer does not hold up the client's next attempt), reads one request and does what the
// test's handler says: answer (with Connection: close), close without answering, or stall
// (sleep, then close). Every request is recorded. The destructor stops and joins everything.
// LocalSmtpServer: speaks just enough SMTP (220, EHLO/HELO 250, MAIL 250, RCPT 250, DATA 354,
// '.' 250, QUIT 221) and records each message's envelope and data.
#include "http/message.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <optional>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace ocms::http::test {

struct Request {
    std::string method;
    std::string path;
    Headers headers;
    std::string body;
    std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
};

struct Reply {
    enum class Kind { respond, close, stall };
    Kind kind = Kind::respond;
    long status = 200;
    std::string body;
    Headers headers;
    std::chrono::milliseconds delay{0};

    static Reply ok(std::string body = "{}") { return with(200, std::move(body)); }
    static Reply with(long status, std::string body = "") {
        Reply r;
        r.status = status;
        r.body = std::move(body);
        return r;
    }
    static Reply close() {
        Reply r;
        r.kind = Kind::close;
        return r;
    }
    static Reply stall(std::chrono::milliseconds d) {
        Reply r;
        r.kind = Kind::stall;
        r.delay = d;
        return r;
    }
};

namespace detail {

inline int listen_loopback(std::uint16_t& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket");
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 64) != 0) {
        ::close(fd);
        throw std::runtime_error("bind/listen");
    }
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    return fd;
}

// Waits for fd to be readable in 20 ms slices; false when stop was set.
inline bool wait_readable(int fd, const std::atomic<bool>& stop) {
    while (!stop) {
        pollfd p{fd, POLLIN, 0};
        int n = ::poll(&p, 1, 20);
        if (n > 0) return true;
    }
    return false;
}

inline void send_all(int fd, std::string_view s) {
    while (!s.empty()) {
        ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
        if (n <= 0) return;
        s.remove_prefix(static_cast<std::size_t>(n));
    }
}

// Accept loop shared by both servers: on_conn runs on its own thread per connection.
class Acceptor {
public:
    explicit Acceptor(std::function<void(int fd, const std::atomic<bool>& stop)> on_conn)
        : on_conn_(std::move(on_conn)) {
        fd_ = listen_loopback(port_);
        thread_ = std::thread([this] { run(); });
    }
    ~Acceptor() {
        stop_ = true;
        thread_.join();
        std::lock_guard lock(mu_);
        for (auto& t : conns_) t.join();
        ::close(fd_);
    }
    std::uint16_t port() const { return port_; }

private:
    void run() {
        while (wait_readable(fd_, stop_)) {
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            std::lock_guard lock(mu_);
            conns_.emplace_back([this, c] {
                on_conn_(c, stop_);
                ::close(c);
            });
        }
    }
    std::function<void(int, const std::atomic<bool>&)> on_conn_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::mutex mu_;
    std::vector<std::thread> conns_;
};

}  // namespace detail

// A port on which nothing listens (bound, then closed): connecting to it is refused.
inline std::uint16_t closed_port() {
    std::uint16_t port = 0;
    int fd = detail::listen_loopback(port);
    ::close(fd);
    return port;
}

class LocalHttpServer {
public:
    using Handler = std::function<Reply(const Request&)>;
    explicit LocalHttpServer(Handler h)
        : handler_(std::move(h)), acceptor_([this](int fd, const std::atomic<bool>& stop) { serve(fd, stop); }) {}

    std::uint16_t port() const { return acceptor_.port(); }
    std::string url(std::string_view path) const { return "http://127.0.0.1:" + std::to_string(port()) + std::string(path); }
    std::vector<Request> requests() const {
        std::lock_guard lock(mu_);
        return requests_;
    }
    std::size_t count(std::string_view path) const {
        std::lock_guard lock(mu_);
        std::size_t n = 0;
        for (const auto& r : requests_) n += r.path == path;
        return n;
    }

private:
    static const char* reason(long s) {
        switch (s) {
            case 200: return "OK";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 404: return "Not Found";
            case 429: return "Too Many Requests";
            case 500: return "Internal Server Error";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            case 504: return "Gateway Timeout";
            default: return "Status";
        }
    }

    void serve(int fd, const std::atomic<bool>& stop) {
        std::string buf;
        std::size_t header_end = std::string::npos;
        std::size_t need = 0;
        char chunk[4096];
        while (true) {
            if (header_end == std::string::npos) {
                header_end = buf.find("\r\n\r\n");
                if (header_end != std::string::npos) {
                    std::size_t cl = 0;
                    auto head = std::string_view(buf).substr(0, header_end);
                    Request probe = parse_head(head);
                    if (auto v = probe.header("Content-Length")) cl = std::stoul(std::string(*v));
                    need = header_end + 4 + cl;
                }
            }
            if (header_end != std::string::npos && buf.size() >= need) break;
            if (!detail::wait_readable(fd, stop)) return;
            ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) return;
            buf.append(chunk, static_cast<std::size_t>(n));
        }
        Request req = parse_head(std::string_view(buf).substr(0, header_end));
        req.body = buf.substr(header_end + 4, need - header_end - 4);
        Reply reply;
        {
            std::lock_guard lock(mu_);
            requests_.push_back(req);
            reply = handler_(req);
        }
        switch (reply.kind) {
            case Reply::Kind::close:
                return;
            case Reply::Kind::stall: {
                auto until = std::chrono::steady_clock::now() + reply.delay;
                while (!stop && std::chrono::steady_clock::now() < until)
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                return;
            }
            case Reply::Kind::respond: {
                std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) + "\r\n";
                out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\nConnection: close\r\n";
                for (const auto& [k, v] : reply.headers) out += k + ": " + v + "\r\n";
                out += "\r\n" + reply.body;
                detail::send_all(fd, out);
                return;
            }
        }
    }

    static Request parse_head(std::string_view head) {
        Request r;
        auto eol = head.find("\r\n");
        std::string_view line = head.substr(0, eol);
        auto sp1 = line.find(' ');
        auto sp2 = line.find(' ', sp1 + 1);
        r.method = std::string(line.substr(0, sp1));
        r.path = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
        while (eol != std::string_view::npos) {
            head.remove_prefix(eol + 2);
            eol = head.find("\r\n");
            std::string_view h = head.substr(0, eol);
            auto colon = h.find(':');
            if (colon == std::string_view::npos) continue;
            auto v = h.substr(colon + 1);
            while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
            r.headers.emplace_back(std::string(h.substr(0, colon)), std::string(v));
        }
        return r;
    }

    Handler handler_;
    mutable std::mutex mu_;
    std::vector<Request> requests_;
    detail::Acceptor acceptor_;  // last: its threads use the members above
};

struct MailMessage {
    std::string mail_from;
    std::vector<std::string> rcpt_to;
    std::string data;  // as received, CRLF line ends, dot-stuffing removed, without the final "."
};

class LocalSmtpServer {
public:
    LocalSmtpServer() : acceptor_([this](int fd, const std::atomic<bool>& stop) { serve(fd, stop); }) {}
    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(acceptor_.port()); }
    std::vector<MailMessage> messages() const {
        std::lock_guard lock(mu_);
        return messages_;
    }

private:
    void serve(int fd, const std::atomic<bool>& stop) {
        std::string buf;
        auto read_line = [&](std::string& line) {
            char chunk[1024];
            while (true) {
                auto eol = buf.find("\r\n");
                if (eol != std::string::npos) {
                    line = buf.substr(0, eol);
                    buf.erase(0, eol + 2);
                    return true;
                }
                if (!detail::wait_readable(fd, stop)) return false;
                ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
                if (n <= 0) return false;
                buf.append(chunk, static_cast<std::size_t>(n));
            }
        };
        auto upper_starts = [](const std::string& l, std::string_view cmd) {
            if (l.size() < cmd.size()) return false;
            for (std::size_t i = 0; i < cmd.size(); ++i)
                if (std::toupper(static_cast<unsigned char>(l[i])) != cmd[i]) return false;
            return true;
        };
        detail::send_all(fd, "220 localhost ESMTP test\r\n");
        MailMessage msg;
        std::string line;
        while (read_line(line)) {
            if (upper_starts(line, "EHLO") || upper_starts(line, "HELO")) {
                detail::send_all(fd, "250 localhost\r\n");
            } else if (upper_starts(line, "MAIL FROM:")) {
                msg = {};
                msg.mail_from = line.substr(10);
                detail::send_all(fd, "250 OK\r\n");
            } else if (upper_starts(line, "RCPT TO:")) {
                msg.rcpt_to.push_back(line.substr(8));
                detail::send_all(fd, "250 OK\r\n");
            } else if (upper_starts(line, "DATA")) {
                detail::send_all(fd, "354 End data with <CR><LF>.<CR><LF>\r\n");
                while (read_line(line) && line != ".") {
                    if (line.starts_with("..")) line.erase(0, 1);
                    msg.data += line + "\r\n";
                }
                {
                    std::lock_guard lock(mu_);
                    messages_.push_back(msg);
                }
                detail::send_all(fd, "250 OK queued\r\n");
            } else if (upper_starts(line, "QUIT")) {
                detail::send_all(fd, "221 Bye\r\n");
                return;
            } else {
                detail::send_all(fd, "502 Unknown command\r\n");
            }
        }
    }

    mutable std::mutex mu_;
    std::vector<MailMessage> messages_;
    detail::Acceptor acceptor_;
};

}  // namespace ocms::http::test
