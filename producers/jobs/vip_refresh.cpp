#include "jobs/vip_refresh.hpp"

#include "core/config.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "json/json.hpp"

#include <charconv>
#include <set>
#include <stdexcept>

namespace ocms::jobs {

using std::chrono::milliseconds;

std::string_view to_string(VipFailure f) {
    switch (f) {
        case VipFailure::cas_call: return "cas_call";
        case VipFailure::cas_status: return "cas_status";
        case VipFailure::empty_list: return "empty_list";
        case VipFailure::invalid_list: return "invalid_list";
        case VipFailure::database: return "database";
    }
    return "unknown";
}

namespace {

constexpr std::size_t kProblemsShown = 5;

std::string_view trim(std::string_view s) {
    auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && ws(s.back())) s.remove_suffix(1);
    return s;
}

// Characters, as varchar(n) counts them (the input is valid UTF-8: the parser checked).
std::size_t chars(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

bool has_control(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7F) return true;
    return false;
}

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

std::string quoted(std::string_view s) {
    constexpr std::size_t kMax = 40;
    std::string out = "'";
    for (char c : s.substr(0, kMax)) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
    if (s.size() > kMax) out += "...";
    return out + "'";
}

struct Problems {
    std::vector<std::string> shown;
    std::size_t total = 0;
    void add(std::size_t index, std::string what) {
        ++total;
        if (shown.size() < kProblemsShown) shown.push_back("record " + std::to_string(index) + ": " + std::move(what));
    }
    std::string text() const {
        std::string t = std::to_string(total) + (total == 1 ? " problem: " : " problems: ");
        for (std::size_t i = 0; i < shown.size(); ++i) t += (i ? "; " : "") + shown[i];
        if (total > shown.size()) t += "; and " + std::to_string(total - shown.size()) + " more";
        return t;
    }
};

std::unexpected<VipRefreshError> invalid(std::string message) {
    return std::unexpected(VipRefreshError{VipFailure::invalid_list, "invalid list from CAS: " + std::move(message)});
}

// A required text field: present, a string, trimmed non-empty, within max characters.
std::optional<std::string> required_text(const json::Value& rec, const char* key, std::size_t max, bool no_control,
                                         std::size_t index, Problems& p) {
    auto it = rec.FindMember(key);
    if (it == rec.MemberEnd() || it->value.IsNull()) {
        p.add(index, std::string(key) + " is missing");
        return std::nullopt;
    }
    if (!it->value.IsString()) {
        p.add(index, std::string(key) + " is not a string");
        return std::nullopt;
    }
    std::string_view v = trim({it->value.GetString(), it->value.GetStringLength()});
    if (v.empty()) {
        p.add(index, std::string(key) + " is empty");
        return std::nullopt;
    }
    if (chars(v) > max) {
        p.add(index, std::string(key) + " is longer than " + std::to_string(max) + " characters");
        return std::nullopt;
    }
    if (has_nul(v) || (no_control && has_control(v))) {
        p.add(index, std::string(key) + " has control characters");
        return std::nullopt;
    }
    return std::string(v);
}

}  // namespace

std::optional<std::string> normalize_vehicle_no(std::string_view raw) {
    std::string out;
    bool letter = false, digit = false;
    for (char c : trim(raw)) {
        if (c == ' ') continue;
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c >= 'A' && c <= 'Z') letter = true;
        else if (c >= '0' && c <= '9') digit = true;
        else return std::nullopt;
        out += c;
    }
    if (out.size() < 2 || out.size() > kVehicleNoMax || !letter || !digit) return std::nullopt;
    return out;
}

std::expected<std::vector<VipVehicle>, VipRefreshError> parse_vip_list(std::string_view body) {
    auto doc = json::parse(body);
    if (!doc) return invalid("not JSON (" + doc.error() + ")");

    const json::Value* items = nullptr;
    if (doc->IsArray()) {
        items = &*doc;
    } else if (doc->IsObject()) {
        items = json::get_array(*doc, "data");
        if (!items) return invalid("an object without a \"data\" array");
        auto total = doc->FindMember("total");
        if (total != doc->MemberEnd()) {
            if (!total->value.IsInt64()) return invalid("\"total\" is not a whole number");
            if (total->value.GetInt64() != static_cast<std::int64_t>(items->Size()))
                return invalid("a partial list: " + std::to_string(items->Size()) + " records of \"total\" " +
                               std::to_string(total->value.GetInt64()));
        }
    } else {
        return invalid("not a list");
    }
    if (items->Empty())
        return std::unexpected(VipRefreshError{VipFailure::empty_list, "CAS returned an empty VIP vehicle list"});

    std::vector<VipVehicle> out;
    out.reserve(items->Size());
    std::set<std::string> seen;
    Problems problems;
    for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
        const json::Value& rec = (*items)[i];
        if (!rec.IsObject()) {
            problems.add(i, "not an object");
            continue;
        }
        const std::size_t before = problems.total;
        auto id = required_text(rec, "vip_vehicle", kVipIdMax, true, i, problems);
        auto status = required_text(rec, "status", kVipStatusMax, true, i, problems);
        std::optional<std::string> vehicle;
        auto vn = rec.FindMember("vehicle_no");
        if (vn == rec.MemberEnd() || vn->value.IsNull()) {
            problems.add(i, "vehicle_no is missing");
        } else if (!vn->value.IsString()) {
            problems.add(i, "vehicle_no is not a string");
        } else {
            std::string_view raw{vn->value.GetString(), vn->value.GetStringLength()};
            vehicle = normalize_vehicle_no(raw);
            if (!vehicle) problems.add(i, "vehicle_no " + quoted(raw) + " is not a vehicle number");
        }
        std::optional<std::string> description;
        auto d = rec.FindMember("description");
        if (d != rec.MemberEnd() && !d->value.IsNull()) {
            if (!d->value.IsString()) {
                problems.add(i, "description is not a string");
            } else {
                std::string_view v = trim({d->value.GetString(), d->value.GetStringLength()});
                if (chars(v) > kVipDescriptionMax)
                    problems.add(i, "description is longer than " + std::to_string(kVipDescriptionMax) + " characters");
                else if (has_nul(v))
                    problems.add(i, "description has a NUL character");
                else if (!v.empty())
                    description = std::string(v);
            }
        }
        if (id && !seen.insert(*id).second) problems.add(i, "duplicate vip_vehicle " + quoted(*id));
        if (problems.total == before) out.push_back(VipVehicle{std::move(*id), std::move(*vehicle), std::move(description),
                                                               std::move(*status)});
    }
    if (problems.total > 0) return invalid(problems.text());
    return out;
}

std::string vip_list_json(const std::vector<VipVehicle>& list) {
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartArray();
    for (const auto& v : list) {
        w.StartObject();
        json::kv(w, "vip_vehicle", v.vip_vehicle);
        json::kv(w, "vehicle_no", v.vehicle_no);
        if (v.description) json::kv(w, "description", *v.description);
        else json::kv_null(w, "description");
        json::kv(w, "status", v.status);
        w.EndObject();
    }
    w.EndArray();
    return {buf.GetString(), buf.GetSize()};
}

std::expected<std::vector<milliseconds>, std::string> parse_retry_waits(std::string_view s) {
    std::vector<milliseconds> out;
    std::string_view rest = s;
    while (true) {
        auto comma = rest.find(',');
        std::string_view item = trim(rest.substr(0, comma));
        long long v = -1;
        auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (item.empty() || ec != std::errc{} || end != item.data() + item.size() || v < 0 || v > 600'000)
            return std::unexpected("not a list of waits in ms (0-600000, comma-separated): '" + std::string(s) + "'");
        out.emplace_back(v);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    if (out.size() > 10) return std::unexpected("at most 10 attempts: '" + std::string(s) + "'");
    return out;
}

bool vip_refresh_due_at_start(std::optional<TimePoint> last_refreshed, TimePoint now, DailyAt at) {
    if (!last_refreshed) return true;
    // The latest scheduled moment at or before now: exactly one falls in (now - 24 h, now].
    const TimePoint latest = next_daily_run(now - std::chrono::hours{24}, at);
    return *last_refreshed < latest;
}

// ---- settings -------------------------------------------------------------------------------

std::optional<CasVipSettings> cas_vip_settings_from_env() {
    auto url = config::env("OCMS_CAS_VIP_URL");
    if (!url) return std::nullopt;
    CasVipSettings s;
    s.vip_url = *url;
    s.token_url = config::env_or("OCMS_CAS_TOKEN_URL", "");
    if (!s.token_url.empty()) {
        s.client_id = config::env_required("OCMS_CAS_CLIENT_ID");
        s.client_secret = config::read_secret_file(config::env_required("OCMS_CAS_CLIENT_SECRET_FILE"));
        s.scope = config::env_or("OCMS_CAS_SCOPE", "");
    }
    auto waits = parse_retry_waits(config::env_or("OCMS_CAS_RETRY_WAITS_MS", "0,5000,10000,15000"));
    if (!waits) throw std::runtime_error("setting OCMS_CAS_RETRY_WAITS_MS is " + waits.error());
    s.retry_waits = std::move(*waits);
    auto positive = [](const char* name, long long fallback) {
        long long v = config::env_int(name, fallback);
        if (v < 1 || v > 600'000) throw std::runtime_error(std::string("setting ") + name + " must be 1-600000 ms");
        return milliseconds{v};
    };
    s.timeout = positive("OCMS_CAS_TIMEOUT_MS", 30'000);
    s.token_refresh_wait = milliseconds{config::env_int("OCMS_CAS_TOKEN_REFRESH_WAIT_MS", 1'000)};
    if (s.token_refresh_wait.count() < 0) throw std::runtime_error("setting OCMS_CAS_TOKEN_REFRESH_WAIT_MS must be >= 0");
    return s;
}

http::ClientOptions cas_client_options(const CasVipSettings& s, std::shared_ptr<http::AlertSink> alerts) {
    http::ClientOptions o;
    o.api_name = "CAS getVipVehicles";
    o.retry = http::RetryPolicy::wait_list(s.retry_waits);
    if (!s.token_url.empty()) {
        http::OAuthConfig oc;
        oc.token_url = s.token_url;
        oc.client_id = s.client_id;
        oc.client_secret = s.client_secret;
        oc.scope = s.scope;
        oc.timeout = s.timeout;
        o.tokens = std::make_shared<http::OAuthClientCredentials>(std::move(oc));
    }
    o.refresh_wait = s.token_refresh_wait;
    o.alerts = std::move(alerts);
    return o;
}

// ---- the job --------------------------------------------------------------------------------

Error vip_replace_error(std::string_view step, const pg::PgError& e) {
    Error out = pg::to_error(e);
    std::string m = std::string(step) + ": " + e.message;
    if (!e.sqlstate.empty()) m += " (SQLSTATE " + e.sqlstate + ")";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    out.message = std::move(m);
    return out;
}

Result<VipRefreshStats> replace_vip_vehicles(pg::Connection& db, const std::vector<VipVehicle>& list,
                                             const VipRefreshOptions& o) {
    auto fail_rolled_back = [&](std::string_view step, const pg::PgError& e) -> std::unexpected<Error> {
        if (db.ok()) (void)db.command("ROLLBACK");
        return fail(vip_replace_error(step, e));
    };
    if (auto b = db.command("BEGIN"); !b) return fail_rolled_back("BEGIN", b.error());
    // set_config(..., true) = SET LOCAL, with the value as a parameter.
    if (auto r = db.exec("SELECT set_config('lock_timeout', $1, true)", {std::to_string(o.lock_timeout.count())}); !r)
        return fail_rolled_back("SET lock_timeout", r.error());
    if (auto r = db.exec("LOCK TABLE ocms_vip_vehicle IN SHARE ROW EXCLUSIVE MODE"); !r)
        return fail_rolled_back("LOCK TABLE ocms_vip_vehicle", r.error());
    VipRefreshStats stats;
    auto del = db.exec("DELETE FROM ocms_vip_vehicle");
    if (!del) return fail_rolled_back("DELETE FROM ocms_vip_vehicle", del.error());
    stats.previous_rows = static_cast<std::size_t>(std::stoull(std::string(del->affected().empty() ? "0" : del->affected())));
    auto ins = db.exec(
        "INSERT INTO ocms_vip_vehicle (vip_vehicle, vehicle_no, description, status, cre_date, cre_user_id) "
        "SELECT r.vip_vehicle, r.vehicle_no, r.description, r.status, now(), $2 "
        "FROM jsonb_to_recordset($1::jsonb) AS r(vip_vehicle text, vehicle_no text, description text, status text)",
        {vip_list_json(list), o.audit_user});
    if (!ins) return fail_rolled_back("INSERT INTO ocms_vip_vehicle", ins.error());
    stats.rows = static_cast<std::size_t>(std::stoull(std::string(ins->affected().empty() ? "0" : ins->affected())));
    if (stats.rows != list.size()) {
        return fail_rolled_back("INSERT INTO ocms_vip_vehicle",
                                pg::PgError{"", "inserted " + std::to_string(stats.rows) + " rows of " +
                                                    std::to_string(list.size()), FaultKind::permanent});
    }
    // If the connection breaks during COMMIT the outcome is unknown, but either way the table
    // holds one whole list (the old or the new one): the error says so.
    if (auto c = db.command("COMMIT"); !c) return fail_rolled_back("COMMIT (outcome unknown; the table holds either the whole old or the whole new list)", c.error());
    return stats;
}

Result<std::optional<TimePoint>> vip_last_refreshed(pg::Connection& db) {
    auto r = db.exec("SELECT (extract(epoch FROM max(cre_date)) * 1000000)::bigint FROM ocms_vip_vehicle");
    if (!r) return fail(pg::to_error(r.error()));
    if (r->rows() == 0 || r->is_null(0, 0)) return std::optional<TimePoint>{};
    return std::optional<TimePoint>{from_micros(r->get_int(0, 0))};
}

std::expected<VipRefreshStats, VipRefreshError> run_vip_refresh(http::HttpClient& cas, const std::string& url,
                                                                const std::string& pg_url, http::AlertSink* alerts,
                                                                const VipRefreshOptions& o, Clock clock) {
    const std::string run_id = new_uuid();
    const std::string endpoint = http::redact_url(url);
    log::info("vip refresh started", {{"job", "vip-refresh"}, {"runId", run_id}, {"url", endpoint}});

    auto failed = [&](VipFailure kind, std::string message, bool alert) -> std::unexpected<VipRefreshError> {
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
        log::error("vip refresh failed", {{"job", "vip-refresh"},
                                          {"runId", run_id},
                                          {"failure", to_string(kind)},
                                          {"error", message},
                                          {"table", "unchanged"}});
        if (alert && alerts) {
            http::Alert a{cas.api_name(), endpoint,
                          "VIP vehicle refresh failed (" + std::string(to_string(kind)) + "): " + message +
                              "; ocms_vip_vehicle left unchanged",
                          clock ? clock() : system_now(), 0};
            try {
                alerts->alert(a);
            } catch (...) {  // sinks must not throw; the failure is logged above either way
                log::error("alert sink threw", {{"job", "vip-refresh"}});
            }
        }
        return std::unexpected(VipRefreshError{kind, std::move(message)});
    };

    auto resp = cas.post_json(url, "{}", o.request_timeout);
    // The client raised the alert for every error it returns (retries exhausted, token refresh
    // failed, permanent transport fault): only log here.
    if (!resp) return failed(VipFailure::cas_call, resp.error().message, false);
    if (!resp->ok()) {
        std::string snippet = resp->body.substr(0, 200);
        for (char& c : snippet)
            if (static_cast<unsigned char>(c) < 0x20) c = ' ';
        return failed(VipFailure::cas_status, "CAS answered HTTP " + std::to_string(resp->status) +
                                                  (snippet.empty() ? "" : ": " + snippet), true);
    }
    auto list = parse_vip_list(resp->body);
    if (!list) return failed(list.error().kind, list.error().message, true);

    auto db = pg::Connection::connect(pg_url);
    if (!db) return failed(VipFailure::database, "connecting to PostgreSQL: " + db.error().message, true);
    auto stats = replace_vip_vehicles(**db, *list, o);
    if (!stats) return failed(VipFailure::database, stats.error().message + " (rolled back)", true);

    log::info("vip refresh finished", {{"job", "vip-refresh"},
                                       {"runId", run_id},
                                       {"rows", std::to_string(stats->rows)},
                                       {"previousRows", std::to_string(stats->previous_rows)}});
    return *stats;
}

}  // namespace ocms::jobs
