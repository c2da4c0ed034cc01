#pragma once
// RAII over libcurl (STYLE.md 8): CURL* and curl_slist* are owned by CurlEasy / CurlSlist and
// freed nowhere else. perform() is one HTTP exchange on one easy handle, no retry; the retry,
// token and alert policy live in client.hpp. classify() is the one translation of CURLcode
// into retry decisions (STYLE.md 6).
//
// Threading: a CurlEasy is used by one thread at a time (libcurl's rule for easy handles).
// ensure_curl_global_init() is safe to call from any thread; every constructor here calls it.
#include "core/error.hpp"
#include "http/message.hpp"

#include <curl/curl.h>

#include <cstddef>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ocms::http {

// curl_global_init exactly once per process (it is not thread-safe to race it). Never cleaned
// up: handles may live in static objects until exit.
void ensure_curl_global_init();

class CurlEasy {
public:
    CurlEasy();  // throws std::bad_alloc when curl_easy_init fails (out of memory only)
    CURL* get() const noexcept { return h_.get(); }
    // Forget every option but keep live connections and caches (connection reuse).
    void reset() noexcept { curl_easy_reset(h_.get()); }

private:
    struct Deleter {
        void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
    };
    std::unique_ptr<CURL, Deleter> h_;
};

class CurlSlist {
public:
    CurlSlist() = default;
    void append(const std::string& line);  // throws std::bad_alloc
    curl_slist* get() const noexcept { return list_.get(); }

private:
    struct Deleter {
        void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
    };
    std::unique_ptr<curl_slist, Deleter> list_;
};

// transient: connection refused, DNS failure, timeout, reset, empty or cut reply, TLS
// handshake failure -> retry. permanent: bad URL, unsupported scheme, certificate rejected,
// response too large, out of memory -> retrying cannot help.
FaultKind classify(CURLcode code);

// The boundary type of one exchange (it keeps the CURLcode); above transport.hpp failures are
// Errors, made by to_error.
struct TransportError {
    CURLcode code = CURLE_OK;
    FaultKind kind = FaultKind::transient;
    std::string message;  // "Couldn't connect to server: Failed to connect to 127.0.0.1 port 9..."
};

// The one translation of a TransportError into the system's Error (STYLE.md 5): the message as
// it is, the kind classify() gave it, code OCMS-9999 (an outbound call failed: kApiError).
Error to_error(const TransportError& e);

struct TransportLimits {
    std::size_t max_response_bytes = 16u << 20;  // a larger body aborts the exchange (permanent)
};

// One exchange. Any HTTP status is a value (the caller classifies it); only failures to get a
// complete response are errors. Only http and https URLs are accepted; redirects are not
// followed (a redirected POST is ambiguous; the response is returned as is).
std::expected<HttpResponse, TransportError> perform(CurlEasy& easy, const HttpRequest& req,
                                                    const TransportLimits& limits = {});
// Same on a fresh handle (no connection reuse).
std::expected<HttpResponse, TransportError> perform_once(const HttpRequest& req, const TransportLimits& limits = {});

// application/x-www-form-urlencoded escaping of one key or value.
std::string form_escape(std::string_view s);

}  // namespace ocms::http
