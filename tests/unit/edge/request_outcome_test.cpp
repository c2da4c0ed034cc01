// /v1/request-outcome's answer from inbox rows.
#include "outcome/request_outcome.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

using namespace edge_test;

TEST(RequestOutcome, UnknownWhenNoRow) {
    EXPECT_EQ(request_outcome::assemble(RequestId("r"), {}),
              R"({"totalProcessed":0,"successCount":0,"errorCount":0,"pendingCount":0,"status":"UNKNOWN","requestId":"r","results":[]})");
}

TEST(RequestOutcome, CompleteOrderedByBatchIndex) {
    std::vector<InboxRow> rows{
        {"c2", "B2", "OCMS-4002", reply_json("c2", "B2", "OCMS-4002", "TS cannot be applied due to existing PS", "", 1, 2), 2},
        {"c1", "A1", "OCMS-2000",
         reply_json("c1", "A1", "OCMS-2000", "TS Success", R"({"srNo":7,"dueDateOfRevival":"2025-04-12T19:00:02"})", 0, 2),
         2},
    };
    EXPECT_EQ(request_outcome::assemble(RequestId("r"), rows),
              R"({"totalProcessed":2,"successCount":1,"errorCount":1,"pendingCount":0,"status":"COMPLETE","requestId":"r","results":[)"
              R"({"noticeNo":"A1","srNo":7,"dueDateOfRevival":"2025-04-12T19:00:02","appCode":"OCMS-2000","message":"TS Success"},)"
              R"({"noticeNo":"B2","appCode":"OCMS-4002","message":"TS cannot be applied due to existing PS"}]})");
}

TEST(RequestOutcome, PendingWhenRowsAreMissing) {
    std::vector<InboxRow> rows{{"c1", "A1", "OCMS-2000", reply_json("c1", "A1", "OCMS-2000", "TS Success", "", 0, 3), 3}};
    EXPECT_EQ(request_outcome::assemble(RequestId("r"), rows),
              R"({"totalProcessed":3,"successCount":1,"errorCount":0,"pendingCount":2,"status":"PENDING","requestId":"r","results":[)"
              R"({"noticeNo":"A1","appCode":"OCMS-2000","message":"TS Success"}]})");
}

TEST(RequestOutcome, UnreadableReplyFallsBackToTheColumns) {
    std::vector<InboxRow> rows{{"c1", "A1", "OCMS-4003", "not json", std::nullopt}};
    EXPECT_EQ(request_outcome::assemble(RequestId("r"), rows),
              R"({"totalProcessed":1,"successCount":0,"errorCount":1,"pendingCount":0,"status":"COMPLETE","requestId":"r","results":[)"
              R"({"noticeNo":"A1","appCode":"OCMS-4003","message":""}]})");
}
