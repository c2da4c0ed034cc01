#include "schema_explain.hpp"

#include <rapidjson/pointer.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ocms::edge {

namespace fs = std::filesystem;

std::shared_ptr<const SchemaExplainer> SchemaExplainer::load(const std::string& schemas_dir) {
    auto out = std::make_shared<SchemaExplainer>();
    const std::string suffix = ".schema.json";
    fs::path dir = fs::path(schemas_dir) / "http";
    if (!fs::is_directory(dir)) return out;
    for (const auto& e : fs::directory_iterator(dir)) {
        std::string file = e.path().filename().string();
        if (!e.is_regular_file() || !file.ends_with(suffix)) continue;
        std::ifstream in(e.path());
        std::stringstream ss;
        ss << in.rdbuf();
        auto doc = json::parse(ss.str());
        if (!doc) throw std::runtime_error("schema " + e.path().string() + " is not JSON: " + doc.error());
        out->schemas_.emplace("http/" + file.substr(0, file.size() - suffix.size()), std::move(*doc));
    }
    return out;
}

namespace {

// RapidJSON writes the pointer as a URI fragment, so "$skip" arrives as "%24skip".
std::string percent_decode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto hex = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            return -1;
        };
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += char(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// "#/noticeNo/3" -> "noticeNo[3]"; "#" -> "" (the body itself).
std::string display_path(const std::string& pointer) {
    std::string out;
    std::size_t i = pointer.starts_with("#") ? 1 : 0;
    while (i < pointer.size()) {
        if (pointer[i] == '/') ++i;
        auto next = pointer.find('/', i);
        std::string tok = percent_decode(pointer.substr(i, next == std::string::npos ? std::string::npos : next - i));
        bool index = !tok.empty() && tok.find_first_not_of("0123456789") == std::string::npos;
        if (index) out += "[" + tok + "]";
        else out += (out.empty() ? "" : ".") + tok;
        if (next == std::string::npos) break;
        i = next;
    }
    return out;
}

// The subschema that describes the instance at pointer (following properties and items).
const json::Value* subschema(const json::Value& root, const std::string& pointer) {
    const json::Value* s = &root;
    std::size_t i = pointer.starts_with("#") ? 1 : 0;
    while (s && i < pointer.size()) {
        if (pointer[i] == '/') ++i;
        auto next = pointer.find('/', i);
        std::string tok = percent_decode(pointer.substr(i, next == std::string::npos ? std::string::npos : next - i));
        const json::Value* props = json::get_object(*s, "properties");
        if (props && props->HasMember(tok.c_str())) s = &(*props)[tok.c_str()];
        else if (const json::Value* items = json::get_object(*s, "items")) s = items;
        else s = nullptr;
        if (next == std::string::npos) break;
        i = next;
    }
    return s;
}

std::string limit(const json::Value* s, const char* key) {
    if (!s) return "?";
    if (auto v = json::get_int(*s, key)) return std::to_string(*v);
    return "?";
}

}  // namespace

std::string SchemaExplainer::explain(const std::string& schema_name, const json::Value& instance,
                                     const std::string& reason) const {
    auto colon = reason.find(": ");
    if (colon == std::string::npos) return reason;
    std::string pointer = reason.substr(0, colon);
    std::string keyword = reason.substr(colon + 2);
    std::string where = display_path(pointer);
    std::string field = where.empty() ? "the body" : where;
    auto it = schemas_.find(schema_name);
    const json::Value* s = it == schemas_.end() ? nullptr : subschema(it->second, pointer);
    const json::Value* inst = nullptr;
    if (pointer.size() <= 1) inst = &instance;
    else inst = rapidjson::Pointer(pointer.c_str()).Get(instance);

    if (keyword == "required" && s && inst && inst->IsObject()) {
        if (const json::Value* req = json::get_array(*s, "required"))
            for (const auto& r : req->GetArray())
                if (r.IsString() && !inst->HasMember(r.GetString()))
                    return "missing required field '" + std::string(r.GetString()) + "'" +
                           (where.empty() ? "" : " in " + where);
    }
    if (keyword == "additionalProperties" && pointer.size() > 1) {
        // RapidJSON points at the unknown member itself ("#/foo") or at its object ("#").
        auto slash = pointer.rfind('/');
        std::string parent = pointer.substr(0, slash);
        std::string name = percent_decode(pointer.substr(slash + 1));
        const json::Value* ps = it == schemas_.end() ? nullptr : subschema(it->second, parent);
        const json::Value* props = ps ? json::get_object(*ps, "properties") : nullptr;
        if (ps && (!props || !props->HasMember(name.c_str()))) {
            std::string in = display_path(parent);
            return "unknown field '" + name + "'" + (in.empty() ? "" : " in " + in);
        }
    }
    if (keyword == "additionalProperties" && s && inst && inst->IsObject()) {
        const json::Value* props = json::get_object(*s, "properties");
        for (const auto& m : inst->GetObject()) {
            std::string name(m.name.GetString(), m.name.GetStringLength());
            if (!props || !props->HasMember(name.c_str()))
                return "unknown field '" + name + "'" + (where.empty() ? "" : " in " + where);
        }
    }
    if (keyword == "type") {
        std::string expected = s ? std::string(json::get_string(*s, "type").value_or("")) : "";
        if (const json::Value* types = s ? json::get_array(*s, "type") : nullptr) {  // ["string", "array", "null"]
            for (const auto& t : types->GetArray())
                if (t.IsString()) expected += (expected.empty() ? "" : " or ") + std::string(t.GetString());
        }
        if (where.empty()) return "the body must be a JSON " + (expected.empty() ? std::string("object") : expected);
        return field + " must be " + (expected.empty() ? "of another type" : "a " + expected);
    }
    if (keyword == "maxLength") return field + " is longer than " + limit(s, "maxLength") + " characters";
    if (keyword == "minLength") return field + " is shorter than " + limit(s, "minLength") + " characters";
    if (keyword == "maxItems") return field + " has more than " + limit(s, "maxItems") + " items";
    if (keyword == "minItems") return field + " needs at least " + limit(s, "minItems") + " item(s)";
    if (keyword == "pattern") return field + " contains characters that are not allowed";
    if (keyword == "enum") return field + " is not one of the allowed values";
    if (keyword == "minimum" && s && json::get_int(*s, "minimum"))
        return field + " must be at least " + limit(s, "minimum");
    if (keyword == "maximum" && s && json::get_int(*s, "maximum"))
        return field + " must be at most " + limit(s, "maximum");
    if (keyword == "minimum" || keyword == "maximum") return field + " is out of range";
    return field + " fails the schema rule '" + keyword + "'";
}

}  // namespace ocms::edge
