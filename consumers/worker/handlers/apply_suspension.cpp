// suspension.apply: apply a TS to one notice (spec 002, API 3 and API 5).
// In the caller's transaction: lock the VON row, read the reason's reference rows, decide
// (domain), then write VON, the suspension record and the internet-zone copy (notice_store).
#include "domain/suspension.hpp"
#include "handler.hpp"
#include "notice_store.hpp"

namespace ocms::worker {

std::expected<HandlerResult, pg::PgError> apply_suspension(HandlerContext& ctx) {
    const auto& p = ctx.payload;
    domain::ApplyTs cmd;
    cmd.notice_no = NoticeNo(std::string(json::get_string(p, "noticeNo").value_or("")));
    cmd.suspension_type = std::string(json::get_string(p, "suspensionType").value_or(""));
    cmd.reason = ReasonCode(std::string(json::get_string(p, "reasonOfSuspension").value_or("")));
    if (auto r = json::get_string(p, "suspensionRemarks")) cmd.remarks = std::string(*r);
    cmd.officer = std::string(json::get_string(p, "officerAuthorisingSuspension").value_or(ctx.command.officer));
    cmd.source = ctx.command.source;
    cmd.checking = json::get_bool(p, "checking").value_or(false);
    if (auto d = json::get_string(p, "dateOfSuspension")) {
        auto t = parse_iso(*d);
        if (!t) return HandlerResult{codes::kBadRequest, "dateOfSuspension is not an ISO 8601 date-time", ""};
        cmd.date_of_suspension = *t;
    }

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
