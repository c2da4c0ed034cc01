// publish_all against librdkafka's mock cluster (issue 14 point 6): a message the client can
// never send is given up at once, logged and counted; the others are acknowledged.
#include "worker.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <librdkafka/rdkafka_mock.h>

namespace ocms::worker {
namespace {

// librdkafka's mock cluster speaks no SASL: these clients must not take the developer's broker
// credentials that infra/test exports (OCMS_KAFKA_CONFIG, kafka.hpp).
const bool kNoBrokerCredentials = (::unsetenv("OCMS_KAFKA_CONFIG"), true);

TEST(PublishAll, AnUnsendableMessageIsGivenUpNotRetriedForEver) {
    auto producer = kafka::Producer::make("", {{"test.mock.num.brokers", "1"}, {"message.timeout.ms", "5000"}});
    ASSERT_TRUE(producer) << producer.error().message;
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

// A producer refused its idempotent producer id (an ACL missing: it happened while the broker's
// ACLs were being set up) is dead for good: publish_all says so at once instead of retrying for ever.
TEST(PublishAll, AFatalProducerErrorEndsTheCallAtOnce) {
    char err[256];
    std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> owner(
        rd_kafka_new(RD_KAFKA_PRODUCER, rd_kafka_conf_new(), err, sizeof err), &rd_kafka_destroy);
    ASSERT_TRUE(owner) << err;
    std::unique_ptr<rd_kafka_mock_cluster_t, decltype(&rd_kafka_mock_cluster_destroy)> cluster(
        rd_kafka_mock_cluster_new(owner.get(), 1), &rd_kafka_mock_cluster_destroy);
    ASSERT_TRUE(cluster);
    constexpr int16_t kInitProducerId = 22;  // the Kafka protocol's ApiKey
    rd_kafka_mock_push_request_errors(cluster.get(), kInitProducerId, 1, RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED);
    auto producer = kafka::Producer::make(rd_kafka_mock_cluster_bootstraps(cluster.get()), {{"message.timeout.ms", "5000"}});
    ASSERT_TRUE(producer) << producer.error().message;
    metrics::Registry metrics;
    std::vector<OutMessage> out{{"ocms.outcome", -1, "K1", R"({"a":1})"}};
    int rounds = 0;
    auto report = publish_all(
        **producer, out, std::chrono::milliseconds(10000), [&] { return ++rounds < 5; }, [](int) {}, metrics);
    EXPECT_TRUE(report.fatal);
    EXPECT_EQ(rounds, 0) << "a dead producer was retried";
    EXPECT_EQ(report.acknowledged, 0);
    producer->reset();
}

}  // namespace
}  // namespace ocms::worker
