#include "support.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include <jwt.h>

#include <array>
#include <fstream>
#include <iterator>
#include <memory>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace ocms::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

std::string env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) throw std::runtime_error(std::string(name) + " is not set: run the tests through infra/test");
    return v;
}

json::Document HttpResponse::json() const {
    auto d = json::parse(body);
    if (!d) throw std::runtime_error("response is not JSON: " + body);
    return std::move(*d);
}

HttpResponse http(const std::string& method, const std::string& path, const std::string& body,
                  const std::map<std::string, std::string>& headers) {
    std::string url = env("OCMS_EDGE_URL");  // http://host:port
    auto hostport = url.substr(url.find("://") + 3);
    auto colon = hostport.rfind(':');
    std::string host = hostport.substr(0, colon), port = hostport.substr(colon + 1);
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(60s);
    stream.connect(resolver.resolve(host, port));
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), path, 11};
    req.set(bhttp::field::host, host);
    if (!body.empty()) req.set(bhttp::field::content_type, "application/json");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    bhttp::write(stream, req);
    beast::flat_buffer buf;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    bhttp::read(stream, buf, parser);
    auto& res = parser.get();
    HttpResponse out;
    out.status = res.result_int();
    out.body = res.body();
    for (const auto& f : res) {
        std::string name(f.name_string());
        for (auto& ch : name) ch = char(std::tolower(static_cast<unsigned char>(ch)));
        out.headers[name] = std::string(f.value());
    }
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return out;
}

HttpResponse post_authed(const std::string& path, const std::string& body) {
    return http("POST", path, body, {{"Authorization", "Bearer " + env("OCMS_DEV_TOKEN")}});
}

namespace {
std::unique_ptr<pg::Connection> connect(const char* var) {
    auto c = pg::Connection::connect(env(var));
    if (!c) throw std::runtime_error(std::string("cannot connect with ") + var + ": " + c.error().message);
    return std::move(*c);
}
}  // namespace

std::unique_ptr<pg::Connection> owner_db() { return connect("OCMS_OWNER_PG_URL"); }
std::unique_ptr<pg::Connection> readonly_db() { return connect("OCMS_PG_URL"); }

long long scalar(pg::Connection& db, const std::string& sql, const pg::Params& params) {
    auto r = db.exec(sql, params);
    if (!r) throw std::runtime_error("query failed: " + r.error().message + " in " + sql);
    if (r->rows() != 1 || r->is_null(0, 0)) return 0;
    return r->get_int(0, 0);
}

void owner_exec(const std::string& sql, const pg::Params& params) {
    auto db = owner_db();
    auto r = db->exec(sql, params);
    if (!r) throw std::runtime_error("owner statement failed: " + r.error().message + " in " + sql);
}

std::string text(const std::string& sql, const pg::Params& params) {
    auto db = readonly_db();
    auto r = db->exec(sql, params);
    if (!r) throw std::runtime_error("query failed: " + r.error().message + " in " + sql);
    if (r->rows() != 1 || r->is_null(0, 0)) return "";
    return std::string(r->get(0, 0));
}

std::vector<std::string> make_notices(int n, const std::string& stage) {
    static std::mt19937_64 rng{std::random_device{}()};
    static constexpr char alnum[] = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    auto db = owner_db();
    // A run prefix no earlier run has used: a long-lived database (a developer's) holds the
    // fixtures of thousands of runs, and a random prefix alone met one of them now and then.
    std::string run;
    for (int attempt = 0;; ++attempt) {
        run = "T";
        for (int i = 0; i < 4; ++i) run += alnum[rng() % (sizeof alnum - 1)];
        auto used = db->exec(
            "SELECT EXISTS (SELECT 1 FROM ocms_valid_offence_notice WHERE notice_no >= $1 AND notice_no <= $2) "
            "OR EXISTS (SELECT 1 FROM eocms_valid_offence_notice WHERE notice_no >= $1 AND notice_no <= $2)",
            {run + "00000", run + "99999"});
        if (!used) throw std::runtime_error("fixture prefix check failed: " + used.error().message);
        if (!used->get_bool(0, 0)) break;
        if (attempt == 20) throw std::runtime_error("no unused fixture prefix in 20 tries");
    }
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
        char buf[12];
        std::snprintf(buf, sizeof buf, "%05d", i);
        std::string no = run + buf;
        auto r = db->exec(
            "INSERT INTO ocms_valid_offence_notice (notice_no, vehicle_no, offence_notice_type, last_processing_stage, "
            "last_processing_date, amount_payable, amount_paid, cre_user_id) "
            "VALUES ($1, 'SBA1234A', 'O', $2, now(), 70.00, 0, 'test')",
            {no, stage});
        if (!r) throw std::runtime_error("fixture insert failed: " + r.error().message);
        auto e = db->exec(
            "INSERT INTO eocms_valid_offence_notice (notice_no, vehicle_no, offence_notice_type, last_processing_stage, "
            "amount_payable, amount_paid, cre_user_id) VALUES ($1, 'SBA1234A', 'O', $2, 70.00, 0, 'test')",
            {no, stage});
        if (!e) throw std::runtime_error("fixture insert failed: " + e.error().message);
        out.push_back(no);
    }
    return out;
}

int sh(const std::string& cmd) {
    std::string full = "cd \"" + env("OCMS_REPO") + "\" && " + cmd;
    int rc = std::system(full.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

std::string sh_output(const std::string& cmd) {
    std::string full = "cd \"" + env("OCMS_REPO") + "\" && " + cmd;
    std::string out;
    FILE* p = popen(full.c_str(), "r");
    if (!p) return out;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    pclose(p);
    return out;
}

bool eventually(std::function<bool()> pred, std::chrono::milliseconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        if (pred()) return true;
        std::this_thread::sleep_for(100ms);
    }
    return pred();
}

std::map<int, long long> high_watermarks(const std::string& topic) {
    auto c = kafka::Consumer::make(env("OCMS_KAFKA_BROKERS"), "");
    if (!c) throw std::runtime_error(c.error().message);
    std::map<int, long long> out;
    int n = (*c)->partition_count(topic, 10s);
    for (int p = 0; p < n; ++p) {
        auto wm = (*c)->watermarks(topic, p, 10s);
        if (!wm) throw std::runtime_error("no watermarks for " + topic);
        out[p] = wm->second;
    }
    return out;
}

bool scan_topic(const std::string& topic, const std::map<int, long long>& from,
                const std::function<bool(const kafka::Message&)>& pred, std::chrono::milliseconds timeout) {
    auto c = kafka::Consumer::make(env("OCMS_KAFKA_BROKERS"), "");
    if (!c) throw std::runtime_error(c.error().message);
    std::vector<kafka::TopicPartition> parts;
    for (const auto& [p, off] : from) parts.push_back({topic, p, off});
    (*c)->assign(parts);
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        auto m = (*c)->poll(200ms);
        if (!m || m->err()) continue;
        if (pred(*m)) return true;
    }
    return false;
}

bool wait_group_caught_up(const std::string& topic, std::chrono::milliseconds timeout, const std::string& group) {
    auto target = high_watermarks(topic);
    auto c = kafka::Consumer::make(env("OCMS_KAFKA_BROKERS"), group);
    if (!c) throw std::runtime_error(c.error().message);
    std::vector<kafka::TopicPartition> parts;
    for (const auto& [p, _] : target) parts.push_back({topic, p, -1});
    bool ok = eventually(
        [&] {
            auto committed = (*c)->committed(parts, 5s);
            if (!committed) return false;
            for (const auto& tp : *committed)
                if (target[tp.partition] > 0 && tp.offset < target[tp.partition]) return false;
            return true;
        },
        timeout);
    return ok;
}

std::string command_json(const std::string& command_id, const std::string& notice, const std::string& reason) {
    return R"({"commandId":")" + command_id +
           R"(","type":"suspension.apply","schemaVersion":1,"issuedAt":"2026-01-10T09:00:00+08:00",)"
           R"("source":"OCMS","officer":"BATCHJOB","payload":{"noticeNo":")" +
           notice + R"(","suspensionType":"TS","reasonOfSuspension":")" + reason +
           R"(","officerAuthorisingSuspension":"BATCHJOB"}})";
}

int kcat_publish(const std::string& topic, const std::string& key, const std::string& value) {
    std::string tmp = "/tmp/ocms-kcat-" + std::to_string(::getpid()) + ".msg";
    FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) return -1;
    std::fwrite(value.data(), 1, value.size(), f);
    std::fclose(f);
    int rc = sh("kcat -P -b \"$OCMS_KAFKA_BROKERS\" -X partitioner=murmur2_random -t " + topic + " -k " + key +
                " " + tmp);
    std::remove(tmp.c_str());
    return rc;
}

std::string token_with_roles(const std::vector<std::string>& roles, const std::string& subject) {
    std::ifstream in(env("OCMS_JWT_SECRET_FILE"), std::ios::binary);
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    jwt_t* j = nullptr;
    if (jwt_new(&j) != 0) throw std::runtime_error("jwt_new failed");
    std::unique_ptr<jwt_t, decltype(&jwt_free)> owned(j, &jwt_free);
    jwt_set_alg(j, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key.data()), int(key.size()));
    const char* issuer = std::getenv("OCMS_JWT_ISSUER");
    jwt_add_grant(j, "iss", issuer && *issuer ? issuer : "ocms");
    jwt_add_grant(j, "sub", subject.c_str());
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    jwt_add_grant_int(j, "exp", long(now.count()) + 600);
    std::string grants = "{\"roles\":[";
    for (std::size_t i = 0; i < roles.size(); ++i) grants += (i ? ",\"" : "\"") + roles[i] + "\"";
    jwt_add_grants_json(j, (grants + "]}").c_str());
    std::unique_ptr<char, decltype(&free)> text(jwt_encode_str(j), &free);
    return text ? std::string(text.get()) : std::string();
}

std::string staff_body(const std::vector<std::string>& notices, const std::string& reason) {
    std::string list;
    for (const auto& n : notices) list += (list.empty() ? "\"" : ",\"") + n + "\"";
    return R"({"noticeNo":[)" + list + R"(],"suspensionType":"TS","reasonOfSuspension":")" + reason +
           R"(","suspensionRemarks":"integration test","officerAuthorisingSuspension":"JOHNLEE"})";
}

}  // namespace ocms::test
