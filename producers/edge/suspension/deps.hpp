#pragma once
// What the suspension routes use, and their rows of the route table. Lifecycle and sharing:
// http/routes.hpp FeatureDeps.
#include "dispatch/publishing.hpp"
#include "http/routes.hpp"

#include <memory>
#include <vector>

namespace ocms::edge {

namespace suspension {

// Every member set.
struct Deps : Publishing {};

// POST /v1/staff-apply-suspension and /v1/plus-apply-suspension, their handlers bound to deps.
std::vector<Route> routes(std::shared_ptr<const Deps> deps);

}  // namespace suspension

}  // namespace ocms::edge
