#pragma once
// The support console (issue 8): GET /ops and /ops/{asset} serve the page built from
// producers/edge/console (OCMS_CONSOLE_DIR; no data in it, so no token: the page asks for one),
// and the /ops/api routes (role OPS) answer it: a notice's history, dead letters, parked notices
// with retry and discard, recorded redrives and replays. The operator is the token's subject.
#include "deps.hpp"
#include "http/api.hpp"
#include "ops_store.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ocms::edge {

namespace ops {

// "app.js" -> "application/javascript; charset=utf-8"; nullopt for a name the console never has
// (anything but [A-Za-z0-9._-], a leading dot, "..", or an unknown extension).
std::optional<std::string> asset_type(std::string_view name);

// The run a POST /ops/api/redrive or /ops/api/replay body asks for (schema-checked already).
std::expected<OpsRunRequest, ApiError> run_request(std::string_view kind, const json::Value& body,
                                                   const std::string& operator_name);

}  // namespace ops

namespace handlers {
// HandlerOf<ops::Deps> (http/routes.hpp): deps, exchange, body, done.
HandlerOf<ops::Deps> ops_console, ops_asset, ops_history, ops_dead_letters, ops_parked, ops_parked_retry,
                     ops_parked_discard, ops_redrive, ops_replay;
}  // namespace handlers

}  // namespace ocms::edge
