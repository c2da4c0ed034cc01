// Hostile input on the command topics and the HTTP API, against the running system (issue 14):
// each message is refused (dead-lettered with its reason, or 400) and the partition goes on.
#include "support.hpp"

#include "core/ids.hpp"
#include "messages/messages.hpp"

#include <gtest/gtest.h>

namespace ocms::test {
namespace {

using namespace std::chrono_literals;

// The dead letter of a command id (or, for a message without one, of an original that starts
// with `original_prefix`): its document, or null after the timeout.
std::optional<json::Document> dead_letter(const std::map<int, long long>& from, const std::string& command_id,
                                          const std::string& original_prefix = "") {
    std::optional<json::Document> found;
    scan_topic(
        messages::kTopicDlq, from,
        [&](const kafka::Message& m) {
            auto doc = json::parse(m.value());
            if (!doc) return false;
            const bool by_id = !command_id.empty() && json::get_string(*doc, "commandId").value_or("") == command_id;
            const bool by_original = !original_prefix.empty() &&
                                     json::get_string(*doc, "original").value_or("").starts_with(original_prefix);
            if (!by_id && !by_original) return false;
            found = std::move(*doc);
            return true;
        },
        60s);
    return found;
}

bool applied(const std::string& command_id) {
    return eventually(
        [&] {
            auto db = readonly_db();
            return scalar(*db, "SELECT count(*) FROM ocms_command_inbox WHERE command_id = $1", {command_id}) == 1;
        },
        60s);
}

// Points 1 and 4 at the topic: a 1 MB nest, \u0000 and a lone surrogate are dead letters with
// their reason; the notice's next command is applied (nothing parked, the partition goes on).
TEST(Hostile, NestingNulAndSurrogatesOnATopicAreDeadLetters) {
    auto notice = make_notices(1)[0];
    auto from = high_watermarks(messages::kTopicDlq);
    const std::string deep_id = new_uuid(), nul_id = new_uuid(), surrogate_id = new_uuid(), good_id = new_uuid();
    std::string deep = command_json(deep_id, notice);
    deep.insert(deep.rfind('}'), R"(,"extra":)" + std::string(400'000, '[') + std::string(400'000, ']'));
    std::string nul = command_json(nul_id, notice);
    nul.replace(nul.find("\"officer\":\""), 11, "\"officer\":\"X\\u0000");
    std::string surrogate = command_json(surrogate_id, notice);
    surrogate.replace(surrogate.find("\"officer\":\""), 11, "\"officer\":\"X\\udc00");
    for (const auto* m : {&deep, &nul, &surrogate})
        ASSERT_EQ(kcat_publish(messages::kTopicSuspension, notice, *m), 0);
    ASSERT_EQ(kcat_publish(messages::kTopicSuspension, notice, command_json(good_id, notice)), 0);

    ASSERT_TRUE(applied(good_id)) << "the partition did not go on";
    auto d1 = dead_letter(from, "", deep.substr(0, 40));
    ASSERT_TRUE(d1) << "the deep message is not on " << messages::kTopicDlq;
    EXPECT_EQ(json::get_string(*d1, "reason"), "json");
    EXPECT_NE(json::get_string(*d1, "error")->find("nesting deeper than 32"), std::string::npos);
    EXPECT_EQ(json::get_bool(*d1, "originalTruncated"), true) << "800 KB original on the topic";
    EXPECT_EQ(json::get_int(*d1, "originalSize"), std::int64_t(deep.size()));
    for (const auto& [id, text] : {std::pair{nul_id, nul}, std::pair{surrogate_id, surrogate}}) {
        auto d = dead_letter(from, "", text.substr(0, 60));
        ASSERT_TRUE(d) << id;
        EXPECT_EQ(json::get_string(*d, "reason"), "json") << id;
    }
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_parked_notice WHERE notice_no = $1", {notice}), 0);
    // the database keeps the whole original of the cut one
    EXPECT_EQ(scalar(*db, "SELECT max(length(original)) FROM ocms_dead_letter WHERE notice_no = $1", {notice}),
              (long long)deep.size());
}

// Point 6: a command of 170 KB of control characters (1 MB once escaped) is dead-lettered and
// the worker goes on (it retried an unsendable dead letter for ever before).
TEST(Hostile, AHugeEscapedCommandDoesNotStopTheWorker) {
    auto notice = make_notices(1)[0];
    auto from = high_watermarks(messages::kTopicDlq);
    const std::string id = new_uuid(), good_id = new_uuid();
    std::string big = command_json(id, notice);
    big.insert(big.rfind('}'), ",\"junk\":\"" + std::string(170'000, '\x01') + "\"");  // not JSON: raw controls
    ASSERT_EQ(kcat_publish(messages::kTopicSuspension, notice, big), 0);
    ASSERT_EQ(kcat_publish(messages::kTopicSuspension, notice, command_json(good_id, notice)), 0);
    ASSERT_TRUE(applied(good_id)) << "the worker is stuck behind the huge command";
    auto d = dead_letter(from, "", big.substr(0, 60));
    ASSERT_TRUE(d);
    EXPECT_EQ(json::get_bool(*d, "originalTruncated"), true);
}

// Point 8: a revival.apply reusing an applied suspension's command id was answered from the
// inbox as that suspension; the same id with another payload was answered silently.
TEST(Hostile, AReusedCommandIdIsADeadLetterNotAnInboxAnswer) {
    auto notices = make_notices(2);
    const std::string id = new_uuid();
    ASSERT_EQ(kcat_publish(messages::kTopicSuspension, notices[0], command_json(id, notices[0])), 0);
    ASSERT_TRUE(applied(id));
    auto from = high_watermarks(messages::kTopicDlq);
    // the same id, another payload (another notice) and the same type
    ASSERT_EQ(kcat_publish(messages::kTopicSuspension, notices[1], command_json(id, notices[1])), 0);
    auto d = dead_letter(from, id);
    ASSERT_TRUE(d) << "a reused id with another payload was answered from the inbox";
    EXPECT_EQ(json::get_string(*d, "reason"), "command-id-reused");
    // the same id, another type
    const std::string revival =
        R"({"commandId":")" + id + R"(","type":"revival.apply","schemaVersion":1,"issuedAt":"2026-01-10T09:00:00+08:00",)"
        R"("source":"OCMS","officer":"BATCHJOB","payload":{"noticeNo":")" + notices[0] +
        R"(","suspensionType":"TS","revivalReason":"OTH","officerAuthorisingRevival":"BATCHJOB","channel":"internal"}})";
    auto from2 = high_watermarks(messages::kTopicDlq);
    ASSERT_EQ(kcat_publish(messages::kTopicRevival, notices[0], revival), 0);
    auto d2 = dead_letter(from2, id);
    ASSERT_TRUE(d2) << "a revival reusing the suspension's id was answered from the inbox";
    EXPECT_EQ(json::get_string(*d2, "reason"), "command-id-reused");
    EXPECT_NE(json::get_string(*d2, "error")->find("suspension.apply"), std::string::npos);
    // a true redelivery of the same bytes is still answered from the inbox, not dead-lettered
    auto out = high_watermarks(messages::kTopicOutcome);
    ASSERT_EQ(kcat_publish(messages::kTopicSuspension, notices[0], command_json(id, notices[0])), 0);
    EXPECT_TRUE(scan_topic(
        messages::kTopicOutcome, out,
        [&](const kafka::Message& m) { return std::string(m.value()).find(id) != std::string::npos; }, 60s));
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = $1", {notices[1]}), 0);
}

}  // namespace
}  // namespace ocms::test
