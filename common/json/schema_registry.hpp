#pragma once
// Every JSON Schema of schemas/, loaded once at start and shared read-only between threads
// (RapidJSON's SchemaDocument is immutable after construction; each validation makes its own
// SchemaValidator). A schema is named by its path under schemas/ without ".schema.json",
// e.g. "envelope.v1", "commands/suspension.apply.v1", "http/staff-apply-suspension.request".
#include "json/json.hpp"

#include <rapidjson/schema.h>

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

    bool has(const std::string& name) const { return schemas_.contains(name); }
    std::vector<std::string> names() const;
    // Empty string when valid; otherwise a short readable reason
    // ("#/noticeNo: maxItems", "#: additionalProperties 'foo'").
    std::string validate(const std::string& name, const Value& v) const;

private:
    std::map<std::string, std::unique_ptr<rapidjson::SchemaDocument>> schemas_;
};

}  // namespace ocms::json
