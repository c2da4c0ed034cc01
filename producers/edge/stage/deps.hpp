#pragma once
// What the change-of-processing-stage routes use, and their rows of the route table. Lifecycle
// and sharing: http/routes.hpp FeatureDeps.
#include "dispatch/publishing.hpp"
#include "http/routes.hpp"

#include <memory>
#include <vector>

namespace ocms::edge {

class ChangeStageStore;

namespace stage {

struct Deps : Publishing {
    // The reads and the reports (change_stage_store.hpp). Null (a test's setup): every route that
    // uses it answers 500 OCMS.CPS.UNEXPECTED; Toppan, which reads nothing, works without it.
    std::shared_ptr<ChangeStageStore> store;
};

// Spec 003's search, validate, submit, report list, report download, PLUS and Toppan routes,
// their handlers bound to deps.
std::vector<Route> routes(std::shared_ptr<const Deps> deps);

}  // namespace stage

}  // namespace ocms::edge
