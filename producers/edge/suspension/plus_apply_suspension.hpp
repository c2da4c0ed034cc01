#pragma once
// POST /v1/plus-apply-suspension (spec 002 API 5): PLUS applies a TS to one notice. The route
// needs the role PLUS and an accepted Ocp-Apim-Subscription-Key (checked by the pipeline).
// The snake_case body becomes one suspension.apply command (envelope source "PLUS", payload
// dateOfSuspension = date_of_suspension as an unambiguous instant); the answer is the batch
// shape of API 3 with one result. The mapping is a pure function so tests need no sockets.
//
// suspension_source: absent or "PLUS" is the caller itself; any other value is a claim the
// caller cannot make (the authenticated PLUS identity decides the source, never the body), so
// the edge answers that notice with OCMS-4000 "Source not authorized to use this Suspension
// Code" in the batch shape (HTTP 200) and publishes nothing (docs/decisions.md "OCMS-4007 vs OCMS-5000").
#include "contract/catalogue.hpp"
#include "deps.hpp"
#include "http/api.hpp"
#include "dispatch/gateway.hpp"
#include "dispatch/batch_response.hpp"
#include "core/error.hpp"
#include "domain/suspension.hpp"
#include "messages/messages.hpp"

#include <optional>
#include <string>

namespace ocms::json {
class SchemaRegistry;
}

namespace ocms::edge {

namespace plus_apply {

inline constexpr std::string_view kCommandType = contract::kSuspensionApply.type;
inline constexpr std::string_view kSource = domain::source::kPlus;

// What the body asks for: a command to publish, or a per-notice refusal the edge gives itself.
struct Plan {
    std::optional<messages::Command> command;
    std::optional<ResultItem> refusal;  // set instead of command
};

// body passed "http/plus-apply-suspension.request". Fails with OCMS-4000 (HTTP 400) when
// date_of_suspension is not an ISO 8601 date-time or (when schemas is given) the command's
// own schemas refuse it.
Result<Plan> plan(const json::Value& body, const RequestId& request_id, TimePoint now,
                  const json::SchemaRegistry* schemas);

// The answer for a refusal: the batch shape with its one result.
BatchAnswer refusal_answer(const RequestId& request_id, const ResultItem& refusal);

}  // namespace plus_apply

namespace handlers {
// HandlerOf<suspension::Deps> (http/routes.hpp): deps, exchange, body, done.
HandlerOf<suspension::Deps> plus_apply_suspension;
}

}  // namespace ocms::edge
