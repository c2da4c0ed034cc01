#pragma once
// What spec 001's routes use, and their rows of the route table. Lifecycle and sharing:
// http/routes.hpp FeatureDeps.
#include "core/time.hpp"
#include "http/routes.hpp"

#include <memory>
#include <vector>

namespace ocms::json {
class SchemaRegistry;
}

namespace ocms::edge {

class CasStore;
class CommandGateway;

namespace cas {

struct Deps {
    std::shared_ptr<CommandGateway> gateway;
    std::shared_ptr<const json::SchemaRegistry> schemas;  // each command checked before it is published
    // The reads and log writes (cas_store.hpp). Null (a test's setup): every route answers 500.
    std::shared_ptr<CasStore> store;
    Clock clock = system_clock();  // the day-end window of updateCourtNotices
};

// POST /v1/getPaymentStatus, /v1/updateCourtNotices and /v1/getNoticeUpdate, their handlers bound
// to deps.
std::vector<Route> routes(std::shared_ptr<const Deps> deps);

}  // namespace cas

}  // namespace ocms::edge
