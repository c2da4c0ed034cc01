// The worker's handler table and schemas/commands stay in step: every command schema has a
// handler, every handler has its schema, and every handler's topic is one of the command topics.
#include "handler.hpp"

#include "contract/catalogue.hpp"
#include "json/schema_registry.hpp"

#include <gtest/gtest.h>

#include <set>

namespace ocms::worker {
namespace {

TEST(HandlerTable, EverySchemaHasAHandlerAndEveryHandlerASchema) {
    auto schemas = json::SchemaRegistry::load(OCMS_SCHEMAS_DIR);
    std::set<std::string> from_schemas, from_table;
    for (const auto& name : schemas->names())
        if (name.starts_with("commands/")) from_schemas.insert(name);
    for (const auto& h : handler_table()) {
        auto name = messages::payload_schema_name(h.type, h.version);
        EXPECT_TRUE(from_table.insert(name).second) << "two handlers for " << name;
        EXPECT_TRUE(h.fn) << name;
    }
    EXPECT_EQ(from_schemas, from_table);
}

// The worker takes each type's topic and fault reply from the catalogue, and handles every entry.
TEST(HandlerTable, EveryCatalogueEntryHasItsHandler) {
    ASSERT_EQ(handler_table().size(), contract::kCatalogue.size());
    for (const auto& k : contract::kCatalogue) {
        const HandlerEntry* h = find_handler(std::string(k.type), k.version);
        ASSERT_NE(h, nullptr) << k.type;
        EXPECT_EQ(h->topic, k.topic);
        EXPECT_EQ(h->fault_code, k.fault.code);
        EXPECT_EQ(h->fault_message, k.fault.text);
    }
}

TEST(HandlerTable, TopicsAreCommandTopicsAndLookupWorks) {
    const std::set<std::string> command_topics{messages::kTopicSuspension, messages::kTopicRevival,
                                               messages::kTopicStage, messages::kTopicCourt};
    for (const auto& t : handled_topics()) EXPECT_TRUE(command_topics.contains(t)) << t;
    EXPECT_NE(find_handler("suspension.apply", 1), nullptr);
    EXPECT_EQ(find_handler("suspension.apply", 2), nullptr);
    EXPECT_EQ(find_handler("no.such", 1), nullptr);
}

}  // namespace
}  // namespace ocms::worker
