#pragma once
// RAII over libpq (STYLE.md 8): PGconn and PGresult are owned here and nowhere else.
// SQL only with parameters: exec() takes the text and a list of parameter values (text
// format; std::nullopt is SQL NULL). Errors come back as PgError, classified once
// (classify_sqlstate) into transient (retry) or permanent (dead-letter). PgError is the boundary
// type (it keeps the SQLSTATE); code above this layer returns Result<T> and converts with to_error.
// A Connection is used by one thread at a time; Pool hands connections out.
#include "core/error.hpp"

#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <expected>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace ocms::pg {

using Param = std::optional<std::string>;
using Params = std::vector<Param>;

struct PgError {
    std::string sqlstate;  // "" for connection-level faults
    std::string message;
    FaultKind kind = FaultKind::transient;
};

// One function that decides what a SQLSTATE means for retrying (STYLE.md 5).
FaultKind classify_sqlstate(std::string_view sqlstate);

// The one translation of a PgError into the system's Error (STYLE.md 5): the message as it is,
// the PgError's kind (classify_sqlstate's answer for a server error, transient when the
// connection is gone, or what the code that made the PgError said), code OCMS-5000 (a database
// fault is never the caller's) unless the caller passes another.
Error to_error(const PgError& e, AppCode code = codes::kInternal);

class Result {
public:
    Result() = default;
    explicit Result(PGresult* r) : r_(r, &PQclear) {}
    int rows() const { return r_ ? PQntuples(r_.get()) : 0; }
    bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
    std::string_view get(int row, int col) const {
        return {PQgetvalue(r_.get(), row, col), std::size_t(PQgetlength(r_.get(), row, col))};
    }
    std::optional<std::string> opt(int row, int col) const {
        if (is_null(row, col)) return std::nullopt;
        return std::string(get(row, col));
    }
    long long get_int(int row, int col) const;
    bool get_bool(int row, int col) const { return get(row, col) == "t"; }
    std::string_view affected() const { return r_ ? PQcmdTuples(r_.get()) : ""; }

private:
    std::shared_ptr<PGresult> r_;
};

class Connection {
public:
    // Connects; on failure returns a transient PgError (the server may come back).
    static std::expected<std::unique_ptr<Connection>, PgError> connect(const std::string& url);

    std::expected<Result, PgError> exec(std::string_view sql, const Params& params = {});
    // The same, prepared once per connection under `name` (PQprepare on first use, then
    // PQexecPrepared): no parse and plan on each call, for statements run once per command on the
    // hot path (about half the server time of a short statement, measured). One name, one sql.
    std::expected<Result, PgError> exec_prepared(const std::string& name, std::string_view sql,
                                                 const Params& params = {});
    // From now on exec() prepares each distinct SQL text once on this connection and runs it
    // prepared (the worker: every statement of a command runs thousands of times a minute; parse
    // and plan were about half of a short statement's server time). At most kMaxAutoPrepared
    // texts; later ones run unprepared, so SQL text built at run time cannot grow the server's memory.
    void auto_prepare(bool on) { auto_prepare_ = on; }
    static constexpr std::size_t kMaxAutoPrepared = 256;
    // Runs statements without parameters and results (BEGIN, COMMIT, SAVEPOINT ...).
    std::expected<void, PgError> command(const char* sql);
    // Queues a statement whose result nobody needs at once (SAVEPOINT, RELEASE, a bookkeeping
    // insert): it goes to the server with the next exec()/command() in one pipeline (libpq
    // pipeline mode), in order, so it costs no round trip of its own. An error of a deferred
    // statement is the error of that next call (later statements of the pipeline are skipped);
    // callers that defer treat any error as "roll the transaction back" (the worker's fast path).
    void defer(std::string_view sql, Params params = {});
    std::size_t deferred() const { return deferred_.size(); }
    bool ok() const { return !broken_ && PQstatus(conn_.get()) == CONNECTION_OK; }
    PGconn* raw() { return conn_.get(); }

private:
    explicit Connection(PGconn* c) : conn_(c, &PQfinish) {}
    struct Stmt {
        std::string name;  // a prepared statement's name, or "" for unnamed
        std::string sql;
        Params params;
    };
    std::string auto_name(std::string_view sql);  // "" when not auto-prepared
    std::expected<void, PgError> prepare(const std::string& name, const std::string& sql, int n_params);
    std::expected<Result, PgError> pipeline(Stmt current);
    std::vector<Stmt> deferred_;
    bool broken_ = false;  // a pipeline ended in a state libpq cannot recover from
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
    std::unordered_set<std::string> prepared_;  // statement names prepared on this connection
    bool auto_prepare_ = false;
    std::unordered_map<std::string, std::string> auto_names_;  // SQL text -> its statement name
};

// A fixed-size pool for the edge's reads. acquire() blocks until a connection is free and
// reconnects a broken one; the Lease gives it back on destruction.
class Pool {
public:
    Pool(std::string url, int size);
    class Lease {
    public:
        Lease(Pool* p, std::unique_ptr<Connection> c) : pool_(p), conn_(std::move(c)) {}
        Lease(Lease&&) = default;
        ~Lease();
        Connection* operator->() { return conn_.get(); }
        Connection& operator*() { return *conn_; }

    private:
        Pool* pool_;
        std::unique_ptr<Connection> conn_;
    };
    std::expected<Lease, PgError> acquire(std::chrono::milliseconds wait = std::chrono::milliseconds(2000));

private:
    friend class Lease;
    void give_back(std::unique_ptr<Connection> c);
    std::string url_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<Connection>> idle_;
    int free_slots_;
};

// A PostgreSQL text[] literal, {"a","b"} with quotes and backslashes escaped, to pass as ONE
// parameter ($1::text[]): a list of values without building SQL text from them.
std::string text_array(const std::vector<std::string>& values);

}  // namespace ocms::pg
