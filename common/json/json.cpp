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

int hex4(std::string_view text, std::size_t at) {
    if (at + 4 > text.size()) return -1;
    int v = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
        const char c = text[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return -1;
    }
    return v;
}

// One pass over the text before RapidJSON sees it: nesting depth outside strings, and the
// escapes inside strings that parse() refuses (see json.hpp). What is not JSON at all is left
// to RapidJSON, whose message is better; this pass only has to be right on valid JSON.
std::optional<std::string> prescan(std::string_view text) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (!in_string) {
            if (c == '"') in_string = true;
            else if (c == '[' || c == '{') {
                if (++depth > kMaxDepth)
                    return "offset " + std::to_string(i) + ": nesting deeper than " + std::to_string(kMaxDepth) +
                           " levels";
            } else if (c == ']' || c == '}') --depth;
            continue;
        }
        if (c == '"') {
            in_string = false;
        } else if (c == '\\' && i + 1 < text.size()) {
            if (text[i + 1] != 'u') {
                ++i;  // \" \\ \n ...: the next character is not a quote or an escape
                continue;
            }
            const int u = hex4(text, i + 2);
            if (u == 0)
                return "offset " + std::to_string(i) + ": \\u0000 is not allowed in a string";
            if (u >= 0xD800 && u <= 0xDBFF) {
                // a high surrogate counts only with a low one right after it
                const int lo = (i + 7 < text.size() && text[i + 6] == '\\' && text[i + 7] == 'u') ? hex4(text, i + 8) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return "offset " + std::to_string(i) + ": a lone surrogate escape is not a character";
                i += 11;  // both escapes
                continue;
            }
            if (u >= 0xDC00 && u <= 0xDFFF)
                return "offset " + std::to_string(i) + ": a lone surrogate escape is not a character";
            if (u > 0) i += 5;
        }
    }
    return std::nullopt;
}

}  // namespace

std::expected<Document, std::string> parse(std::string_view text) {
    if (auto why = prescan(text)) return std::unexpected(std::move(*why));
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
