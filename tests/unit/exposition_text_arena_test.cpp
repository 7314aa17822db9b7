#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "exposition/text_arena.h"

namespace {

using nj::expo::TextArena;

TEST(TextArena, KeptTextsStayValidAcrossBlocksAndMoves) {
    TextArena arena;
    std::vector<std::string> texts;
    std::vector<std::string_view> kept;
    for (int i = 0; i < 20000; ++i) {   // several blocks' worth
        texts.push_back("text number " + std::to_string(i));
        kept.push_back(arena.keep(texts.back()));
    }
    texts.push_back(std::string(200 * 1024, 'x'));   // larger than a block
    kept.push_back(arena.keep(texts.back()));
    TextArena moved = std::move(arena);
    for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(kept[i], texts[i]) << i;
    EXPECT_EQ(moved.keep("after the move"), "after the move");
}

TEST(TextArena, InternReturnsOneCopyPerText) {
    TextArena arena;
    std::string help = "the same HELP";
    std::string_view first = arena.intern(help);
    help[0] = 'T';   // the arena's copy does not follow the caller's string
    std::string_view other = arena.intern(help);
    EXPECT_EQ(first, "the same HELP");
    EXPECT_EQ(other, "The same HELP");
    EXPECT_EQ(arena.intern("the same HELP").data(), first.data());
    EXPECT_TRUE(arena.keep("").empty());
}

}  // namespace
