#pragma once
// What every store of the edge answers: a value or an Error (OCMS-5000) for the log, never for the
// caller (each handler answers a failed store in its own spec's words).
#include "core/error.hpp"
#include "pg/pg.hpp"

#include <functional>
#include <string>

namespace ocms::edge {

// A store's failure: the database's (its SQLSTATE first in the text, its kind from pg), or one
// the store found in what it read.
inline Error store_error(const pg::PgError& e) {
    return Error{codes::kInternal, e.sqlstate.empty() ? e.message : e.sqlstate + " " + e.message, e.kind};
}
inline Error store_error(std::string message) { return Error{codes::kInternal, std::move(message)}; }

// A store's answer. Its Error (OCMS-5000) is for the log only, never the caller: each handler
// answers a failed store in its own spec's words.
template <typename T>
using ReadResult = Result<T>;
template <typename T>
using ReadCallback = std::function<void(ReadResult<T>)>;

}  // namespace ocms::edge
