#include "reason_list.hpp"

#include "http/routes.hpp"
#include "core/log.hpp"
#include "domain/suspension.hpp"
#include "read_response.hpp"

namespace ocms::edge {

namespace reason_list {

std::string source_for(const auth::Claims& claims) {
    return std::string(claims.has_role(roles::kStaff) ? domain::source::kStaffPortal : domain::source::kPlus);
}

namespace {
std::optional<std::string_view> given_string(const json::Value& body, const char* key) {
    auto it = body.FindMember(key);
    if (it == body.MemberEnd() || it->value.IsNull()) return std::nullopt;
    if (!it->value.IsString()) return std::string_view{};  // refused below
    return std::string_view(it->value.GetString(), it->value.GetStringLength());
}
}  // namespace

Result<ReasonQuery> parse(const json::Value& body, const auth::Claims& claims) {
    if (!body.IsObject()) return fail(codes::kBadRequest, "the body must be a JSON object");
    ReasonQuery q;
    auto type = given_string(body, "suspensionType");
    if (!type) return fail(codes::kBadRequest, "missing required field 'suspensionType'");
    if (*type != "TS" && *type != "PS") return fail(codes::kBadRequest, "suspensionType must be TS or PS");
    q.suspension_type = std::string(*type);
    if (auto status = given_string(body, "status")) {
        if (*status != "A" && *status != "I") return fail(codes::kBadRequest, "status must be A or I");
        q.status = std::string(*status);
    }
    q.source = source_for(claims);
    return q;
}

std::string render(const std::vector<ReasonRow>& rows) {
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    read_response::begin(w);
    for (const auto& r : rows) {
        w.StartObject();
        json::kv(w, "code", std::string_view(r.code));
        json::kv(w, "description", std::string_view(r.description));
        w.Key("suspensionDays");
        if (r.suspension_days) w.Int(*r.suspension_days);
        else w.Null();
        json::kv(w, "looping", r.looping);
        w.Key("allowedStages");
        w.StartArray();
        for (const auto& s : r.allowed_stages) w.String(s.data(), rapidjson::SizeType(s.size()));
        w.EndArray();
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return {sb.GetString(), sb.GetSize()};
}

}  // namespace reason_list

namespace handlers {

void suspension_reason_list(std::shared_ptr<const reads::Deps> deps, std::shared_ptr<Exchange> ex,
                            const json::Value* body, HandlerDone done) {
    auto q = reason_list::parse(*body, ex->claims);
    if (!q) return done(std::unexpected(ApiError{ErrorKind::bad_request, "Invalid request: " + q.error().message}));
    if (!deps->store)
        return done(std::unexpected(ApiError{ErrorKind::internal, std::string(reason_list::kUnavailable)}));
    deps->store->reasons(std::move(*q), ex->executor,
                         [ex, done = std::move(done)](ReadResult<std::vector<ReasonRow>> rows) {
                             if (!rows) {
                                 log::error("suspension reason list read failed",
                                            {{"requestId", ex->request_id.value()}, {"error", rows.error().message}});
                                 return done(std::unexpected(
                                     ApiError{ErrorKind::internal, std::string(reason_list::kUnavailable)}));
                             }
                             done(HandlerOk{200, reason_list::render(*rows)});
                         });
}

}  // namespace handlers

}  // namespace ocms::edge
