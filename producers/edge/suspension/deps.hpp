#pragma once
// What the suspension routes use, and their rows of the route table. Lifecycle and sharing:
// http/routes.hpp FeatureDeps.
#include "core/time.hpp"
#include "http/routes.hpp"

#include <memory>
#include <vector>

namespace ocms::json {
class SchemaRegistry;
}

namespace ocms::edge {

class CommandGateway;

namespace suspension {

// Every member set.
struct Deps {
    std::shared_ptr<CommandGateway> gateway;
    std::shared_ptr<const json::SchemaRegistry> schemas;  // each command checked before it is published
    Clock clock = system_clock();
};

// POST /v1/staff-apply-suspension and /v1/plus-apply-suspension, their handlers bound to deps.
std::vector<Route> routes(std::shared_ptr<const Deps> deps);

}  // namespace suspension

}  // namespace ocms::edge
