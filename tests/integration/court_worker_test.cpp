// court.update commands (spec 001 1.3, one record of CAS's updateCourtNotices) published straight
// to ocms.cmd.court, as the edge does, against the real broker, worker and database: every field
// applied to VON, its internet copy and the detail row; absent fields unchanged; null clears;
// refusals (field rules, unknown notice, unknown stage) answered OCMS-4022 and changing nothing;
// a redelivered command applied once; a payload of the wrong shape dead-lettered.
#include "support.hpp"

#include "core/ids.hpp"
#include "messages/messages.hpp"

#include <gtest/gtest.h>

namespace ocms::test {
namespace {

using namespace std::chrono_literals;

long long count(const std::string& sql, const pg::Params& params = {}) {
    auto db = readonly_db();
    return scalar(*db, sql, params);
}

// The notice's VON, internet copy and detail row as one text: unchanged by a refusal.
std::string state_of(const std::string& notice) {
    return text("SELECT (SELECT row_to_json(v)::text FROM ocms_valid_offence_notice v WHERE notice_no = $1) || ' | ' || "
                "coalesce((SELECT row_to_json(e)::text FROM eocms_valid_offence_notice e WHERE notice_no = $1), '-') || "
                "' | ' || coalesce((SELECT row_to_json(d)::text FROM ocms_offence_notice_detail d WHERE notice_no = $1), "
                "'-')",
                {notice});
}

// A fresh notice at CFC (last stage before court) with every court field set, in VON and the
// internet copy, is_sync 'Y' (so the update's 'N' shows); with a detail row when asked.
std::string court_notice(bool with_detail = false) {
    auto n = make_notices(1, "CFC")[0];
    owner_exec("UPDATE ocms_valid_offence_notice SET suspension_type = 'PS', atoms_flag = 'OLD', "
               "last_processing_date = '2025-12-01T10:00:00+08:00', next_processing_stage = 'CPC', amount_payable = 70.00, "
               "payment_allowance_flag = 'N', epr_reason_of_suspension = 'ABC', is_sync = 'Y', upd_user_id = 'fixture' "
               "WHERE notice_no = $1",
               {n});
    owner_exec("UPDATE eocms_valid_offence_notice SET suspension_type = 'PS', last_processing_date = "
               "'2025-12-01T10:00:00+08:00', next_processing_stage = 'CPC', payment_allowance_flag = 'N', "
               "epr_reason_of_suspension = 'ABC', upd_user_id = 'fixture' WHERE notice_no = $1",
               {n});
    if (with_detail)
        owner_exec("INSERT INTO ocms_offence_notice_detail (notice_no, offence_type, place_of_offence, last_eburar_update, "
                   "cre_user_id) VALUES ($1, 'SP', 'Orchard Road', 'OLD-EBURAR', 'fixture')",
                   {n});
    return n;
}

struct Outcome {
    std::string app_code, message, notice_no;
    bool from_inbox = false;
    json::Document data;
    std::string raw;
    // The data's "updatedFields", or the "field" of each of its "errors".
    std::vector<std::string> list(const char* key, const char* member = nullptr) const {
        std::vector<std::string> out;
        if (const auto* a = json::get_array(data, key))
            for (const auto& v : a->GetArray()) {
                if (member) out.emplace_back(json::get_string(v, member).value_or("<none>"));
                else if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
            }
        return out;
    }
};
using Strings = std::vector<std::string>;

std::string envelope(const std::string& id, const std::string& payload) {
    return R"({"commandId":")" + id +
           R"(","type":"court.update","schemaVersion":1,"issuedAt":"2026-01-10T09:00:00+08:00",)"
           R"("source":"CAS","officer":"CAS","payload":)" +
           payload + "}";
}

// {"notice_no": notice, <fields>}
std::string record(const std::string& notice, const std::string& fields = "") {
    return R"({"notice_no":")" + notice + "\"" + (fields.empty() ? "" : "," + fields) + "}";
}

// Publishes the command (key = notice) with the given id and returns its outcome.
Outcome publish(const std::string& notice, const std::string& payload, const std::string& id = new_uuid()) {
    auto from = high_watermarks(messages::kTopicOutcome);
    if (kcat_publish(messages::kTopicCourt, notice, envelope(id, payload)) != 0)
        throw std::runtime_error("kcat failed for " + notice);
    std::optional<Outcome> out;
    scan_topic(
        messages::kTopicOutcome, from,
        [&](const kafka::Message& m) {
            auto doc = json::parse(m.value());
            if (!doc || json::get_string(*doc, "commandId").value_or("") != id) return false;
            Outcome o;
            o.app_code = std::string(json::get_string(*doc, "appCode").value_or(""));
            o.message = std::string(json::get_string(*doc, "message").value_or(""));
            o.notice_no = std::string(json::get_string(*doc, "noticeNo").value_or(""));
            o.from_inbox = json::get_bool(*doc, "fromInbox").value_or(false);
            o.raw = std::string(m.value());
            if (const auto* d = json::get_object(*doc, "data")) o.data.CopyFrom(*d, o.data.GetAllocator());
            else o.data.SetObject();
            out = std::move(o);
            return true;
        },
        60s);
    if (!out) throw std::runtime_error("no outcome for a court.update of " + notice);
    return std::move(*out);
}

const std::string kAllFields =
    R"("suspension_type":"TS","last_eburar_update":"EBURAR-2026-03-10","atoms_flag":"Y",)"
    R"("last_processing_date":"2026-03-10T10:00:00","next_processing_stage":"CRT","amount_payable":123.45,)"
    R"("payment_allowance":"Y","epr_reason_of_suspension":"CRT")";

// ---- applied ------------------------------------------------------------------------------------

TEST(CourtWorker, EveryFieldIsAppliedToVonTheInternetCopyAndANewDetailRow) {
    auto n = court_notice();
    ASSERT_EQ(count("SELECT count(*) FROM ocms_offence_notice_detail WHERE notice_no = $1", {n}), 0);
    auto o = publish(n, record(n, kAllFields));
    EXPECT_EQ(o.app_code, "OCMS-2000") << o.raw;
    EXPECT_EQ(o.message, "Success");
    EXPECT_EQ(o.notice_no, n);
    EXPECT_FALSE(o.from_inbox);
    EXPECT_EQ(o.list("updatedFields"),
              (Strings{"suspension_type", "last_eburar_update", "atoms_flag", "last_processing_date",
                       "next_processing_stage", "amount_payable", "payment_allowance", "epr_reason_of_suspension"}));

    EXPECT_EQ(count("SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no = $1 AND suspension_type = 'TS' "
                    "AND atoms_flag = 'Y' AND last_processing_date = '2026-03-10T10:00:00+08:00' "
                    "AND next_processing_stage = 'CRT' AND amount_payable = 123.45 AND payment_allowance_flag = 'Y' "
                    "AND epr_reason_of_suspension = 'CRT' AND is_sync = 'N' AND upd_user_id = 'CAS' "
                    "AND upd_date > now() - interval '5 minutes' "
                    // not in the record: kept
                    "AND last_processing_stage = 'CFC' AND vehicle_no = 'SBA1234A' AND amount_paid = 0",
                    {n}),
              1)
        << state_of(n);
    EXPECT_EQ(count("SELECT count(*) FROM eocms_valid_offence_notice WHERE notice_no = $1 AND suspension_type = 'TS' "
                    "AND last_processing_date = '2026-03-10T10:00:00+08:00' AND next_processing_stage = 'CRT' "
                    "AND amount_payable = 123.45 AND payment_allowance_flag = 'Y' AND epr_reason_of_suspension = 'CRT' "
                    "AND upd_user_id = 'ocmsez_app_conn' AND upd_date > now() - interval '5 minutes'",
                    {n}),
              1)
        << state_of(n);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_offence_notice_detail WHERE notice_no = $1 "
                    "AND last_eburar_update = 'EBURAR-2026-03-10' AND cre_user_id = 'CAS'",
                    {n}),
              1)
        << state_of(n);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_command_inbox WHERE notice_no = $1 AND command_type = 'court.update' "
                    "AND app_code = 'OCMS-2000'",
                    {n}),
              1);
}

TEST(CourtWorker, AnExistingDetailRowIsUpdatedAndKeepsItsOtherColumns) {
    auto n = court_notice(true);
    auto o = publish(n, record(n, R"("last_eburar_update":"NEW-EBURAR")"));
    EXPECT_EQ(o.app_code, "OCMS-2000") << o.raw;
    EXPECT_EQ(o.list("updatedFields"), Strings{"last_eburar_update"});
    EXPECT_EQ(count("SELECT count(*) FROM ocms_offence_notice_detail WHERE notice_no = $1 "
                    "AND last_eburar_update = 'NEW-EBURAR' AND offence_type = 'SP' AND place_of_offence = 'Orchard Road' "
                    "AND cre_user_id = 'fixture' AND upd_user_id = 'CAS' AND upd_date > now() - interval '5 minutes'",
                    {n}),
              1)
        << state_of(n);
}

TEST(CourtWorker, AbsentFieldsAreUnchanged) {
    auto n = court_notice(true);
    // Everything but the one field sent and the audit columns.
    const std::string others =
        "SELECT (SELECT (to_jsonb(v) - 'amount_payable' - 'upd_date' - 'upd_user_id' - 'is_sync')::text "
        "FROM ocms_valid_offence_notice v WHERE notice_no = $1) || ' | ' || "
        "(SELECT (to_jsonb(e) - 'amount_payable' - 'upd_date' - 'upd_user_id')::text "
        "FROM eocms_valid_offence_notice e WHERE notice_no = $1) || ' | ' || "
        "(SELECT to_jsonb(d)::text FROM ocms_offence_notice_detail d WHERE notice_no = $1)";
    const auto before = text(others, {n});
    auto o = publish(n, record(n, R"("amount_payable":"80.10")"));
    EXPECT_EQ(o.app_code, "OCMS-2000") << o.raw;
    EXPECT_EQ(o.list("updatedFields"), Strings{"amount_payable"});
    EXPECT_EQ(text(others, {n}), before);
    EXPECT_EQ(text("SELECT amount_payable::text || ' ' || is_sync || ' ' || upd_user_id FROM ocms_valid_offence_notice "
                   "WHERE notice_no = $1",
                   {n}),
              "80.10 N CAS");
    EXPECT_EQ(text("SELECT amount_payable::text FROM eocms_valid_offence_notice WHERE notice_no = $1", {n}), "80.10");
}

TEST(CourtWorker, NullClearsTheNullableColumns) {
    auto n = court_notice(true);
    auto o = publish(n, record(n, R"("suspension_type":null,"last_eburar_update":null,"atoms_flag":null,)"
                                  R"("next_processing_stage":null,"payment_allowance":null,"epr_reason_of_suspension":null)"));
    EXPECT_EQ(o.app_code, "OCMS-2000") << o.raw;
    EXPECT_EQ(o.list("updatedFields"), (Strings{"suspension_type", "last_eburar_update", "atoms_flag",
                                                "next_processing_stage", "payment_allowance", "epr_reason_of_suspension"}));
    EXPECT_EQ(count("SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no = $1 AND suspension_type IS NULL "
                    "AND atoms_flag IS NULL AND next_processing_stage IS NULL AND payment_allowance_flag IS NULL "
                    "AND epr_reason_of_suspension IS NULL AND amount_payable = 70.00 "
                    "AND last_processing_date = '2025-12-01T10:00:00+08:00' AND upd_user_id = 'CAS'",
                    {n}),
              1)
        << state_of(n);
    EXPECT_EQ(count("SELECT count(*) FROM eocms_valid_offence_notice WHERE notice_no = $1 AND suspension_type IS NULL "
                    "AND next_processing_stage IS NULL AND payment_allowance_flag IS NULL "
                    "AND epr_reason_of_suspension IS NULL AND last_processing_date = '2025-12-01T10:00:00+08:00'",
                    {n}),
              1)
        << state_of(n);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_offence_notice_detail WHERE notice_no = $1 AND last_eburar_update IS NULL "
                    "AND offence_type = 'SP' AND upd_user_id = 'CAS'",
                    {n}),
              1)
        << state_of(n);

    // Clearing last_eburar_update of a notice without a detail row makes no row.
    auto m = court_notice();
    EXPECT_EQ(publish(m, record(m, R"("last_eburar_update":null)")).app_code, "OCMS-2000");
    EXPECT_EQ(count("SELECT count(*) FROM ocms_offence_notice_detail WHERE notice_no = $1", {m}), 0);
}

// ---- refused, nothing changed ---------------------------------------------------------------------

TEST(CourtWorker, FieldRuleViolationsAre4022WithTheFieldsAndChangeNothing) {
    struct Case {
        std::string fields;
        Strings errors;
    };
    const std::vector<Case> cases{
        {R"("amount_payable":null)", {"amount_payable"}},
        {R"("amount_payable":-1)", {"amount_payable"}},
        {R"("amount_payable":12.345)", {"amount_payable"}},
        {R"("last_processing_date":null)", {"last_processing_date"}},
        {R"("last_processing_date":"2026-02-30T10:00:00")", {"last_processing_date"}},
        {R"("suspension_type":"XX")", {"suspension_type"}},
        {R"("next_processing_stage":"crt")", {"next_processing_stage"}},
        {R"("payment_allowance":"YES")", {"payment_allowance"}},
        {R"("atoms_flag":"ABCDEFGHIJK","epr_reason_of_suspension":"ABCD","last_eburar_update":")" + std::string(51, 'x') +
             "\"",
         {"last_eburar_update", "atoms_flag", "epr_reason_of_suspension"}},
        // One bad field refuses the whole record: the good ones are not written either.
        {R"("suspension_type":"XX")" + kAllFields.substr(kAllFields.find(',')), {"suspension_type"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.fields);
        auto n = court_notice(true);
        const auto before = state_of(n);
        auto o = publish(n, record(n, c.fields));
        EXPECT_EQ(o.app_code, "OCMS-4022") << o.raw;
        EXPECT_EQ(o.message, "Invalid data provided for one or more notices.");
        EXPECT_EQ(o.list("errors", "field"), c.errors) << o.raw;
        EXPECT_EQ(state_of(n), before);
    }
}

TEST(CourtWorker, AnUnknownNoticeIs4022) {
    const std::string n = "ZC00000000";
    ASSERT_EQ(count("SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no = $1", {n}), 0);
    auto o = publish(n, record(n, kAllFields));
    EXPECT_EQ(o.app_code, "OCMS-4022") << o.raw;
    EXPECT_EQ(o.message, "Invalid notice number: ZC00000000");
    EXPECT_EQ(o.list("errors", "field"), Strings{"notice_no"});
    EXPECT_EQ(o.notice_no, n);
    EXPECT_EQ(count("SELECT count(*) FROM ocms_offence_notice_detail WHERE notice_no = $1", {n}), 0);
}

TEST(CourtWorker, AnUnknownNextStageIs4022AndChangesNothing) {
    auto n = court_notice(true);
    const auto before = state_of(n);
    auto o = publish(n, record(n, R"("next_processing_stage":"ZZZ","amount_payable":1)"));
    EXPECT_EQ(o.app_code, "OCMS-4022") << o.raw;
    EXPECT_EQ(o.message, "Invalid data provided for one or more notices.");
    EXPECT_EQ(o.list("errors", "field"), Strings{"next_processing_stage"});
    EXPECT_EQ(o.list("errors", "message"), Strings{"Unknown processing stage: ZZZ"});
    EXPECT_EQ(state_of(n), before);
}

// ---- redelivery and shape -----------------------------------------------------------------------

TEST(CourtWorker, ARedeliveredCommandIsAppliedOnce) {
    auto n = court_notice();
    const std::string id = new_uuid();
    auto first = publish(n, record(n, R"("amount_payable":55.50)"), id);
    ASSERT_EQ(first.app_code, "OCMS-2000") << first.raw;
    EXPECT_FALSE(first.from_inbox);
    // Someone changes the amount after; the same command again must not put 55.50 back.
    owner_exec("UPDATE ocms_valid_offence_notice SET amount_payable = 1.00 WHERE notice_no = $1", {n});
    auto again = publish(n, record(n, R"("amount_payable":55.50)"), id);
    EXPECT_EQ(again.app_code, "OCMS-2000") << again.raw;
    EXPECT_TRUE(again.from_inbox);
    EXPECT_EQ(again.list("updatedFields"), Strings{"amount_payable"});
    EXPECT_EQ(text("SELECT amount_payable::text FROM ocms_valid_offence_notice WHERE notice_no = $1", {n}), "1.00");
    EXPECT_EQ(count("SELECT count(*) FROM ocms_command_inbox WHERE command_id = $1", {id}), 1);
}

TEST(CourtWorker, APayloadOfTheWrongShapeIsDeadLettered) {
    auto n = court_notice();
    const auto before = state_of(n);
    auto from = high_watermarks(messages::kTopicDlq);
    const std::string id = new_uuid();
    // camelCase is not the court.update payload: unknown key, no notice_no.
    ASSERT_EQ(kcat_publish(messages::kTopicCourt, n, envelope(id, R"({"noticeNo":")" + n + R"(","amountPayable":1})")), 0);
    bool seen = scan_topic(
        messages::kTopicDlq, from,
        [&](const kafka::Message& m) {
            auto doc = json::parse(m.value());
            return doc && json::get_string(*doc, "commandId").value_or("") == id &&
                   json::get_string(*doc, "reason").value_or("") == "schema";
        },
        60s);
    EXPECT_TRUE(seen);
    EXPECT_EQ(state_of(n), before);
}

}  // namespace
}  // namespace ocms::test
