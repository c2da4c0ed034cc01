#pragma once
// What the support console's routes and the probes use, and their rows of the route table.
// Lifecycle and sharing: http/routes.hpp FeatureDeps.
#include "http/routes.hpp"

#include <memory>
#include <string>
#include <vector>

namespace ocms::metrics {
class Registry;
}

namespace ocms::edge {

class CommandGateway;
class OpsStore;

namespace ops {

struct Deps {
    // The support database (ops_store.hpp). Null when OCMS_SUPPORT_PG_URL is unset: every
    // /ops/api route answers 500; the page and the probes work on.
    std::shared_ptr<OpsStore> store;
    std::string console_dir;                  // the console's files (EdgeConfig::console_dir)
    std::shared_ptr<CommandGateway> gateway;  // /readyz asks it
    std::shared_ptr<metrics::Registry> metrics;  // /metrics renders it
};

// GET /ops, /ops/{asset}, the /ops/api routes, /healthz, /readyz and /metrics, their handlers
// bound to deps.
std::vector<Route> routes(std::shared_ptr<const Deps> deps);

}  // namespace ops

}  // namespace ocms::edge
