#pragma once
// What the libFuzzer targets share: a property check that aborts with a message (libFuzzer then
// saves the input as a crash), the repo's schemas, a fixed clock, and the check every published
// or consumed command must pass (encode -> parse -> envelope.v1 -> decode gives the same command,
// and its payload passes its own schema). Header-only; one process runs one target, one thread.
#include "core/time.hpp"
#include "json/json.hpp"
#include "json/schema_registry.hpp"
#include "messages/messages.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

namespace ocms::fuzz {

// A property that failed: a finding, whatever the sanitizers say.
[[noreturn]] inline void property_failed(const char* what, std::string_view detail, const char* file, int line) {
    std::fprintf(stderr, "\n*** property failed at %s:%d: %s\n*** %.*s\n", file, line, what, int(detail.size()),
                 detail.data());
    std::abort();
}
#define FUZZ_CHECK(cond, detail) \
    do { \
        if (!(cond)) ::ocms::fuzz::property_failed(#cond, (detail), __FILE__, __LINE__); \
    } while (0)

inline const std::string& source_dir() {
    static const std::string dir = OCMS_SOURCE_DIR;
    return dir;
}

inline std::shared_ptr<const json::SchemaRegistry> schemas() {
    static auto r = json::SchemaRegistry::load(source_dir() + "/schemas");
    return r;
}

// Every target runs at one fixed instant (Singapore 2025-12-20 22:00, inside CAS's day-end
// window of the seed data), so a run is reproducible.
inline TimePoint fixed_now() {
    static const TimePoint t = *parse_iso("2025-12-20T22:00:00");
    return t;
}

inline std::string describe(const messages::Command& c) { return messages::encode(c); }

// a and b are the same command, field by field (issued_at to the microsecond).
inline bool same_command(const messages::Command& a, const messages::Command& b) {
    auto same_reply_to = [](const auto& x, const auto& y) {
        return x.has_value() == y.has_value() && (!x || (x->topic == y->topic && x->partition == y->partition));
    };
    auto same_batch = [](const auto& x, const auto& y) {
        return x.has_value() == y.has_value() && (!x || (x->index == y->index && x->size == y->size));
    };
    auto same_replay = [](const auto& x, const auto& y) {
        return x.has_value() == y.has_value() &&
               (!x || (x->topic == y->topic && x->partition == y->partition && x->offset == y->offset));
    };
    return a.command_id == b.command_id && a.type == b.type && a.schema_version == b.schema_version &&
           a.issued_at == b.issued_at && a.source == b.source && a.officer == b.officer &&
           a.request_id == b.request_id && same_reply_to(a.reply_to, b.reply_to) && a.trace_id == b.trace_id &&
           same_batch(a.batch, b.batch) && same_replay(a.replay_of, b.replay_of) && a.payload_json == b.payload_json;
}

// A command as it goes on the topic: its bytes pass what the worker checks before it touches
// the database (JSON, envelope.v1, decode, the payload's schema), and decode to the same command.
inline void check_command_on_the_wire(const messages::Command& c) {
    const auto& reg = *schemas();
    const std::string bytes = messages::encode(c);
    auto doc = json::parse(bytes);
    FUZZ_CHECK(doc.has_value(), "encoded command is not JSON: " + bytes);
    const std::string why = reg.validate("envelope.v1", *doc);
    FUZZ_CHECK(why.empty(), "encoded command fails envelope.v1 (" + why + "): " + bytes);
    auto back = messages::decode_command(*doc);
    FUZZ_CHECK(back.has_value(), "encoded command does not decode: " + bytes);
    FUZZ_CHECK(same_command(c, *back), "decode(encode(c)) != c: " + bytes + " vs " + describe(*back));
    const std::string schema = messages::payload_schema_name(c.type, c.schema_version);
    FUZZ_CHECK(reg.has(schema), "no payload schema " + schema + ": " + bytes);
    const std::string why2 = reg.validate(schema, *json::get_object(*doc, "payload"));
    FUZZ_CHECK(why2.empty(), "payload fails " + schema + " (" + why2 + "): " + bytes);
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

}  // namespace ocms::fuzz
