#pragma once
// The types every part of the HTTP API shares: the exchange a handler gets and the handler
// signature. What a handler may use besides is its feature's deps (<feature>/deps.hpp), bound into
// its route; nothing here touches a socket, so the pipeline and the handlers run in tests with
// fakes behind the gateway and the stores.
#include "auth/auth.hpp"
#include "core/types.hpp"
#include "envelope.hpp"
#include "json/json.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ocms::edge {

struct Route;

// One request as a handler sees it after size, auth and schema checks passed.
struct Exchange {
    const Route* route = nullptr;
    RequestId request_id;
    auth::Claims claims;
    // Who is calling, as the inbox records it (gateway.hpp dispatch_for): "sub:<subject>", with
    // "|apim:<first 16 hex of the key's SHA-256>" when an APIM key was checked; "apim:<hash>" on
    // key-only routes; "" on routes without auth.
    std::string caller;
    boost::asio::any_io_executor executor;  // the session's strand: call done() on it
    // The value of the route's last path segment when the route ends in "/{name}"
    // (GET /api/v1/change-processing-stage/report/{reportId}); "" otherwise.
    std::string path_param;
    // The query string after '?', raw ("" when none): handlers parse what they need.
    std::string query;
};

struct HandlerOk {
    unsigned status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;  // extra, e.g. Content-Disposition
};
using HandlerResult = std::expected<HandlerOk, ApiError>;
using HandlerDone = std::function<void(HandlerResult)>;
// body: the parsed, schema-checked body (nullptr for routes without one); valid during the call.
using Handler = std::function<void(std::shared_ptr<Exchange>, const json::Value* body, HandlerDone)>;

}  // namespace ocms::edge
