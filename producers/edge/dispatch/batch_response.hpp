#pragma once
// The batch response of spec 002 (API 3), shared by the live answer of a batch API and by
// /v1/request-outcome:
//   {"totalProcessed":N,"successCount":S,"errorCount":E,["pendingCount":P,]["status":...,]
//    "requestId":"...","results":[{"noticeNo","srNo","dueDateOfRevival","appCode","message"}...]}
// successCount counts OCMS-2xxx results, errorCount every other answered or failed one; pending
// results (OCMS-2002) count in neither.
#include "gateway.hpp"
#include "core/error.hpp"
#include "core/types.hpp"
#include "messages/messages.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocms::json {
class SchemaRegistry;
}

namespace ocms::edge {

// The edge checks each command it builds against envelope.v1 and its payload schema (the worker
// checks them again; refusing here gives the caller a 400 now). nullopt = valid; schemas may be
// null (tests without schemas).
std::optional<Error> refuse_by_schema(const json::SchemaRegistry* schemas, const messages::Command& c);

inline constexpr std::string_view kPendingMessage =
    "Accepted; the result is not known yet. Fetch it with /v1/request-outcome";
inline constexpr std::string_view kNotQueuedMessage = "Command could not be queued; please retry";

struct ResultItem {
    NoticeNo notice_no;
    AppCode app_code;
    std::string message;
    std::string data_json;                   // reply data: srNo and dueDateOfRevival are copied out
    std::optional<CommandId> pending_command;  // set for pending items (appCode OCMS-2002)
};

ResultItem result_of(const messages::Reply& r);
ResultItem pending_result(const NoticeNo& n, const CommandId& id);
ResultItem not_queued_result(const NoticeNo& n);

struct BatchBody {
    RequestId request_id;
    int total = 0;                      // notices in the request
    int pending_count = 0;              // pending notices (listed or not)
    bool show_pending_count = false;    // write "pendingCount" even when 0
    std::optional<std::string> status;  // "COMPLETE" | "PENDING" | "UNKNOWN" for request-outcome
    std::vector<ResultItem> items;
};

std::string write_batch(const BatchBody& b);

// The live answer of a batch API from the gateway's items (in request order): replied items as
// the worker answered them, pending ones as OCMS-2002 (HTTP 202 for the whole answer), failed
// ones as OCMS-5000 "Command could not be queued". Shared by staff- and plus-apply.
struct BatchAnswer {
    unsigned status;  // 200, or 202 when some results are pending
    std::string body;
};
BatchAnswer answer_batch(const RequestId& request_id, const std::vector<DispatchItem>& items);

}  // namespace ocms::edge
