#pragma once
// What the revival routes use, and their rows of the route table. Lifecycle and sharing:
// http/routes.hpp FeatureDeps.
#include "dispatch/publishing.hpp"
#include "http/routes.hpp"

#include <memory>
#include <vector>

namespace ocms::edge {

class JobRunner;
class ReadStore;

namespace revival {

struct Deps : Publishing {
    // The HST register (reads/read_store.hpp). Null (a test's setup): /v1/revive-hst answers 500.
    std::shared_ptr<ReadStore> reads;
    // The auto-revival job on demand (ops/job_runner.hpp). Null (a test's setup): the trigger answers 500.
    std::shared_ptr<JobRunner> jobs;
};

// POST /api/cron/auto-revival/trigger, /staff-revive-suspension, /plus-revive-suspension,
// /ocms/v1/suspension/apply-revival and /v1/revive-hst, their handlers bound to deps.
std::vector<Route> routes(std::shared_ptr<const Deps> deps);

}  // namespace revival

}  // namespace ocms::edge
