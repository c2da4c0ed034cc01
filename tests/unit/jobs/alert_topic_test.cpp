// TopicAlertSink's Errors (issue 15) against librdkafka's mock cluster: OCMS-5000, the kind
// kafka::classify gives (a producer that cannot be made: fatal; an event too large: permanent;
// a broker that does not answer: transient), and the same texts as before.
#include "jobs/alert_topic.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <librdkafka/rdkafka_mock.h>
#include <memory>
#include <optional>
#include <string>

namespace ocms::jobs {
namespace {

using std::chrono::milliseconds;

// This process's OCMS_KAFKA_CONFIG for one test, put back however the test ends. The mock
// cluster speaks no SASL: the clients must not take the developer's broker credentials.
struct PrincipalFile {
    std::optional<std::string> saved;
    explicit PrincipalFile(const char* value) {
        if (const char* v = std::getenv("OCMS_KAFKA_CONFIG")) saved = v;
        if (value) ::setenv("OCMS_KAFKA_CONFIG", value, 1);
        else ::unsetenv("OCMS_KAFKA_CONFIG");
    }
    ~PrincipalFile() {
        if (saved) ::setenv("OCMS_KAFKA_CONFIG", saved->c_str(), 1);
        else ::unsetenv("OCMS_KAFKA_CONFIG");
    }
};

// A mock cluster of one broker (id 1), owned by a handle of its own.
struct MockCluster {
    std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> owner{nullptr, &rd_kafka_destroy};
    std::unique_ptr<rd_kafka_mock_cluster_t, decltype(&rd_kafka_mock_cluster_destroy)> cluster{
        nullptr, &rd_kafka_mock_cluster_destroy};
    MockCluster() {
        char err[256];
        owner.reset(rd_kafka_new(RD_KAFKA_PRODUCER, rd_kafka_conf_new(), err, sizeof err));
        if (owner) cluster.reset(rd_kafka_mock_cluster_new(owner.get(), 1));
    }
    std::string bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster.get()); }
};

http::Alert alert(std::string error = "Couldn't connect to server") {
    return http::Alert{"CAS getVipVehicles", "https://cas.example/getVipVehicles", std::move(error), system_now(), 3};
}

TEST(TopicAlertSink, APublishedEventIsAcknowledged) {
    PrincipalFile none(nullptr);
    MockCluster mock;
    ASSERT_TRUE(mock.cluster);
    auto sink = TopicAlertSink::create(mock.bootstraps(), "ocms-scheduler", milliseconds{5000});
    ASSERT_TRUE(sink) << sink.error().message;
    auto r = (*sink)->publish(alert());
    EXPECT_TRUE(r) << r.error().message;
}

TEST(TopicAlertSink, AProducerThatCannotBeMadeIsFatal) {
    PrincipalFile unreadable("/nonexistent/ocms-alert-test.properties");
    auto sink = TopicAlertSink::create("127.0.0.1:9", "ocms-scheduler");
    ASSERT_FALSE(sink);
    EXPECT_EQ(sink.error().code, codes::kInternal);
    EXPECT_EQ(sink.error().kind, FaultKind::fatal);
    EXPECT_TRUE(sink.error().message.starts_with("Kafka producer for ocms.alert: ")) << sink.error().message;
    EXPECT_GT(sink.error().message.size(), std::string("Kafka producer for ocms.alert: ").size());
}

TEST(TopicAlertSink, AnEventTooLargeIsPermanent) {
    PrincipalFile none(nullptr);
    MockCluster mock;
    ASSERT_TRUE(mock.cluster);
    auto sink = TopicAlertSink::create(mock.bootstraps(), "ocms-scheduler", milliseconds{5000});
    ASSERT_TRUE(sink) << sink.error().message;
    auto r = (*sink)->publish(alert(std::string(2 * 1024 * 1024, 'x')));  // over message.max.bytes
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, codes::kInternal);
    EXPECT_EQ(r.error().kind, FaultKind::permanent);
    EXPECT_EQ(r.error().message, rd_kafka_err2str(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE));  // librdkafka's words
}

TEST(TopicAlertSink, ABrokerThatDoesNotAnswerIsTransient) {
    PrincipalFile none(nullptr);
    MockCluster mock;
    ASSERT_TRUE(mock.cluster);
    ASSERT_EQ(rd_kafka_mock_broker_set_down(mock.cluster.get(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
    auto sink = TopicAlertSink::create(mock.bootstraps(), "ocms-scheduler", milliseconds{300});
    ASSERT_TRUE(sink) << sink.error().message;
    auto r = (*sink)->publish(alert());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, codes::kInternal);
    EXPECT_EQ(r.error().kind, FaultKind::transient);
    // The delivery report (timed out) or, when flush gave up first, the sink's own words.
    EXPECT_TRUE(r.error().message == rd_kafka_err2str(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT) ||
                r.error().message == "not acknowledged within 300 ms")
        << r.error().message;
}

}  // namespace
}  // namespace ocms::jobs
