#include "json/json.hpp"

#include <rapidjson/error/en.h>

namespace ocms::json {

std::expected<Document, std::string> parse(std::string_view text) {
    Document d;
    d.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if (d.HasParseError()) {
        return std::unexpected("offset " + std::to_string(d.GetErrorOffset()) + ": " +
                               rapidjson::GetParseError_En(d.GetParseError()));
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
