#pragma once
// suspension.apply (spec 002): the pure half of the handler, unit-tested without a database: the
// payload (schemas/commands/suspension.apply.v1, read through contract::SuspensionApply) and its
// envelope as the rules' command. The handler itself is apply_suspensions() in handler.hpp.
#include "domain/suspension.hpp"
#include "handler.hpp"
#include "json/json.hpp"
#include "messages/messages.hpp"

#include <expected>

namespace ocms::worker::suspension_apply {

// The payload, already valid against suspension.apply.v1. officerAuthorisingSuspension absent:
// the envelope's officer; the source is always the envelope's; checking absent: false. A
// dateOfSuspension that is no ISO 8601 date-time: OCMS-4000 saying so; a payload the contract
// refuses: payload_refused (handler.hpp).
std::expected<domain::ApplyTs, HandlerResult> parse_request(const json::Value& payload,
                                                            const messages::Command& command);

}  // namespace ocms::worker::suspension_apply
