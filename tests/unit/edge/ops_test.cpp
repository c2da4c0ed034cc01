// The support console's run requests (handlers/ops.hpp ops::run_request): the body of POST
// /ops/api/redrive and /ops/api/replay after its schema, as the OpsStore gets it.
#include "ops/ops.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

using namespace edge_test;

namespace {

std::expected<OpsRunRequest, ApiError> run(std::string_view kind, const std::string& body) {
    auto doc = body_of(body);
    EXPECT_EQ(registry()->validate(std::string("http/ops-") + std::string(kind) + ".request", doc), "") << body;
    return ops::run_request(kind, doc, "ops-officer");
}

}  // namespace

TEST(OpsRunRequest, RedriveAndReplayAsAsked) {
    auto redrive = run("redrive", R"({"deadLetterIds":[1,9223372036854775807],"reason":"schema fixed","dryRun":false})");
    ASSERT_TRUE(redrive) << redrive.error().message;
    EXPECT_EQ(redrive->dead_letter_ids, (std::vector<std::int64_t>{1, 9223372036854775807LL}));
    EXPECT_FALSE(redrive->dry_run);
    EXPECT_EQ(redrive->operator_name, "ops-officer");
    auto replay = run("replay", R"({"topic":"ocms.cmd.stage","partitions":[0,2147483647],"fromOffset":5,)"
                                R"("toOffset":9223372036854775807,"reason":"after the fix"})");
    ASSERT_TRUE(replay) << replay.error().message;
    EXPECT_EQ(replay->partitions, (std::vector<std::int32_t>{0, 2147483647}));
    EXPECT_EQ(replay->from_offset, 5);
    EXPECT_EQ(replay->to_offset, 9223372036854775807LL);
    EXPECT_TRUE(replay->dry_run);
}

// Found by tests/fuzz (edge_http): the schemas bound these integers from below only. An id past
// int64 hit RapidJSON's GetInt64 assertion (in a release build: read as -1), a partition past
// int32 was narrowed, an offset past int64 silently dropped (a replay "to the end" instead).
TEST(OpsRunRequest, NumbersPastTheirTypeAre400NotNarrowed) {
    for (const auto& [kind, body, field] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"redrive", R"({"deadLetterIds":[1,18446744073709551615],"reason":"why not"})", "deadLetterIds"},
             {"replay", R"({"topic":"ocms.cmd.stage","partitions":[4294967296],"reason":"big one"})", "partitions"},
             {"replay", R"({"topic":"ocms.cmd.stage","fromOffset":18446744073709551615,"reason":"huge"})", "fromOffset"},
             {"replay", R"({"topic":"ocms.cmd.stage","toOffset":9223372036854775808,"reason":"huge"})", "toOffset"}}) {
        auto r = run(kind, body);
        ASSERT_FALSE(r) << body;
        EXPECT_EQ(r.error().kind, ErrorKind::bad_request) << body;
        EXPECT_NE(r.error().message.find(field), std::string::npos) << r.error().message;
    }
}
