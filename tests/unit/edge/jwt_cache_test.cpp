// The verified-token cache of common/auth (issue 16): a token that passed is answered from the
// cache until it expires; nothing else is kept, and a token that differs in any byte is verified
// on its own.
#include "auth/auth.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

namespace {

using namespace ocms;
using namespace edge_test;

TimePoint now_plus(long seconds) {
    return std::chrono::time_point_cast<TimePoint::duration>(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

TEST(JwtCache, ATokenThatPassedIsAnsweredFromTheCacheWithTheSameClaims) {
    auth::JwtVerifier v(kKey, kIssuer);
    const std::string bearer = "Bearer " + make_token({"OCMS_STAFF", "OPS"});
    auto first = v.verify(bearer, now_plus(0));
    ASSERT_TRUE(first.has_value()) << first.error().message;
    EXPECT_EQ(v.cached_tokens(), 1u);
    auto second = v.verify(bearer, now_plus(1));
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->subject, first->subject);
    EXPECT_EQ(second->roles, first->roles);
    EXPECT_EQ(v.cached_tokens(), 1u);
}

TEST(JwtCache, ACachedTokenIsRefusedOnceItExpires) {
    auth::JwtVerifier v(kKey, kIssuer);
    const std::string bearer = "Bearer " + make_token({"OCMS_STAFF"}, 30);
    ASSERT_TRUE(v.verify(bearer, now_plus(0)).has_value());
    auto later = v.verify(bearer, now_plus(31));
    ASSERT_FALSE(later.has_value());
    EXPECT_EQ(later.error().status, 401);
    EXPECT_EQ(later.error().message, "token expired");
    EXPECT_EQ(v.cached_tokens(), 0u);
}

TEST(JwtCache, RefusedTokensAreNotKeptAndAnAlteredSignatureIsVerifiedAgain) {
    auth::JwtVerifier v(kKey, kIssuer);
    EXPECT_FALSE(v.verify("Bearer " + make_token({"OCMS_STAFF"}, 600, kIssuer, "another-key-another-key-0123456789"),
                          now_plus(0)).has_value());
    EXPECT_FALSE(v.verify("Bearer " + make_token({"OCMS_STAFF"}, 600, "someone-else"), now_plus(0)).has_value());
    EXPECT_EQ(v.cached_tokens(), 0u);

    const std::string token = make_token({"OCMS_STAFF"});
    ASSERT_TRUE(v.verify("Bearer " + token, now_plus(0)).has_value());
    std::string altered = token;
    altered.back() = altered.back() == 'A' ? 'B' : 'A';
    auto r = v.verify("Bearer " + altered, now_plus(0));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().message, "invalid token");
    EXPECT_EQ(v.cached_tokens(), 1u);
}

}  // namespace
