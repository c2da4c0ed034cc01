#include "core/error.hpp"

#include <cerrno>

namespace ocms {

FaultKind classify_errno(int err) noexcept {
    switch (err) {
        case ENOSPC:  // disk full: space may be freed
        case EDQUOT:
        case EIO:     // device error: may be a passing one (network file systems)
        case EAGAIN:
        case EINTR:
        case EBUSY:
        case ENOMEM:
        case EMFILE:  // out of descriptors: others close
        case ENFILE:
        case ETIMEDOUT:
            return FaultKind::transient;
        default:
            return FaultKind::permanent;
    }
}

}  // namespace ocms
