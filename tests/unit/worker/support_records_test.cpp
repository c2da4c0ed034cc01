// consumers/worker/support_records: the pure parts (outcome names and classification, the
// queued reason and reply text, replay-of JSON, hex for bytea). The SQL is exercised against
// the real database by tests/integration/support_worker_test.cpp.
#include "support_records.hpp"

#include <gtest/gtest.h>

namespace ocms::worker {
namespace {

TEST(SupportRecords, OutcomeNamesAreTheAuditTablesValues) {
    // The CHECK constraint of ocms_command_audit.outcome (schemas/sql/0006_support.sql).
    EXPECT_EQ(outcome_name(Outcome::applied), "applied");
    EXPECT_EQ(outcome_name(Outcome::refused), "refused");
    EXPECT_EQ(outcome_name(Outcome::inbox), "inbox");
    EXPECT_EQ(outcome_name(Outcome::parked), "parked");
    EXPECT_EQ(outcome_name(Outcome::queued), "queued");
    EXPECT_EQ(outcome_name(Outcome::dead_lettered), "dead-lettered");
}

TEST(SupportRecords, A2xxxAnswerIsAppliedAnyOtherIsRefused) {
    EXPECT_EQ(outcome_of(codes::kSuccess), Outcome::applied);
    EXPECT_EQ(outcome_of(codes::kAlreadySuspended), Outcome::applied);
    EXPECT_EQ(outcome_of(codes::kBusinessRule), Outcome::refused);
    EXPECT_EQ(outcome_of(codes::kNotFound), Outcome::refused);
    EXPECT_EQ(outcome_of(codes::kBadRequest), Outcome::refused);
}

TEST(SupportRecords, QueuedCommandsNameTheCommandTheyWaitFor) {
    EXPECT_EQ(queued_reason("cmd-1"), "queued behind cmd-1");
    EXPECT_EQ(kQueuedMessage,
              "Parked: an earlier command of this notice is waiting for support; this one will be applied after it");
}

TEST(SupportRecords, ReplayOfIsTheMarkersJson) {
    EXPECT_EQ(replay_of_json({"ocms.cmd.suspension", 3, 1234567890123}),
              R"({"topic":"ocms.cmd.suspension","partition":3,"offset":1234567890123})");
}

TEST(SupportRecords, FillFromCommandTakesTheEnvelope) {
    messages::Command c;
    c.command_id = CommandId("c-1");
    c.type = "suspension.apply";
    c.source = "OCMS";
    c.officer = "JOHNLEE";
    c.request_id = RequestId("r-1");
    c.trace_id = TraceId("t-1");
    c.replay_of = messages::ReplayOf{"ocms.cmd.suspension", 0, 7};
    AuditRow row;
    fill_from_command(row, c);
    EXPECT_EQ(row.command_id, "c-1");
    EXPECT_EQ(row.command_type, "suspension.apply");
    EXPECT_EQ(row.source, "OCMS");
    EXPECT_EQ(row.officer, "JOHNLEE");
    EXPECT_EQ(row.request_id, "r-1");
    EXPECT_EQ(row.trace_id, "t-1");
    EXPECT_EQ(row.replay_of_json, R"({"topic":"ocms.cmd.suspension","partition":0,"offset":7})");
    messages::Command bare;
    AuditRow none;
    fill_from_command(none, bare);
    EXPECT_FALSE(none.request_id);
    EXPECT_FALSE(none.trace_id);
    EXPECT_FALSE(none.replay_of_json);
}

TEST(SupportRecords, FailureTextIsSqlstateAndMessageWithoutTheSeverity) {
    EXPECT_EQ(failure_text({"P0001", "ERROR:  injected fault for N1\nCONTEXT:  PL/pgSQL function f() line 1 at RAISE\n",
                            FaultKind::permanent}),
              "P0001 injected fault for N1\nCONTEXT:  PL/pgSQL function f() line 1 at RAISE");
    EXPECT_EQ(failure_text({"23514", "new row violates check constraint \"c\"", FaultKind::permanent}),
              "23514 new row violates check constraint \"c\"");
    EXPECT_EQ(failure_text({"", "stored reply unreadable", FaultKind::permanent}), "stored reply unreadable");
}

TEST(SupportRecords, HexRoundTripsAnyBytes) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += char(i);
    EXPECT_EQ(to_hex(std::string_view("\x00\xff" "A", 3)), "00ff41");
    EXPECT_EQ(from_hex(to_hex(all)), all);
    EXPECT_EQ(from_hex("00FF41"), std::string("\x00\xff" "A", 3));
    EXPECT_EQ(from_hex(""), "");
    EXPECT_FALSE(from_hex("abc"));
    EXPECT_FALSE(from_hex("zz"));
}

}  // namespace
}  // namespace ocms::worker
