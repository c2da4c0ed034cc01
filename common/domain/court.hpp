#pragma once
// CAS's update of one court notice (spec 001 section 1.3, POST /v1/updateCourtNotices): the
// record as plain data, its field rules, and the decision the worker takes once it has locked the
// notice. Pure functions, no I/O (DESIGN.md invariant 6). Reading the record from JSON is
// common/court (court/court_record.hpp), shared by the edge (refuse a bad record before
// publishing) and the worker (court.update handler).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "core/types.hpp"
#include "domain/messages.hpp"  // court_message::*

namespace ocms::domain {

// A field of a partial update, in one of three states: absent (leave the column as it is),
// null (clear the column), or a value (set it). A value implies present; the state can only be
// built through the three constructors below, so "absent with a value" cannot exist.
template <class T>
class Field {
public:
    Field() = default;  // absent
    static Field null() {
        Field f;
        f.present_ = true;
        return f;
    }
    template <class U>
    static Field of(U&& v) {
        Field f;
        f.present_ = true;
        f.value_.emplace(std::forward<U>(v));
        return f;
    }

    bool present() const noexcept { return present_; }
    bool is_null() const noexcept { return present_ && !value_; }
    bool has_value() const noexcept { return value_.has_value(); }
    const T& value() const { return *value_; }  // only when has_value()
    // The column's new value when present: nullopt = SQL NULL.
    const std::optional<T>& get() const noexcept { return value_; }

    bool operator==(const Field&) const = default;

private:
    bool present_ = false;
    std::optional<T> value_;
};

// One record of POST /v1/updateCourtNotices as the edge received it (field names of spec 001):
// every field optional except notice_no; a field that is absent is left unchanged; a field sent
// as null clears the column where the column may be NULL.
struct CourtUpdate {
    NoticeNo notice_no;
    Field<std::string> suspension_type, last_eburar_update, atoms_flag, next_processing_stage, payment_allowance,
        epr_reason_of_suspension;
    Field<TimePoint> last_processing_date;
    Field<std::int64_t> amount_payable_cents;  // "amount_payable"
};

// A field that failed its rule: the field as spec 001 spells it ("amount_payable"), and why.
struct FieldError {
    std::string field;
    std::string message;
    bool operator==(const FieldError&) const = default;
};

// The field names of spec 001 1.3, in the spec's order.
namespace court_field {
inline constexpr std::string_view kSuspensionType = "suspension_type";
inline constexpr std::string_view kNoticeNo = "notice_no";
inline constexpr std::string_view kLastEburarUpdate = "last_eburar_update";
inline constexpr std::string_view kAtomsFlag = "atoms_flag";
inline constexpr std::string_view kLastProcessingDate = "last_processing_date";
inline constexpr std::string_view kNextProcessingStage = "next_processing_stage";
inline constexpr std::string_view kAmountPayable = "amount_payable";
inline constexpr std::string_view kPaymentAllowance = "payment_allowance";
inline constexpr std::string_view kEprReasonOfSuspension = "epr_reason_of_suspension";
}  // namespace court_field

// The largest NUMERIC(12,2): 9999999999.99.
inline constexpr std::int64_t kMaxAmountCents = 999'999'999'999;

// The field rules, every failing field once, in the spec's order (empty = valid):
// notice_no 1..10 letters and digits; suspension_type TS / PS or null; amount_payable not null,
// 0 .. 9999999999.99; last_processing_date not null; next_processing_stage three of A-Z 0-9 or
// null; atoms_flag at most 10 characters; payment_allowance exactly 1 character or null;
// epr_reason_of_suspension at most 3 and last_eburar_update at most 50 characters or null.
// Lengths count characters (UTF-8 code points), as PostgreSQL's varchar(n) does.
std::vector<FieldError> validate_court_update(const CourtUpdate& u);

// The spec field names of the fields present in u (set or cleared), in the spec's order.
std::vector<std::string_view> present_fields(const CourtUpdate& u);

struct CourtDecision {
    AppCode code;
    std::string message;
    std::vector<FieldError> errors;               // OCMS-4022: why
    std::vector<std::string_view> updated_fields;  // OCMS-2000: present_fields(u), to write
};

// Order: the field rules (OCMS-4022, kInvalidData + the errors), the notice (OCMS-4022
// "Invalid notice number: <no>"), next_processing_stage known in ocms_processing_stage when it
// is set (OCMS-4022, kInvalidData; next_stage_known is not looked at otherwise), success
// (OCMS-2000 "Success"; an update with no field but notice_no is a success that writes nothing).
CourtDecision decide_court_update(const CourtUpdate& u, bool notice_found, bool next_stage_known);

// ---- the day-end window (spec 001 1.3): CAS may update court notices only inside it ----------

// The window as minutes after Singapore midnight, from parameter CAS/DAYEND_WINDOW ("20:00-07:00";
// 24:00 only as an end). nullopt: not HH:MM-HH:MM.
struct DayendWindow {
    int start_minute = 0;
    int end_minute = 0;
};
std::optional<DayendWindow> parse_dayend_window(std::string_view text);
// Whether `now` (read in Singapore time) is inside: start inclusive, end exclusive; a window whose
// end is before its start runs across midnight; equal ends are the whole day.
bool window_open(const DayendWindow& window, TimePoint now);

// getNoticeUpdate (spec 001 1.2): a notice under PS with EPR reason WWP (exact, upper case) is the
// only one whose court fields the answer carries; for any other they "should not" be sent.
bool is_ps_wwp(const std::optional<std::string>& suspension_type, const std::optional<std::string>& epr_reason);

}  // namespace ocms::domain
