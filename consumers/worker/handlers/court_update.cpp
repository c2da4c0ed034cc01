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

#include "core/money.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocms::worker {

namespace {

namespace f = domain::court_field;

// One column to set: a fixed name from the whitelists below, its value as text (nullopt = NULL),
// and the cast its placeholder needs.
struct Set {
    std::string_view column;
    pg::Param value;
    std::string_view cast;  // "" or "::timestamptz", "::numeric"
};

pg::Param text_of(const domain::Field<std::string>& v) { return v.get(); }
pg::Param time_of(const domain::Field<TimePoint>& v) {
    return v.has_value() ? pg::Param(format_offset(v.value())) : std::nullopt;
}
pg::Param cents_of(const domain::Field<std::int64_t>& v) {
    return v.has_value() ? pg::Param(money::format_cents(v.value())) : std::nullopt;
}

// VON columns of spec 001's data mapping (payment_allowance -> payment_allowance_flag).
std::vector<Set> von_sets(const domain::CourtUpdate& u) {
    std::vector<Set> s;
    if (u.suspension_type.present()) s.push_back({"suspension_type", text_of(u.suspension_type), ""});
    if (u.atoms_flag.present()) s.push_back({"atoms_flag", text_of(u.atoms_flag), ""});
    if (u.last_processing_date.present())
        s.push_back({"last_processing_date", time_of(u.last_processing_date), "::timestamptz"});
    if (u.next_processing_stage.present()) s.push_back({"next_processing_stage", text_of(u.next_processing_stage), ""});
    if (u.amount_payable_cents.present()) s.push_back({"amount_payable", cents_of(u.amount_payable_cents), "::numeric"});
    if (u.payment_allowance.present()) s.push_back({"payment_allowance_flag", text_of(u.payment_allowance), ""});
    if (u.epr_reason_of_suspension.present())
        s.push_back({"epr_reason_of_suspension", text_of(u.epr_reason_of_suspension), ""});
    return s;
}

// The internet-zone copy has no atoms_flag (schemas/sql/0001_core.sql); the rest as VON.
std::vector<Set> internet_sets(const domain::CourtUpdate& u) {
    std::vector<Set> s = von_sets(u);
    std::erase_if(s, [](const Set& x) { return x.column == "atoms_flag"; });
    return s;
}

// UPDATE <table> SET <col> = $n<cast>, ..., <audit> WHERE notice_no = $1. Column names come from
// the fixed lists above only; every value is a parameter.
std::expected<pg::Result, pg::PgError> update(pg::Connection& db, std::string_view table, const std::vector<Set>& sets,
                                              const std::string& notice, const std::string& at, const std::string& user,
                                              std::string_view extra) {
    pg::Params params{notice, at, user};
    std::string sql = "UPDATE " + std::string(table) + " SET ";
    for (const auto& s : sets) {
        params.push_back(s.value);
        sql += std::string(s.column) + " = $" + std::to_string(params.size()) + std::string(s.cast) + ", ";
    }
    sql += "upd_date = $2::timestamptz, upd_user_id = $3";
    sql += extra;
    sql += " WHERE notice_no = $1";
    return db.exec(sql, params);
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

std::expected<HandlerResult, pg::PgError> court_update(HandlerContext& ctx) {
    auto record = court::check_court_record(ctx.payload);
    if (!record)
        return HandlerResult{domain::court_message::kInvalidData.code, std::string(domain::court_message::kInvalidData),
                             court::errors_json(record.error())};
    const domain::CourtUpdate& u = *record;
    const std::string& notice = u.notice_no.value();

    // The notice, locked, before anything is decided.
    auto von = ctx.db.exec("SELECT 1 FROM ocms_valid_offence_notice WHERE notice_no = $1 FOR UPDATE", {notice});
    if (!von) return std::unexpected(von.error());
    bool stage_known = false;
    if (u.next_processing_stage.has_value()) {
        auto stage = ctx.db.exec("SELECT 1 FROM ocms_processing_stage WHERE stage = $1", {u.next_processing_stage.value()});
        if (!stage) return std::unexpected(stage.error());
        stage_known = stage->rows() == 1;
    }

    auto decision = domain::decide_court_update(u, von->rows() == 1, stage_known);
    HandlerResult result{decision.code, decision.message, reply_data(decision)};
    if (!decision.code.is_success() || decision.updated_fields.empty()) return result;

    const std::string at = format_offset(ctx.now);
    const std::string& officer = ctx.command.officer;  // the edge sends "CAS"
    if (auto sets = von_sets(u); !sets.empty()) {
        auto r = update(ctx.db, "ocms_valid_offence_notice", sets, notice, at, officer, ", is_sync = 'N'");
        if (!r) return std::unexpected(r.error());
    }
    if (auto sets = internet_sets(u); !sets.empty()) {
        // The internet zone's audit user, as the other handlers write it.
        auto r = update(ctx.db, "eocms_valid_offence_notice", sets, notice, at, std::string(domain::audit_user::kInternet), "");
        if (!r) return std::unexpected(r.error());
    }
    if (u.last_eburar_update.has_value()) {
        // The detail row may not exist yet: make it with the value.
        auto r = ctx.db.exec(
            "INSERT INTO ocms_offence_notice_detail (notice_no, last_eburar_update, cre_date, cre_user_id) "
            "VALUES ($1, $2, $3::timestamptz, $4) ON CONFLICT (notice_no) DO UPDATE SET "
            "last_eburar_update = EXCLUDED.last_eburar_update, upd_date = EXCLUDED.cre_date, upd_user_id = EXCLUDED.cre_user_id",
            {notice, u.last_eburar_update.value(), at, officer});
        if (!r) return std::unexpected(r.error());
    } else if (u.last_eburar_update.is_null()) {
        // Clearing needs no row: a missing one has nothing to clear.
        auto r = ctx.db.exec(
            "UPDATE ocms_offence_notice_detail SET last_eburar_update = NULL, upd_date = $2::timestamptz, upd_user_id = $3 "
            "WHERE notice_no = $1",
            {notice, at, officer});
        if (!r) return std::unexpected(r.error());
    }
    return result;
}

}  // namespace ocms::worker
