// The VIP vehicle refresh (spec 001 section 1.4) against the real PostgreSQL and Kafka:
// `ocms-scheduler run vip-refresh` with a stand-in CAS (token + getVipVehicles) and a local SMTP
// sink, both in this process on 127.0.0.1 (tests/unit/http/local_servers.hpp), the settings
// given to that one command only, the retry waits tiny.
//
// Success replaces the table with the list. Every failure (CAS unreachable, timing out, 401 with
// a failing token endpoint, an error status, an empty list, invalid lists, a database failure
// before and inside the transaction) leaves the table exactly as it was (every column of every
// row compared), exits 1, sends ONE e-mail with the spec's subject and puts one event on
// ocms.alert.
#include "support.hpp"

#include "../unit/http/local_servers.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace ocms::test {
namespace {

using namespace std::chrono_literals;
using http::test::LocalHttpServer;
using http::test::LocalSmtpServer;
using http::test::Reply;
using http::test::Request;

constexpr const char* kSubject = "Subject: [OCMS-ALERT] External API Connection Failed - CAS getVipVehicles";
constexpr const char* kVipPath = "/cas/getVipVehicles";
constexpr const char* kTokenPath = "/oauth2/token";
constexpr const char* kAlertTopic = "ocms.alert";

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Every column of every row, in key order: equal text = the table is exactly as it was.
std::string snapshot() {
    auto db = readonly_db();
    auto r = db->exec(
        "SELECT coalesce(string_agg(row_to_json(t)::text, E'\\n' ORDER BY vip_vehicle), '') FROM ocms_vip_vehicle t");
    if (!r) throw std::runtime_error(r.error().message);
    return std::string(r->get(0, 0));
}

struct Row {
    std::string vip_vehicle, vehicle_no;
    std::optional<std::string> description;
    std::string status, cre_user_id;
    bool operator==(const Row&) const = default;
};
std::ostream& operator<<(std::ostream& o, const Row& r) {
    return o << r.vip_vehicle << "|" << r.vehicle_no << "|" << r.description.value_or("<null>") << "|" << r.status << "|"
             << r.cre_user_id;
}

std::vector<Row> rows() {
    auto db = readonly_db();
    auto r = db->exec("SELECT vip_vehicle, vehicle_no, description, status, cre_user_id FROM ocms_vip_vehicle ORDER BY vip_vehicle");
    if (!r) throw std::runtime_error(r.error().message);
    std::vector<Row> out;
    for (int i = 0; i < r->rows(); ++i)
        out.push_back({std::string(r->get(i, 0)), std::string(r->get(i, 1)), r->opt(i, 2), std::string(r->get(i, 3)),
                       std::string(r->get(i, 4))});
    return out;
}

struct RunResult {
    int rc = -1;
    std::string log;
};

// A stand-in CAS: the token endpoint (OAuth client credentials) and getVipVehicles.
class Cas {
public:
    using Handler = std::function<Reply(const Request&, int n)>;  // n: 1-based count on that path
    Cas(Handler vip, Handler token = {})
        : vip_(std::move(vip)),
          token_(token ? std::move(token) : Handler([](const Request&, int n) {
              return Reply::ok(R"({"access_token":"t)" + std::to_string(n) + R"(","token_type":"Bearer","expires_in":3600})");
          })),
          server_([this](const Request& r) {
              if (r.path == kTokenPath) return token_(r, ++token_calls_);
              return vip_(r, ++vip_calls_);
          }) {}
    std::string vip_url() const { return server_.url(kVipPath); }
    std::string token_url() const { return server_.url(kTokenPath); }
    std::vector<Request> requests(std::string_view path) const {
        std::vector<Request> out;
        for (auto& r : server_.requests())
            if (r.path == path) out.push_back(r);
        return out;
    }

private:
    Handler vip_, token_;
    int vip_calls_ = 0, token_calls_ = 0;  // under the server's lock
    LocalHttpServer server_;               // last: its threads use the members above
};

class VipRefreshTest : public ::testing::Test {
protected:
    void SetUp() override {
        // The table before each test: three rows a past refresh left, with their own dates.
        auto db = owner_db();
        ASSERT_TRUE(db->command("BEGIN"));
        ASSERT_TRUE(db->exec("DELETE FROM ocms_vip_vehicle"));
        ASSERT_TRUE(db->exec(
            "INSERT INTO ocms_vip_vehicle (vip_vehicle, vehicle_no, description, status, cre_date, cre_user_id) VALUES "
            "('OLD-1', 'SBA1111A', 'Before 1', 'A', '2026-01-05T01:00:00+08:00', 'vip-test-seed'),"
            "('OLD-2', 'SBA2222B', NULL, 'A', '2026-01-05T01:00:00+08:00', 'vip-test-seed'),"
            "('OLD-3', 'SBA3333C', 'Before 3', 'I', '2026-01-05T01:00:00+08:00', 'vip-test-seed')"));
        ASSERT_TRUE(db->command("COMMIT"));
        before_ = snapshot();
        dir_ = std::filesystem::temp_directory_path() / ("ocms-vip-" + std::to_string(::getpid()) + "-" +
                                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
        std::ofstream(dir_ / "cas.secret") << "s3cret\n";
        alerts_from_ = high_watermarks(kAlertTopic);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::map<std::string, std::string> settings(const Cas& cas) const {
        return {{"OCMS_CAS_VIP_URL", cas.vip_url()},
                {"OCMS_CAS_TOKEN_URL", cas.token_url()},
                {"OCMS_CAS_CLIENT_ID", "ocms-test"},
                {"OCMS_CAS_CLIENT_SECRET_FILE", (dir_ / "cas.secret").string()},
                {"OCMS_CAS_RETRY_WAITS_MS", "0,20,20,20"},
                {"OCMS_CAS_TIMEOUT_MS", "2000"},
                {"OCMS_CAS_TOKEN_REFRESH_WAIT_MS", "10"},
                {"OCMS_SMTP_URL", smtp_.url()},
                {"OCMS_ALERT_FROM", "ocms-alerts@ocms.test"},
                {"OCMS_ALERT_TO", "ops@ocms.test, support@ocms.test"},
                {"OCMS_VIP_LOCK_TIMEOUT_MS", "5000"},
                {"OCMS_LOG_LEVEL", "info"}};
    }

    RunResult run(const std::map<std::string, std::string>& vars) {
        const auto log = dir_ / ("run-" + std::to_string(++runs_) + ".log");
        std::string cmd = "env";
        for (const auto& [k, v] : vars) cmd += " " + k + "=" + shell_quote(v);
        cmd += " \"$OCMS_BIN/ocms-scheduler\" run vip-refresh >" + shell_quote(log.string()) + " 2>&1";
        RunResult r;
        r.rc = sh(cmd);
        r.log = read_file(log);
        return r;
    }
    RunResult run(const Cas& cas) { return run(settings(cas)); }

    // The one alert of a failed run: one e-mail with the spec's subject to both recipients,
    // and one event on ocms.alert naming this CAS endpoint. Returns the e-mail.
    std::string expect_one_alert(const std::string& endpoint, const std::string& error_part) {
        auto mails = smtp_.messages();
        EXPECT_EQ(mails.size(), std::size_t(mails_seen_ + 1)) << "exactly one alert e-mail per failed run";
        if (mails.size() <= mails_seen_) return "";
        const auto& m = mails.back();
        mails_seen_ = mails.size();
        EXPECT_NE(m.data.find(kSubject), std::string::npos) << m.data;
        EXPECT_NE(m.data.find("API: " + endpoint + "\r\n"), std::string::npos) << m.data;
        EXPECT_NE(m.data.find(error_part), std::string::npos) << m.data;
        EXPECT_NE(m.data.find("Action Required: Check external system connectivity"), std::string::npos) << m.data;
        EXPECT_EQ(m.rcpt_to.size(), 2u);
        EXPECT_EQ(m.mail_from, "<ocms-alerts@ocms.test>");

        int events = 0;
        std::string event_error;
        scan_topic(kAlertTopic, alerts_from_, [&](const kafka::Message& msg) {
            auto doc = json::parse(msg.value());
            if (!doc || !doc->IsObject()) return false;
            auto ep = json::get_string(*doc, "endpoint");
            if (!ep || *ep != endpoint) return false;
            ++events;
            event_error = std::string(json::get_string(*doc, "error").value_or(""));
            EXPECT_EQ(json::get_string(*doc, "api").value_or(""), "CAS getVipVehicles");
            EXPECT_EQ(json::get_string(*doc, "source").value_or(""), "ocms-scheduler");
            EXPECT_EQ(std::string(msg.key()), "CAS getVipVehicles");
            return false;  // read to the end: count them all
        }, 3s);
        EXPECT_EQ(events, 1) << "exactly one event on " << kAlertTopic << " for " << endpoint;
        EXPECT_NE(event_error.find(error_part), std::string::npos) << event_error;
        return m.data;
    }

    void expect_untouched(const RunResult& r, const std::string& failure) {
        EXPECT_EQ(r.rc, 1) << r.log;
        EXPECT_EQ(snapshot(), before_) << "ocms_vip_vehicle changed";
        EXPECT_NE(r.log.find(R"("msg":"vip refresh failed")"), std::string::npos) << r.log;
        EXPECT_NE(r.log.find(R"("failure":")" + failure + R"(")"), std::string::npos) << r.log;
        EXPECT_NE(r.log.find(R"("table":"unchanged")"), std::string::npos) << r.log;
    }

    std::string before_;
    std::filesystem::path dir_;
    std::map<int, long long> alerts_from_;
    LocalSmtpServer smtp_;
    std::size_t mails_seen_ = 0;
    int runs_ = 0;
};

const char* kList = R"([
  {"vip_vehicle":"VIP-0001","vehicle_no":"SJA1001A","description":"Minister of State","status":"A"},
  {"vip_vehicle":"VIP-0002","vehicle_no":" sja 2002 b ","description":null,"status":"A"},
  {"vip_vehicle":"VIP-0003","vehicle_no":"QX1234A","status":"I","ignored":"extra field"},
  {"vip_vehicle":"VIP-0004","vehicle_no":"S23CD","description":"  Embassy  ","status":"A"}
])";

const std::vector<Row> kListRows = {
    {"VIP-0001", "SJA1001A", "Minister of State", "A", "ocmsiz_app_conn"},
    {"VIP-0002", "SJA2002B", std::nullopt, "A", "ocmsiz_app_conn"},
    {"VIP-0003", "QX1234A", std::nullopt, "I", "ocmsiz_app_conn"},
    {"VIP-0004", "S23CD", "Embassy", "A", "ocmsiz_app_conn"},
};

TEST_F(VipRefreshTest, SuccessReplacesTheTableWithTheList) {
    Cas cas([](const Request&, int) { return Reply::ok(kList); });
    auto r = run(cas);
    ASSERT_EQ(r.rc, 0) << r.log;
    EXPECT_EQ(rows(), kListRows);
    EXPECT_NE(r.log.find(R"("msg":"vip refresh finished")"), std::string::npos) << r.log;
    EXPECT_NE(r.log.find(R"("rows":"4","previousRows":"3")"), std::string::npos) << r.log;
    // One transaction: every row carries the same cre_date, today's, not the seed's.
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(DISTINCT cre_date) FROM ocms_vip_vehicle"), 1);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_vip_vehicle WHERE cre_date > now() - interval '5 minutes'"), 4);

    // The call: POST {} with the client-credentials token; the token request as RFC 6749 4.4.
    auto calls = cas.requests(kVipPath);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].method, "POST");
    EXPECT_EQ(calls[0].body, "{}");
    EXPECT_EQ(calls[0].header("Authorization").value_or(""), "Bearer t1");
    auto tokens = cas.requests(kTokenPath);
    ASSERT_EQ(tokens.size(), 1u);
    EXPECT_NE(tokens[0].body.find("grant_type=client_credentials"), std::string::npos) << tokens[0].body;
    EXPECT_NE(tokens[0].body.find("client_secret=s3cret"), std::string::npos) << tokens[0].body;

    EXPECT_TRUE(smtp_.messages().empty());
    // A second refresh with a shorter list replaces the first completely.
    Cas cas2([](const Request&, int) { return Reply::ok(R"([{"vip_vehicle":"VIP-9","vehicle_no":"SJA9A","status":"A"}])"); });
    ASSERT_EQ(run(cas2).rc, 0);
    EXPECT_EQ(rows(), (std::vector<Row>{{"VIP-9", "SJA9A", std::nullopt, "A", "ocmsiz_app_conn"}}));
}

TEST_F(VipRefreshTest, ExpiredTokenIsRefreshedAndTheRefreshSucceeds) {
    // CAS accepts only the second token: the first answers 401, the client fetches t2 and repeats.
    Cas cas([](const Request& req, int) {
        if (req.header("Authorization").value_or("") != "Bearer t2") return Reply::with(401, R"({"error":"invalid_token"})");
        return Reply::ok(kList);
    });
    auto r = run(cas);
    ASSERT_EQ(r.rc, 0) << r.log;
    EXPECT_EQ(rows(), kListRows);
    EXPECT_EQ(cas.requests(kTokenPath).size(), 2u);
    EXPECT_EQ(cas.requests(kVipPath).size(), 2u);
    EXPECT_NE(r.log.find("token refreshed"), std::string::npos) << r.log;
    EXPECT_TRUE(smtp_.messages().empty());
}

TEST_F(VipRefreshTest, CasUnreachableAfterTheRetries) {
    Cas token_only([](const Request&, int) { return Reply::ok(kList); });
    auto vars = settings(token_only);
    const std::string url = "http://127.0.0.1:" + std::to_string(http::test::closed_port()) + kVipPath;
    vars["OCMS_CAS_VIP_URL"] = url;
    auto r = run(vars);
    expect_untouched(r, "cas_call");
    EXPECT_NE(r.log.find("retries exhausted after 4 attempts"), std::string::npos) << r.log;
    auto mail = expect_one_alert(url, "Couldn't connect to server");
    EXPECT_NE(mail.find("Retry Count: 3\r\n"), std::string::npos) << mail;
}

TEST_F(VipRefreshTest, CasTimesOutOnEveryAttempt) {
    Cas cas([](const Request&, int) { return Reply::stall(1500ms); });
    auto vars = settings(cas);
    vars["OCMS_CAS_TIMEOUT_MS"] = "300";
    auto r = run(vars);
    expect_untouched(r, "cas_call");
    EXPECT_EQ(cas.requests(kVipPath).size(), 4u) << "the spec's four attempts";
    auto mail = expect_one_alert(cas.vip_url(), "Timeout");
    EXPECT_NE(mail.find("Retry Count: 3\r\n"), std::string::npos) << mail;
}

TEST_F(VipRefreshTest, Cas401ThenTheTokenEndpointFails) {
    Cas cas([](const Request&, int) { return Reply::with(401, R"({"error":"invalid_token"})"); },
            [](const Request&, int n) {
                if (n == 1) return Reply::ok(R"({"access_token":"t1","expires_in":3600})");
                return Reply::with(500, R"({"error":"server_error"})");
            });
    auto r = run(cas);
    expect_untouched(r, "cas_call");
    EXPECT_EQ(cas.requests(kTokenPath).size(), 4u) << "the first token, then 3 refresh attempts (spec 002 4.1)";
    EXPECT_EQ(cas.requests(kVipPath).size(), 1u);
    expect_one_alert(cas.vip_url(), "token refresh failed after 3 attempts");
}

TEST_F(VipRefreshTest, CasAnswersAnErrorStatus) {
    Cas cas([](const Request&, int) { return Reply::with(500, R"({"data":{"appCode":"OCMS-5000","message":"boom"}})"); });
    auto r = run(cas);
    expect_untouched(r, "cas_status");
    EXPECT_EQ(cas.requests(kVipPath).size(), 1u) << "a 500 is not retried (common/http/client.hpp)";
    expect_one_alert(cas.vip_url(), "CAS answered HTTP 500");
}

TEST_F(VipRefreshTest, CasReturnsAnEmptyList) {
    for (const char* body : {"[]", R"({"total":0,"limit":100,"skip":0,"data":[]})"}) {
        SCOPED_TRACE(body);
        Cas cas([body](const Request&, int) { return Reply::ok(body); });
        auto r = run(cas);
        expect_untouched(r, "empty_list");
        expect_one_alert(cas.vip_url(), "empty VIP vehicle list");
    }
}

TEST_F(VipRefreshTest, CasReturnsAnInvalidList) {
    struct Case {
        const char* body;
        const char* why;
    };
    const Case cases[] = {
        {"<html><body>Service maintenance</body></html>", "not JSON"},
        {R"({"data":{"appCode":"OCMS-2000","message":"Success"}})", "an object without a"},
        {R"([{"vip_vehicle":"VIP-1","vehicle_no":"SJA1A","status":"A"},{"vip_vehicle":"VIP-2","vehicle_no":"SJA#2","status":"A"}])",
         "record 1: vehicle_no 'SJA#2' is not a vehicle number"},
        {R"([{"vip_vehicle":"VIP-1","vehicle_no":"SJA1A","status":"A"},{"vip_vehicle":"VIP-1","vehicle_no":"SJA2B","status":"A"}])",
         "record 1: duplicate vip_vehicle 'VIP-1'"},
        {R"({"total":5,"data":[{"vip_vehicle":"VIP-1","vehicle_no":"SJA1A","status":"A"}]})", "partial list"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.body);
        Cas cas([&c](const Request&, int) { return Reply::ok(c.body); });
        auto r = run(cas);
        expect_untouched(r, "invalid_list");
        EXPECT_NE(r.log.find(c.why), std::string::npos) << r.log;
        expect_one_alert(cas.vip_url(), c.why);
    }
}

TEST_F(VipRefreshTest, DatabaseRefusesTheConnection) {
    Cas cas([](const Request&, int) { return Reply::ok(kList); });
    auto vars = settings(cas);
    std::string url = env("OCMS_SCHEDULER_PG_URL");  // postgresql://ocms_scheduler:<pw>@host:port/db
    auto colon = url.find(':', url.find("//") + 2);
    auto at = url.find('@');
    ASSERT_NE(colon, std::string::npos);
    ASSERT_NE(at, std::string::npos);
    vars["OCMS_SCHEDULER_PG_URL"] = url.substr(0, colon + 1) + "wrong-password" + url.substr(at);
    auto r = run(vars);
    expect_untouched(r, "database");
    EXPECT_NE(r.log.find("password authentication failed"), std::string::npos) << r.log;
    expect_one_alert(cas.vip_url(), "database");
}

TEST_F(VipRefreshTest, DatabaseFailsInsideTheTransactionAndRollsBack) {
    // Another session holds a row lock on OLD-2: the refresh takes its table lock (which does not
    // conflict with row locks), starts deleting, waits on OLD-2 and gives up after the lock
    // timeout. Whatever it had deleted is rolled back.
    auto holder = owner_db();
    ASSERT_TRUE(holder->command("BEGIN"));
    auto locked = holder->exec("SELECT 1 FROM ocms_vip_vehicle WHERE vip_vehicle = 'OLD-2' FOR UPDATE");
    ASSERT_TRUE(locked && locked->rows() == 1);

    Cas cas([](const Request&, int) { return Reply::ok(kList); });
    auto vars = settings(cas);
    vars["OCMS_VIP_LOCK_TIMEOUT_MS"] = "300";
    auto r = run(vars);
    ASSERT_TRUE(holder->command("ROLLBACK"));
    expect_untouched(r, "database");
    EXPECT_NE(r.log.find("DELETE FROM ocms_vip_vehicle: "), std::string::npos) << r.log;
    EXPECT_NE(r.log.find("SQLSTATE 55P03"), std::string::npos) << r.log;  // lock_not_available
    EXPECT_NE(r.log.find("(rolled back)"), std::string::npos) << r.log;
    expect_one_alert(cas.vip_url(), "lock timeout");

    // With the lock gone the same list goes in.
    ASSERT_EQ(run(vars).rc, 0);
    EXPECT_EQ(rows(), kListRows);
}

TEST_F(VipRefreshTest, WithoutASmtpUrlTheAlertStillReachesTheTopic) {
    Cas cas([](const Request&, int) { return Reply::ok("[]"); });
    auto vars = settings(cas);
    vars["OCMS_SMTP_URL"] = "";
    auto r = run(vars);
    expect_untouched(r, "empty_list");
    EXPECT_NE(r.log.find("alert e-mails are off"), std::string::npos) << r.log;
    EXPECT_TRUE(smtp_.messages().empty());
    int events = 0;
    scan_topic(kAlertTopic, alerts_from_, [&](const kafka::Message& m) {
        auto doc = json::parse(m.value());
        if (doc && doc->IsObject() && json::get_string(*doc, "endpoint").value_or("") == cas.vip_url()) ++events;
        return false;
    }, 3s);
    EXPECT_EQ(events, 1);
}

}  // namespace
}  // namespace ocms::test
