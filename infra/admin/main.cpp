// ocms-admin: set-up tasks for infra/ scripts.
//   ocms-admin topics : creates the topics of $OCMS_TOPICS_CONF (lines "name partitions
//                       retention.ms") that do not exist yet, with replication factor
//                       $OCMS_TOPIC_REPLICATION (1). Existing topics are left as they are.
//   ocms-admin acls   : creates the ACLs of $OCMS_ACLS_CONF (lines "principal operation
//                       resource pattern name", infra/kafka/acls.conf); creating one that exists
//                       changes nothing.
// The client's own settings (its SASL principal) come from $OCMS_KAFKA_CONFIG (kafka.hpp).
// Uses librdkafka's admin API directly; this is the one place outside common/ that does, and
// every handle is owned by a unique_ptr.
#include "kafka/kafka.hpp"

#include <librdkafka/rdkafka.h>

#include <map>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Topic {
    std::string name;
    int partitions;
    std::string retention_ms;
};

std::string env_or(const char* n, const char* d) {
    const char* v = std::getenv(n);
    return v && *v ? v : d;
}

using Client = std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)>;

// A client of $OCMS_KAFKA_BROKERS with the settings of $OCMS_KAFKA_CONFIG; null (and a message) on error.
Client client() {
    char err[512];
    std::unique_ptr<rd_kafka_conf_t, decltype(&rd_kafka_conf_destroy)> conf(rd_kafka_conf_new(), &rd_kafka_conf_destroy);
    ocms::kafka::ConfigMap settings{{"bootstrap.servers", env_or("OCMS_KAFKA_BROKERS", "127.0.0.1:9092")}};
    try {
        for (auto& kv : ocms::kafka::client_config_from_env()) settings.push_back(std::move(kv));
    } catch (const std::exception& e) {
        std::cerr << "ocms-admin: " << e.what() << "\n";
        return Client(nullptr, &rd_kafka_destroy);
    }
    for (const auto& [k, v] : settings)
        if (rd_kafka_conf_set(conf.get(), k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
            std::cerr << "ocms-admin: " << k << ": " << err << "\n";
            return Client(nullptr, &rd_kafka_destroy);
        }
    Client rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err), &rd_kafka_destroy);
    if (!rk) {
        std::cerr << "ocms-admin: " << err << "\n";
        return rk;
    }
    conf.release();
    return rk;
}

int acls() {
    const std::string conf_path = env_or("OCMS_ACLS_CONF", "infra/kafka/acls.conf");
    std::ifstream in(conf_path);
    if (!in) {
        std::cerr << "ocms-admin: cannot read " << conf_path << "\n";
        return 2;
    }
    static const std::map<std::string, rd_kafka_AclOperation_t> ops{
        {"ALL", RD_KAFKA_ACL_OPERATION_ALL},           {"READ", RD_KAFKA_ACL_OPERATION_READ},
        {"WRITE", RD_KAFKA_ACL_OPERATION_WRITE},       {"CREATE", RD_KAFKA_ACL_OPERATION_CREATE},
        {"DESCRIBE", RD_KAFKA_ACL_OPERATION_DESCRIBE}, {"IDEMPOTENT_WRITE", RD_KAFKA_ACL_OPERATION_IDEMPOTENT_WRITE}};
    static const std::map<std::string, rd_kafka_ResourceType_t> types{
        {"topic", RD_KAFKA_RESOURCE_TOPIC}, {"group", RD_KAFKA_RESOURCE_GROUP}, {"cluster", RD_KAFKA_RESOURCE_BROKER}};
    static const std::map<std::string, rd_kafka_ResourcePatternType_t> patterns{
        {"literal", RD_KAFKA_RESOURCE_PATTERN_LITERAL}, {"prefixed", RD_KAFKA_RESOURCE_PATTERN_PREFIXED}};
    char err[512];
    std::vector<std::unique_ptr<rd_kafka_AclBinding_t, decltype(&rd_kafka_AclBinding_destroy)>> owned;
    std::vector<rd_kafka_AclBinding_t*> raw;
    int n = 0;
    for (std::string line; std::getline(in, line);) {
        ++n;
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        std::string principal, op, type, pattern, name;
        if (!(ls >> principal >> op >> type >> pattern >> name) || !ops.contains(op) || !types.contains(type) ||
            !patterns.contains(pattern)) {
            std::cerr << "ocms-admin: " << conf_path << ":" << n << ": not 'principal operation resource pattern name'\n";
            return 2;
        }
        rd_kafka_AclBinding_t* b = rd_kafka_AclBinding_new(types.at(type), name.c_str(), patterns.at(pattern),
                                                           ("User:" + principal).c_str(), "*", ops.at(op),
                                                           RD_KAFKA_ACL_PERMISSION_TYPE_ALLOW, err, sizeof err);
        if (!b) {
            std::cerr << "ocms-admin: " << conf_path << ":" << n << ": " << err << "\n";
            return 2;
        }
        owned.emplace_back(b, &rd_kafka_AclBinding_destroy);
        raw.push_back(b);
    }
    auto rk = client();
    if (!rk) return 2;
    std::unique_ptr<rd_kafka_queue_t, decltype(&rd_kafka_queue_destroy)> q(rd_kafka_queue_new(rk.get()),
                                                                           &rd_kafka_queue_destroy);
    std::unique_ptr<rd_kafka_AdminOptions_t, decltype(&rd_kafka_AdminOptions_destroy)> opts(
        rd_kafka_AdminOptions_new(rk.get(), RD_KAFKA_ADMIN_OP_CREATEACLS), &rd_kafka_AdminOptions_destroy);
    rd_kafka_AdminOptions_set_request_timeout(opts.get(), 30000, err, sizeof err);
    rd_kafka_CreateAcls(rk.get(), raw.data(), raw.size(), opts.get(), q.get());
    std::unique_ptr<rd_kafka_event_t, decltype(&rd_kafka_event_destroy)> ev(rd_kafka_queue_poll(q.get(), 60000),
                                                                            &rd_kafka_event_destroy);
    if (!ev || rd_kafka_event_error(ev.get())) {
        std::cerr << "ocms-admin: CreateAcls failed: " << (ev ? rd_kafka_event_error_string(ev.get()) : "timeout") << "\n";
        return 1;
    }
    size_t count = 0;
    const rd_kafka_acl_result_t** results =
        rd_kafka_CreateAcls_result_acls(rd_kafka_event_CreateAcls_result(ev.get()), &count);
    int rc = 0;
    for (size_t i = 0; i < count; ++i)
        if (const rd_kafka_error_t* e = rd_kafka_acl_result_error(results[i])) {
            std::cerr << "ocms-admin: ACL " << i + 1 << ": " << rd_kafka_error_string(e) << "\n";
            rc = 1;
        }
    if (rc == 0) std::cout << "acls: " << count << " in place\n";
    return rc;
}

int topics() {
    const std::string conf_path = env_or("OCMS_TOPICS_CONF", "infra/kafka/topics.conf");
    std::ifstream in(conf_path);
    if (!in) {
        std::cerr << "ocms-admin: cannot read " << conf_path << "\n";
        return 2;
    }
    std::vector<Topic> wanted;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        Topic t;
        if (ls >> t.name >> t.partitions >> t.retention_ms) wanted.push_back(t);
    }
    char err[512];
    auto rk = client();
    if (!rk) return 2;
    const int replication = std::atoi(env_or("OCMS_TOPIC_REPLICATION", "1").c_str());

    std::vector<rd_kafka_NewTopic_t*> raw;
    std::vector<std::unique_ptr<rd_kafka_NewTopic_t, decltype(&rd_kafka_NewTopic_destroy)>> owned;
    for (const auto& t : wanted) {
        rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, replication, err, sizeof err);
        if (!nt) {
            std::cerr << "ocms-admin: " << t.name << ": " << err << "\n";
            return 2;
        }
        rd_kafka_NewTopic_set_config(nt, "retention.ms", t.retention_ms.c_str());
        owned.emplace_back(nt, &rd_kafka_NewTopic_destroy);
        raw.push_back(nt);
    }
    std::unique_ptr<rd_kafka_queue_t, decltype(&rd_kafka_queue_destroy)> q(rd_kafka_queue_new(rk.get()),
                                                                           &rd_kafka_queue_destroy);
    std::unique_ptr<rd_kafka_AdminOptions_t, decltype(&rd_kafka_AdminOptions_destroy)> opts(
        rd_kafka_AdminOptions_new(rk.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS), &rd_kafka_AdminOptions_destroy);
    rd_kafka_AdminOptions_set_operation_timeout(opts.get(), 30000, err, sizeof err);
    rd_kafka_CreateTopics(rk.get(), raw.data(), raw.size(), opts.get(), q.get());
    std::unique_ptr<rd_kafka_event_t, decltype(&rd_kafka_event_destroy)> ev(rd_kafka_queue_poll(q.get(), 60000),
                                                                            &rd_kafka_event_destroy);
    if (!ev || rd_kafka_event_error(ev.get())) {
        std::cerr << "ocms-admin: CreateTopics failed: " << (ev ? rd_kafka_event_error_string(ev.get()) : "timeout")
                  << "\n";
        return 1;
    }
    const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev.get());
    size_t n = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
    int rc = 0;
    for (size_t i = 0; i < n; ++i) {
        auto e = rd_kafka_topic_result_error(results[i]);
        const char* name = rd_kafka_topic_result_name(results[i]);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) std::cout << "created " << name << "\n";
        else if (e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) std::cout << "exists  " << name << "\n";
        else {
            std::cerr << "ocms-admin: " << name << ": " << rd_kafka_topic_result_error_string(results[i]) << "\n";
            rc = 1;
        }
    }
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "topics") return topics();
    if (cmd == "acls") return acls();
    std::cerr << "usage: ocms-admin topics | acls   (settings: OCMS_KAFKA_BROKERS, OCMS_KAFKA_CONFIG, OCMS_TOPICS_CONF, "
                 "OCMS_TOPIC_REPLICATION, OCMS_ACLS_CONF)\n";
    return 64;
}
