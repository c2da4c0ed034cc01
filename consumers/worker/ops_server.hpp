#pragma once
// The worker's operations endpoints: /healthz, /readyz, /metrics, for probes and Prometheus.
// Asynchronous (Beast, one io_context on a thread of its own): every connection is a session
// with a read and write deadline, so an idle or slow client holds nothing but its own socket
// (issue 14: the first version read without a timeout on its only thread, and one idle
// connection blocked every probe). One request per connection; the answer closes it.
#include "metrics/metrics.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace ocms::worker {

class OpsServer {
public:
    // listen: "host:port" (port 0 picks a free one; port() tells which).
    OpsServer(std::string listen, metrics::Registry& metrics, std::function<bool()> ready,
              std::chrono::milliseconds io_timeout = std::chrono::seconds(5));
    ~OpsServer();  // stops accepting, ends open sessions, joins the thread
    void start();  // binds (throws when the address is taken) and serves on its thread
    unsigned short port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ocms::worker
