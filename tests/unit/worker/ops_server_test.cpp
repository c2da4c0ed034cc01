// The worker's ops endpoints over real sockets (issue 14 point 7): idle connections never block
// a probe; an idle one is closed at its deadline.
#include "ops_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <vector>

namespace ocms::worker {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string get(unsigned short port, const std::string& path) {
    asio::io_context c;
    tcp::socket s(c);
    s.connect({asio::ip::make_address("127.0.0.1"), port});
    asio::write(s, asio::buffer("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::string out;
    boost::system::error_code ec;
    char buf[4096];
    for (;;) {
        std::size_t n = s.read_some(asio::buffer(buf), ec);
        if (ec) break;
        out.append(buf, n);
    }
    return out;
}

TEST(OpsServer, IdleConnectionsDoNotBlockProbes) {
    metrics::Registry m;
    m.counter("ocms_test_total", "a counter").inc();
    OpsServer ops("127.0.0.1:0", m, [] { return true; }, std::chrono::milliseconds(1500));
    ops.start();
    asio::io_context c;
    std::vector<tcp::socket> idle;
    for (int i = 0; i < 5; ++i) {  // connect and say nothing (and one that sends half a request)
        idle.emplace_back(c);
        idle.back().connect({asio::ip::make_address("127.0.0.1"), ops.port()});
    }
    asio::write(idle.back(), asio::buffer(std::string("GET /healthz HTTP/1.1\r\n")));
    const auto t0 = std::chrono::steady_clock::now();
    auto h = get(ops.port(), "/healthz");
    EXPECT_EQ(h.rfind("HTTP/1.1 200", 0), 0u) << h;
    EXPECT_NE(h.find(R"({"status":"UP"})"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000)) << "the probe waited for idle connections";
    EXPECT_NE(get(ops.port(), "/metrics").find("ocms_test_total 1"), std::string::npos);
    EXPECT_EQ(get(ops.port(), "/readyz").rfind("HTTP/1.1 200", 0), 0u);
    EXPECT_EQ(get(ops.port(), "/nothing").rfind("HTTP/1.1 404", 0), 0u);
    // the idle ones are closed by the server at their deadline
    char b;
    boost::system::error_code ec;
    idle.front().read_some(asio::buffer(&b, 1), ec);
    EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
}

}  // namespace
}  // namespace ocms::worker
