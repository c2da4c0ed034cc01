// libFuzzer target: a message on a command topic, as the worker takes it before it touches the
// database, and the pure halves of the handlers after that. Anyone can publish to ocms.cmd.*
// (DESIGN.md invariant 5), so every byte string must end as a command or a dead letter.
//
// The steps are the worker's own: worker::take_in (consumers/worker/intake.cpp), which
// Processor::prepare runs on every message: json::parse, "envelope.v1", messages::decode_command,
// the handler table, the payload's schema.
// Then, for a command that passed: the handler's payload parser and the domain decision over a
// fixed notice (stage_change::parse_request + decide_stage_change / classify_toppan,
// court::check_court_record + decide_court_update, the suspension and revival mappings +
// decide_apply_ts / decide_revival).
//
// Properties, besides no crash, leak or UB:
//   - an accepted command re-encodes to bytes that pass the same checks and decode to the same
//     command, and re-encoding keeps every field of the message (RapidJSON equality of the
//     documents, issuedAt compared as an instant);
//   - a dead letter of the message passes dlq.v1 and gives back the original bytes;
//   - the reply the worker sends (the handler's data, or "Command rejected: <why>" for a command
//     it dead-letters) passes reply.v1, which the edge checks before it takes a reply, and
//     outcome.v1 (the same body goes to ocms.outcome);
//   - a stage.change in mode toppan that parse_request accepts has its currentStage and
//     processingDate (the handler dereferences both).
#include "fuzz_support.hpp"

#include "core/log.hpp"
#include "court/court_record.hpp"
#include "domain/court.hpp"
#include "domain/revival.hpp"
#include "domain/stage.hpp"
#include "domain/suspension.hpp"
#include "handler.hpp"
#include "intake.hpp"
#include "handlers/change_stage.hpp"

#include <cstdint>
#include <optional>
#include <string>

using namespace ocms;

namespace {

// The reply the worker publishes for a command (processor.cpp make_reply), checked as the edge
// checks it (gateway.cpp handle_bytes: JSON, reply.v1, decode_reply).
void check_reply(const messages::Command& c, const std::string& notice, AppCode code, std::string message,
                 std::string data) {
    messages::Reply r;
    r.command_id = c.command_id;
    r.request_id = c.request_id;
    r.type = c.type;
    r.notice_no = NoticeNo(notice);
    r.app_code = code;
    r.message = std::move(message);
    r.data_json = std::move(data);
    r.processed_at = fuzz::fixed_now();
    r.batch = c.batch;
    if (!r.data_json.empty()) {
        auto d = json::parse(r.data_json);
        FUZZ_CHECK(d && d->IsObject(), "a handler's reply data is not a JSON object: " + r.data_json);
    }
    const std::string bytes = messages::encode(r);
    auto doc = json::parse(bytes);
    FUZZ_CHECK(doc.has_value(), "the reply is not JSON: " + bytes);
    const std::string why = fuzz::schemas()->validate("reply.v1", *doc);
    FUZZ_CHECK(why.empty(), "the worker's reply fails reply.v1 (" + why + "), the edge drops it: " + bytes);
    const std::string why_outcome = fuzz::schemas()->validate("outcome.v1", *doc);
    FUZZ_CHECK(why_outcome.empty(), "the worker's outcome event fails outcome.v1 (" + why_outcome + "): " + bytes);
    auto back = messages::decode_reply(*doc);
    FUZZ_CHECK(back.has_value(), "the reply does not decode: " + bytes);
}

// Every field of the message survives decode + encode.
void check_fidelity(const json::Value& original, const messages::Command& c) {
    const std::string bytes = messages::encode(c);
    auto again = json::parse(bytes);
    FUZZ_CHECK(again.has_value(), "re-encoded command is not JSON");
    json::Document a;
    a.CopyFrom(original, a.GetAllocator());
    a.RemoveMember("issuedAt");
    again->RemoveMember("issuedAt");
    FUZZ_CHECK(a == *again, "decode + encode changed the message: " + json::to_string(original) + " -> " + bytes);
    auto t1 = parse_iso(json::get_string(original, "issuedAt").value_or(""));
    FUZZ_CHECK(t1 && *t1 == c.issued_at, "issuedAt changed: " + json::to_string(original));
}

void check_dead_letter(std::string_view value, const worker::Intake& p) {
    messages::DeadLetter d;
    d.reason = *p.dlq_reason;
    d.error = p.dlq_error;
    d.source_topic = messages::kTopicSuspension;
    d.partition = 3;
    d.offset = 42;
    d.key = "500500303J";
    if (p.command) d.command_id = p.command->command_id;
    d.dead_lettered_at = fuzz::fixed_now();
    d.original = std::string(value);
    const std::string bytes = messages::encode(d);
    auto doc = json::parse(bytes);
    FUZZ_CHECK(doc.has_value(), "the dead letter is not JSON");
    const std::string why = fuzz::schemas()->validate("dlq.v1", *doc);
    FUZZ_CHECK(why.empty(), "the dead letter fails dlq.v1: " + why);
    auto original = messages::original_bytes(*doc);
    FUZZ_CHECK(original && *original == value, "the dead letter does not give back the original bytes");
}

// ---- the handlers' pure halves over a fixed notice -------------------------------------------

domain::StageReference stage_reference() {
    domain::StageReference ref;
    ref.stages = {{Stage("DN1"), 7, false, true}, {Stage("DN2"), 8, false, true}, {Stage("CFC"), 11, false, false},
                  {Stage("CRT"), 12, true, false}};
    ref.map = {{Stage("DN1"), Stage("DN2"), true, 3000, true}};
    ref.roles = {{domain::OffenderRole::driver, Stage("DN1")}, {domain::OffenderRole::driver, Stage("DN2")}};
    ref.parameters = {{"NEXT_STAGE", "DN2", "DN3"}, {"STAGEDAYS", "DN2", "14"}};
    return ref;
}

void stage_change(const messages::Command& c, const json::Value& payload, const std::string& notice) {
    auto req = worker::stage_change::parse_request(payload);
    if (!req) {
        auto r = worker::stage_change::fault_result(req.error());
        check_reply(c, notice, r.code, r.message, r.data_json);
        return;
    }
    domain::StageNotice n;
    n.notice_no = req->change.notice_no;
    n.last_processing_stage = Stage("DN1");
    n.last_processing_date = fuzz::fixed_now() - std::chrono::hours(24 * 10);
    n.amount_payable_cents = 7000;
    n.composition_amount_cents = 7000;
    n.offenders = {{"D", true, std::nullopt}};
    const auto ref = stage_reference();
    if (req->mode == worker::stage_change::Mode::toppan) {
        FUZZ_CHECK(req->change.current_stage && req->processing_date,
                   "a toppan request without currentStage or processingDate: " + json::to_string(payload));
        auto d = domain::classify_toppan(n, *req->change.current_stage, *req->processing_date, ref, fuzz::fixed_now());
        auto r = worker::stage_change::toppan_result(d, n);
        check_reply(c, notice, r.code, r.message, r.data_json);
        return;
    }
    auto d = domain::decide_stage_change(req->change, n, ref, fuzz::fixed_now());
    auto r = worker::stage_change::change_result(d);
    check_reply(c, notice, r.code, r.message, r.data_json);
}

void court_update(const messages::Command& c, const json::Value& payload, const std::string& notice) {
    auto u = court::check_court_record(payload);
    if (!u) {
        check_reply(c, notice, domain::court_message::kInvalidData.code, std::string(domain::court_message::kInvalidData),
                    court::errors_json(u.error()));
        return;
    }
    auto d = domain::decide_court_update(*u, true, true);
    check_reply(c, notice, d.code, d.message, d.errors.empty() ? "" : court::errors_json(d.errors));
}

// apply_suspension.cpp's mapping of the payload.
void suspension_apply(const messages::Command& c, const json::Value& p, const std::string& notice) {
    domain::ApplyTs cmd;
    cmd.notice_no = NoticeNo(std::string(json::get_string(p, "noticeNo").value_or("")));
    cmd.suspension_type = std::string(json::get_string(p, "suspensionType").value_or(""));
    cmd.reason = ReasonCode(std::string(json::get_string(p, "reasonOfSuspension").value_or("")));
    if (auto r = json::get_string(p, "suspensionRemarks")) cmd.remarks = std::string(*r);
    cmd.officer = std::string(json::get_string(p, "officerAuthorisingSuspension").value_or(c.officer));
    cmd.source = c.source;
    cmd.checking = json::get_bool(p, "checking").value_or(false);
    if (auto d = json::get_string(p, "dateOfSuspension")) {
        auto t = parse_iso(*d);
        if (!t) return check_reply(c, notice, codes::kBadRequest, "dateOfSuspension is not an ISO 8601 date-time", "");
        cmd.date_of_suspension = *t;
    }
    domain::NoticeState state;
    state.notice_no = cmd.notice_no;
    state.last_processing_stage = Stage("RD1");
    domain::SuspensionReasonRow row{"TS", ReasonCode("ACR"), cmd.source, "ACRA", 21, true, false, {Stage("RD1")}};
    auto d = domain::decide_apply_ts(cmd, state, std::span<const domain::SuspensionReasonRow>(&row, 1), fuzz::fixed_now());
    std::string data;
    if (d.due_date_of_revival) data = R"({"dueDateOfRevival":")" + format_local(*d.due_date_of_revival) + "\"}";
    check_reply(c, notice, d.code, d.message, data);
}

// revive_suspension.cpp's mapping of the payload.
void revival_apply(const messages::Command& c, const json::Value& p, const std::string& notice) {
    using domain::RevivalChannel;
    domain::ReviveTs cmd;
    cmd.notice_no = NoticeNo(std::string(json::get_string(p, "noticeNo").value_or("")));
    cmd.suspension_type = std::string(json::get_string(p, "suspensionType").value_or("TS"));
    cmd.revival_reason = ReasonCode(std::string(json::get_string(p, "revivalReason").value_or("")));
    if (auto r = json::get_string(p, "revivalRemarks")) cmd.remarks = std::string(*r);
    cmd.officer = std::string(json::get_string(p, "officerAuthorisingRevival").value_or(c.officer));
    const auto ch = json::get_string(p, "channel").value_or("staff");
    cmd.channel = ch == "plus"        ? RevivalChannel::plus
                  : ch == "internal"  ? RevivalChannel::internal
                  : ch == "hst"       ? RevivalChannel::hst
                  : ch == "automatic" ? RevivalChannel::automatic
                                      : RevivalChannel::staff;
    domain::RevivalNotice n{Stage("RD1"), false, std::string("TS"), std::nullopt};
    domain::SuspensionRecord rec{7, "TS", ReasonCode("ACR"), fuzz::fixed_now() - std::chrono::hours(1)};
    domain::RevivalReasonRow reason{cmd.revival_reason, "Revived", true};
    auto d = domain::decide_revival(cmd, n, rec, reason, true, fuzz::fixed_now(), 2);
    check_reply(c, notice, d.code, d.message, "");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool quiet = (log::init("fuzz-worker", "off"), true);
    (void)quiet;
    const auto& reg = *fuzz::schemas();
    const std::string_view value = fuzz::as_text(data, size);
    worker::Intake p = worker::take_in(value, reg);
    const std::string notice = p.parsed ? worker::notice_of(p.doc) : std::string();

    if (p.dlq_reason) {
        check_dead_letter(value, p);
        // A caller waiting for a command that decoded still gets an answer (Processor::dead_letter).
        if (p.command && p.command->reply_to)
            check_reply(*p.command, notice, codes::kBadRequest, "Command rejected: " + p.dlq_error, "");
        return 0;
    }
    const messages::Command& c = *p.command;
    fuzz::check_command_on_the_wire(c);
    check_fidelity(p.doc, c);
    const json::Value& payload = *json::get_object(p.doc, "payload");
    if (c.type == "stage.change") stage_change(c, payload, notice);
    else if (c.type == "court.update") court_update(c, payload, notice);
    else if (c.type == "suspension.apply") suspension_apply(c, payload, notice);
    else if (c.type == "revival.apply") revival_apply(c, payload, notice);
    else FUZZ_CHECK(false, "a handler this target does not know: " + c.type);
    return 0;
}
