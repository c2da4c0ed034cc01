#pragma once
// The command catalogue (issue 15, first step): every command type OCMS applies, once, with what
// each part needs to know of it. The edge takes a type's topic from here, the worker its handler's
// schema, topic and fault reply, the scheduler the auto-revival's type; nothing else spells a type
// or maps it to a topic. Adding a command type: a schema under schemas/commands/, an entry here,
// a domain module and a worker handler (consumers/worker/handler_table.cpp).
//
// Header-only and constexpr (no I/O, no allocation): any target may include it.
#include "core/error.hpp"
#include "domain/messages.hpp"
#include "messages/messages.hpp"

#include <array>
#include <string_view>

namespace ocms::contract {

struct CommandKind {
    std::string_view type;    // the envelope's "type"
    int version;              // the envelope's "schemaVersion"
    std::string_view topic;   // where commands of this type are published (key = notice number)
    std::string_view schema;  // the payload's schema: schemas/<schema>.schema.json
    // The reply when the command hits a permanent database fault (it is parked): each spec has
    // its own words for it.
    domain::Message fault;
};

inline constexpr CommandKind kSuspensionApply{"suspension.apply", 1, messages::kTopicSuspension,
                                              "commands/suspension.apply.v1", domain::ts_message::kSystemError};
inline constexpr CommandKind kRevivalApply{"revival.apply", 1, messages::kTopicRevival, "commands/revival.apply.v1",
                                           domain::revival_message::kBackendError};
inline constexpr CommandKind kStageChange{"stage.change", 1, messages::kTopicStage, "commands/stage.change.v1",
                                          domain::stage_message::kUnexpected};
inline constexpr CommandKind kCourtUpdate{"court.update", 1, messages::kTopicCourt, "commands/court.update.v1",
                                          domain::court_message::kServerError};

inline constexpr std::array kCatalogue{kSuspensionApply, kRevivalApply, kStageChange, kCourtUpdate};

// The entry of a type and version; nullptr when OCMS has none.
constexpr const CommandKind* find(std::string_view type, int version) {
    for (const auto& k : kCatalogue)
        if (k.type == type && k.version == version) return &k;
    return nullptr;
}

// The topic of a type (any version: a type keeps its topic); "" when OCMS has no such type.
constexpr std::string_view topic_of(std::string_view type) {
    for (const auto& k : kCatalogue)
        if (k.type == type) return k.topic;
    return {};
}

}  // namespace ocms::contract
