// ocms-replay: support tool; see replay.hpp and README.md "How to replay".
#include "core/config.hpp"
#include "core/log.hpp"
#include "replay.hpp"

#include <iostream>

int main(int argc, char** argv) {
    using namespace ocms;
    log::init("ocms-replay", config::env_or("OCMS_LOG_LEVEL", "warn"));
    std::string err;
    auto opts = replay::parse_args(argc, argv, err);
    if (!opts) {
        std::cerr << err << "\n";
        return 64;
    }
    opts->brokers = config::env_or("OCMS_KAFKA_BROKERS", opts->brokers);
    opts->pg_url = config::env_or("OCMS_PG_URL", "");
    if (opts->operator_name.empty()) opts->operator_name = config::env_or("USER", "unknown");
    replay::Summary summary;
    return replay::run(*opts, summary);
}
