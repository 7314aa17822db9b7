#include "exposition/text_arena.h"

#include <algorithm>
#include <cstring>

namespace nj::expo {
namespace {

// Big enough that a scrape of thousands of samples takes few blocks, small enough that a small
// scrape does not hold much.
constexpr size_t kBlockSize = 64 * 1024;

}  // namespace

std::string_view TextArena::keep(std::string_view text) {
    if (text.empty()) return {};
    if (blocks_.empty() || blockSize_ - blockUsed_ < text.size()) {
        blockSize_ = std::max(kBlockSize, text.size());
        blocks_.push_back(std::make_unique_for_overwrite<char[]>(blockSize_));
        blockUsed_ = 0;
    }
    char* copy = blocks_.back().get() + blockUsed_;
    std::memcpy(copy, text.data(), text.size());
    blockUsed_ += text.size();
    return {copy, text.size()};
}

std::string_view TextArena::intern(std::string_view text) {
    if (auto known = interned_.find(text); known != interned_.end()) return *known;
    std::string_view copy = keep(text);
    interned_.insert(copy);
    return copy;
}

}  // namespace nj::expo
