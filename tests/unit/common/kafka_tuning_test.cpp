// OCMS's Kafka client settings by role (common/kafka tuning_from_env, OCMS_KAFKA_TUNING): a
// producer takes the "producer." lines, a consumer the "consumer." lines, each without its prefix;
// and the project's file (infra/kafka/clients.properties) is readable and names only settings
// librdkafka knows for that role.
#include "kafka/kafka.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace {

using namespace ocms;

struct TuningFile {
    std::filesystem::path path;
    explicit TuningFile(const std::string& text)
        : path(std::filesystem::temp_directory_path() / ("ocms-kafka-tuning-" + std::to_string(::getpid()))) {
        std::ofstream(path) << text;
        ::setenv("OCMS_KAFKA_TUNING", path.c_str(), 1);
    }
    ~TuningFile() {
        ::unsetenv("OCMS_KAFKA_TUNING");
        std::filesystem::remove(path);
    }
};

TEST(KafkaTuning, EachRoleTakesItsOwnLinesWithoutThePrefix) {
    TuningFile f("# comment\nproducer.linger.ms=5\nconsumer.fetch.wait.max.ms=20\nproducer.batch.num.messages=500\n");
    auto p = kafka::tuning_from_env("producer.");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].first, "linger.ms");
    EXPECT_EQ(p[0].second, "5");
    EXPECT_EQ(p[1].first, "batch.num.messages");
    auto c = kafka::tuning_from_env("consumer.");
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].first, "fetch.wait.max.ms");
    EXPECT_EQ(c[0].second, "20");
}

TEST(KafkaTuning, NothingWithoutTheVariable) {
    ::unsetenv("OCMS_KAFKA_TUNING");
    EXPECT_TRUE(kafka::tuning_from_env("producer.").empty());
}

TEST(KafkaTuning, AProducerAndAConsumerAreMadeWithTheProjectsFile) {
    ::setenv("OCMS_KAFKA_TUNING", OCMS_SOURCE_DIR "/infra/kafka/clients.properties", 1);
    ::unsetenv("OCMS_KAFKA_CONFIG");
    auto p = kafka::Producer::make("127.0.0.1:1", {});
    EXPECT_TRUE(p.has_value()) << p.error().message;
    auto c = kafka::Consumer::make("127.0.0.1:1", "ocms-tuning-test", {});
    EXPECT_TRUE(c.has_value()) << c.error().message;
    ::unsetenv("OCMS_KAFKA_TUNING");
}

TEST(KafkaTuning, AnUnknownSettingIsRefusedNamingTheFile) {
    TuningFile f("producer.no.such.setting=1\n");
    ::unsetenv("OCMS_KAFKA_CONFIG");
    auto p = kafka::Producer::make("127.0.0.1:1", {});
    ASSERT_FALSE(p.has_value());
    EXPECT_NE(p.error().message.find("OCMS_KAFKA_TUNING"), std::string::npos) << p.error().message;
}

}  // namespace
