// common/court: one updateCourtNotices record from JSON (absent / null / value, types, exact
// cents, ISO dates in Singapore time), parse + rules together, the errors' JSON shape, and the
// court.update.v1 schema accepting what the parser reads (shape only).
#include "court/court_record.hpp"
#include "json/schema_registry.hpp"

#include <gtest/gtest.h>

namespace ocms::court {
namespace {

json::Document doc(std::string_view text) {
    auto d = json::parse(text);
    if (!d) throw std::runtime_error("bad test JSON: " + d.error());
    return std::move(*d);
}

std::vector<std::string> fields(const Errors& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) out.push_back(e.field);
    return out;
}
using Fields = std::vector<std::string>;

constexpr std::string_view kFull = R"({"suspension_type":"TS","notice_no":"500500303J","last_eburar_update":"E1",
  "atoms_flag":"Y","last_processing_date":"2026-03-10T10:00:00","next_processing_stage":"CRT",
  "amount_payable":123.45,"payment_allowance":"N","epr_reason_of_suspension":"CRT"})";

TEST(CourtRecord, ReadsEveryFieldOfTheSpec) {
    auto u = parse_court_update(doc(kFull));
    ASSERT_TRUE(u) << u.error().front().field;
    EXPECT_EQ(u->notice_no.value(), "500500303J");
    EXPECT_EQ(u->suspension_type.value(), "TS");
    EXPECT_EQ(u->last_eburar_update.value(), "E1");
    EXPECT_EQ(u->atoms_flag.value(), "Y");
    EXPECT_EQ(u->last_processing_date.value(), *parse_iso("2026-03-10T10:00:00+08:00"));
    EXPECT_EQ(u->next_processing_stage.value(), "CRT");
    EXPECT_EQ(u->amount_payable_cents.value(), 12345);
    EXPECT_EQ(u->payment_allowance.value(), "N");
    EXPECT_EQ(u->epr_reason_of_suspension.value(), "CRT");
}

TEST(CourtRecord, AbsentStaysAbsentAndNullIsNull) {
    auto u = parse_court_update(doc(R"({"notice_no":"N1","suspension_type":null,"amount_payable":null,
                                        "last_processing_date":null})"));
    ASSERT_TRUE(u);
    EXPECT_TRUE(u->suspension_type.is_null());
    EXPECT_TRUE(u->amount_payable_cents.is_null());
    EXPECT_TRUE(u->last_processing_date.is_null());
    EXPECT_FALSE(u->atoms_flag.present());
    EXPECT_FALSE(u->last_eburar_update.present());
    EXPECT_FALSE(u->next_processing_stage.present());
    EXPECT_FALSE(u->payment_allowance.present());
    EXPECT_FALSE(u->epr_reason_of_suspension.present());
}

TEST(CourtRecord, AmountIsReadAsExactCentsFromNumbersAndNumericStrings) {
    const std::vector<std::pair<std::string, std::int64_t>> ok{
        {"0", 0},           {"70", 7000},         {"70.5", 7050},   {"0.1", 10},           {"0.07", 7},
        {"12.30", 1230},    {"1e2", 10000},       {"\"12.34\"", 1234}, {"\"70\"", 7000},     {"0.29", 29},
        {"1.005e2", 10050}, {"9999999999.99", 999999999999}, {"-1.5", -150}, {"\"-0.01\"", -1}};
    for (const auto& [text, cents] : ok) {
        auto u = parse_court_update(doc(R"({"notice_no":"N1","amount_payable":)" + text + "}"));
        ASSERT_TRUE(u) << text;
        EXPECT_EQ(u->amount_payable_cents.value(), cents) << text;
    }
    for (std::string bad : {"12.345", "0.001", "1e-3", "\"12.345\"", "\"abc\"", "\"\"", "\" 12\"", "\"1e2\"", "true",
                            "[1]", "{}", "1e300", "123456789012345678"}) {
        auto u = parse_court_update(doc(R"({"notice_no":"N1","amount_payable":)" + bad + "}"));
        ASSERT_FALSE(u) << bad;
        EXPECT_EQ(fields(u.error()), Fields{"amount_payable"}) << bad;
    }
}

TEST(CourtRecord, DatesAreIsoAndWithoutAZoneSingaporeTime) {
    auto u = parse_court_update(doc(R"({"notice_no":"N1","last_processing_date":"2026-03-10T10:00:00"})"));
    ASSERT_TRUE(u);
    EXPECT_EQ(format_offset(u->last_processing_date.value()), "2026-03-10T10:00:00.000000+08:00");
    u = parse_court_update(doc(R"({"notice_no":"N1","last_processing_date":"2026-03-10T02:00:00Z"})"));
    ASSERT_TRUE(u);
    EXPECT_EQ(format_local(u->last_processing_date.value()), "2026-03-10T10:00:00");
    for (std::string bad : {"\"2026-02-30T10:00:00\"", "\"10/03/2026\"", "\"\"", "20260310", "false"}) {
        auto r = parse_court_update(doc(R"({"notice_no":"N1","last_processing_date":)" + bad + "}"));
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(fields(r.error()), Fields{"last_processing_date"}) << bad;
    }
}

TEST(CourtRecord, WrongTypesMissingNoticeAndUnknownKeysAreFieldErrors) {
    auto u = parse_court_update(doc(R"({"suspension_type":1,"atoms_flag":true,"payment_allowance":["Y"],
                                        "epr_reason_of_suspension":{},"next_processing_stage":5,
                                        "last_eburar_update":2.5,"extra":"x"})"));
    ASSERT_FALSE(u);
    EXPECT_EQ(fields(u.error()), (Fields{"notice_no", "suspension_type", "last_eburar_update", "atoms_flag",
                                         "next_processing_stage", "payment_allowance", "epr_reason_of_suspension",
                                         "extra"}));
    EXPECT_EQ(u.error().front().message, "is required");
    EXPECT_EQ(u.error()[1].message, "must be a string or null");
    EXPECT_EQ(u.error().back().message, "is not a field of updateCourtNotices");

    auto n = parse_court_update(doc(R"({"notice_no":123})"));
    ASSERT_FALSE(n);
    EXPECT_EQ(fields(n.error()), Fields{"notice_no"});
    auto arr = parse_court_update(doc(R"([{"notice_no":"N1"}])"));
    ASSERT_FALSE(arr);
    EXPECT_EQ(fields(arr.error()), Fields{"record"});
}

TEST(CourtRecord, CheckAppliesTheRulesAfterTheShape) {
    EXPECT_TRUE(check_court_record(doc(kFull)));
    auto bad = check_court_record(doc(R"({"notice_no":"N1","suspension_type":"XX","amount_payable":-1,
                                          "last_processing_date":null})"));
    ASSERT_FALSE(bad);
    EXPECT_EQ(fields(bad.error()), (Fields{"suspension_type", "last_processing_date", "amount_payable"}));
    // Shape errors come alone: the rules are not run on a record that could not be read.
    auto shape = check_court_record(doc(R"({"notice_no":"N1","suspension_type":"XX","amount_payable":"x"})"));
    ASSERT_FALSE(shape);
    EXPECT_EQ(fields(shape.error()), Fields{"amount_payable"});
}

TEST(CourtRecord, ErrorsJsonIsTheDataOfA4022Reply) {
    EXPECT_EQ(errors_json({{"amount_payable", "must not be null"}, {"a\"b", "x"}}),
              R"({"errors":[{"field":"amount_payable","message":"must not be null"},{"field":"a\"b","message":"x"}]})");
    EXPECT_EQ(errors_json({}), R"({"errors":[]})");
}

TEST(CourtRecord, TheCommandSchemaChecksShapeOnlyAndLeavesValuesToTheRules) {
    auto schemas = json::SchemaRegistry::load(OCMS_SCHEMAS_DIR);
    const std::string name = "commands/court.update.v1";
    ASSERT_TRUE(schemas->has(name));
    EXPECT_EQ(schemas->validate(name, doc(kFull)), "");
    EXPECT_EQ(schemas->validate(name, doc(R"({"notice_no":"N1"})")), "");
    // Values the rules refuse pass the schema, so the sender gets OCMS-4022 with the fields.
    EXPECT_EQ(schemas->validate(name, doc(R"({"notice_no":"N1","suspension_type":"XX","amount_payable":null,
        "last_processing_date":null,"atoms_flag":"ABCDEFGHIJKL","payment_allowance":"YES"})")),
              "");
    EXPECT_EQ(schemas->validate(name, doc(R"({"notice_no":"N1","amount_payable":"12.50"})")), "");
    // Shape: notice_no required and a notice number, no unknown keys, JSON types.
    EXPECT_NE(schemas->validate(name, doc(R"({"suspension_type":"TS"})")), "");
    EXPECT_NE(schemas->validate(name, doc(R"({"notice_no":"N-1"})")), "");
    EXPECT_NE(schemas->validate(name, doc(R"({"notice_no":"N1","extra":1})")), "");
    EXPECT_NE(schemas->validate(name, doc(R"({"notice_no":"N1","atoms_flag":1})")), "");
    EXPECT_NE(schemas->validate(name, doc(R"({"notice_no":"N1","amount_payable":true})")), "");
}

}  // namespace
}  // namespace ocms::court
