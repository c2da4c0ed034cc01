#pragma once
// A small blocking HTTP server for the worker's operations endpoints: /healthz, /readyz,
// /metrics. One thread, one connection at a time: it serves Prometheus scrapes and probes only.
#include "metrics/metrics.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace ocms::worker {

class OpsServer {
public:
    OpsServer(std::string listen, metrics::Registry& metrics, std::function<bool()> ready);
    ~OpsServer();
    void start();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ocms::worker
