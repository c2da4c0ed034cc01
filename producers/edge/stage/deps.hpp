#pragma once
// What the change-of-processing-stage routes use, and their rows of the route table. Lifecycle
// and sharing: http/routes.hpp FeatureDeps.
#include "core/time.hpp"
#include "http/routes.hpp"

#include <memory>
#include <vector>

namespace ocms::json {
class SchemaRegistry;
}

namespace ocms::edge {

class ChangeStageStore;
class CommandGateway;

namespace stage {

struct Deps {
    std::shared_ptr<CommandGateway> gateway;
    std::shared_ptr<const json::SchemaRegistry> schemas;  // each command checked before it is published
    // The reads and the reports (change_stage_store.hpp). Null (a test's setup): every route that
    // uses it answers 500 OCMS.CPS.UNEXPECTED; Toppan, which reads nothing, works without it.
    std::shared_ptr<ChangeStageStore> store;
    Clock clock = system_clock();
};

// Spec 003's search, validate, submit, report list, report download, PLUS and Toppan routes,
// their handlers bound to deps.
std::vector<Route> routes(std::shared_ptr<const Deps> deps);

}  // namespace stage

}  // namespace ocms::edge
