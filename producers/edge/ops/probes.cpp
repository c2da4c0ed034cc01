#include "probes.hpp"

#include "dispatch/gateway.hpp"
#include "metrics/metrics.hpp"

namespace ocms::edge::handlers {

void healthz(std::shared_ptr<Exchange>, const json::Value*, HandlerDone done) {
    done(HandlerOk{200, R"({"status":"UP"})"});
}

void readyz(std::shared_ptr<const ops::Deps> deps, std::shared_ptr<Exchange>,
            const json::Value*, HandlerDone done) {
    if (deps->gateway->ready()) return done(HandlerOk{200, R"({"status":"READY"})"});
    done(HandlerOk{503, R"({"status":"NOT_READY"})"});
}

void metrics(std::shared_ptr<const ops::Deps> deps, std::shared_ptr<Exchange>,
             const json::Value*, HandlerDone done) {
    done(HandlerOk{200, deps->metrics->render(), "text/plain; version=0.0.4"});
}

}  // namespace ocms::edge::handlers
