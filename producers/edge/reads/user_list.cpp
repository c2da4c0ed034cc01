#include "user_list.hpp"

#include "core/log.hpp"
#include "read_response.hpp"

namespace ocms::edge {

namespace user_list {

Result<UserQuery> parse(const json::Value& body) {
    if (!body.IsObject()) return fail(codes::kBadRequest, "the body must be a JSON object");
    UserQuery q;
    auto it = body.FindMember("status");
    if (it != body.MemberEnd() && !it->value.IsNull()) {
        std::string_view s = it->value.IsString()
                                 ? std::string_view(it->value.GetString(), it->value.GetStringLength())
                                 : std::string_view{};
        if (s != "A" && s != "I") return fail(codes::kBadRequest, "status must be A or I");
        q.status = std::string(s);
    }
    return q;
}

std::string render(const std::vector<UserRow>& rows) {
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    read_response::begin(w);
    for (const auto& u : rows) {
        w.StartObject();
        json::kv(w, "userId", std::string_view(u.user_id));
        json::kv(w, "firstName", std::string_view(u.first_name));
        json::kv(w, "lastName", std::string_view(u.last_name));
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return {sb.GetString(), sb.GetSize()};
}

}  // namespace user_list

namespace handlers {

void user_list(std::shared_ptr<const reads::Deps> deps, std::shared_ptr<Exchange> ex,
               const json::Value* body, HandlerDone done) {
    auto q = user_list::parse(*body);
    if (!q) return done(std::unexpected(ApiError{ErrorKind::bad_request, "Invalid request: " + q.error().message}));
    if (!deps->store)
        return done(std::unexpected(ApiError{ErrorKind::internal, std::string(user_list::kUnavailable)}));
    deps->store->users(std::move(*q), ex->executor, [ex, done = std::move(done)](ReadResult<std::vector<UserRow>> rows) {
        if (!rows) {
            log::error("user list read failed", {{"requestId", ex->request_id.value()}, {"error", rows.error().message}});
            return done(std::unexpected(ApiError{ErrorKind::internal, std::string(user_list::kUnavailable)}));
        }
        done(HandlerOk{200, user_list::render(*rows)});
    });
}

}  // namespace handlers

}  // namespace ocms::edge
