#include "http/alert.hpp"

#include "core/log.hpp"
#include "http/transport.hpp"

#include <cstdio>
#include <cstring>
#include <exception>

namespace ocms::http {

namespace {

// Header values come from configuration and error texts: no CR/LF may reach the header block.
std::string header_safe(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) out += (c == '\r' || c == '\n') ? ' ' : c;
    return out;
}

std::string one_line(std::string_view s) { return header_safe(s); }

std::string angle(const std::string& addr) {
    if (!addr.empty() && addr.front() == '<') return addr;
    return "<" + addr + ">";
}

}  // namespace

std::string redact_url(std::string_view url) {
    auto cut = url.find_first_of("?#");
    return std::string(url.substr(0, cut));
}

std::string format_alert_subject(const Alert& a) {
    if (!a.subject.empty()) return "[OCMS-ALERT] " + one_line(a.subject);
    return "[OCMS-ALERT] External API Connection Failed - " + one_line(a.api_name);
}

std::string format_alert_body(const Alert& a) {
    std::string b;
    b += "API: " + one_line(a.endpoint) + "\n";
    b += "Error: " + one_line(a.error) + "\n";
    b += "Timestamp: " + format_local(a.timestamp) + "+08:00\n";
    b += "Retry Count: " + std::to_string(a.retry_count) + "\n";
    b += "Action Required: " + (a.action.empty() ? std::string("Check external system connectivity") : one_line(a.action)) + "\n";
    return b;
}

std::string format_rfc5322_date(TimePoint t) {
    using namespace std::chrono;
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto local = t + kSingaporeOffset;
    auto day = floor<days>(local);
    year_month_day ymd{day};
    hh_mm_ss<microseconds> hms{local - day};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02ld:%02ld:%02ld +0800", kDays[weekday{day}.c_encoding()],
                  unsigned(ymd.day()), kMonths[unsigned(ymd.month()) - 1], int(ymd.year()),
                  long(hms.hours().count()), long(hms.minutes().count()), long(hms.seconds().count()));
    return buf;
}

void MultiAlertSink::alert(const Alert& a) {
    for (const auto& s : sinks_) {
        if (!s) continue;
        try {
            s->alert(a);
        } catch (const std::exception& e) {
            log::error("alert sink threw", {{"api", a.api_name}, {"error", e.what()}});
        } catch (...) {
            log::error("alert sink threw", {{"api", a.api_name}});
        }
    }
}

SmtpAlertSink::SmtpAlertSink(SmtpConfig cfg) : cfg_(std::move(cfg)) { ensure_curl_global_init(); }

std::string SmtpAlertSink::build_message(const Alert& a) const {
    std::string to;
    for (const auto& r : cfg_.to) {
        if (!to.empty()) to += ", ";
        to += header_safe(r);
    }
    std::string m;
    m += "Date: " + format_rfc5322_date(a.timestamp) + "\r\n";
    m += "From: " + header_safe(cfg_.from) + "\r\n";
    m += "To: " + to + "\r\n";
    m += "Subject: " + format_alert_subject(a) + "\r\n";
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: text/plain; charset=UTF-8\r\n";
    m += "Content-Transfer-Encoding: 8bit\r\n";
    m += "\r\n";
    for (char c : format_alert_body(a)) {
        if (c == '\n') m += "\r\n";
        else m += c;
    }
    return m;  // libcurl dot-stuffs lines that start with '.'
}

namespace {
struct Upload {
    std::string_view data;
    std::size_t pos = 0;
};
std::size_t on_read(char* buf, std::size_t size, std::size_t n, void* user) {
    auto* u = static_cast<Upload*>(user);
    std::size_t len = std::min(size * n, u->data.size() - u->pos);
    std::memcpy(buf, u->data.data() + u->pos, len);
    u->pos += len;
    return len;
}
}  // namespace

Result<void> SmtpAlertSink::send(const Alert& a) const {
    if (cfg_.url.empty() || cfg_.from.empty() || cfg_.to.empty())
        return fail(Error::permanent(codes::kInternal, "SMTP alert sink: url, from and at least one recipient are required"));
    const std::string message = build_message(a);
    try {
        CurlEasy easy;
        CurlSlist rcpt;
        for (const auto& r : cfg_.to) rcpt.append(angle(header_safe(r)));
        const std::string from = angle(header_safe(cfg_.from));
        Upload up{message};
        char errbuf[CURL_ERROR_SIZE] = {};
        CURL* h = easy.get();
        curl_easy_setopt(h, CURLOPT_URL, cfg_.url.c_str());
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(cfg_.timeout.count()));
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
        curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
        curl_easy_setopt(h, CURLOPT_READFUNCTION, &on_read);
        curl_easy_setopt(h, CURLOPT_READDATA, &up);
        curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        if (cfg_.require_starttls) curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
        if (!cfg_.username.empty()) {
            curl_easy_setopt(h, CURLOPT_USERNAME, cfg_.username.c_str());
            curl_easy_setopt(h, CURLOPT_PASSWORD, cfg_.password.c_str());
        }
        CURLcode rc = curl_easy_perform(h);
        if (rc != CURLE_OK) {
            std::string err = curl_easy_strerror(rc);
            if (errbuf[0]) err += std::string(": ") + errbuf;
            return fail(to_error(TransportError{rc, classify(rc), std::move(err)}));
        }
    } catch (const std::bad_alloc&) {
        return fail(Error::transient(codes::kInternal, "out of memory"));
    }
    return {};
}

void SmtpAlertSink::alert(const Alert& a) {
    auto sent = send(a);
    if (sent) {
        log::info("alert e-mail sent", {{"api", a.api_name}, {"endpoint", a.endpoint}});
    } else {
        log::error("alert e-mail not sent",
                   {{"api", a.api_name}, {"endpoint", a.endpoint}, {"alert", a.error}, {"error", sent.error().message}});
    }
}

}  // namespace ocms::http
