// Start-up checks of the edge's settings.
#include "config.hpp"

#include <gtest/gtest.h>

using namespace ocms::edge;

namespace {
EdgeConfig good() {
    EdgeConfig c;
    c.jwt_secret = std::string(32, 'k');
    c.pg_url = "postgresql://x@127.0.0.1:1/db";
    return c;
}
}  // namespace

TEST(EdgeConfig, DefaultsAreValid) { EXPECT_EQ(validate(good()), ""); }

TEST(EdgeConfig, DeadlineMustExceedTheMessageTimeout) {
    auto c = good();
    c.deadline = std::chrono::milliseconds(5000);
    c.kafka_message_timeout = std::chrono::milliseconds(5000);
    EXPECT_NE(validate(c).find("OCMS_EDGE_DEADLINE_MS"), std::string::npos);
}

TEST(EdgeConfig, OtherLimits) {
    auto c = good();
    c.threads = 0;
    EXPECT_NE(validate(c), "");
    c = good();
    c.body_limit = 10;
    EXPECT_NE(validate(c), "");
    c = good();
    c.jwt_secret = "short";
    EXPECT_NE(validate(c), "");
    c = good();
    c.pg_url.clear();
    EXPECT_NE(validate(c), "");
    c = good();
    c.instance = -1;
    EXPECT_NE(validate(c), "");
}
