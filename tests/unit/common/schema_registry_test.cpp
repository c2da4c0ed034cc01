#include "json/schema_registry.hpp"
#include "messages/messages.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace ocms::json {
namespace {

std::shared_ptr<const SchemaRegistry> registry() {
    static auto r = SchemaRegistry::load(OCMS_SCHEMAS_DIR);
    return r;
}

const char* kGood =
    R"({"commandId":"0f8c3c9e-2f1a","type":"suspension.apply","schemaVersion":1,"issuedAt":"2025-03-22T19:00:02",)"
    R"("source":"OCMS","officer":"X","payload":{"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"ACR"}})";

TEST(SchemaRegistry, LoadsEveryMessageSchema) {
    auto r = registry();
    for (const char* name : {"envelope.v1", "reply.v1", "outcome.v1", "dlq.v1", "commands/suspension.apply.v1",
                             "http/staff-apply-suspension.request"})
        EXPECT_TRUE(r->has(name)) << name;
}

TEST(SchemaRegistry, ValidatesEnvelopeAndPayload) {
    auto doc = parse(kGood);
    ASSERT_TRUE(doc);
    EXPECT_EQ(registry()->validate("envelope.v1", *doc), "");
    EXPECT_EQ(registry()->validate("commands/suspension.apply.v1", (*doc)["payload"]), "");
}

TEST(SchemaRegistry, RefusesWithAReadableReason) {
    std::string unknown = kGood;
    unknown.insert(1, R"("extra":1,)");
    auto doc = parse(unknown);
    ASSERT_TRUE(doc);
    EXPECT_NE(registry()->validate("envelope.v1", *doc).find("additionalProperties"), std::string::npos);
    std::string bad_notice = kGood;
    bad_notice.replace(bad_notice.find("500500303J"), 10, "50050-303J");
    auto doc2 = parse(bad_notice);
    ASSERT_TRUE(doc2);
    auto why = registry()->validate("commands/suspension.apply.v1", (*doc2)["payload"]);
    EXPECT_NE(why.find("pattern"), std::string::npos) << why;
    EXPECT_NE(registry()->validate("no/such", *doc2), "");
}

// Regression: RapidJSON 1.1.0 keeps regex match state in the schema document; shared between
// threads it crashed the edge. Every thread must get the right answer, many times over.
TEST(SchemaRegistry, PatternsAreSafeFromManyThreads) {
    auto r = registry();
    auto good = parse(R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"ACR"})");
    auto bad = parse(R"({"noticeNo":"5005-0303J","suspensionType":"TS","reasonOfSuspension":"ACR"})");
    ASSERT_TRUE(good && bad);
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 2000; ++i) {
                if (!r->validate("commands/suspension.apply.v1", *good).empty()) ++wrong;
                if (r->validate("commands/suspension.apply.v1", *bad).empty()) ++wrong;
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace ocms::json
