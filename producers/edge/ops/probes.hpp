#pragma once
// Operational routes without authentication: liveness, readiness and Prometheus metrics.
#include "deps.hpp"
#include "http/api.hpp"

namespace ocms::edge::handlers {
// 200 while the process serves requests.
void healthz(std::shared_ptr<Exchange> ex, const json::Value* body, HandlerDone done);
// 200 once the gateway is ready (broker metadata, reply partition positioned), else 503.
void readyz(std::shared_ptr<const ops::Deps> deps, std::shared_ptr<Exchange> ex,
            const json::Value* body, HandlerDone done);
// Prometheus text format 0.0.4.
void metrics(std::shared_ptr<const ops::Deps> deps, std::shared_ptr<Exchange> ex,
             const json::Value* body, HandlerDone done);
}  // namespace ocms::edge::handlers
