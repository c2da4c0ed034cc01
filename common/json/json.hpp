#pragma once
// JSON over RapidJSON. Input comes from other systems, so parse() refuses, with a reason and an
// offset, what RapidJSON would accept but the rest of the system cannot hold (issue 14):
//   - nesting deeper than kMaxDepth: RapidJSON's schema validator and the DOM's users recurse,
//     so 200k levels in a 1 MB message would overflow the stack (a poison pill redelivered after
//     every restart); no OCMS message nests deeper than 6;
//   - the escape \u0000 (PostgreSQL text cannot hold NUL, and C strings stop at it:
//     "SBA1234A\u0000ZZZ" matched SBA1234A) and a lone surrogate escape (\udc00: it is not a
//     character; RapidJSON writes it as CESU bytes that PostgreSQL refuses with 22021);
//   - bad UTF-8 (RapidJSON's kParseValidateEncodingFlag) and repeated names in one object.
// Small accessors return optionals instead of asserting.
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

// Deepest nesting of arrays and objects parse() accepts ({"a":[1]} is depth 2).
inline constexpr int kMaxDepth = 32;

// Parses text; the error says where and what ("offset 12: Invalid value.",
// "offset 40: nesting deeper than 32 levels", "offset 9: \u0000 is not allowed in a string").
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
// The member when there is a value, nothing when there is none (an absent key reads as NULL in
// PostgreSQL's jsonb_to_recordset).
inline void kv_if(Writer& w, const char* k, const std::optional<std::string>& v) {
    if (v) kv(w, k, std::string_view(*v));
}
// A member whose value is JSON text already (a stored document): written as it is.
inline void kv_raw(Writer& w, const char* k, std::string_view json_text) {
    w.Key(k);
    w.RawValue(json_text.data(), json_text.size(), rapidjson::kObjectType);
}

}  // namespace ocms::json
