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

std::expected<HandlerResult, pg::PgError> apply_suspension(HandlerContext& ctx) {
    auto request = suspension_apply::parse_request(ctx.payload, ctx.command);
    if (!request) return std::move(request.error());
    const domain::ApplyTs& cmd = *request;

    auto state = store::lock_notice(ctx.db, cmd.notice_no);
    if (!state) return std::unexpected(state.error());
    auto rows = store::reason_rows(ctx.db, cmd.suspension_type, cmd.reason, ctx.reasons);
    if (!rows) return std::unexpected(rows.error());

    auto decision = domain::decide_apply_ts(cmd, *state, *rows, ctx.now);
    HandlerResult result{decision.code, decision.message, ""};
    std::optional<long long> sr_no;
    if (decision.effect) {
        auto written = store::write_ts(ctx.db, cmd, *decision.effect, ctx.now);
        if (!written) return std::unexpected(written.error());
        sr_no = *written;
    }
    // srNo and the due date on a success (no srNo when checking); nothing on a refusal.
    if (decision.code == codes::kSuccess && decision.due_date_of_revival) {
        rapidjson::StringBuffer sb;
        json::Writer w(sb);
        w.StartObject();
        if (sr_no) json::kv(w, "srNo", std::int64_t(*sr_no));
        json::kv(w, "dueDateOfRevival", format_local(*decision.due_date_of_revival));
        w.EndObject();
        result.data_json.assign(sb.GetString(), sb.GetSize());
    }
    return result;
}

}  // namespace ocms::worker
