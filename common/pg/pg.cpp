#include "pg/pg.hpp"

#include <charconv>

namespace ocms::pg {

FaultKind classify_sqlstate(std::string_view s) {
    if (s.empty()) return FaultKind::transient;              // connection lost, no SQLSTATE
    if (s.starts_with("08")) return FaultKind::transient;    // connection exception
    if (s == "40001" || s == "40P01") return FaultKind::transient;  // serialization, deadlock
    if (s.starts_with("53")) return FaultKind::transient;    // insufficient resources
    if (s.starts_with("57")) return FaultKind::transient;    // operator intervention (shutdown)
    if (s == "55P03") return FaultKind::transient;           // lock not available
    if (s.starts_with("58")) return FaultKind::transient;    // system error (I/O)
    return FaultKind::permanent;                             // data, constraint, syntax, privilege
}

long long Result::get_int(int row, int col) const {
    auto v = get(row, col);
    long long n = 0;
    std::from_chars(v.data(), v.data() + v.size(), n);
    return n;
}

std::expected<std::unique_ptr<Connection>, PgError> Connection::connect(const std::string& url) {
    PGconn* c = PQconnectdb(url.c_str());
    if (c == nullptr) return std::unexpected(PgError{"", "out of memory", FaultKind::transient});
    if (PQstatus(c) != CONNECTION_OK) {
        PgError e{"", PQerrorMessage(c), FaultKind::transient};
        PQfinish(c);
        return std::unexpected(std::move(e));
    }
    return std::unique_ptr<Connection>(new Connection(c));
}

namespace {
PgError error_of(PGconn* c, PGresult* r) {
    PgError e;
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    e.sqlstate = state ? state : "";
    const char* msg = r ? PQresultErrorMessage(r) : nullptr;
    e.message = (msg && *msg) ? msg : PQerrorMessage(c);
    while (!e.message.empty() && (e.message.back() == '\n')) e.message.pop_back();
    e.kind = PQstatus(c) != CONNECTION_OK ? FaultKind::transient : classify_sqlstate(e.sqlstate);
    return e;
}
}  // namespace

std::expected<Result, PgError> Connection::exec(std::string_view sql, const Params& params) {
    if (auto_prepare_) {
        std::string text(sql);
        auto it = auto_names_.find(text);
        if (it == auto_names_.end() && auto_names_.size() < kMaxAutoPrepared)
            it = auto_names_.emplace(text, "ocms_auto_" + std::to_string(auto_names_.size())).first;
        if (it != auto_names_.end()) return exec_prepared(it->second, it->first, params);
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    std::string text(sql);
    PGresult* r = PQexecParams(conn_.get(), text.c_str(), int(values.size()), nullptr, values.data(), nullptr,
                               nullptr, 0);
    auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Result(r);
    auto e = error_of(conn_.get(), r);
    if (r) PQclear(r);
    return std::unexpected(std::move(e));
}

std::expected<Result, PgError> Connection::exec_prepared(const std::string& name, std::string_view sql,
                                                        const Params& params) {
    if (!prepared_.contains(name)) {
        // A prepared statement outlives a rolled-back transaction: marked only once the server has it.
        std::string text(sql);
        PGresult* p = PQprepare(conn_.get(), name.c_str(), text.c_str(), int(params.size()), nullptr);
        if (!p || PQresultStatus(p) != PGRES_COMMAND_OK) {
            auto e = error_of(conn_.get(), p);
            if (p) PQclear(p);
            return std::unexpected(std::move(e));
        }
        PQclear(p);
        prepared_.insert(name);
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& v : params) values.push_back(v ? v->c_str() : nullptr);
    PGresult* r = PQexecPrepared(conn_.get(), name.c_str(), int(values.size()), values.data(), nullptr, nullptr, 0);
    auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Result(r);
    auto e = error_of(conn_.get(), r);
    if (r) PQclear(r);
    return std::unexpected(std::move(e));
}

std::expected<void, PgError> Connection::command(const char* sql) {
    PGresult* r = PQexec(conn_.get(), sql);
    auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        PQclear(r);
        return {};
    }
    auto e = error_of(conn_.get(), r);
    if (r) PQclear(r);
    return std::unexpected(std::move(e));
}

Pool::Pool(std::string url, int size) : url_(std::move(url)), free_slots_(size) {}

Pool::Lease::~Lease() {
    if (pool_ && conn_) pool_->give_back(std::move(conn_));
}

void Pool::give_back(std::unique_ptr<Connection> c) {
    {
        std::lock_guard lk(mu_);
        if (c->ok() && PQtransactionStatus(c->raw()) == PQTRANS_IDLE) idle_.push_back(std::move(c));
        ++free_slots_;
    }
    cv_.notify_one();
}

std::expected<Pool::Lease, PgError> Pool::acquire(std::chrono::milliseconds wait) {
    std::unique_ptr<Connection> c;
    {
        std::unique_lock lk(mu_);
        if (!cv_.wait_for(lk, wait, [&] { return free_slots_ > 0; }))
            return std::unexpected(PgError{"", "no database connection free", FaultKind::transient});
        --free_slots_;
        if (!idle_.empty()) {
            c = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    if (!c || !c->ok()) {
        auto fresh = Connection::connect(url_);
        if (!fresh) {
            std::lock_guard lk(mu_);
            ++free_slots_;
            cv_.notify_one();
            return std::unexpected(fresh.error());
        }
        c = std::move(*fresh);
    }
    return Lease(this, std::move(c));
}

std::string text_array(const std::vector<std::string>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        out += '"';
        for (char c : values[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

}  // namespace ocms::pg
