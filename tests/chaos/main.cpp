// ocms-chaos: kill -9 and restart the parts of a running OCMS platform during a steady load, then
// check that nothing accepted was lost or applied twice and nothing refused changed anything.
//   ocms-chaos                      short form (ctest label chaos): one kill of each part, ~2-3 min
//   ocms-chaos --minutes N          long form (infra/chaos): kill cycles for N minutes
// Options: --rate R (requests/s, 10), --per-request K (notices, 5), --revive-every N (4),
//          --down S (seconds a part stays down, 3), --settle S (load between kills, 10),
//          --plan worker,edge,kafka,postgresql (the order of the kills).
// Settings: the environment of .data/ocms.env (infra/test and infra/chaos export it).
#include "core/config.hpp"
#include "core/log.hpp"
#include "run.hpp"

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

namespace {

void usage() {
    std::cerr << "usage: ocms-chaos [--minutes N] [--rate R] [--per-request K] [--revive-every N] [--down S] "
                 "[--settle S] [--plan worker,edge,kafka,postgresql]\n";
}

}  // namespace

int main(int argc, char** argv) {
    using namespace ocms;
    log::init("ocms-chaos", config::env_or("OCMS_LOG_LEVEL", "info"));
    chaos::Options o;
    try {
        for (int i = 1; i < argc; ++i) {
            std::string a = argv[i];
            auto value = [&]() -> std::string {
                if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
                return argv[++i];
            };
            if (a == "--minutes") {
                double m = std::stod(value());
                if (m <= 0) throw std::invalid_argument("--minutes must be positive");
                o.repeat = true;
                o.duration = std::chrono::seconds(static_cast<long long>(m * 60));
                o.settle = std::chrono::seconds(20);
            } else if (a == "--rate") {
                o.rate = std::stod(value());
                if (o.rate <= 0 || o.rate > 2000) throw std::invalid_argument("--rate must be in (0, 2000]");
            } else if (a == "--per-request") {
                o.per_request = std::stoi(value());
                if (o.per_request < 1 || o.per_request > 10) throw std::invalid_argument("--per-request must be 1..10");
            } else if (a == "--revive-every") {
                o.revive_every = std::stoi(value());
                if (o.revive_every < 0) throw std::invalid_argument("--revive-every must be >= 0 (0: no revivals)");
            } else if (a == "--down") {
                o.down = std::chrono::seconds(std::stoi(value()));
            } else if (a == "--settle") {
                o.settle = std::chrono::seconds(std::stoi(value()));
            } else if (a == "--plan") {
                o.plan.clear();
                std::stringstream ss(value());
                for (std::string part; std::getline(ss, part, ',');) {
                    auto p = chaos::part_from(part);
                    if (!p) throw std::invalid_argument("unknown part in --plan: " + part);
                    o.plan.push_back(*p);
                }
                if (o.plan.empty()) throw std::invalid_argument("--plan names no part");
            } else if (a == "-h" || a == "--help") {
                usage();
                return 0;
            } else {
                throw std::invalid_argument("unknown argument: " + a);
            }
        }
    } catch (const std::exception& e) {
        std::cerr << "ocms-chaos: " << e.what() << "\n";
        usage();
        return 2;
    }
    try {
        return chaos::run_chaos(o);
    } catch (const std::exception& e) {
        log::error("chaos run failed", {{"error", e.what()}});
        std::cout << "[chaos] FAIL: " << e.what() << std::endl;
        return 1;
    }
}
