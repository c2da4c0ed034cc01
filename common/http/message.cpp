#include "http/message.hpp"

#include <algorithm>
#include <cctype>

namespace ocms::http {

std::string_view to_string(Method m) {
    switch (m) {
        case Method::get: return "GET";
        case Method::post: return "POST";
        case Method::put: return "PUT";
        case Method::patch: return "PATCH";
        case Method::del: return "DELETE";
    }
    return "POST";
}

std::optional<std::string_view> find_header(const Headers& headers, std::string_view name) {
    auto eq = [](std::string_view a, std::string_view b) {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
                   return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
               });
    };
    for (const auto& [k, v] : headers)
        if (eq(k, name)) return std::string_view(v);
    return std::nullopt;
}

}  // namespace ocms::http
