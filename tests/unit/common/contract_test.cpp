// The command catalogue (common/contract) against schemas/ and infra/kafka/topics.conf: every
// command schema has exactly one entry and every entry its schema and a topic that infra creates.
#include "contract/catalogue.hpp"
#include "json/schema_registry.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace ocms::contract {
namespace {

std::set<std::string> topics_of_infra() {
    std::ifstream in(std::string(OCMS_SOURCE_DIR) + "/infra/kafka/topics.conf");
    std::set<std::string> out;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        std::string name;
        if (ls >> name) out.insert(name);
    }
    return out;
}

TEST(Catalogue, EveryCommandSchemaHasOneEntryAndEveryEntryItsSchemaAndTopic) {
    auto schemas = json::SchemaRegistry::load(OCMS_SCHEMAS_DIR);
    const auto topics = topics_of_infra();
    ASSERT_FALSE(topics.empty());
    std::set<std::string> from_schemas, from_catalogue;
    for (const auto& name : schemas->names())
        if (name.starts_with("commands/")) from_schemas.insert(name);
    for (const auto& k : kCatalogue) {
        const std::string schema(k.schema);
        EXPECT_TRUE(from_catalogue.insert(schema).second) << "two entries for " << schema;
        EXPECT_TRUE(schemas->has(schema)) << schema;
        EXPECT_EQ(schema, messages::payload_schema_name(std::string(k.type), k.version));
        EXPECT_TRUE(topics.contains(std::string(k.topic))) << k.type << " -> " << k.topic;
        EXPECT_TRUE(std::string(k.topic).starts_with("ocms.cmd.")) << k.topic;
        EXPECT_FALSE(k.fault_code.is_success()) << k.type;
        EXPECT_FALSE(k.fault_message.empty()) << k.type;
        EXPECT_EQ(find(k.type, k.version), &k);
        EXPECT_EQ(topic_of(k.type), k.topic);
    }
    EXPECT_EQ(from_schemas, from_catalogue);
    EXPECT_EQ(find("suspension.apply", 2), nullptr);
    EXPECT_EQ(find("no.such", 1), nullptr);
    EXPECT_EQ(topic_of("no.such"), "");
    static_assert(find("court.update", 1) == &kCatalogue[3], "the catalogue is usable at compile time");
}

}  // namespace
}  // namespace ocms::contract
