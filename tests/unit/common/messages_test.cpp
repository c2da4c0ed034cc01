#include "json/schema_registry.hpp"
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

// Found by tests/fuzz (reply_decode, worker_command): numbers past an int were narrowed or
// dropped in decode (a reply's batch index 4294967296 read as 0, a replayOf offset past int64 as
// 0); now such a message does not decode (the edge skips the reply, the worker dead-letters).
TEST(Messages, NumbersPastTheirTypeAreRefusedNotNarrowed) {
    auto reply = [](const std::string& batch) {
        return json::parse(R"({"commandId":"c1","type":"suspension.apply","noticeNo":"500500303J","appCode":"OCMS-2000",)"
                           R"("message":"ok","processedAt":"2025-03-22T19:00:02","fromInbox":false,"batch":)" + batch + "}");
    };
    for (const char* bad : {R"({"index":4294967296,"size":1})", R"({"index":0,"size":18446744073709551615})",
                            R"({"index":-2147483649,"size":1})", R"({"index":1.5,"size":2})"}) {
        auto doc = reply(bad);
        ASSERT_TRUE(doc) << bad;
        EXPECT_FALSE(decode_reply(*doc)) << bad;
    }
    auto ok = reply(R"({"index":2147483647,"size":1})");
    ASSERT_TRUE(ok);
    auto back = decode_reply(*ok);
    ASSERT_TRUE(back && back->batch);
    EXPECT_EQ(back->batch->index, 2147483647);

    auto command = [](const std::string& replay_of) {
        std::string text = encode(sample());
        text.insert(text.rfind(",\"payload\""), R"(,"replayOf":)" + replay_of);
        return json::parse(text);
    };
    for (const char* bad : {R"({"topic":"t","partition":4294967296,"offset":1})",
                            R"({"topic":"t","partition":1,"offset":18446744073709551615})"}) {
        auto doc = command(bad);
        ASSERT_TRUE(doc) << bad;
        EXPECT_FALSE(decode_command(*doc)) << bad;
    }
    auto fine = command(R"({"topic":"ocms.cmd.suspension","partition":3,"offset":9223372036854775807})");
    ASSERT_TRUE(fine);
    auto cmd = decode_command(*fine);
    ASSERT_TRUE(cmd && cmd->replay_of) << (cmd ? "" : cmd.error().message);
    EXPECT_EQ(cmd->replay_of->offset, 9223372036854775807LL);
    EXPECT_EQ(cmd->replay_of->partition, 3);
}

// Found by tests/fuzz (worker_command): the worker answers a command it dead-letters with
// "Command rejected: <why>" and the payload's noticeNo; a 300-character noticeNo (or a why naming
// a 600-character key) made a reply that reply.v1 refuses, so the edge dropped it.
TEST(Messages, ReplyStaysWithinItsSchemaLengths) {
    Reply r;
    r.command_id = CommandId("5b0e7d8a-0c43-4d55-9d1f-6a3b2f0e9c11");
    r.type = "suspension.apply";
    r.notice_no = NoticeNo(std::string(300, 'X'));
    r.app_code = codes::kBadRequest;
    std::string why = "Command rejected: #/";
    for (int i = 0; i < 600; ++i) why += "\xc3\xa9";  // é: two bytes, one character
    r.message = why;
    r.processed_at = *parse_iso("2025-03-22T19:00:02");
    auto doc = json::parse(encode(r));
    ASSERT_TRUE(doc);
    auto reg = json::SchemaRegistry::load(OCMS_SCHEMAS_DIR);
    EXPECT_EQ(reg->validate("reply.v1", *doc), "");
    EXPECT_EQ(reg->validate("outcome.v1", *doc), "");
    auto back = decode_reply(*doc);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->notice_no.value(), std::string(64, 'X'));
    EXPECT_EQ(back->message.size(), 20u + 2 * 480u);  // 20 ASCII + 480 two-byte characters = 500
    EXPECT_EQ(back->message, why.substr(0, back->message.size()));
    r.notice_no = NoticeNo("500500303J");  // within the limits nothing changes
    r.message = "TS Success";
    auto same = json::parse(encode(r));
    ASSERT_TRUE(same);
    EXPECT_EQ(decode_reply(*same)->message, "TS Success");
    EXPECT_EQ(decode_reply(*same)->notice_no.value(), "500500303J");
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

// Issue 14 point 6: 50 KB of control characters became a 300 KB dead letter (JSON escaping);
// ~170 KB would pass the broker's 1 MB limit and the worker retried its publication for ever.
TEST(Messages, DeadLetterOriginalIsCappedWithSizeAndHash) {
    auto reg = json::SchemaRegistry::load(OCMS_SCHEMAS_DIR);
    DeadLetter d;
    d.reason = "json";
    d.error = std::string(5000, 'e');
    d.source_topic = kTopicSuspension;
    d.key = "K";
    for (const std::string& original :
         {std::string(900'000, '\x01'), std::string(200'000, 'a') + "\xc3\xa9" + std::string(10, 'b'),
          std::string(kDeadLetterOriginalMax - 1, 'x') + "\xc3\xa9", std::string(300'000, '\xff')}) {
        d.original = original;
        const std::string text = encode(d);
        EXPECT_LT(text.size(), 128u * 1024) << "a dead letter must stay far below the broker's 1 MB";
        auto doc = json::parse(text);
        ASSERT_TRUE(doc) << doc.error();
        EXPECT_EQ(reg->validate("dlq.v1", *doc), "");
        EXPECT_EQ(json::get_bool(*doc, "originalTruncated"), true);
        EXPECT_EQ(json::get_int(*doc, "originalSize"), std::int64_t(original.size()));
        EXPECT_EQ(json::get_string(*doc, "originalSha256").value_or("").size(), 64u);
        EXPECT_FALSE(original_bytes(*doc)) << "a cut original is never redriven as if it were whole";
        EXPECT_LE(json::get_string(*doc, "error")->size(), kDeadLetterErrorMax);
    }
    // the SHA-256 is the one sha256sum prints
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // up to the cap: whole, no extra fields
    d.original = std::string(kDeadLetterOriginalMax, '\x01');
    auto whole = json::parse(encode(d));
    ASSERT_TRUE(whole);
    EXPECT_EQ(*original_bytes(*whole), d.original);
    EXPECT_FALSE(whole->HasMember("originalTruncated"));
}

// Found by tests/fuzz (worker_command) after json::parse began to refuse \u0000: an original
// with a NUL byte was written as text, and the dead letter could not be read back.
TEST(Messages, DeadLetterWithANulByteIsBase64) {
    DeadLetter d;
    d.reason = "json";
    d.error = "not JSON";
    d.source_topic = kTopicSuspension;
    d.original = std::string("{\"a\":\"x\0y\"}", 12);
    d.key = std::string("K\0", 2);
    auto doc = json::parse(encode(d));
    ASSERT_TRUE(doc) << doc.error();
    EXPECT_EQ(json::get_string(*doc, "originalEncoding"), "base64");
    EXPECT_EQ(*original_bytes(*doc), d.original);
}

// A command carries its notice (the message key): read from the payload once, when decoded.
TEST(Messages, DecodedCommandsCarryTheirNotice) {
    auto own = json::parse(encode(sample()));
    ASSERT_TRUE(own);
    EXPECT_EQ(decode_command(*own)->notice_no.value(), "500500303J");
    Command court = sample();
    court.type = "court.update";
    court.payload_json = R"({"notice_no":"500500314V","atoms_flag":"Y"})";
    auto cas = json::parse(encode(court));
    ASSERT_TRUE(cas);
    EXPECT_EQ(decode_command(*cas)->notice_no.value(), "500500314V");
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

// Found by tests/fuzz (worker_command): a command with "type" (or "noticeNo", "requestId") twice
// passed the envelope schema; OCMS read the first, a producer in Python or Java the last, so the
// message key and the notice applied could differ. A repeated name is refused, at any depth.
TEST(Json, ParseRefusesDuplicateKeys) {
    for (const char* bad : {R"({"a":1,"a":2})", R"({"x":{"b":1,"c":0,"b":1}})", R"([1,{"c":[{"d":1,"d":1}]}])",
                            R"({"type":"suspension.apply","payload":{},"type":"revival.apply"})"}) {
        auto d = json::parse(bad);
        ASSERT_FALSE(d) << bad;
        EXPECT_EQ(d.error().rfind("duplicate key '", 0), 0u) << d.error();
    }
    EXPECT_EQ(json::parse(R"({"noticeNo":"1","noticeNo":"2"})").error(), "duplicate key 'noticeNo'");
    const std::string long_name = std::string(63, 'k') + "\xc3\xa9";  // the name shown stops before the cut character
    EXPECT_EQ(json::parse("{\"" + long_name + "\":1,\"" + long_name + "\":2}").error(),
              "duplicate key '" + std::string(63, 'k') + "'");
    // The same name in different objects, and many distinct names, are fine.
    EXPECT_TRUE(json::parse(R"({"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]})"));
    std::string wide = "{";
    for (int i = 0; i < 20000; ++i) wide += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
    EXPECT_TRUE(json::parse(wide + "}"));
    EXPECT_FALSE(json::parse(wide + ",\"k19999\":0}"));
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
