#pragma once
// What spec 001's routes use, and their rows of the route table. Lifecycle and sharing:
// http/routes.hpp FeatureDeps.
#include "dispatch/publishing.hpp"
#include "http/routes.hpp"

#include <memory>
#include <vector>

namespace ocms::edge {

class CasStore;

namespace cas {

struct Deps : Publishing {
    // The reads and log writes (cas_store.hpp). Null (a test's setup): every route answers 500.
    std::shared_ptr<CasStore> store;
};

// POST /v1/getPaymentStatus, /v1/updateCourtNotices and /v1/getNoticeUpdate, their handlers bound
// to deps.
std::vector<Route> routes(std::shared_ptr<const Deps> deps);

}  // namespace cas

}  // namespace ocms::edge
