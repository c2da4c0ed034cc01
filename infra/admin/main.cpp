// ocms-admin: set-up tasks for infra/ scripts.
//   ocms-admin topics : creates the topics of $OCMS_TOPICS_CONF (lines "name partitions
//                       retention.ms") that do not exist yet, with replication factor
//                       $OCMS_TOPIC_REPLICATION (1). Existing topics are left as they are.
// Uses librdkafka's admin API directly; this is the one place outside common/ that does, and
// every handle is owned by a unique_ptr.
#include <librdkafka/rdkafka.h>

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
    std::unique_ptr<rd_kafka_conf_t, decltype(&rd_kafka_conf_destroy)> conf(rd_kafka_conf_new(), &rd_kafka_conf_destroy);
    rd_kafka_conf_set(conf.get(), "bootstrap.servers", env_or("OCMS_KAFKA_BROKERS", "127.0.0.1:9092").c_str(), err,
                      sizeof err);
    std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> rk(
        rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err), &rd_kafka_destroy);
    if (!rk) {
        std::cerr << "ocms-admin: " << err << "\n";
        return 2;
    }
    conf.release();
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
    std::cerr << "usage: ocms-admin topics   (settings: OCMS_KAFKA_BROKERS, OCMS_TOPICS_CONF, OCMS_TOPIC_REPLICATION)\n";
    return 64;
}
