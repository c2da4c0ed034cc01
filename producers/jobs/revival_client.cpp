#include "revival_client.hpp"

#include "core/log.hpp"
#include "json/json.hpp"

namespace ocms::jobs {

namespace {

http::ClientOptions client_options(const RevivalClientOptions& o) {
    http::ClientOptions c;
    c.api_name = "OCMS-SUSPENSION";
    c.retry = o.retry;
    c.tokens = o.tokens;
    c.alerts = o.alerts;
    c.sleep = o.sleep;
    c.jitter_seed = o.jitter_seed;
    return c;
}

std::string str_of(const json::Value& o, const char* k) {
    return std::string(json::get_string(o, k).value_or(""));
}

std::int64_t int_of(const json::Value& o, const char* k) {
    auto it = o.FindMember(k);
    return it != o.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}

}  // namespace

RevivalApiClient::RevivalApiClient(RevivalClientOptions o)
    : url_(o.base_url + kPath), timeout_(o.timeout), client_(client_options(o)) {}

std::string RevivalApiClient::request_body(const RevivalApiRequest& r) {
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    w.Key("noticeNos");
    w.StartArray();
    for (const auto& n : r.notice_nos) w.String(n.data(), static_cast<rapidjson::SizeType>(n.size()));
    w.EndArray();
    if (r.revival_remarks) json::kv(w, "revivalRemarks", std::string_view(*r.revival_remarks));
    json::kv(w, "officerAuthorisingRevival", std::string_view(r.officer));
    json::kv(w, "revivalSource", std::string_view(r.revival_source));
    w.EndObject();
    return {sb.GetString(), sb.GetSize()};
}

Result<RevivalApiResponse> RevivalApiClient::read_response(long status, std::string_view body) {
    auto doc = json::parse(body);
    if (!doc || !doc->IsObject())
        return fail(codes::kApiError, "API error: unreadable answer (HTTP " + std::to_string(status) + ")");
    if (status != 200 && status != 202) {
        // The edge's refusal: {"data":{"appCode","message"}}.
        const json::Value* data = json::get_object(*doc, "data");
        std::string code = data ? str_of(*data, "appCode") : "";
        std::string message = data ? str_of(*data, "message") : "";
        if (code.empty()) return fail(codes::kApiError, "API error: HTTP " + std::to_string(status));
        return fail(AppCode(code), message);
    }
    RevivalApiResponse out;
    out.http_status = status;
    out.request_id = str_of(*doc, "requestId");
    out.total_processed = int_of(*doc, "totalProcessed");
    out.success_count = int_of(*doc, "successCount");
    out.error_count = int_of(*doc, "errorCount");
    auto results = doc->FindMember("results");
    if (results == doc->MemberEnd() || !results->value.IsArray())
        return fail(codes::kApiError, "API error: the answer has no results");
    for (const auto& item : results->value.GetArray()) {
        if (!item.IsObject()) return fail(codes::kApiError, "API error: a result is not an object");
        out.results.push_back({str_of(item, "noticeNo"), AppCode(str_of(item, "appCode")), str_of(item, "message")});
    }
    return out;
}

Result<RevivalApiResponse> RevivalApiClient::apply_revival(const RevivalApiRequest& request) {
    auto resp = client_.post_json(url_, request_body(request), timeout_);
    if (!resp) return std::unexpected(resp.error());  // OCMS-9999 after the retries
    return read_response(resp->status, resp->body);
}

}  // namespace ocms::jobs
