#pragma once
// The code catalogue (messages.tsv): every fixed message of the specification with the appCode it
// goes with and the spec section that words it, written once. The constants are generated from
// the table at configure time (common/domain/CMakeLists.txt): ts_message::kPaid is
// {OCMS-4003, "TS cannot be applied to paid notices", "002 3"}. Messages built from values
// ("Stage transition not allowed: DN1 -> CFC") stay functions of the module that builds them.
#include <array>
#include <string_view>

#include "core/error.hpp"

namespace ocms::domain {

struct Message {
    AppCode code;
    std::string_view text;
    std::string_view spec;  // "002 3": document and section; "(ours)" where the spec gives no words

    constexpr operator std::string_view() const noexcept { return text; }
    friend constexpr bool operator==(const Message& m, std::string_view text) noexcept { return m.text == text; }
};

}  // namespace ocms::domain

#include "domain/messages.inc"
