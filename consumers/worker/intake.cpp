#include "intake.hpp"

#include "contract/catalogue.hpp"

namespace ocms::worker {

Intake take_in(std::string_view value, const json::SchemaRegistry& schemas) {
    Intake t;
    auto parsed = json::parse(value);
    if (!parsed) {
        t.dlq_reason = "json";
        t.dlq_error = "not JSON: " + parsed.error();
        return t;
    }
    t.parsed = true;
    t.doc = std::move(*parsed);
    if (auto why = schemas.validate("envelope.v1", t.doc); !why.empty()) {
        t.dlq_reason = "schema";
        t.dlq_error = "envelope.v1 " + why;
    } else if (auto cmd = messages::decode_command(t.doc); !cmd) {
        t.dlq_reason = "schema";
        t.dlq_error = cmd.error().message;
    } else {
        t.command = std::move(*cmd);
        t.handler = find_handler(t.command->type, t.command->schema_version);
        const contract::CommandKind* kind = contract::find(t.command->type, t.command->schema_version);
        const std::string schema = kind ? std::string(kind->schema) : std::string();
        if (!t.handler || !kind || !schemas.has(schema)) {
            t.dlq_reason = "unknown-type";
            t.dlq_error = "no handler for " + t.command->type + " v" + std::to_string(t.command->schema_version);
        } else if (auto why2 = schemas.validate(schema, *json::get_object(t.doc, "payload")); !why2.empty()) {
            t.dlq_reason = "schema";
            t.dlq_error = schema + " " + why2;
        }
    }
    return t;
}

std::string notice_of(const json::Value& doc) {
    if (const auto* p = json::get_object(doc, "payload")) {
        if (auto n = json::get_string(*p, "noticeNo")) return std::string(*n);
        if (auto n = json::get_string(*p, "notice_no")) return std::string(*n);
    }
    return {};
}

}  // namespace ocms::worker
