#include "core/log.hpp"

#include "core/time.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

namespace ocms::log {
namespace {

void append_escaped(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 15];
                } else {
                    out += char(c);
                }
        }
    }
}

std::shared_ptr<spdlog::logger>& logger() {
    static std::shared_ptr<spdlog::logger> l = [] {
        auto lg = std::make_shared<spdlog::logger>("ocms", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        lg->set_pattern(R"({"ts":"%v)");
        return lg;
    }();
    return l;
}

void emit(spdlog::level::level_enum lvl, std::string_view msg, Fields fields) {
    auto& lg = logger();
    if (!lg->should_log(lvl)) return;
    // Singapore time (DESIGN.md), whatever the machine's zone: the line is built here, spdlog
    // only adds the opening {"ts":" and writes it.
    std::string line = format_offset(system_now());
    line.erase(23, 3);  // milliseconds are enough: 2025-03-22T19:00:02.123+08:00
    line += "\",\"level\":\"";
    line += spdlog::level::to_string_view(lvl).data();
    line += "\",\"svc\":\"";
    append_escaped(line, lg->name());
    line += "\",\"msg\":\"";
    append_escaped(line, msg);
    line += '"';
    for (const auto& [k, v] : fields) {
        if (v.empty()) continue;
        line += ",\"";
        append_escaped(line, k);
        line += "\":\"";
        append_escaped(line, v);
        line += '"';
    }
    line += '}';
    lg->log(lvl, "{}", line);
}

}  // namespace

void init(std::string_view service, std::string_view level) {
    auto lg = std::make_shared<spdlog::logger>(std::string(service), std::make_shared<spdlog::sinks::stderr_sink_mt>());
    lg->set_pattern(R"({"ts":"%v)");
    lg->set_level(spdlog::level::from_str(std::string(level)));
    lg->flush_on(spdlog::level::info);
    logger() = lg;
}

void debug(std::string_view msg, Fields fields) { emit(spdlog::level::debug, msg, fields); }
void info(std::string_view msg, Fields fields) { emit(spdlog::level::info, msg, fields); }
void warn(std::string_view msg, Fields fields) { emit(spdlog::level::warn, msg, fields); }
void error(std::string_view msg, Fields fields) { emit(spdlog::level::err, msg, fields); }

}  // namespace ocms::log
