#pragma once
// Alerts on outbound failures (spec 002 section 5.2): after the last failed attempt of a call
// (or a token refresh that failed every time) the client raises exactly one Alert.
//
// AlertSink implementations must be thread-safe (one client serves several threads) and must
// not throw; an alert that cannot be delivered is logged by the sink, never returned to the
// business call (the call's own error already tells the caller).
#include "core/error.hpp"
#include "core/time.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace ocms::http {

struct Alert {
    std::string api_name;  // "CAS", "PLUS", ... (the client's name)
    std::string endpoint;  // the URL called, query string removed
    std::string error;     // the last cause
    TimePoint timestamp;
    int retry_count = 0;  // retries after the first attempt (spec 002: 3 for the external policy)
    // An alert that is not about an outbound call (the purge job refusing unsafe settings) names
    // its own subject and action; "" keeps the spec's outbound-call wording.
    std::string subject = "";
    std::string action = "";
};

// "[OCMS-ALERT] External API Connection Failed - CAS", or "[OCMS-ALERT] " + a.subject when set
std::string format_alert_subject(const Alert& a);
// The spec's lines, '\n'-separated, ending with a newline:
//   API: https://cas.example/getVipVehicles
//   Error: Couldn't connect to server
//   Timestamp: 2025-04-12T19:00:02+08:00        (Singapore, ISO 8601)
//   Retry Count: 3
//   Action Required: Check external system connectivity
std::string format_alert_body(const Alert& a);

class AlertSink {
public:
    virtual ~AlertSink() = default;
    virtual void alert(const Alert& a) = 0;
};

// Fans one alert out to every sink, in order (e-mail now, a Kafka alert topic later). A sink
// that throws despite the contract is logged and skipped, so the others still run.
// Immutable after construction, so thread-safe when its sinks are.
class MultiAlertSink final : public AlertSink {
public:
    explicit MultiAlertSink(std::vector<std::shared_ptr<AlertSink>> sinks) : sinks_(std::move(sinks)) {}
    void alert(const Alert& a) override;

private:
    std::vector<std::shared_ptr<AlertSink>> sinks_;
};

struct SmtpConfig {
    std::string url;                      // "smtp://relay.internal:25" or "smtps://relay:465"
    std::string from;                     // "ocms-alerts@ocms.gov.sg"
    std::vector<std::string> to;          // system administrators, support team
    std::string username;                 // empty: no SMTP AUTH
    std::string password;
    bool require_starttls = false;        // STARTTLS must succeed (smtp:// URLs)
    std::chrono::milliseconds timeout{10'000};
};

// Sends each alert as a plain-text e-mail through the configured relay with libcurl. Every
// send uses its own curl handle, so concurrent alerts are fine. No retry: an alert that the
// relay refuses is logged at error level (the log is the alert of last resort).
class SmtpAlertSink final : public AlertSink {
public:
    explicit SmtpAlertSink(SmtpConfig cfg);
    void alert(const Alert& a) override;
    // The same, reporting the failure to the caller (tests, a "send test mail" admin command):
    // url, from or recipients missing (permanent, OCMS-5000); the relay unreachable or refusing
    // (OCMS-9999, the kind classify() gives the CURLcode); out of memory (transient).
    Result<void> send(const Alert& a) const;

    // The RFC 5322 message (CRLF line ends) that send() hands to the relay.
    std::string build_message(const Alert& a) const;

private:
    SmtpConfig cfg_;
};

// "Sat, 12 Apr 2025 19:00:02 +0800" (RFC 5322 Date in Singapore time).
std::string format_rfc5322_date(TimePoint t);

// Strips the query string and fragment (they may carry keys) from a URL for logs and alerts.
std::string redact_url(std::string_view url);

}  // namespace ocms::http
