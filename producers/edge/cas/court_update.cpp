#include "court_update.hpp"

#include "cas_store.hpp"
#include "dispatch/batch_response.hpp"
#include "cas.hpp"
#include "contract/payloads.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"

#include <charconv>
#include <set>

namespace ocms::edge {

namespace court_api {

std::expected<bool, std::string> in_window(std::string_view window, TimePoint now) {
    const auto w = domain::parse_dayend_window(window);
    if (!w) return std::unexpected("not HH:MM-HH:MM: " + std::string(window));
    return domain::window_open(*w, now);
}

std::vector<RecordCheck> check_records(const json::Value& body) {
    std::vector<RecordCheck> out;
    std::set<std::string> seen;
    for (const auto& rec : body.GetArray()) {
        RecordCheck c;
        if (rec.IsObject())
            if (auto n = json::get_string(rec, "notice_no")) c.notice_no = std::string(*n);
        auto checked = court::check_court_record(rec);
        if (!checked) {
            c.errors = checked.error();
        } else if (!seen.insert(c.notice_no).second) {
            c.errors.push_back({"notice_no", "Duplicate notice number in the batch"});
        } else {
            c.payload = json::to_string(rec);
        }
        out.push_back(std::move(c));
    }
    return out;
}

Built build_commands(std::vector<RecordCheck>& records, const std::string& officer, const RequestId& request_id,
                     TimePoint now, const json::SchemaRegistry* schemas) {
    Built b;
    // one trace for every command of the request
    const contract::Origin origin{"CAS", officer, request_id, TraceId(new_uuid()), now, std::nullopt};
    int size = 0;
    for (const auto& r : records) size += r.payload ? 1 : 0;
    int index = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
        auto& r = records[i];
        if (!r.payload) continue;
        // The record as CAS sent it, byte for byte (the check above read it; nothing re-encodes it).
        auto c = contract::make_envelope(contract::kCourtUpdate, NoticeNo(r.notice_no), *r.payload, origin,
                                         messages::BatchPos{index++, size});
        if (auto refused = refuse_by_schema(schemas, c)) {  // the check above should have caught it
            r.errors.push_back({"record", refused->message});
            r.payload.reset();
            continue;
        }
        b.commands.push_back(std::move(c));
        b.record_index.push_back(i);
    }
    return b;
}

Answer answer(const RequestId& request_id, const std::vector<RecordCheck>& records, const Built& built,
              const std::vector<DispatchItem>& items) {
    struct Result {
        AppCode code;
        std::string message;
        std::string errors_json;  // the reply's / the check's {"errors":[...]} or ""
    };
    std::vector<Result> results(records.size());
    for (std::size_t i = 0; i < records.size(); ++i)
        if (!records[i].payload)
            results[i] = Result{domain::court_message::kInvalidData.code, std::string(domain::court_message::kInvalidData),
                                court::errors_json(records[i].errors)};
    for (std::size_t k = 0; k < items.size() && k < built.record_index.size(); ++k) {
        const auto& it = items[k];
        auto& res = results[built.record_index[k]];
        if (it.state == DispatchItem::State::replied && it.reply) {
            res = Result{it.reply->app_code, it.reply->message, ""};
            if (!it.reply->data_json.empty())
                if (auto d = json::parse(it.reply->data_json); d && d->IsObject() && d->HasMember("errors"))
                    res.errors_json = it.reply->data_json;
        } else if (it.state == DispatchItem::State::pending) {
            res = Result{codes::kPending, std::string(kPendingMessage), ""};
        } else {
            res = Result{codes::kInternal, std::string(cas::kServerError), ""};
        }
    }
    int ok = 0, invalid = 0, failed = 0, pending = 0;
    for (const auto& r : results) {
        if (r.code == codes::kSuccess) ++ok;
        else if (r.code == codes::kPending) ++pending;
        else if (r.code == domain::court_message::kInvalidData.code) ++invalid;
        else ++failed;
    }
    AppCode top = codes::kSuccess;
    std::string_view top_message = domain::court_message::kSuccess;
    if (invalid > 0) top = domain::court_message::kInvalidData.code, top_message = domain::court_message::kInvalidData;
    else if (failed > 0) top = codes::kInternal, top_message = cas::kServerError;
    else if (pending > 0) top = codes::kPending, top_message = kPendingMessage;

    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    w.Key("data");
    w.StartObject();
    json::kv(w, "appCode", top.str());
    json::kv(w, "message", top_message);
    json::kv(w, "total", std::int64_t(records.size()));
    json::kv(w, "successCount", std::int64_t(ok));
    json::kv(w, "errorCount", std::int64_t(invalid + failed));
    if (pending > 0) json::kv(w, "pendingCount", std::int64_t(pending));
    json::kv(w, "requestId", std::string_view(request_id.value()));
    w.Key("results");
    w.StartArray();
    for (std::size_t i = 0; i < records.size(); ++i) {
        w.StartObject();
        json::kv(w, "notice_no", std::string_view(records[i].notice_no));
        json::kv(w, "appCode", results[i].code.str());
        json::kv(w, "message", std::string_view(results[i].message));
        if (!results[i].errors_json.empty())
            if (auto d = json::parse(results[i].errors_json); d && d->HasMember("errors")) {
                w.Key("errors");
                (*d)["errors"].Accept(w);
            }
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    w.EndObject();
    return Answer{pending > 0 ? 202u : 200u, std::string(sb.GetString(), sb.GetSize())};
}

}  // namespace court_api

namespace handlers {

void update_court_notices(std::shared_ptr<const cas::Deps> deps, std::shared_ptr<Exchange> ex,
                          const json::Value* body, HandlerDone done) {
    if (!deps->store) {
        log::error("updateCourtNotices: not set up", {{"requestId", ex->request_id.value()}});
        return done(std::unexpected(ApiError{ErrorKind::internal, std::string(cas::kServerError)}));
    }
    auto records = std::make_shared<std::vector<court_api::RecordCheck>>(court_api::check_records(*body));
    deps->store->dayend_window(ex->executor, [deps, ex, records, done](ReadResult<std::optional<std::string>> window) {
        if (!window || !*window) {
            log::error("updateCourtNotices: day-end window unreadable",
                       {{"requestId", ex->request_id.value()},
                        {"error", window ? std::string("parameter CAS/DAYEND_WINDOW missing") : window.error().message}});
            return done(std::unexpected(ApiError{ErrorKind::internal, std::string(cas::kServerError)}));
        }
        auto open = court_api::in_window(**window, deps->clock());
        if (!open) {
            log::error("updateCourtNotices: day-end window unreadable",
                       {{"requestId", ex->request_id.value()}, {"error", open.error()}});
            return done(std::unexpected(ApiError{ErrorKind::internal, std::string(cas::kServerError)}));
        }
        if (!*open)
            return done(std::unexpected(ApiError{
                ErrorKind::unprocessable,
                "Court notices are accepted only in the day-end window " + **window + " (Singapore time)",
                std::string(codes::kBusinessRule.str())}));
        std::string officer = ex->claims.subject.substr(0, 50);
        if (officer.empty()) officer = "CAS";
        auto built = std::make_shared<court_api::Built>(
            court_api::build_commands(*records, officer, ex->request_id, deps->clock(), deps->schemas.get()));
        if (built->commands.empty()) {
            auto a = court_api::answer(ex->request_id, *records, *built, {});
            return done(HandlerOk{a.status, std::move(a.body), "application/json", {}});
        }
        auto commands = built->commands;
        dispatch_for(*deps->gateway, *ex, std::move(commands),
                                   [ex, records, built, done](std::vector<DispatchItem> items) {
                                       auto a = court_api::answer(ex->request_id, *records, *built, items);
                                       done(HandlerOk{a.status, std::move(a.body), "application/json", {}});
                                   });
    });
}

}  // namespace handlers

}  // namespace ocms::edge
