#pragma once
// The types every part of the HTTP API shares: the services a request may use, the exchange a
// handler gets, and the handler signature. Nothing here touches a socket, so the pipeline and
// the handlers run in tests with fakes behind CommandGateway, OutcomeStore and ReadStore.
#include "auth/auth.hpp"
#include "config.hpp"
#include "core/time.hpp"
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

namespace ocms::json {
class SchemaRegistry;
}
namespace ocms::metrics {
class Registry;
}

namespace ocms::edge {

class CasStore;
class OpsStore;
class ChangeStageStore;
class CommandGateway;
class JobRunner;
class OutcomeStore;
class ReadStore;
class SchemaExplainer;
struct Route;

// Shared, long-lived, thread-safe services. Built once in main (or a test).
struct Services {
    std::shared_ptr<const EdgeConfig> config;
    std::shared_ptr<const json::SchemaRegistry> schemas;
    std::shared_ptr<const SchemaExplainer> explainer;
    std::shared_ptr<const auth::JwtVerifier> jwt;
    std::shared_ptr<const auth::ApimKeys> apim;
    std::shared_ptr<CommandGateway> gateway;
    std::shared_ptr<OutcomeStore> outcomes;
    std::shared_ptr<ReadStore> reads;  // spec 002 read APIs (read_store.hpp)
    std::shared_ptr<JobRunner> jobs;   // timed jobs on demand (job_runner.hpp)
    std::shared_ptr<ChangeStageStore> stage;  // spec 003 reads and reports (change_stage_store.hpp)
    std::shared_ptr<CasStore> cas;            // spec 001 reads and log writes (cas_store.hpp)
    std::shared_ptr<OpsStore> ops;            // the support console's data (ops_store.hpp); null: /ops/api off
    std::shared_ptr<metrics::Registry> metrics;
    Clock clock = system_clock();
};

// One request as a handler sees it after size, auth and schema checks passed.
struct Exchange {
    std::shared_ptr<const Services> svc;
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
