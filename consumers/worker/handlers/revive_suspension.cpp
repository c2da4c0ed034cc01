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

#include <algorithm>

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

namespace {

// The latest unrevived record of the requested type, of every notice asked about (one statement).
store::Db<std::map<std::string, domain::SuspensionRecord>> open_records(
    pg::Connection& db, const std::vector<std::pair<std::string, std::string>>& notice_types) {
    std::map<std::string, domain::SuspensionRecord> out;
    if (notice_types.empty()) return out;
    std::vector<std::string> notices, types;
    for (const auto& [n, t] : notice_types) {
        notices.push_back(n);
        types.push_back(t);
    }
    auto rec = db.exec_prepared(
        "ocms_worker_open_records",
        "SELECT DISTINCT ON (s.notice_no) s.notice_no, s.sr_no, s.suspension_type, s.reason_of_suspension, "
        "(extract(epoch FROM s.due_date_of_revival) * 1000000)::bigint "
        "FROM unnest($1::text[], $2::text[]) AS u(notice_no, suspension_type) "
        "JOIN ocms_suspended_notice s ON s.notice_no = u.notice_no AND s.suspension_type = u.suspension_type "
        "AND s.date_of_revival IS NULL ORDER BY s.notice_no, s.sr_no DESC",
        {pg::text_array(notices), pg::text_array(types)});
    if (!rec) return std::unexpected(rec.error());
    for (int i = 0; i < rec->rows(); ++i) {
        domain::SuspensionRecord r{rec->get_int(i, 1), std::string(rec->get(i, 2)),
                                   ReasonCode(std::string(rec->get(i, 3))), std::nullopt};
        if (!rec->is_null(i, 4)) r.due_date_of_revival = from_micros(rec->get_int(i, 4));
        out.emplace(std::string(rec->get(i, 0)), std::move(r));
    }
    return out;
}

// Writes decided revivals, at most one per notice, in one statement: VON (spec 004 4.1), every
// open record of the type up to the decided one, the internet-zone copy.
store::Db<void> write_revivals(pg::Connection& db, const std::vector<std::pair<const domain::ReviveTs*, const domain::ReviveEffect*>>& writes,
                               TimePoint now) {
    if (writes.empty()) return {};
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartArray();
    for (const auto& [cmd, e] : writes) {
        w.StartObject();
        json::kv(w, "notice_no", cmd->notice_no.value());
        json::kv(w, "suspension_type", cmd->suspension_type);
        json::kv(w, "next_date", format_offset(e->next_processing_date));
        json::kv(w, "refund", e->refund_identified);
        json::kv(w, "dor", format_offset(e->date_of_revival));
        json::kv(w, "reason", cmd->revival_reason.value());
        json::kv(w, "officer", cmd->officer);
        json::kv_if(w, "remarks", cmd->remarks);
        json::kv(w, "sr_no", std::int64_t(e->sr_no));
        w.EndObject();
    }
    w.EndArray();
    auto r = store::write_rows(
        db, "ocms_worker_write_revivals",
        "WITH u AS MATERIALIZED (SELECT * FROM jsonb_to_recordset($1::jsonb) AS u(notice_no text, suspension_type text, "
        "next_date timestamptz, refund boolean, dor timestamptz, reason text, officer text, remarks text, sr_no bigint)), "
        "von AS (UPDATE ocms_valid_offence_notice v SET suspension_type = NULL, epr_reason_of_suspension = NULL, "
        "epr_date_of_suspension = NULL, crs_reason_of_suspension = NULL, crs_date_of_suspension = NULL, "
        "due_date_of_revival = NULL, next_processing_date = u.next_date, "
        "refund_identified_date = CASE WHEN u.refund THEN $2::timestamptz ELSE v.refund_identified_date END, "
        "is_sync = 'N', upd_date = $2::timestamptz, upd_user_id = u.officer FROM u WHERE v.notice_no = u.notice_no), "
        "rec AS (UPDATE ocms_suspended_notice s SET date_of_revival = u.dor, revival_reason = u.reason, "
        "officer_authorising_revival = u.officer, revival_remarks = u.remarks, upd_date = u.dor, upd_user_id = u.officer "
        "FROM u WHERE s.notice_no = u.notice_no AND s.suspension_type = u.suspension_type "
        "AND s.date_of_revival IS NULL AND s.sr_no <= u.sr_no) "
        "UPDATE eocms_valid_offence_notice e SET suspension_type = NULL, epr_reason_of_suspension = NULL, "
        "crs_reason_of_suspension = NULL, due_date_of_revival = NULL, upd_date = $2::timestamptz, upd_user_id = $3 "
        "FROM u WHERE e.notice_no = u.notice_no",
        sb, now);
    if (!r) return std::unexpected(r.error());
    return {};
}

// The HST register (domain::hst_register_entry_ends), after the revival is written.
store::Db<void> end_hst_entry(pg::Connection& db, const domain::ReviveTs& cmd, const std::string& id) {
    // Lock the register row first: two workers reviving two notices of one tenant must not both
    // see the other's notice still open and both keep the row.
    auto lock = db.exec("SELECT 1 FROM ocms_hst WHERE id_no = $1 FOR UPDATE", {id});
    if (!lock) return std::unexpected(lock.error());
    auto open = db.exec(
        "SELECT count(*) FROM ocms_offence_notice_owner_driver o JOIN ocms_valid_offence_notice v USING (notice_no)"
        " JOIN LATERAL (SELECT reason_of_suspension FROM ocms_suspended_notice s WHERE s.notice_no = v.notice_no"
        "   AND s.suspension_type = 'TS' AND s.date_of_revival IS NULL ORDER BY sr_no DESC LIMIT 1) l ON true"
        " WHERE o.id_no = $1 AND v.suspension_type = 'TS' AND l.reason_of_suspension = 'HST'",
        {id});
    if (!open) return std::unexpected(open.error());
    if (domain::hst_register_entry_ends(cmd, open->get_int(0, 0))) {
        auto del = db.exec("DELETE FROM ocms_hst WHERE id_no = $1", {id});
        if (!del) return std::unexpected(del.error());
    }
    return {};
}

}  // namespace

// Decides each revival on its notice's locked state and open record, writes the decided ones in
// one statement, then the looping re-applies (decided on the notice as the revival left it) in
// one more, then the HST register.
std::expected<void, pg::PgError> revive_suspensions(SetContext& ctx, std::span<SetItem> items) {
    struct Decided {
        SetItem* item;
        revival_apply::Request request;
        domain::ReviveDecision decision;
        std::optional<domain::ApplyTs> again;
        std::optional<domain::TsDecision> reapply;
    };
    std::vector<Decided> decided;
    decided.reserve(items.size());
    std::vector<std::pair<std::string, std::string>> wanted;
    std::vector<revival_apply::Request> requests(items.size());
    std::vector<bool> parsed(items.size(), false);
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto request = revival_apply::parse_request(*items[i].payload);
        if (!request) {
            items[i].result = std::move(request.error());
            continue;
        }
        requests[i] = std::move(*request);
        parsed[i] = true;
        if (items[i].notice) wanted.emplace_back(requests[i].revive.notice_no.value(), requests[i].revive.suspension_type);
    }
    auto records = open_records(ctx.db, wanted);
    if (!records) return std::unexpected(records.error());
    // Spec 004 4.1: next_processing_date = now + REVIVAL / NEXT_PROCESSING_DAYS (seeded 2).
    auto days_text = store::next_processing_days(ctx.db, ctx.reasons);
    if (!days_text) return std::unexpected(days_text.error());
    const auto days = domain::parse_next_processing_days(
        *days_text ? std::optional<std::string_view>(**days_text) : std::nullopt);

    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!parsed[i]) continue;
        auto& item = items[i];
        const domain::ReviveTs& cmd = requests[i].revive;
        std::optional<domain::RevivalNotice> state;
        std::optional<domain::SuspensionRecord> record;
        bool loops = false;
        if (item.notice) {
            const auto& n = item.notice->state;
            state = domain::RevivalNotice{n.last_processing_stage, item.notice->court_stage, n.suspension_type,
                                          n.payment_status};
            if (auto it = records->find(cmd.notice_no.value()); it != records->end()) {
                record = it->second;
                auto l = store::code_loops(ctx.db, record->suspension_type, record->reason, ctx.reasons);
                if (!l) return std::unexpected(l.error());
                loops = *l;
            }
        }
        auto reason = store::revival_reason(ctx.db, cmd.revival_reason, ctx.reasons);
        if (!reason) return std::unexpected(reason.error());
        if (!days && state && state->suspension_type)
            log::warn("revival parameter missing or corrupt",
                      {{"commandId", item.command->command_id.value()}, {"noticeNo", cmd.notice_no.value()},
                       {"parameter", "REVIVAL/NEXT_PROCESSING_DAYS"},
                       {"value", days_text->value_or("<missing>")}});
        auto decision = domain::decide_revival(cmd, state, record, *reason, loops, ctx.now, days);
        decided.push_back({&item, std::move(requests[i]), std::move(decision), std::nullopt, std::nullopt});
    }

    std::vector<std::pair<const domain::ReviveTs*, const domain::ReviveEffect*>> writes;
    for (const auto& d : decided)
        if (d.decision.effect) writes.emplace_back(&d.request.revive, &*d.decision.effect);
    if (auto r = write_revivals(ctx.db, writes, ctx.now); !r) return std::unexpected(r.error());

    // The looping TS again, decided by the apply rules on the notice as the revival left it: no
    // suspension, no revival date; its stage, payments and latest record's code as they were (a
    // revival adds no record).
    std::vector<store::TsWrite> again_writes;
    std::vector<Decided*> again_of;
    for (auto& d : decided) {
        if (!d.decision.effect || !d.decision.loop_code) continue;
        domain::NoticeState now_state = d.item->notice->state;
        now_state.suspension_type.reset();
        now_state.due_date_of_revival.reset();
        auto rows = store::reason_rows(ctx.db, "TS", *d.decision.loop_code, ctx.reasons);
        if (!rows) return std::unexpected(rows.error());
        d.again = domain::looping_reapply(d.request.revive, *d.decision.loop_code);
        d.reapply = domain::decide_apply_ts(*d.again, now_state, *rows, ctx.now);
        if (d.reapply->effect) {
            again_writes.push_back({&*d.again, &*d.reapply->effect});
            again_of.push_back(&d);
        }
    }
    auto sr_nos = store::write_ts(ctx.db, again_writes, ctx.now);
    if (!sr_nos) return std::unexpected(sr_nos.error());

    for (auto& d : decided) {
        HandlerResult result{d.decision.code, d.decision.message, ""};
        if (d.reapply) {
            result.message = domain::looping_message(*d.decision.loop_code, *d.reapply);
            auto at = std::find(again_of.begin(), again_of.end(), &d);
            if (at != again_of.end()) {
                rapidjson::StringBuffer sb;
                json::Writer w(sb);
                w.StartObject();
                json::kv(w, "srNo", std::int64_t((*sr_nos)[std::size_t(at - again_of.begin())]));
                json::kv(w, "dueDateOfRevival", format_local(d.reapply->effect->due_date_of_revival));
                json::kv(w, "loopingCode", std::string_view(d.decision.loop_code->value()));
                w.EndObject();
                result.data_json.assign(sb.GetString(), sb.GetSize());
            }
        }
        if (d.decision.effect && d.request.revive.channel == domain::RevivalChannel::hst && d.request.hst_id_no)
            if (auto r = end_hst_entry(ctx.db, d.request.revive, *d.request.hst_id_no); !r)
                return std::unexpected(r.error());
        d.item->result = std::move(result);
    }
    return {};
}

}  // namespace ocms::worker
