#pragma once
// The edge's settings (docs/architecture.md "Settings"), read once from the environment at start,
// validated, and shared read-only as std::shared_ptr<const EdgeConfig>. Secrets (the JWT key,
// the APIM keys) are read from the files the environment names, never from the environment.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ocms::edge {

struct EdgeConfig {
    std::string brokers = "127.0.0.1:9092";
    std::string schemas_dir;
    std::string listen_host = "127.0.0.1";
    std::uint16_t listen_port = 8080;
    std::int32_t instance = 0;  // this edge's partition of ocms.reply
    std::chrono::milliseconds deadline{8000};
    std::chrono::milliseconds kafka_message_timeout{5000};
    std::chrono::milliseconds job_wait{300'000};  // how long a trigger waits for ocms-scheduler's answer
    std::size_t body_limit = 65536;
    int threads = 2;
    std::string pg_url;
    std::string jwt_secret;  // bytes of OCMS_JWT_SECRET_FILE
    std::string jwt_issuer = "ocms";
    std::string apim_keys_file;  // OCMS_APIM_KEYS_FILE; empty: no key is accepted (PLUS routes answer 401)
    std::string log_level = "info";
    int pg_pool_size = 4;
    std::string report_dir;  // OCMS_REPORT_DIR: the filesystem report store (spec 003 reports)
    std::string console_dir;     // OCMS_CONSOLE_DIR: the built support console (GET /ops)
    std::string support_pg_url;  // OCMS_SUPPORT_PG_URL (role ocms_support); empty: the /ops/api routes answer 500
};

// Reads and validates; throws std::runtime_error naming the bad setting. default_schemas_dir is
// used when OCMS_SCHEMAS_DIR is unset (the build passes <repo>/schemas).
std::shared_ptr<const EdgeConfig> load_config(const std::string& default_schemas_dir);

// The checks load_config() applies, separate so tests can call them: empty when valid.
std::string validate(const EdgeConfig& c);

}  // namespace ocms::edge
