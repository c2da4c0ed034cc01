#pragma once
// The batch response of spec 002 (API 3), shared by the live answer of a batch API and by
// /v1/request-outcome:
//   {"totalProcessed":N,"successCount":S,"errorCount":E,["pendingCount":P,]["status":...,]
//    "requestId":"...","results":[{"noticeNo","srNo","dueDateOfRevival","appCode","message"}...]}
// successCount counts OCMS-2xxx results, errorCount every other answered or failed one; pending
// results (OCMS-2002) count in neither.
#include "core/error.hpp"
#include "core/types.hpp"
#include "messages/messages.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocms::edge {

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

}  // namespace ocms::edge
