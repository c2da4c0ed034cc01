#pragma once
// JSON-lines logging over spdlog. Every line is one JSON object:
//   {"ts":"2025-03-22T19:00:02.123+08:00","level":"info","svc":"ocms-worker","msg":"...","requestId":"...","commandId":"..."}
// Fields are passed as a list of key/value pairs and escaped properly. Thread-safe (spdlog's
// _mt sinks). init() once in main(); before it, lines go to stderr with the default service name.
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace ocms::log {

using Field = std::pair<std::string_view, std::string_view>;
using Fields = std::initializer_list<Field>;

void init(std::string_view service, std::string_view level = "info");

void debug(std::string_view msg, Fields fields = {});
void info(std::string_view msg, Fields fields = {});
void warn(std::string_view msg, Fields fields = {});
void error(std::string_view msg, Fields fields = {});

}  // namespace ocms::log
