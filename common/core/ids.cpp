#include "core/ids.hpp"

#include <array>
#include <cstdint>
#include <random>

namespace ocms {

std::string new_uuid() {
    thread_local std::mt19937_64 rng{[] {
        std::random_device rd;
        std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
        return std::mt19937_64(seq);
    }()};
    std::array<std::uint8_t, 16> b{};
    for (int i = 0; i < 2; ++i) {
        std::uint64_t r = rng();
        for (int j = 0; j < 8; ++j) b[i * 8 + j] = std::uint8_t(r >> (j * 8));
    }
    b[6] = std::uint8_t((b[6] & 0x0f) | 0x40);
    b[8] = std::uint8_t((b[8] & 0x3f) | 0x80);
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
        s += hex[b[i] >> 4];
        s += hex[b[i] & 15];
    }
    return s;
}

}  // namespace ocms
