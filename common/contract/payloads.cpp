#include "contract/payloads.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>
#include <type_traits>
#include <utility>

namespace ocms::contract {

namespace {

// ---------------------------------------------------------------- the wire's fields, once

// One property of a payload: its name on the wire and its member. Whether the schema requires
// it follows from the member's type: a plain member is required, a std::optional may be absent,
// a domain::Field may be absent, null or a value. The tables are generated from the schemas, so a
// payload's field names are written only there; encode and decode both walk them.
template <class S, class M>
struct Wire {
    std::string_view name;
    M S::*member;
};
template <class S, class M>
Wire(std::string_view, M S::*) -> Wire<S, M>;  // clang 16 (the fuzz build) has no aggregate CTAD

template <class S>
constexpr auto wire_of();  // the table of a payload type, specialised below

// One table a payload type, generated from its schema (common/contract/CMakeLists.txt):
// template <> constexpr auto wire_of<SuspensionApply>() { using P = SuspensionApply;
//     return std::tuple{Wire{"noticeNo", &P::notice_no}, Wire{"suspensionType", &P::suspension_type}, ...}; }
#include "contract/wire.inc"

// court.update's record is closed: a key spec 001 does not name is refused (court::parse_court_update
// does the same), so that encode(decode(v)) writes back exactly v.
template <class S>
constexpr bool kClosed = std::is_same_v<S, CourtUpdate>;

// ---------------------------------------------------------------- enums: the schema's words

template <class E>
struct Words;

template <>
struct Words<domain::RevivalChannel> {
    using E = domain::RevivalChannel;
    static constexpr std::array<std::pair<E, std::string_view>, 5> list{{{E::staff, "staff"},
                                                                          {E::plus, "plus"},
                                                                          {E::internal, "internal"},
                                                                          {E::hst, "hst"},
                                                                          {E::automatic, "automatic"}}};
};

template <>
struct Words<StageMode> {
    using E = StageMode;
    static constexpr std::array<std::pair<E, std::string_view>, 3> list{
        {{E::submit, "submit"}, {E::plus, "plus"}, {E::toppan, "toppan"}}};
};

template <class E>
constexpr std::string_view word_of(E e) {
    for (const auto& [v, w] : Words<E>::list)
        if (v == e) return w;
    return Words<E>::list.front().second;  // unreachable: every enumerator has its word (tested)
}

template <class E>
constexpr std::optional<E> enum_of(std::string_view text) {
    for (const auto& [v, w] : Words<E>::list)
        if (w == text) return v;
    return std::nullopt;
}

template <class E>
std::string words_of() {
    std::string out;
    for (const auto& [v, w] : Words<E>::list) out += (out.empty() ? "" : ", ") + std::string(w);
    return out;
}

template <class T>
constexpr bool kIsEnum = std::is_enum_v<T>;

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
struct IsField : std::false_type {};
template <class T>
struct IsField<domain::Field<T>> : std::true_type {};

template <class T>
struct IsNamed : std::false_type {};
template <class T, class Tag>
struct IsNamed<NamedType<T, Tag>> : std::true_type {};

// ---------------------------------------------------------------- writing

class Out {
public:
    Out() : w_(sb_) { w_.StartObject(); }

    template <class T>
    void put(std::string_view key, const T& v) {
        if constexpr (IsOptional<T>::value) {
            if (v) put(key, *v);
        } else if constexpr (IsField<T>::value) {
            if (!v.present()) return;
            name(key);
            if (v.is_null()) w_.Null();
            else value(v.value());
        } else {
            name(key);
            value(v);
        }
    }

    std::string done() {
        w_.EndObject();
        return {sb_.GetString(), sb_.GetSize()};
    }

private:
    void name(std::string_view key) { w_.Key(key.data(), rapidjson::SizeType(key.size())); }
    void text(std::string_view v) { w_.String(v.data(), rapidjson::SizeType(v.size())); }

    template <class T>
    void value(const T& v) {
        if constexpr (std::is_same_v<T, bool>) w_.Bool(v);
        else if constexpr (std::is_same_v<T, std::string>) text(v);
        else if constexpr (IsNamed<T>::value) text(v.value());
        else if constexpr (kIsEnum<T>) text(word_of(v));
        else if constexpr (std::is_same_v<T, CourtAmount>) {
            std::visit(
                [this](const auto& a) {
                    using A = std::decay_t<decltype(a)>;
                    if constexpr (std::is_same_v<A, std::int64_t>) w_.Int64(a);
                    else if constexpr (std::is_same_v<A, std::uint64_t>) w_.Uint64(a);
                    else if constexpr (std::is_same_v<A, double>) {
                        // JSON has no NaN or infinity (RapidJSON would write nothing and leave the
                        // document broken); decode never makes one, a hand-built struct might.
                        if (std::isfinite(a)) w_.Double(a);
                        else w_.Null();
                    } else text(a);
                },
                v);
        } else static_assert(sizeof(T) == 0, "no wire form for this member type");
    }

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
// property) and reads on, so that a decoder is one walk over the table and one check at its end.
class In {
public:
    explicit In(const json::Value& obj) : obj_(obj) {
        if (!obj.IsObject()) fail("payload", "must be a JSON object");
    }

    template <class T>
    void get(std::string_view key, T& out) {
        const json::Value* v = find(key);
        if constexpr (IsOptional<T>::value) {
            if (!v) return;
            typename T::value_type x{};
            if (value(key, *v, x)) out = std::move(x);
        } else if constexpr (IsField<T>::value) {
            if (!v) return;
            if (v->IsNull()) {
                out = T::null();
                return;
            }
            typename std::remove_cvref_t<decltype(out.value())> x{};
            if (value(key, *v, x, " or null")) out = T::of(std::move(x));
        } else {
            if (!v) return fail(key, "is required");
            value(key, *v, out);
        }
    }

    // Every key one of the table's, or the first other one is a fault.
    template <class Table>
    void only(const Table& table, std::string_view type) {
        if (!obj_.IsObject()) return;
        for (auto it = obj_.MemberBegin(); it != obj_.MemberEnd(); ++it) {
            std::string_view key(it->name.GetString(), it->name.GetStringLength());
            const bool known = std::apply([&](const auto&... w) { return ((w.name == key) || ...); }, table);
            if (!known) fail(key_name(key), "is not a field of " + std::string(type));
        }
    }

    // value when every read succeeded, else the first fault.
    template <class P>
    Result<P> result(P value) {
        if (fault_) return std::unexpected(std::move(*fault_));
        return value;
    }

private:
    template <class T>
    bool value(std::string_view key, const json::Value& v, T& out, std::string_view or_null = "") {
        if constexpr (std::is_same_v<T, bool>) {
            if (!v.IsBool()) return fail(key, "must be a boolean"), false;
            out = v.GetBool();
        } else if constexpr (std::is_same_v<T, std::string> || IsNamed<T>::value) {
            if (!v.IsString()) return fail(key, "must be a string" + std::string(or_null)), false;
            out = T(string_of(v));
        } else if constexpr (kIsEnum<T>) {
            std::optional<T> e;
            if (v.IsString()) e = enum_of<T>(std::string_view(v.GetString(), v.GetStringLength()));
            if (!e) return fail(key, "must be one of " + words_of<T>()), false;
            out = *e;
        } else if constexpr (std::is_same_v<T, CourtAmount>) {
            if (v.IsInt64()) out = CourtAmount(v.GetInt64());
            else if (v.IsUint64()) out = CourtAmount(v.GetUint64());
            else if (v.IsNumber()) out = CourtAmount(v.GetDouble());
            else if (v.IsString()) out = CourtAmount(string_of(v));
            else return fail(key, "must be a number, a string" + std::string(or_null)), false;
        } else static_assert(sizeof(T) == 0, "no wire form for this member type");
        return true;
    }

    const json::Value* find(std::string_view key) const { return obj_.IsObject() ? member(obj_, key) : nullptr; }
    void fail(std::string_view key, const std::string& what) {
        if (!fault_) fault_ = Error{codes::kBadRequest, std::string(key) + " " + what};
    }

    const json::Value& obj_;
    std::optional<Error> fault_;
};

template <class P>
std::string encode_by_table(const P& p) {
    Out o;
    std::apply([&](const auto&... w) { (o.put(w.name, p.*(w.member)), ...); }, wire_of<P>());
    return o.done();
}

template <class P>
Result<P> decode_by_table(const json::Value& payload) {
    In in(payload);
    P p;
    constexpr auto table = wire_of<P>();
    std::apply([&](const auto&... w) { (in.get(w.name, p.*(w.member)), ...); }, table);
    if constexpr (kClosed<P>) in.only(table, P::kKind.type);
    return in.result(std::move(p));
}

}  // namespace

// ---------------------------------------------------------------- the public face

std::string_view name_of(domain::RevivalChannel channel) { return word_of(channel); }
std::string_view name_of(StageMode mode) { return word_of(mode); }
std::optional<domain::RevivalChannel> parse_revival_channel(std::string_view text) {
    return enum_of<domain::RevivalChannel>(text);
}
std::optional<StageMode> parse_stage_mode(std::string_view text) { return enum_of<StageMode>(text); }

std::string encode(const SuspensionApply& p) { return encode_by_table(p); }
std::string encode(const RevivalApply& p) { return encode_by_table(p); }
std::string encode(const StageChange& p) { return encode_by_table(p); }
std::string encode(const CourtUpdate& p) { return encode_by_table(p); }

template <>
Result<SuspensionApply> decode<SuspensionApply>(const json::Value& payload) {
    return decode_by_table<SuspensionApply>(payload);
}
template <>
Result<RevivalApply> decode<RevivalApply>(const json::Value& payload) {
    return decode_by_table<RevivalApply>(payload);
}
template <>
Result<StageChange> decode<StageChange>(const json::Value& payload) {
    return decode_by_table<StageChange>(payload);
}
template <>
Result<CourtUpdate> decode<CourtUpdate>(const json::Value& payload) {
    return decode_by_table<CourtUpdate>(payload);
}

messages::Command make_envelope(const CommandKind& kind, const NoticeNo& notice, std::string payload_json,
                                const Origin& origin, std::optional<messages::BatchPos> batch) {
    messages::Command c;
    c.command_id = CommandId(new_uuid());
    c.type = std::string(kind.type);
    c.schema_version = kind.version;
    c.issued_at = origin.issued_at;
    c.source = origin.source;
    c.officer = origin.officer;
    c.request_id = origin.request_id;
    c.trace_id = origin.trace_id;
    c.batch = batch;
    c.caller = origin.caller;
    c.notice_no = notice;
    c.payload_json = std::move(payload_json);
    return c;
}

}  // namespace ocms::contract
