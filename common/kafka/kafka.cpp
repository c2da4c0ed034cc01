#include "kafka/kafka.hpp"

#include "core/log.hpp"

#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace ocms::kafka {

namespace {

struct ConfDeleter {
    void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
struct ListDeleter {
    void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
using ListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter>;

std::optional<std::string> set(rd_kafka_conf_t* conf, const std::string& k, const std::string& v) {
    char err[512];
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
        return k + ": " + err;
    return std::nullopt;
}

std::optional<std::string> apply(rd_kafka_conf_t* conf, rd_kafka_type_t type, const ConfigMap& base,
                                 const ConfigMap& extra) {
    for (const auto& [k, v] : base)
        if (auto e = set(conf, k, v)) return e;
    ConfigMap principal, tuning;
    try {
        principal = client_config_from_env();
        tuning = tuning_from_env(type == RD_KAFKA_PRODUCER ? "producer." : "consumer.");
    } catch (const std::exception& e) {
        return std::string(e.what());
    }
    for (const auto& [k, v] : tuning)
        if (auto e = set(conf, k, v)) return "OCMS_KAFKA_TUNING: " + *e;
    for (const auto& [k, v] : principal)
        if (auto e = set(conf, k, v)) return k.starts_with("sasl.password") ? "sasl.password: invalid" : *e;
    for (const auto& [k, v] : extra)
        if (auto e = set(conf, k, v)) return e;
    return std::nullopt;
}

// librdkafka's own log lines go through our JSON logger.
void on_log(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
    const char* name = rk ? rd_kafka_name(rk) : "rdkafka";
    log::Fields f{{"client", name}, {"facility", fac}};
    if (level <= 3) log::error(buf, f);
    else if (level <= 5) log::warn(buf, f);
    else log::debug(buf, f);
}

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
    std::unique_ptr<DeliveryCallback> cb(static_cast<DeliveryCallback*>(m->_private));
    if (!cb) return;
    DeliveryReport r;
    r.err = m->err;
    if (m->err) {
        r.error = rd_kafka_err2str(m->err);
        r.possibly_persisted = rd_kafka_message_status(m) == RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED;
    }
    r.partition = m->partition;
    r.offset = m->offset;
    (*cb)(r);
}

// The one way a producer or a consumer handle is made: settings base, then the principal's
// (OCMS_KAFKA_CONFIG), then extra, a later one winning; librdkafka's log through on_log; delivery
// reports to on_delivered when given (the producer's). The caller owns the handle it returns.
// Every failure is a bad setting (or a handle librdkafka will not make from them): an invalid
// argument, fatal for the process.
Result<rd_kafka_t*> new_client(rd_kafka_type_t type, const ConfigMap& base, const ConfigMap& extra,
                               void (*on_delivered)(rd_kafka_t*, const rd_kafka_message_t*, void*)) {
    ConfPtr conf(rd_kafka_conf_new());
    if (auto e = apply(conf.get(), type, base, extra)) return fail(to_error(RD_KAFKA_RESP_ERR__INVALID_ARG, std::move(*e)));
    if (on_delivered) rd_kafka_conf_set_dr_msg_cb(conf.get(), on_delivered);
    rd_kafka_conf_set_log_cb(conf.get(), &on_log);
    char err[512];
    rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err, sizeof err);
    if (!rk) return fail(to_error(RD_KAFKA_RESP_ERR__INVALID_ARG, std::string(err)));
    conf.release();  // owned by rk now
    return rk;
}

ListPtr to_list(const std::vector<TopicPartition>& parts) {
    ListPtr l(rd_kafka_topic_partition_list_new(int(parts.size())));
    for (const auto& p : parts) rd_kafka_topic_partition_list_add(l.get(), p.topic.c_str(), p.partition)->offset = p.offset;
    return l;
}

}  // namespace

ConfigMap load_properties(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read the Kafka client settings " + path);
    ConfigMap out;
    int n = 0;
    for (std::string line; std::getline(in, line);) {
        ++n;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        const auto first = line.find_first_not_of(' ');
        if (first == std::string::npos || line[first] == '#') continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos || eq == first)
            throw std::runtime_error(path + ":" + std::to_string(n) + ": not a key=value line");
        out.emplace_back(line.substr(first, eq - first), line.substr(eq + 1));
    }
    return out;
}

ConfigMap tuning_from_env(std::string_view role_prefix) {
    const char* path = std::getenv("OCMS_KAFKA_TUNING");
    if (!path || !*path) return {};
    ConfigMap out;
    for (auto& [k, v] : load_properties(path))
        if (k.starts_with(role_prefix)) out.emplace_back(k.substr(role_prefix.size()), std::move(v));
    return out;
}

ConfigMap client_config_from_env() {
    const char* path = std::getenv("OCMS_KAFKA_CONFIG");
    if (!path || !*path) return {};
    return load_properties(path);
}

FaultKind classify(rd_kafka_resp_err_t err) {
    switch (err) {
        case RD_KAFKA_RESP_ERR__FATAL:
        case RD_KAFKA_RESP_ERR__INVALID_ARG:
        case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
        case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
            return FaultKind::fatal;
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
        case RD_KAFKA_RESP_ERR_INVALID_MSG:
        case RD_KAFKA_RESP_ERR_INVALID_RECORD:
            return FaultKind::permanent;
        default:
            return FaultKind::transient;  // timeouts, broker down, leader moves: retry
    }
}

Error to_error(rd_kafka_resp_err_t err, std::string message) {
    if (message.empty()) message = rd_kafka_err2str(err);
    return Error{codes::kInternal, std::move(message), classify(err)};
}

Result<std::unique_ptr<Producer>> Producer::make(const std::string& brokers, const ConfigMap& extra) {
    ConfigMap base{{"bootstrap.servers", brokers},
                   {"enable.idempotence", "true"},
                   {"acks", "all"},
                   {"linger.ms", "1"},
                   {"socket.nagle.disable", "true"},
                   {"partitioner", "murmur2_random"},
                   {"message.timeout.ms", "5000"},
                   {"compression.type", "lz4"}};
    auto rk = new_client(RD_KAFKA_PRODUCER, base, extra, &on_delivery);
    if (!rk) return fail(std::move(rk.error()));
    return std::unique_ptr<Producer>(new Producer(*rk));
}

Producer::~Producer() {
    rd_kafka_flush(rk_, 5000);
    rd_kafka_destroy(rk_);
}

std::optional<std::string> Producer::produce(const std::string& topic, std::int32_t partition, std::string_view key,
                                             std::string_view value, const std::vector<Header>& headers,
                                             DeliveryCallback cb, rd_kafka_resp_err_t* code) {
    auto owned = std::make_unique<DeliveryCallback>(std::move(cb));
    for (int attempt = 0;; ++attempt) {
        rd_kafka_headers_t* hdrs = nullptr;
        if (!headers.empty()) {
            hdrs = rd_kafka_headers_new(headers.size());
            for (const auto& h : headers)
                rd_kafka_header_add(hdrs, h.key.data(), ssize_t(h.key.size()), h.value.data(), ssize_t(h.value.size()));
        }
        rd_kafka_resp_err_t e = rd_kafka_producev(
            rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
            RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
            RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(owned.get()), RD_KAFKA_V_END);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
            owned.release();
            return std::nullopt;
        }
        if (hdrs) rd_kafka_headers_destroy(hdrs);  // not taken over on failure
        if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL && attempt < 100) {
            rd_kafka_poll(rk_, 50);
            continue;
        }
        if (code) *code = e;
        return std::string(rd_kafka_err2str(e));
    }
}

int Producer::poll(std::chrono::milliseconds timeout) { return rd_kafka_poll(rk_, int(timeout.count())); }

std::optional<std::string> Producer::fatal_error() const {
    char why[512];
    if (rd_kafka_fatal_error(rk_, why, sizeof why) == RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
    return std::string(why);
}

bool Producer::flush(std::chrono::milliseconds timeout) {
    return rd_kafka_flush(rk_, int(timeout.count())) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

int Producer::outstanding() const { return rd_kafka_outq_len(rk_); }

bool Producer::has_metadata(std::chrono::milliseconds timeout) {
    const rd_kafka_metadata_t* md = nullptr;
    auto e = rd_kafka_metadata(rk_, 0, nullptr, &md, int(timeout.count()));
    bool ok = e == RD_KAFKA_RESP_ERR_NO_ERROR && md && md->broker_cnt > 0;
    if (md) rd_kafka_metadata_destroy(md);
    return ok;
}

std::string Message::error_text() const {
    if (!m_->err) return {};
    std::string s = rd_kafka_err2str(m_->err);
    if (m_->payload && m_->len) s += ": " + std::string(static_cast<const char*>(m_->payload), m_->len);
    return s;
}

std::optional<std::string> Message::header(const char* name) const {
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(m_.get(), &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
    const void* v = nullptr;
    size_t len = 0;
    if (rd_kafka_header_get_last(hdrs, name, &v, &len) != RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
    return std::string(static_cast<const char*>(v), len);
}

std::vector<Header> Message::headers() const {
    std::vector<Header> out;
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(m_.get(), &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
    const char* name;
    const void* v;
    size_t len;
    for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &v, &len) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
        out.push_back({name, v ? std::string(static_cast<const char*>(v), len) : std::string{}});
    return out;
}

std::int64_t Message::timestamp_ms() const { return rd_kafka_message_timestamp(m_.get(), nullptr); }

Result<std::unique_ptr<Consumer>> Consumer::make(const std::string& brokers, const std::string& group_id,
                                                 const ConfigMap& extra) {
    ConfigMap base{{"bootstrap.servers", brokers},
                   {"enable.auto.commit", "false"},
                   {"enable.auto.offset.store", "false"},
                   {"auto.offset.reset", "earliest"},
                   {"enable.partition.eof", "false"},
                   {"socket.nagle.disable", "true"},
                   // The broker answers a fetch as soon as there is a byte to give (fetch.min.bytes 1):
                   // this is only how long an idle fetch waits. 10 ms meant 100 empty fetches a second
                   // per consumer, about half of the broker's CPU under load (infra/bench, issue 7).
                   {"fetch.wait.max.ms", "100"},
                   {"fetch.error.backoff.ms", "50"}};
    if (!group_id.empty()) base.emplace_back("group.id", group_id);
    else base.emplace_back("group.id", "ocms-unused-assign-only");
    auto rk = new_client(RD_KAFKA_CONSUMER, base, extra, nullptr);
    if (!rk) return fail(std::move(rk.error()));
    rd_kafka_poll_set_consumer(*rk);
    return std::unique_ptr<Consumer>(new Consumer(*rk));
}

Consumer::~Consumer() {
    close();
    rd_kafka_destroy(rk_);
}

void Consumer::close() {
    if (closed_) return;
    closed_ = true;
    rd_kafka_consumer_close(rk_);
}

std::optional<std::string> Consumer::subscribe(const std::vector<std::string>& topics) {
    ListPtr l(rd_kafka_topic_partition_list_new(int(topics.size())));
    for (const auto& t : topics) rd_kafka_topic_partition_list_add(l.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
    auto e = rd_kafka_subscribe(rk_, l.get());
    if (e) return std::string(rd_kafka_err2str(e));
    return std::nullopt;
}

std::optional<std::string> Consumer::assign(const std::vector<TopicPartition>& parts) {
    auto l = to_list(parts);
    auto e = rd_kafka_assign(rk_, l.get());
    if (e) return std::string(rd_kafka_err2str(e));
    return std::nullopt;
}

std::optional<Message> Consumer::poll(std::chrono::milliseconds timeout) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, int(timeout.count()));
    if (!m) return std::nullopt;
    return Message(m);
}

rd_kafka_resp_err_t Consumer::commit(const std::vector<TopicPartition>& offsets) {
    if (offsets.empty()) return RD_KAFKA_RESP_ERR_NO_ERROR;
    auto l = to_list(offsets);
    // Asynchronous: the poll loop does not wait for the broker. An offset that never lands means
    // a redelivery, which the inbox answers (DESIGN.md invariant 4); close() waits for the rest.
    return rd_kafka_commit(rk_, l.get(), 1);
}

void Consumer::pause_assignment() {
    rd_kafka_topic_partition_list_t* l = nullptr;
    if (rd_kafka_assignment(rk_, &l) == RD_KAFKA_RESP_ERR_NO_ERROR && l) {
        rd_kafka_pause_partitions(rk_, l);
        rd_kafka_topic_partition_list_destroy(l);
    }
}

void Consumer::resume_assignment() {
    rd_kafka_topic_partition_list_t* l = nullptr;
    if (rd_kafka_assignment(rk_, &l) == RD_KAFKA_RESP_ERR_NO_ERROR && l) {
        rd_kafka_resume_partitions(rk_, l);
        rd_kafka_topic_partition_list_destroy(l);
    }
}

std::vector<TopicPartition> Consumer::assignment() const {
    std::vector<TopicPartition> out;
    rd_kafka_topic_partition_list_t* l = nullptr;
    if (rd_kafka_assignment(rk_, &l) != RD_KAFKA_RESP_ERR_NO_ERROR || !l) return out;
    for (int i = 0; i < l->cnt; ++i) out.push_back({l->elems[i].topic, l->elems[i].partition, l->elems[i].offset});
    rd_kafka_topic_partition_list_destroy(l);
    return out;
}

std::optional<std::pair<std::int64_t, std::int64_t>> Consumer::watermarks(const std::string& topic,
                                                                          std::int32_t partition,
                                                                          std::chrono::milliseconds timeout) {
    int64_t lo = 0, hi = 0;
    if (rd_kafka_query_watermark_offsets(rk_, topic.c_str(), partition, &lo, &hi, int(timeout.count())))
        return std::nullopt;
    return std::pair{lo, hi};
}

std::optional<std::int64_t> Consumer::lag(std::chrono::milliseconds timeout) {
    rd_kafka_topic_partition_list_t* raw = nullptr;
    if (rd_kafka_assignment(rk_, &raw) != RD_KAFKA_RESP_ERR_NO_ERROR || !raw) return std::nullopt;
    ListPtr committed(raw);
    if (committed->cnt == 0) return std::nullopt;
    ListPtr ends(rd_kafka_topic_partition_list_copy(committed.get()));
    if (rd_kafka_committed(rk_, committed.get(), int(timeout.count()))) return std::nullopt;
    // offsets_for_times with the "timestamp" OFFSET_END answers each partition's end offset:
    // one ListOffsets request per broker instead of two per partition.
    for (int i = 0; i < ends->cnt; ++i) ends->elems[i].offset = RD_KAFKA_OFFSET_END;
    if (rd_kafka_offsets_for_times(rk_, ends.get(), int(timeout.count()))) return std::nullopt;
    // Nothing committed yet for a partition: the consumer starts at its earliest offset (one
    // more request, only then).
    ListPtr starts(rd_kafka_topic_partition_list_new(1));
    for (int i = 0; i < committed->cnt; ++i)
        if (committed->elems[i].offset < 0)
            rd_kafka_topic_partition_list_add(starts.get(), committed->elems[i].topic, committed->elems[i].partition)
                ->offset = RD_KAFKA_OFFSET_BEGINNING;
    if (starts->cnt > 0 && rd_kafka_offsets_for_times(rk_, starts.get(), int(timeout.count()))) return std::nullopt;
    std::int64_t total = 0;
    for (int i = 0; i < committed->cnt; ++i) {
        const auto& c = committed->elems[i];
        const auto* e = rd_kafka_topic_partition_list_find(ends.get(), c.topic, c.partition);
        if (!e || e->err || e->offset < 0) return std::nullopt;
        std::int64_t from = c.offset;
        if (from < 0) {
            const auto* b = rd_kafka_topic_partition_list_find(starts.get(), c.topic, c.partition);
            if (!b || b->err || b->offset < 0) return std::nullopt;
            from = b->offset;
        }
        total += std::max<std::int64_t>(0, e->offset - from);
    }
    return total;
}

std::optional<std::int64_t> Consumer::offset_for_time(const std::string& topic, std::int32_t partition,
                                                      std::int64_t ts_ms, std::chrono::milliseconds timeout) {
    ListPtr l(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(l.get(), topic.c_str(), partition)->offset = ts_ms;
    if (rd_kafka_offsets_for_times(rk_, l.get(), int(timeout.count()))) return std::nullopt;
    if (l->elems[0].err) return std::nullopt;
    return l->elems[0].offset;
}

std::optional<std::vector<TopicPartition>> Consumer::committed(const std::vector<TopicPartition>& parts,
                                                               std::chrono::milliseconds timeout) {
    auto l = to_list(parts);
    if (rd_kafka_committed(rk_, l.get(), int(timeout.count()))) return std::nullopt;
    std::vector<TopicPartition> out;
    for (int i = 0; i < l->cnt; ++i) out.push_back({l->elems[i].topic, l->elems[i].partition, l->elems[i].offset});
    return out;
}

int Consumer::partition_count(const std::string& topic, std::chrono::milliseconds timeout) {
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
    auto e = rd_kafka_metadata(rk_, 0, rkt, &md, int(timeout.count()));
    int n = -1;
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR && md && md->topic_cnt == 1 && !md->topics[0].err)
        n = md->topics[0].partition_cnt;
    if (md) rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
    return n;
}

}  // namespace ocms::kafka
