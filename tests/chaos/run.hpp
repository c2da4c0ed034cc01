#pragma once
// A chaos run: fixture notices, the steady load, kill -9 and restart of one part at a time while
// the load goes on, then the drain (every pending answer fetched, the workers' group caught up)
// and the verdict, printed as the counts table and a table of the faults with their recovery
// times. The short form (ctest label chaos) kills each part once; the long form (infra/chaos)
// repeats the cycle for the given time.
#include "platform.hpp"

#include <chrono>
#include <vector>

namespace ocms::chaos {

struct Options {
    double rate = 10;      // requests per second
    int per_request = 5;   // notices per request
    int revive_every = 4;  // every n-th request a revival
    std::vector<Part> plan{Part::worker, Part::edge, Part::kafka, Part::postgresql};
    bool repeat = false;                  // long form: cycle through the plan until `duration`
    std::chrono::seconds duration{600};   // long form: time of the faults phase
    std::chrono::seconds warmup{8};       // load before the first kill
    std::chrono::seconds down{3};         // a killed part stays down (long form: 1 .. 2x this)
    std::chrono::seconds settle{10};      // load after a recovery before the next kill
    std::chrono::seconds tail{5};         // load after the last recovery
    std::chrono::seconds recover_timeout{120};
    std::chrono::seconds drain_timeout{180};
    std::chrono::seconds lag_timeout{120};
    std::chrono::seconds progress_every{5};
};

// Returns the process exit code: 0 when every expectation held, 1 otherwise.
int run_chaos(const Options& o);

}  // namespace ocms::chaos
