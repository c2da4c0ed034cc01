#include "messages/messages.hpp"

#include <openssl/evp.h>

#include <array>

namespace ocms::messages {

namespace {
void str(json::Writer& w, const char* k, const std::string& v) { json::kv(w, k, std::string_view(v)); }

void write_batch(json::Writer& w, const std::optional<BatchPos>& b) {
    if (!b) return;
    w.Key("batch");
    w.StartObject();
    json::kv(w, "index", std::int64_t(b->index));
    json::kv(w, "size", std::int64_t(b->size));
    w.EndObject();
}

// At most n characters of s (UTF-8 code points, as JSON Schema's maxLength counts them).
std::string_view first_chars(std::string_view s, std::size_t n) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size(); ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && chars++ == n) return s.substr(0, i);
    return s;
}

// A member that is absent or an int, never narrowed: false when it is there and not an int
// (the schemas bound some of these numbers, not all; found by tests/fuzz: a reply's batch index
// 4294967296 was read as 0, a replayOf partition likewise).
bool int_or_absent(const json::Value& obj, const char* key) {
    auto it = obj.FindMember(key);
    return it == obj.MemberEnd() || it->value.IsInt();
}

// The batch position; nullopt when there is none. Fails when its numbers are not ints.
Result<std::optional<BatchPos>> read_batch(const json::Value& doc) {
    const json::Value* b = json::get_object(doc, "batch");
    if (!b) return std::optional<BatchPos>{};
    if (!int_or_absent(*b, "index") || !int_or_absent(*b, "size")) return fail(codes::kBadRequest, "batch out of range");
    auto i = json::get_int(*b, "index");
    auto n = json::get_int(*b, "size");
    if (!i || !n) return std::optional<BatchPos>{};
    return BatchPos{int(*i), int(*n)};
}
}  // namespace

std::string payload_schema_name(const std::string& type, int version) {
    return "commands/" + type + ".v" + std::to_string(version);
}

std::string encode(const Command& c) {
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    str(w, "commandId", c.command_id.value());
    str(w, "type", c.type);
    json::kv(w, "schemaVersion", std::int64_t(c.schema_version));
    str(w, "issuedAt", format_offset(c.issued_at));
    str(w, "source", c.source);
    str(w, "officer", c.officer);
    if (c.request_id) str(w, "requestId", c.request_id->value());
    if (c.reply_to) {
        w.Key("replyTo");
        w.StartObject();
        str(w, "topic", c.reply_to->topic);
        json::kv(w, "partition", std::int64_t(c.reply_to->partition));
        w.EndObject();
    }
    if (c.trace_id) str(w, "traceId", c.trace_id->value());
    if (c.caller) str(w, "caller", *c.caller);
    write_batch(w, c.batch);
    if (c.replay_of) {
        w.Key("replayOf");
        w.StartObject();
        str(w, "topic", c.replay_of->topic);
        json::kv(w, "partition", std::int64_t(c.replay_of->partition));
        json::kv(w, "offset", std::int64_t(c.replay_of->offset));
        w.EndObject();
    }
    w.Key("payload");
    w.RawValue(c.payload_json.data(), c.payload_json.size(), rapidjson::kObjectType);
    w.EndObject();
    return {sb.GetString(), sb.GetSize()};
}

Result<Command> decode_command(const json::Value& doc) {
    Command c;
    c.command_id = CommandId(std::string(json::get_string(doc, "commandId").value_or("")));
    c.type = std::string(json::get_string(doc, "type").value_or(""));
    c.schema_version = int(json::get_int(doc, "schemaVersion").value_or(1));
    auto issued = parse_iso(json::get_string(doc, "issuedAt").value_or(""));
    if (!issued) return fail(codes::kBadRequest, "issuedAt is not an ISO 8601 time");
    c.issued_at = *issued;
    c.source = std::string(json::get_string(doc, "source").value_or(""));
    c.officer = std::string(json::get_string(doc, "officer").value_or(""));
    if (auto r = json::get_string(doc, "requestId")) c.request_id = RequestId(std::string(*r));
    if (auto t = json::get_string(doc, "traceId")) c.trace_id = TraceId(std::string(*t));
    if (auto k = json::get_string(doc, "caller")) c.caller = std::string(*k);
    if (const auto* rt = json::get_object(doc, "replyTo")) {
        c.reply_to = ReplyTo{std::string(json::get_string(*rt, "topic").value_or(kTopicReply)),
                             std::int32_t(json::get_int(*rt, "partition").value_or(0))};
    }
    auto batch = read_batch(doc);
    if (!batch) return std::unexpected(batch.error());
    c.batch = *batch;
    if (const auto* ro = json::get_object(doc, "replayOf")) {
        if (!int_or_absent(*ro, "partition") || (ro->HasMember("offset") && !(*ro)["offset"].IsInt64()))
            return fail(codes::kBadRequest, "replayOf out of range");
        c.replay_of = ReplayOf{std::string(json::get_string(*ro, "topic").value_or("")),
                               std::int32_t(json::get_int(*ro, "partition").value_or(0)),
                               json::get_int(*ro, "offset").value_or(0)};
    }
    const json::Value* p = json::get_object(doc, "payload");
    if (!p) return fail(codes::kBadRequest, "payload is missing");
    c.payload_json = json::to_string(*p);
    // OCMS's own payloads spell it noticeNo; court.update carries CAS's record as sent (notice_no)
    if (auto n = json::get_string(*p, "noticeNo")) c.notice_no = NoticeNo(std::string(*n));
    else if (auto n2 = json::get_string(*p, "notice_no")) c.notice_no = NoticeNo(std::string(*n2));
    return c;
}

std::string encode(const Reply& r) {
    // Within reply.v1 / outcome.v1's lengths whatever the command carried, so the edge never drops
    // a reply (found by tests/fuzz: the rejection of a command with a 300-character noticeNo, or an
    // over-long key in its payload, broke them and its caller was never answered).
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    json::kv(w, "commandId", first_chars(r.command_id.value(), 64));
    if (r.request_id) json::kv(w, "requestId", first_chars(r.request_id->value(), 64));
    json::kv(w, "type", first_chars(r.type, 64));
    json::kv(w, "noticeNo", first_chars(r.notice_no.value(), 64));
    json::kv(w, "appCode", r.app_code.str());
    json::kv(w, "message", first_chars(r.message, 500));
    if (!r.data_json.empty()) {
        w.Key("data");
        w.RawValue(r.data_json.data(), r.data_json.size(), rapidjson::kObjectType);
    }
    str(w, "processedAt", format_offset(r.processed_at));
    json::kv(w, "fromInbox", r.from_inbox);
    write_batch(w, r.batch);
    w.EndObject();
    return {sb.GetString(), sb.GetSize()};
}

Result<Reply> decode_reply(const json::Value& doc) {
    Reply r;
    auto id = json::get_string(doc, "commandId");
    auto code = json::get_string(doc, "appCode");
    if (!id || !code) return fail(codes::kBadRequest, "reply without commandId or appCode");
    r.command_id = CommandId(std::string(*id));
    if (auto q = json::get_string(doc, "requestId")) r.request_id = RequestId(std::string(*q));
    r.type = std::string(json::get_string(doc, "type").value_or(""));
    r.notice_no = NoticeNo(std::string(json::get_string(doc, "noticeNo").value_or("")));
    r.app_code = AppCode(*code);
    r.message = std::string(json::get_string(doc, "message").value_or(""));
    if (const auto* d = json::get_object(doc, "data")) r.data_json = json::to_string(*d);
    r.processed_at = parse_iso(json::get_string(doc, "processedAt").value_or("")).value_or(TimePoint{});
    r.from_inbox = json::get_bool(doc, "fromInbox").value_or(false);
    auto batch = read_batch(doc);
    if (!batch) return std::unexpected(batch.error());
    r.batch = *batch;
    return r;
}

std::string encode(const DeadLetter& d) {
    rapidjson::StringBuffer sb;
    json::Writer w(sb);
    w.StartObject();
    str(w, "reason", d.reason);
    json::kv(w, "error", first_chars(d.error, kDeadLetterErrorMax));
    str(w, "sourceTopic", d.source_topic);
    json::kv(w, "partition", std::int64_t(d.partition));
    json::kv(w, "offset", d.offset);
    // Text only when a reader can take it back as text: valid UTF-8 without NUL (json::parse
    // refuses \u0000, and C strings stop at it); else base64.
    auto is_text = [](std::string_view s) { return valid_utf8(s) && s.find('\0') == std::string_view::npos; };
    str(w, "key", is_text(d.key) ? d.key : base64_encode(d.key));
    if (d.command_id) str(w, "commandId", d.command_id->value());
    else json::kv_null(w, "commandId");
    str(w, "deadLetteredAt", format_offset(d.dead_lettered_at));
    // The original is capped (issue 14): JSON escaping makes a control character six bytes, so a
    // 170 KB command became a record over the broker's 1 MB limit that the worker retried for
    // ever. Past kDeadLetterOriginalMax bytes the record carries the first bytes, the whole size
    // and its SHA-256; the database row (ocms_dead_letter.original) keeps every byte, and a
    // redrive by dead-letter id reads it from there.
    const bool cut = d.original.size() > kDeadLetterOriginalMax;
    std::string_view kept = cut ? std::string_view(d.original).substr(0, kDeadLetterOriginalMax) : d.original;
    if (cut && is_text(d.original))  // cut on a character boundary so the text stays UTF-8
        while (!kept.empty() && !valid_utf8(kept)) kept.remove_suffix(1);
    if (is_text(kept)) {
        json::kv(w, "original", kept);
        str(w, "originalEncoding", "utf8");
    } else {
        str(w, "original", base64_encode(kept));
        str(w, "originalEncoding", "base64");
    }
    if (cut) {
        json::kv(w, "originalTruncated", true);
        json::kv(w, "originalSize", std::int64_t(d.original.size()));
        str(w, "originalSha256", sha256_hex(d.original));
    }
    w.EndObject();
    return {sb.GetString(), sb.GetSize()};
}

std::string sha256_hex(std::string_view bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += kHex[md[i] >> 4];
        out += kHex[md[i] & 0xF];
    }
    return out;
}

std::optional<std::string> original_bytes(const json::Value& doc) {
    if (json::get_bool(doc, "originalTruncated").value_or(false)) return std::nullopt;  // not all of it
    auto o = json::get_string(doc, "original");
    if (!o) return std::nullopt;
    if (json::get_string(doc, "originalEncoding").value_or("utf8") == "base64") return base64_decode(*o);
    return std::string(*o);
}

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t n;
        std::uint32_t cp;
        if (c < 0x80) { ++i; continue; }
        if ((c >> 5) == 0x6) { n = 1; cp = c & 0x1f; }
        else if ((c >> 4) == 0xe) { n = 2; cp = c & 0x0f; }
        else if ((c >> 3) == 0x1e) { n = 3; cp = c & 0x07; }
        else return false;
        if (i + n >= s.size()) return false;
        for (std::size_t k = 1; k <= n; ++k) {
            unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc >> 6) != 0x2) return false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

std::string base64_encode(std::string_view in) {
    static constexpr char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        std::uint32_t v = (std::uint8_t(in[i]) << 16) | (std::uint8_t(in[i + 1]) << 8) | std::uint8_t(in[i + 2]);
        out += t[v >> 18];
        out += t[(v >> 12) & 63];
        out += t[(v >> 6) & 63];
        out += t[v & 63];
    }
    if (i + 1 == in.size()) {
        std::uint32_t v = std::uint8_t(in[i]) << 16;
        out += t[v >> 18];
        out += t[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        std::uint32_t v = (std::uint8_t(in[i]) << 16) | (std::uint8_t(in[i + 1]) << 8);
        out += t[v >> 18];
        out += t[(v >> 12) & 63];
        out += t[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
    auto val = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+' || c == '-') return 62;
        if (c == '/' || c == '_') return 63;
        return -1;
    };
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        if (c == '=') break;
        int v = val(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | std::uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += char((acc >> bits) & 0xff);
        }
    }
    return out;
}

}  // namespace ocms::messages
