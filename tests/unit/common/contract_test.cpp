// The command contract (common/contract) against schemas/ and infra/kafka/topics.conf: every
// command schema has exactly one catalogue entry and every entry its schema, a topic that infra
// creates and a payload type; every payload type's codec takes each example of its schema
// (schemas/commands/*.schema.json "examples") to its struct and back to the same document, which
// the schema accepts; the first example names every property, so a codec that drops or mistypes
// one fails the round trip (a property the struct lacks does not compile: the field tables are
// generated from the schemas).
#include "contract/catalogue.hpp"
#include "contract/payloads.hpp"
#include "json/schema_registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <utility>

namespace ocms::contract {
namespace {

std::set<std::string> topics_of_infra() {
    std::ifstream in(std::string(OCMS_SOURCE_DIR) + "/infra/kafka/topics.conf");
    std::set<std::string> out;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        std::string name;
        if (ls >> name) out.insert(name);
    }
    return out;
}

TEST(Catalogue, EveryCommandSchemaHasOneEntryAndEveryEntryItsSchemaAndTopic) {
    auto schemas = json::SchemaRegistry::load(OCMS_SCHEMAS_DIR);
    const auto topics = topics_of_infra();
    ASSERT_FALSE(topics.empty());
    std::set<std::string> from_schemas, from_catalogue;
    for (const auto& name : schemas->names())
        if (name.starts_with("commands/")) from_schemas.insert(name);
    for (const auto& k : kCatalogue) {
        const std::string schema(k.schema);
        EXPECT_TRUE(from_catalogue.insert(schema).second) << "two entries for " << schema;
        EXPECT_TRUE(schemas->has(schema)) << schema;
        EXPECT_EQ(schema, messages::payload_schema_name(std::string(k.type), k.version));
        EXPECT_TRUE(topics.contains(std::string(k.topic))) << k.type << " -> " << k.topic;
        EXPECT_TRUE(std::string(k.topic).starts_with("ocms.cmd.")) << k.topic;
        EXPECT_FALSE(k.fault.code.is_success()) << k.type;
        EXPECT_FALSE(k.fault.text.empty()) << k.type;
        EXPECT_EQ(find(k.type, k.version), &k);
        EXPECT_EQ(topic_of(k.type), k.topic);
    }
    EXPECT_EQ(from_schemas, from_catalogue);
    EXPECT_EQ(find("suspension.apply", 2), nullptr);
    EXPECT_EQ(find("no.such", 1), nullptr);
    EXPECT_EQ(topic_of("no.such"), "");
    static_assert(find("court.update", 1) == &kCatalogue[3], "the catalogue is usable at compile time");
}

// ---------------------------------------------------------------- payloads

const json::SchemaRegistry& registry() {
    static const auto r = json::SchemaRegistry::load(OCMS_SCHEMAS_DIR);
    return *r;
}

// The schema file of a catalogue entry, parsed as it is in the source tree.
json::Document schema_file(const CommandKind& k) {
    const std::string path = std::string(OCMS_SCHEMAS_DIR) + "/" + std::string(k.schema) + ".schema.json";
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    auto doc = json::parse(ss.str());
    if (!doc) ADD_FAILURE() << path << ": " << doc.error();
    return doc ? std::move(*doc) : json::Document();
}

json::Document parsed(std::string_view text) {
    auto doc = json::parse(text);
    if (!doc) ADD_FAILURE() << text << ": " << doc.error();
    return doc ? std::move(*doc) : json::Document();
}

// A copy of v in its own document (to change it without touching the schema file).
json::Document copy_of(const json::Value& v) {
    json::Document d;
    d.CopyFrom(v, d.GetAllocator());
    return d;
}

template <class P>
class PayloadContract : public ::testing::Test {
protected:
    const std::string schema{P::kKind.schema};
    const json::Document file = schema_file(P::kKind);
    const json::Value& examples() const { return *json::get_array(file, "examples"); }
    const json::Value& properties() const { return *json::get_object(file, "properties"); }
    std::string check(const json::Value& payload) const { return registry().validate(schema, payload); }
};

template <class T>
struct TypesOf;
template <class... Ps>
struct TypesOf<std::tuple<Ps...>> {
    using type = ::testing::Types<Ps...>;
};
using PayloadTypes = TypesOf<Payloads>::type;

class PayloadName {
public:
    template <class P>
    static std::string GetName(int) {
        std::string name(P::kKind.type);  // "suspension_apply": no '.' in a ctest name
        std::replace(name.begin(), name.end(), '.', '_');
        return name;
    }
};
TYPED_TEST_SUITE(PayloadContract, PayloadTypes, PayloadName);

TYPED_TEST(PayloadContract, SchemaHasExamplesAndTheFirstNamesEveryProperty) {
    ASSERT_NE(json::get_array(this->file, "examples"), nullptr) << this->schema << " has no \"examples\"";
    ASSERT_NE(json::get_object(this->file, "properties"), nullptr) << this->schema;
    ASSERT_FALSE(this->examples().Empty()) << this->schema;
    const json::Value& first = this->examples()[0u];
    ASSERT_TRUE(first.IsObject());
    // Every property in the first example: the round trip below then covers each of them, and a
    // property missing from the struct or its codec is missing from the re-encoded document.
    for (auto it = this->properties().MemberBegin(); it != this->properties().MemberEnd(); ++it)
        EXPECT_TRUE(first.HasMember(it->name)) << this->schema << ": the first example lacks " << it->name.GetString();
    EXPECT_EQ(first.MemberCount(), this->properties().MemberCount()) << this->schema;
}

TYPED_TEST(PayloadContract, EveryExampleRoundTripsThroughItsStructAndPassesItsSchema) {
    using P = TypeParam;
    ASSERT_NE(json::get_array(this->file, "examples"), nullptr) << this->schema;
    int n = 0;
    for (const auto& example : this->examples().GetArray()) {
        SCOPED_TRACE(this->schema + " example " + std::to_string(n++) + ": " + json::to_string(example));
        EXPECT_EQ(this->check(example), "") << "the example itself fails its schema";
        auto p = decode<P>(example);
        ASSERT_TRUE(p) << p.error().message;
        const std::string text = encode(*p);
        const json::Document back = parsed(text);
        EXPECT_EQ(this->check(back), "") << text;
        EXPECT_TRUE(back == example) << "re-encoded: " << text;  // equal documents, any key order
        auto again = decode<P>(back);
        ASSERT_TRUE(again) << again.error().message;
        EXPECT_EQ(*again, *p);
        EXPECT_EQ(encode(*again), text);

        const Origin origin{.source = "OCMS_FE",
                            .officer = "JOHNLEE",
                            .request_id = RequestId("req-1"),
                            .trace_id = TraceId("trace-1"),
                            .issued_at = *parse_iso("2025-03-22T19:00:02+08:00"),
                            .caller = "sub:alice"};
        const messages::Command c = make_command(*p, origin, messages::BatchPos{1, 3});
        EXPECT_EQ(c.type, P::kKind.type);
        EXPECT_EQ(c.schema_version, P::kKind.version);
        EXPECT_EQ(messages::payload_schema_name(c.type, c.schema_version), P::kKind.schema);
        EXPECT_EQ(c.notice_no, p->notice_no);
        EXPECT_EQ(c.payload_json, text);
        EXPECT_GE(c.command_id.value().size(), 32u);
        EXPECT_NE(make_command(*p, origin, std::nullopt).command_id, c.command_id) << "a new id per command";
        EXPECT_EQ(c.source, "OCMS_FE");
        EXPECT_EQ(c.officer, "JOHNLEE");
        EXPECT_EQ(c.request_id, RequestId("req-1"));
        EXPECT_EQ(c.trace_id, TraceId("trace-1"));
        EXPECT_EQ(c.issued_at, origin.issued_at);
        EXPECT_EQ(c.caller, std::optional<std::string>("sub:alice"));
        ASSERT_TRUE(c.batch);
        EXPECT_EQ(c.batch->index, 1);
        EXPECT_EQ(c.batch->size, 3);
        EXPECT_FALSE(c.reply_to);
        EXPECT_FALSE(c.replay_of);
        // The envelope passes envelope.v1, and the worker's reading of it finds the same notice.
        const json::Document envelope = parsed(messages::encode(c));
        EXPECT_EQ(registry().validate("envelope.v1", envelope), "");
        auto read = messages::decode_command(envelope);
        ASSERT_TRUE(read) << read.error().message;
        EXPECT_EQ(read->notice_no, p->notice_no);
        EXPECT_EQ(read->type, P::kKind.type);
    }
}

// The required properties only: what the schema accepts at the least, decode takes, and encode
// writes back without adding anything (an absent optional stays absent).
TYPED_TEST(PayloadContract, TheRequiredPropertiesAloneRoundTrip) {
    using P = TypeParam;
    ASSERT_NE(json::get_array(this->file, "examples"), nullptr) << this->schema;
    std::set<std::string> required;
    if (const json::Value* r = json::get_array(this->file, "required"))
        for (const auto& name : r->GetArray()) required.insert(name.GetString());
    json::Document least = copy_of(this->examples()[0u]);
    for (auto it = least.MemberBegin(); it != least.MemberEnd();)
        it = required.contains(it->name.GetString()) ? it + 1 : least.EraseMember(it);
    EXPECT_EQ(least.MemberCount(), required.size());
    ASSERT_EQ(this->check(least), "") << json::to_string(least);
    auto p = decode<P>(least);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_TRUE(parsed(encode(*p)) == least) << encode(*p);
}

// Each property with a value of a type no schema property takes: the schema refuses it, and so
// does decode, naming the property (so decode reads every property the schema has).
TYPED_TEST(PayloadContract, AWrongTypeIsRefusedNamingTheProperty) {
    using P = TypeParam;
    ASSERT_NE(json::get_array(this->file, "examples"), nullptr) << this->schema;
    for (auto it = this->properties().MemberBegin(); it != this->properties().MemberEnd(); ++it) {
        const std::string name = it->name.GetString();
        json::Document doc = copy_of(this->examples()[0u]);
        doc[name.c_str()].SetArray();
        ASSERT_NE(this->check(doc), "") << name;
        auto p = decode<P>(doc);
        ASSERT_FALSE(p) << this->schema << ": " << name << " as [] was taken";
        EXPECT_EQ(p.error().code, codes::kBadRequest);
        EXPECT_TRUE(p.error().message.starts_with(name + " ")) << p.error().message;
    }
}

TYPED_TEST(PayloadContract, AMissingRequiredPropertyIsRefusedNamingIt) {
    using P = TypeParam;
    ASSERT_NE(json::get_array(this->file, "examples"), nullptr) << this->schema;
    const json::Value* required = json::get_array(this->file, "required");
    ASSERT_NE(required, nullptr);
    for (const auto& r : required->GetArray()) {
        const std::string name = r.GetString();
        json::Document doc = copy_of(this->examples()[0u]);
        doc.RemoveMember(name.c_str());
        ASSERT_NE(this->check(doc), "") << name;
        auto p = decode<P>(doc);
        ASSERT_FALSE(p) << this->schema << ": taken without " << name;
        EXPECT_EQ(p.error().message, name + " is required");
    }
    auto not_object = decode<P>(parsed("[]"));
    ASSERT_FALSE(not_object);
    EXPECT_EQ(not_object.error().message, "payload must be a JSON object");
}

TEST(Payloads, EveryCatalogueEntryHasOnePayloadType) {
    std::multiset<std::pair<std::string, int>> kinds, entries;
    std::apply([&](auto... p) { (kinds.emplace(decltype(p)::kKind.type, decltype(p)::kKind.version), ...); },
               Payloads{});
    for (const auto& k : kCatalogue) entries.emplace(std::string(k.type), k.version);
    EXPECT_EQ(kinds, entries);
    EXPECT_EQ(std::tuple_size_v<Payloads>, kCatalogue.size());
    static_assert(Payload<SuspensionApply> && Payload<RevivalApply> && Payload<StageChange> && Payload<CourtUpdate>);
    static_assert(!Payload<messages::Command>);
    static_assert(&SuspensionApply::kKind == &kSuspensionApply && &CourtUpdate::kKind == &kCourtUpdate);
}

// The enums' words are exactly the schemas' enums.
TEST(Payloads, EnumWordsAreTheSchemasEnums) {
    auto words = [](const CommandKind& k, const char* property) {
        std::set<std::string> out;
        const json::Document file = schema_file(k);
        const json::Value* e = json::get_array((*json::get_object(file, "properties"))[property], "enum");
        if (e)
            for (const auto& w : e->GetArray()) out.insert(w.GetString());
        return out;
    };
    std::set<std::string> channels, modes;
    for (auto c : {domain::RevivalChannel::staff, domain::RevivalChannel::plus, domain::RevivalChannel::internal,
                   domain::RevivalChannel::hst, domain::RevivalChannel::automatic}) {
        channels.insert(std::string(name_of(c)));
        EXPECT_EQ(parse_revival_channel(name_of(c)), c);
    }
    for (auto m : {StageMode::submit, StageMode::plus, StageMode::toppan}) {
        modes.insert(std::string(name_of(m)));
        EXPECT_EQ(parse_stage_mode(name_of(m)), m);
    }
    EXPECT_EQ(channels, words(kRevivalApply, "channel"));
    EXPECT_EQ(modes, words(kStageChange, "mode"));
    EXPECT_EQ(parse_revival_channel("Staff"), std::nullopt);
    EXPECT_EQ(parse_stage_mode(""), std::nullopt);
}

TEST(Payloads, EncodeIsCompactInTheSchemasOrderAndLeavesOutWhatIsAbsent) {
    SuspensionApply s{
        .notice_no = NoticeNo("500500303J"), .suspension_type = "TS", .reason_of_suspension = ReasonCode("ACR")};
    EXPECT_EQ(encode(s), R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"ACR"})");
    s.checking = false;
    EXPECT_EQ(encode(s),
              R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"ACR","checking":false})");

    RevivalApply r{.notice_no = NoticeNo("500500303J"),
                   .suspension_type = "TS",
                   .revival_reason = ReasonCode("SPO"),
                   .revival_remarks = "Suspension period is over",
                   .officer_authorising_revival = "BATCHJOB",
                   .channel = domain::RevivalChannel::automatic};
    // What producers/jobs/auto_revival.cpp writes by hand today, byte for byte.
    EXPECT_EQ(encode(r), R"({"noticeNo":"500500303J","suspensionType":"TS","revivalReason":"SPO",)"
                         R"("revivalRemarks":"Suspension period is over","officerAuthorisingRevival":"BATCHJOB",)"
                         R"("channel":"automatic"})");

    StageChange st{
        .notice_no = NoticeNo("500500303J"), .mode = StageMode::plus, .source = "PLUS", .officer = "PLMJOHN"};
    st.new_stage = Stage("RD1");
    EXPECT_EQ(encode(st),
              R"({"noticeNo":"500500303J","mode":"plus","source":"PLUS","officer":"PLMJOHN","newStage":"RD1"})");
}

// Decode leaves the values to the worker: a date that is no real time, a stage the map does not
// know, an empty reason are read as sent (the worker answers them as it does today).
TEST(Payloads, DecodeLeavesValuesToTheWorker) {
    const json::Document stage = parsed(
        R"({"noticeNo":"500500303J","mode":"toppan","source":"SYSTEM","officer":"A","currentStage":"ZZZ",)"
        R"("processingDate":"2025-02-30T00:00:00"})");
    ASSERT_EQ(registry().validate("commands/stage.change.v1", stage), "");
    auto s = decode<StageChange>(stage);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->processing_date, std::optional<std::string>("2025-02-30T00:00:00"));
    EXPECT_EQ(s->current_stage, Stage("ZZZ"));
    EXPECT_EQ(s->dh_mha_check, std::nullopt);

    const json::Document susp = parsed(
        R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"ACR",)"
        R"("dateOfSuspension":"not a date, 19+ chars"})");
    ASSERT_EQ(registry().validate("commands/suspension.apply.v1", susp), "");
    auto a = decode<SuspensionApply>(susp);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->date_of_suspension, std::optional<std::string>("not a date, 19+ chars"));
    EXPECT_EQ(a->officer_authorising_suspension, std::nullopt);  // the worker takes the envelope's officer
}

// Absent, null and a value stay apart, and the amount keeps its JSON type.
TEST(Payloads, CourtUpdateWritesBackExactlyWhatItRead) {
    const json::Document doc = parsed(
        R"({"notice_no":"500500303J","atoms_flag":null,"amount_payable":12,"payment_allowance":"N"})");
    auto u = decode<CourtUpdate>(doc);
    ASSERT_TRUE(u) << u.error().message;
    EXPECT_FALSE(u->suspension_type.present());
    EXPECT_TRUE(u->atoms_flag.is_null());
    EXPECT_EQ(u->payment_allowance, domain::Field<std::string>::of("N"));
    EXPECT_EQ(u->amount_payable, domain::Field<CourtAmount>::of(CourtAmount(std::int64_t(12))));
    EXPECT_EQ(encode(*u),
              R"({"notice_no":"500500303J","atoms_flag":null,"amount_payable":12,"payment_allowance":"N"})");

    for (std::string_view amount :
         {"0", "-1", "12.5", "130.0", "1e2", "18446744073709551615", "\"12.50\"", "\"abc\"", "null"}) {
        const std::string text = R"({"notice_no":"N1","amount_payable":)" + std::string(amount) + "}";
        const json::Document d = parsed(text);
        auto a = decode<CourtUpdate>(d);
        ASSERT_TRUE(a) << text << ": " << a.error().message;
        EXPECT_TRUE(parsed(encode(*a)) == d) << text << " -> " << encode(*a);
    }
    auto big = decode<CourtUpdate>(parsed(R"({"notice_no":"N1","amount_payable":18446744073709551615})"));
    ASSERT_TRUE(big);
    EXPECT_EQ(big->amount_payable.value(), CourtAmount(std::numeric_limits<std::uint64_t>::max()));
    auto text_amount = decode<CourtUpdate>(parsed(R"({"notice_no":"N1","amount_payable":"12.50"})"));
    ASSERT_TRUE(text_amount);
    EXPECT_EQ(text_amount->amount_payable.value(), CourtAmount(std::string("12.50")));

    CourtUpdate nan{.notice_no = NoticeNo("N1")};
    nan.amount_payable = domain::Field<CourtAmount>::of(CourtAmount(std::numeric_limits<double>::quiet_NaN()));
    EXPECT_EQ(encode(nan), R"({"notice_no":"N1","amount_payable":null})") << "never a broken document";

    // A key spec 001 does not name is refused (court::parse_court_update does the same), so
    // encode(decode(v)) can never drop one.
    auto extra = decode<CourtUpdate>(parsed(R"({"notice_no":"N1","amount":1})"));
    ASSERT_FALSE(extra);
    EXPECT_EQ(extra.error().message, "amount is not a field of court.update");
}

// The camelCase payloads ignore keys they do not know, as the worker's handlers do (their
// schemas refuse them before any handler runs).
TEST(Payloads, UnknownKeysOfTheCamelCasePayloadsAreIgnored) {
    auto a = decode<SuspensionApply>(
        parsed(R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"ACR","extra":1})"));
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(encode(*a), R"({"noticeNo":"500500303J","suspensionType":"TS","reasonOfSuspension":"ACR"})");
}

}  // namespace
}  // namespace ocms::contract
