#pragma once
// The HTTP pipeline of the edge, free of sockets (Beast advanced server's handle_request):
// route lookup -> size limit -> auth -> JSON parse -> schema check -> handler. Every response,
// success or error, leaves through one place that sets Content-Type, X-Request-Id and
// keep-alive, counts it in /metrics and writes the access log line.
#include "api.hpp"
#include "config.hpp"
#include "core/time.hpp"
#include "routes.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocms::json {
class SchemaRegistry;
}
namespace ocms::metrics {
class Registry;
}

namespace ocms::edge {

class SchemaExplainer;

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
using Respond = std::function<void(HttpResponse)>;

// What the pipeline itself uses: built once in main (or a test), shared by every session and
// immutable, so every thread reads it. The handlers' own services are their features' deps, bound
// into the routes.
struct PipelineDeps {
    std::shared_ptr<const EdgeConfig> config;  // the body limit
    std::shared_ptr<const json::SchemaRegistry> schemas;
    std::shared_ptr<const SchemaExplainer> explainer;  // null: a schema refusal in the validator's words
    std::shared_ptr<const auth::JwtVerifier> jwt;
    std::shared_ptr<const auth::ApimKeys> apim;
    std::shared_ptr<metrics::Registry> metrics;
    Clock clock = system_clock();  // a token's expiry
    std::vector<Route> routes;     // routes.hpp routes(), in match order
};

// respond is called exactly once, either before handle_request returns or later on ex.
void handle_request(std::shared_ptr<const PipelineDeps> deps, HttpRequest req, boost::asio::any_io_executor ex,
                    Respond respond);

// The most bytes of request line and header fields the server reads: a bearer token of the
// largest size auth accepts (8 KB) with room for the other fields.
inline constexpr std::size_t kHeaderLimit = 16 * 1024;

// The response for a request the session could not read whole (body over the limit): 400
// OCMS-4000 in the spec 002 envelope. request_id may be empty (then one is made).
HttpResponse oversize_response(const PipelineDeps& deps, unsigned version, std::string_view request_id);

// The response for bytes that are not a request the server will read (issue 14): header fields
// over the limit -> 431, bad framing (bare LF, two Content-Lengths, Content-Length with chunked,
// a bad chunk or method) -> 400; both in the spec 002 envelope, sent with Connection: close.
// why: Beast's parser error.
HttpResponse unreadable_response(const PipelineDeps& deps, boost::beast::error_code why);

// The request id of a request: a sane X-Request-Id, else a new UUID.
RequestId request_id_of(std::string_view header);

// A route's path against a request path: "" for an exact match; the last segment's value when
// the pattern ends in "/{name}" and the path has exactly one non-empty segment there; nullopt
// otherwise.
std::optional<std::string> match_path(std::string_view pattern, std::string_view path);

// The value of one parameter of a raw query string ("a=1&b=2"; no percent-decoding: the routes
// that read one take dates and codes); "" for "b" or "b="; nullopt when absent.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

}  // namespace ocms::edge
