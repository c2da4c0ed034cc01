// revival.apply: revive one notice's TS or PS (spec 004), and for an automatic revival of a
// looping code re-apply the same TS (new sr_no, new due date) in the same transaction.
// Field updates of spec 004 section 4: VON suspension fields cleared and next_processing_date
// = now + 2 days; the internet-zone copy cleared; every open record of that type on the notice
// gets date_of_revival, revival_reason, officer and remarks. The payload is read through its
// contract (revive_suspension.hpp).
#include "revive_suspension.hpp"

#include "contract/payloads.hpp"
#include "core/log.hpp"
#include "domain/audit.hpp"
#include "notice_store.hpp"

namespace ocms::worker {

namespace revival_apply {

std::expected<Request, HandlerResult> parse_request(const json::Value& payload) {
    auto p = contract::decode<contract::RevivalApply>(payload);
    if (!p) return std::unexpected(payload_refused(contract::kRevivalApply, p.error()));
    Request r;
    auto& cmd = r.revive;
    cmd.notice_no = std::move(p->notice_no);
    cmd.suspension_type = std::move(p->suspension_type);
    cmd.revival_reason = std::move(p->revival_reason);
    cmd.remarks = std::move(p->revival_remarks);
    cmd.officer = std::move(p->officer_authorising_revival);
    cmd.channel = p->channel;
    r.hst_id_no = std::move(p->hst_id_no);
    return r;
}

}  // namespace revival_apply

std::expected<HandlerResult, pg::PgError> revive_suspension(HandlerContext& ctx) {
    auto request = revival_apply::parse_request(ctx.payload);
    if (!request) return std::move(request.error());
    const domain::ReviveTs& cmd = request->revive;
    const std::string& notice = cmd.notice_no.value();

    // The notice, locked, with its stage facts.
    auto von = ctx.db.exec(
        "SELECT v.last_processing_stage, coalesce(s.is_court_stage, false), v.suspension_type, v.payment_status "
        "FROM ocms_valid_offence_notice v LEFT JOIN ocms_processing_stage s ON s.stage = v.last_processing_stage "
        "WHERE v.notice_no = $1 FOR UPDATE OF v",
        {notice});
    if (!von) return std::unexpected(von.error());
    std::optional<domain::RevivalNotice> state;
    if (von->rows() == 1)
        state = domain::RevivalNotice{Stage(std::string(von->get(0, 0))), von->get_bool(0, 1), von->opt(0, 2),
                                      von->opt(0, 3)};
    // The latest open record of the requested type.
    std::optional<domain::SuspensionRecord> record;
    bool loops = false;
    if (state) {
        auto rec = ctx.db.exec(
            "SELECT sr_no, suspension_type, reason_of_suspension, "
            "(extract(epoch FROM due_date_of_revival) * 1000000)::bigint "
            "FROM ocms_suspended_notice WHERE notice_no = $1 AND suspension_type = $2 AND date_of_revival IS NULL "
            "ORDER BY sr_no DESC LIMIT 1",
            {notice, cmd.suspension_type});
        if (!rec) return std::unexpected(rec.error());
        if (rec->rows() == 1) {
            record = domain::SuspensionRecord{rec->get_int(0, 0), std::string(rec->get(0, 1)),
                                              ReasonCode(std::string(rec->get(0, 2))), std::nullopt};
            if (!rec->is_null(0, 3)) record->due_date_of_revival = from_micros(rec->get_int(0, 3));
            auto rule = ctx.db.exec(
                "SELECT looping FROM ocms_suspension_reason_rule WHERE suspension_type = $1 AND reason_of_suspension = $2",
                {record->suspension_type, record->reason.value()});
            if (!rule) return std::unexpected(rule.error());
            loops = rule->rows() == 1 && rule->get_bool(0, 0);
        }
    }
    auto reason_row = ctx.db.exec(
        "SELECT description, status = 'A' FROM ocms_revival_reason WHERE revival_reason = $1", {cmd.revival_reason.value()});
    if (!reason_row) return std::unexpected(reason_row.error());
    std::optional<domain::RevivalReasonRow> reason;
    if (reason_row->rows() == 1)
        reason = domain::RevivalReasonRow{cmd.revival_reason, std::string(reason_row->get(0, 0)), reason_row->get_bool(0, 1)};

    // Spec 004 4.1: next_processing_date = now + REVIVAL / NEXT_PROCESSING_DAYS (seeded 2).
    auto days_row = ctx.db.exec(
        "SELECT value FROM ocms_parameter WHERE parameter_id = 'REVIVAL' AND code = 'NEXT_PROCESSING_DAYS'", {});
    if (!days_row) return std::unexpected(days_row.error());
    std::optional<std::string_view> days_text;
    if (days_row->rows() == 1 && !days_row->is_null(0, 0)) days_text = days_row->get(0, 0);
    const auto days = domain::parse_next_processing_days(days_text);
    if (!days && state && state->suspension_type)
        log::warn("revival parameter missing or corrupt",
                  {{"commandId", ctx.command.command_id.value()}, {"noticeNo", notice},
                   {"parameter", "REVIVAL/NEXT_PROCESSING_DAYS"}, {"value", std::string(days_text.value_or("<missing>"))}});

    auto decision = domain::decide_revival(cmd, state, record, reason, loops, ctx.now, days);
    HandlerResult result{decision.code, decision.message, ""};
    if (!decision.effect) return result;

    const auto& e = *decision.effect;
    const std::string at = format_offset(ctx.now);
    pg::Param remarks = cmd.remarks ? pg::Param(*cmd.remarks) : std::nullopt;
    auto von_upd = ctx.db.exec(
        "UPDATE ocms_valid_offence_notice SET suspension_type = NULL, epr_reason_of_suspension = NULL, "
        "epr_date_of_suspension = NULL, crs_reason_of_suspension = NULL, crs_date_of_suspension = NULL, "
        "due_date_of_revival = NULL, next_processing_date = $2::timestamptz, "
        "refund_identified_date = CASE WHEN $3 THEN $4::timestamptz ELSE refund_identified_date END, "
        "is_sync = 'N', upd_date = $4::timestamptz, upd_user_id = $5 WHERE notice_no = $1",
        {notice, format_offset(e.next_processing_date), std::string(e.refund_identified ? "true" : "false"), at,
         cmd.officer});
    if (!von_upd) return std::unexpected(von_upd.error());
    auto rec_upd = ctx.db.exec(
        "UPDATE ocms_suspended_notice SET date_of_revival = $3::timestamptz, revival_reason = $4, "
        "officer_authorising_revival = $5, revival_remarks = $6, upd_date = $3::timestamptz, upd_user_id = $5 "
        "WHERE notice_no = $1 AND suspension_type = $2 AND date_of_revival IS NULL AND sr_no <= $7",
        {notice, cmd.suspension_type, format_offset(e.date_of_revival), cmd.revival_reason.value(), cmd.officer, remarks,
         std::to_string(e.sr_no)});
    if (!rec_upd) return std::unexpected(rec_upd.error());
    auto mirror = ctx.db.exec(
        "UPDATE eocms_valid_offence_notice SET suspension_type = NULL, epr_reason_of_suspension = NULL, "
        "crs_reason_of_suspension = NULL, due_date_of_revival = NULL, upd_date = $2::timestamptz, "
        "upd_user_id = $3 WHERE notice_no = $1",
        {notice, at, std::string(domain::audit_user::kInternet)});
    if (!mirror) return std::unexpected(mirror.error());

    if (decision.loop_code) {
        // The looping TS again, decided by the apply rules on the notice as it now is.
        auto now_state = store::lock_notice(ctx.db, cmd.notice_no);
        if (!now_state) return std::unexpected(now_state.error());
        auto rows = store::reason_rows(ctx.db, "TS", *decision.loop_code, ctx.reasons);
        if (!rows) return std::unexpected(rows.error());
        auto again = domain::looping_reapply(cmd, *decision.loop_code);
        auto reapply = domain::decide_apply_ts(again, *now_state, *rows, ctx.now);
        result.message = domain::looping_message(*decision.loop_code, reapply);
        if (reapply.effect) {
            auto sr = store::write_ts(ctx.db, again, *reapply.effect, ctx.now);
            if (!sr) return std::unexpected(sr.error());
            rapidjson::StringBuffer sb;
            json::Writer w(sb);
            w.StartObject();
            json::kv(w, "srNo", std::int64_t(*sr));
            json::kv(w, "dueDateOfRevival", format_local(reapply.effect->due_date_of_revival));
            json::kv(w, "loopingCode", std::string_view(decision.loop_code->value()));
            w.EndObject();
            result.data_json.assign(sb.GetString(), sb.GetSize());
        }
    }
    // The HST register (domain::hst_register_entry_ends).
    if (cmd.channel == domain::RevivalChannel::hst) {
        if (const auto& id = request->hst_id_no) {
            // Lock the register row first: two workers reviving two notices of one tenant must
            // not both see the other's notice still open and both keep the row.
            auto lock = ctx.db.exec("SELECT 1 FROM ocms_hst WHERE id_no = $1 FOR UPDATE", {*id});
            if (!lock) return std::unexpected(lock.error());
            auto open = ctx.db.exec(
                "SELECT count(*) FROM ocms_offence_notice_owner_driver o JOIN ocms_valid_offence_notice v USING (notice_no)"
                " JOIN LATERAL (SELECT reason_of_suspension FROM ocms_suspended_notice s WHERE s.notice_no = v.notice_no"
                "   AND s.suspension_type = 'TS' AND s.date_of_revival IS NULL ORDER BY sr_no DESC LIMIT 1) l ON true"
                " WHERE o.id_no = $1 AND v.suspension_type = 'TS' AND l.reason_of_suspension = 'HST'",
                {*id});
            if (!open) return std::unexpected(open.error());
            if (domain::hst_register_entry_ends(cmd, open->get_int(0, 0))) {
                auto del = ctx.db.exec("DELETE FROM ocms_hst WHERE id_no = $1", {*id});
                if (!del) return std::unexpected(del.error());
            }
        }
    }
    return result;
}

}  // namespace ocms::worker
