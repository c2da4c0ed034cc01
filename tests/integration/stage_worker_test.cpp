// stage.change commands (OCMS 15, spec 003) published straight to ocms.cmd.stage, as the edge
// and other OCMS systems do, against the real broker, worker and database: the VON update mapping
// of spec 003 section 4, the audit row, refusals that change nothing, the same-day warning, PLUS,
// the Toppan run's automatic / manual split, and redelivery (inbox).
#include "support.hpp"

#include "core/ids.hpp"
#include "domain/stage.hpp"
#include "messages/messages.hpp"
#include "stage_store/stage_store.hpp"

#include <gtest/gtest.h>

namespace ocms::test {
namespace {

using namespace std::chrono_literals;

long long count(const std::string& sql, const pg::Params& params = {}) {
    auto db = readonly_db();
    return scalar(*db, sql, params);
}

// The notice's VON, internet copy and audit rows as one text: unchanged by a refusal.
std::string state_of(const std::string& notice) {
    return text("SELECT (SELECT row_to_json(v)::text FROM ocms_valid_offence_notice v WHERE notice_no = $1) || ' | ' || "
                "coalesce((SELECT row_to_json(e)::text FROM eocms_valid_offence_notice e WHERE notice_no = $1), '-') || "
                "' | ' || coalesce((SELECT json_agg(c ORDER BY change_id)::text FROM ocms_change_of_processing c "
                "WHERE notice_no = $1), '-')",
                {notice});
}

// The stage date every fixture starts from, far from today so the same-day rule never sees it.
const std::string kFixtureDate = "2025-12-01T10:00:00+08:00";

// A fresh notice at `stage` with a 70.00 composition amount and one current offender of `role`.
std::string notice_at(const std::string& stage, const std::string& role = "D") {
    auto n = make_notices(1, stage)[0];
    owner_exec("UPDATE ocms_valid_offence_notice SET composition_amount = 70.00, last_processing_date = $2::timestamptz "
               "WHERE notice_no = $1",
               {n, kFixtureDate});
    owner_exec("INSERT INTO ocms_offence_notice_owner_driver (notice_no, owner_driver_indicator, offender_indicator, "
               "id_type, id_no, name, cre_user_id) VALUES ($1, $2, 'Y', 'N', 'S1234567A', 'John Doe', 'test')",
               {n, role});
    return n;
}

struct Outcome {
    std::string app_code, message;
    bool from_inbox = false;
    json::Document data;
    std::string raw;
    std::string field(const char* k) const { return std::string(json::get_string(data, k).value_or("<none>")); }
};

std::string envelope(const std::string& id, const std::string& payload) {
    return R"({"commandId":")" + id +
           R"(","type":"stage.change","schemaVersion":1,"issuedAt":"2026-01-10T09:00:00+08:00",)"
           R"("source":"OCMS_FE","officer":"JOHNLEE","payload":)" +
           payload + "}";
}

// {"noticeNo":..,"mode":..,"source":..,"officer":.., <extra>}
std::string payload(const std::string& notice, const std::string& mode, const std::string& source,
                    const std::string& extra = "", const std::string& officer = "JOHNLEE") {
    return R"({"noticeNo":")" + notice + R"(","mode":")" + mode + R"(","source":")" + source + R"(","officer":")" +
           officer + "\"" + (extra.empty() ? "" : "," + extra) + "}";
}

// Publishes the command (key = notice) `times` times with one command id and returns the
// outcomes of that id, in the order they appeared.
std::vector<Outcome> publish(const std::string& notice, const std::string& body, int times = 1,
                             std::string id = new_uuid()) {
    auto from = high_watermarks(messages::kTopicOutcome);
    for (int i = 0; i < times; ++i) {
        if (kcat_publish(messages::kTopicStage, notice, envelope(id, body)) != 0)
            throw std::runtime_error("kcat failed for " + notice);
    }
    std::vector<Outcome> out;
    scan_topic(
        messages::kTopicOutcome, from,
        [&](const kafka::Message& m) {
            auto doc = json::parse(m.value());
            if (!doc || json::get_string(*doc, "commandId").value_or("") != id) return false;
            Outcome o;
            o.app_code = std::string(json::get_string(*doc, "appCode").value_or(""));
            o.message = std::string(json::get_string(*doc, "message").value_or(""));
            o.from_inbox = json::get_bool(*doc, "fromInbox").value_or(false);
            o.raw = std::string(m.value());
            if (const auto* d = json::get_object(*doc, "data")) o.data.CopyFrom(*d, o.data.GetAllocator());
            else o.data.SetObject();
            out.push_back(std::move(o));
            return int(out.size()) == times;
        },
        60s);
    return out;
}

Outcome publish_one(const std::string& notice, const std::string& body) {
    auto out = publish(notice, body);
    if (out.size() != 1) throw std::runtime_error("no outcome for a stage.change of " + notice);
    return std::move(out.front());
}

// ---- staff portal submit ------------------------------------------------------------------------

TEST(StageWorker, SubmitMovesTheNoticeWithTheVonMappingAndAnAuditRow) {
    auto n = notice_at("DN1");
    auto o = publish_one(n, payload(n, "submit", "OCMS",
                                    R"("newStage":"DN2","reason":"SUP","remarks":"Verified by AO","dhMhaCheck":true)"));
    EXPECT_EQ(o.app_code, "OCMS-2000") << o.raw;
    EXPECT_EQ(o.message, "Stage changed successfully");
    EXPECT_EQ(o.field("code"), "OCMS-2000");
    EXPECT_EQ(o.field("outcome"), "UPDATED");
    EXPECT_FALSE(o.data.HasMember("httpStatus"));  // the edge maps the code
    EXPECT_EQ(domain::stage_http_status(o.field("code")), 200);
    EXPECT_EQ(o.field("previousStage"), "DN1");
    EXPECT_EQ(o.field("newStage"), "DN2");

    // Spec 003 section 4: prev <- old last (stage and date), last <- DN2 at the change's time,
    // next <- NEXT_STAGE DN2 = DR3 at + STAGEDAYS DN2 = 28 days, amount = 70.00 + 30.00.
    EXPECT_EQ(count("SELECT count(*) FROM ocms_valid_offence_notice v JOIN ocms_change_of_processing c USING (notice_no) "
                    "WHERE v.notice_no = $1 AND v.prev_processing_stage = 'DN1' "
                    "AND v.prev_processing_date = $2::timestamptz AND v.last_processing_stage = 'DN2' "
                    "AND v.last_processing_date = c.date_of_change AND v.next_processing_stage = 'DR3' "
                    "AND v.next_processing_date = v.last_processing_date + interval '28 days' "
                    "AND v.amount_payable = 100.00 AND v.is_sync = 'N' AND v.upd_user_id = 'JOHNLEE' "
                    "AND v.upd_date = c.date_of_change",
                    {n, kFixtureDate}),
              1)
        << state_of(n);
    EXPECT_EQ(count("SELECT count(*) FROM eocms_valid_offence_notice e JOIN ocms_valid_offence_notice v USING (notice_no) "
                    "WHERE e.notice_no = $1 AND e.last_processing_stage = 'DN2' "
                    "AND e.last_processing_date = v.last_processing_date AND e.next_processing_stage = 'DR3' "
                    "AND e.next_processing_date = v.next_processing_date AND e.amount_payable = 100.00",
                    {n}),
              1)
        << state_of(n);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_change_of_processing WHERE notice_no = $1 AND source = 'OCMS' "
                    "AND last_processing_stage = 'DN1' AND new_processing_stage = 'DN2' AND reason_of_change = 'SUP' "
                    "AND remarks = 'Verified by AO' AND authorised_officer = 'JOHNLEE' AND dh_mha_check "
                    "AND toppan_processed_date IS NULL AND cre_user_id = 'JOHNLEE' "
                    "AND date_of_change > now() - interval '5 minutes'",
                    {n}),
              1)
        << state_of(n);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_change_of_processing WHERE notice_no = $1", {n}), 1);
}

TEST(StageWorker, SubmitWithoutNewStageTakesTheStageMapsDefault) {
    auto n = notice_at("RD1", "O");  // owner track: RD1 -> RD2 (+30.00), then RR3
    auto o = publish_one(n, payload(n, "submit", "OCMS"));
    EXPECT_EQ(o.app_code, "OCMS-2000") << o.raw;
    EXPECT_EQ(o.field("newStage"), "RD2");
    EXPECT_EQ(count("SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no = $1 AND prev_processing_stage = 'RD1' "
                    "AND last_processing_stage = 'RD2' AND next_processing_stage = 'RR3' "
                    "AND next_processing_date = last_processing_date + interval '28 days' AND amount_payable = 100.00",
                    {n}),
              1)
        << state_of(n);
}

TEST(StageWorker, RefusalsChangeNothing) {
    struct Case {
        std::string stage, role, extra, app_code, code, outcome;
        int http;
    };
    const std::vector<Case> cases{
        {"CRT", "D", R"("newStage":"DN2")", "OCMS-4002", "OCMS.CPS.ELIG.COURT_STAGE", "FAILED", 422},
        {"DN1", "D", R"("newStage":"CFC")", "OCMS-4000", "OCMS-4000", "FAILED", 422},
        {"DN1", "O", R"("newStage":"DN2")", "OCMS-4002", "OCMS.CPS.ELIG.INELIGIBLE_STAGE", "FAILED", 422},
        {"DN1", "D", R"("newStage":"DN2","reason":"OTH")", "OCMS-4000", "OCMS.CPS.REMARKS_REQUIRED", "FAILED", 422},
        {"DN1", "D", R"("newStage":"DN2","offenderType":"OWNER")", "OCMS-4002", "OCMS.CPS.ELIG.ROLE_CONFLICT", "FAILED",
         422},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.stage + " " + c.extra);
        auto n = notice_at(c.stage, c.role);
        const auto before = state_of(n);
        auto o = publish_one(n, payload(n, "submit", "OCMS", c.extra));
        EXPECT_EQ(o.app_code, c.app_code) << o.raw;
        EXPECT_EQ(o.field("code"), c.code) << o.raw;
        EXPECT_EQ(o.field("outcome"), c.outcome);
        EXPECT_FALSE(o.data.HasMember("httpStatus"));  // the edge maps the code
        EXPECT_EQ(domain::stage_http_status(o.field("code")), c.http);
        EXPECT_EQ(state_of(n), before);
    }
    // A notice that does not exist: 404's code, no stages.
    auto o = publish_one("ZZ00000000", payload("ZZ00000000", "submit", "OCMS", R"("newStage":"DN2")"));
    EXPECT_EQ(o.app_code, "OCMS-4001") << o.raw;
    EXPECT_EQ(o.field("code"), "OCMS.CPS.NOT_FOUND");
    EXPECT_FALSE(o.data.HasMember("httpStatus"));  // the edge maps the code
    EXPECT_EQ(domain::stage_http_status(o.field("code")), 404);
    EXPECT_FALSE(o.data.HasMember("previousStage"));
}

TEST(StageWorker, ASecondChangeTheSameDayIsAWarningUntilConfirmed) {
    auto n = notice_at("DN1");
    ASSERT_EQ(publish_one(n, payload(n, "submit", "OCMS", R"("newStage":"DN2")")).app_code, "OCMS-2000");
    const auto after_first = state_of(n);

    auto warn = publish_one(n, payload(n, "submit", "OCMS", R"("newStage":"DR3")"));
    EXPECT_EQ(warn.app_code, "OCMS-4002") << warn.raw;
    EXPECT_EQ(warn.field("code"), "OCMS.CPS.ELIG.EXISTING_CHANGE_TODAY");
    EXPECT_EQ(warn.field("outcome"), "WARNING");
    EXPECT_FALSE(warn.data.HasMember("httpStatus"));  // the edge maps the code
    EXPECT_EQ(domain::stage_http_status(warn.field("code")), 200);
    EXPECT_EQ(warn.message, "Notice No. " + n + " has existing stage change update. Please confirm to proceed.");
    EXPECT_EQ(state_of(n), after_first);

    auto confirmed = publish_one(n, payload(n, "submit", "OCMS", R"("newStage":"DR3","isConfirmation":true)"));
    EXPECT_EQ(confirmed.app_code, "OCMS-2000") << confirmed.raw;
    EXPECT_EQ(confirmed.field("previousStage"), "DN2");
    EXPECT_EQ(count("SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no = $1 AND prev_processing_stage = 'DN2' "
                    "AND last_processing_stage = 'DR3' AND next_processing_stage = 'CPC' AND amount_payable = 130.00",
                    {n}),
              1)
        << state_of(n);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_change_of_processing WHERE notice_no = $1", {n}), 2);
}

// ---- PLUS ---------------------------------------------------------------------------------------

TEST(StageWorker, PlusChangeIsAuditedAsPlusAndDatedByPlus) {
    auto n = notice_at("DN1");
    auto o = publish_one(n, payload(n, "plus", "PLUS",
                                    R"("currentStage":"DN1","newStage":"DN2","offenderType":"D",)"
                                    R"("newStageDate":"2025-09-30T06:58:42")",
                                    "PLUS"));
    EXPECT_EQ(o.app_code, "OCMS-2000") << o.raw;
    EXPECT_EQ(count("SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no = $1 AND last_processing_stage = 'DN2' "
                    "AND last_processing_date = '2025-09-30T06:58:42+08:00' AND prev_processing_stage = 'DN1' "
                    "AND prev_processing_date = $2::timestamptz "
                    "AND next_processing_date = '2025-10-28T06:58:42+08:00' AND amount_payable = 100.00",
                    {n, kFixtureDate}),
              1)
        << state_of(n);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_change_of_processing WHERE notice_no = $1 AND source = 'PLUS' "
                    "AND authorised_officer = 'PLUS' AND date_of_change > now() - interval '5 minutes'",
                    {n}),
              1)
        << state_of(n);

    // A second PLUS change the same day is not asked to confirm; a stale lastStageName is refused.
    auto stale = publish_one(n, payload(n, "plus", "PLUS", R"("currentStage":"DN1","newStage":"DR3","offenderType":"D")"));
    EXPECT_EQ(stale.field("code"), "OCMS.CPS.ELIG.STAGE_MISMATCH") << stale.raw;
    auto again = publish_one(n, payload(n, "plus", "PLUS", R"("currentStage":"DN2","newStage":"DR3","offenderType":"D")"));
    EXPECT_EQ(again.app_code, "OCMS-2000") << again.raw;

    // CFC is not PLUS's to set (OCMS-4004), whatever the notice.
    auto cpc = notice_at("CPC");
    const auto before = state_of(cpc);
    auto cfc = publish_one(cpc, payload(cpc, "plus", "PLUS", R"("currentStage":"CPC","newStage":"CFC")"));
    EXPECT_EQ(cfc.app_code, "OCMS-4004") << cfc.raw;
    EXPECT_EQ(cfc.field("code"), "OCMS-4004");
    EXPECT_EQ(cfc.message, "CFC not allowed from PLUS");
    EXPECT_EQ(state_of(cpc), before);
}

// ---- Toppan -------------------------------------------------------------------------------------

TEST(StageWorker, ToppanRunOfThreeDn1NoticesTwoAutomaticOneManual) {
    const std::string processing = "2025-12-19T00:30:00";
    const std::string processing_tz = processing + "+08:00";
    std::vector<std::string> ns{notice_at("DN1"), notice_at("DN1"), notice_at("DN1")};
    // The officer moved the third one already; Toppan prints its letter in this run.
    ASSERT_EQ(publish_one(ns[2], payload(ns[2], "submit", "OCMS", R"("newStage":"DN2")")).app_code, "OCMS-2000");

    int automatic = 0, manual = 0;
    for (const auto& n : ns) {
        auto o = publish_one(n, payload(n, "toppan", "SYSTEM",
                                        R"("currentStage":"DN1","processingDate":")" + processing + "\"", "SYSTEM"));
        EXPECT_EQ(o.app_code, "OCMS-2000") << o.raw;
        EXPECT_EQ(o.field("previousStage"), "DN1") << o.raw;
        EXPECT_EQ(o.field("newStage"), "DN2") << o.raw;
        automatic += o.field("toppan") == "automatic";
        manual += o.field("toppan") == "manual";
    }
    EXPECT_EQ(automatic, 2);
    EXPECT_EQ(manual, 1);

    for (int i = 0; i < 2; ++i) {
        SCOPED_TRACE(ns[std::size_t(i)]);
        // Automatic: moved to the default next stage with its amount, dated by the letter.
        EXPECT_EQ(count("SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no = $1 "
                        "AND prev_processing_stage = 'DN1' AND prev_processing_date = $3::timestamptz "
                        "AND last_processing_stage = 'DN2' AND last_processing_date = $2::timestamptz "
                        "AND next_processing_stage = 'DR3' AND next_processing_date = $2::timestamptz + interval '28 days' "
                        "AND amount_payable = 100.00",
                        {ns[std::size_t(i)], processing_tz, kFixtureDate}),
                  1)
            << state_of(ns[std::size_t(i)]);
        EXPECT_EQ(count("SELECT count(*) FROM ocms_change_of_processing WHERE notice_no = $1 AND source = 'SYSTEM' "
                        "AND authorised_officer = 'SYSTEM' AND last_processing_stage = 'DN1' "
                        "AND new_processing_stage = 'DN2' AND toppan_processed_date = $2::timestamptz",
                        {ns[std::size_t(i)], processing_tz}),
                  1)
            << state_of(ns[std::size_t(i)]);
    }
    // Manual: stage, previous stage and amount as the officer left them; the letter dates the
    // stage; the officer's change is marked printed; no new audit row.
    EXPECT_EQ(count("SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no = $1 "
                    "AND prev_processing_stage = 'DN1' AND last_processing_stage = 'DN2' "
                    "AND last_processing_date = $2::timestamptz AND next_processing_stage = 'DR3' "
                    "AND next_processing_date = $2::timestamptz + interval '28 days' AND amount_payable = 100.00",
                    {ns[2], processing_tz}),
              1)
        << state_of(ns[2]);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_change_of_processing WHERE notice_no = $1", {ns[2]}), 1);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_change_of_processing WHERE notice_no = $1 AND source = 'OCMS' "
                    "AND toppan_processed_date = $2::timestamptz",
                    {ns[2], processing_tz}),
              1)
        << state_of(ns[2]);

    // The same run again: every notice is at DN2 now, nothing pending: skipped, nothing changes.
    for (const auto& n : ns) {
        const auto before = state_of(n);
        auto o = publish_one(n, payload(n, "toppan", "SYSTEM",
                                        R"("currentStage":"DN1","processingDate":")" + processing + "\"", "SYSTEM"));
        EXPECT_EQ(o.app_code, "OCMS-4002") << o.raw;
        EXPECT_EQ(o.field("toppan"), "skipped");
        EXPECT_EQ(o.field("skip"), "stage_mismatch");
        EXPECT_EQ(state_of(n), before);
    }
}

TEST(StageWorker, ToppanRequestFaults) {
    auto n = notice_at("DN1");
    const auto before = state_of(n);
    auto o = publish_one(n, payload(n, "toppan", "SYSTEM", R"("currentStage":"DN1")", "SYSTEM"));
    EXPECT_EQ(o.app_code, "OCMS-4000") << o.raw;
    EXPECT_EQ(o.field("code"), "OCMS.CPS.MISSING_DATA");
    EXPECT_FALSE(o.data.HasMember("httpStatus"));  // the edge maps the code
    EXPECT_EQ(domain::stage_http_status(o.field("code")), 400);
    EXPECT_EQ(state_of(n), before);

    auto missing = publish_one("ZZ00000001", payload("ZZ00000001", "toppan", "SYSTEM",
                                                     R"("currentStage":"DN1","processingDate":"2025-12-19T00:30:00")"));
    EXPECT_EQ(missing.app_code, "OCMS-4001") << missing.raw;
    EXPECT_EQ(missing.field("skip"), "not_found");
}

// ---- redelivery ---------------------------------------------------------------------------------

TEST(StageWorker, ARedeliveredCommandIsAppliedOnce) {
    auto n = notice_at("DN1");
    // No newStage and confirmed: applied twice it would go on to DR3 with a second audit row.
    auto outs = publish(n, payload(n, "submit", "OCMS", R"("isConfirmation":true)"), 2);
    ASSERT_EQ(outs.size(), 2u);
    EXPECT_EQ(outs[0].app_code, "OCMS-2000") << outs[0].raw;
    EXPECT_FALSE(outs[0].from_inbox);
    EXPECT_EQ(outs[1].app_code, "OCMS-2000") << outs[1].raw;
    EXPECT_TRUE(outs[1].from_inbox);
    EXPECT_EQ(outs[1].field("newStage"), "DN2");
    EXPECT_EQ(text("SELECT last_processing_stage FROM ocms_valid_offence_notice WHERE notice_no = $1", {n}), "DN2");
    EXPECT_EQ(count("SELECT count(*) FROM ocms_change_of_processing WHERE notice_no = $1", {n}), 1);
}

TEST(StageWorker, ASchemaInvalidCommandIsDeadLettered) {
    auto n = notice_at("DN1");
    const auto before = state_of(n);
    auto from = high_watermarks(messages::kTopicDlq);
    const std::string id = new_uuid();
    ASSERT_EQ(kcat_publish(messages::kTopicStage, n, envelope(id, payload(n, "submit", "OCMS", R"("newStage":"dn2")"))),
              0);
    bool found = scan_topic(
        messages::kTopicDlq, from,
        [&](const kafka::Message& m) {
            auto doc = json::parse(m.value());
            return doc && json::get_string(*doc, "commandId").value_or("") == id &&
                   json::get_string(*doc, "reason").value_or("") == "schema";
        },
        60s);
    EXPECT_TRUE(found);
    EXPECT_EQ(state_of(n), before);
}

// ---- stage_store's reads (the edge's search and validate use them read-only) --------------------

TEST(StageStore, ReferenceDataIsTheSeeds) {
    auto db = readonly_db();
    auto ref = stage_store::load_reference(*db);
    ASSERT_TRUE(ref.has_value()) << ref.error().message;
    ASSERT_NE(ref->stage(Stage{"CFC"}), nullptr);
    EXPECT_FALSE(ref->stage(Stage{"CFC"})->plus_may_target);
    ASSERT_NE(ref->stage(Stage{"CRT"}), nullptr);
    EXPECT_TRUE(ref->stage(Stage{"CRT"})->court);
    EXPECT_EQ(ref->default_next(Stage{"DN1"}), Stage{"DN2"});
    EXPECT_EQ(ref->default_next(Stage{"RR3"}), Stage{"CPC"});
    ASSERT_NE(ref->transition(Stage{"RD1"}, Stage{"RD2"}), nullptr);
    EXPECT_EQ(ref->transition(Stage{"RD1"}, Stage{"RD2"})->admin_fee_cents, 3000);
    EXPECT_TRUE(ref->role_allows(domain::OffenderRole::driver, Stage{"DN2"}));
    EXPECT_FALSE(ref->role_allows(domain::OffenderRole::owner, Stage{"DN2"}));
    EXPECT_EQ(ref->next_stage_parameter(Stage{"DN2"}), Stage{"DR3"});
    EXPECT_EQ(ref->stage_days(Stage{"DN1"}), 28);
}

TEST(StageStore, LoadNoticeReadsTheVonItsOffendersAndItsLatestChange) {
    auto n = notice_at("DN1");
    owner_exec("INSERT INTO ocms_offence_notice_owner_driver (notice_no, owner_driver_indicator, offender_indicator, "
               "entity_type, cre_user_id) VALUES ($1, 'O', 'N', 'COMPANY', 'test')",
               {n});
    ASSERT_EQ(publish_one(n, payload(n, "submit", "OCMS", R"("newStage":"DN2")")).app_code, "OCMS-2000");
    ASSERT_EQ(publish_one(n, payload(n, "submit", "OCMS", R"("newStage":"DR3","isConfirmation":true)")).app_code,
              "OCMS-2000");

    auto db = readonly_db();
    auto got = stage_store::load_notice(*db, NoticeNo(n), stage_store::Lock::none);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    ASSERT_TRUE(got->has_value());
    const auto& s = **got;
    EXPECT_EQ(s.notice_no.value(), n);
    EXPECT_EQ(s.last_processing_stage, Stage{"DR3"});
    EXPECT_EQ(s.prev_processing_stage, Stage{"DN2"});
    EXPECT_EQ(s.next_processing_stage, Stage{"CPC"});
    ASSERT_TRUE(s.last_processing_date && s.next_processing_date);
    EXPECT_EQ(*s.next_processing_date - *s.last_processing_date, std::chrono::days{28});
    EXPECT_EQ(s.amount_payable_cents, 13000);
    EXPECT_EQ(s.composition_amount_cents, 7000);
    EXPECT_FALSE(s.suspension_type);
    ASSERT_EQ(s.offenders.size(), 2u);
    EXPECT_EQ(s.offenders[0].owner_driver_indicator, "D");  // ordered by indicator
    EXPECT_TRUE(s.offenders[0].current_offender);
    EXPECT_EQ(s.offenders[1].owner_driver_indicator, "O");
    EXPECT_FALSE(s.offenders[1].current_offender);
    EXPECT_EQ(s.offenders[1].entity_type, "COMPANY");
    ASSERT_TRUE(s.latest_change);
    EXPECT_EQ(s.latest_change->last_processing_stage, Stage{"DN2"});
    EXPECT_EQ(s.latest_change->new_processing_stage, Stage{"DR3"});
    EXPECT_EQ(s.latest_change->source, "OCMS");
    EXPECT_FALSE(s.latest_change->toppan_processed_date);
    EXPECT_EQ(domain::current_offender_role(s.offenders), domain::OffenderRole::driver);

    auto none = stage_store::load_notice(*db, NoticeNo("ZZ00000002"), stage_store::Lock::none);
    ASSERT_TRUE(none.has_value());
    EXPECT_FALSE(none->has_value());
}

TEST(StageStore, SearchAndsTheCriteriaAndUsesTheSingaporeDay) {
    auto a = notice_at("DN1");
    auto b = notice_at("DN2");
    const std::string id = "S" + a;  // unique to this run
    const std::string vehicle = "SV" + a.substr(1, 8);
    // b: the same offender and vehicle; its stage date is 00:30 in Singapore on 2 Dec (1 Dec in UTC).
    owner_exec("UPDATE ocms_offence_notice_owner_driver SET id_no = $2 WHERE notice_no IN ($1, $3)", {a, id, b});
    owner_exec("UPDATE ocms_valid_offence_notice SET vehicle_no = $2 WHERE notice_no IN ($1, $3)", {a, vehicle, b});
    owner_exec("UPDATE ocms_valid_offence_notice SET last_processing_date = '2025-12-02T00:30:00+08:00', "
               "suspension_type = 'TS' WHERE notice_no = $1",
               {b});
    owner_exec("INSERT INTO ocms_suspended_notice (notice_no, suspension_source, suspension_type, reason_of_suspension, "
               "officer_authorising_suspension, date_of_suspension, cre_user_id) "
               "VALUES ($1, 'OCMS', 'TS', 'ACR', 'JOHNLEE', now(), 'test')",
               {b});
    owner_exec("INSERT INTO ocms_offence_notice_detail (notice_no, offence_date_time, offence_type, cre_user_id) "
               "VALUES ($1, '2025-12-01T10:30:00+08:00', 'SP', 'test')",
               {a});
    // A second ONOD row on a, not the current offender, first by indicator: the answer shows the 'Y' one.
    owner_exec("INSERT INTO ocms_offence_notice_owner_driver (notice_no, owner_driver_indicator, offender_indicator, "
               "id_no, name, cre_user_id) VALUES ($1, 'DIR', 'N', 'T0000000X', 'Director', 'test')",
               {a});

    auto db = readonly_db();
    auto find = [&](stage_store::SearchCriteria c, int limit = 10) {
        auto r = stage_store::search(*db, c, limit);
        if (!r) throw std::runtime_error("search failed: " + r.error().message);
        std::vector<std::string> out;
        for (const auto& row : *r) out.push_back(row.notice.notice_no.value());
        return out;
    };
    using V = std::vector<std::string>;
    const V both = a < b ? V{a, b} : V{b, a};  // ordered by notice_no
    stage_store::SearchCriteria by_id;
    by_id.id_no = id;
    EXPECT_EQ(find(by_id), both);
    EXPECT_EQ(find(by_id, 1), V{both.front()});
    stage_store::SearchCriteria by_vehicle;
    by_vehicle.vehicle_no = vehicle;
    EXPECT_EQ(find(by_vehicle), both);
    auto id_and_stage = by_id;
    id_and_stage.current_stage = "DN2";
    EXPECT_EQ(find(id_and_stage), (V{b}));
    id_and_stage.notice_no = a;
    EXPECT_EQ(find(id_and_stage), V{});
    auto by_day = by_id;
    by_day.stage_date = "2025-12-02";
    EXPECT_EQ(find(by_day), (V{b}));
    by_day.stage_date = "2025-12-01";
    EXPECT_EQ(find(by_day), (V{a}));  // a's fixture date is 2025-12-01T10:00 Singapore
    EXPECT_EQ(find(stage_store::SearchCriteria{}), V{});

    stage_store::SearchCriteria one;
    one.notice_no = a;
    auto rows = stage_store::search(*db, one, 10);
    ASSERT_TRUE(rows.has_value());
    ASSERT_EQ(rows->size(), 1u);
    const auto& r = rows->front();
    EXPECT_EQ(r.vehicle_no, vehicle);
    EXPECT_EQ(r.offence_type, "SP");
    EXPECT_EQ(r.offence_date_time, parse_iso("2025-12-01T10:30:00"));
    EXPECT_EQ(r.offender_name, "John Doe");
    EXPECT_EQ(r.offender_id, id);
    EXPECT_EQ(r.owner_driver_indicator, "D");
    EXPECT_FALSE(r.entity_type);
    EXPECT_FALSE(r.suspension_status);
    EXPECT_EQ(r.notice.offenders.size(), 2u);

    one.notice_no = b;
    rows = stage_store::search(*db, one, 10);
    ASSERT_TRUE(rows.has_value());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(rows->front().notice.suspension_type, "TS");
    EXPECT_EQ(rows->front().suspension_status, "ACR");
    EXPECT_FALSE(rows->front().offence_type);
}

}  // namespace
}  // namespace ocms::test
