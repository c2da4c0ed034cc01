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

Error to_error(const PgError& e, AppCode code) { return Error{code, e.message, e.kind}; }

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

std::string Connection::auto_name(std::string_view sql) {
    if (!auto_prepare_) return {};
    std::string text(sql);
    auto it = auto_names_.find(text);
    if (it == auto_names_.end() && auto_names_.size() < kMaxAutoPrepared)
        it = auto_names_.emplace(std::move(text), "ocms_auto_" + std::to_string(auto_names_.size())).first;
    return it == auto_names_.end() ? std::string() : it->second;
}

std::expected<void, PgError> Connection::prepare(const std::string& name, const std::string& sql, int n_params) {
    if (prepared_.contains(name)) return {};
    // A prepared statement outlives a rolled-back transaction: marked only once the server has it.
    PGresult* p = PQprepare(conn_.get(), name.c_str(), sql.c_str(), n_params, nullptr);
    if (!p || PQresultStatus(p) != PGRES_COMMAND_OK) {
        auto e = error_of(conn_.get(), p);
        if (p) PQclear(p);
        return std::unexpected(std::move(e));
    }
    PQclear(p);
    prepared_.insert(name);
    return {};
}

void Connection::defer(std::string_view sql, Params params) {
    deferred_.push_back({auto_name(sql), std::string(sql), std::move(params)});
}

std::expected<Result, PgError> Connection::pipeline(Stmt current) {
    PGconn* c = conn_.get();
    std::vector<Stmt> todo = std::move(deferred_);
    deferred_.clear();
    todo.push_back(std::move(current));
    // Statements are prepared outside the pipeline (once per connection, so rarely).
    for (const auto& s : todo)
        if (!s.name.empty())
            if (auto r = prepare(s.name, s.sql, int(s.params.size())); !r) return std::unexpected(r.error());
    auto lost = [&](std::string what) {
        broken_ = true;  // the protocol state is unknown: the owner reconnects (ok() is false)
        return std::unexpected(PgError{"", what + ": " + PQerrorMessage(c), FaultKind::transient});
    };
    if (PQenterPipelineMode(c) != 1) return lost("cannot enter pipeline mode");
    for (const auto& s : todo) {
        std::vector<const char*> values;
        values.reserve(s.params.size());
        for (const auto& v : s.params) values.push_back(v ? v->c_str() : nullptr);
        int sent = s.name.empty() ? PQsendQueryParams(c, s.sql.c_str(), int(values.size()), nullptr, values.data(),
                                                      nullptr, nullptr, 0)
                                  : PQsendQueryPrepared(c, s.name.c_str(), int(values.size()), values.data(), nullptr,
                                                        nullptr, 0);
        if (sent != 1) return lost("cannot send a pipelined statement");
    }
    if (PQpipelineSync(c) != 1) return lost("cannot sync the pipeline");
    std::optional<PgError> first_error;
    Result last;
    for (std::size_t i = 0; i < todo.size(); ++i) {
        PGresult* r = PQgetResult(c);
        if (!r) return lost("pipeline result missing");
        auto st = PQresultStatus(r);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            if (i + 1 == todo.size()) {
                last = Result(r);
                r = nullptr;
            }
        } else if (!first_error) {
            first_error = st == PGRES_PIPELINE_ABORTED
                              ? PgError{"", "skipped after an earlier error in the pipeline", FaultKind::transient}
                              : error_of(c, r);
        }
        if (r) PQclear(r);
        if (PGresult* end = PQgetResult(c)) {  // each statement's results end with NULL
            PQclear(end);
            return lost("unexpected extra result in the pipeline");
        }
    }
    PGresult* sync = PQgetResult(c);
    const bool synced = sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
    if (sync) PQclear(sync);
    if (!synced || PQexitPipelineMode(c) != 1) return lost("pipeline did not end cleanly");
    if (first_error) return std::unexpected(std::move(*first_error));
    return last;
}

std::expected<Result, PgError> Connection::exec(std::string_view sql, const Params& params) {
    if (!deferred_.empty()) return pipeline({auto_name(sql), std::string(sql), params});
    if (auto name = auto_name(sql); !name.empty()) return exec_prepared(name, sql, params);
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
    if (!deferred_.empty()) return pipeline({name, std::string(sql), params});
    if (auto r = prepare(name, std::string(sql), int(params.size())); !r) return std::unexpected(r.error());
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
    // A rollback undoes the deferred statements anyway; sent after one that fails, it would be
    // skipped with the rest of the pipeline and leave the transaction open.
    if (std::string_view(sql) == "ROLLBACK") deferred_.clear();
    if (!deferred_.empty()) {
        auto r = pipeline({"", sql, {}});
        if (!r) return std::unexpected(r.error());
        return {};
    }
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
