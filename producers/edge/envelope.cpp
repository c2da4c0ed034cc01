#include "envelope.hpp"

#include "json/json.hpp"

namespace ocms::edge {

RenderedError render_error(EnvelopeStyle style, const ApiError& e) {
    RenderedError r{500, codes::kInternal, {}};
    switch (e.kind) {
        case ErrorKind::bad_request: r.status = 400; r.code = codes::kBadRequest; break;
        case ErrorKind::unauthorized: r.status = 401; r.code = codes::kNotFound; break;  // OCMS-4001
        case ErrorKind::forbidden: r.status = 403; r.code = codes::kNotFound; break;     // OCMS-4001
        case ErrorKind::not_found: r.status = 404; r.code = codes::kBadRequest; break;
        case ErrorKind::method_not_allowed: r.status = 405; r.code = codes::kBadRequest; break;
        case ErrorKind::internal: r.status = 500; r.code = codes::kInternal; break;
    }
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    switch (style) {
        case EnvelopeStyle::ocms_data:
            w.Key("data");
            w.StartObject();
            json::kv(w, "appCode", r.code.str());
            json::kv(w, "message", std::string_view(e.message));
            w.EndObject();
            break;
        case EnvelopeStyle::success_error:
            json::kv(w, "success", false);
            w.Key("error");
            w.StartObject();
            json::kv(w, "code", r.code.str());
            json::kv(w, "message", std::string_view(e.message));
            w.EndObject();
            break;
        case EnvelopeStyle::ocms_flat:
            json::kv(w, "appCode", r.code.str());
            json::kv(w, "message", std::string_view(e.message));
            break;
    }
    w.EndObject();
    r.body.assign(sb.GetString(), sb.GetSize());
    return r;
}

bool sane_request_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

}  // namespace ocms::edge
