#include "ops.hpp"

#include "http/pipeline.hpp"

#include "core/log.hpp"
#include "core/time.hpp"

#include <fstream>
#include <sstream>

namespace ocms::edge {

namespace ops {

std::optional<std::string> asset_type(std::string_view name) {
    if (name.empty() || name.size() > 100 || name.front() == '.' || name.find("..") != std::string_view::npos)
        return std::nullopt;
    for (char c : name)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
            return std::nullopt;
    auto ends = [&](std::string_view ext) { return name.size() > ext.size() && name.substr(name.size() - ext.size()) == ext; };
    if (ends(".html")) return "text/html; charset=utf-8";
    if (ends(".js") || ends(".mjs")) return "application/javascript; charset=utf-8";
    if (ends(".css")) return "text/css; charset=utf-8";
    if (ends(".svg")) return "image/svg+xml";
    if (ends(".png")) return "image/png";
    if (ends(".ico")) return "image/x-icon";
    if (ends(".woff2")) return "font/woff2";
    if (ends(".json")) return "application/json";
    return std::nullopt;
}

std::expected<OpsRunRequest, ApiError> run_request(std::string_view kind, const json::Value& body,
                                                   const std::string& operator_name) {
    OpsRunRequest r;
    r.kind = std::string(kind);
    r.operator_name = operator_name;
    r.reason = std::string(json::get_string(body, "reason").value_or(""));
    if (r.reason.find_first_not_of(" \t") == std::string::npos)
        return std::unexpected(ApiError{ErrorKind::bad_request, "A reason is required: it is recorded with the run"});
    if (auto it = body.FindMember("dryRun"); it != body.MemberEnd() && it->value.IsBool()) r.dry_run = it->value.GetBool();
    // The schema says "integer" with a minimum only: a number past what the field holds (found by
    // tests/fuzz: 18446744073709551615) is refused here, never narrowed or dropped.
    auto too_big = [](std::string what) { return std::unexpected(ApiError{ErrorKind::bad_request, std::move(what)}); };
    if (kind == "redrive") {
        for (const auto& v : (*json::get_array(body, "deadLetterIds")).GetArray()) {
            if (!v.IsInt64()) return too_big("deadLetterIds: a dead letter id is at most 9223372036854775807");
            r.dead_letter_ids.push_back(v.GetInt64());
        }
        return r;
    }
    r.topic = std::string(json::get_string(body, "topic").value_or(""));
    if (const auto* parts = json::get_array(body, "partitions"))
        for (const auto& v : parts->GetArray()) {
            if (!v.IsInt()) return too_big("partitions: a partition is at most 2147483647");
            r.partitions.push_back(std::int32_t(v.GetInt()));
        }
    for (const char* key : {"fromOffset", "toOffset"})
        if (body.HasMember(key) && !body[key].IsInt64())
            return too_big(std::string(key) + ": an offset is at most 9223372036854775807");
    if (auto v = json::get_int(body, "fromOffset")) r.from_offset = *v;
    if (auto v = json::get_int(body, "toOffset")) r.to_offset = *v;
    auto time_ms = [&](const char* key, std::optional<std::int64_t>& out) -> std::optional<ApiError> {
        auto s = json::get_string(body, key);
        if (!s) return std::nullopt;
        auto t = parse_iso(*s);
        if (!t) return ApiError{ErrorKind::bad_request, std::string(key) + " must be an ISO 8601 time (Singapore time if no zone)"};
        out = to_micros(*t) / 1000;
        return std::nullopt;
    };
    if (auto e = time_ms("fromTime", r.from_time_ms)) return std::unexpected(*e);
    if (auto e = time_ms("toTime", r.to_time_ms)) return std::unexpected(*e);
    if (r.from_offset && r.from_time_ms) return std::unexpected(ApiError{ErrorKind::bad_request, "fromOffset or fromTime, not both"});
    if (r.to_offset && r.to_time_ms) return std::unexpected(ApiError{ErrorKind::bad_request, "toOffset or toTime, not both"});
    if (const auto* keys = json::get_array(body, "noticeNos"))
        for (const auto& v : keys->GetArray()) r.notice_nos.emplace_back(v.GetString(), v.GetStringLength());
    if (auto m = json::get_int(body, "maxMessages")) r.max_messages = *m;
    return r;
}

}  // namespace ops

namespace handlers {

namespace {

ApiError failed(const std::shared_ptr<Exchange>& ex, std::string_view what, const Error& why) {
    log::error("ops request failed", {{"requestId", ex->request_id.value()}, {"what", what}, {"error", why.message}});
    return ApiError{ErrorKind::internal, "The support database could not be read; please retry"};
}

bool have_store(const ops::Deps& deps, const std::shared_ptr<Exchange>& ex, const HandlerDone& done) {
    if (deps.store) return true;
    done(std::unexpected(failed(ex, "setup", store_error("no support store (OCMS_SUPPORT_PG_URL unset)"))));
    return false;
}

std::string operator_of(const Exchange& ex) {
    std::string s = ex.claims.subject.substr(0, 50);
    return s.empty() ? std::string("ops") : s;
}

HandlerOk json_ok(std::string body) { return HandlerOk{200, std::move(body), "application/json", {}}; }

void serve_file(const ops::Deps& deps, const std::string& name, HandlerDone done) {
    auto type = ops::asset_type(name);
    if (!type) return done(std::unexpected(ApiError{ErrorKind::not_found, "No such file: /ops/" + name}));
    std::ifstream in(deps.console_dir + "/" + name, std::ios::binary);
    if (!in) return done(std::unexpected(ApiError{ErrorKind::not_found, "No such file: /ops/" + name}));
    std::ostringstream bytes;
    bytes << in.rdbuf();
    HandlerOk ok{200, bytes.str(), *type, {}};
    // Everything the page needs is served here: no other origin, no inline script.
    ok.headers.emplace_back("Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'");
    ok.headers.emplace_back("X-Content-Type-Options", "nosniff");
    ok.headers.emplace_back("Cache-Control", "no-cache");
    done(std::move(ok));
}


}  // namespace

void ops_console(std::shared_ptr<const ops::Deps> deps, std::shared_ptr<Exchange>, const json::Value*,
                 HandlerDone done) {
    serve_file(*deps, "index.html", std::move(done));
}

void ops_asset(std::shared_ptr<const ops::Deps> deps, std::shared_ptr<Exchange> ex,
               const json::Value*, HandlerDone done) {
    serve_file(*deps, ex->path_param, std::move(done));
}

void ops_history(std::shared_ptr<const ops::Deps> deps, std::shared_ptr<Exchange> ex,
                 const json::Value*, HandlerDone done) {
    if (!have_store(*deps, ex, done)) return;
    const std::string notice = ex->path_param;
    if (notice.empty() || notice.size() > 10 ||
        notice.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != std::string::npos)
        return done(std::unexpected(ApiError{ErrorKind::bad_request, "A notice number is 1 to 10 letters and digits"}));
    deps->store->history(notice, ex->executor, [ex, done = std::move(done)](ReadResult<std::string> r) {
        if (!r) return done(std::unexpected(failed(ex, "history", r.error())));
        done(json_ok(std::move(*r)));
    });
}

void ops_dead_letters(std::shared_ptr<const ops::Deps> deps, std::shared_ptr<Exchange> ex,
                      const json::Value*, HandlerDone done) {
    if (!have_store(*deps, ex, done)) return;
    std::string status = query_param(ex->query, "status").value_or("");
    if (status.empty()) status = "OPEN";
    if (status != "OPEN" && status != "REDRIVEN" && status != "DISCARDED" && status != "ALL")
        return done(std::unexpected(ApiError{ErrorKind::bad_request, "status is OPEN, REDRIVEN, DISCARDED or ALL"}));
    deps->store->dead_letters(status == "ALL" ? "" : status, ex->executor,
                               [ex, done = std::move(done)](ReadResult<std::string> r) {
                                   if (!r) return done(std::unexpected(failed(ex, "dead letters", r.error())));
                                   done(json_ok(std::move(*r)));
                               });
}

void ops_parked(std::shared_ptr<const ops::Deps> deps, std::shared_ptr<Exchange> ex,
                const json::Value*, HandlerDone done) {
    if (!have_store(*deps, ex, done)) return;
    deps->store->parked(ex->executor, [ex, done = std::move(done)](ReadResult<std::string> r) {
        if (!r) return done(std::unexpected(failed(ex, "parked", r.error())));
        done(json_ok(std::move(*r)));
    });
}

void ops_parked_retry(std::shared_ptr<const ops::Deps> deps, std::shared_ptr<Exchange> ex,
                      const json::Value* body, HandlerDone done) {
    if (!have_store(*deps, ex, done)) return;
    std::string notice(json::get_string(*body, "noticeNo").value_or(""));
    std::string reason(json::get_string(*body, "reason").value_or(""));
    deps->store->retry(notice, operator_of(*ex), reason, ex->executor,
                        [ex, notice, done = std::move(done)](ReadResult<bool> r) {
                            if (!r) return done(std::unexpected(failed(ex, "retry", r.error())));
                            if (!*r) return done(std::unexpected(ApiError{ErrorKind::not_found, "Notice " + notice + " is not parked"}));
                            log::info("parked notice retry requested",
                                      {{"requestId", ex->request_id.value()}, {"noticeNo", notice}, {"operator", operator_of(*ex)}});
                            done(json_ok(R"({"noticeNo":")" + notice + R"(","retryRequested":true})"));
                        });
}

void ops_parked_discard(std::shared_ptr<const ops::Deps> deps, std::shared_ptr<Exchange> ex,
                        const json::Value* body, HandlerDone done) {
    if (!have_store(*deps, ex, done)) return;
    std::string command(json::get_string(*body, "commandId").value_or(""));
    std::string reason(json::get_string(*body, "reason").value_or(""));
    deps->store->discard(command, operator_of(*ex), reason, ex->executor,
                          [ex, command, done = std::move(done)](ReadResult<bool> r) {
                              if (!r) return done(std::unexpected(failed(ex, "discard", r.error())));
                              if (!*r) return done(std::unexpected(ApiError{ErrorKind::not_found, "No parked command " + command}));
                              log::info("parked command discarded", {{"requestId", ex->request_id.value()},
                                                                     {"commandId", command}, {"operator", operator_of(*ex)}});
                              rapidjson::StringBuffer sb;
                              json::Writer w(sb);
                              w.StartObject();
                              json::kv(w, "commandId", std::string_view(command));
                              json::kv(w, "discarded", true);
                              w.EndObject();
                              done(json_ok(std::string(sb.GetString(), sb.GetSize())));
                          });
}

namespace {

void run(std::string_view kind, const ops::Deps& deps, std::shared_ptr<Exchange> ex, const json::Value* body,
         HandlerDone done) {
    if (!have_store(deps, ex, done)) return;
    auto req = ops::run_request(kind, *body, operator_of(*ex));
    if (!req) return done(std::unexpected(req.error()));
    log::info("ops run", {{"requestId", ex->request_id.value()}, {"kind", req->kind}, {"operator", req->operator_name},
                          {"dryRun", req->dry_run ? "true" : "false"}, {"reason", req->reason}});
    deps.store->run(std::move(*req), ex->executor, [ex, done = std::move(done)](ReadResult<std::string> r) {
        if (!r && r.error().kind == FaultKind::client)  // the run's options refused (replay::validate)
            return done(std::unexpected(ApiError{ErrorKind::bad_request, r.error().message}));
        if (!r) return done(std::unexpected(failed(ex, "run", r.error())));
        done(json_ok(std::move(*r)));
    });
}

}  // namespace

void ops_redrive(std::shared_ptr<const ops::Deps> deps, std::shared_ptr<Exchange> ex,
                 const json::Value* body, HandlerDone done) {
    run("redrive", *deps, std::move(ex), body, std::move(done));
}

void ops_replay(std::shared_ptr<const ops::Deps> deps, std::shared_ptr<Exchange> ex,
                const json::Value* body, HandlerDone done) {
    run("replay", *deps, std::move(ex), body, std::move(done));
}

}  // namespace handlers

}  // namespace ocms::edge
