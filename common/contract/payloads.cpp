#include "contract/payloads.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace ocms::contract {

namespace {

namespace cf = domain::court_field;

// ---------------------------------------------------------------- writing

class Out {
public:
    Out() : w_(sb_) { w_.StartObject(); }

    void text(std::string_view key, std::string_view v) {
        name(key);
        w_.String(v.data(), rapidjson::SizeType(v.size()));
    }
    void text(std::string_view key, const std::optional<std::string>& v) {
        if (v) text(key, std::string_view(*v));
    }
    template <class Tag>
    void text(std::string_view key, const std::optional<NamedType<std::string, Tag>>& v) {
        if (v) text(key, std::string_view(v->value()));
    }
    void flag(std::string_view key, const std::optional<bool>& v) {
        if (!v) return;
        name(key);
        w_.Bool(*v);
    }
    void null(std::string_view key) {
        name(key);
        w_.Null();
    }
    // A field of a partial update: absent = no key, null = null, else its value.
    void field(std::string_view key, const domain::Field<std::string>& f) {
        if (!f.present()) return;
        if (f.is_null()) return null(key);
        text(key, std::string_view(f.value()));
    }
    void field(std::string_view key, const domain::Field<CourtAmount>& f) {
        if (!f.present()) return;
        if (f.is_null()) return null(key);
        name(key);
        std::visit(
            [this](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::int64_t>) w_.Int64(v);
                else if constexpr (std::is_same_v<T, std::uint64_t>) w_.Uint64(v);
                else if constexpr (std::is_same_v<T, double>) {
                    // JSON has no NaN or infinity (RapidJSON would write nothing and leave the
                    // document broken); decode never makes one, a hand-built struct might.
                    if (std::isfinite(v)) w_.Double(v);
                    else w_.Null();
                } else w_.String(v.data(), rapidjson::SizeType(v.size()));
            },
            f.value());
    }

    std::string done() {
        w_.EndObject();
        return {sb_.GetString(), sb_.GetSize()};
    }

private:
    void name(std::string_view key) { w_.Key(key.data(), rapidjson::SizeType(key.size())); }

    rapidjson::StringBuffer sb_;
    json::Writer w_;
};

// ---------------------------------------------------------------- reading

const json::Value* member(const json::Value& obj, std::string_view key) {
    auto it = obj.FindMember(json::Value(rapidjson::StringRef(key.data(), rapidjson::SizeType(key.size()))));
    return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::string string_of(const json::Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

// A key as a field name in an error: at most 64 bytes, cut on a character boundary (the key may
// be anything a sender wrote).
std::string key_name(std::string_view s) {
    if (s.size() <= 64) return std::string(s);
    std::size_t n = 64;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return std::string(s.substr(0, n));
}

// Reads the members of one payload object; remembers the first fault (OCMS-4000, naming the
// property) and reads on, so that a decoder is a list of reads and one check at its end.
class In {
public:
    explicit In(const json::Value& obj) : obj_(obj) {
        if (!obj.IsObject()) fail("payload", "must be a JSON object");
    }

    std::string text(std::string_view key) {
        const json::Value* v = find(key);
        if (!v) {
            fail(key, "is required");
            return {};
        }
        if (!v->IsString()) {
            fail(key, "must be a string");
            return {};
        }
        return string_of(*v);
    }
    std::optional<std::string> opt_text(std::string_view key) {
        const json::Value* v = find(key);
        if (!v) return std::nullopt;
        if (!v->IsString()) {
            fail(key, "must be a string");
            return std::nullopt;
        }
        return string_of(*v);
    }
    template <class Named>
    std::optional<Named> opt_named(std::string_view key) {
        if (auto s = opt_text(key)) return Named(std::move(*s));
        return std::nullopt;
    }
    std::optional<bool> opt_flag(std::string_view key) {
        const json::Value* v = find(key);
        if (!v) return std::nullopt;
        if (!v->IsBool()) {
            fail(key, "must be a boolean");
            return std::nullopt;
        }
        return v->GetBool();
    }
    // A required string out of an enum: parse gives nullopt for a word not in it.
    template <class E, class Parse>
    E choice(std::string_view key, Parse parse, std::string_view words, E otherwise) {
        const json::Value* v = find(key);
        if (!v) {
            fail(key, "is required");
            return otherwise;
        }
        std::optional<E> e;
        if (v->IsString()) e = parse(std::string_view(v->GetString(), v->GetStringLength()));
        if (!e) {
            fail(key, "must be one of " + std::string(words));
            return otherwise;
        }
        return *e;
    }
    domain::Field<std::string> field(std::string_view key) {
        const json::Value* v = find(key);
        if (!v) return {};
        if (v->IsNull()) return domain::Field<std::string>::null();
        if (v->IsString()) return domain::Field<std::string>::of(string_of(*v));
        fail(key, "must be a string or null");
        return {};
    }
    domain::Field<CourtAmount> amount(std::string_view key) {
        const json::Value* v = find(key);
        if (!v) return {};
        if (v->IsNull()) return domain::Field<CourtAmount>::null();
        if (v->IsInt64()) return domain::Field<CourtAmount>::of(CourtAmount(v->GetInt64()));
        if (v->IsUint64()) return domain::Field<CourtAmount>::of(CourtAmount(v->GetUint64()));
        if (v->IsNumber()) return domain::Field<CourtAmount>::of(CourtAmount(v->GetDouble()));
        if (v->IsString()) return domain::Field<CourtAmount>::of(CourtAmount(string_of(*v)));
        fail(key, "must be a number, a string or null");
        return {};
    }
    // Every key one of names, or the first other one is a fault.
    template <std::size_t N>
    void only(const std::string_view (&names)[N], std::string_view type) {
        if (!obj_.IsObject()) return;
        for (auto it = obj_.MemberBegin(); it != obj_.MemberEnd(); ++it) {
            std::string_view key(it->name.GetString(), it->name.GetStringLength());
            if (std::find(std::begin(names), std::end(names), key) == std::end(names))
                fail(key_name(key), "is not a field of " + std::string(type));
        }
    }

    // value when every read succeeded, else the first fault.
    template <class P>
    Result<P> result(P value) {
        if (fault_) return std::unexpected(std::move(*fault_));
        return value;
    }

private:
    const json::Value* find(std::string_view key) const { return obj_.IsObject() ? member(obj_, key) : nullptr; }
    void fail(std::string_view key, const std::string& what) {
        if (!fault_) fault_ = Error{codes::kBadRequest, std::string(key) + " " + what};
    }

    const json::Value& obj_;
    std::optional<Error> fault_;
};

// The court record's keys: spec 001's names, in the spec's order.
constexpr std::string_view kCourtFields[] = {cf::kSuspensionType,     cf::kNoticeNo,
                                             cf::kLastEburarUpdate,   cf::kAtomsFlag,
                                             cf::kLastProcessingDate, cf::kNextProcessingStage,
                                             cf::kAmountPayable,      cf::kPaymentAllowance,
                                             cf::kEprReasonOfSuspension};

}  // namespace

// ---------------------------------------------------------------- enums

std::string_view name_of(domain::RevivalChannel channel) {
    using domain::RevivalChannel;
    switch (channel) {
        case RevivalChannel::staff: return "staff";
        case RevivalChannel::plus: return "plus";
        case RevivalChannel::internal: return "internal";
        case RevivalChannel::hst: return "hst";
        case RevivalChannel::automatic: return "automatic";
    }
    return "staff";
}

std::string_view name_of(StageMode mode) {
    switch (mode) {
        case StageMode::submit: return "submit";
        case StageMode::plus: return "plus";
        case StageMode::toppan: return "toppan";
    }
    return "submit";
}

std::optional<domain::RevivalChannel> parse_revival_channel(std::string_view text) {
    using domain::RevivalChannel;
    for (auto c : {RevivalChannel::staff, RevivalChannel::plus, RevivalChannel::internal, RevivalChannel::hst,
                   RevivalChannel::automatic})
        if (name_of(c) == text) return c;
    return std::nullopt;
}

std::optional<StageMode> parse_stage_mode(std::string_view text) {
    for (auto m : {StageMode::submit, StageMode::plus, StageMode::toppan})
        if (name_of(m) == text) return m;
    return std::nullopt;
}

// ---------------------------------------------------------------- suspension.apply

std::string encode(const SuspensionApply& p) {
    Out o;
    o.text("noticeNo", std::string_view(p.notice_no.value()));
    o.text("suspensionType", std::string_view(p.suspension_type));
    o.text("reasonOfSuspension", std::string_view(p.reason_of_suspension.value()));
    o.text("suspensionRemarks", p.suspension_remarks);
    o.text("officerAuthorisingSuspension", p.officer_authorising_suspension);
    o.text("dateOfSuspension", p.date_of_suspension);
    o.flag("checking", p.checking);
    return o.done();
}

template <>
Result<SuspensionApply> decode<SuspensionApply>(const json::Value& payload) {
    In in(payload);
    SuspensionApply p;
    p.notice_no = NoticeNo(in.text("noticeNo"));
    p.suspension_type = in.text("suspensionType");
    p.reason_of_suspension = ReasonCode(in.text("reasonOfSuspension"));
    p.suspension_remarks = in.opt_text("suspensionRemarks");
    p.officer_authorising_suspension = in.opt_text("officerAuthorisingSuspension");
    p.date_of_suspension = in.opt_text("dateOfSuspension");
    p.checking = in.opt_flag("checking");
    return in.result(std::move(p));
}

// ---------------------------------------------------------------- revival.apply

std::string encode(const RevivalApply& p) {
    Out o;
    o.text("noticeNo", std::string_view(p.notice_no.value()));
    o.text("suspensionType", std::string_view(p.suspension_type));
    o.text("revivalReason", std::string_view(p.revival_reason.value()));
    o.text("revivalRemarks", p.revival_remarks);
    o.text("officerAuthorisingRevival", std::string_view(p.officer_authorising_revival));
    o.text("channel", name_of(p.channel));
    o.text("hstIdNo", p.hst_id_no);
    return o.done();
}

template <>
Result<RevivalApply> decode<RevivalApply>(const json::Value& payload) {
    In in(payload);
    RevivalApply p;
    p.notice_no = NoticeNo(in.text("noticeNo"));
    p.suspension_type = in.text("suspensionType");
    p.revival_reason = ReasonCode(in.text("revivalReason"));
    p.revival_remarks = in.opt_text("revivalRemarks");
    p.officer_authorising_revival = in.text("officerAuthorisingRevival");
    p.channel = in.choice("channel", parse_revival_channel, "staff, plus, internal, hst, automatic",
                          domain::RevivalChannel::staff);
    p.hst_id_no = in.opt_text("hstIdNo");
    return in.result(std::move(p));
}

// ---------------------------------------------------------------- stage.change

std::string encode(const StageChange& p) {
    Out o;
    o.text("noticeNo", std::string_view(p.notice_no.value()));
    o.text("mode", name_of(p.mode));
    o.text("source", std::string_view(p.source));
    o.text("officer", std::string_view(p.officer));
    o.text("newStage", p.new_stage);
    o.text("currentStage", p.current_stage);
    o.text("offenderType", p.offender_type);
    o.text("reason", p.reason);
    o.text("remarks", p.remarks);
    o.flag("dhMhaCheck", p.dh_mha_check);
    o.flag("isConfirmation", p.is_confirmation);
    o.text("newStageDate", p.new_stage_date);
    o.text("processingDate", p.processing_date);
    return o.done();
}

template <>
Result<StageChange> decode<StageChange>(const json::Value& payload) {
    In in(payload);
    StageChange p;
    p.notice_no = NoticeNo(in.text("noticeNo"));
    p.mode = in.choice("mode", parse_stage_mode, "submit, plus, toppan", StageMode::submit);
    p.source = in.text("source");
    p.officer = in.text("officer");
    p.new_stage = in.opt_named<Stage>("newStage");
    p.current_stage = in.opt_named<Stage>("currentStage");
    p.offender_type = in.opt_text("offenderType");
    p.reason = in.opt_text("reason");
    p.remarks = in.opt_text("remarks");
    p.dh_mha_check = in.opt_flag("dhMhaCheck");
    p.is_confirmation = in.opt_flag("isConfirmation");
    p.new_stage_date = in.opt_text("newStageDate");
    p.processing_date = in.opt_text("processingDate");
    return in.result(std::move(p));
}

// ---------------------------------------------------------------- court.update

std::string encode(const CourtUpdate& p) {
    Out o;
    o.text(cf::kNoticeNo, std::string_view(p.notice_no.value()));
    o.field(cf::kSuspensionType, p.suspension_type);
    o.field(cf::kLastEburarUpdate, p.last_eburar_update);
    o.field(cf::kAtomsFlag, p.atoms_flag);
    o.field(cf::kLastProcessingDate, p.last_processing_date);
    o.field(cf::kNextProcessingStage, p.next_processing_stage);
    o.field(cf::kAmountPayable, p.amount_payable);
    o.field(cf::kPaymentAllowance, p.payment_allowance);
    o.field(cf::kEprReasonOfSuspension, p.epr_reason_of_suspension);
    return o.done();
}

template <>
Result<CourtUpdate> decode<CourtUpdate>(const json::Value& payload) {
    In in(payload);
    CourtUpdate p;
    p.notice_no = NoticeNo(in.text(cf::kNoticeNo));
    p.suspension_type = in.field(cf::kSuspensionType);
    p.last_eburar_update = in.field(cf::kLastEburarUpdate);
    p.atoms_flag = in.field(cf::kAtomsFlag);
    p.last_processing_date = in.field(cf::kLastProcessingDate);
    p.next_processing_stage = in.field(cf::kNextProcessingStage);
    p.amount_payable = in.amount(cf::kAmountPayable);
    p.payment_allowance = in.field(cf::kPaymentAllowance);
    p.epr_reason_of_suspension = in.field(cf::kEprReasonOfSuspension);
    in.only(kCourtFields, kCourtUpdate.type);
    return in.result(std::move(p));
}

}  // namespace ocms::contract
