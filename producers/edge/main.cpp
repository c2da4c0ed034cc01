// ocms-edge: wires the configuration, the schemas, the command gateway, the stores, each
// feature's deps, the pipeline (auth, schemas, the route table) and the HTTP server together.
// Everything else lives in the ocms_edge library.
#include "cas/cas_store.hpp"
#include "cas/deps.hpp"
#include "config.hpp"
#include "core/log.hpp"
#include "core/memory.hpp"
#include "dispatch/gateway.hpp"
#include "http/pipeline.hpp"
#include "http/routes.hpp"
#include "http/schema_explain.hpp"
#include "http/server.hpp"
#include "json/schema_registry.hpp"
#include "metrics/metrics.hpp"
#include "ops/deps.hpp"
#include "ops/job_runner.hpp"
#include "ops/ops_store.hpp"
#include "outcome/deps.hpp"
#include "reads/deps.hpp"
#include "reads/read_store.hpp"
#include "revival/deps.hpp"
#include "stage/change_stage_store.hpp"
#include "stage/deps.hpp"
#include "store/outcome_store.hpp"
#include "suspension/deps.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <thread>
#include <vector>

#ifndef OCMS_DEFAULT_SCHEMAS_DIR
#define OCMS_DEFAULT_SCHEMAS_DIR "schemas"
#endif

namespace net = boost::asio;
using namespace ocms;

int main() {
    std::shared_ptr<const edge::EdgeConfig> cfg;
    try {
        cfg = edge::load_config(OCMS_DEFAULT_SCHEMAS_DIR);
    } catch (const std::exception& e) {
        log::error("configuration refused", {{"error", e.what()}});
        return 2;
    }
    log::init("ocms-edge", cfg->log_level);
    memory::limit_arenas();
    memory::start_trimmer();
    try {
        auto schemas = json::SchemaRegistry::load(cfg->schemas_dir);
        for (const auto& r : edge::routes({}))  // the rows only: no feature is built yet
            if (!r.body_schema.empty() && !schemas->has(r.body_schema))
                throw std::runtime_error("route " + r.path + " names a missing schema " + r.body_schema);

        auto metrics = std::make_shared<metrics::Registry>();
        net::io_context ioc{cfg->threads};

        auto gateway = std::make_shared<edge::KafkaGateway>(cfg, schemas, *metrics, ioc.get_executor());
        gateway->start();

        // Each feature gets what its handlers use (<feature>/deps.hpp); the read store serves the
        // reads and the HST register of the revival routes.
        auto reads = std::make_shared<edge::PgReadStore>(cfg->pg_url, cfg->pg_pool_size);
        std::shared_ptr<edge::OpsStore> ops;
        if (!cfg->support_pg_url.empty())
            ops = std::make_shared<edge::PgOpsStore>(cfg->support_pg_url, 2, cfg->brokers);
        else
            log::warn("OCMS_SUPPORT_PG_URL is not set: the support console's /ops/api routes answer 500");
        const edge::Publishing publishing{.gateway = gateway, .schemas = schemas};
        edge::FeatureDeps features{
            .suspension = std::make_shared<const edge::suspension::Deps>(edge::suspension::Deps{publishing}),
            .request_outcome = std::make_shared<const edge::request_outcome::Deps>(
                edge::request_outcome::Deps{.store = std::make_shared<edge::PgOutcomeStore>(cfg->pg_url, 2)}),
            .reads = std::make_shared<const edge::reads::Deps>(edge::reads::Deps{.store = reads}),
            .revival = std::make_shared<const edge::revival::Deps>(edge::revival::Deps{
                publishing, reads,
                std::make_shared<edge::PgJobRunner>(cfg->pg_url, edge::JobWait{.timeout = cfg->job_wait})}),
            .stage = std::make_shared<const edge::stage::Deps>(edge::stage::Deps{
                publishing, std::make_shared<edge::PgChangeStageStore>(
                                cfg->pg_url, 2, std::make_shared<reports::FsReportStore>(cfg->report_dir))}),
            .cas = std::make_shared<const edge::cas::Deps>(
                edge::cas::Deps{publishing, std::make_shared<edge::PgCasStore>(cfg->pg_url, 2)}),
            .ops = std::make_shared<const edge::ops::Deps>(edge::ops::Deps{
                .store = ops, .console_dir = cfg->console_dir, .gateway = gateway, .metrics = metrics}),
        };
        auto pipeline = std::make_shared<const edge::PipelineDeps>(edge::PipelineDeps{
            .config = cfg,
            .schemas = schemas,
            .explainer = edge::SchemaExplainer::load(cfg->schemas_dir),
            .jwt = std::make_shared<auth::JwtVerifier>(cfg->jwt_secret, cfg->jwt_issuer),
            .apim = std::make_shared<auth::ApimKeys>(cfg->apim_keys_file.empty()
                                                         ? auth::ApimKeys({})
                                                         : auth::ApimKeys::load_file(cfg->apim_keys_file)),
            .metrics = metrics,
            .routes = edge::routes(features),
        });

        net::ip::tcp::endpoint at{net::ip::make_address(cfg->listen_host), cfg->listen_port};
        auto listener = std::make_shared<edge::Listener>(ioc, at, pipeline);
        listener->run();
        log::info("ocms-edge listening",
                  {{"listen", cfg->listen_host + ":" + std::to_string(cfg->listen_port)},
                   {"instance", std::to_string(cfg->instance)}, {"brokers", cfg->brokers},
                   {"deadlineMs", std::to_string(cfg->deadline.count())},
                   {"threads", std::to_string(cfg->threads)}});

        net::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code& ec, int sig) {
            if (ec) return;
            log::info("ocms-edge stopping", {{"signal", std::to_string(sig)}});
            listener->stop();
            ioc.stop();
        });

        std::vector<std::thread> threads;
        for (int i = 1; i < cfg->threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
        ioc.run();
        for (auto& t : threads) t.join();

        gateway->stop();  // ends the reply consumer, flushes the producer
        log::info("ocms-edge stopped");
    } catch (const std::exception& e) {
        log::error("ocms-edge failed", {{"error", e.what()}});
        return 1;
    }
    return 0;
}
