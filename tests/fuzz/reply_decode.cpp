// libFuzzer target: a message on ocms.reply (anyone can publish to it) as the edge reads it,
// and the same bytes as an inbox row's stored reply, as /v1/request-outcome and the worker's
// inbox answer read them; also a dead letter as the redrive reads it.
//   - KafkaGateway::on_reply_bytes: the edge's reply consumer (JSON, reply.v1, decode_reply,
//     then the pending map), on a gateway that was never started (no Kafka);
//   - messages::decode_reply, request_outcome::assemble over an inbox row holding the bytes;
//   - messages::original_bytes of the bytes as a dead letter; base64 both ways.
//
// Properties, besides no crash, leak or UB:
//   - a reply that passes reply.v1 decodes unless its batch numbers do not fit an int (refused,
//     never narrowed); re-encoded it passes reply.v1 and decodes to the same reply; its batch
//     position is the one sent; its processedAt, when the sender's text is a time, is that instant;
//   - the request-outcome answer is JSON;
//   - base64_decode(base64_encode(bytes)) == bytes, and valid_utf8 agrees with RapidJSON's UTF-8
//     validation.
#include "fuzz_support.hpp"

#include "core/log.hpp"
#include "dispatch/gateway.hpp"
#include "outcome/request_outcome.hpp"
#include "metrics/metrics.hpp"

#include <boost/asio/io_context.hpp>
#include <rapidjson/encodings.h>
#include <rapidjson/memorystream.h>

#include <cstdint>
#include <string>

using namespace ocms;

namespace {

bool same_reply(const messages::Reply& a, const messages::Reply& b) {
    return a.command_id == b.command_id && a.request_id == b.request_id && a.type == b.type &&
           a.notice_no == b.notice_no && a.app_code == b.app_code && a.message == b.message &&
           a.data_json == b.data_json && a.processed_at == b.processed_at && a.from_inbox == b.from_inbox &&
           a.batch.has_value() == b.batch.has_value() &&
           (!a.batch || (a.batch->index == b.batch->index && a.batch->size == b.batch->size));
}

bool rapidjson_utf8(std::string_view s) {
    rapidjson::MemoryStream ms(s.data(), s.size());
    rapidjson::StringBuffer sink;
    while (ms.Tell() < s.size())
        if (!rapidjson::UTF8<>::Validate(ms, sink)) return false;
    return true;
}

struct World {
    boost::asio::io_context ioc;
    metrics::Registry metrics;
    std::unique_ptr<edge::KafkaGateway> gateway;
    World() {
        log::init("fuzz-reply", "off");
        auto config = std::make_shared<edge::EdgeConfig>();
        gateway = std::make_unique<edge::KafkaGateway>(config, fuzz::schemas(), metrics, ioc.get_executor());
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static World world;
    const std::string_view value = fuzz::as_text(data, size);
    const auto& reg = *fuzz::schemas();

    world.gateway->on_reply_bytes(value);

    const std::string b64 = messages::base64_encode(value);
    auto back = messages::base64_decode(b64);
    FUZZ_CHECK(back && *back == value, "base64 does not round-trip");
    FUZZ_CHECK(messages::valid_utf8(value) == rapidjson_utf8(value),
               "valid_utf8 and RapidJSON disagree on " + b64);

    edge::InboxRow row{"cmd-1", "500500303J", "OCMS-2000", std::string(value), 3};
    const std::string answer = edge::request_outcome::assemble(RequestId("req-1"), {row, row});
    FUZZ_CHECK(json::parse(answer).has_value(), "the request-outcome answer is not JSON: " + answer);

    auto doc = json::parse(value);
    if (!doc) return 0;
    (void)messages::original_bytes(*doc);
    if (!reg.validate("reply.v1", *doc).empty()) return 0;
    auto reply = messages::decode_reply(*doc);
    // reply.v1 bounds neither batch number: one past an int is refused, never narrowed.
    const auto* b = json::get_object(*doc, "batch");
    const bool batch_fits = !b || ((*b)["index"].IsInt() && (*b)["size"].IsInt());
    FUZZ_CHECK(reply.has_value() == batch_fits, "decode_reply vs reply.v1 and the batch: " + std::string(value));
    if (!reply) return 0;
    if (b)
        FUZZ_CHECK(reply->batch && reply->batch->index == (*b)["index"].GetInt() && reply->batch->size == (*b)["size"].GetInt(),
                   "the batch position changed in decode: " + std::string(value));
    if (auto t = parse_iso(json::get_string(*doc, "processedAt").value_or("")))
        FUZZ_CHECK(*t == reply->processed_at, "processedAt changed in decode: " + std::string(value));
    const std::string bytes = messages::encode(*reply);
    auto again = json::parse(bytes);
    FUZZ_CHECK(again.has_value(), "the re-encoded reply is not JSON: " + bytes);
    const std::string why = reg.validate("reply.v1", *again);
    FUZZ_CHECK(why.empty(), "the re-encoded reply fails reply.v1 (" + why + "): " + bytes);
    auto twice = messages::decode_reply(*again);
    FUZZ_CHECK(twice && same_reply(*reply, *twice), "decode(encode(r)) != r: " + bytes);
    return 0;
}
