#include "request_outcome.hpp"

#include "dispatch/batch_response.hpp"
#include "core/log.hpp"
#include "http/routes.hpp"

#include <algorithm>
#include <limits>

namespace ocms::edge {

namespace request_outcome {

std::string assemble(const RequestId& request_id, const std::vector<InboxRow>& rows) {
    BatchBody b;
    b.request_id = request_id;
    b.show_pending_count = true;
    if (rows.empty()) {
        b.status = "UNKNOWN";
        return write_batch(b);
    }
    int batch_size = 0;
    std::vector<std::pair<int, ResultItem>> ordered;
    ordered.reserve(rows.size());
    for (const auto& row : rows) {
        batch_size = std::max(batch_size, row.batch_size.value_or(0));
        ResultItem item{NoticeNo(row.notice_no), AppCode(row.app_code), "", "", std::nullopt};
        int index = std::numeric_limits<int>::max();
        if (auto doc = json::parse(row.reply_json)) {
            if (auto reply = messages::decode_reply(*doc)) {
                item = result_of(*reply);
                if (reply->batch) index = reply->batch->index;
            }
        }
        ordered.emplace_back(index, std::move(item));
    }
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    const int answered = int(rows.size());
    b.total = std::max(batch_size, answered);
    b.pending_count = b.total - answered;
    b.status = b.pending_count == 0 ? "COMPLETE" : "PENDING";
    for (auto& [_, item] : ordered) b.items.push_back(std::move(item));
    return write_batch(b);
}

}  // namespace request_outcome

namespace handlers {

void request_outcome(std::shared_ptr<const request_outcome::Deps> deps, std::shared_ptr<Exchange> ex,
                     const json::Value* body, HandlerDone done) {
    RequestId asked(std::string(json::get_string(*body, "requestId").value_or("")));
    deps->store->fetch(asked, ex->executor, [ex, asked, done = std::move(done)](InboxRows rows) {
        if (!rows) {
            log::error("outcome read failed", {{"requestId", ex->request_id.value()}, {"error", rows.error().message}});
            return done(std::unexpected(
                ApiError{ErrorKind::internal, "The outcome could not be read; please retry later"}));
        }
        // A request is its caller's (issue 14): another caller's rows are neither shown nor merged
        // into this caller's, and an id only others used answers 404. The role OPS (support) reads
        // every request, those published straight to the topics (no caller) too.
        if (!ex->claims.has_role(roles::kOps)) {
            const bool any = !rows->empty();
            std::erase_if(*rows, [&](const InboxRow& r) { return r.caller.value_or("") != ex->caller; });
            if (any && rows->empty())
                return done(std::unexpected(ApiError{ErrorKind::not_found, "No request " + asked.value() + " of this caller"}));
        }
        done(HandlerOk{200, request_outcome::assemble(asked, *rows)});
    });
}

}  // namespace handlers

}  // namespace ocms::edge
