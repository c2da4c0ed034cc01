#pragma once
// The plain values the outbound HTTP client exchanges (no curl types here). A request is a
// value: the client copies what it needs and never keeps a reference after send() returns.
#include "core/error.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocms::http {

// "API error": every attempt failed (spec 004 section 3, SuspensionApiClient retry exhausted).
// Used for every outbound failure the caller sees, with the cause in the message.
inline constexpr AppCode kApiError = codes::kApiError;

enum class Method { get, post, put, patch, del };
std::string_view to_string(Method m);

using Header = std::pair<std::string, std::string>;
using Headers = std::vector<Header>;

// Case-insensitive lookup of the first header with this name.
std::optional<std::string_view> find_header(const Headers& headers, std::string_view name);

struct HttpRequest {
    Method method = Method::post;  // spec 002 6.1: every OCMS-style API is POST
    std::string url;
    Headers headers;  // sent as given; the client adds Authorization when it has a TokenProvider
    std::string body;
    std::chrono::milliseconds timeout{10'000};  // whole exchange, connect included
};

struct HttpResponse {
    long status = 0;
    std::string body;
    Headers headers;  // of the final response (interim 100 / redirect headers are dropped)
    std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
    bool ok() const { return status >= 200 && status < 300; }
};

}  // namespace ocms::http
