#include "json/schema_registry.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ocms::json {

namespace fs = std::filesystem;

std::shared_ptr<const SchemaRegistry> SchemaRegistry::load(const std::string& dir) {
    auto reg = std::make_shared<SchemaRegistry>();
    const std::string suffix = ".schema.json";
    if (!fs::is_directory(dir)) throw std::runtime_error("schemas directory not found: " + dir);
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        std::string rel = fs::relative(entry.path(), dir).generic_string();
        if (rel.size() <= suffix.size() || rel.compare(rel.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
        std::ifstream in(entry.path());
        std::stringstream ss;
        ss << in.rdbuf();
        auto doc = parse(ss.str());
        if (!doc) throw std::runtime_error("schema " + rel + " is not JSON: " + doc.error());
        std::string name = rel.substr(0, rel.size() - suffix.size());
        reg->schemas_.emplace(name, std::make_unique<rapidjson::SchemaDocument>(*doc));
    }
    return reg;
}

std::vector<std::string> SchemaRegistry::names() const {
    std::vector<std::string> out;
    for (const auto& [k, _] : schemas_) out.push_back(k);
    return out;
}

std::string SchemaRegistry::validate(const std::string& name, const Value& v) const {
    auto it = schemas_.find(name);
    if (it == schemas_.end()) return "no schema named " + name;
    rapidjson::SchemaValidator validator(*it->second);
    if (v.Accept(validator)) return {};
    rapidjson::StringBuffer where;
    validator.GetInvalidDocumentPointer().StringifyUriFragment(where);
    std::string out = where.GetString();
    if (out.empty()) out = "#";
    out += ": ";
    out += validator.GetInvalidSchemaKeyword();
    return out;
}

}  // namespace ocms::json
