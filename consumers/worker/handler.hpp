#pragma once
// The worker's handler table (STYLE.md 3): command type -> schema + topic + handler function.
// A handler loads state inside the caller's transaction (locking the notice row first), calls
// the domain rules, writes the effects and returns the reply. It never commits, never talks to
// Kafka and never swallows a database error: PgErrors go back to the processor, which decides
// (transient -> retry the batch, permanent -> park this command and its notice).
#include "contract/catalogue.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "json/json.hpp"
#include "messages/messages.hpp"
#include "pg/pg.hpp"

#include <expected>
#include <functional>
#include <string>
#include <vector>

namespace ocms::worker {

namespace store {
struct ReasonCache;
}

struct HandlerContext {
    pg::Connection& db;
    const messages::Command& command;
    const json::Value& payload;  // passed the payload schema
    TimePoint now;
    store::ReasonCache* reasons = nullptr;  // reference rows this transaction has read (the processor's)
};

struct HandlerResult {
    AppCode code;
    std::string message;
    std::string data_json;  // JSON object text or ""
};

using HandlerFn = std::function<std::expected<HandlerResult, pg::PgError>(HandlerContext&)>;

struct HandlerEntry {
    std::string type;   // envelope "type"
    int version;        // envelope "schemaVersion"
    std::string topic;  // where commands of this type are published
    HandlerFn fn;
    // The reply when the handler hits a permanent database fault (the command is parked):
    // each spec words its own (002: OCMS-4007 "System error occurred during processing.";
    // 004: OCMS-5000 "Backend error during revival").
    AppCode fault_code;
    std::string fault_message;
};

// Every command type of the catalogue (common/contract/catalogue.hpp) with its handler. Adding a
// type = a schema file + a catalogue entry + an entry here + a handler file + a domain module.
const std::vector<HandlerEntry>& handler_table();
const HandlerEntry* find_handler(const std::string& type, int version);
std::vector<std::string> handled_topics();

// The answer to a payload its contract refuses (contract::decode<P>, which each handler reads its
// payload through). The intake has already checked the payload against the same schema and decode
// refuses only what that schema refuses, so this answers a drift between the two: the caller gets
// what the intake answers a schema refusal ("Command rejected: <schema> <why>", OCMS-4000 naming
// the property), as a reply and not a PgError, so the notice is not parked (retrying cannot
// change a payload).
inline std::string payload_refusal(const contract::CommandKind& kind, const Error& e) {
    return "Command rejected: " + std::string(kind.schema) + " " + e.message;
}
inline HandlerResult payload_refused(const contract::CommandKind& kind, const Error& e) {
    return HandlerResult{e.code, payload_refusal(kind, e), ""};
}

// Handlers (one file each under handlers/).
std::expected<HandlerResult, pg::PgError> apply_suspension(HandlerContext& ctx);
std::expected<HandlerResult, pg::PgError> revive_suspension(HandlerContext& ctx);
std::expected<HandlerResult, pg::PgError> change_stage(HandlerContext& ctx);
std::expected<HandlerResult, pg::PgError> court_update(HandlerContext& ctx);

}  // namespace ocms::worker
