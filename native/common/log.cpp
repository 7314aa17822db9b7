#include "common/log.h"

#include <unistd.h>

#include <string>

namespace nj {

void logLine(std::string_view message) noexcept {
    try {
        std::string line;
        line.reserve(message.size() + 12);
        line.append("nativejmx: ").append(message).push_back('\n');
        const char* p = line.data();
        size_t left = line.size();
        while (left > 0) {
            ssize_t n = ::write(STDERR_FILENO, p, left);
            if (n <= 0) return;
            p += n;
            left -= static_cast<size_t>(n);
        }
    } catch (...) {
        // Out of memory while logging: nothing sensible left to do.
    }
}

}  // namespace nj
