#pragma once
// One error type for the whole system (STYLE.md 5). An Error carries the spec's application
// code (OCMS-4000 ...), the message the caller sees (the detail) and the kind of fault, which
// decides what is done about it (STYLE.md 6). Boundaries translate into it once, each in one
// function: pg::to_error (PgError, its kind from the SQLSTATE), kafka::to_error (librdkafka
// errors, through kafka::classify), http::to_error (TransportError, through http::classify),
// classify_errno (POSIX errno, for files). Above the boundaries every fallible function returns
// Result<T>; a std::string error is left only to leaf parsers (json::parse ...).
#include <expected>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace ocms {

// An application code such as "OCMS-4002". Stored inline (codes are short), so it can be a
// constexpr constant and also be read back from a message.
class AppCode {
public:
    static constexpr std::size_t kMax = 15;
    constexpr AppCode() : AppCode("OCMS-5000") {}
    constexpr explicit AppCode(std::string_view code) {
        len_ = code.size() < kMax ? code.size() : kMax;
        for (std::size_t i = 0; i < len_; ++i) buf_[i] = code[i];
    }
    constexpr std::string_view str() const noexcept { return {buf_, len_}; }
    constexpr bool operator==(const AppCode& o) const noexcept { return str() == o.str(); }
    // Codes 2xxx are successes (OCMS-2000, OCMS-2001 ...).
    constexpr bool is_success() const noexcept { return len_ > 5 && buf_[5] == '2'; }

private:
    char buf_[kMax]{};
    std::size_t len_ = 0;
};

namespace codes {
inline constexpr AppCode kSuccess{"OCMS-2000"};
inline constexpr AppCode kAlreadySuspended{"OCMS-2001"};
inline constexpr AppCode kPending{"OCMS-2002"};
inline constexpr AppCode kBadRequest{"OCMS-4000"};
inline constexpr AppCode kNotFound{"OCMS-4001"};
inline constexpr AppCode kBusinessRule{"OCMS-4002"};
inline constexpr AppCode kPaid{"OCMS-4003"};
inline constexpr AppCode kSystemError{"OCMS-4007"};
inline constexpr AppCode kInternal{"OCMS-5000"};
inline constexpr AppCode kApiError{"OCMS-9999"};  // an outbound call failed after its retries (spec 004)
}  // namespace codes

// The kind of a fault for retry decisions (STYLE.md 6).
enum class FaultKind {
    transient,  // back off and retry; nothing is skipped
    permanent,  // retrying cannot help: dead-letter the message
    fatal,      // the process cannot go on: exit and let the supervisor restart it
    client,     // the caller's fault (a bad request): answer it, never retry, nothing to repair here
};

// What a fault is, where it went wrong and what the caller is told. An aggregate, so
// Error{code, message} still reads as before (kind permanent: retrying does not help unless a
// boundary says otherwise); the named constructors say the kind where it matters.
struct Error {
    AppCode code;
    std::string message;  // the detail the caller sees (and logs)
    FaultKind kind = FaultKind::permanent;

    static Error transient(AppCode code, std::string message) {
        return {code, std::move(message), FaultKind::transient};
    }
    static Error permanent(AppCode code, std::string message) {
        return {code, std::move(message), FaultKind::permanent};
    }
    static Error fatal(AppCode code, std::string message) { return {code, std::move(message), FaultKind::fatal}; }
    static Error client(AppCode code, std::string message) { return {code, std::move(message), FaultKind::client}; }

    bool retriable() const noexcept { return kind == FaultKind::transient; }

    // The same error with what was being done in front of its message ("database: ..."): code
    // and kind unchanged.
    Error in_context(std::string_view what) && {
        message.insert(0, what);
        return std::move(*this);
    }
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(AppCode code, std::string message) {
    return std::unexpected(Error{code, std::move(message)});
}
inline std::unexpected<Error> fail(Error e) { return std::unexpected(std::move(e)); }

// The one translation of a POSIX errno (file and socket calls) into a kind: out of space, out of
// memory or descriptors, interrupted, busy, I/O error -> transient (the machine may recover);
// anything else (permission, read-only file system, no such file, bad argument) -> permanent.
FaultKind classify_errno(int err) noexcept;



}  // namespace ocms
