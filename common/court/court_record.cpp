#include "court/court_record.hpp"

#include "core/money.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace ocms::court {

namespace {

namespace f = domain::court_field;
using domain::Field;
using domain::FieldError;

void add(Errors& out, std::string_view field, std::string message) {
    out.push_back(FieldError{std::string(field), std::move(message)});
}

// A key of the record as a field name in an error: at most 64 bytes, cut on a character boundary.
std::string field_name(const json::Value& key) {
    std::string_view s(key.GetString(), key.GetStringLength());
    if (s.size() <= 64) return std::string(s);
    std::size_t n = 64;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return std::string(s.substr(0, n));
}

const json::Value* member(const json::Value& record, std::string_view key) {
    auto it = record.FindMember(json::Value(rapidjson::StringRef(key.data(), rapidjson::SizeType(key.size()))));
    return it == record.MemberEnd() ? nullptr : &it->value;
}

Field<std::string> text(const json::Value& record, std::string_view key, Errors& errors) {
    const json::Value* v = member(record, key);
    if (!v) return {};
    if (v->IsNull()) return Field<std::string>::null();
    if (v->IsString()) return Field<std::string>::of(std::string(v->GetString(), v->GetStringLength()));
    add(errors, key, "must be a string or null");
    return {};
}

Field<TimePoint> date_time(const json::Value& record, std::string_view key, Errors& errors) {
    const json::Value* v = member(record, key);
    if (!v) return {};
    if (v->IsNull()) return Field<TimePoint>::null();
    if (v->IsString())
        if (auto t = parse_iso(std::string_view(v->GetString(), v->GetStringLength()))) return Field<TimePoint>::of(*t);
    add(errors, key, "must be a date-time YYYY-MM-DDTHH:MM:SS (Singapore time when no zone is given)");
    return {};
}

// A JSON number as cents, exactly: an integer is multiplied; any other number is written back in
// its shortest form that reads as the same double (what the sender wrote, for up to 15
// significant digits) and read as a decimal, so 12.34 is 1234 and 12.345 is refused.
std::optional<std::int64_t> number_cents(const json::Value& v) {
    if (v.IsInt64()) {
        const std::int64_t i = v.GetInt64();
        constexpr std::int64_t lim = std::numeric_limits<std::int64_t>::max() / 100;
        if (i > lim || i < -lim) return std::nullopt;
        return i * 100;
    }
    const double d = v.GetDouble();
    if (!std::isfinite(d)) return std::nullopt;
    char buf[400];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
    if (ec != std::errc{}) return std::nullopt;
    return money::parse_cents(std::string_view(buf, std::size_t(end - buf)));
}

Field<std::int64_t> amount(const json::Value& record, std::string_view key, Errors& errors) {
    const json::Value* v = member(record, key);
    if (!v) return {};
    if (v->IsNull()) return Field<std::int64_t>::null();
    std::optional<std::int64_t> cents;
    if (v->IsNumber()) cents = number_cents(*v);
    else if (v->IsString()) cents = money::parse_cents(std::string_view(v->GetString(), v->GetStringLength()));
    if (cents) return Field<std::int64_t>::of(*cents);
    add(errors, key, "must be a decimal number with at most 2 decimal places");
    return {};
}

constexpr std::string_view kFields[] = {f::kSuspensionType,      f::kNoticeNo,          f::kLastEburarUpdate,
                                        f::kAtomsFlag,           f::kLastProcessingDate, f::kNextProcessingStage,
                                        f::kAmountPayable,       f::kPaymentAllowance,  f::kEprReasonOfSuspension};

}  // namespace

std::expected<domain::CourtUpdate, Errors> parse_court_update(const json::Value& record) {
    Errors errors;
    if (!record.IsObject()) {
        add(errors, "record", "must be a JSON object");
        return std::unexpected(std::move(errors));
    }
    domain::CourtUpdate u;
    if (const json::Value* no = member(record, f::kNoticeNo); !no)
        add(errors, f::kNoticeNo, "is required");
    else if (!no->IsString())
        add(errors, f::kNoticeNo, "must be a string");
    else
        u.notice_no = NoticeNo(std::string(no->GetString(), no->GetStringLength()));

    u.suspension_type = text(record, f::kSuspensionType, errors);
    u.last_eburar_update = text(record, f::kLastEburarUpdate, errors);
    u.atoms_flag = text(record, f::kAtomsFlag, errors);
    u.last_processing_date = date_time(record, f::kLastProcessingDate, errors);
    u.next_processing_stage = text(record, f::kNextProcessingStage, errors);
    u.amount_payable_cents = amount(record, f::kAmountPayable, errors);
    u.payment_allowance = text(record, f::kPaymentAllowance, errors);
    u.epr_reason_of_suspension = text(record, f::kEprReasonOfSuspension, errors);

    for (auto it = record.MemberBegin(); it != record.MemberEnd(); ++it) {
        std::string_view key(it->name.GetString(), it->name.GetStringLength());
        if (std::find(std::begin(kFields), std::end(kFields), key) == std::end(kFields))
            errors.push_back(FieldError{field_name(it->name), "is not a field of updateCourtNotices"});
    }
    if (!errors.empty()) return std::unexpected(std::move(errors));
    return u;
}

std::expected<domain::CourtUpdate, Errors> check_court_record(const json::Value& record) {
    auto u = parse_court_update(record);
    if (!u) return u;
    if (auto errors = domain::validate_court_update(*u); !errors.empty()) return std::unexpected(std::move(errors));
    return u;
}

void write_errors(json::Writer& w, const Errors& errors) {
    w.Key("errors");
    w.StartArray();
    for (const auto& e : errors) {
        w.StartObject();
        json::kv(w, "field", std::string_view(e.field));
        json::kv(w, "message", std::string_view(e.message));
        w.EndObject();
    }
    w.EndArray();
}

std::string errors_json(const Errors& errors) {
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    write_errors(w, errors);
    w.EndObject();
    return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace ocms::court
