// Issue 16: the worker applies a poll's commands set-based, in waves (one command per notice per
// wave). These tests drive the worker's Processor directly against the real database (as the
// role ocms_worker, with the schemas of schemas/), so that what arrives in one poll is exact:
//   - per-notice order inside a batch: every sequence of three commands of apply / revive / stage
//     change on one notice, all 27 in one batch, give the replies, the notice, its records and
//     its audit rows that the careful path gives one command at a time (a second Processor with
//     the fast path off, a call per command) on a twin notice;
//   - a failing write parks only the failing command: the rest of the batch commits;
//   - a batch redelivered is answered from the inbox and changes no row.
#include "support.hpp"

#include "contract/catalogue.hpp"
#include "core/ids.hpp"
#include "json/schema_registry.hpp"
#include "metrics/metrics.hpp"
#include "processor.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cctype>

namespace ocms::test {
namespace {

using worker::InMessage;

// One clock for both paths: the same "now" gives the same dates, so the twin notices must end
// byte for byte alike.
TimePoint fixed_now() { return *parse_iso("2026-12-04T10:00:00+08:00"); }

std::unique_ptr<pg::Connection> worker_db() {
    auto c = pg::Connection::connect(env("OCMS_WORKER_PG_URL"));
    if (!c) throw std::runtime_error("cannot connect as ocms_worker: " + c.error().message);
    (*c)->auto_prepare(true);
    return std::move(*c);
}

std::shared_ptr<const json::SchemaRegistry> schemas() {
    static auto s = json::SchemaRegistry::load(env("OCMS_SCHEMAS_DIR"));
    return s;
}

// A notice at DN1 with a composition amount and a current driver (what a stage change needs).
std::string notice_at_dn1() {
    auto n = make_notices(1, "DN1")[0];
    owner_exec("UPDATE ocms_valid_offence_notice SET composition_amount = 70.00, "
               "last_processing_date = '2025-12-01T10:00:00+08:00' WHERE notice_no = $1",
               {n});
    owner_exec("INSERT INTO ocms_offence_notice_owner_driver (notice_no, owner_driver_indicator, offender_indicator, "
               "id_type, id_no, name, cre_user_id) VALUES ($1, 'D', 'Y', 'N', 'S1234567A', 'John Doe', 'test')",
               {n});
    return n;
}

std::string envelope(const std::string& id, const std::string& type, const std::string& payload) {
    return R"({"commandId":")" + id + R"(","type":")" + type +
           R"(","schemaVersion":1,"issuedAt":"2026-12-04T09:00:00+08:00","source":"OCMS","officer":"BATCHTEST",)"
           R"("requestId":"req-)" + id + R"(","payload":)" + payload + "}";
}

// 'A' apply a TS (ACR), 'R' revive the TS, 'S' change the stage DN1 -> DN2.
InMessage command(char kind, const std::string& notice, std::int64_t offset) {
    const std::string id = new_uuid();
    switch (kind) {
        case 'A':
            return {std::string(contract::kSuspensionApply.topic), 0, offset, notice,
                    envelope(id, "suspension.apply",
                             R"({"noticeNo":")" + notice +
                                 R"(","suspensionType":"TS","reasonOfSuspension":"ACR","officerAuthorisingSuspension":"BATCHTEST"})")};
        case 'R':
            return {std::string(contract::kRevivalApply.topic), 0, offset, notice,
                    envelope(id, "revival.apply",
                             R"({"noticeNo":")" + notice +
                                 R"(","suspensionType":"TS","revivalReason":"OTH","officerAuthorisingRevival":"BATCHTEST","channel":"internal"})")};
        default:
            return {std::string(contract::kStageChange.topic), 0, offset, notice,
                    envelope(id, "stage.change",
                             R"({"noticeNo":")" + notice +
                                 R"(","mode":"submit","source":"OCMS","officer":"BATCHTEST","newStage":"DN2","reason":"SUP","remarks":"batch test"})")};
    }
}

// A reply as the caller reads it: code, words, and its data without srNo (a sequence number,
// different for the twin) as text.
std::string reply_text(const worker::OutMessage& m) {
    auto doc = json::parse(m.value);
    if (!doc) return "<not JSON>";
    std::string out = std::string(json::get_string(*doc, "appCode").value_or("")) + " " +
                      std::string(json::get_string(*doc, "message").value_or(""));
    if (auto* d = json::get_object(*doc, "data")) {
        json::Document data;
        data.CopyFrom(*d, data.GetAllocator());
        data.RemoveMember("srNo");
        out += " " + json::to_string(data);
    }
    return out;
}

// The replies on ocms.outcome by command id.
std::map<std::string, std::string> outcomes(const worker::BatchResult& r) {
    std::map<std::string, std::string> out;
    for (const auto& m : r.out) {
        if (m.topic != messages::kTopicOutcome) continue;
        auto doc = json::parse(m.value);
        if (doc) out[std::string(json::get_string(*doc, "commandId").value_or(""))] = reply_text(m);
    }
    return out;
}

// Everything the commands can have changed about a notice, without what differs between twins
// by construction (the notice number, creation times, sequence numbers, ids).
std::string state_of(const std::string& notice) {
    return text(
        "SELECT (SELECT (to_jsonb(v) - 'notice_no' - 'cre_date' - 'vehicle_no')::text FROM ocms_valid_offence_notice v "
        "WHERE notice_no = $1) || ' | ' || "
        "coalesce((SELECT (to_jsonb(e) - 'notice_no' - 'cre_date' - 'vehicle_no')::text FROM eocms_valid_offence_notice e "
        "WHERE notice_no = $1), '-') || ' | ' || "
        "coalesce((SELECT json_agg(to_jsonb(s) - 'notice_no' - 'sr_no' ORDER BY s.sr_no)::text FROM ocms_suspended_notice s "
        "WHERE notice_no = $1), '-') || ' | ' || "
        "coalesce((SELECT json_agg(to_jsonb(c) - 'notice_no' - 'change_id' ORDER BY c.change_id)::text "
        "FROM ocms_change_of_processing c WHERE notice_no = $1), '-')",
        {notice});
}

// The audit rows of the notice's commands, in the order of the commands given.
std::string audit_of(const std::vector<InMessage>& commands) {
    std::string out;
    for (const auto& c : commands) {
        auto doc = json::parse(c.value);
        const std::string id(json::get_string(*doc, "commandId").value_or(""));
        out += text("SELECT string_agg(outcome || ' ' || coalesce(app_code, '-') || ' ' || coalesce(message, '-') || ' ' "
                    "|| coalesce(changes::text, '-'), ' / ' ORDER BY audit_id) FROM ocms_command_audit "
                    "WHERE command_id = $1",
                    {id}) +
               "\n";
    }
    return out;
}

// Batches the fast path rolled back and ran again on the careful path.
std::uint64_t fallbacks(metrics::Registry& m) { return m.counter("ocms_worker_fast_path_fallbacks_total", "").value(); }

std::string id_of(const InMessage& m) {
    auto doc = json::parse(m.value);
    return std::string(json::get_string(*doc, "commandId").value_or(""));
}

TEST(BatchOrder, EveryThreeCommandSequenceOnOneNoticeInOneBatchIsTheCarefulPathOneAtATime) {
    metrics::Registry metrics;
    worker::Processor fast(schemas(), fixed_now, metrics, true);
    worker::Processor careful(schemas(), fixed_now, metrics, false);
    auto db = worker_db();

    const std::array<char, 3> kinds{'A', 'R', 'S'};
    struct Twin {
        std::string sequence, batch_notice, one_notice;
        std::vector<InMessage> batch_cmds, one_cmds;
    };
    std::vector<Twin> twins;
    std::vector<InMessage> batch;
    std::int64_t offset = 0;
    for (char a : kinds)
        for (char b : kinds)
            for (char c : kinds) {
                Twin t{std::string{a, b, c}, notice_at_dn1(), notice_at_dn1(), {}, {}};
                for (char k : t.sequence) {
                    t.batch_cmds.push_back(command(k, t.batch_notice, offset++));
                    t.one_cmds.push_back(command(k, t.one_notice, offset++));
                }
                twins.push_back(std::move(t));
            }
    // The batch: the sequences interleaved (as partitions' messages arrive mixed in a poll), each
    // notice's commands in their order.
    for (std::size_t k = 0; k < 3; ++k)
        for (const auto& t : twins) batch.push_back(t.batch_cmds[k]);
    auto fast_result = fast.process(*db, batch);
    ASSERT_TRUE(fast_result) << fast_result.error().message;
    EXPECT_EQ(fast_result->applied, int(batch.size()));
    ASSERT_EQ(fallbacks(metrics), 0u) << "the batch did not run set-based";
    auto fast_replies = outcomes(*fast_result);

    std::map<std::string, std::string> one_replies;
    for (const auto& t : twins)
        for (const auto& m : t.one_cmds) {
            auto r = careful.process(*db, {m});
            ASSERT_TRUE(r) << r.error().message;
            one_replies.merge(outcomes(*r));
        }

    int succeeded = 0;
    for (const auto& t : twins) {
        SCOPED_TRACE("sequence " + t.sequence);
        for (std::size_t k = 0; k < 3; ++k) {
            const std::string got = fast_replies[id_of(t.batch_cmds[k])];
            EXPECT_EQ(got, one_replies[id_of(t.one_cmds[k])]) << "command " << k + 1 << " (" << t.sequence[k] << ")";
            if (got.starts_with("OCMS-2000")) ++succeeded;
        }
        EXPECT_EQ(state_of(t.batch_notice), state_of(t.one_notice));
        EXPECT_EQ(audit_of(t.batch_cmds), audit_of(t.one_cmds));
    }
    // The sequences do things: most first commands succeed, and later ones see them (a revival
    // after an apply, an apply after a revival).
    EXPECT_GT(succeeded, 27);
}

// A trigger that makes every INSERT into ocms_suspended_notice for the notice fail (P0001).
class InsertFault {
public:
    explicit InsertFault(const std::string& notice) {
        for (char c : notice) name_ += char(std::tolower(static_cast<unsigned char>(c)));
        name_ = "batch_fault_" + name_;
        owner_exec("CREATE FUNCTION " + name_ + "() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
                   "RAISE EXCEPTION 'injected fault for %', NEW.notice_no; END $f$");
        owner_exec("CREATE TRIGGER " + name_ + " BEFORE INSERT ON ocms_suspended_notice FOR EACH ROW "
                   "WHEN (NEW.notice_no = '" + notice + "') EXECUTE FUNCTION " + name_ + "()");  // [A-Z0-9] only
    }
    ~InsertFault() {
        owner_exec("DROP TRIGGER IF EXISTS " + name_ + " ON ocms_suspended_notice");
        owner_exec("DROP FUNCTION IF EXISTS " + name_ + "()");
    }
    InsertFault(const InsertFault&) = delete;
    InsertFault& operator=(const InsertFault&) = delete;

private:
    std::string name_;
};

TEST(BatchOrder, AFailingWriteParksOnlyItsCommandAndTheRestOfTheBatchCommits) {
    metrics::Registry metrics;
    worker::Processor fast(schemas(), fixed_now, metrics, true);
    auto db = worker_db();
    auto notices = make_notices(6, "RD1");
    std::vector<InMessage> batch;
    for (std::size_t i = 0; i < notices.size(); ++i) batch.push_back(command('A', notices[i], std::int64_t(i)));
    InsertFault fault(notices[2]);
    auto r = fast.process(*db, batch);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(fallbacks(metrics), 1u);
    EXPECT_EQ(r->parked, 1);
    EXPECT_EQ(r->applied, 5);
    for (std::size_t i = 0; i < notices.size(); ++i) {
        SCOPED_TRACE(notices[i]);
        EXPECT_EQ(text("SELECT coalesce(suspension_type, '-') FROM ocms_valid_offence_notice WHERE notice_no = $1",
                       {notices[i]}),
                  i == 2 ? "-" : "TS");
        EXPECT_EQ(text("SELECT count(*)::text FROM ocms_parked_notice WHERE notice_no = $1", {notices[i]}),
                  i == 2 ? "1" : "0");
    }
    // Support's work, not this test's: the parked notice leaves no trace for later tests.
    owner_exec("DELETE FROM ocms_parked_command WHERE notice_no = $1", {notices[2]});
    owner_exec("DELETE FROM ocms_parked_notice WHERE notice_no = $1", {notices[2]});
}

TEST(BatchOrder, ABatchDeliveredAgainIsAnsweredFromTheInboxAndChangesNoRow) {
    metrics::Registry metrics;
    worker::Processor fast(schemas(), fixed_now, metrics, true);
    auto db = worker_db();
    std::vector<std::string> notices;
    for (int i = 0; i < 4; ++i) notices.push_back(notice_at_dn1());
    std::vector<InMessage> batch;
    std::int64_t offset = 0;
    for (const auto& n : notices)
        for (char k : std::string("ASR")) batch.push_back(command(k, n, offset++));
    auto first = fast.process(*db, batch);
    ASSERT_TRUE(first) << first.error().message;
    std::vector<std::string> before;
    for (const auto& n : notices) before.push_back(state_of(n));
    auto again = fast.process(*db, batch);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->from_inbox, int(batch.size()));
    EXPECT_EQ(again->applied, 0);
    EXPECT_EQ(fallbacks(metrics), 0u);
    for (std::size_t i = 0; i < notices.size(); ++i) EXPECT_EQ(state_of(notices[i]), before[i]);
    EXPECT_EQ(outcomes(*first).size(), outcomes(*again).size());
}

}  // namespace
}  // namespace ocms::test
