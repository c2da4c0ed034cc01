// court.update: CAS's update of one court notice (spec 001 1.3, one record of
// POST /v1/updateCourtNotices). The payload is read and checked by common/court (the edge checks
// the same way before it publishes); the VON row is locked, the stage looked up, the domain
// decides (domain/court.hpp), and exactly the fields present are written: VON (spec 001's data
// mapping), the internet-zone copy for the columns it has, and ocms_offence_notice_detail for
// last_eburar_update. Absent = unchanged, null = cleared.
//
// Not read through contract::decode<CourtUpdate> as the other handlers read theirs:
// court::check_court_record already is this payload's one reader (the edge's too), and it does
// more than decode: every failing field at once (decode stops at the first) in OCMS-4022's
// errors, and the values read (cents, times) and checked. Decoding first would check the shape
// twice, and a refusal would get decode's answer instead of spec 001's.
#include "court/court_record.hpp"
#include "domain/audit.hpp"
#include "handler.hpp"
#include "handlers/notice_store.hpp"
#include "stage_store/stage_store.hpp"

#include "core/money.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocms::worker {

namespace {

namespace f = domain::court_field;

// A field of the update as the set statement reads it: "p_<column>": true when the field is
// present (absent = unchanged), "<column>": its value when it has one (left out = NULL).
template <class T, class Write>
void field(json::Writer& w, const char* present_key, const char* value_key, const domain::Field<T>& f, Write write) {
    if (!f.present()) return;
    json::kv(w, present_key, true);
    if (f.has_value()) {
        w.Key(value_key);
        write(f.value());
    }
}

// Writes decided updates, at most one per notice, in one statement: exactly the fields present
// (VON: spec 001's data mapping, payment_allowance -> payment_allowance_flag; the internet-zone
// copy for the columns it has, all but atoms_flag, as the internet zone's audit user;
// ocms_offence_notice_detail.last_eburar_update, made with the value when the row is missing, and
// cleared only where a row exists).
store::Db<void> write_updates(pg::Connection& db, const std::vector<std::pair<const domain::CourtUpdate*, std::string_view>>& writes,
                              TimePoint now) {
    if (writes.empty()) return {};
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    auto text = [&](const std::string& v) { w.String(v.data(), rapidjson::SizeType(v.size())); };
    auto time = [&](const TimePoint& t) { text(format_offset(t)); };
    auto cents = [&](const std::int64_t& c) { text(money::format_cents(c)); };
    w.StartArray();
    for (const auto& [u, officer] : writes) {
        w.StartObject();
        json::kv(w, "notice_no", u->notice_no.value());
        json::kv(w, "officer", officer);
        field(w, "p_suspension_type", "suspension_type", u->suspension_type, text);
        field(w, "p_atoms_flag", "atoms_flag", u->atoms_flag, text);
        field(w, "p_last_processing_date", "last_processing_date", u->last_processing_date, time);
        field(w, "p_next_processing_stage", "next_processing_stage", u->next_processing_stage, text);
        field(w, "p_amount_payable", "amount_payable", u->amount_payable_cents, cents);
        field(w, "p_payment_allowance_flag", "payment_allowance_flag", u->payment_allowance, text);
        field(w, "p_epr_reason_of_suspension", "epr_reason_of_suspension", u->epr_reason_of_suspension, text);
        const bool internet = u->suspension_type.present() || u->last_processing_date.present() ||
                              u->next_processing_stage.present() || u->amount_payable_cents.present() ||
                              u->payment_allowance.present() || u->epr_reason_of_suspension.present();
        json::kv(w, "von", internet || u->atoms_flag.present());
        json::kv(w, "ez", internet);
        if (u->last_eburar_update.has_value()) {
            json::kv(w, "eburar", std::string_view("set"));
            json::kv(w, "eburar_value", u->last_eburar_update.value());
        } else if (u->last_eburar_update.is_null()) {
            json::kv(w, "eburar", std::string_view("clear"));
        }
        w.EndObject();
    }
    w.EndArray();
    // Each column: the new value when its field is present, else as it is.
#define OCMS_COURT_SET(t, col) #col " = CASE WHEN u.p_" #col " THEN u." #col " ELSE " #t "." #col " END, "
    auto r = store::write_rows(
        db, "ocms_worker_court_updates",
        "WITH u AS MATERIALIZED (SELECT * FROM jsonb_to_recordset($1::jsonb) AS u(notice_no text, officer text, "
        "p_suspension_type boolean, suspension_type text, p_atoms_flag boolean, atoms_flag text, "
        "p_last_processing_date boolean, last_processing_date timestamptz, p_next_processing_stage boolean, "
        "next_processing_stage text, p_amount_payable boolean, amount_payable numeric, p_payment_allowance_flag boolean, "
        "payment_allowance_flag text, p_epr_reason_of_suspension boolean, epr_reason_of_suspension text, von boolean, "
        "ez boolean, eburar text, eburar_value text)), "
        "von AS (UPDATE ocms_valid_offence_notice v SET " OCMS_COURT_SET(v, suspension_type) OCMS_COURT_SET(v, atoms_flag)
            OCMS_COURT_SET(v, last_processing_date) OCMS_COURT_SET(v, next_processing_stage)
                OCMS_COURT_SET(v, amount_payable) OCMS_COURT_SET(v, payment_allowance_flag)
                    OCMS_COURT_SET(v, epr_reason_of_suspension)
        "upd_date = $2::timestamptz, upd_user_id = u.officer, is_sync = 'N' FROM u "
        "WHERE v.notice_no = u.notice_no AND u.von), "
        "ez AS (UPDATE eocms_valid_offence_notice e SET " OCMS_COURT_SET(e, suspension_type)
            OCMS_COURT_SET(e, last_processing_date) OCMS_COURT_SET(e, next_processing_stage)
                OCMS_COURT_SET(e, amount_payable) OCMS_COURT_SET(e, payment_allowance_flag)
                    OCMS_COURT_SET(e, epr_reason_of_suspension)
        "upd_date = $2::timestamptz, upd_user_id = $3 FROM u WHERE e.notice_no = u.notice_no AND u.ez), "
        "det AS (INSERT INTO ocms_offence_notice_detail (notice_no, last_eburar_update, cre_date, cre_user_id) "
        "SELECT notice_no, eburar_value, $2::timestamptz, officer FROM u WHERE u.eburar = 'set' "
        "ON CONFLICT (notice_no) DO UPDATE SET last_eburar_update = EXCLUDED.last_eburar_update, "
        "upd_date = EXCLUDED.cre_date, upd_user_id = EXCLUDED.cre_user_id) "
        "UPDATE ocms_offence_notice_detail d SET last_eburar_update = NULL, upd_date = $2::timestamptz, "
        "upd_user_id = u.officer FROM u WHERE d.notice_no = u.notice_no AND u.eburar = 'clear'",
        sb, now);
#undef OCMS_COURT_SET
    if (!r) return std::unexpected(r.error());
    return {};
}

std::string reply_data(const domain::CourtDecision& d) {
    if (!d.code.is_success()) return court::errors_json(d.errors);
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    w.Key("updatedFields");
    w.StartArray();
    for (auto field : d.updated_fields) w.String(field.data(), rapidjson::SizeType(field.size()));
    w.EndArray();
    w.EndObject();
    return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace

// Checks each record, decides it on whether its notice exists (locked by the processor) and
// whether its stage is known (the stage reference data, read once per batch), then writes the
// decided updates in one statement.
std::expected<void, pg::PgError> court_updates(SetContext& ctx, std::span<SetItem> items) {
    std::vector<std::optional<domain::CourtUpdate>> records(items.size());
    bool any_stage = false;
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto record = court::check_court_record(*items[i].payload);
        if (!record) {
            items[i].result = HandlerResult{domain::court_message::kInvalidData.code,
                                            std::string(domain::court_message::kInvalidData),
                                            court::errors_json(record.error())};
            continue;
        }
        any_stage = any_stage || record->next_processing_stage.has_value();
        records[i] = std::move(*record);
    }
    std::optional<domain::StageReference> own;
    const domain::StageReference* ref = nullptr;
    if (any_stage) {
        if (ctx.reasons && ctx.reasons->stage) {
            ref = &*ctx.reasons->stage;
        } else {
            auto r = stage_store::load_reference(ctx.db);
            if (!r) return std::unexpected(r.error());
            ref = ctx.reasons ? &ctx.reasons->stage.emplace(std::move(*r)) : &own.emplace(std::move(*r));
        }
    }
    std::vector<std::pair<const domain::CourtUpdate*, std::string_view>> writes;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!records[i]) continue;
        const domain::CourtUpdate& u = *records[i];
        bool stage_known = false;
        if (u.next_processing_stage.has_value())
            stage_known = std::any_of(ref->stages.begin(), ref->stages.end(), [&](const domain::StageRow& s) {
                return s.stage.value() == u.next_processing_stage.value();
            });
        auto decision = domain::decide_court_update(u, items[i].notice != nullptr, stage_known);
        items[i].result = HandlerResult{decision.code, decision.message, reply_data(decision)};
        // The officer is the envelope's: the edge sends "CAS".
        if (decision.code.is_success() && !decision.updated_fields.empty())
            writes.emplace_back(&u, items[i].command->officer);
    }
    if (auto r = write_updates(ctx.db, writes, ctx.now); !r) return std::unexpected(r.error());
    return {};
}

}  // namespace ocms::worker
