// SmallVector: the labels' container. Strings longer than the small-string buffer, so that a
// moved-from or double-freed element shows (under ASan in the fuzz build, as wrong text here).
#include "common/small_vector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace nj {
namespace {

using Texts = SmallVector<std::string, 2>;

std::string text(int i) { return "a text longer than the small-string buffer, number " + std::to_string(i); }

Texts filled(int n) {
    Texts v;
    for (int i = 0; i < n; i++) v.push_back(text(i));
    return v;
}

std::vector<std::string> contents(const Texts& v) { return {v.begin(), v.end()}; }

std::vector<std::string> expected(int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; i++) out.push_back(text(i));
    return out;
}

TEST(SmallVector, HoldsAnyNumberOfElementsInOrder) {
    for (int n : {0, 1, 2, 3, 4, 9, 40}) {
        Texts v = filled(n);
        EXPECT_EQ(v.size(), static_cast<size_t>(n));
        EXPECT_EQ(v.empty(), n == 0);
        EXPECT_EQ(contents(v), expected(n)) << n;
        if (n > 0) {
            EXPECT_EQ(v.front(), text(0));
            EXPECT_EQ(v.back(), text(n - 1));
            EXPECT_EQ(v.at(static_cast<size_t>(n - 1)), text(n - 1));
        }
        EXPECT_THROW((void)v.at(static_cast<size_t>(n)), std::out_of_range);
    }
}

TEST(SmallVector, CopiesAndMovesInlineAndOnTheHeap) {
    for (int n : {0, 1, 2, 3, 7}) {
        Texts original = filled(n);
        Texts copy(original);
        EXPECT_EQ(contents(copy), expected(n));
        EXPECT_EQ(contents(original), expected(n)) << "a copy leaves the original";
        Texts moved(std::move(copy));
        EXPECT_EQ(contents(moved), expected(n));
        EXPECT_TRUE(copy.empty()) << "a move leaves the source empty";   // NOLINT(bugprone-use-after-move)
        copy.push_back(text(99));   // and usable
        EXPECT_EQ(copy.size(), 1u);

        for (int m : {0, 1, 2, 5}) {
            Texts target = filled(m);
            target = original;
            EXPECT_EQ(contents(target), expected(n)) << n << " copied over " << m;
            Texts other = filled(m);
            other = std::move(target);
            EXPECT_EQ(contents(other), expected(n)) << n << " moved over " << m;
        }
        Texts& self = original;
        original = self;
        EXPECT_EQ(contents(original), expected(n)) << "copied onto itself";
        original = std::move(self);
        EXPECT_EQ(contents(original), expected(n)) << "moved onto itself";
    }
}

TEST(SmallVector, PushingItsOwnElementWhileGrowingCopiesItFirst) {
    Texts v = filled(2);   // full inline: the next element moves everything to the heap
    v.push_back(v[0]);
    v.push_back(v[1]);
    v.push_back(v[2]);
    v.emplace_back(v.back());
    EXPECT_EQ(contents(v), (std::vector<std::string>{text(0), text(1), text(0), text(1), text(0), text(0)}));
}

TEST(SmallVector, SortsComparesAndClears) {
    Texts v{text(3), text(1), text(2)};
    std::sort(v.begin(), v.end());
    EXPECT_EQ(contents(v), (std::vector<std::string>{text(1), text(2), text(3)}));
    EXPECT_TRUE(v == (Texts{text(1), text(2), text(3)}));
    EXPECT_FALSE(v == (Texts{text(1), text(2)}));
    EXPECT_FALSE(v == (Texts{text(1), text(2), text(4)}));
    v.clear();
    EXPECT_TRUE(v.empty());
    v.reserve(10);
    v.push_back(text(5));
    EXPECT_EQ(contents(v), std::vector<std::string>{text(5)});
    std::vector<std::string> source = expected(4);
    Texts ranged(source.begin(), source.end());
    EXPECT_EQ(contents(ranged), source);
}

}  // namespace
}  // namespace nj
