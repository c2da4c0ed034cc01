#include "auto_revival_trigger.hpp"

#include "core/log.hpp"

namespace ocms::edge {

namespace auto_revival_trigger {

namespace {
std::string body_of(bool success, const std::string& message) {
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    json::kv(w, "success", success);
    json::kv(w, "message", std::string_view(message));
    w.EndObject();
    return {sb.GetString(), sb.GetSize()};
}
}  // namespace

HandlerOk render(const AutoRevivalResult& r) {
    if (!r) return HandlerOk{500, body_of(false, "Auto-revival failed: " + r.error().message)};
    std::string message = "Auto-revival: " + std::to_string(r->due) + " due, " + std::to_string(r->published) +
                          " published, " + std::to_string(r->failed) + " failed";
    // Every due command acknowledged by the broker, or the run failed (a rerun is safe).
    bool ok = r->failed == 0 && r->published == r->due;
    return HandlerOk{ok ? 200u : 500u, body_of(ok, message)};
}

}  // namespace auto_revival_trigger

namespace handlers {

void auto_revival_trigger(std::shared_ptr<const revival::Deps> deps, std::shared_ptr<Exchange> ex, const json::Value*,
                          HandlerDone done) {
    if (!deps->jobs)
        return done(auto_revival_trigger::render(std::unexpected(Error{codes::kInternal, "no job runner configured"})));
    log::info("auto-revival triggered", {{"requestId", ex->request_id.value()}, {"by", ex->claims.subject}});
    deps->jobs->auto_revival(ex->executor, ex->request_id.value(), [ex, done = std::move(done)](AutoRevivalResult r) {
        if (!r) log::error("auto-revival failed", {{"requestId", ex->request_id.value()}, {"error", r.error().message}});
        done(auto_revival_trigger::render(r));
    });
}

}  // namespace handlers

}  // namespace ocms::edge
