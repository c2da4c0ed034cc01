#pragma once
// Every JSON Schema of schemas/, loaded once at start and shared between threads. RapidJSON
// 1.1.0's SchemaDocument is NOT safe to use from two threads at once: its "pattern" regex keeps
// match state inside the document (two edge threads crashed on it). So the registry keeps the
// parsed schema texts, and each thread compiles its own SchemaDocuments on first use. A schema is named by its path under schemas/ without ".schema.json",
// e.g. "envelope.v1", "commands/suspension.apply.v1", "http/staff-apply-suspension.request".
#include "json/json.hpp"

#include <rapidjson/schema.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ocms::json {

class SchemaRegistry {
public:
    // Loads every *.schema.json below dir; throws std::runtime_error on an unreadable or
    // invalid schema (a start-up fault).
    static std::shared_ptr<const SchemaRegistry> load(const std::string& dir);

    bool has(const std::string& name) const { return sources_.contains(name); }
    std::vector<std::string> names() const;
    // Empty string when valid; otherwise a short readable reason
    // ("#/noticeNo: maxItems", "#: additionalProperties 'foo'").
    std::string validate(const std::string& name, const Value& v) const;

private:
    const rapidjson::SchemaDocument* document(const std::string& name) const;
    std::map<std::string, std::string> sources_;  // name -> schema JSON text
    std::uint64_t id_ = 0;                        // distinguishes registries in thread caches
};

}  // namespace ocms::json
