#include "platform.hpp"

#include "kafka/kafka.hpp"
#include "messages/messages.hpp"
#include "pg/pg.hpp"
#include "support.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdlib>

namespace ocms::chaos {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

const char* part_name(Part p) {
    switch (p) {
        case Part::worker: return "worker";
        case Part::edge: return "edge";
        case Part::kafka: return "kafka";
        case Part::postgresql: return "postgresql";
    }
    return "?";
}

std::optional<Part> part_from(std::string_view name) {
    for (Part p : {Part::worker, Part::edge, Part::kafka, Part::postgresql})
        if (name == part_name(p)) return p;
    return std::nullopt;
}

Killed kill9(Part p) {
    // The pid files and the pattern checks are lib.sh's; rc 1 = the part was not running.
    std::string out = test::sh_output(std::string("bash -c 'set -euo pipefail; . infra/lib.sh; kill9 ") + part_name(p) +
                                      "' 2>&1; echo \"rc=$?\"");
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    auto rc_at = out.rfind("rc=");
    Killed k;
    k.ok = rc_at != std::string::npos && out.substr(rc_at) == "rc=0";
    k.pids = out.substr(0, rc_at == std::string::npos ? out.size() : rc_at);
    while (!k.pids.empty() && (k.pids.back() == '\n' || k.pids.back() == ' ')) k.pids.pop_back();
    return k;
}

Restarted restart_what_is_down() {
    auto t0 = std::chrono::steady_clock::now();
    Restarted r;
    r.rc = test::sh("infra/run --detach --no-build >>\"$OCMS_DATA/log/chaos-restart.log\" 2>&1");
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

namespace {

// GET http://hostport/path with short timeouts: the status, 0 when nothing answers.
int get_status(const std::string& hostport, const std::string& path) {
    try {
        auto colon = hostport.rfind(':');
        net::io_context ioc;
        tcp::resolver resolver(ioc);
        beast::tcp_stream stream(ioc);
        stream.expires_after(3s);
        stream.connect(resolver.resolve(hostport.substr(0, colon), hostport.substr(colon + 1)));
        http::request<http::empty_body> req{http::verb::get, path, 11};
        req.set(http::field::host, hostport.substr(0, colon));
        http::write(stream, req);
        beast::flat_buffer buf;
        http::response<http::string_body> res;
        http::read(stream, buf, res);
        beast::error_code ec;
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        return int(res.result_int());
    } catch (const std::exception&) {
        return 0;
    }
}

std::string without_scheme(const std::string& url) {
    auto at = url.find("://");
    return at == std::string::npos ? url : url.substr(at + 3);
}

std::string worker_group() {
    const char* g = std::getenv("OCMS_WORKER_GROUP");
    return g && *g ? g : "ocms-worker";
}

}  // namespace

std::string Health::text() const {
    auto yn = [](bool b) { return b ? "up" : "DOWN"; };
    return std::string("edge ") + yn(edge) + ", worker " + yn(worker) + ", postgresql " + yn(postgresql) + ", kafka " +
           yn(kafka);
}

Health health() {
    Health h;
    h.edge = get_status(without_scheme(test::env("OCMS_EDGE_URL")), "/readyz") == 200;
    h.worker = get_status(test::env("OCMS_WORKER_METRICS_LISTEN"), "/readyz") == 200;
    if (auto c = pg::Connection::connect(test::env("OCMS_PG_URL") + "?connect_timeout=3")) {
        auto r = (*c)->exec("SELECT 1");
        h.postgresql = r.has_value();
    }
    if (auto c = kafka::Consumer::make(test::env("OCMS_KAFKA_BROKERS"), ""))
        h.kafka = (*c)->partition_count(messages::kTopicSuspension, 2s) > 0;
    return h;
}

const std::vector<std::string>& command_topics() {
    static const std::vector<std::string> topics{messages::kTopicSuspension, messages::kTopicRevival,
                                                 messages::kTopicStage, messages::kTopicCourt};
    return topics;
}

std::optional<long long> end_offsets(const std::string& topic) {
    auto c = kafka::Consumer::make(test::env("OCMS_KAFKA_BROKERS"), "");
    if (!c) return std::nullopt;
    int n = (*c)->partition_count(topic, 5s);
    if (n <= 0) return std::nullopt;
    long long sum = 0;
    for (int p = 0; p < n; ++p) {
        auto wm = (*c)->watermarks(topic, p, 5s);
        if (!wm) return std::nullopt;
        sum += wm->second;
    }
    return sum;
}

Lag command_lag() {
    Lag lag;
    auto c = kafka::Consumer::make(test::env("OCMS_KAFKA_BROKERS"), worker_group());
    if (!c) return lag;
    for (const auto& topic : command_topics()) {
        int n = (*c)->partition_count(topic, 5s);
        if (n <= 0) return lag;
        std::vector<kafka::TopicPartition> parts;
        std::map<int, std::pair<long long, long long>> marks;
        for (int p = 0; p < n; ++p) {
            auto wm = (*c)->watermarks(topic, p, 5s);
            if (!wm) return lag;
            marks[p] = {wm->first, wm->second};
            parts.push_back({topic, p, -1});
        }
        auto committed = (*c)->committed(parts, 5s);
        if (!committed) return lag;
        long long behind = 0;
        for (const auto& tp : *committed) {
            auto [low, high] = marks[tp.partition];
            long long from = tp.offset >= 0 ? tp.offset : low;  // nothing committed: all of it
            behind += std::max(0LL, high - from);
        }
        lag.per_topic[topic] = behind;
        lag.total += behind;
    }
    (*c)->close();
    lag.known = true;
    return lag;
}

}  // namespace ocms::chaos
