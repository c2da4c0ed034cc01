// The server over a real socket (issue 14 point 9): what the parser refuses is answered in the
// envelope, never a silent close; a token as large as auth accepts reaches auth.
#include "http/server.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <thread>

using namespace edge_test;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Server : public ::testing::Test {
protected:
    Fixture f;
    net::io_context ioc;
    std::shared_ptr<Listener> listener;
    std::thread runner;

    void SetUp() override {
        listener = std::make_shared<Listener>(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0), f.pipeline());
        listener->run();
        runner = std::thread([this] { ioc.run(); });
    }
    void TearDown() override {
        listener->stop();
        ioc.stop();
        runner.join();
    }

    // Sends raw bytes and reads until the server closes (or 5 s): the raw answer.
    std::string exchange(const std::string& bytes) {
        net::io_context c;
        tcp::socket s(c);
        s.connect(listener->local_endpoint());
        net::write(s, net::buffer(bytes));
        std::string out;
        boost::system::error_code ec;
        char buf[4096];
        for (;;) {
            std::size_t n = s.read_some(net::buffer(buf), ec);
            if (ec) break;
            out.append(buf, n);
            if (out.size() > 1 << 20) break;
        }
        return out;
    }
    static std::string status_line(const std::string& raw) { return raw.substr(0, raw.find("\r\n")); }
    static std::string body(const std::string& raw) {
        auto at = raw.find("\r\n\r\n");
        return at == std::string::npos ? "" : raw.substr(at + 4);
    }
};

const std::string kBody = R"({"noticeNo":["500500303J"],"suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"J"})";

std::string post(const std::string& extra_headers, const std::string& body = kBody, const char* eol = "\r\n") {
    std::string r = std::string("POST /v1/staff-apply-suspension HTTP/1.1") + eol + "Host: x" + eol +
                    "Content-Type: application/json" + eol + extra_headers;
    r += "Content-Length: " + std::to_string(body.size()) + eol + "Connection: close" + eol + eol + body;
    return r;
}

}  // namespace

TEST_F(Server, AGoodRequestIsAnswered) {
    auto raw = exchange(post("Authorization: Bearer " + make_token({"OCMS_STAFF"}) + "\r\n"));
    EXPECT_EQ(status_line(raw), "HTTP/1.1 200 OK") << raw;
}

TEST_F(Server, HeadersOverTheLimitAre431InTheEnvelope) {
    auto raw = exchange(post("X-Filler: " + std::string(kHeaderLimit + 100, 'a') + "\r\n"));
    EXPECT_EQ(status_line(raw), "HTTP/1.1 431 Request Header Fields Too Large") << raw.substr(0, 200);
    auto d = json::parse(body(raw));
    ASSERT_TRUE(d) << raw;
    EXPECT_EQ(json::get_string(*json::get_object(*d, "data"), "appCode"), "OCMS-4000");
    EXPECT_TRUE(f.gateway->seen.empty());
}

TEST_F(Server, ATokenTooLongForAuthReachesAuth) {
    // over auth's 8 KB but under the header limit: 401 with auth's reason, not a silent close
    auto raw = exchange(post("Authorization: Bearer " + std::string(9000, 'x') + "\r\n"));
    EXPECT_EQ(status_line(raw), "HTTP/1.1 401 Unauthorized") << raw.substr(0, 200);
    EXPECT_NE(raw.find("WWW-Authenticate: Bearer"), std::string::npos);
    EXPECT_NE(body(raw).find("token too long"), std::string::npos) << body(raw);
}

TEST_F(Server, BadFramingIs400InTheEnvelope) {
    const std::string token = "Authorization: Bearer " + make_token({"OCMS_STAFF"}) + "\r\n";
    for (const std::string& bytes :
         {post(token, kBody, "\n"),                                       // bare LF
          post(token + "Content-Length: 3\r\n"),                          // two lengths
          post(token + "Transfer-Encoding: chunked\r\n")}) {              // length and chunked
        auto raw = exchange(bytes);
        EXPECT_EQ(status_line(raw), "HTTP/1.1 400 Bad Request") << bytes.substr(0, 80) << " -> " << raw.substr(0, 200);
        auto d = json::parse(body(raw));
        ASSERT_TRUE(d) << raw;
        EXPECT_EQ(json::get_string(*json::get_object(*d, "data"), "appCode"), "OCMS-4000");
    }
    EXPECT_TRUE(f.gateway->seen.empty());
}
