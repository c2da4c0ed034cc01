#pragma once
// revival.apply (spec 004): the pure half of the handler, unit-tested without a database: the
// payload (schemas/commands/revival.apply.v1, read through contract::RevivalApply) as the rules'
// command. The handler itself is revive_suspension() in handler.hpp.
#include "domain/revival.hpp"
#include "handler.hpp"
#include "json/json.hpp"

#include <expected>
#include <optional>
#include <string>

namespace ocms::worker::revival_apply {

struct Request {
    domain::ReviveTs revive;
    std::optional<std::string> hst_id_no;  // channel hst: the tenant's register entry to drop
};

// The payload, already valid against revival.apply.v1 (every field the rules need is required
// there). A payload the contract refuses: payload_refused (handler.hpp).
std::expected<Request, HandlerResult> parse_request(const json::Value& payload);

}  // namespace ocms::worker::revival_apply
