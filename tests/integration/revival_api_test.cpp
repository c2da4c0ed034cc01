// The revival APIs of spec 004 end to end: HTTP -> ocms-edge -> ocms.cmd.revival -> ocms-worker
// -> PostgreSQL -> ocms.reply -> ocms-edge, against the real broker and database. Per route the
// success answer and its effect (section 4), and every code of section 3 these routes can reach.
// Fixtures are fresh notices (make_notices) shaped with the owner role; demo rows are never used.
// Suspension due dates are in the future so the auto-revival job never touches a fixture.
#include "support.hpp"

#include "messages/messages.hpp"

#include <gtest/gtest.h>
#include <jwt.h>

#include <fstream>
#include <random>

namespace ocms::test {
namespace {

const std::string kStaffPath = "/staff-revive-suspension";
const std::string kPlusPath = "/plus-revive-suspension";
const std::string kInternalPath = "/ocms/v1/suspension/apply-revival";
const std::string kHstPath = "/v1/revive-hst";

struct Item {
    std::string notice, code, message;
};
struct Answer {
    int status = 0;
    std::string body;
    int total = -1, success = -1, errors = -1;
    std::vector<Item> items;
};

Item item_of(const json::Value& v) {
    return Item{std::string(json::get_string(v, "noticeNo").value_or("")),
                std::string(json::get_string(v, "appCode").value_or("")),
                std::string(json::get_string(v, "message").value_or(""))};
}

Answer parse_answer(const HttpResponse& r);

// A 202 (the workers are busy, e.g. another test's load) is settled through /v1/request-outcome:
// the test checks what the worker answered, not how fast.
Answer answer_of(const HttpResponse& r) {
    if (r.status != 202) return parse_answer(r);
    auto id = r.headers.find("x-request-id");
    if (id == r.headers.end()) return parse_answer(r);
    Answer out = parse_answer(r);
    eventually(
        [&] {
            auto o = post_authed("/v1/request-outcome", R"({"requestId":")" + id->second + R"("})");
            auto doc = json::parse(o.body);
            if (!doc || !doc->IsObject() || json::get_string(*doc, "status").value_or("") != "COMPLETE") return false;
            auto settled = parse_answer(o);
            settled.status = 200;
            out = std::move(settled);
            return true;
        },
        std::chrono::seconds(120));
    return out;
}

Answer parse_answer(const HttpResponse& r) {
    Answer a;
    a.status = r.status;
    a.body = r.body;
    auto doc = json::parse(r.body);
    if (!doc) return a;
    if (doc->IsArray()) {  // the HST answer
        for (const auto& v : doc->GetArray()) a.items.push_back(item_of(v));
        return a;
    }
    if (!doc->IsObject() || !doc->HasMember("results")) return a;
    a.total = int(json::get_int(*doc, "totalProcessed").value_or(-1));
    a.success = int(json::get_int(*doc, "successCount").value_or(-1));
    a.errors = int(json::get_int(*doc, "errorCount").value_or(-1));
    for (const auto& v : (*doc)["results"].GetArray()) a.items.push_back(item_of(v));
    return a;
}

std::string quoted_list(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "\"" : ",\"") + s + "\"";
    return out;
}

std::string revive_body(const std::vector<std::string>& notices, const std::string& type, const std::string& reason,
                        const std::string& remarks = "revival api test") {
    return R"({"noticeNo":[)" + quoted_list(notices) + R"(],"suspensionType":")" + type + R"(","revivalReason":")" +
           reason + R"(","revivalRemarks":")" + remarks + R"(","officerAuthorisingRevival":"JOHNLEE"})";
}

Answer staff(const std::vector<std::string>& notices, const std::string& type = "TS", const std::string& reason = "MAN") {
    return answer_of(post_authed(kStaffPath, revive_body(notices, type, reason)));
}

Answer plus(const std::vector<std::string>& notices, const std::string& type = "TS", const std::string& reason = "MAN") {
    return answer_of(http("POST", kPlusPath, revive_body(notices, type, reason),
                          {{"Authorization", "Bearer " + env("OCMS_DEV_TOKEN")},
                           {"Ocp-Apim-Subscription-Key", env("OCMS_DEV_APIM_KEY")}}));
}

void expect_single(const Answer& a, const std::string& notice, const std::string& code, const std::string& message) {
    EXPECT_EQ(a.status, 200) << a.body;
    ASSERT_EQ(a.items.size(), 1u) << a.body;
    EXPECT_EQ(a.items[0].notice, notice);
    EXPECT_EQ(a.items[0].code, code) << a.body;
    EXPECT_EQ(a.items[0].message, message) << a.body;
    if (a.total >= 0) {
        EXPECT_EQ(a.total, 1);
        EXPECT_EQ(a.success + a.errors, 1);
    }
}

// The notice's VON, internet copy and records as one text: unchanged by a refused revival.
std::string state_of(const std::string& notice) {
    return text("SELECT (SELECT row_to_json(v)::text FROM ocms_valid_offence_notice v WHERE notice_no = $1) || ' | ' || "
                "coalesce((SELECT row_to_json(e)::text FROM eocms_valid_offence_notice e WHERE notice_no = $1), '-') || "
                "' | ' || coalesce((SELECT json_agg(s ORDER BY sr_no)::text FROM ocms_suspended_notice s "
                "WHERE notice_no = $1), '-')",
                {notice});
}

// Puts the notice under a suspension as the apply path would (VON, internet copy, the record).
void suspend(const std::string& notice, const std::string& type, const std::string& reason, bool with_record = true) {
    owner_exec("UPDATE ocms_valid_offence_notice SET suspension_type = $2::varchar, epr_reason_of_suspension = $3::varchar, "
               "epr_date_of_suspension = now() - interval '1 day', crs_reason_of_suspension = $3, "
               "crs_date_of_suspension = now() - interval '1 day', "
               "due_date_of_revival = CASE WHEN $2::varchar = 'TS' THEN now() + interval '20 days' END, "
               "next_processing_date = NULL WHERE notice_no = $1",
               {notice, type, reason});
    owner_exec("UPDATE eocms_valid_offence_notice SET suspension_type = $2::varchar, epr_reason_of_suspension = $3::varchar, "
               "crs_reason_of_suspension = $3, due_date_of_revival = CASE WHEN $2::varchar = 'TS' THEN now() + interval '20 days' END "
               "WHERE notice_no = $1",
               {notice, type, reason});
    if (with_record)
        owner_exec("INSERT INTO ocms_suspended_notice (notice_no, suspension_source, suspension_type, reason_of_suspension, "
                   "officer_authorising_suspension, due_date_of_revival, date_of_suspension, cre_user_id, process_indicator) "
                   "VALUES ($1, 'OCMS', $2, $3, 'JOHNLEE', CASE WHEN $2::varchar = 'TS' THEN now() + interval '20 days' END, "
                   "now() - interval '1 day', 'test', 'manual')",
                   {notice, type, reason});
}

// Spec 004 section 4 after a revival by `officer` with `reason`.
void expect_revived(const std::string& notice, const std::string& reason, const std::string& officer,
                    const std::string& remarks) {
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db,
                     "SELECT count(*) FROM ocms_valid_offence_notice WHERE notice_no = $1 AND suspension_type IS NULL "
                     "AND epr_reason_of_suspension IS NULL AND epr_date_of_suspension IS NULL "
                     "AND crs_reason_of_suspension IS NULL AND crs_date_of_suspension IS NULL AND due_date_of_revival IS NULL "
                     "AND next_processing_date BETWEEN now() + interval '47 hours' AND now() + interval '49 hours' "
                     "AND upd_user_id = $2 AND upd_date > now() - interval '5 minutes'",
                     {notice, officer}),
              1)
        << state_of(notice);
    EXPECT_EQ(scalar(*db,
                     "SELECT count(*) FROM eocms_valid_offence_notice WHERE notice_no = $1 AND suspension_type IS NULL "
                     "AND epr_reason_of_suspension IS NULL AND due_date_of_revival IS NULL",
                     {notice}),
              1)
        << state_of(notice);
    EXPECT_EQ(scalar(*db,
                     "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = $1 AND date_of_revival IS NOT NULL "
                     "AND date_of_revival > now() - interval '5 minutes' AND revival_reason = $2 "
                     "AND officer_authorising_revival = $3 AND revival_remarks IS NOT DISTINCT FROM $4",
                     {notice, reason, officer, remarks.empty() ? pg::Param(std::nullopt) : pg::Param(remarks)}),
              1)
        << state_of(notice);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_suspended_notice WHERE notice_no = $1 AND date_of_revival IS NULL",
                     {notice}),
              0);
}


// ---- success per route -----------------------------------------------------------------------

TEST(RevivalApi, StaffRevivesTs) {
    auto n = make_notices(2, "RD1");
    suspend(n[0], "TS", "ACR");
    suspend(n[1], "TS", "APP");
    auto a = staff(n);
    EXPECT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(a.total, 2);
    EXPECT_EQ(a.success, 2);
    EXPECT_EQ(a.errors, 0);
    ASSERT_EQ(a.items.size(), 2u) << a.body;
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(a.items[i].notice, n[i]);
        EXPECT_EQ(a.items[i].code, "OCMS-2000") << a.body;
        EXPECT_EQ(a.items[i].message, "TS revived successfully");
        expect_revived(n[i], "MAN", "JOHNLEE", "revival api test");
    }
}

TEST(RevivalApi, PlusRevivesTs) {
    auto n = make_notices(1, "RD1")[0];
    suspend(n, "TS", "APP");
    expect_single(plus({n}), n, "OCMS-2000", "TS revived successfully");
    expect_revived(n, "MAN", "JOHNLEE", "revival api test");
}

TEST(RevivalApi, PlusNeedsTheApimKeyAndTheRole) {
    auto n = make_notices(1, "RD1")[0];
    suspend(n, "TS", "APP");
    auto before = state_of(n);
    auto body = revive_body({n}, "TS", "MAN");
    EXPECT_EQ(http("POST", kPlusPath, body, {{"Authorization", "Bearer " + env("OCMS_DEV_TOKEN")}}).status, 401);
    EXPECT_EQ(http("POST", kPlusPath, body,
                   {{"Authorization", "Bearer " + token_with_roles({"OCMS_STAFF"}, "revival-api-test")},
                    {"Ocp-Apim-Subscription-Key", env("OCMS_DEV_APIM_KEY")}})
                  .status,
              403);
    EXPECT_EQ(http("POST", kStaffPath, body, {{"Authorization", "Bearer " + token_with_roles({"PLUS"}, "revival-api-test")}}).status, 403);
    EXPECT_EQ(http("POST", kStaffPath, body).status, 401);
    EXPECT_EQ(state_of(n), before);
}

TEST(RevivalApi, InternalRevivesWithDefaultsAndSources) {
    auto n = make_notices(2, "RD1");
    suspend(n[0], "TS", "ACR");
    suspend(n[1], "TS", "ACR");
    auto token = token_with_roles({"INTERNAL"}, "revival-api-test");
    auto a = answer_of(http("POST", kInternalPath,
                            R"({"noticeNos":[")" + n[0] + R"("],"revivalRemarks":"Suspension period over",)"
                            R"("officerAuthorisingRevival":"ocmsizmgr","revivalSource":"004"})",
                            {{"Authorization", "Bearer " + token}}));
    expect_single(a, n[0], "OCMS-2000", "TS revived successfully");
    expect_revived(n[0], "OTH", "ocmsizmgr", "Suspension period over");
    auto b = answer_of(http("POST", kInternalPath,
                            R"({"noticeNos":[")" + n[1] + R"("],"officerAuthorisingRevival":"ocmsizmgr",)"
                            R"("revivalSource":"005","suspensionType":"TS","revivalReason":"SYS"})",
                            {{"Authorization", "Bearer " + token}}));
    expect_single(b, n[1], "OCMS-2000", "TS revived successfully");
    expect_revived(n[1], "SYS", "ocmsizmgr", "");
    // The role is INTERNAL: a staff token is refused.
    EXPECT_EQ(http("POST", kInternalPath, R"({"noticeNos":["X1"],"officerAuthorisingRevival":"o","revivalSource":"004"})",
                   {{"Authorization", "Bearer " + token_with_roles({"OCMS_STAFF"}, "revival-api-test")}})
                  .status,
              403);
}

// ---- the codes of section 3 ------------------------------------------------------------------

TEST(RevivalApi, BadRequestIs4000) {
    auto n = make_notices(1, "RD1")[0];
    suspend(n, "TS", "ACR");
    auto before = state_of(n);
    // Missing field: HTTP 400 in the spec 002 envelope.
    auto r = post_authed(kStaffPath, R"({"noticeNo":[")" + n + R"("],"suspensionType":"TS","officerAuthorisingRevival":"J"})");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("OCMS-4000"), std::string::npos) << r.body;
    // Remarks over 50 characters.
    EXPECT_EQ(post_authed(kStaffPath, revive_body({n}, "TS", "MAN", std::string(51, 'x'))).status, 400);
    // An unknown revival reason: answered per notice.
    expect_single(staff({n}, "TS", "XYZ"), n, "OCMS-4000", "Invalid revival reason");
    EXPECT_EQ(state_of(n), before);
}

TEST(RevivalApi, UnknownNoticeIs4001) {
    expect_single(staff({"ZZNOSUCH01"}), "ZZNOSUCH01", "OCMS-4001", "Invalid Notice Number");
}

TEST(RevivalApi, NotSuspendedAndCourtStageAre4002) {
    auto free_notice = make_notices(1, "RD1")[0];
    auto court = make_notices(1, "CRT")[0];
    suspend(court, "TS", "ACR");
    auto before = state_of(court);
    expect_single(staff({free_notice}), free_notice, "OCMS-4002", "Notice is not suspended");
    expect_single(staff({court}), court, "OCMS-4002", "Notice is under Court processing");
    EXPECT_EQ(state_of(court), before);
}

TEST(RevivalApi, PsViaPlusIs4003) {
    auto n = make_notices(1, "RD1")[0];
    suspend(n, "PS", "APP");
    auto before = state_of(n);
    expect_single(plus({n}, "PS", "PSR"), n, "OCMS-4003", "PS revival is not supported for this source");
    EXPECT_EQ(state_of(n), before);
}

TEST(RevivalApi, UnknownSuspensionTypeIs4004) {
    auto n = make_notices(1, "RD1")[0];
    suspend(n, "TS", "ACR");
    auto before = state_of(n);
    expect_single(staff({n}, "XX"), n, "OCMS-4004", "Unknown suspension type");
    EXPECT_EQ(state_of(n), before);
}

TEST(RevivalApi, SuspendedWithoutRecordIs4005) {
    auto n = make_notices(1, "RD1")[0];
    suspend(n, "TS", "ACR", /*with_record=*/false);
    auto before = state_of(n);
    expect_single(staff({n}), n, "OCMS-4005", "Suspension record not found");
    EXPECT_EQ(state_of(n), before);
}

TEST(RevivalApi, AsksTsButNoticeHasPsIs4006) {
    auto n = make_notices(1, "RD1")[0];
    suspend(n, "PS", "APP");
    auto before = state_of(n);
    expect_single(staff({n}, "TS"), n, "OCMS-4006", "No active suspension");
    EXPECT_EQ(state_of(n), before);
}

TEST(RevivalApi, HstViaStaffIs4007) {
    auto n = make_notices(1, "RD1")[0];
    suspend(n, "TS", "HST");
    auto before = state_of(n);
    expect_single(staff({n}), n, "OCMS-4007", "TS-HST can only be revived through the HST revival");
    EXPECT_EQ(state_of(n), before);
}

// ---- POST /v1/revive-hst ---------------------------------------------------------------------

std::string fresh_id() {
    static std::mt19937_64 rng{std::random_device{}()};
    static constexpr char digits[] = "0123456789";
    std::string id = "H";
    for (int i = 0; i < 8; ++i) id += digits[rng() % 10];
    return id;
}

std::string hst_body(const std::string& id, const std::string& postal = "578640") {
    return R"({"idNo":")" + id + R"(","name":"John Doe","streetName":"bukit merah view","blkHseNo":"65",)"
           R"("floorNo":"29","unitNo":"1551","bldgName":"The Amberlyn","postalCode":")" + postal + R"("})";
}

// A tenant in the HST register with the notice as owner (ONOD) under TS-HST.
void hst_fixture(const std::string& id, const std::string& notice) {
    owner_exec("INSERT INTO ocms_hst (id_no, name, street_name, blk_hse_no, floor_no, unit_no, bldg_name, postal_code, "
               "cre_user_id) VALUES ($1, 'John Doe', 'Bukit Merah View', '65', '29', '1551', 'The Amberlyn', '578640', 'test')",
               {id});
    owner_exec("INSERT INTO ocms_offence_notice_owner_driver (notice_no, owner_driver_indicator, offender_indicator, id_type, "
               "id_no, name, cre_user_id) VALUES ($1, 'O', 'Y', 'N', $2, 'John Doe', 'test')",
               {notice, id});
    suspend(notice, "TS", "HST");
}

long long hst_rows(const std::string& id) {
    auto db = readonly_db();
    return scalar(*db, "SELECT count(*) FROM ocms_hst WHERE id_no = $1", {id});
}

TEST(RevivalApi, HstRevivesTheTenantsNoticeAndRemovesTheRegisterRow) {
    auto n = make_notices(1, "RD1")[0];
    auto other = make_notices(1, "RD1")[0];  // not the tenant's: untouched
    const auto id = fresh_id();
    hst_fixture(id, n);
    suspend(other, "TS", "HST");
    auto other_before = state_of(other);
    auto a = answer_of(http("POST", kHstPath, hst_body(id), {{"Authorization", "Bearer " + token_with_roles({"HST"}, "revival-api-test")}}));
    expect_single(a, n, "OCMS-2000", "TS revived successfully");
    expect_revived(n, "HAV", "revival-api-test", "");
    EXPECT_EQ(hst_rows(id), 0);
    EXPECT_EQ(state_of(other), other_before);
}

TEST(RevivalApi, HstErrors) {
    auto n = make_notices(1, "RD1")[0];
    const auto id = fresh_id();
    hst_fixture(id, n);
    auto before = state_of(n);
    const std::map<std::string, std::string> hst_auth{{"Authorization", "Bearer " + token_with_roles({"HST"}, "revival-api-test")}};
    // No role HST: 403 with the spec's message.
    auto r = http("POST", kHstPath, hst_body(id), {{"Authorization", "Bearer " + token_with_roles({"OCMS_STAFF"}, "revival-api-test")}});
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.body, R"({"appCode":"OCMS-4001","message":"User not authorised to revive TS-HST"})");
    // A missing field.
    r = http("POST", kHstPath, R"({"idNo":")" + id + R"(","name":"John Doe"})", hst_auth);
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find(R"("appCode":"OCMS-4000","message":"Required field missing)"), std::string::npos) << r.body;
    // An unknown id.
    r = http("POST", kHstPath, hst_body(fresh_id() + "X"), hst_auth);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, R"({"appCode":"OCMS-4001","message":"HST ID not found"})");
    // The address does not match the register.
    r = http("POST", kHstPath, hst_body(id, "111111"), hst_auth);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("postalCode"), std::string::npos) << r.body;
    EXPECT_EQ(state_of(n), before);
    EXPECT_EQ(hst_rows(id), 1);
}

}  // namespace
}  // namespace ocms::test

namespace ocms::test {
namespace {

// Two notices of one tenant in one request: the register row goes with the last revival,
// whichever worker transaction commits last.
TEST(RevivalApi, HstTwoNoticesOfOneTenantRemoveTheRowOnce) {
    auto n = make_notices(2, "RD1");
    const auto id = fresh_id();
    hst_fixture(id, n[0]);
    owner_exec("INSERT INTO ocms_offence_notice_owner_driver (notice_no, owner_driver_indicator, offender_indicator, id_type, "
               "id_no, name, cre_user_id) VALUES ($1, 'O', 'Y', 'N', $2, 'John Doe', 'test')",
               {n[1], id});
    suspend(n[1], "TS", "HST");
    auto a = answer_of(http("POST", kHstPath, hst_body(id), {{"Authorization", "Bearer " + token_with_roles({"HST"}, "revival-api-test")}}));
    EXPECT_EQ(a.status, 200) << a.body;
    ASSERT_EQ(a.items.size(), 2u) << a.body;
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(a.items[i].notice, n[i]);
        EXPECT_EQ(a.items[i].code, "OCMS-2000") << a.body;
        expect_revived(n[i], "HAV", "revival-api-test", "");
    }
    EXPECT_EQ(hst_rows(id), 0);
}

}  // namespace
}  // namespace ocms::test

// ---- the appendix's remaining scenarios ------------------------------------------------------

namespace ocms::test {
namespace {

using namespace std::chrono_literals;

std::string message_of(const HttpResponse& r) {
    auto doc = json::parse(r.body);
    if (!doc || !doc->IsObject()) return "";
    const json::Value* v = &*doc;
    if (const auto* d = json::get_object(*doc, "data")) v = d;
    return std::string(json::get_string(*v, "message").value_or(""));
}

// "API authentication failed (JWT)" on every revival route: no token, a forged signature, a
// malformed one; "API authentication failed (API key)" on the PLUS route.
TEST(RevivalApi, AuthFailuresHaveTheAppendixMessages) {
    std::string forged = env("OCMS_DEV_TOKEN");
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    const std::vector<std::map<std::string, std::string>> bad_tokens{
        {}, {{"Authorization", "Bearer " + forged}}, {{"Authorization", "Bearer not.a.jwt"}}, {{"Authorization", "Basic abc"}}};
    for (const std::string& path : {kStaffPath, kPlusPath, kInternalPath, kHstPath,
                                   std::string("/api/cron/auto-revival/trigger")}) {
        for (auto headers : bad_tokens) {
            headers["Ocp-Apim-Subscription-Key"] = env("OCMS_DEV_APIM_KEY");
            auto r = http("POST", path, "{}", headers);
            EXPECT_EQ(r.status, 401) << path << " " << r.body;
            EXPECT_EQ(message_of(r), "Invalid JWT token") << path << " " << r.body;
            EXPECT_NE(r.body.find("OCMS-4001"), std::string::npos) << r.body;
        }
    }
    auto n = make_notices(1, "RD1")[0];
    suspend(n, "TS", "APP");
    auto before = state_of(n);
    const std::string token = "Bearer " + env("OCMS_DEV_TOKEN");
    for (const auto& key : {std::string(), std::string("wrong-key")}) {
        std::map<std::string, std::string> headers{{"Authorization", token}};
        if (!key.empty()) headers["Ocp-Apim-Subscription-Key"] = key;
        auto r = http("POST", kPlusPath, revive_body({n}, "TS", "MAN"), headers);
        EXPECT_EQ(r.status, 401) << r.body;
        EXPECT_EQ(r.body, R"({"data":{"appCode":"OCMS-4001","message":"Invalid Auth Token"}})");
    }
    EXPECT_EQ(state_of(n), before);
    // The other specs' routes keep their own words.
    auto r = http("POST", "/v1/staff-apply-suspension", "{}");
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(message_of(r).find("Unauthorized: "), std::string::npos) << r.body;
}

// Sets REVIVAL / NEXT_PROCESSING_DAYS (or removes it) for the scope, restoring the seeded row
// after, whatever the test's outcome. Integration tests run one at a time (RUN_SERIAL).
class NextProcessingDays {
public:
    explicit NextProcessingDays(const std::optional<std::string>& value) {
        if (value)
            owner_exec("UPDATE ocms_parameter SET value = $1 WHERE parameter_id = 'REVIVAL' AND code = 'NEXT_PROCESSING_DAYS'",
                       {*value});
        else
            owner_exec("DELETE FROM ocms_parameter WHERE parameter_id = 'REVIVAL' AND code = 'NEXT_PROCESSING_DAYS'");
    }
    ~NextProcessingDays() {
        try {
            owner_exec("INSERT INTO ocms_parameter (parameter_id, code, value, description) VALUES ('REVIVAL', "
                       "'NEXT_PROCESSING_DAYS', '2', 'Revival sets next_processing_date to now + this many days (004 4.1)') "
                       "ON CONFLICT (parameter_id, code) DO UPDATE SET value = '2'");
        } catch (const std::exception& e) {
            ADD_FAILURE() << "could not restore REVIVAL/NEXT_PROCESSING_DAYS: " << e.what();
        }
    }
    NextProcessingDays(const NextProcessingDays&) = delete;
    NextProcessingDays& operator=(const NextProcessingDays&) = delete;
};

TEST(RevivalApi, MissingOrCorruptNextProcessingDateIs4005) {
    auto n = make_notices(2, "RD1");
    for (const auto& x : n) suspend(x, "TS", "ACR");
    auto before0 = state_of(n[0]), before1 = state_of(n[1]);
    {
        NextProcessingDays corrupt(std::string("two days"));
        expect_single(staff({n[0]}), n[0], "OCMS-4005", "Invalid Next Processing Date");
    }
    {
        NextProcessingDays missing(std::nullopt);
        expect_single(staff({n[1]}), n[1], "OCMS-4005", "Invalid Next Processing Date");
    }
    EXPECT_EQ(state_of(n[0]), before0);
    EXPECT_EQ(state_of(n[1]), before1);
    // Restored: the same notice revives with now + 2 days.
    expect_single(staff({n[0]}), n[0], "OCMS-2000", "TS revived successfully");
    expect_revived(n[0], "MAN", "JOHNLEE", "revival api test");
}

// "Generic internal error during revival": a real database fault while writing the revival
// (a trigger on the record's update) answers OCMS-5000 for that notice only, changes nothing of
// it, and parks the command with the reason (not the dead-letter topic: that is for poison
// messages, issue 8); the other notice of the request revives. After the fix, a retry requested
// by support revives it.
TEST(RevivalApi, DatabaseFaultIs5000BackendErrorAndParked) {
    auto good = make_notices(1, "RD1")[0];
    auto faulted = make_notices(1, "RD1")[0];
    suspend(good, "TS", "ACR");
    suspend(faulted, "TS", "ACR");
    auto before = state_of(faulted);
    auto dlq_from = high_watermarks(messages::kTopicDlq);
    std::string fn = "revival_fault_";
    for (char c : faulted) fn += char(std::tolower(static_cast<unsigned char>(c)));
    owner_exec("CREATE FUNCTION " + fn + "() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
               "RAISE EXCEPTION 'injected revival fault for %', NEW.notice_no; END $f$");
    owner_exec("CREATE TRIGGER " + fn + " BEFORE UPDATE ON ocms_suspended_notice FOR EACH ROW "
               "WHEN (NEW.notice_no = '" + faulted + "') EXECUTE FUNCTION " + fn + "()");  // [A-Z0-9] only
    Answer a;
    try {
        a = staff({good, faulted});
    } catch (...) {
        owner_exec("DROP TRIGGER IF EXISTS " + fn + " ON ocms_suspended_notice");
        owner_exec("DROP FUNCTION IF EXISTS " + fn + "()");
        throw;
    }
    owner_exec("DROP TRIGGER IF EXISTS " + fn + " ON ocms_suspended_notice");
    owner_exec("DROP FUNCTION IF EXISTS " + fn + "()");
    ASSERT_EQ(a.items.size(), 2u) << a.body;
    EXPECT_EQ(a.items[0].code, "OCMS-2000") << a.body;
    EXPECT_EQ(a.items[1].notice, faulted);
    EXPECT_EQ(a.items[1].code, "OCMS-5000") << a.body;
    EXPECT_EQ(a.items[1].message, "Backend error during revival") << a.body;
    EXPECT_EQ(a.success, 1);
    EXPECT_EQ(a.errors, 1);
    expect_revived(good, "MAN", "JOHNLEE", "revival api test");
    EXPECT_EQ(state_of(faulted), before);  // the VON update before the failing one rolled back too

    auto db = readonly_db();
    std::string reason = text("SELECT reason FROM ocms_parked_notice WHERE notice_no = $1", {faulted});
    EXPECT_NE(reason.find("injected revival fault"), std::string::npos) << "not parked: " << reason;
    std::string first = text("SELECT first_command_id FROM ocms_parked_notice WHERE notice_no = $1", {faulted});
    ASSERT_FALSE(first.empty()) << faulted << " is not parked";
    EXPECT_EQ(text("SELECT status || ' ' || command_type FROM ocms_parked_command WHERE command_id = $1", {first}),
              "PARKED revival.apply");
    EXPECT_EQ(text("SELECT outcome || ' ' || app_code FROM ocms_command_audit WHERE command_id = $1", {first}),
              "parked OCMS-5000");
    // Not on the dead-letter topic (it would have been published with the reply, so a short scan is enough).
    EXPECT_FALSE(scan_topic(messages::kTopicDlq, dlq_from, [&](const kafka::Message& m) { return m.key() == faulted; },
                            3s))
        << faulted << " was dead-lettered; a database fault parks it";

    // The trigger is gone: support asks for a retry, the worker revives the notice.
    auto support = pg::Connection::connect(env("OCMS_SUPPORT_PG_URL"));
    ASSERT_TRUE(support) << support.error().message;
    auto asked = (*support)->exec(
        "UPDATE ocms_parked_notice SET retry_requested_at = now(), retry_requested_by = 'revival-api-test', "
        "retry_reason = 'trigger dropped' WHERE notice_no = $1",
        {faulted});
    ASSERT_TRUE(asked) << asked.error().message;
    EXPECT_TRUE(eventually(
        [&] {
            return scalar(*db, "SELECT count(*) FROM ocms_parked_notice WHERE notice_no = $1", {faulted}) == 0 &&
                   scalar(*db, "SELECT count(*) FROM ocms_command_inbox WHERE command_id = $1 AND app_code = 'OCMS-2000'",
                          {first}) == 1;
        },
        30s))
        << "the retry did not revive " << faulted;
    expect_revived(faulted, "MAN", "JOHNLEE", "revival api test");
}

}  // namespace
}  // namespace ocms::test
