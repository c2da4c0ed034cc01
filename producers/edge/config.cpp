#include "config.hpp"

#include "auth/auth.hpp"
#include "core/config.hpp"

#include <charconv>
#include <stdexcept>

namespace ocms::edge {

namespace {

// The console's build output (producers/edge/console, built by infra into build/console).
std::string default_console_dir() {
#ifdef OCMS_DEFAULT_CONSOLE_DIR
    return OCMS_DEFAULT_CONSOLE_DIR;
#else
    return "build/console";
#endif
}

// "host:port" (host may be empty for all interfaces).
void parse_listen(const std::string& s, EdgeConfig& c) {
    auto colon = s.rfind(':');
    if (colon == std::string::npos) throw std::runtime_error("setting OCMS_EDGE_LISTEN must be host:port: " + s);
    c.listen_host = s.substr(0, colon);
    if (c.listen_host.empty()) c.listen_host = "0.0.0.0";
    unsigned port = 0;
    const char* b = s.data() + colon + 1;
    const char* e = s.data() + s.size();
    auto [p, ec] = std::from_chars(b, e, port);
    if (ec != std::errc{} || p != e || port == 0 || port > 65535)
        throw std::runtime_error("setting OCMS_EDGE_LISTEN has a bad port: " + s);
    c.listen_port = std::uint16_t(port);
}

}  // namespace

std::string validate(const EdgeConfig& c) {
    if (c.deadline <= c.kafka_message_timeout)
        return "OCMS_EDGE_DEADLINE_MS (" + std::to_string(c.deadline.count()) +
               ") must be greater than OCMS_KAFKA_MESSAGE_TIMEOUT_MS (" +
               std::to_string(c.kafka_message_timeout.count()) + ")";
    if (c.kafka_message_timeout.count() < 1) return "OCMS_KAFKA_MESSAGE_TIMEOUT_MS must be positive";
    if (c.instance < 0 || c.instance > 9999) return "OCMS_EDGE_INSTANCE must be 0..9999";
    if (c.body_limit < 256 || c.body_limit > 64 * 1024 * 1024) return "OCMS_EDGE_BODY_LIMIT must be 256..67108864";
    if (c.threads < 1 || c.threads > 256) return "OCMS_EDGE_THREADS must be 1..256";
    if (c.job_wait.count() < 1000) return "OCMS_EDGE_JOB_WAIT_MS must be at least 1000";
    if (c.jwt_secret.size() < 32) return "the JWT key in OCMS_JWT_SECRET_FILE must be at least 32 bytes";
    if (c.jwt_issuer.empty()) return "OCMS_JWT_ISSUER must not be empty";
    if (c.pg_url.empty()) return "OCMS_EDGE_PG_URL is required";
    if (c.brokers.empty()) return "OCMS_KAFKA_BROKERS must not be empty";
    return {};
}

std::shared_ptr<const EdgeConfig> load_config(const std::string& default_schemas_dir) {
    using namespace ocms::config;
    auto c = std::make_shared<EdgeConfig>();
    c->brokers = env_or("OCMS_KAFKA_BROKERS", c->brokers);
    c->schemas_dir = env_or("OCMS_SCHEMAS_DIR", default_schemas_dir);
    parse_listen(env_or("OCMS_EDGE_LISTEN", "127.0.0.1:8080"), *c);
    c->instance = std::int32_t(env_int("OCMS_EDGE_INSTANCE", 0));
    c->deadline = std::chrono::milliseconds(env_int("OCMS_EDGE_DEADLINE_MS", 8000));
    c->kafka_message_timeout = std::chrono::milliseconds(env_int("OCMS_KAFKA_MESSAGE_TIMEOUT_MS", 5000));
    c->job_wait = std::chrono::milliseconds(env_int("OCMS_EDGE_JOB_WAIT_MS", 300'000));
    long long limit = env_int("OCMS_EDGE_BODY_LIMIT", 65536);
    c->body_limit = limit > 0 ? std::size_t(limit) : 0;
    c->threads = int(env_int("OCMS_EDGE_THREADS", 2));
    c->pg_url = env_required("OCMS_EDGE_PG_URL");
    c->report_dir = env_or("OCMS_REPORT_DIR", env_or("OCMS_DATA", ".data") + "/reports");
    c->console_dir = env_or("OCMS_CONSOLE_DIR", default_console_dir());
    c->support_pg_url = env_or("OCMS_SUPPORT_PG_URL", "");
    c->jwt_secret = read_secret_file(env_required("OCMS_JWT_SECRET_FILE"));
    c->jwt_issuer = env_or("OCMS_JWT_ISSUER", "ocms");
    if (auto f = env("OCMS_APIM_KEYS_FILE")) {
        auth::ApimKeys::load_file(*f);  // fail at start, not at the first PLUS request
        c->apim_keys_file = *f;
    }
    c->log_level = env_or("OCMS_LOG_LEVEL", "info");
    if (auto err = validate(*c); !err.empty()) throw std::runtime_error("bad setting: " + err);
    return c;
}

}  // namespace ocms::edge
