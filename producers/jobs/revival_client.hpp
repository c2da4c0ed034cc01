#pragma once
// The internal client of spec 004 1.4 ("SuspensionApiClient"): how other OCMS services call
// POST /ocms/v1/suspension/apply-revival on the edge. One RevivalApiClient per caller, built at
// start-up, over ocms::http::HttpClient (api name "OCMS-SUSPENSION"):
//   - retry: RetryPolicy::internal_api() (3 attempts, 2 s -> 4 s ... at most 30 s, 0-15 % jitter)
//     unless the options override it (tests); what is retried is HttpClient's rule (transport
//     failures, 408/429/502/503/504), never a 4xx or a 500;
//   - Authorization: Bearer from the TokenProvider (401 -> refresh and repeat once, HttpClient);
//   - body {noticeNos, revivalRemarks (only when given), officerAuthorisingRevival, revivalSource};
//   - answer: the per-notice results of the batch response (HTTP 200, or 202 when some are still
//     pending: OCMS-2002 items, ask /v1/request-outcome with requestId later);
//   - errors: OCMS-9999 when no usable answer came after the retries (HttpClient); the edge's
//     appCode and message for a refused request ({"data":{"appCode","message"}}, e.g. OCMS-4000
//     or an HTTP 500's OCMS-5000), OCMS-9999 when the answer cannot be read.
// Thread-safe (HttpClient is); blocking: call it from a job or worker thread, not an io thread.
#include "core/error.hpp"
#include "http/client.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ocms::jobs {

inline constexpr const char* kRevivalSourceOcms = "004";
inline constexpr const char* kRevivalSourcePlus = "005";

struct RevivalApiRequest {
    std::vector<std::string> notice_nos;
    std::optional<std::string> revival_remarks;
    std::string officer;                          // officerAuthorisingRevival
    std::string revival_source = kRevivalSourceOcms;  // 004 OCMS, 005 PLUS
};

struct RevivalNoticeResult {
    std::string notice_no;
    AppCode app_code;  // OCMS-2000 revived, OCMS-2002 pending, 4xxx refused ...
    std::string message;
};

struct RevivalApiResponse {
    long http_status = 0;  // 200, or 202 when some results are pending
    std::string request_id;
    std::int64_t total_processed = 0;
    std::int64_t success_count = 0;
    std::int64_t error_count = 0;
    std::vector<RevivalNoticeResult> results;  // one per notice, in the order asked
};

struct RevivalClientOptions {
    std::string base_url;  // the edge, "http://127.0.0.1:8080"
    http::RetryPolicy retry = http::RetryPolicy::internal_api();
    std::shared_ptr<http::TokenProvider> tokens;
    std::shared_ptr<http::AlertSink> alerts;
    http::Sleeper sleep;  // default: sleep_for; tests record the waits
    std::uint64_t jitter_seed = 0;
    std::chrono::milliseconds timeout{30'000};  // per attempt
};

class RevivalApiClient {
public:
    static constexpr const char* kPath = "/ocms/v1/suspension/apply-revival";

    explicit RevivalApiClient(RevivalClientOptions options);
    Result<RevivalApiResponse> apply_revival(const RevivalApiRequest& request);

    // Pure, tested directly.
    static std::string request_body(const RevivalApiRequest& request);
    static Result<RevivalApiResponse> read_response(long status, std::string_view body);

private:
    std::string url_;
    std::chrono::milliseconds timeout_;
    http::HttpClient client_;
};

}  // namespace ocms::jobs
