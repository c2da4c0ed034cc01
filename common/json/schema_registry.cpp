#include "json/schema_registry.hpp"

#include <atomic>
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
        rapidjson::SchemaDocument check(*doc);  // compiles now, so a bad schema fails at start
        reg->sources_.emplace(name, ss.str());
    }
    static std::atomic<std::uint64_t> next_id{1};
    reg->id_ = next_id++;
    return reg;
}

const rapidjson::SchemaDocument* SchemaRegistry::document(const std::string& name) const {
    struct Cache {
        std::uint64_t id = 0;
        std::map<std::string, std::pair<Document, std::unique_ptr<rapidjson::SchemaDocument>>> docs;
    };
    thread_local Cache cache;
    if (cache.id != id_) {
        cache.docs.clear();
        cache.id = id_;
    }
    auto it = cache.docs.find(name);
    if (it == cache.docs.end()) {
        auto src = sources_.find(name);
        if (src == sources_.end()) return nullptr;
        Document d;
        d.Parse(src->second.data(), src->second.size());
        auto sd = std::make_unique<rapidjson::SchemaDocument>(d);
        it = cache.docs.emplace(name, std::make_pair(std::move(d), std::move(sd))).first;
    }
    return it->second.second.get();
}

std::vector<std::string> SchemaRegistry::names() const {
    std::vector<std::string> out;
    for (const auto& [k, _] : sources_) out.push_back(k);
    return out;
}

std::string SchemaRegistry::validate(const std::string& name, const Value& v) const {
    const rapidjson::SchemaDocument* sd = document(name);
    if (sd == nullptr) return "no schema named " + name;
    rapidjson::SchemaValidator validator(*sd);
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
