// POST /v1/plus-apply-suspension (spec 002 API 5): the snake_case body -> one command, the
// per-notice refusal of a foreign suspension_source, and the route's auth (JWT role PLUS and
// Ocp-Apim-Subscription-Key) through the socket-free pipeline.
#include "suspension/plus_apply_suspension.hpp"
#include "http/routes.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

using namespace edge_test;
namespace http = boost::beast::http;

namespace {

const std::string kPath = "/v1/plus-apply-suspension";
const std::string kApimKey = "apim-key-1";  // the Fixture's accepted key
const TimePoint kNow = *parse_iso("2025-03-22T19:05:00");

// The spec's example request, word for word.
const std::string kSpecBody = R"({"notice_no":"500500303J","date_of_suspension":"2025-03-22T19:00:02",
  "suspension_source":"PLUS","suspension_type":"TS","reason_of_suspension":"APP",
  "officer_authorising_suspension":"PLMJOHN","suspension_remarks":"Appeal under review"})";

std::string with(std::string body, const std::string& field, const std::string& json_value) {
    // Replaces "field":<string> or appends it.
    auto key = "\"" + field + "\":";
    auto at = body.find(key);
    if (at == std::string::npos) {
        body.insert(body.rfind('}'), "," + key + json_value);
        return body;
    }
    auto start = at + key.size();
    auto end = body.find('"', start + 1) + 1;
    return body.replace(start, end - start, json_value);
}

std::string without(std::string body, const std::string& field) {
    auto at = body.find("\"" + field + "\":");
    if (at == std::string::npos) return body;
    auto end = body.find('"', body.find(':', at) + 2) + 1;
    if (end < body.size() && body[end] == ',') ++end;
    else if (at > 0 && body[at - 1] == ',') --at;
    return body.erase(at, end - at);
}

class PlusApply : public ::testing::Test {
protected:
    Fixture f;
    std::string plus = make_token({"PLUS"});
    HttpResponse post(const std::string& body, const std::string& token, std::map<std::string, std::string> h = {}) {
        return f.post(kPath, body, token, std::move(h));
    }
    HttpResponse post_ok(const std::string& body) { return post(body, plus, {{"Ocp-Apim-Subscription-Key", kApimKey}}); }
};

}  // namespace

TEST(PlusApplyMapping, SpecExampleBecomesOneCommandFromPlus) {
    auto body = body_of(kSpecBody);
    auto p = plus_apply::plan(body, RequestId("req-7"), kNow, registry().get());
    ASSERT_TRUE(p) << p.error().message;
    ASSERT_TRUE(p->command);
    EXPECT_FALSE(p->refusal);
    const auto& c = *p->command;
    EXPECT_EQ(c.type, "suspension.apply");
    EXPECT_EQ(c.schema_version, 1);
    EXPECT_EQ(c.source, "PLUS");
    EXPECT_EQ(c.officer, "PLMJOHN");
    EXPECT_EQ(c.issued_at, kNow);
    ASSERT_TRUE(c.request_id);
    EXPECT_EQ(c.request_id->value(), "req-7");
    ASSERT_TRUE(c.batch);
    EXPECT_EQ(c.batch->index, 0);
    EXPECT_EQ(c.batch->size, 1);
    EXPECT_EQ(command_key(c), "500500303J");
    EXPECT_EQ(topic_for(c.type), "ocms.cmd.suspension");
    // snake_case -> the command's camelCase; the date without a zone is Singapore time and
    // travels with its offset.
    EXPECT_EQ(c.payload_json,
              R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"APP",)"
              R"("suspensionRemarks":"Appeal under review","officerAuthorisingSuspension":"PLMJOHN",)"
              R"("dateOfSuspension":"2025-03-22T19:00:02.000000+08:00"})");
    auto env = json::parse(messages::encode(c));
    ASSERT_TRUE(env);
    EXPECT_EQ(registry()->validate("envelope.v1", *env), "");
    auto payload = json::parse(c.payload_json);
    ASSERT_TRUE(payload);
    EXPECT_EQ(registry()->validate("commands/suspension.apply.v1", *payload), "");
}

TEST(PlusApplyMapping, OptionalFieldsLeftOutAndSourceDefaultsToPlus) {
    auto body = body_of(without(without(kSpecBody, "suspension_source"), "suspension_remarks"));
    auto p = plus_apply::plan(body, RequestId("r"), kNow, registry().get());
    ASSERT_TRUE(p) << p.error().message;
    ASSERT_TRUE(p->command);
    EXPECT_EQ(p->command->source, "PLUS");
    EXPECT_EQ(p->command->payload_json,
              R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"APP",)"
              R"("officerAuthorisingSuspension":"PLMJOHN","dateOfSuspension":"2025-03-22T19:00:02.000000+08:00"})");
}

TEST(PlusApplyMapping, DateWithAZoneIsConvertedToSingaporeTime) {
    auto p = plus_apply::plan(body_of(with(kSpecBody, "date_of_suspension", R"("2025-03-22T11:00:02Z")")), RequestId("r"),
                              kNow, registry().get());
    ASSERT_TRUE(p && p->command);
    EXPECT_NE(p->command->payload_json.find(R"("dateOfSuspension":"2025-03-22T19:00:02.000000+08:00")"),
              std::string::npos)
        << p->command->payload_json;
}

TEST(PlusApplyMapping, BadDateIsABadRequest) {
    for (const char* bad : {R"("22/03/2025 19:00:02")", R"("2025-02-30T19:00:02")", R"("2025-03-22T25:00:02")",
                            R"("2025-03-22T19:00:02+8")"}) {
        auto p = plus_apply::plan(body_of(with(kSpecBody, "date_of_suspension", bad)), RequestId("r"), kNow,
                                  registry().get());
        ASSERT_FALSE(p) << bad;
        EXPECT_EQ(p.error().code, codes::kBadRequest);
        EXPECT_NE(p.error().message.find("date_of_suspension"), std::string::npos) << p.error().message;
    }
}

TEST(PlusApplyMapping, ForeignSourceIsRefusedPerNoticeWithoutACommand) {
    auto p = plus_apply::plan(body_of(with(kSpecBody, "suspension_source", R"("OCMS_FE")")), RequestId("r"), kNow,
                              registry().get());
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_FALSE(p->command);
    ASSERT_TRUE(p->refusal);
    auto a = plus_apply::refusal_answer(RequestId("r"), *p->refusal);
    EXPECT_EQ(a.status, 200u);
    EXPECT_EQ(a.body, R"({"totalProcessed":1,"successCount":0,"errorCount":1,"requestId":"r","results":[)"
                      R"({"noticeNo":"500500303J","appCode":"OCMS-4000","message":"Source not authorized to use this Suspension Code"}]})");
}

TEST(PlusApplyMapping, CommandSchemaIsCheckedToo) {
    // The HTTP schema allows a 1-character type; suspension.apply.v1 wants exactly 2.
    auto p = plus_apply::plan(body_of(with(kSpecBody, "suspension_type", R"("T")")), RequestId("r"), kNow,
                              registry().get());
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, codes::kBadRequest);
    EXPECT_NE(p.error().message.find("suspensionType"), std::string::npos) << p.error().message;
}

TEST(PlusApplyRoute, IsInTheTableWithRolePlusAndApim) {
    const auto table = routes({});
    const Route* r = nullptr;
    for (const auto& x : table)
        if (x.path == kPath) r = &x;
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->method, http::verb::post);
    EXPECT_EQ(r->auth.any_of_roles, std::vector<std::string>{"PLUS"});
    EXPECT_TRUE(r->auth.apim);
    EXPECT_EQ(r->body_schema, "http/plus-apply-suspension.request");
    EXPECT_EQ(r->style, EnvelopeStyle::ocms_data);
}

TEST_F(PlusApply, GoodRequestAnswersTheBatchShapeWithOneResult) {
    auto r = post_ok(kSpecBody);
    EXPECT_EQ(r.result_int(), 200u) << r.body();
    ASSERT_EQ(f.gateway->seen.size(), 1u);
    EXPECT_EQ(f.gateway->seen[0].source, "PLUS");
    auto id = std::string(r["X-Request-Id"]);
    EXPECT_EQ(r.body(), R"({"totalProcessed":1,"successCount":1,"errorCount":0,"requestId":")" + id +
                            R"(","results":[{"noticeNo":"500500303J","srNo":1234,"dueDateOfRevival":"2025-04-12T19:00:02",)"
                            R"("appCode":"OCMS-2000","message":"TS Success"}]})");
}

TEST_F(PlusApply, MissingApimKeyIs401) {
    auto r = post(kSpecBody, plus);
    EXPECT_EQ(r.result_int(), 401u) << r.body();
    EXPECT_EQ(app_code(r), "OCMS-4001");
    EXPECT_NE(error_message(r).find("Ocp-Apim-Subscription-Key"), std::string::npos) << r.body();
    EXPECT_TRUE(f.gateway->seen.empty());
}

TEST_F(PlusApply, WrongApimKeyIs401) {
    for (const std::string key : {"apim-key-2", "", "APIM-KEY-1", "apim-key-10", "apim-key-"}) {
        auto r = post(kSpecBody, plus, {{"Ocp-Apim-Subscription-Key", key}});
        EXPECT_EQ(r.result_int(), 401u) << "'" << key << "': " << r.body();
        EXPECT_EQ(app_code(r), "OCMS-4001");
    }
    EXPECT_TRUE(f.gateway->seen.empty());
}

TEST_F(PlusApply, ApimKeyWithoutATokenIs401) {
    auto r = post(kSpecBody, "", {{"Ocp-Apim-Subscription-Key", kApimKey}});
    EXPECT_EQ(r.result_int(), 401u) << r.body();
    EXPECT_EQ(app_code(r), "OCMS-4001");
    EXPECT_TRUE(f.gateway->seen.empty());
}

TEST_F(PlusApply, TokenWithoutPlusRoleIs403) {
    for (const auto& roles : {std::vector<std::string>{"OCMS_STAFF"}, std::vector<std::string>{"OPS", "CAS"},
                              std::vector<std::string>{}}) {
        auto r = post(kSpecBody, make_token(roles), {{"Ocp-Apim-Subscription-Key", kApimKey}});
        EXPECT_EQ(r.result_int(), 403u) << r.body();
        EXPECT_EQ(app_code(r), "OCMS-4001");
        EXPECT_NE(error_message(r).find("PLUS"), std::string::npos) << r.body();
    }
    EXPECT_TRUE(f.gateway->seen.empty());
}

TEST_F(PlusApply, BadInputIs400InTheSpecEnvelope) {
    auto expect_400 = [&](const std::string& body, const std::string& needle) {
        auto r = post_ok(body);
        EXPECT_EQ(r.result_int(), 400u) << body << " -> " << r.body();
        EXPECT_EQ(app_code(r), "OCMS-4000") << r.body();
        EXPECT_NE(error_message(r).find(needle), std::string::npos) << "'" << needle << "' not in " << r.body();
    };
    expect_400(without(kSpecBody, "date_of_suspension"), "missing required field 'date_of_suspension'");
    expect_400(without(kSpecBody, "notice_no"), "missing required field 'notice_no'");
    expect_400(without(kSpecBody, "officer_authorising_suspension"), "officer_authorising_suspension");
    expect_400(with(kSpecBody, "date_of_suspension", R"("next tuesday at noon")"), "date_of_suspension");
    expect_400(with(kSpecBody, "notice_no", R"(["500500303J"])"), "notice_no");
    expect_400(with(kSpecBody, "officer_authorising_suspension", "\"" + std::string(51, 'x') + "\""),
               "officer_authorising_suspension");
    expect_400(with(kSpecBody, "suspension_remarks", "\"" + std::string(201, 'x') + "\""), "suspension_remarks");
    expect_400(with(kSpecBody, "noticeNo", R"(["500500303J"])"), "unknown field 'noticeNo'");
    expect_400(with(kSpecBody, "checking", "true"), "unknown field 'checking'");
    expect_400("{not json", "malformed JSON");
    EXPECT_TRUE(f.gateway->seen.empty()) << "nothing may be produced for a bad request";
}

TEST_F(PlusApply, ForeignSourceIsAnsweredWithoutPublishing) {
    auto r = post_ok(with(kSpecBody, "suspension_source", R"("OCMS")"));
    EXPECT_EQ(r.result_int(), 200u) << r.body();
    auto d = json::parse(r.body());
    ASSERT_TRUE(d);
    EXPECT_EQ(json::get_int(*d, "errorCount"), 1);
    const auto& item = (*d)["results"][0];
    EXPECT_EQ(json::get_string(item, "appCode"), "OCMS-4000");
    EXPECT_EQ(json::get_string(item, "message"), "Source not authorized to use this Suspension Code");
    EXPECT_TRUE(f.gateway->seen.empty());
}

TEST_F(PlusApply, BrokerRefusalIsOcms5000ForTheNotice) {
    f.gateway->answer = [](const messages::Command& c) {
        DispatchItem it;
        it.command_id = c.command_id;
        it.notice_no = NoticeNo(command_key(c));
        it.state = DispatchItem::State::failed;
        it.error = "Local: Message timed out";
        return it;
    };
    auto r = post_ok(kSpecBody);
    EXPECT_EQ(r.result_int(), 200u) << r.body();
    auto d = json::parse(r.body());
    ASSERT_TRUE(d);
    const auto& item = (*d)["results"][0];
    EXPECT_EQ(json::get_string(item, "appCode"), "OCMS-5000");
    EXPECT_EQ(json::get_string(item, "message"), "Command could not be queued; please retry");
}

TEST_F(PlusApply, WorkerSystemErrorIsPassedThrough) {
    f.gateway->answer = [](const messages::Command& c) {
        DispatchItem it;
        it.command_id = c.command_id;
        it.notice_no = NoticeNo(command_key(c));
        it.state = DispatchItem::State::replied;
        messages::Reply rep;
        rep.command_id = c.command_id;
        rep.notice_no = it.notice_no;
        rep.app_code = codes::kSystemError;
        rep.message = "System error occurred during processing.";
        it.reply = rep;
        return it;
    };
    auto r = post_ok(kSpecBody);
    EXPECT_EQ(r.result_int(), 200u) << r.body();
    EXPECT_NE(r.body().find(R"({"noticeNo":"500500303J","appCode":"OCMS-4007","message":"System error occurred during processing."})"),
              std::string::npos)
        << r.body();
}
