#pragma once
// POST /v1/request-outcome: the outcome of an earlier request, read from the command inbox the
// workers write (DESIGN.md invariant 7). Answers the batch shape with "status":
// COMPLETE (every notice answered), PENDING (some not yet), UNKNOWN (no row for the id).
#include "deps.hpp"
#include "http/api.hpp"
#include "store/outcome_store.hpp"

#include <string>
#include <vector>

namespace ocms::edge {

namespace request_outcome {
// Pure: rows in any order -> the response body (results ordered by the reply's batch.index).
std::string assemble(const RequestId& request_id, const std::vector<InboxRow>& rows);
}

namespace handlers {
// HandlerOf<request_outcome::Deps> (http/routes.hpp): deps, exchange, body, done.
HandlerOf<request_outcome::Deps> request_outcome;
}

}  // namespace ocms::edge
