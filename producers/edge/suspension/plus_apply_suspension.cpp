#include "plus_apply_suspension.hpp"

#include "contract/payloads.hpp"
#include "core/ids.hpp"
#include "domain/suspension.hpp"
#include "json/schema_registry.hpp"

namespace ocms::edge {

namespace plus_apply {

Result<Plan> plan(const json::Value& body, const RequestId& request_id, TimePoint now,
                  const json::SchemaRegistry* schemas) {
    const std::string notice(json::get_string(body, "notice_no").value_or(""));
    if (notice.empty()) return fail(codes::kBadRequest, "notice_no is required");
    const auto date_text = json::get_string(body, "date_of_suspension").value_or("");
    const auto date = parse_iso(date_text);
    if (!date)
        return fail(codes::kBadRequest,
                    "Invalid request: date_of_suspension must be an ISO 8601 date-time such as 2025-03-22T19:00:02 "
                    "(no zone = Singapore time), not '" + std::string(date_text) + "'");

    std::optional<std::string> claimed;
    if (auto src = json::get_string(body, "suspension_source")) claimed = std::string(*src);
    if (!domain::claimed_source_allowed(claimed, kSource)) {
        Plan p;
        p.refusal = ResultItem{NoticeNo(notice), codes::kBadRequest, std::string(domain::ts_message::kSourceNotAuthorized),
                               "", std::nullopt};
        return p;
    }

    contract::SuspensionApply payload;
    payload.notice_no = NoticeNo(notice);
    payload.suspension_type = std::string(json::get_string(body, "suspension_type").value_or(""));
    payload.reason_of_suspension = ReasonCode(std::string(json::get_string(body, "reason_of_suspension").value_or("")));
    if (auto r = json::get_string(body, "suspension_remarks")) payload.suspension_remarks = std::string(*r);
    const std::string officer(json::get_string(body, "officer_authorising_suspension").value_or(""));
    payload.officer_authorising_suspension = officer;
    // An explicit offset: the topic is read by other systems, so the instant must not depend on
    // a reader knowing that "no zone" means Singapore.
    payload.date_of_suspension = format_offset(*date);
    auto c = contract::make_command(payload, contract::Origin{std::string(kSource), officer, request_id,
                                                              TraceId(new_uuid()), now, std::nullopt},
                                    messages::BatchPos{0, 1});
    if (auto refused = refuse_by_schema(schemas, c)) return std::unexpected(*refused);
    Plan p;
    p.command = std::move(c);
    return p;
}

BatchAnswer refusal_answer(const RequestId& request_id, const ResultItem& refusal) {
    BatchBody b;
    b.request_id = request_id;
    b.total = 1;
    b.items.push_back(refusal);
    return BatchAnswer{200u, write_batch(b)};
}

}  // namespace plus_apply

namespace handlers {

void plus_apply_suspension(std::shared_ptr<const suspension::Deps> deps, std::shared_ptr<Exchange> ex,
                           const json::Value* body, HandlerDone done) {
    auto planned = plus_apply::plan(*body, ex->request_id, deps->clock(), deps->schemas.get());
    if (!planned) return done(std::unexpected(ApiError{ErrorKind::bad_request, planned.error().message}));
    if (planned->refusal) {
        auto a = plus_apply::refusal_answer(ex->request_id, *planned->refusal);
        return done(HandlerOk{a.status, std::move(a.body)});
    }
    std::vector<messages::Command> commands;
    commands.push_back(std::move(*planned->command));
    auto request_id = ex->request_id;
    dispatch_for(*deps->gateway, *ex, std::move(commands),
                               [request_id, done = std::move(done)](std::vector<DispatchItem> items) {
                                   auto a = answer_batch(request_id, items);
                                   done(HandlerOk{a.status, std::move(a.body)});
                               });
}

}  // namespace handlers

}  // namespace ocms::edge
