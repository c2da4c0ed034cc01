#pragma once
// What every feature that publishes commands uses (suspension, revival, stage, cas): the gateway,
// the schemas each command is checked against before it is published, and the clock. A
// feature's Deps derives from it and adds its own stores (<feature>/deps.hpp).
#include "core/time.hpp"

#include <memory>

namespace ocms::json {
class SchemaRegistry;
}

namespace ocms::edge {

class CommandGateway;

struct Publishing {
    std::shared_ptr<CommandGateway> gateway;
    std::shared_ptr<const json::SchemaRegistry> schemas;
    Clock clock = system_clock();
};

}  // namespace ocms::edge
