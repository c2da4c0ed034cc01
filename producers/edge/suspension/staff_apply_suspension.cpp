#include "staff_apply_suspension.hpp"

#include "dispatch/batch_response.hpp"
#include "contract/payloads.hpp"
#include "core/ids.hpp"
#include "json/schema_registry.hpp"

#include <set>

namespace ocms::edge {

namespace staff_apply {

Result<std::vector<messages::Command>> build_commands(const json::Value& body, const RequestId& request_id,
                                                      TimePoint now, const json::SchemaRegistry* schemas) {
    const json::Value* notices = json::get_array(body, "noticeNo");
    if (!notices || notices->Empty()) return fail(codes::kBadRequest, "noticeNo must list at least one notice");
    std::set<std::string_view> seen;
    for (const auto& n : notices->GetArray()) {
        if (!n.IsString()) return fail(codes::kBadRequest, "noticeNo must be a list of strings");
        std::string_view s(n.GetString(), n.GetStringLength());
        if (!seen.insert(s).second) return fail(codes::kBadRequest, "Duplicate notice number: " + std::string(s));
    }
    const std::string officer(json::get_string(body, "officerAuthorisingSuspension").value_or(""));
    // One payload for every notice of the request; only the notice differs. The officer is always
    // written (an empty one fails the schema's minLength: a 400 now, not a dead letter later).
    contract::SuspensionApply p;
    p.suspension_type = std::string(json::get_string(body, "suspensionType").value_or(""));
    p.reason_of_suspension = ReasonCode(std::string(json::get_string(body, "reasonOfSuspension").value_or("")));
    if (auto r = json::get_string(body, "suspensionRemarks")) p.suspension_remarks = std::string(*r);
    p.officer_authorising_suspension = officer;
    p.checking = json::get_bool(body, "checking");
    // one trace for every command of the request
    const contract::Origin origin{std::string(kSource), officer, request_id, TraceId(new_uuid()), now, std::nullopt};
    const int size = int(notices->Size());
    std::vector<messages::Command> out;
    out.reserve(std::size_t(size));
    for (int i = 0; i < size; ++i) {
        const auto& n = (*notices)[rapidjson::SizeType(i)];
        p.notice_no = NoticeNo(std::string(n.GetString(), n.GetStringLength()));
        auto c = contract::make_command(p, origin, messages::BatchPos{i, size});
        if (auto refused = refuse_by_schema(schemas, c)) return std::unexpected(*refused);
        out.push_back(std::move(c));
    }
    return out;
}

Answer assemble(const RequestId& request_id, const std::vector<DispatchItem>& items) {
    return answer_batch(request_id, items);
}

}  // namespace staff_apply

namespace handlers {

void staff_apply_suspension(std::shared_ptr<const suspension::Deps> deps, std::shared_ptr<Exchange> ex,
                            const json::Value* body, HandlerDone done) {
    auto commands = staff_apply::build_commands(*body, ex->request_id, deps->clock(), deps->schemas.get());
    if (!commands) return done(std::unexpected(ApiError{ErrorKind::bad_request, commands.error().message}));
    auto request_id = ex->request_id;
    dispatch_for(*deps->gateway, *ex, std::move(*commands),
                               [request_id, done = std::move(done)](std::vector<DispatchItem> items) {
                                   auto a = staff_apply::assemble(request_id, items);
                                   done(HandlerOk{a.status, std::move(a.body)});
                               });
}

}  // namespace handlers

}  // namespace ocms::edge
