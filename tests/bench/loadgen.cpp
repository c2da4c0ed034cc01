// ocms-loadgen: an open-loop HTTP load generator for infra/bench (Boost.Beast, one thread).
//
// Requests are due at a fixed rate (--rate per second) from the start; each is sent on the first
// idle keep-alive connection (--connections). Latency runs from the moment a request was due,
// not from when a connection was free, so a server that falls behind shows it in the figures
// (no coordinated omission). --rate 0 runs closed-loop: every connection sends again as soon
// as it has its answer.
//
// The body is --body with "{notices}" replaced by a JSON array of --per-request notice numbers,
// --prefix followed by a zero-padded counter from --start (each notice used once per run), and
// "{items}" by a JSON array of --item, a JSON text in which "{notice}" stands for one notice
// number (quoted), once for each notice of the request: --body '{"items":{items}}' --item
// '{"noticeNo":{notice},"newStage":"RD2"}'. Both in one body name the same notices.
// Answers are counted by HTTP status, and by notice (count_notices): the batch counts of spec 002
// (successCount / errorCount / pendingCount, at the top or under "data": staff/PLUS apply and
// revive, CAS's updateCourtNotices) when the answer has them, else its per-notice list ("results",
// or the answer itself when it is an array) entry by entry: "outcome" UPDATED / PENDING / other
// (change of processing stage), else "appCode" OCMS-2002 pending / OCMS-2xxx success / other error.
// The first answer that is not 2xx or has a notice refused is shown on stderr (once).
//
// Prints one JSON object on stdout (figures) and progress on stderr every second.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    std::string host = "127.0.0.1";
    std::string port = "8080";
    std::string path = "/v1/staff-apply-suspension";
    std::string method = "POST";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body = "{}";
    std::string item;         // --item: the JSON of one notice's entry in "{items}", with "{notice}"
    double rate = 100;        // requests per second; 0: closed loop
    double duration = 10;     // seconds of measured load
    double warmup = 0;        // seconds of load before measuring
    int connections = 16;
    int per_request = 10;
    std::string prefix = "BN";
    long long start = 0;
    int digits = 8;
    long long modulo = 0;     // > 0: the counter wraps (start + n % modulo), for reads of a fixed set
};

[[noreturn]] void usage(const std::string& why) {
    std::cerr << "ocms-loadgen: " << why << "\n"
              << "usage: ocms-loadgen --url http://HOST:PORT/PATH [--method POST] [--header 'K: V']... [--body JSON]\n"
                 "                    [--item JSON] [--rate R] [--duration S] [--warmup S] [--connections C]\n"
                 "                    [--per-request N] [--prefix P] [--start N] [--digits D] [--modulo M]\n";
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) usage(a + " needs a value");
            return argv[++i];
        };
        if (a == "--url") {
            std::string u = next();
            if (u.rfind("http://", 0) != 0) usage("only http:// URLs");
            u = u.substr(7);
            auto slash = u.find('/');
            std::string hostport = u.substr(0, slash);
            o.path = slash == std::string::npos ? "/" : u.substr(slash);
            auto colon = hostport.find(':');
            o.host = hostport.substr(0, colon);
            o.port = colon == std::string::npos ? "80" : hostport.substr(colon + 1);
        } else if (a == "--method") o.method = next();
        else if (a == "--header") {
            std::string h = next();
            auto c = h.find(':');
            if (c == std::string::npos) usage("--header needs 'Name: value'");
            std::string v = h.substr(c + 1);
            while (!v.empty() && v.front() == ' ') v.erase(0, 1);
            o.headers.emplace_back(h.substr(0, c), v);
        } else if (a == "--body") o.body = next();
        else if (a == "--item") o.item = next();
        else if (a == "--rate") o.rate = std::stod(next());
        else if (a == "--duration") o.duration = std::stod(next());
        else if (a == "--warmup") o.warmup = std::stod(next());
        else if (a == "--connections") o.connections = std::stoi(next());
        else if (a == "--per-request") o.per_request = std::stoi(next());
        else if (a == "--prefix") o.prefix = next();
        else if (a == "--start") o.start = std::stoll(next());
        else if (a == "--digits") o.digits = std::stoi(next());
        else if (a == "--modulo") o.modulo = std::stoll(next());
        else usage("unknown argument " + a);
    }
    if (o.connections < 1 || o.duration <= 0 || o.rate < 0 || o.per_request < 0) usage("bad numbers");
    const bool items = o.body.find("{items}") != std::string::npos;
    if (items && o.item.empty()) usage("--body has {items}: give --item");
    if (!o.item.empty() && !items) usage("--item is used only where --body has {items}");
    if (!o.item.empty() && o.item.find("{notice}") == std::string::npos) usage("--item needs {notice}");
    return o;
}

struct Stats {
    long long sent = 0, answered = 0, failed_io = 0;
    std::map<int, long long> by_status;
    long long notices_success = 0, notices_error = 0, notices_pending = 0;
    // Throughput: answers that arrived inside the measured window, whenever their request was due
    // (a server that falls behind answers late: its rate is what it could do, not what was offered).
    long long window_answers = 0, window_notices_final = 0;
    Clock::time_point last_answer{};
    std::vector<std::uint32_t> latency_us;  // measured requests only
};

class Run {
    // --body as text and the placeholders {notices} / {items}
    struct Piece {
        enum Kind { literal, notices, items } kind;
        std::string text;
    };

public:
    Run(asio::io_context& io, Options o) : io_(io), o_(std::move(o)), timer_(io) {
        // the body as text and placeholders, in order
        std::size_t from = 0;
        while (true) {
            const auto n = o_.body.find("{notices}", from), i = o_.body.find("{items}", from);
            const auto at = std::min(n, i);
            body_.push_back({Piece::literal, o_.body.substr(from, at == std::string::npos ? at : at - from)});
            if (at == std::string::npos) break;
            body_.push_back({at == n ? Piece::notices : Piece::items, {}});
            from = at + (at == n ? 9 : 7);
            templated_ = true;
        }
        // the item template split at "{notice}": one notice between each two parts
        for (std::size_t f = 0;;) {
            const auto at = o_.item.find("{notice}", f);
            item_parts_.push_back(o_.item.substr(f, at == std::string::npos ? at : at - f));
            if (at == std::string::npos) break;
            f = at + 8;
        }
    }

    void start() {
        tcp::resolver resolver(io_);
        endpoints_ = resolver.resolve(o_.host, o_.port);
        t0_ = Clock::now();
        measure_from_ = t0_ + to_dur(o_.warmup);
        end_ = measure_from_ + to_dur(o_.duration);
        for (int i = 0; i < o_.connections; ++i) {
            conns_.push_back(std::make_unique<Conn>(io_));
            connect(*conns_.back());
        }
        tick();
    }

    void report(std::ostream& out) const {
        auto v = stats_.latency_us;
        std::sort(v.begin(), v.end());
        auto pct = [&](double p) -> double {
            if (v.empty()) return 0;
            std::size_t i = std::min(v.size() - 1, std::size_t(double(v.size() - 1) * p / 100.0 + 0.5));
            return v[i] / 1000.0;
        };
        const double secs = o_.duration;
        char buf[1024];
        std::snprintf(buf, sizeof buf,
                      "{\"offered_rps\":%.1f,\"duration_s\":%.1f,\"sent\":%lld,\"answered\":%lld,\"io_errors\":%lld,"
                      "\"answered_rps\":%.1f,\"ok_2xx\":%lld,\"notices_success\":%lld,\"notices_error\":%lld,"
                      "\"notices_pending\":%lld,\"notices_final_per_s\":%.1f,\"answers_in_window_per_s\":%.1f,"
                      "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,"
                      "\"unsent_at_end\":%zu,\"last_answer_after_end_s\":%.2f",
                      o_.rate, secs, stats_.sent, stats_.answered, stats_.failed_io, double(v.size()) / secs, ok_2xx(),
                      stats_.notices_success, stats_.notices_error, stats_.notices_pending,
                      double(stats_.window_notices_final) / secs, double(stats_.window_answers) / secs, pct(50), pct(90),
                      pct(99), pct(99.9), v.empty() ? 0.0 : v.back() / 1000.0, backlog_.size(),
                      std::chrono::duration<double>(stats_.last_answer - end_).count());
        out << buf << ",\"by_status\":{";
        bool first = true;
        for (auto& [s, n] : stats_.by_status) {
            out << (first ? "" : ",") << '"' << s << "\":" << n;
            first = false;
        }
        out << "}}\n";
    }

private:
    struct Conn {
        explicit Conn(asio::io_context& io) : stream(io) {}
        beast::tcp_stream stream;
        beast::flat_buffer buffer;
        http::request<http::string_body> req;
        http::response<http::string_body> res;
        bool ready = false, busy = false;
        Clock::time_point due;
        bool measured = false;
    };

    static Clock::duration to_dur(double s) {
        return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
    }

    long long ok_2xx() const {
        long long n = 0;
        for (auto& [s, c] : stats_.by_status)
            if (s >= 200 && s < 300) n += c;
        return n;
    }

    std::string next_body() {
        if (!templated_) return o_.body;
        // the request's notices, quoted
        std::vector<std::string> notices;
        notices.reserve(std::size_t(o_.per_request));
        char num[32];
        for (int i = 0; i < o_.per_request; ++i) {
            const long long n = next_notice_++;
            std::snprintf(num, sizeof num, "%0*lld", o_.digits, o_.modulo > 0 ? o_.start + n % o_.modulo : o_.start + n);
            notices.push_back('"' + o_.prefix + num + '"');
        }
        std::string b;
        for (const auto& p : body_) {
            if (p.kind == Piece::literal) {
                b += p.text;
                continue;
            }
            b += '[';
            for (std::size_t i = 0; i < notices.size(); ++i) {
                if (i) b += ',';
                if (p.kind == Piece::notices) {
                    b += notices[i];
                    continue;
                }
                for (std::size_t k = 0; k < item_parts_.size(); ++k) {
                    if (k) b += notices[i];
                    b += item_parts_[k];
                }
            }
            b += ']';
        }
        return b;
    }

    void connect(Conn& c) {
        c.stream.async_connect(endpoints_, [this, &c](beast::error_code ec, const tcp::endpoint&) {
            if (ec) {
                ++stats_.failed_io;
                auto t = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
                t->async_wait([this, &c, t](beast::error_code) {
                    if (Clock::now() < end_) connect(c);
                });
                return;
            }
            c.stream.socket().set_option(tcp::no_delay(true));
            c.ready = true;
            pump();
        });
    }

    // Sends what is due on idle connections.
    void pump() {
        for (auto& cp : conns_) {
            if (backlog_.empty()) return;
            Conn& c = *cp;
            if (!c.ready || c.busy) continue;
            auto due = backlog_.front();
            backlog_.pop_front();
            send(c, due);
        }
    }

    void send(Conn& c, Clock::time_point due) {
        c.busy = true;
        c.due = due;
        c.measured = due >= measure_from_ && due < end_;
        c.req = {};
        c.req.method(http::string_to_verb(o_.method));
        c.req.target(o_.path);
        c.req.version(11);
        c.req.set(http::field::host, o_.host);
        c.req.set(http::field::content_type, "application/json");
        for (auto& [k, v] : o_.headers) c.req.set(k, v);
        c.req.body() = next_body();
        c.req.prepare_payload();
        c.req.keep_alive(true);
        ++stats_.sent;
        http::async_write(c.stream, c.req, [this, &c](beast::error_code ec, std::size_t) {
            if (ec) return fail(c);
            c.res = {};
            http::async_read(c.stream, c.buffer, c.res, [this, &c](beast::error_code ec2, std::size_t) {
                if (ec2) return fail(c);
                done(c);
            });
        });
    }

    void fail(Conn& c) {
        ++stats_.failed_io;
        c.busy = false;
        c.ready = false;
        beast::error_code ignored;
        c.stream.socket().close(ignored);
        if (Clock::now() < end_) connect(c);
    }

    void done(Conn& c) {
        const auto now = Clock::now();
        ++stats_.answered;
        stats_.last_answer = now;
        const bool in_window = now >= measure_from_ && now < end_;
        if (in_window) ++stats_.window_answers;
        // a body is read when its notices count, or until a refusal has been shown
        const auto n = c.measured || in_window || !shown_refusal_ ? count_notices(c.res.body()) : Notices{};
        const bool ok = c.res.result_int() >= 200 && c.res.result_int() < 300;
        if (!shown_refusal_ && (!ok || n.error > 0)) {
            shown_refusal_ = true;
            std::fprintf(stderr, "[loadgen] first refused answer (HTTP %u): %.1500s\n", c.res.result_int(),
                         c.res.body().c_str());
        }
        if (c.measured || in_window) {
            if (in_window) stats_.window_notices_final += n.success + n.error;
            if (c.measured) {
                stats_.notices_success += n.success;
                stats_.notices_error += n.error;
                stats_.notices_pending += n.pending;
            }
        }
        if (c.measured) {
            stats_.latency_us.push_back(std::uint32_t(
                std::min<long long>(std::chrono::duration_cast<std::chrono::microseconds>(now - c.due).count(),
                                    0xffffffffLL)));
            ++stats_.by_status[int(c.res.result_int())];
        }
        c.busy = false;
        if (!c.res.keep_alive()) {
            c.ready = false;
            beast::error_code ignored;
            c.stream.socket().close(ignored);
            connect(c);
            return;
        }
        if (o_.rate == 0 && now < end_) backlog_.push_back(now);
        pump();
    }

    struct Notices {
        long long success = 0, error = 0, pending = 0;
    };
    // The notices of an answer: a batch's counts (spec 002's successCount / errorCount /
    // pendingCount, at the top or under "data"), else its per-notice list entry by entry; none
    // for other answers (an error envelope, a read).
    static Notices count_notices(const std::string& body) {
        rapidjson::Document d;
        d.Parse(body.data(), body.size());
        if (d.HasParseError()) return {};
        if (d.IsArray()) return count_list(d);  // a per-notice list as the whole answer (revive-hst)
        if (!d.IsObject()) return {};
        const rapidjson::Value* v = &d;
        if (d.HasMember("data") && d["data"].IsObject()) v = &d["data"];
        if (v->HasMember("successCount") || v->HasMember("errorCount") || v->HasMember("pendingCount")) {
            auto num = [&](const char* k) -> long long {
                auto it = v->FindMember(k);
                return it != v->MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
            };
            return {num("successCount"), num("errorCount"), num("pendingCount")};
        }
        auto it = v->FindMember("results");
        if (it != v->MemberEnd() && it->value.IsArray()) return count_list(it->value);
        return {};
    }

    // Each entry of a per-notice list by its outcome: "outcome" (spec 003: UPDATED a success,
    // PENDING pending, FAILED or WARNING an error - a warning changed nothing), else "appCode"
    // (OCMS-2002 pending, any other OCMS-2xxx a success, the rest errors).
    static Notices count_list(const rapidjson::Value& list) {
        Notices n;
        for (const auto& e : list.GetArray()) {
            if (!e.IsObject()) continue;
            auto str = [&](const char* k) -> std::string {
                auto it = e.FindMember(k);
                return it != e.MemberEnd() && it->value.IsString()
                           ? std::string(it->value.GetString(), it->value.GetStringLength())
                           : std::string();
            };
            if (auto outcome = str("outcome"); !outcome.empty()) {
                if (outcome == "UPDATED") ++n.success;
                else if (outcome == "PENDING") ++n.pending;
                else ++n.error;
            } else if (auto code = str("appCode"); !code.empty()) {
                if (code == "OCMS-2002") ++n.pending;
                else if (code.rfind("OCMS-2", 0) == 0) ++n.success;
                else ++n.error;
            }
        }
        return n;
    }

    void tick() {
        const auto now = Clock::now();
        if (o_.rate > 0) {
            // every request due by now, at its own due time
            const auto period = to_dur(1.0 / o_.rate);
            while (next_due_ <= now && next_due_ < end_) {
                backlog_.push_back(t0_ + period * scheduled_);
                ++scheduled_;
                next_due_ = t0_ + period * scheduled_;
            }
        } else if (!started_closed_) {
            started_closed_ = true;
            for (int i = 0; i < o_.connections; ++i) backlog_.push_back(now);
        }
        pump();
        if (now >= next_progress_) {
            next_progress_ = now + std::chrono::seconds(1);
            std::fprintf(stderr, "[loadgen] %5.1fs sent %lld answered %lld io-errors %lld waiting %zu\n",
                         std::chrono::duration<double>(now - t0_).count(), stats_.sent, stats_.answered,
                         stats_.failed_io, backlog_.size());
        }
        bool in_flight = false;
        for (auto& c : conns_) in_flight = in_flight || c->busy;
        // after the end: wait for what is in flight (up to 30 s), then stop
        if (now >= end_ && (!in_flight || now >= end_ + std::chrono::seconds(30))) {
            for (auto& c : conns_) {
                beast::error_code ignored;
                c->stream.socket().close(ignored);
            }
            return;
        }
        timer_.expires_after(std::chrono::microseconds(500));
        timer_.async_wait([this](beast::error_code) { tick(); });
    }

    asio::io_context& io_;
    Options o_;
    asio::steady_timer timer_;
    tcp::resolver::results_type endpoints_;
    std::vector<std::unique_ptr<Conn>> conns_;
    std::deque<Clock::time_point> backlog_;
    Clock::time_point t0_, measure_from_, end_, next_due_, next_progress_;
    long long scheduled_ = 0;
    bool started_closed_ = false;
    bool templated_ = false;
    std::vector<Piece> body_;               // --body: text and placeholders
    std::vector<std::string> item_parts_;   // --item around its "{notice}"s
    bool shown_refusal_ = false;
    long long next_notice_ = 0;
    Stats stats_;
};

}  // namespace

int main(int argc, char** argv) {
    Options o = parse(argc, argv);
    asio::io_context io;
    Run run(io, o);
    try {
        run.start();
        io.run();
    } catch (const std::exception& e) {
        std::cerr << "ocms-loadgen: " << e.what() << "\n";
        return 1;
    }
    run.report(std::cout);
    return 0;
}
