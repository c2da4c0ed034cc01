#pragma once
// One error type for the whole system (STYLE.md 5). An Error carries the spec's application
// code (OCMS-4000 ...) and the message the caller sees. Boundaries translate into it once:
// SQLSTATE in pg/, librdkafka errors in kafka/, HTTP status in the edge.
#include <expected>
#include <string>
#include <string_view>

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

struct Error {
    AppCode code;
    std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(AppCode code, std::string message) {
    return std::unexpected(Error{code, std::move(message)});
}

// The kind of a fault for retry decisions (STYLE.md 6).
enum class FaultKind {
    transient,  // back off and retry; nothing is skipped
    permanent,  // retrying cannot help: dead-letter the message
    fatal,      // the process cannot go on: exit and let the supervisor restart it
};

}  // namespace ocms
