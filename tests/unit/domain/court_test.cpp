// One test per rule of spec 001 1.3's court-notice update (validate_court_update) and per outcome
// of decide_court_update, plus the tri-state Field.
#include "domain/court.hpp"

#include <gtest/gtest.h>

namespace ocms::domain {
namespace {

using S = Field<std::string>;

CourtUpdate full() {
    CourtUpdate u;
    u.notice_no = NoticeNo("500500303J");
    u.suspension_type = S::of("TS");
    u.last_eburar_update = S::of("EBURAR-2026-01");
    u.atoms_flag = S::of("Y");
    u.last_processing_date = Field<TimePoint>::of(*parse_iso("2026-03-10T10:00:00"));
    u.next_processing_stage = S::of("CRT");
    u.amount_payable_cents = Field<std::int64_t>::of(std::int64_t{12345});
    u.payment_allowance = S::of("Y");
    u.epr_reason_of_suspension = S::of("CRT");
    return u;
}

CourtUpdate only_notice() {
    CourtUpdate u;
    u.notice_no = NoticeNo("500500303J");
    return u;
}

// The fields of the errors, in order, for short assertions.
std::vector<std::string> fields(const std::vector<FieldError>& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) out.push_back(e.field);
    return out;
}
using Fields = std::vector<std::string>;

TEST(CourtField, AbsentNullAndValueAreThreeStates) {
    S absent, null = S::null(), value = S::of("TS");
    EXPECT_FALSE(absent.present());
    EXPECT_FALSE(absent.is_null());
    EXPECT_FALSE(absent.has_value());
    EXPECT_TRUE(null.present());
    EXPECT_TRUE(null.is_null());
    EXPECT_FALSE(null.has_value());
    EXPECT_TRUE(value.present());
    EXPECT_FALSE(value.is_null());
    EXPECT_EQ(value.value(), "TS");
    EXPECT_EQ(value.get(), std::optional<std::string>("TS"));
    EXPECT_NE(absent, null);
    EXPECT_EQ(null.get(), absent.get());  // both write nothing / NULL: present() tells them apart
}

TEST(CourtRules, AFullRecordAndANoticeOnlyRecordAreValid) {
    EXPECT_TRUE(validate_court_update(full()).empty());
    EXPECT_TRUE(validate_court_update(only_notice()).empty());
}

TEST(CourtRules, NoticeNoIsOneToTenLettersOrDigits) {
    for (std::string bad : {"", "12345678901", "5005-0303", "50050 303J"}) {
        auto u = only_notice();
        u.notice_no = NoticeNo(bad);
        EXPECT_EQ(fields(validate_court_update(u)), Fields{"notice_no"}) << bad;
    }
    auto u = only_notice();
    u.notice_no = NoticeNo("a1B2c3D4e5");
    EXPECT_TRUE(validate_court_update(u).empty());
}

TEST(CourtRules, SuspensionTypeIsTsOrPsOrNull) {
    auto u = only_notice();
    for (std::string ok : {"TS", "PS"}) {
        u.suspension_type = S::of(ok);
        EXPECT_TRUE(validate_court_update(u).empty()) << ok;
    }
    u.suspension_type = S::null();
    EXPECT_TRUE(validate_court_update(u).empty());
    for (std::string bad : {"ts", "XX", "", "TSS"}) {
        u.suspension_type = S::of(bad);
        auto e = validate_court_update(u);
        ASSERT_EQ(fields(e), Fields{"suspension_type"}) << bad;
        EXPECT_EQ(e[0].message, "must be TS or PS");
    }
}

TEST(CourtRules, AmountPayableIsNotNullNotNegativeAndFitsNumeric12_2) {
    auto u = only_notice();
    u.amount_payable_cents = Field<std::int64_t>::of(std::int64_t{0});
    EXPECT_TRUE(validate_court_update(u).empty());
    u.amount_payable_cents = Field<std::int64_t>::of(kMaxAmountCents);
    EXPECT_TRUE(validate_court_update(u).empty());

    u.amount_payable_cents = Field<std::int64_t>::null();
    auto e = validate_court_update(u);
    ASSERT_EQ(fields(e), Fields{"amount_payable"});
    EXPECT_EQ(e[0].message, "must not be null");

    u.amount_payable_cents = Field<std::int64_t>::of(std::int64_t{-1});
    e = validate_court_update(u);
    ASSERT_EQ(fields(e), Fields{"amount_payable"});
    EXPECT_EQ(e[0].message, "must not be negative");

    u.amount_payable_cents = Field<std::int64_t>::of(kMaxAmountCents + 1);
    EXPECT_EQ(fields(validate_court_update(u)), Fields{"amount_payable"});
}

TEST(CourtRules, LastProcessingDateIsNotNull) {
    auto u = only_notice();
    u.last_processing_date = Field<TimePoint>::null();
    auto e = validate_court_update(u);
    ASSERT_EQ(fields(e), Fields{"last_processing_date"});
    EXPECT_EQ(e[0].message, "must not be null");
}

TEST(CourtRules, NextProcessingStageIsThreeCapitalsOrDigitsOrNull) {
    auto u = only_notice();
    for (std::string ok : {"CRT", "DN1", "123"}) {
        u.next_processing_stage = S::of(ok);
        EXPECT_TRUE(validate_court_update(u).empty()) << ok;
    }
    u.next_processing_stage = S::null();
    EXPECT_TRUE(validate_court_update(u).empty());
    for (std::string bad : {"crt", "CR", "CRTS", "C-T", ""}) {
        u.next_processing_stage = S::of(bad);
        EXPECT_EQ(fields(validate_court_update(u)), Fields{"next_processing_stage"}) << bad;
    }
}

TEST(CourtRules, AtomsFlagIsAtMostTenCharacters) {
    auto u = only_notice();
    u.atoms_flag = S::of(std::string(10, 'Y'));
    EXPECT_TRUE(validate_court_update(u).empty());
    u.atoms_flag = S::null();
    EXPECT_TRUE(validate_court_update(u).empty());
    u.atoms_flag = S::of(std::string(11, 'Y'));
    auto e = validate_court_update(u);
    ASSERT_EQ(fields(e), Fields{"atoms_flag"});
    EXPECT_EQ(e[0].message, "must be at most 10 characters");
}

TEST(CourtRules, PaymentAllowanceIsExactlyOneCharacterOrNull) {
    auto u = only_notice();
    u.payment_allowance = S::of("N");
    EXPECT_TRUE(validate_court_update(u).empty());
    u.payment_allowance = S::of("\xC3\xA9");  // one character, two bytes: char(1) takes it
    EXPECT_TRUE(validate_court_update(u).empty());
    u.payment_allowance = S::null();
    EXPECT_TRUE(validate_court_update(u).empty());
    for (std::string bad : {"", "YN"}) {
        u.payment_allowance = S::of(bad);
        EXPECT_EQ(fields(validate_court_update(u)), Fields{"payment_allowance"}) << bad;
    }
}

TEST(CourtRules, EprReasonOfSuspensionIsAtMostThreeCharactersOrNull) {
    auto u = only_notice();
    u.epr_reason_of_suspension = S::of("CRT");
    EXPECT_TRUE(validate_court_update(u).empty());
    u.epr_reason_of_suspension = S::null();
    EXPECT_TRUE(validate_court_update(u).empty());
    u.epr_reason_of_suspension = S::of("CRTX");
    EXPECT_EQ(fields(validate_court_update(u)), Fields{"epr_reason_of_suspension"});
}

TEST(CourtRules, LastEburarUpdateIsAtMostFiftyCharactersOrNull) {
    auto u = only_notice();
    u.last_eburar_update = S::of(std::string(50, 'x'));
    EXPECT_TRUE(validate_court_update(u).empty());
    u.last_eburar_update = S::null();
    EXPECT_TRUE(validate_court_update(u).empty());
    u.last_eburar_update = S::of(std::string(51, 'x'));
    EXPECT_EQ(fields(validate_court_update(u)), Fields{"last_eburar_update"});
    // Characters, not bytes: 50 two-byte characters fit varchar(50).
    std::string wide;
    for (int i = 0; i < 50; ++i) wide += "\xC3\xA9";
    u.last_eburar_update = S::of(wide);
    EXPECT_TRUE(validate_court_update(u).empty());
}

TEST(CourtRules, EveryFailingFieldIsReportedOnceInTheSpecsOrder) {
    CourtUpdate u;
    u.notice_no = NoticeNo("");
    u.suspension_type = S::of("XX");
    u.last_eburar_update = S::of(std::string(51, 'x'));
    u.atoms_flag = S::of(std::string(11, 'Y'));
    u.last_processing_date = Field<TimePoint>::null();
    u.next_processing_stage = S::of("x");
    u.amount_payable_cents = Field<std::int64_t>::null();
    u.payment_allowance = S::of("YY");
    u.epr_reason_of_suspension = S::of("ABCD");
    EXPECT_EQ(fields(validate_court_update(u)),
              (Fields{"suspension_type", "notice_no", "last_eburar_update", "atoms_flag", "last_processing_date",
                      "next_processing_stage", "amount_payable", "payment_allowance", "epr_reason_of_suspension"}));
}

TEST(CourtDecide, SuccessListsThePresentFieldsIncludingClearedOnes) {
    auto d = decide_court_update(full(), true, true);
    EXPECT_EQ(d.code, codes::kSuccess);
    EXPECT_EQ(d.message, "Success");
    EXPECT_TRUE(d.errors.empty());
    EXPECT_EQ(d.updated_fields, (std::vector<std::string_view>{"suspension_type", "last_eburar_update", "atoms_flag",
                                                                "last_processing_date", "next_processing_stage",
                                                                "amount_payable", "payment_allowance",
                                                                "epr_reason_of_suspension"}));
    auto u = only_notice();
    u.suspension_type = S::null();
    u.amount_payable_cents = Field<std::int64_t>::of(std::int64_t{100});
    d = decide_court_update(u, true, false);
    EXPECT_EQ(d.code, codes::kSuccess);
    EXPECT_EQ(d.updated_fields, (std::vector<std::string_view>{"suspension_type", "amount_payable"}));
}

TEST(CourtDecide, NothingButTheNoticeIsASuccessThatWritesNothing) {
    auto d = decide_court_update(only_notice(), true, false);
    EXPECT_EQ(d.code, codes::kSuccess);
    EXPECT_TRUE(d.updated_fields.empty());
}

TEST(CourtDecide, InvalidFieldsAre4022WithTheSpecsMessageBeforeTheNoticeIsLookedAt) {
    auto u = full();
    u.suspension_type = S::of("XX");
    auto d = decide_court_update(u, false, false);
    EXPECT_EQ(d.code.str(), "OCMS-4022");
    EXPECT_EQ(d.message, "Invalid data provided for one or more notices.");
    EXPECT_EQ(fields(d.errors), Fields{"suspension_type"});
    EXPECT_TRUE(d.updated_fields.empty());
}

TEST(CourtDecide, UnknownNoticeIs4022) {
    auto d = decide_court_update(full(), false, true);
    EXPECT_EQ(d.code.str(), "OCMS-4022");
    EXPECT_EQ(d.message, "Invalid notice number: 500500303J");
    ASSERT_EQ(fields(d.errors), Fields{"notice_no"});
    EXPECT_EQ(d.errors[0].message, "Notice not found");
}

TEST(CourtDecide, UnknownNextStageIs4022ButOnlyWhenTheStageIsSet) {
    auto d = decide_court_update(full(), true, false);
    EXPECT_EQ(d.code.str(), "OCMS-4022");
    EXPECT_EQ(d.message, "Invalid data provided for one or more notices.");
    ASSERT_EQ(fields(d.errors), Fields{"next_processing_stage"});
    EXPECT_EQ(d.errors[0].message, "Unknown processing stage: CRT");

    auto u = full();
    u.next_processing_stage = S::null();
    EXPECT_EQ(decide_court_update(u, true, false).code, codes::kSuccess);
    u.next_processing_stage = S{};
    EXPECT_EQ(decide_court_update(u, true, false).code, codes::kSuccess);
}

// The day-end window (spec 001 1.3): read in Singapore time, across midnight, equal ends = all day.
TEST(DayendWindow, ParsedAndReadInSingaporeTime) {
    EXPECT_FALSE(parse_dayend_window("20:00"));
    EXPECT_FALSE(parse_dayend_window("24:00-07:00"));
    EXPECT_FALSE(parse_dayend_window("20:60-07:00"));
    EXPECT_FALSE(parse_dayend_window("8:00-17:00"));
    const auto night = parse_dayend_window("20:00-07:00");
    ASSERT_TRUE(night);
    EXPECT_EQ(night->start_minute, 20 * 60);
    EXPECT_EQ(night->end_minute, 7 * 60);
    EXPECT_FALSE(window_open(*night, *parse_iso("2025-06-10T11:59:00Z")));  // 19:59 in Singapore
    EXPECT_TRUE(window_open(*night, *parse_iso("2025-06-10T12:00:00Z")));   // 20:00
    EXPECT_TRUE(window_open(*night, *parse_iso("2025-06-11T06:59:59")));
    EXPECT_FALSE(window_open(*night, *parse_iso("2025-06-11T07:00:00")));
    EXPECT_TRUE(window_open(*parse_dayend_window("08:00-08:00"), *parse_iso("2025-06-11T03:00:00")));
    EXPECT_TRUE(window_open(*parse_dayend_window("22:00-24:00"), *parse_iso("2025-06-11T23:59:59")));
}

TEST(CourtFields, OnlyPsWwpCarriesThem) {
    EXPECT_TRUE(is_ps_wwp(std::string("PS"), std::string("WWP")));
    EXPECT_FALSE(is_ps_wwp(std::string("TS"), std::string("WWP")));
    EXPECT_FALSE(is_ps_wwp(std::string("PS"), std::string("wwp")));
    EXPECT_FALSE(is_ps_wwp(std::nullopt, std::string("WWP")));
    EXPECT_FALSE(is_ps_wwp(std::string("PS"), std::nullopt));
}

}  // namespace
}  // namespace ocms::domain
