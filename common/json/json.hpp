#pragma once
// JSON over RapidJSON. Parsing validates UTF-8 (bad UTF-8 is an error, never a crash) and
// limits nesting by the parser's iterative mode. Small accessors return optionals instead of
// asserting, because input comes from other systems.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace ocms::json {

using Document = rapidjson::Document;
using Value = rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Parses text; the error says where and what ("offset 12: Invalid value.").
std::expected<Document, std::string> parse(std::string_view text);

std::optional<std::string_view> get_string(const Value& obj, const char* key);
std::optional<std::int64_t> get_int(const Value& obj, const char* key);
std::optional<bool> get_bool(const Value& obj, const char* key);
const Value* get_object(const Value& obj, const char* key);
const Value* get_array(const Value& obj, const char* key);

std::string to_string(const Value& v);

// Writer helpers that keep call sites short.
inline void kv(Writer& w, const char* k, std::string_view v) {
    w.Key(k);
    w.String(v.data(), rapidjson::SizeType(v.size()));
}
inline void kv(Writer& w, const char* k, std::int64_t v) {
    w.Key(k);
    w.Int64(v);
}
inline void kv(Writer& w, const char* k, bool v) {
    w.Key(k);
    w.Bool(v);
}
inline void kv_null(Writer& w, const char* k) {
    w.Key(k);
    w.Null();
}

}  // namespace ocms::json
