#pragma once
// Turns the SchemaRegistry's terse reason ("#: additionalProperties", "#/noticeNo: maxItems")
// into a message a caller can act on ("unknown field 'foo'", "noticeNo has more than 10 items").
// It reads the same schema files as plain JSON to name the missing or unknown field and the
// limit. Immutable after load(); shared between threads.
#include "json/json.hpp"

#include <map>
#include <memory>
#include <string>

namespace ocms::edge {

class SchemaExplainer {
public:
    // Loads the schemas of dir/http (the HTTP bodies); throws on unreadable files.
    static std::shared_ptr<const SchemaExplainer> load(const std::string& schemas_dir);

    std::string explain(const std::string& schema_name, const json::Value& instance, const std::string& reason) const;

private:
    std::map<std::string, json::Document> schemas_;
};

}  // namespace ocms::edge
