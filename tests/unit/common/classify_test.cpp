#include "kafka/kafka.hpp"
#include "pg/pg.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace ocms {
namespace {

TEST(Classify, SqlStates) {
    EXPECT_EQ(pg::classify_sqlstate(""), FaultKind::transient);       // connection lost
    EXPECT_EQ(pg::classify_sqlstate("08006"), FaultKind::transient);  // connection failure
    EXPECT_EQ(pg::classify_sqlstate("40001"), FaultKind::transient);  // serialization
    EXPECT_EQ(pg::classify_sqlstate("40P01"), FaultKind::transient);  // deadlock
    EXPECT_EQ(pg::classify_sqlstate("57P01"), FaultKind::transient);  // admin shutdown
    EXPECT_EQ(pg::classify_sqlstate("53300"), FaultKind::transient);  // too many connections
    EXPECT_EQ(pg::classify_sqlstate("23505"), FaultKind::permanent);  // unique violation
    EXPECT_EQ(pg::classify_sqlstate("22001"), FaultKind::permanent);  // value too long
    EXPECT_EQ(pg::classify_sqlstate("42P01"), FaultKind::permanent);  // undefined table
    EXPECT_EQ(pg::classify_sqlstate("42501"), FaultKind::permanent);  // privilege
}

TEST(Classify, KafkaErrors) {
    EXPECT_EQ(kafka::classify(RD_KAFKA_RESP_ERR__TRANSPORT), FaultKind::transient);
    EXPECT_EQ(kafka::classify(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT), FaultKind::transient);
    EXPECT_EQ(kafka::classify(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION), FaultKind::transient);
    EXPECT_EQ(kafka::classify(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE), FaultKind::permanent);
    EXPECT_EQ(kafka::classify(RD_KAFKA_RESP_ERR__FATAL), FaultKind::fatal);
    EXPECT_EQ(kafka::classify(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED), FaultKind::fatal);
}

// Issue 15: each boundary converts its own error into the one Error, once.
TEST(Classify, PgErrorToError) {
    // A server error: its kind came from classify_sqlstate and stays; the message stays as it is.
    pg::PgError unique{"23505", "duplicate key value violates unique constraint \"pk\"", pg::classify_sqlstate("23505")};
    Error e = pg::to_error(unique);
    EXPECT_EQ(e.code, codes::kInternal);
    EXPECT_EQ(e.kind, FaultKind::permanent);
    EXPECT_EQ(e.message, unique.message);
    pg::PgError deadlock{"40P01", "deadlock detected", pg::classify_sqlstate("40P01")};
    EXPECT_EQ(pg::to_error(deadlock).kind, FaultKind::transient);
    EXPECT_TRUE(pg::to_error(deadlock).retriable());
    // A lost connection (no SQLSTATE) is transient; a PgError made by hand keeps the kind it was given.
    EXPECT_EQ(pg::to_error(pg::PgError{"", "server closed the connection unexpectedly"}).kind, FaultKind::transient);
    EXPECT_EQ(pg::to_error(pg::PgError{"", "stored reply unreadable", FaultKind::permanent}).kind, FaultKind::permanent);
    // The code is OCMS-5000 unless the caller knows better.
    EXPECT_EQ(pg::to_error(unique, codes::kSystemError).code, codes::kSystemError);
}

TEST(Classify, KafkaErrorToError) {
    Error timed_out = kafka::to_error(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT);
    EXPECT_EQ(timed_out.code, codes::kInternal);
    EXPECT_EQ(timed_out.kind, FaultKind::transient);
    EXPECT_EQ(timed_out.message, rd_kafka_err2str(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT));  // librdkafka's words
    Error too_large = kafka::to_error(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, "ocms.dlq: message too large");
    EXPECT_EQ(too_large.kind, FaultKind::permanent);
    EXPECT_EQ(too_large.message, "ocms.dlq: message too large");  // the caller's words when given
    EXPECT_EQ(kafka::to_error(RD_KAFKA_RESP_ERR__FATAL).kind, FaultKind::fatal);
    EXPECT_EQ(kafka::to_error(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED).kind, FaultKind::fatal);
}

// A Kafka client that cannot be made from its settings is fatal for the process; the
// transitional create() gives the same text as make()'s message.
TEST(Classify, KafkaClientThatCannotBeMadeIsFatal) {
    struct NoPrincipalFile {  // this process's OCMS_KAFKA_CONFIG, put back however the test ends
        std::optional<std::string> saved;
        NoPrincipalFile() {
            if (const char* v = std::getenv("OCMS_KAFKA_CONFIG")) saved = v;
            ::unsetenv("OCMS_KAFKA_CONFIG");
        }
        ~NoPrincipalFile() {
            if (saved) ::setenv("OCMS_KAFKA_CONFIG", saved->c_str(), 1);
        }
    } no_principal_file;
    const kafka::ConfigMap bad{{"no.such.property", "1"}};
    auto p = kafka::Producer::make("127.0.0.1:9", bad);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, codes::kInternal);
    EXPECT_EQ(p.error().kind, FaultKind::fatal);
    EXPECT_TRUE(p.error().message.starts_with("no.such.property: ")) << p.error().message;

    auto c = kafka::Consumer::make("127.0.0.1:9", "", bad);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().kind, FaultKind::fatal);
}

}  // namespace
}  // namespace ocms
