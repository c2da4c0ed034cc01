#include "pipeline.hpp"

#include "core/ids.hpp"
#include "core/log.hpp"
#include "json/schema_registry.hpp"
#include "messages/messages.hpp"
#include "metrics/metrics.hpp"
#include "routes.hpp"
#include "schema_explain.hpp"

#include <atomic>
#include <cctype>
#include <chrono>

namespace ocms::edge {

namespace http = boost::beast::http;

RequestId request_id_of(std::string_view header) {
    if (sane_request_id(header)) return RequestId(std::string(header));
    return RequestId(new_uuid());
}

std::optional<std::string> match_path(std::string_view pattern, std::string_view path) {
    if (pattern.size() > 2 && pattern.back() == '}') {
        auto open = pattern.rfind("/{");
        if (open == std::string_view::npos) return std::nullopt;
        auto prefix = pattern.substr(0, open + 1);  // ".../report/"
        if (path.size() <= prefix.size() || path.substr(0, prefix.size()) != prefix) return std::nullopt;
        auto rest = path.substr(prefix.size());
        if (rest.find('/') != std::string_view::npos) return std::nullopt;  // one segment only
        return std::string(rest);
    }
    if (pattern == path) return std::string();
    return std::nullopt;
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        auto amp = query.find('&');
        auto part = query.substr(0, amp);
        auto eq = part.find('=');
        if (part.substr(0, eq) == name) return std::string(eq == std::string_view::npos ? "" : part.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

namespace {

const char* kRequestIdHeader = "X-Request-Id";

// Boost 1.74's Beast speaks boost::string_view.
std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

using ExtraHeaders = std::vector<std::pair<std::string, std::string>>;

HttpResponse make_response(unsigned status, unsigned version, bool keep_alive, const RequestId& id, std::string body,
                           std::string_view content_type = "application/json", const ExtraHeaders& extra = {}) {
    HttpResponse res{static_cast<http::status>(status), version};
    res.set(http::field::server, "ocms-edge");
    res.set(http::field::content_type, boost::beast::string_view(content_type.data(), content_type.size()));
    // Answers carry notices, officers and tokens' outcomes: no cache keeps them (issue 14). A
    // handler that serves something cacheable (the console's assets) says so in its headers.
    res.set(http::field::cache_control, "no-store");
    for (const auto& [name, value] : extra) res.set(name, value);
    res.set(kRequestIdHeader, id.value());
    res.keep_alive(keep_alive);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

// Counts, logs and sends: the one exit of every request.
struct Finisher {
    std::shared_ptr<const PipelineDeps> deps;
    std::string route_label;
    std::string method;
    std::string target;
    RequestId request_id;
    unsigned version;
    bool keep_alive;
    bool quiet;  // probes: access log at debug level
    std::chrono::steady_clock::time_point started;
    Respond respond;

    void operator()(unsigned status, std::string body, std::string_view content_type = "application/json",
                    const ExtraHeaders& extra = {}) const {
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (deps->metrics) {
            std::string route = "route=\"" + metrics::label_value(route_label) + "\"";
            deps->metrics
                ->counter("ocms_http_requests_total", "HTTP requests by route and status",
                          route + ",status=\"" + std::to_string(status) + "\"")
                .inc();
            deps->metrics->histogram("ocms_http_request_duration_seconds", "HTTP request latency", route)
                .observe(seconds);
        }
        auto ms = std::to_string(static_cast<long long>(seconds * 1000.0));
        auto st = std::to_string(status);
        log::Fields fields{{"requestId", request_id.value()}, {"method", method}, {"path", target},
                           {"status", st}, {"durationMs", ms}};
        if (quiet) log::debug("request", fields);
        else if (status >= 500) log::error("request", fields);
        else log::info("request", fields);
        respond(make_response(status, version, keep_alive, request_id, std::move(body), content_type, extra));
    }
    void fail(EnvelopeStyle style, const ApiError& e, ExtraHeaders extra = {}) const {
        auto r = render_error(style, e);
        // RFC 9110 11.6.1: a 401 names its scheme (client libraries wait for it to retry with a
        // fresh token)
        if (r.status == 401) extra.emplace_back("WWW-Authenticate", "Bearer");
        if (r.status < 500)
            log::info("request rejected", {{"requestId", request_id.value()}, {"appCode", r.code.str()},
                                           {"reason", e.message}});
        (*this)(r.status, std::move(r.body), "application/json", extra);
    }
};

// An APIM key as the inbox may keep it: the first 16 hex digits of its SHA-256 (the key itself is
// a secret and stays out of the database and the topics).
std::string key_tag(std::string_view key) { return messages::sha256_hex(key).substr(0, 16); }

// application/json, with parameters (charset=utf-8) or as a +json suffix; a missing Content-Type
// is taken as JSON (older clients omit it); anything else is 415: a form post or text/plain
// is a caller's mistake that parsing anyway would hide.
bool json_media_type(std::string_view v) {
    if (v.empty()) return true;
    auto type = v.substr(0, v.find(';'));
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
    std::string t(type);
    for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t == "application/json" || (t.starts_with("application/") && t.ends_with("+json"));
}

std::string allowed_methods(const std::vector<Route>& routes, const std::string& path) {
    std::string out;
    for (const auto& r : routes)
        if (match_path(r.path, path)) out += (out.empty() ? "" : ", ") + std::string(http::to_string(r.method));
    return out;
}

}  // namespace

HttpResponse oversize_response(const PipelineDeps& deps, unsigned version, std::string_view request_id) {
    RequestId id = request_id_of(request_id);
    auto r = render_error(EnvelopeStyle::ocms_data,
                          {ErrorKind::bad_request, "Request body is larger than " +
                                                       std::to_string(deps.config->body_limit) + " bytes"});
    if (deps.metrics)
        deps.metrics
            ->counter("ocms_http_requests_total", "HTTP requests by route and status",
                      "route=\"unread\",status=\"" + std::to_string(r.status) + "\"")
            .inc();
    log::info("request rejected", {{"requestId", id.value()}, {"appCode", r.code.str()}, {"reason", "body limit"}});
    return make_response(r.status, version, false, id, std::move(r.body));
}

HttpResponse unreadable_response(const PipelineDeps& deps, boost::beast::error_code why) {
    RequestId id(new_uuid());
    const bool headers = why == http::error::header_limit;
    auto r = render_error(EnvelopeStyle::ocms_data,
                          headers ? ApiError{ErrorKind::headers_too_large,
                                             "Request header fields are larger than " +
                                                 std::to_string(kHeaderLimit) + " bytes"}
                                  : ApiError{ErrorKind::bad_request, "Malformed HTTP request: " + why.message()});
    if (deps.metrics)
        deps.metrics
            ->counter("ocms_http_requests_total", "HTTP requests by route and status",
                      "route=\"unread\",status=\"" + std::to_string(r.status) + "\"")
            .inc();
    log::info("request rejected", {{"requestId", id.value()}, {"appCode", r.code.str()}, {"reason", why.message()}});
    auto res = make_response(r.status, 11, false, id, std::move(r.body));
    return res;
}

void handle_request(std::shared_ptr<const PipelineDeps> deps, HttpRequest req, boost::asio::any_io_executor ex,
                    Respond respond) {
    std::string target(req.target());
    std::string path = target.substr(0, target.find('?'));
    // "/ops/" is "/ops": one trailing slash names the same resource when no route has the path
    // with it (a person types the console's address with the slash, as browsers show folders).
    auto known = [&deps](std::string_view p) {
        for (const auto& r : deps->routes)
            if (match_path(r.path, p)) return true;
        return false;
    };
    if (path.size() > 1 && path.back() == '/' && !known(path) && known(std::string_view(path).substr(0, path.size() - 1)))
        path.pop_back();
    const Route* route = nullptr;
    const Route* path_route = nullptr;  // a route of this path, maybe of another method
    std::string path_param;
    for (const auto& r : deps->routes) {
        auto param = match_path(r.path, path);
        if (!param) continue;
        if (!path_route) path_route = &r;
        if (r.method == req.method()) {
            route = &r;
            path_param = std::move(*param);
        }
    }
    auto fin = std::make_shared<Finisher>(
        // The metric label is a route's template, never the raw path: a path is the caller's to
        // choose, and each new label is a series kept until restart (issue 14: 200 requests of
        // POST /ops/<3 KB> grew /metrics from 63 KB to 11 MB).
        Finisher{deps, route ? route->path : (path_route ? path_route->path : std::string("unmatched")),
                 std::string(req.method_string()), path, request_id_of(sv(req[kRequestIdHeader])), req.version(),
                 req.keep_alive(), route && route->probe, std::chrono::steady_clock::now(), std::move(respond)});

    if (!route) {
        if (path_route) {
            // RFC 9110 15.5.6: a 405 names the methods the path has in an Allow header.
            const std::string allow = allowed_methods(deps->routes, path);
            return fin->fail(EnvelopeStyle::ocms_data,
                             {ErrorKind::method_not_allowed, "Method " + std::string(req.method_string()) +
                                                                 " is not allowed on " + path + "; use " + allow},
                             {{"Allow", allow}});
        }
        return fin->fail(EnvelopeStyle::ocms_data, {ErrorKind::not_found, "No such API: " + path});
    }
    const EnvelopeStyle style = route->style;

    // 1. size (the session's parser enforces the limit too; this covers every other caller)
    if (req.body().size() > deps->config->body_limit)
        return fin->fail(style, {ErrorKind::bad_request,
                                 "Request body is larger than " + std::to_string(deps->config->body_limit) + " bytes"});

    // 2. auth
    auto exchange = std::make_shared<Exchange>();
    exchange->route = route;
    exchange->request_id = fin->request_id;
    exchange->executor = ex;
    exchange->path_param = std::move(path_param);
    if (auto q = target.find('?'); q != std::string::npos) exchange->query = target.substr(q + 1);
    if (route->auth.required() && route->auth.any_of_roles.empty()) {
        // API key only (spec 003 2.6): no token is asked for.
        if (!(deps->apim && deps->apim->accepts(sv(req["Ocp-Apim-Subscription-Key"])))) {
            log::info("APIM key refused", {{"requestId", fin->request_id.value()}});
            return fin->fail(style, {ErrorKind::unauthorized, route->auth.apim_text.empty()
                                                                  ? "Unauthorized: missing or invalid Ocp-Apim-Subscription-Key"
                                                                  : route->auth.apim_text});
        }
        exchange->caller = "apim:" + key_tag(sv(req["Ocp-Apim-Subscription-Key"]));
    } else if (route->auth.required()) {
        auto claims = deps->jwt->verify(sv(req[http::field::authorization]), deps->clock());
        if (!claims) {
            bool forbidden = claims.error().status == 403;
            if (route->auth.token_text.empty())
                return fin->fail(style, {forbidden ? ErrorKind::forbidden : ErrorKind::unauthorized,
                                         "Unauthorized: " + claims.error().message});
            log::info("token refused", {{"requestId", fin->request_id.value()}, {"reason", claims.error().message}});
            return fin->fail(style, {forbidden ? ErrorKind::forbidden : ErrorKind::unauthorized, route->auth.token_text});
        }
        const auto& any_of = route->auth.any_of_roles;
        bool allowed = any_of.empty();
        for (const auto& role : any_of) allowed = allowed || claims->has_role(role);
        if (!allowed) {
            std::string need;
            for (const auto& role : any_of) need += (need.empty() ? "" : ", ") + role;
            return fin->fail(style, {ErrorKind::forbidden, route->forbidden_text.empty()
                                                               ? "Forbidden: this API needs the role " + need
                                                               : route->forbidden_text});
        }
        if (route->auth.apim && !(deps->apim && deps->apim->accepts(sv(req["Ocp-Apim-Subscription-Key"])))) {
            const std::string why = req["Ocp-Apim-Subscription-Key"].empty() ? "missing" : "invalid";
            log::info("APIM key refused", {{"requestId", fin->request_id.value()}, {"reason", why}});
            return fin->fail(style, {ErrorKind::unauthorized,
                                     route->auth.apim_text.empty()
                                         ? "Unauthorized: missing or invalid Ocp-Apim-Subscription-Key"
                                         : route->auth.apim_text});
        }
        exchange->caller = "sub:" + claims->subject;
        if (route->auth.apim) exchange->caller += "|apim:" + key_tag(sv(req["Ocp-Apim-Subscription-Key"]));
        exchange->claims = std::move(*claims);
    }

    // 3. JSON and schema
    std::optional<json::Document> doc;
    if (!route->body_schema.empty() && !req.body().empty() && !json_media_type(sv(req[http::field::content_type])))
        return fin->fail(style, {ErrorKind::unsupported_media_type,
                                 route->invalid_text + ": the body must be sent as Content-Type: application/json"});
    if (!route->body_schema.empty()) {
        auto parsed = json::parse(req.body().empty() && route->empty_body_ok ? std::string_view("{}")
                                                                               : std::string_view(req.body()));
        if (!parsed)
            return fin->fail(style, {ErrorKind::bad_request, req.body().empty()
                                                                 ? route->invalid_text + ": the body is empty"
                                                                 : route->invalid_text + ": malformed JSON at " +
                                                                       parsed.error()});
        if (auto why = deps->schemas->validate(route->body_schema, *parsed); !why.empty()) {
            std::string text = deps->explainer ? deps->explainer->explain(route->body_schema, *parsed, why) : why;
            return fin->fail(style, {ErrorKind::bad_request, route->invalid_text + ": " + text});
        }
        doc = std::move(*parsed);
    }

    // 4. the handler
    auto once = std::make_shared<std::atomic<bool>>(false);
    auto done = [fin, style, once](HandlerResult r) {
        if (once->exchange(true)) return;  // a response is sent once
        if (!r) return fin->fail(style, r.error());
        (*fin)(r->status, std::move(r->body), r->content_type, r->headers);
    };
    try {
        route->handler(exchange, doc ? &*doc : nullptr, std::move(done));
    } catch (const std::exception& e) {
        // Handlers report failures through done(); an exception here is a bug, not a crash.
        log::error("handler threw", {{"requestId", fin->request_id.value()}, {"error", e.what()}});
        if (!once->exchange(true)) fin->fail(style, {ErrorKind::internal, "Internal error; please retry"});
    }
}

}  // namespace ocms::edge
