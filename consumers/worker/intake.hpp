#pragma once
// What the worker makes of a message before it touches the database: JSON, envelope.v1, the
// command, a handler for its type and version, the payload's schema; else the reason to
// dead-letter it. Processor::prepare runs it on every message; tests/fuzz/worker_command.cpp
// feeds it every byte string (anyone can publish to ocms.cmd.*, DESIGN.md invariant 5).
#include "handler.hpp"
#include "json/json.hpp"
#include "json/schema_registry.hpp"
#include "messages/messages.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ocms::worker {

struct Intake {
    json::Document doc;
    bool parsed = false;  // doc holds the message's JSON
    std::optional<messages::Command> command;
    const HandlerEntry* handler = nullptr;
    std::optional<std::string> dlq_reason;  // "json", "schema", "unknown-type"
    std::string dlq_error;
};

Intake take_in(std::string_view value, const json::SchemaRegistry& schemas);

// The payload's notice number: "noticeNo", or "notice_no" in the payloads that keep their
// sender's snake_case names (court.update, as CAS sends it); "" when there is none.
std::string notice_of(const json::Value& doc);

}  // namespace ocms::worker
