// The broker's door (issue 14 point 10): without credentials a client can neither publish nor
// read; each service's principal can do what infra/kafka/acls.conf allows and nothing else; the
// example external system publishes a command that is applied. Against the running broker.
#include "support.hpp"

#include "core/ids.hpp"
#include "messages/messages.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace ocms::test {
namespace {

using namespace std::chrono_literals;

std::string secrets(const std::string& file) { return env("OCMS_DATA") + "/secrets/" + file; }

// A file with `value`, removed at the end of the scope.
struct TempFile {
    std::string path = "/tmp/ocms-kafka-security-" + new_uuid() + ".msg";
    explicit TempFile(const std::string& value) { std::ofstream(path, std::ios::binary) << value; }
    ~TempFile() { std::remove(path.c_str()); }
};

// kcat with `auth` (settings: "-F file" or "-X ..."; "" = none at all) and a bound on its time;
// its exit code and what it printed (stdout and stderr).
std::pair<int, std::string> kcat(const std::string& auth, const std::string& args) {
    const std::string out = "/tmp/ocms-kcat-" + new_uuid() + ".out";
    const int rc = sh("env -u KCAT_CONFIG timeout 30 kcat " + auth + " -b \"$OCMS_KAFKA_BROKERS\" " + args + " > " +
                      out + " 2>&1");
    std::ifstream in(out);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::remove(out.c_str());
    return {rc, text};
}

long long messages_on(const std::string& topic) {
    long long n = 0;
    for (const auto& [_, hw] : high_watermarks(topic)) n += hw;
    return n;
}

TEST(KafkaSecurity, TheBrokerRunsWithSecurity) {
    ASSERT_FALSE(std::getenv("OCMS_KAFKA_CONFIG") == nullptr || std::string(std::getenv("OCMS_KAFKA_CONFIG")).empty())
        << "infra/run starts the broker with SASL and ACLs by default; .data/ocms.env names no credentials";
}

TEST(KafkaSecurity, AClientWithoutCredentialsCanNeitherPublishNorRead) {
    auto notice = make_notices(1)[0];
    const std::string id = new_uuid();
    TempFile msg(command_json(id, notice));
    const long long before = messages_on(messages::kTopicSuspension);
    for (const std::string& auth : {std::string(""), std::string("-X security.protocol=SASL_PLAINTEXT -X sasl.mechanisms=PLAIN "
                                                                   "-X sasl.username=ocms-edge -X sasl.password=wrong")}) {
        auto [rc, text] = kcat(auth, "-P -X message.timeout.ms=5000 -t ocms.cmd.suspension -k " + notice + " " + msg.path);
        EXPECT_NE(rc, 0) << "published without credentials (" << auth << "): " << text;
        auto [rc2, read] = kcat(auth, "-C -X metadata.request.timeout.ms=5000 -t ocms.outcome -p 0 -o beginning -c 1 -e -f 'MSG:%s\\n'");
        EXPECT_NE(rc2, 0) << auth << ": " << read;
        EXPECT_EQ(read.find("MSG:"), std::string::npos) << "read without credentials (" << auth << "): " << read;
    }
    EXPECT_EQ(messages_on(messages::kTopicSuspension), before) << "a message reached the command topic";
    auto db = readonly_db();
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM ocms_command_inbox WHERE command_id = $1", {id}), 0);
}

TEST(KafkaSecurity, EachServiceMayDoItsPartOnly) {
    const std::string edge = "-F " + secrets("kafka-edge.properties");
    const std::string worker = "-F " + secrets("kafka-worker.properties");
    // the edge publishes commands and reads its replies, but neither reads nor publishes outcomes
    auto [rc1, t1] = kcat(edge, "-C -t ocms.outcome -p 0 -o beginning -c 1 -e");
    EXPECT_NE(rc1, 0) << t1;
    EXPECT_NE(t1.find("uthorization"), std::string::npos) << t1;
    TempFile fake(R"({"forged":"outcome"})");
    const long long outcomes = messages_on(messages::kTopicOutcome);
    auto [rc2, t2] = kcat(edge, "-P -X message.timeout.ms=5000 -t ocms.outcome -k K " + fake.path);
    EXPECT_NE(rc2, 0) << t2;
    // the worker reads commands but publishes none
    auto [rc3, t3] = kcat(worker, "-P -X message.timeout.ms=5000 -t ocms.cmd.suspension -k K " + fake.path);
    EXPECT_NE(rc3, 0) << t3;
    EXPECT_EQ(messages_on(messages::kTopicOutcome), outcomes);
}

TEST(KafkaSecurity, TheExampleExternalSystemPublishesACommandThatIsApplied) {
    auto notice = make_notices(1)[0];
    const std::string id = new_uuid();
    TempFile msg(command_json(id, notice));
    auto [rc, text] = kcat("-F " + secrets("kafka-external.properties"),
                           "-P -X partitioner=murmur2_random -t ocms.cmd.suspension -k " + notice + " " + msg.path);
    ASSERT_EQ(rc, 0) << text;
    EXPECT_TRUE(eventually(
        [&] {
            auto db = readonly_db();
            return scalar(*db, "SELECT count(*) FROM ocms_command_inbox WHERE command_id = $1", {id}) == 1;
        },
        60s));
    // and it may follow the outcomes, but not read the commands of others
    auto [rc2, t2] = kcat("-F " + secrets("kafka-external.properties"), "-C -t ocms.cmd.revival -p 0 -o beginning -c 1 -e");
    EXPECT_NE(rc2, 0) << t2;
}

}  // namespace
}  // namespace ocms::test
