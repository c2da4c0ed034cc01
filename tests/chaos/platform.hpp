#pragma once
// The platform as the chaos driver touches it, only through what an operator has: infra/lib.sh's
// kill9 (kill -9 by the pid files of .data/run), `infra/run --detach --no-build` (starts whatever
// is down), the health endpoints, and the broker's own record of the workers' group (committed
// offsets against the high watermarks).
//
// Every function blocks; call them from the runner's thread. Settings come from the environment
// infra/test exports (.data/ocms.env).
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocms::chaos {

enum class Part { worker, edge, kafka, postgresql };
const char* part_name(Part p);
std::optional<Part> part_from(std::string_view name);

struct Killed {
    bool ok = false;
    std::string pids;  // what was killed (or why nothing was)
};
// kill -9 the part now (PostgreSQL: the postmaster and its backends at once, a crash).
Killed kill9(Part p);

struct Restarted {
    int rc = -1;
    double seconds = 0;
};
// infra/run --detach --no-build, its output appended to .data/log/chaos-restart.log.
Restarted restart_what_is_down();

struct Health {
    bool edge = false, worker = false, postgresql = false, kafka = false;
    bool all() const { return edge && worker && postgresql && kafka; }
    std::string text() const;
};
Health health();

// The command topics the workers consume.
const std::vector<std::string>& command_topics();

// Sum of the high watermarks of a topic's partitions; nullopt when the broker does not answer.
std::optional<long long> end_offsets(const std::string& topic);

struct Lag {
    bool known = false;
    long long total = 0;
    std::map<std::string, long long> per_topic;  // high watermark - committed, over the partitions
};
// The workers' group (OCMS_WORKER_GROUP, default ocms-worker) on the command topics.
Lag command_lag();

}  // namespace ocms::chaos
