#include "kafka/kafka.hpp"
#include "pg/pg.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ocms
