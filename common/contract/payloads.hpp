#pragma once
// The payload of every command type in the catalogue as a typed struct, with its one codec
// (issue 15). The edge builds a struct and encodes it; the worker decodes the payload it took from
// the topic; the field names of the wire appear here (payloads.cpp) and in the schema only.
//
// Each struct holds exactly the properties of its schema (schemas/commands/<type>.v<N>), typed:
// a required property is a plain member, an optional one a std::optional (court.update: a
// domain::Field, because there absent, null and a value mean three different things).
// P::kKind is its catalogue entry; Payloads lists them all (a static_assert below and
// tests/unit/common/contract_test.cpp keep that list and kCatalogue in step).
//
// encode(p): compact JSON, the schema's names, an absent optional left out. It does not check
// values (lengths, patterns): the edge validates the encoded text against the schema before it
// publishes (edge refuse_by_schema), as it does today.
//
// decode<P>(payload): the struct from a parsed payload. Run after the payload has passed its
// schema (the worker's intake does), so it refuses only what the schema refuses too: a missing
// required property, a property of the wrong JSON type, a value outside the schema's enum; the
// Error (OCMS-4000) names the property. It checks no length or pattern (the schema's) and no value
// (dates stay the text that was sent: the worker parses them and answers a bad one, as today).
// Properties it does not know are ignored, as the worker handlers ignore them, except in
// court.update, whose record is refused with any key spec 001 does not name (court::
// parse_court_update does the same), so that encode(decode(v)) writes back exactly v.
//
// Pure functions over values: no I/O, safe from any thread.
#include "contract/catalogue.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "core/types.hpp"
#include "domain/court.hpp"
#include "domain/revival.hpp"
#include "json/json.hpp"
#include "messages/messages.hpp"

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>

namespace ocms::contract {

// suspension.apply v1: apply a suspension (TS) to one notice (spec 002). Topic ocms.cmd.suspension;
// applied by consumers/worker/handlers/apply_suspension.cpp (rules: common/domain/suspension).
struct SuspensionApply {
    static constexpr const CommandKind& kKind = kSuspensionApply;

    NoticeNo notice_no;                                         // noticeNo
    std::string suspension_type;                                // suspensionType ("TS")
    ReasonCode reason_of_suspension;                            // reasonOfSuspension ("ACR")
    std::optional<std::string> suspension_remarks;              // suspensionRemarks
    std::optional<std::string> officer_authorising_suspension;  // officerAuthorisingSuspension
                                                                // (absent: the envelope's officer)
    std::optional<std::string> date_of_suspension;              // dateOfSuspension, ISO 8601 as sent
    std::optional<bool> checking;                               // checking (absent: false)

    bool operator==(const SuspensionApply&) const = default;
};

// revival.apply v1: revive the suspension of one notice (spec 004). The channel is the domain's.
// Topic ocms.cmd.revival; applied by consumers/worker/handlers/revive_suspension.cpp (rules:
// common/domain/revival).
struct RevivalApply {
    static constexpr const CommandKind& kKind = kRevivalApply;

    NoticeNo notice_no;                                              // noticeNo
    std::string suspension_type;                                     // suspensionType ("TS" / "PS")
    ReasonCode revival_reason;                                       // revivalReason ("SPO")
    std::optional<std::string> revival_remarks;                      // revivalRemarks
    std::string officer_authorising_revival;                         // officerAuthorisingRevival
    domain::RevivalChannel channel = domain::RevivalChannel::staff;  // channel
    std::optional<std::string> hst_id_no;  // hstIdNo (channel hst: the tenant's register entry)

    bool operator==(const RevivalApply&) const = default;
};

// Who asks for a stage change (stage.change's "mode", spec 003 2.3 / 2.6 / 2.7).
enum class StageMode { submit, plus, toppan };

// stage.change v1: change the processing stage of one notice (OCMS 15, spec 003). Topic
// ocms.cmd.stage; applied by consumers/worker/handlers/change_stage.cpp (rules: common/domain/stage,
// SQL: common/stage_store). Dates are the
// text of the wire: the worker reads them (a date it cannot read is its OCMS.CPS.INVALID_FORMAT
// answer, not a refusal of the payload); whether a stage exists is the worker's question too.
struct StageChange {
    static constexpr const CommandKind& kKind = kStageChange;

    NoticeNo notice_no;                          // noticeNo
    StageMode mode = StageMode::submit;          // mode
    std::string source;                          // source: OCMS | PLUS | SYSTEM (the audit row's)
    std::string officer;                         // officer
    std::optional<Stage> new_stage;              // newStage ("RD1"; absent: the stage map's default)
    std::optional<Stage> current_stage;          // currentStage ("DN1")
    std::optional<std::string> offender_type;    // offenderType (O/D/H/DIR, OWNER ...)
    std::optional<std::string> reason;           // reason
    std::optional<std::string> remarks;          // remarks
    std::optional<bool> dh_mha_check;            // dhMhaCheck (absent: false)
    std::optional<bool> is_confirmation;         // isConfirmation (absent: false)
    std::optional<std::string> new_stage_date;   // newStageDate, ISO 8601 as sent
    std::optional<std::string> processing_date;  // processingDate, ISO 8601 as sent

    bool operator==(const StageChange&) const = default;
};

// court.update's amount_payable as CAS sent it: a JSON integer (int64, or uint64 past it), any
// other JSON number, or a numeric string ("12.50"). Kept as sent; court::parse_court_update reads
// it into cents.
using CourtAmount = std::variant<std::int64_t, std::uint64_t, double, std::string>;

// court.update v1: one record of CAS's POST /v1/updateCourtNotices (spec 001 1.3), snake_case as
// CAS sends it. Topic ocms.cmd.court; applied by consumers/worker/handlers/court_update.cpp (rules:
// common/court + common/domain/court). Every field but notice_no has three states (domain::Field): absent (column left as
// it is), null (column cleared), a value. Values are the wire's (dates and amounts unread): the
// rules and the reading into domain::CourtUpdate stay court::check_court_record's.
struct CourtUpdate {
    static constexpr const CommandKind& kKind = kCourtUpdate;

    NoticeNo notice_no;
    domain::Field<std::string> suspension_type;
    domain::Field<std::string> last_eburar_update;
    domain::Field<std::string> atoms_flag;
    domain::Field<std::string> last_processing_date;  // ISO 8601 as sent
    domain::Field<std::string> next_processing_stage;
    domain::Field<CourtAmount> amount_payable;
    domain::Field<std::string> payment_allowance;
    domain::Field<std::string> epr_reason_of_suspension;

    bool operator==(const CourtUpdate&) const = default;
};

// Every payload type, one per catalogue entry.
using Payloads = std::tuple<SuspensionApply, RevivalApply, StageChange, CourtUpdate>;

// The wire's words for the enums ("staff", "toppan" ...), and back (nullopt: not in the schema's
// enum).
std::string_view name_of(domain::RevivalChannel channel);
std::string_view name_of(StageMode mode);
std::optional<domain::RevivalChannel> parse_revival_channel(std::string_view text);
std::optional<StageMode> parse_stage_mode(std::string_view text);

std::string encode(const SuspensionApply& p);
std::string encode(const RevivalApply& p);
std::string encode(const StageChange& p);
std::string encode(const CourtUpdate& p);

// decode<SuspensionApply>(payload) ...: one explicit specialisation per payload type; any other
// type does not compile.
template <class P>
Result<P> decode(const json::Value& payload) = delete;
template <>
Result<SuspensionApply> decode<SuspensionApply>(const json::Value& payload);
template <>
Result<RevivalApply> decode<RevivalApply>(const json::Value& payload);
template <>
Result<StageChange> decode<StageChange>(const json::Value& payload);
template <>
Result<CourtUpdate> decode<CourtUpdate>(const json::Value& payload);

// A payload type: its catalogue entry, its notice and its codec.
template <class P>
concept Payload = requires(const P& p, const json::Value& v) {
    { P::kKind } -> std::convertible_to<const CommandKind&>;
    { p.notice_no } -> std::convertible_to<const NoticeNo&>;
    { encode(p) } -> std::same_as<std::string>;
    { decode<P>(v) } -> std::same_as<Result<P>>;
};

// Whether every catalogue entry has exactly one type in Ps and every type its entry.
template <class... Ps>
consteval bool covers_catalogue(std::tuple<Ps...>*) {
    if (sizeof...(Ps) != kCatalogue.size()) return false;
    for (const auto& k : kCatalogue)
        if (((Ps::kKind.type == k.type && Ps::kKind.version == k.version ? 1 : 0) + ... + 0) != 1) return false;
    return true;
}
static_assert(covers_catalogue(static_cast<Payloads*>(nullptr)), "one payload type per catalogue entry");

// What a command says of who sent it, beside its payload (the envelope's other fields).
// replyTo is the gateway's, replayOf ocms-replay's: make_command leaves them unset.
struct Origin {
    std::string source;   // OCMS_FE, PLUS, OCMS, CAS ...
    std::string officer;
    std::optional<RequestId> request_id;  // the edge's request; none for a job's command
    std::optional<TraceId> trace_id;
    TimePoint issued_at;
    std::optional<std::string> caller;  // messages::Command::caller
};

// The one envelope builder: a command of `kind` for `notice` with an encoded payload (a new
// command id, UUID v4). make_command below is the typed way in; this one is for a payload that is
// already the wire's text and must stay byte for byte what its sender wrote (CAS's court record).
messages::Command make_envelope(const CommandKind& kind, const NoticeNo& notice, std::string payload_json,
                                const Origin& origin, std::optional<messages::BatchPos> batch);

// The command carrying payload: a new command id (UUID v4), type and schema version from
// P::kKind, the notice number from the payload, payload_json = encode(payload). batch: the
// command's place in its request (nullopt for a command of its own, e.g. the auto-revival job's).
template <Payload P>
messages::Command make_command(const P& payload, const Origin& origin, std::optional<messages::BatchPos> batch) {
    return make_envelope(P::kKind, payload.notice_no, encode(payload), origin, batch);
}

}  // namespace ocms::contract
