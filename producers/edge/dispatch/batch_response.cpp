#include "batch_response.hpp"

#include "contract/catalogue.hpp"
#include "json/json.hpp"
#include "json/schema_registry.hpp"

namespace ocms::edge {

std::optional<Error> refuse_by_schema(const json::SchemaRegistry* schemas, const messages::Command& c) {
    if (schemas == nullptr) return std::nullopt;
    auto doc = json::parse(messages::encode(c));
    std::string why = doc ? schemas->validate("envelope.v1", *doc) : doc.error();
    if (why.empty()) {
        const json::Value* payload = json::get_object(*doc, "payload");
        const contract::CommandKind* kind = contract::find(c.type, c.schema_version);
        why = !kind      ? "no command type " + c.type + " v" + std::to_string(c.schema_version) + " in the catalogue"
              : payload ? schemas->validate(std::string(kind->schema), *payload)
                        : "payload is not an object";
    }
    if (why.empty()) return std::nullopt;
    return Error{codes::kBadRequest, "Invalid request: command refused by its schema (" + why + ")"};
}

ResultItem result_of(const messages::Reply& r) {
    return ResultItem{r.notice_no, r.app_code, r.message, r.data_json, std::nullopt};
}

ResultItem pending_result(const NoticeNo& n, const CommandId& id) {
    return ResultItem{n, codes::kPending, std::string(kPendingMessage), "", id};
}

ResultItem not_queued_result(const NoticeNo& n) {
    return ResultItem{n, codes::kInternal, std::string(kNotQueuedMessage), "", std::nullopt};
}

BatchAnswer answer_batch(const RequestId& request_id, const std::vector<DispatchItem>& items) {
    BatchBody b;
    b.request_id = request_id;
    b.total = int(items.size());
    for (const auto& it : items) {
        switch (it.state) {
            case DispatchItem::State::replied: {
                ResultItem r = result_of(*it.reply);
                r.notice_no = it.notice_no;  // request order and spelling
                b.items.push_back(std::move(r));
                break;
            }
            case DispatchItem::State::pending:
                ++b.pending_count;
                b.items.push_back(pending_result(it.notice_no, it.command_id));
                break;
            case DispatchItem::State::failed:
                b.items.push_back(not_queued_result(it.notice_no));
                break;
        }
    }
    return BatchAnswer{b.pending_count > 0 ? 202u : 200u, write_batch(b)};
}

std::string write_batch(const BatchBody& b) {
    int success = 0, errors = 0;
    for (const auto& it : b.items) {
        if (it.pending_command) continue;
        if (it.app_code.is_success()) ++success;
        else ++errors;
    }
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    json::kv(w, "totalProcessed", std::int64_t(b.total));
    json::kv(w, "successCount", std::int64_t(success));
    json::kv(w, "errorCount", std::int64_t(errors));
    if (b.show_pending_count || b.pending_count > 0) json::kv(w, "pendingCount", std::int64_t(b.pending_count));
    if (b.status) json::kv(w, "status", std::string_view(*b.status));
    json::kv(w, "requestId", std::string_view(b.request_id.value()));
    w.Key("results");
    w.StartArray();
    for (const auto& it : b.items) {
        w.StartObject();
        json::kv(w, "noticeNo", std::string_view(it.notice_no.value()));
        if (!it.data_json.empty()) {
            if (auto data = json::parse(it.data_json); data && data->IsObject()) {
                for (const char* k : {"srNo", "dueDateOfRevival"}) {
                    auto m = data->FindMember(k);
                    if (m == data->MemberEnd() || m->value.IsNull()) continue;
                    w.Key(k);
                    m->value.Accept(w);
                }
            }
        }
        json::kv(w, "appCode", it.app_code.str());
        json::kv(w, "message", std::string_view(it.message));
        if (it.pending_command) json::kv(w, "commandId", std::string_view(it.pending_command->value()));
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return {sb.GetString(), sb.GetSize()};
}

}  // namespace ocms::edge
