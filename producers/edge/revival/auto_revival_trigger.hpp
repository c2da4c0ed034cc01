#pragma once
// POST /api/cron/auto-revival/trigger (spec 004 1.5): runs the auto-revival job now through
// revival::Deps::jobs and answers {"success": true, "message": "Auto-revival: N due, N published,
// 0 failed"}; success false and HTTP 500 with the same kind of message when the database or the
// broker failed (a failed delivery counts as a broker failure). Body: none or {}.
#include "deps.hpp"
#include "http/api.hpp"
#include "ops/job_runner.hpp"

#include <string>

namespace ocms::edge {

namespace auto_revival_trigger {
// The answer: status and body.
HandlerOk render(const AutoRevivalResult& r);
}  // namespace auto_revival_trigger

namespace handlers {
// HandlerOf<revival::Deps> (http/routes.hpp): deps, exchange, body, done.
HandlerOf<revival::Deps> auto_revival_trigger;
}

}  // namespace ocms::edge
