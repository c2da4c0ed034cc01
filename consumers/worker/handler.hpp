#pragma once
// The worker's handler table (STYLE.md 3): command type -> schema + topic + handler function.
// A handler loads state inside the caller's transaction (locking the notice row first), calls
// the domain rules, writes the effects and returns the reply. It never commits, never talks to
// Kafka and never swallows a database error: PgErrors go back to the processor, which decides
// (transient -> retry the batch, permanent -> park this command and its notice).
#include "contract/catalogue.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "domain/suspension.hpp"
#include "json/json.hpp"
#include "messages/messages.hpp"
#include "pg/pg.hpp"

#include <expected>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace ocms::worker {

namespace store {
struct ReferenceCache;
struct LockedNotice;
}

struct HandlerContext {
    pg::Connection& db;
    const messages::Command& command;
    const json::Value& payload;  // passed the payload schema
    TimePoint now;
    store::ReferenceCache* reasons = nullptr;  // reference rows this transaction has read (the processor's)
};

struct HandlerResult {
    AppCode code;
    std::string message;
    std::string data_json;  // JSON object text or ""
};

using HandlerFn = std::function<std::expected<HandlerResult, pg::PgError>(HandlerContext&)>;

// Set-based handling (issue 16): the commands of one type in one wave of a batch, at most one per
// notice, their notices already locked and read by the processor (store::lock_notices). The
// handler decides each in order and writes the effects of all with one statement per table. It
// answers every item (result) or returns a PgError for the whole set (the processor rolls the
// batch back and runs it again one command at a time, where only a failing command parks).
struct SetItem {
    const messages::Command* command = nullptr;
    const json::Value* payload = nullptr;  // passed the payload schema
    const store::LockedNotice* notice = nullptr;  // locked; null when there is no such notice
    HandlerResult result;                         // out
};
struct SetContext {
    pg::Connection& db;
    TimePoint now;
    store::ReferenceCache* reasons = nullptr;
};
using SetHandlerFn = std::function<std::expected<void, pg::PgError>(SetContext&, std::span<SetItem>)>;

struct HandlerEntry {
    std::string type;   // envelope "type"
    int version;        // envelope "schemaVersion"
    std::string topic;  // where commands of this type are published
    HandlerFn fn;
    SetHandlerFn set_fn;  // empty: this type runs one command at a time in every path
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

// Handlers (one file each under handlers/), set-based. One command alone (the careful path, a
// retry) runs through the same function as a set of one (handler_table.cpp).
std::expected<void, pg::PgError> apply_suspensions(SetContext& ctx, std::span<SetItem> items);
std::expected<void, pg::PgError> revive_suspensions(SetContext& ctx, std::span<SetItem> items);
std::expected<void, pg::PgError> change_stages(SetContext& ctx, std::span<SetItem> items);  // locks its own notices
std::expected<void, pg::PgError> court_updates(SetContext& ctx, std::span<SetItem> items);

}  // namespace ocms::worker
