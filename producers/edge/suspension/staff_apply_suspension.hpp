#pragma once
// POST /v1/staff-apply-suspension (spec 002 API 3): one suspension.apply command per notice on
// ocms.cmd.suspension, then the spec's batch answer from the replies. The mapping and the
// answer are pure functions so tests need no sockets, Kafka or clock.
#include "contract/catalogue.hpp"
#include "domain/suspension.hpp"
#include "deps.hpp"
#include "http/api.hpp"
#include "dispatch/gateway.hpp"
#include "dispatch/batch_response.hpp"
#include "core/error.hpp"
#include "messages/messages.hpp"

#include <vector>

namespace ocms::json {
class SchemaRegistry;
}

namespace ocms::edge {

namespace staff_apply {

inline constexpr std::string_view kCommandType = contract::kSuspensionApply.type;
inline constexpr std::string_view kSource = domain::source::kStaffPortal;

// body passed "http/staff-apply-suspension.request". Fails with OCMS-4000 on a duplicate
// notice number or (when schemas is given) a command its own schemas would refuse.
Result<std::vector<messages::Command>> build_commands(const json::Value& body, const RequestId& request_id,
                                                      TimePoint now, const json::SchemaRegistry* schemas);

using Answer = BatchAnswer;
// items in request order (as the gateway returns them); see answer_batch().
Answer assemble(const RequestId& request_id, const std::vector<DispatchItem>& items);

}  // namespace staff_apply

namespace handlers {
// HandlerOf<suspension::Deps> (http/routes.hpp): deps, exchange, body, done.
HandlerOf<suspension::Deps> staff_apply_suspension;
}

}  // namespace ocms::edge
