#pragma once
// What the request-outcome route uses, and its row of the route table. Lifecycle and sharing:
// http/routes.hpp FeatureDeps.
#include "http/routes.hpp"

#include <memory>
#include <vector>

namespace ocms::edge {

class OutcomeStore;

namespace request_outcome {

// Every member set.
struct Deps {
    std::shared_ptr<OutcomeStore> store;  // the inbox (store/outcome_store.hpp)
};

// POST /v1/request-outcome, its handler bound to deps.
std::vector<Route> routes(std::shared_ptr<const Deps> deps);

}  // namespace request_outcome

}  // namespace ocms::edge
