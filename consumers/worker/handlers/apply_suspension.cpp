// suspension.apply: apply a TS to one notice (spec 002, API 3 and API 5).
// In the caller's transaction: lock the VON row, read the reason's reference rows, decide
// (domain), then write VON, the suspension record and the internet-zone copy (notice_store). The
// payload is read through its contract (apply_suspension.hpp).
#include "apply_suspension.hpp"

#include "contract/payloads.hpp"
#include "notice_store.hpp"

namespace ocms::worker {

namespace suspension_apply {

std::expected<domain::ApplyTs, HandlerResult> parse_request(const json::Value& payload,
                                                            const messages::Command& command) {
    auto p = contract::decode<contract::SuspensionApply>(payload);
    if (!p) return std::unexpected(payload_refused(contract::kSuspensionApply, p.error()));
    domain::ApplyTs cmd;
    cmd.notice_no = std::move(p->notice_no);
    cmd.suspension_type = std::move(p->suspension_type);
    cmd.reason = std::move(p->reason_of_suspension);
    cmd.remarks = std::move(p->suspension_remarks);
    cmd.officer = std::move(p->officer_authorising_suspension).value_or(command.officer);
    cmd.source = command.source;
    cmd.checking = p->checking.value_or(false);
    if (p->date_of_suspension) {
        auto t = parse_iso(*p->date_of_suspension);
        if (!t)
            return std::unexpected(HandlerResult{codes::kBadRequest, "dateOfSuspension is not an ISO 8601 date-time", ""});
        cmd.date_of_suspension = *t;
    }
    return cmd;
}

}  // namespace suspension_apply

// Decides each TS on its notice's locked state and writes the decided ones in one statement.
std::expected<void, pg::PgError> apply_suspensions(SetContext& ctx, std::span<SetItem> items) {
    struct Decided {
        SetItem* item;
        domain::ApplyTs cmd;
        domain::TsDecision decision;
    };
    std::vector<Decided> decided;
    decided.reserve(items.size());
    for (auto& item : items) {
        auto request = suspension_apply::parse_request(*item.payload, *item.command);
        if (!request) {
            item.result = std::move(request.error());
            continue;
        }
        auto rows = store::reason_rows(ctx.db, request->suspension_type, request->reason, ctx.reasons);
        if (!rows) return std::unexpected(rows.error());
        std::optional<domain::NoticeState> state;
        if (item.notice) state = item.notice->state;
        auto decision = domain::decide_apply_ts(*request, state, *rows, ctx.now);
        decided.push_back({&item, std::move(*request), std::move(decision)});
    }
    std::vector<store::TsWrite> writes;
    for (const auto& d : decided)
        if (d.decision.effect) writes.push_back({&d.cmd, &*d.decision.effect});
    auto sr_nos = store::write_ts(ctx.db, writes, ctx.now);
    if (!sr_nos) return std::unexpected(sr_nos.error());

    std::size_t written = 0;
    for (auto& d : decided) {
        std::optional<long long> sr_no;
        if (d.decision.effect) sr_no = (*sr_nos)[written++];
        HandlerResult result{d.decision.code, d.decision.message, ""};
        // srNo and the due date on a success (no srNo when checking); nothing on a refusal.
        if (d.decision.code == codes::kSuccess && d.decision.due_date_of_revival) {
            rapidjson::StringBuffer sb;
            json::Writer w(sb);
            w.StartObject();
            if (sr_no) json::kv(w, "srNo", std::int64_t(*sr_no));
            json::kv(w, "dueDateOfRevival", format_local(*d.decision.due_date_of_revival));
            w.EndObject();
            result.data_json.assign(sb.GetString(), sb.GetSize());
        }
        d.item->result = std::move(result);
    }
    return {};
}

}  // namespace ocms::worker
