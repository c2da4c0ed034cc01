#include "messages/messages.hpp"

#include <gtest/gtest.h>

namespace ocms::messages {
namespace {

Command sample() {
    Command c;
    c.command_id = CommandId("0f8c3c9e-2f1a-4f7e-9a51-3d8e7b1c2a10");
    c.type = "suspension.apply";
    c.issued_at = *parse_iso("2025-03-22T19:00:02");
    c.source = "OCMS_FE";
    c.officer = "JOHNLEE";
    c.request_id = RequestId("req-1");
    c.reply_to = ReplyTo{kTopicReply, 2};
    c.batch = BatchPos{1, 3};
    c.payload_json = R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"ACR"})";
    return c;
}

TEST(Messages, CommandRoundTrip) {
    auto text = encode(sample());
    auto doc = json::parse(text);
    ASSERT_TRUE(doc);
    auto back = decode_command(*doc);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->command_id.value(), "0f8c3c9e-2f1a-4f7e-9a51-3d8e7b1c2a10");
    EXPECT_EQ(back->issued_at, sample().issued_at);
    ASSERT_TRUE(back->reply_to);
    EXPECT_EQ(back->reply_to->partition, 2);
    ASSERT_TRUE(back->batch);
    EXPECT_EQ(back->batch->size, 3);
    EXPECT_EQ(back->payload_json, sample().payload_json);
    EXPECT_EQ(payload_schema_name(back->type, back->schema_version), "commands/suspension.apply.v1");
}

TEST(Messages, CommandWithImpossibleTimeIsRefused) {
    auto text = encode(sample());
    text.replace(text.find("2025-03-22"), 10, "2025-02-30");
    auto doc = json::parse(text);
    ASSERT_TRUE(doc);
    EXPECT_FALSE(decode_command(*doc));
}

TEST(Messages, ReplyRoundTripKeepsDataAndCode) {
    Reply r;
    r.command_id = CommandId("c1");
    r.request_id = RequestId("r1");
    r.type = "suspension.apply";
    r.notice_no = NoticeNo("500500303J");
    r.app_code = codes::kAlreadySuspended;
    r.message = "Notice already has active TS with same or later revival date";
    r.data_json = R"({"srNo":12,"dueDateOfRevival":"2025-04-12T19:00:02"})";
    r.processed_at = *parse_iso("2025-03-22T19:00:02");
    auto doc = json::parse(encode(r));
    ASSERT_TRUE(doc);
    auto back = decode_reply(*doc);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->app_code, codes::kAlreadySuspended);
    EXPECT_TRUE(back->app_code.is_success());
    EXPECT_EQ(back->data_json, r.data_json);
    EXPECT_EQ(back->notice_no.value(), "500500303J");
}

TEST(Messages, DeadLetterKeepsBinaryOriginal) {
    DeadLetter d;
    d.reason = "json";
    d.error = "not JSON";
    d.source_topic = kTopicSuspension;
    d.original = std::string("\xff\x00\x01 bytes", 9);
    d.key = "K";
    auto doc = json::parse(encode(d));
    ASSERT_TRUE(doc);
    EXPECT_EQ(std::string((*doc)["originalEncoding"].GetString()), "base64");
    EXPECT_EQ(*original_bytes(*doc), d.original);
    EXPECT_TRUE((*doc)["commandId"].IsNull());
}

TEST(Messages, Utf8AndBase64) {
    EXPECT_TRUE(valid_utf8("plain"));
    EXPECT_TRUE(valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    EXPECT_FALSE(valid_utf8("\xc3"));
    EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong
    EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // surrogate
    EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
    for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff", 2)})
        EXPECT_EQ(*base64_decode(base64_encode(s)), s);
    EXPECT_FALSE(base64_decode("a*b"));
}

TEST(Json, ParseRefusesBadUtf8AndGarbage) {
    EXPECT_FALSE(json::parse("{\"a\":\"\xff\"}"));
    EXPECT_FALSE(json::parse("{"));
    EXPECT_FALSE(json::parse(""));
    auto ok = json::parse(R"({"a":"x","n":3,"b":true,"o":{},"l":[]})");
    ASSERT_TRUE(ok);
    EXPECT_EQ(*json::get_string(*ok, "a"), "x");
    EXPECT_EQ(*json::get_int(*ok, "n"), 3);
    EXPECT_FALSE(json::get_int(*ok, "a"));
    EXPECT_TRUE(*json::get_bool(*ok, "b"));
    EXPECT_NE(json::get_object(*ok, "o"), nullptr);
    EXPECT_NE(json::get_array(*ok, "l"), nullptr);
    EXPECT_EQ(json::get_object(*ok, "l"), nullptr);
}

}  // namespace
}  // namespace ocms::messages
