#include "envelope.hpp"

#include "domain/stage.hpp"
#include "json/json.hpp"
#include "messages/messages.hpp"

namespace ocms::edge {

namespace {

// Spec 003 section 3: request validation is OCMS.CPS.INVALID_FORMAT, an unexpected fault
// OCMS.CPS.UNEXPECTED; authentication keeps the platform's OCMS-4001 (spec 003 names none).
std::string_view cps_default_code(ErrorKind kind, const AppCode& app) {
    switch (kind) {
        case ErrorKind::bad_request:
        case ErrorKind::unsupported_media_type:
        case ErrorKind::headers_too_large: return domain::stage_code::kInvalidFormat;
        case ErrorKind::internal: return domain::stage_code::kUnexpected;
        default: return app.str();
    }
}

// The message as valid UTF-8, an invalid byte and NUL as U+FFFD: a message may quote the request
// (its path, a query parameter), whose bytes are anyone's, and the body must stay JSON that any
// reader takes, json::parse too, which refuses \u0000 (found by tests/fuzz: a 404 for a path with
// byte 0xFF was not JSON; after issue 14, a path with a NUL byte).
std::string utf8_text(std::string_view s) {
    if (messages::valid_utf8(s) && s.find('\0') == std::string_view::npos) return std::string(s);
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        if (n > 0 && c != 0 && i + n <= s.size() && messages::valid_utf8(s.substr(i, n))) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

}  // namespace

RenderedError render_error(EnvelopeStyle style, const ApiError& e) {
    RenderedError r{500, codes::kInternal, {}};
    switch (e.kind) {
        case ErrorKind::bad_request: r.status = 400; r.code = codes::kBadRequest; break;
        case ErrorKind::unauthorized: r.status = 401; r.code = codes::kNotFound; break;  // OCMS-4001
        case ErrorKind::forbidden: r.status = 403; r.code = codes::kNotFound; break;     // OCMS-4001
        case ErrorKind::not_found: r.status = 404; r.code = codes::kBadRequest; break;
        case ErrorKind::method_not_allowed: r.status = 405; r.code = codes::kBadRequest; break;
        case ErrorKind::unsupported_media_type: r.status = 415; r.code = codes::kBadRequest; break;
        case ErrorKind::headers_too_large: r.status = 431; r.code = codes::kBadRequest; break;
        case ErrorKind::unprocessable: r.status = 422; r.code = codes::kBadRequest; break;
        case ErrorKind::internal: r.status = 500; r.code = codes::kInternal; break;
    }
    const std::string message = utf8_text(e.message);
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    switch (style) {
        case EnvelopeStyle::ocms_data:
            w.Key("data");
            w.StartObject();
            json::kv(w, "appCode", std::string_view(e.code.empty() ? std::string(r.code.str()) : e.code));
            json::kv(w, "message", std::string_view(message));
            w.EndObject();
            break;
        case EnvelopeStyle::success_error:
            json::kv(w, "success", false);
            w.Key("error");
            w.StartObject();
            json::kv(w, "code", std::string_view(e.code.empty() ? std::string(cps_default_code(e.kind, r.code)) : e.code));
            json::kv(w, "message", std::string_view(message));
            w.EndObject();
            break;
        case EnvelopeStyle::status_failed:
            json::kv(w, "status", std::string_view("FAILED"));
            json::kv(w, "code", std::string_view(e.code.empty() ? std::string(r.code.str()) : e.code));
            json::kv(w, "message", std::string_view(message));
            break;
        case EnvelopeStyle::ocms_flat:
            json::kv(w, "appCode", std::string_view(e.code.empty() ? std::string(r.code.str()) : e.code));
            json::kv(w, "message", std::string_view(message));
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
