#include "http/transport.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <new>

namespace ocms::http {

void ensure_curl_global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CurlEasy::CurlEasy() {
    ensure_curl_global_init();
    h_.reset(curl_easy_init());
    if (!h_) throw std::bad_alloc();
}

void CurlSlist::append(const std::string& line) {
    ensure_curl_global_init();
    curl_slist* next = curl_slist_append(list_.get(), line.c_str());
    if (!next) throw std::bad_alloc();
    (void)list_.release();  // curl_slist_append returns the same head (or a new one when empty)
    list_.reset(next);
}

FaultKind classify(CURLcode code) {
    switch (code) {
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_WEIRD_SERVER_REPLY:  // usually a proxy or load balancer cutting in
        case CURLE_AGAIN:
            return FaultKind::transient;
        default:
            return FaultKind::permanent;
    }
}

Error to_error(const TransportError& e) { return Error{kApiError, e.message, e.kind}; }

namespace {

struct Sink {
    HttpResponse* resp;
    std::size_t limit;
    bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* s = static_cast<Sink*>(user);
    std::size_t len = size * n;
    if (s->resp->body.size() + len > s->limit) {
        s->too_large = true;
        return 0;  // aborts with CURLE_WRITE_ERROR
    }
    s->resp->body.append(data, len);
    return len;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto* s = static_cast<Sink*>(user);
    std::size_t len = size * n;
    std::string_view line(data, len);
    if (line.starts_with("HTTP/")) {
        s->resp->headers.clear();  // a new response starts (after 100 Continue)
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
        s->resp->headers.emplace_back(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
    }
    return len;
}

}  // namespace

std::expected<HttpResponse, TransportError> perform(CurlEasy& easy, const HttpRequest& req,
                                                    const TransportLimits& limits) {
    CURL* h = easy.get();
    easy.reset();
    HttpResponse resp;
    Sink sink{&resp, limits.max_response_bytes};
    char errbuf[CURL_ERROR_SIZE] = {};

    CurlSlist headers;
    for (const auto& [k, v] : req.headers) headers.append(k + ": " + v);
    headers.append("Expect:");  // no 100-continue round trip for larger POST bodies

    const long timeout_ms = static_cast<long>(std::max<long long>(1, req.timeout.count()));
    curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // required with several threads
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &sink);
    switch (req.method) {
        case Method::get:
            curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
            break;
        case Method::post:
            curl_easy_setopt(h, CURLOPT_POST, 1L);
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
            break;
        default:
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, std::string(to_string(req.method)).c_str());
            if (!req.body.empty()) {
                curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
                curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
            }
    }

    CURLcode rc = curl_easy_perform(h);
    // Options pointing into this frame must not outlive it (the handle goes back to a pool).
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    if (rc != CURLE_OK) {
        TransportError err{rc, classify(rc), curl_easy_strerror(rc)};
        if (sink.too_large) {
            err.message = "response body larger than " + std::to_string(limits.max_response_bytes) + " bytes";
        } else if (errbuf[0] != '\0') {
            err.message += ": ";
            err.message += errbuf;
        }
        return std::unexpected(std::move(err));
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
    return resp;
}

std::expected<HttpResponse, TransportError> perform_once(const HttpRequest& req, const TransportLimits& limits) {
    CurlEasy easy;
    return perform(easy, req, limits);
}

std::string form_escape(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += char(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace ocms::http
