#include "json/json.hpp"

#include <rapidjson/error/en.h>

#include <algorithm>
#include <vector>

namespace ocms::json {

namespace {

// A name that appears twice in one object, anywhere in v; nullopt when there is none. Iterative
// (nesting is bounded only by the input) and O(n log n) per object.
std::optional<std::string_view> duplicate_key(const Value& root) {
    std::vector<const Value*> todo{&root};
    std::vector<std::string_view> names;
    while (!todo.empty()) {
        const Value* v = todo.back();
        todo.pop_back();
        if (v->IsArray()) {
            for (const auto& e : v->GetArray())
                if (e.IsObject() || e.IsArray()) todo.push_back(&e);
        } else if (v->IsObject()) {
            names.clear();
            for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
                names.emplace_back(it->name.GetString(), it->name.GetStringLength());
                if (it->value.IsObject() || it->value.IsArray()) todo.push_back(&it->value);
            }
            std::sort(names.begin(), names.end());
            if (auto d = std::adjacent_find(names.begin(), names.end()); d != names.end()) return *d;
        }
    }
    return std::nullopt;
}

}  // namespace

std::expected<Document, std::string> parse(std::string_view text) {
    Document d;
    d.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if (d.HasParseError()) {
        return std::unexpected("offset " + std::to_string(d.GetErrorOffset()) + ": " +
                               rapidjson::GetParseError_En(d.GetParseError()));
    }
    // RapidJSON keeps every copy of a repeated name and OCMS reads the first; other readers (a
    // Python or Java producer, kcat users' tools) read the last. A repeated name is refused
    // (I-JSON, RFC 7493 2.3), so no two systems see different commands in one message (found by
    // tests/fuzz: {"type":..., "type":...} passed the envelope schema).
    if (auto name = duplicate_key(d)) {
        std::string_view shown = *name;  // at most 64 bytes, cut on a character boundary
        if (shown.size() > 64) {
            std::size_t n = 64;
            while (n > 0 && (static_cast<unsigned char>(shown[n]) & 0xC0) == 0x80) --n;
            shown = shown.substr(0, n);
        }
        return std::unexpected("duplicate key '" + std::string(shown) + "'");
    }
    return d;
}

std::optional<std::string_view> get_string(const Value& obj, const char* key) {
    if (!obj.IsObject()) return std::nullopt;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || !it->value.IsString()) return std::nullopt;
    return std::string_view(it->value.GetString(), it->value.GetStringLength());
}

std::optional<std::int64_t> get_int(const Value& obj, const char* key) {
    if (!obj.IsObject()) return std::nullopt;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
    return it->value.GetInt64();
}

std::optional<bool> get_bool(const Value& obj, const char* key) {
    if (!obj.IsObject()) return std::nullopt;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || !it->value.IsBool()) return std::nullopt;
    return it->value.GetBool();
}

const Value* get_object(const Value& obj, const char* key) {
    if (!obj.IsObject()) return nullptr;
    auto it = obj.FindMember(key);
    return (it != obj.MemberEnd() && it->value.IsObject()) ? &it->value : nullptr;
}

const Value* get_array(const Value& obj, const char* key) {
    if (!obj.IsObject()) return nullptr;
    auto it = obj.FindMember(key);
    return (it != obj.MemberEnd() && it->value.IsArray()) ? &it->value : nullptr;
}

std::string to_string(const Value& v) {
    rapidjson::StringBuffer sb;
    Writer w(sb);
    v.Accept(w);
    return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace ocms::json
