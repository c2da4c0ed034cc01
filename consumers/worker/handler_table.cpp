#include "handler.hpp"

#include "contract/catalogue.hpp"

#include <algorithm>

namespace ocms::worker {

namespace {
HandlerEntry entry(const contract::CommandKind& kind, HandlerFn fn) {
    return HandlerEntry{std::string(kind.type), kind.version, std::string(kind.topic), std::move(fn), kind.fault.code,
                        std::string(kind.fault.text)};
}
}  // namespace

// One handler per entry of the catalogue (common/contract): its type, topic and fault reply come
// from there.
const std::vector<HandlerEntry>& handler_table() {
    static const std::vector<HandlerEntry> table{
        entry(contract::kSuspensionApply, &apply_suspension),
        entry(contract::kRevivalApply, &revive_suspension),
        entry(contract::kStageChange, &change_stage),
        entry(contract::kCourtUpdate, &court_update),
    };
    return table;
}

const HandlerEntry* find_handler(const std::string& type, int version) {
    for (const auto& h : handler_table())
        if (h.type == type && h.version == version) return &h;
    return nullptr;
}

std::vector<std::string> handled_topics() {
    std::vector<std::string> out;
    for (const auto& h : handler_table())
        if (std::find(out.begin(), out.end(), h.topic) == out.end()) out.push_back(h.topic);
    return out;
}

}  // namespace ocms::worker
