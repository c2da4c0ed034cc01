#pragma once
// The messages on the topics (docs/architecture.md, schemas/): the command envelope, the reply
// (also the outcome event) and the dead letter. Encoding is here; validation against the JSON
// Schemas is the SchemaRegistry's. decode_command() assumes the envelope schema has passed.
#include "core/error.hpp"
#include "core/time.hpp"
#include "core/types.hpp"
#include "json/json.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ocms::messages {

inline constexpr const char* kTopicSuspension = "ocms.cmd.suspension";
inline constexpr const char* kTopicRevival = "ocms.cmd.revival";
inline constexpr const char* kTopicStage = "ocms.cmd.stage";
inline constexpr const char* kTopicCourt = "ocms.cmd.court";
inline constexpr const char* kTopicReply = "ocms.reply";
inline constexpr const char* kTopicOutcome = "ocms.outcome";
inline constexpr const char* kTopicDlq = "ocms.dlq";

struct ReplyTo {
    std::string topic;
    std::int32_t partition = 0;
};
struct BatchPos {
    int index = 0;
    int size = 1;
};
struct ReplayOf {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
};

// A command: one notice, one effect. payload_json is the payload object as JSON text.
struct Command {
    CommandId command_id;
    std::string type;
    int schema_version = 1;
    TimePoint issued_at;
    std::string source;
    std::string officer;
    std::optional<RequestId> request_id;
    std::optional<ReplyTo> reply_to;
    std::optional<TraceId> trace_id;
    std::optional<BatchPos> batch;
    std::optional<ReplayOf> replay_of;
    // Who sent the request through the edge ("sub:<subject>" or "sub:<subject>|apim:<key hash>"):
    // the request's outcome is answered to it only. Absent on commands published straight to the
    // topics (their outcomes: the role OPS, or the topic ocms.outcome).
    std::optional<std::string> caller;
    // The notice the command is about (DESIGN.md invariant 2): the message key. Set by whoever
    // builds the command, from the same value it writes into the payload, so no one parses the
    // payload again to find it; decode_command reads it from the payload.
    NoticeNo notice_no;
    std::string payload_json;
};

std::string encode(const Command& c);
// From a parsed document that passed "envelope.v1". Fails only on what the schema cannot say
// (an issuedAt that is not a real time).
Result<Command> decode_command(const json::Value& doc);
// The schema of a command type's payload: "commands/<type>.v<version>".
std::string payload_schema_name(const std::string& type, int version);

// A reply: the result of one command. The same body goes to ocms.reply and ocms.outcome.
struct Reply {
    CommandId command_id;
    std::optional<RequestId> request_id;
    std::string type;
    NoticeNo notice_no;
    AppCode app_code;
    std::string message;
    std::string data_json;  // object as JSON text, "" for none
    TimePoint processed_at;
    bool from_inbox = false;
    std::optional<BatchPos> batch;
};

std::string encode(const Reply& r);
Result<Reply> decode_reply(const json::Value& doc);

struct DeadLetter {
    std::string reason;  // "json", "schema", "unknown-type", "handler", "database", "command-id-reused"
    std::string error;
    std::string source_topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::string key;
    std::optional<CommandId> command_id;
    TimePoint dead_lettered_at;
    std::string original;  // the original bytes
};

// What a dead-letter record carries at most: the original's first bytes (the rest, with the
// whole size and SHA-256, is in the database row) and the error's first characters. Together
// they keep a record well under the broker's 1 MB message limit, whatever the bytes are.
inline constexpr std::size_t kDeadLetterOriginalMax = 16 * 1024;
inline constexpr std::size_t kDeadLetterErrorMax = 1024;

// original is written as UTF-8 text when it is valid UTF-8, else base64; cut past
// kDeadLetterOriginalMax (originalTruncated, originalSize, originalSha256).
std::string encode(const DeadLetter& d);
// The original bytes of a dead letter (for redrive); nullopt when the record is not a dead
// letter or carries only the first bytes (redrive it by id: the database has them all).
std::optional<std::string> original_bytes(const json::Value& dlq_doc);
// Lower-case hex SHA-256 of bytes.
std::string sha256_hex(std::string_view bytes);

std::string base64_encode(std::string_view in);
std::optional<std::string> base64_decode(std::string_view in);
bool valid_utf8(std::string_view s);

}  // namespace ocms::messages
