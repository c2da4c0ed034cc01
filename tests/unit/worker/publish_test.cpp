// publish_all against librdkafka's mock cluster (issue 14 point 6): a message the client can
// never send is given up at once, logged and counted; the others are acknowledged.
#include "worker.hpp"

#include <gtest/gtest.h>

namespace ocms::worker {
namespace {

TEST(PublishAll, AnUnsendableMessageIsGivenUpNotRetriedForEver) {
    auto producer = kafka::Producer::create("", {{"test.mock.num.brokers", "1"}, {"message.timeout.ms", "5000"}});
    ASSERT_TRUE(producer) << producer.error();
    metrics::Registry metrics;
    std::vector<OutMessage> out{{"ocms.outcome", -1, "K1", R"({"a":1})"},
                                {"ocms.dlq", -1, "K2", std::string(2 * 1024 * 1024, 'x')},  // over message.max.bytes
                                {"ocms.outcome", -1, "K3", R"({"a":3})"}};
    int rounds = 0;
    auto report = publish_all(
        **producer, out, std::chrono::milliseconds(10000),
        [&] { return ++rounds < 5; },  // a bound for the test only: without the fix it would loop here
        [](int) {}, metrics);
    EXPECT_FALSE(report.stopped) << "the unsendable message was retried";
    EXPECT_EQ(rounds, 0) << "nothing needed a second round";
    EXPECT_EQ(report.acknowledged, 2);
    EXPECT_EQ(report.unsendable, 1);
    EXPECT_NE(metrics.render().find(R"(ocms_worker_unsendable_total{topic="ocms.dlq"} 1)"), std::string::npos)
        << metrics.render();
}

}  // namespace
}  // namespace ocms::worker
