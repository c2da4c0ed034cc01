#include "handler.hpp"

#include "domain/court.hpp"
#include "domain/revival.hpp"

#include <algorithm>

namespace ocms::worker {

const std::vector<HandlerEntry>& handler_table() {
    static const std::vector<HandlerEntry> table{
        {"suspension.apply", 1, messages::kTopicSuspension, &apply_suspension, codes::kSystemError,
         "System error occurred during processing."},
        {"revival.apply", 1, messages::kTopicRevival, &revive_suspension, codes::kInternal,
         std::string(domain::revival_message::kBackendError)},
        // Spec 003 section 3: OCMS.CPS.UNEXPECTED (HTTP 500) "Unexpected server error".
        {"stage.change", 1, messages::kTopicStage, &change_stage, codes::kInternal, "Unexpected server error"},
        // Spec 001 1.3: OCMS-5000 "Something went wrong. Please try again later."
        {"court.update", 1, messages::kTopicCourt, &court_update, codes::kInternal,
         std::string(domain::court_message::kServerError)},
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
