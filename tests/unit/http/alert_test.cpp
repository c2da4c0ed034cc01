// Alert formatting (spec 002 5.2), fan-out, and the SMTP sink against a local SMTP stand-in.
#include "http/alert.hpp"
#include "http/client.hpp"
#include "local_servers.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <stdexcept>

namespace ocms::http {
namespace {

using std::chrono::milliseconds;

Alert sample() {
    return Alert{"CAS", "https://cas.internal/api/getVipVehicles", "Couldn't connect to server",
                 *parse_iso("2025-04-12T19:00:02"), 3};
}

TEST(AlertFormat, SubjectAndBodyAsSpec) {
    EXPECT_EQ(format_alert_subject(sample()), "[OCMS-ALERT] External API Connection Failed - CAS");
    EXPECT_EQ(format_alert_body(sample()),
              "API: https://cas.internal/api/getVipVehicles\n"
              "Error: Couldn't connect to server\n"
              "Timestamp: 2025-04-12T19:00:02+08:00\n"
              "Retry Count: 3\n"
              "Action Required: Check external system connectivity\n");
}

TEST(AlertFormat, AnAlertThatIsNotAnOutboundCallNamesItsOwnSubjectAndAction) {
    Alert a = sample();
    a.subject = "Purge refused - OCMS-PURGE";
    a.action = "Set OCMS_RETENTION_DAYS\r\nBcc: x";
    EXPECT_EQ(format_alert_subject(a), "[OCMS-ALERT] Purge refused - OCMS-PURGE");
    auto body = format_alert_body(a);
    EXPECT_NE(body.find("Action Required: Set OCMS_RETENTION_DAYS"), std::string::npos) << body;
    EXPECT_EQ(std::count(body.begin(), body.end(), '\n'), 5) << body;  // the action stays on its line
    EXPECT_EQ(body.find("\r"), std::string::npos) << body;
}

TEST(AlertFormat, NoHeaderOrLineInjection) {
    Alert a = sample();
    a.api_name = "CAS\r\nBcc: someone@evil";
    a.error = "line1\nline2";
    EXPECT_EQ(format_alert_subject(a).find('\n'), std::string::npos);
    EXPECT_NE(format_alert_body(a).find("Error: line1 line2\n"), std::string::npos);
}

TEST(AlertFormat, Rfc5322DateAndRedaction) {
    EXPECT_EQ(format_rfc5322_date(*parse_iso("2025-04-12T19:00:02")), "Sat, 12 Apr 2025 19:00:02 +0800");
    EXPECT_EQ(format_rfc5322_date(*parse_iso("2025-01-01T00:00:00Z")), "Wed, 01 Jan 2025 08:00:00 +0800");
    EXPECT_EQ(redact_url("https://h/p?key=secret#x"), "https://h/p");
    EXPECT_EQ(redact_url("https://h/p"), "https://h/p");
}

class Recording final : public AlertSink {
public:
    std::vector<Alert> got;
    void alert(const Alert& a) override { got.push_back(a); }
};
class Throwing final : public AlertSink {
public:
    void alert(const Alert&) override { throw std::runtime_error("broken sink"); }
};

TEST(MultiAlertSink, FansOutAndSurvivesAThrowingSink) {
    auto a = std::make_shared<Recording>();
    auto b = std::make_shared<Recording>();
    MultiAlertSink multi({a, std::make_shared<Throwing>(), nullptr, b});
    multi.alert(sample());
    ASSERT_EQ(a->got.size(), 1u);
    ASSERT_EQ(b->got.size(), 1u);
    EXPECT_EQ(b->got[0].api_name, "CAS");
}

TEST(SmtpAlertSink, SendsTheSpecMailThroughTheRelay) {
    test::LocalSmtpServer smtp;
    SmtpAlertSink sink({.url = smtp.url(),
                        .from = "ocms-alerts@ocms.test",
                        .to = {"sysadmin@ocms.test", "support@ocms.test"},
                        .timeout = milliseconds{3'000}});
    auto sent = sink.send(sample());
    ASSERT_TRUE(sent) << sent.error().message;
    auto msgs = smtp.messages();
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].mail_from, "<ocms-alerts@ocms.test>");
    EXPECT_EQ(msgs[0].rcpt_to, (std::vector<std::string>{"<sysadmin@ocms.test>", "<support@ocms.test>"}));
    const std::string& d = msgs[0].data;
    EXPECT_NE(d.find("Subject: [OCMS-ALERT] External API Connection Failed - CAS\r\n"), std::string::npos) << d;
    EXPECT_NE(d.find("From: ocms-alerts@ocms.test\r\n"), std::string::npos) << d;
    EXPECT_NE(d.find("To: sysadmin@ocms.test, support@ocms.test\r\n"), std::string::npos) << d;
    EXPECT_NE(d.find("Date: Sat, 12 Apr 2025 19:00:02 +0800\r\n"), std::string::npos) << d;
    EXPECT_NE(d.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos) << d;
    const std::string body =
        "\r\n\r\n"
        "API: https://cas.internal/api/getVipVehicles\r\n"
        "Error: Couldn't connect to server\r\n"
        "Timestamp: 2025-04-12T19:00:02+08:00\r\n"
        "Retry Count: 3\r\n"
        "Action Required: Check external system connectivity\r\n";
    EXPECT_TRUE(d.ends_with(body)) << d;
}

TEST(SmtpAlertSink, UnreachableRelayIsReportedNotThrown) {
    SmtpAlertSink sink({.url = "smtp://127.0.0.1:" + std::to_string(test::closed_port()),
                        .from = "a@b",
                        .to = {"c@d"},
                        .timeout = milliseconds{1'000}});
    auto sent = sink.send(sample());
    ASSERT_FALSE(sent);
    EXPECT_NO_THROW(sink.alert(sample()));
    SmtpAlertSink unconfigured({});
    EXPECT_FALSE(unconfigured.send(sample()));
}

TEST(SmtpAlertSink, ClientFailureEndsInOneMail) {
    test::LocalSmtpServer smtp;
    ClientOptions o;
    o.api_name = "CAS";
    o.retry = RetryPolicy::wait_list({milliseconds{0}, milliseconds{1}, milliseconds{1}, milliseconds{1}});
    o.alerts = std::make_shared<MultiAlertSink>(std::vector<std::shared_ptr<AlertSink>>{
        std::make_shared<SmtpAlertSink>(SmtpConfig{.url = smtp.url(), .from = "ocms@test", .to = {"ops@test"}})});
    HttpClient client(o);
    auto res = client.post_json("http://127.0.0.1:" + std::to_string(test::closed_port()) + "/getVipVehicles", "{}");
    ASSERT_FALSE(res);
    auto msgs = smtp.messages();
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_NE(msgs[0].data.find("Subject: [OCMS-ALERT] External API Connection Failed - CAS\r\n"), std::string::npos);
    EXPECT_NE(msgs[0].data.find("Retry Count: 3\r\n"), std::string::npos);
}

// Issue 15: send() says what failed and of which kind.
TEST(SmtpAlertSink, SendErrorsSayTheirKind) {
    SmtpAlertSink unreachable({.url = "smtp://127.0.0.1:" + std::to_string(test::closed_port()),
                               .from = "a@b",
                               .to = {"c@d"},
                               .timeout = milliseconds{1'000}});
    auto sent = unreachable.send(sample());
    ASSERT_FALSE(sent);
    EXPECT_EQ(sent.error().code, codes::kApiError);
    EXPECT_EQ(sent.error().kind, FaultKind::transient);  // CURLE_COULDNT_CONNECT: the relay may come back
    EXPECT_TRUE(sent.error().message.starts_with("Couldn't connect to server")) << sent.error().message;

    auto unconfigured = SmtpAlertSink({}).send(sample());
    ASSERT_FALSE(unconfigured);
    EXPECT_EQ(unconfigured.error().code, codes::kInternal);
    EXPECT_EQ(unconfigured.error().kind, FaultKind::permanent);
    EXPECT_EQ(unconfigured.error().message, "SMTP alert sink: url, from and at least one recipient are required");
}

}  // namespace
}  // namespace ocms::http
