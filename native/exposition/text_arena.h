// Storage for the texts a scrape's samples share or view (HELP, `_objectname`), so that a
// sample costs no allocation of its own for them. Pure data, no JNI.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace nj::expo {

// Texts copied into large blocks that never move: a view it returns stays valid as long as the
// arena lives, also after the arena itself is moved.
class TextArena {
public:
    // A copy of `text` in the arena.
    std::string_view keep(std::string_view text);
    // The arena's copy of `text`, made at the first call with equal text (HELP repeats from
    // sample to sample).
    std::string_view intern(std::string_view text);

private:
    std::vector<std::unique_ptr<char[]>> blocks_;
    size_t blockUsed_ = 0;
    size_t blockSize_ = 0;
    std::unordered_set<std::string_view> interned_;   // views into blocks_
};

}  // namespace nj::expo
