#pragma once
// What spec 002's read routes use, and their rows of the route table. Lifecycle and sharing:
// http/routes.hpp FeatureDeps.
#include "http/routes.hpp"

#include <memory>
#include <vector>

namespace ocms::edge {

class ReadStore;

namespace reads {

struct Deps {
    // read_store.hpp. Null (a test's setup): each route answers 500 in its spec's words.
    std::shared_ptr<ReadStore> store;
};

// POST /v1/validoffencenoticelist, /v1/suspensionreasonlist and /v1/userlist, their handlers
// bound to deps.
std::vector<Route> routes(std::shared_ptr<const Deps> deps);

}  // namespace reads

}  // namespace ocms::edge
