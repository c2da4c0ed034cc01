#pragma once
// Strong types for ids and codes (STYLE.md 4): a NoticeNo is not a CommandId even though both
// are strings underneath. Construction is explicit; the value is read with .value().
#include <compare>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace ocms {

template <typename T, typename Tag>
class NamedType {
public:
    NamedType() = default;
    explicit NamedType(T v) : value_(std::move(v)) {}
    const T& value() const noexcept { return value_; }
    T& value() noexcept { return value_; }
    auto operator<=>(const NamedType&) const = default;
    bool operator==(const NamedType&) const = default;

private:
    T value_{};
};

using NoticeNo = NamedType<std::string, struct NoticeNoTag>;
using CommandId = NamedType<std::string, struct CommandIdTag>;
using RequestId = NamedType<std::string, struct RequestIdTag>;
using TraceId = NamedType<std::string, struct TraceIdTag>;
using Stage = NamedType<std::string, struct StageTag>;          // e.g. "RD1"
using ReasonCode = NamedType<std::string, struct ReasonCodeTag>;  // e.g. "ACR"

}  // namespace ocms

template <typename T, typename Tag>
struct std::hash<ocms::NamedType<T, Tag>> {
    std::size_t operator()(const ocms::NamedType<T, Tag>& v) const noexcept { return std::hash<T>{}(v.value()); }
};
