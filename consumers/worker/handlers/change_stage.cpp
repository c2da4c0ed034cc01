// stage.change: change the processing stage of a notice (OCMS 15, spec 003): a staff portal
// submit (2.3), a PLUS manual change (2.6) or one notice of a Toppan print run (2.7). The rules
// are domain/stage.hpp's; the reads and writes stage_store's; this file maps the payloads in and
// the decisions out. For a set of changes (one per notice): the VON rows locked and read in one
// statement (stage_store::load_notices for_update), the reference data once per batch, each
// decision in order, and all effects in one statement, in the caller's transaction.
#include "change_stage.hpp"

#include "notice_store.hpp"
#include "stage_store/stage_store.hpp"

namespace ocms::worker {

namespace stage_change {

namespace {

std::string to_json(const std::function<void(json::Writer&)>& body) {
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    body(w);
    w.EndObject();
    return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace

std::string_view outcome_name(domain::ChangeOutcome o) {
    switch (o) {
        case domain::ChangeOutcome::updated: return "UPDATED";
        case domain::ChangeOutcome::failed: return "FAILED";
        case domain::ChangeOutcome::warning: return "WARNING";
    }
    return "FAILED";
}

std::string_view toppan_kind_name(domain::ToppanKind k) {
    switch (k) {
        case domain::ToppanKind::automatic: return "automatic";
        case domain::ToppanKind::manual: return "manual";
        case domain::ToppanKind::skipped: return "skipped";
    }
    return "skipped";
}

std::string_view toppan_skip_name(domain::ToppanSkip s) {
    switch (s) {
        case domain::ToppanSkip::not_found: return "not_found";
        case domain::ToppanSkip::court_stage: return "court_stage";
        case domain::ToppanSkip::ps_blocked: return "ps_blocked";
        case domain::ToppanSkip::stage_mismatch: return "stage_mismatch";
        case domain::ToppanSkip::pending_manual_change: return "pending_manual_change";
        case domain::ToppanSkip::no_next_stage: return "no_next_stage";
    }
    return "not_found";
}

std::expected<Request, RequestFault> parse_request(const json::Value& payload) {
    auto p = contract::decode<contract::StageChange>(payload);
    if (!p)
        return std::unexpected(RequestFault{std::string(domain::stage_code::kInvalidFormat),
                                            payload_refusal(contract::kStageChange, p.error())});
    Request r;
    r.mode = p->mode;
    auto& c = r.change;
    c.notice_no = std::move(p->notice_no);
    c.api = r.mode == Mode::plus ? domain::StageApi::plus : domain::StageApi::submit;
    c.source = std::move(p->source);
    c.new_stage = std::move(p->new_stage);
    c.current_stage = std::move(p->current_stage);
    c.offender_type = std::move(p->offender_type);
    c.reason = std::move(p->reason);
    c.remarks = std::move(p->remarks);
    c.officer = std::move(p->officer);
    c.dh_mha_check = p->dh_mha_check.value_or(false);
    c.is_confirmation = p->is_confirmation.value_or(false);

    // The dates as sent; one that is no real time is the spec's INVALID_FORMAT (named as the wire
    // names it: the reply's words).
    auto date = [](std::string_view key,
                   const std::optional<std::string>& s) -> std::expected<std::optional<TimePoint>, RequestFault> {
        if (!s) return std::optional<TimePoint>{};
        auto t = parse_iso(*s);
        if (!t)
            return std::unexpected(RequestFault{std::string(domain::stage_code::kInvalidFormat),
                                                "Invalid " + std::string(key) + ": " + *s});
        return std::optional<TimePoint>(*t);
    };
    auto new_stage_date = date("newStageDate", p->new_stage_date);
    if (!new_stage_date) return std::unexpected(new_stage_date.error());
    c.new_stage_date = *new_stage_date;
    auto processing_date = date("processingDate", p->processing_date);
    if (!processing_date) return std::unexpected(processing_date.error());
    r.processing_date = *processing_date;

    if (r.mode == Mode::toppan) {
        if (!c.current_stage) return std::unexpected(RequestFault{std::string(domain::stage_code::kMissingData), "Required field missing: currentStage"});
        if (!r.processing_date)
            return std::unexpected(RequestFault{std::string(domain::stage_code::kMissingData), "Required field missing: processingDate"});
    }
    return r;
}

HandlerResult fault_result(const RequestFault& fault) {
    return HandlerResult{codes::kBadRequest, fault.message, to_json([&](json::Writer& w) {
                             json::kv(w, "code", std::string_view(fault.code));
                             json::kv(w, "outcome", outcome_name(domain::ChangeOutcome::failed));
                         })};
}

HandlerResult change_result(const domain::StageDecision& d) {
    return HandlerResult{d.app_code, d.message, to_json([&](json::Writer& w) {
                             json::kv(w, "code", std::string_view(d.code));
                             json::kv(w, "outcome", outcome_name(d.outcome));
                             if (d.previous_stage) json::kv(w, "previousStage", std::string_view(d.previous_stage->value()));
                             if (d.new_stage) json::kv(w, "newStage", std::string_view(d.new_stage->value()));
                         })};
}

HandlerResult toppan_result(const domain::ToppanDecision& d, const std::optional<domain::StageNotice>& notice) {
    HandlerResult r;
    switch (d.kind) {
        case domain::ToppanKind::automatic:
            r.code = codes::kSuccess;
            r.message = std::string(domain::stage_message::kSuccess);
            break;
        case domain::ToppanKind::manual:
            r.code = codes::kSuccess;
            r.message = std::string(kToppanManualMessage);
            break;
        case domain::ToppanKind::skipped:
            r.code = d.skip == domain::ToppanSkip::not_found ? codes::kNotFound : codes::kBusinessRule;
            r.message = d.message;
            break;
    }
    r.data_json = to_json([&](json::Writer& w) {
        json::kv(w, "toppan", toppan_kind_name(d.kind));
        if (d.skip) json::kv(w, "skip", toppan_skip_name(*d.skip));
        if (d.effect) {
            // automatic: the stage it left and the one it reached; manual: the officer's move.
            if (d.effect->von.prev_processing_stage)
                json::kv(w, "previousStage", std::string_view(d.effect->von.prev_processing_stage->value()));
            json::kv(w, "newStage", std::string_view(d.effect->von.last_processing_stage.value()));
        } else if (notice) {
            json::kv(w, "previousStage", std::string_view(notice->last_processing_stage.value()));
        }
    });
    return r;
}

}  // namespace stage_change

// Decides each change on its notice as loaded (locked) and the stage reference data (read once
// per batch), then writes the decided effects in one statement.
std::expected<void, pg::PgError> change_stages(SetContext& ctx, std::span<SetItem> items) {
    std::vector<std::optional<stage_change::Request>> requests(items.size());
    std::vector<std::string> notices;
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto request = stage_change::parse_request(*items[i].payload);
        if (!request) {
            items[i].result = stage_change::fault_result(request.error());
            continue;
        }
        notices.push_back(request->change.notice_no.value());
        requests[i] = std::move(*request);
    }
    auto loaded = stage_store::load_notices(ctx.db, notices, stage_store::Lock::for_update);
    if (!loaded) return std::unexpected(loaded.error());
    const domain::StageReference* ref = nullptr;
    std::optional<domain::StageReference> own;
    if (ctx.reasons && ctx.reasons->stage) {
        ref = &*ctx.reasons->stage;
    } else if (!notices.empty()) {
        auto r = stage_store::load_reference(ctx.db);
        if (!r) return std::unexpected(r.error());
        if (ctx.reasons) ref = &ctx.reasons->stage.emplace(std::move(*r));
        else ref = &own.emplace(std::move(*r));
    }

    struct Decided {
        std::size_t index;
        std::optional<domain::StageChangeEffect> effect;
    };
    std::vector<Decided> decided;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!requests[i]) continue;
        const auto& request = *requests[i];
        const auto& cmd = request.change;
        std::optional<domain::StageNotice> notice;
        if (auto it = loaded->find(cmd.notice_no.value()); it != loaded->end()) notice = it->second;
        if (request.mode == stage_change::Mode::toppan) {
            auto decision = domain::classify_toppan(notice, *cmd.current_stage, *request.processing_date, *ref, ctx.now);
            items[i].result = stage_change::toppan_result(decision, notice);
            decided.push_back({i, std::move(decision.effect)});
        } else {
            auto decision = domain::decide_stage_change(cmd, notice, *ref, ctx.now);
            items[i].result = stage_change::change_result(decision);
            decided.push_back({i, std::move(decision.effect)});
        }
    }
    std::vector<stage_store::EffectWrite> writes;
    for (const auto& d : decided)
        if (d.effect) {
            const auto& cmd = requests[d.index]->change;
            writes.push_back({&cmd.notice_no, &*d.effect, cmd.officer});
        }
    if (auto r = stage_store::apply_effects(ctx.db, writes, ctx.now); !r) return std::unexpected(r.error());
    return {};
}

}  // namespace ocms::worker
