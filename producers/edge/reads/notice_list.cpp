#include "notice_list.hpp"

#include "core/log.hpp"
#include "read_response.hpp"

#include <algorithm>
#include <cctype>

namespace ocms::edge {

namespace notice_list {

const std::vector<FieldInfo>& field_catalogue() {
    static const std::vector<FieldInfo> all{
        {Field::notice_no, "noticeNo", true},
        {Field::vehicle_no, "vehicleNo", true},
        {Field::last_processing_stage, "lastProcessingStage", true},
        {Field::suspension_type, "suspensionType", true},
        {Field::reason_of_suspension, "reasonOfSuspension", true},
        {Field::notice_type, "noticeType", true},
        {Field::amount_paid, "amountPaid", true},
        {Field::amount_payable, "amountPayable", false},
        {Field::due_date_of_revival, "dueDateOfRevival", false},
        {Field::last_processing_date, "lastProcessingDate", false},
    };
    return all;
}

std::vector<Field> default_fields() {
    std::vector<Field> out;
    for (const auto& f : field_catalogue())
        if (f.by_default) out.push_back(f.field);
    return out;
}

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = char(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string known_names() {
    std::string out;
    for (const auto& f : field_catalogue()) out += (out.empty() ? "" : ", ") + std::string(f.name);
    return out;
}

// A member that is absent or null is "not given".
const json::Value* given(const json::Value& body, const char* key) {
    auto it = body.FindMember(key);
    if (it == body.MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
}

// A string or an array of strings -> the list (upper-cased). The schema checked the shapes.
Result<std::vector<std::string>> string_list(const json::Value& v, const char* key) {
    std::vector<std::string> out;
    if (v.IsString()) {
        out.push_back(upper({v.GetString(), v.GetStringLength()}));
        return out;
    }
    if (!v.IsArray() || v.Empty()) return fail(codes::kBadRequest, std::string(key) + " must be a string or a non-empty list of strings");
    for (const auto& item : v.GetArray()) {
        if (!item.IsString()) return fail(codes::kBadRequest, std::string(key) + " must be a string or a list of strings");
        std::string s = upper({item.GetString(), item.GetStringLength()});
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
    }
    return out;
}

}  // namespace

Result<std::vector<Field>> parse_fields(std::string_view spec) {
    std::vector<Field> out;
    while (true) {
        auto comma = spec.find(',');
        std::string_view name = trim(spec.substr(0, comma));
        if (!name.empty()) {
            auto it = std::find_if(field_catalogue().begin(), field_catalogue().end(),
                                   [&](const FieldInfo& f) { return f.name == name; });
            if (it == field_catalogue().end())
                return fail(codes::kBadRequest,
                            "unknown field '" + std::string(name) + "' in $field; known fields: " + known_names());
            if (std::find(out.begin(), out.end(), it->field) == out.end()) out.push_back(it->field);
        }
        if (comma == std::string_view::npos) break;
        spec.remove_prefix(comma + 1);
    }
    if (out.empty()) return default_fields();
    return out;
}

Result<Request> parse(const json::Value& body) {
    Request req;
    if (!body.IsObject()) return fail(codes::kBadRequest, "the body must be a JSON object");
    if (const auto* v = given(body, "$skip")) {
        if (!v->IsInt64() || v->GetInt64() < 0) return fail(codes::kBadRequest, "$skip must be an integer >= 0");
        req.query.skip = v->GetInt64();
    }
    if (const auto* v = given(body, "$limit")) {
        if (!v->IsInt64() || v->GetInt64() < 1 || v->GetInt64() > 100)
            return fail(codes::kBadRequest, "$limit must be an integer from 1 to 100");
        req.query.limit = int(v->GetInt64());
    }
    if (const auto* v = given(body, "$field")) {
        if (!v->IsString()) return fail(codes::kBadRequest, "$field must be a string");
        auto fields = parse_fields({v->GetString(), v->GetStringLength()});
        if (!fields) return std::unexpected(fields.error());
        req.fields = std::move(*fields);
    } else {
        req.fields = default_fields();
    }
    if (const auto* v = given(body, "noticeNo")) {
        auto list = string_list(*v, "noticeNo");
        if (!list) return std::unexpected(list.error());
        if (list->size() > 10) return fail(codes::kBadRequest, "noticeNo has more than 10 items");
        req.query.notice_nos = std::move(*list);
    }
    if (const auto* v = given(body, "vehicleNo")) {
        if (!v->IsString()) return fail(codes::kBadRequest, "vehicleNo must be a string");
        req.query.vehicle_no = upper({v->GetString(), v->GetStringLength()});
    }
    if (const auto* v = given(body, "lastProcessingStage")) {
        auto list = string_list(*v, "lastProcessingStage");
        if (!list) return std::unexpected(list.error());
        req.query.stages = std::move(*list);
    }
    if (const auto* v = given(body, "suspensionType")) {
        std::string_view t = v->IsString() ? std::string_view(v->GetString(), v->GetStringLength()) : "";
        if (t == "TS") req.query.suspension = SuspensionFilter::ts;
        else if (t == "PS") req.query.suspension = SuspensionFilter::ps;
        else if (t == "NONE") req.query.suspension = SuspensionFilter::none;
        else return fail(codes::kBadRequest, "suspensionType must be TS, PS or NONE");
    }
    return req;
}

std::string render(const Request& req, const NoticePage& page) {
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    read_response::begin(w);
    for (const auto& n : page.rows) {
        w.StartObject();
        for (Field f : req.fields) {
            switch (f) {
                case Field::notice_no: json::kv(w, "noticeNo", std::string_view(n.notice_no)); break;
                case Field::vehicle_no: read_response::string_or_null(w, "vehicleNo", n.vehicle_no); break;
                case Field::last_processing_stage:
                    json::kv(w, "lastProcessingStage", std::string_view(n.last_processing_stage));
                    break;
                case Field::suspension_type: read_response::string_or_null(w, "suspensionType", n.suspension_type); break;
                case Field::reason_of_suspension:
                    read_response::string_or_null(w, "reasonOfSuspension", n.reason_of_suspension);
                    break;
                case Field::notice_type: json::kv(w, "noticeType", std::string_view(n.notice_type)); break;
                case Field::amount_paid: read_response::amount(w, "amountPaid", n.amount_paid_cents); break;
                case Field::amount_payable: read_response::amount(w, "amountPayable", n.amount_payable_cents); break;
                case Field::due_date_of_revival:
                    read_response::time_or_null(w, "dueDateOfRevival", n.due_date_of_revival);
                    break;
                case Field::last_processing_date:
                    read_response::time_or_null(w, "lastProcessingDate", n.last_processing_date);
                    break;
            }
        }
        w.EndObject();
    }
    w.EndArray();
    w.Key("pagination");
    w.StartObject();
    json::kv(w, "skip", req.query.skip);
    json::kv(w, "limit", std::int64_t(req.query.limit));
    json::kv(w, "totalRecords", page.total);
    w.EndObject();
    w.EndObject();
    return {sb.GetString(), sb.GetSize()};
}

}  // namespace notice_list

namespace handlers {

void valid_offence_notice_list(std::shared_ptr<const reads::Deps> deps, std::shared_ptr<Exchange> ex,
                               const json::Value* body, HandlerDone done) {
    auto req = notice_list::parse(*body);
    if (!req)
        return done(std::unexpected(
            ApiError{ErrorKind::bad_request, std::string(notice_list::kInvalid) + ": " + req.error().message}));
    if (!deps->store)
        return done(std::unexpected(ApiError{ErrorKind::internal, std::string(notice_list::kUnavailable)}));
    auto query = req->query;
    deps->store->notices(std::move(query), ex->executor,
                         [ex, req = std::move(*req), done = std::move(done)](ReadResult<NoticePage> page) {
                             if (!page) {
                                 log::error("notice list read failed",
                                            {{"requestId", ex->request_id.value()}, {"error", page.error().message}});
                                 return done(std::unexpected(
                                     ApiError{ErrorKind::internal, std::string(notice_list::kUnavailable)}));
                             }
                             done(HandlerOk{200, notice_list::render(req, *page)});
                         });
}

}  // namespace handlers

}  // namespace ocms::edge
