#pragma once
// The success envelope the spec 002 read APIs share:
//   {"appCode":"OCMS-2000","message":"Success","data":[ ...rows... ] <extra members>}
// Pure writer helpers; the error envelope is EnvelopeStyle::ocms_flat (envelope.hpp).
#include "core/error.hpp"
#include "core/money.hpp"
#include "core/time.hpp"
#include "json/json.hpp"

#include <optional>
#include <string>

namespace ocms::edge::read_response {

// Writes {"appCode":"OCMS-2000","message":"Success","data":[ and leaves the array open.
inline void begin(json::Writer& w) {
    w.StartObject();
    json::kv(w, "appCode", codes::kSuccess.str());
    json::kv(w, "message", std::string_view("Success"));
    w.Key("data");
    w.StartArray();
}

inline void string_or_null(json::Writer& w, const char* key, const std::optional<std::string>& v) {
    w.Key(key);
    if (v) w.String(v->data(), rapidjson::SizeType(v->size()));
    else w.Null();
}

// Singapore local time as the spec shows it ("2025-04-12T19:00:02"), or null.
inline void time_or_null(json::Writer& w, const char* key, const std::optional<TimePoint>& t) {
    w.Key(key);
    if (t) {
        std::string s = format_local(*t);
        w.String(s.data(), rapidjson::SizeType(s.size()));
    } else {
        w.Null();
    }
}

// A JSON number with exactly two decimals (0.00, 70.50). RapidJSON 1.1.0's Writer::RawNumber
// writes quotes around the text, so the digits go in through RawValue.
inline void amount(json::Writer& w, const char* key, std::int64_t cents) {
    w.Key(key);
    std::string s = ocms::money::format_cents(cents);
    w.RawValue(s.data(), s.size(), rapidjson::kNumberType);
}

}  // namespace ocms::edge::read_response
