#include "handler.hpp"

#include "contract/catalogue.hpp"
#include "handlers/notice_store.hpp"

#include <algorithm>
#include <map>

namespace ocms::worker {

namespace {

enum class Locks { processor, handler };  // who locks and reads the notices of a set

// One command alone (the careful path, a retry): its notice locked and read here when the set
// handler expects that of the processor, then the set handler with a set of one.
HandlerFn one_at_a_time(SetHandlerFn set_fn, Locks locks) {
    return [set_fn = std::move(set_fn), locks](HandlerContext& ctx) -> std::expected<HandlerResult, pg::PgError> {
        std::map<std::string, store::LockedNotice> locked;
        if (locks == Locks::processor) {
            auto r = store::lock_notices(ctx.db, {ctx.command.notice_no.value()});
            if (!r) return std::unexpected(r.error());
            locked = std::move(*r);
        }
        auto it = locked.find(ctx.command.notice_no.value());
        SetItem item{&ctx.command, &ctx.payload, it == locked.end() ? nullptr : &it->second, {}};
        SetContext set{ctx.db, ctx.now, ctx.reasons};
        if (auto r = set_fn(set, std::span<SetItem>(&item, 1)); !r) return std::unexpected(r.error());
        return std::move(item.result);
    };
}

HandlerEntry entry(const contract::CommandKind& kind, SetHandlerFn set_fn, Locks locks = Locks::processor) {
    HandlerFn fn = one_at_a_time(set_fn, locks);
    return HandlerEntry{std::string(kind.type), kind.version,     std::string(kind.topic),
                        std::move(fn),          std::move(set_fn), kind.fault.code,
                        std::string(kind.fault.text)};
}

}  // namespace

// One handler per entry of the catalogue (common/contract): its type, topic and fault reply come
// from there.
const std::vector<HandlerEntry>& handler_table() {
    static const std::vector<HandlerEntry> table{
        entry(contract::kSuspensionApply, &apply_suspensions),
        entry(contract::kRevivalApply, &revive_suspensions),
        entry(contract::kStageChange, &change_stages, Locks::handler),
        entry(contract::kCourtUpdate, &court_updates),
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
