// Every expected string and bit pattern below was printed by Java (Temurin 25: Double.toString,
// Float.toString, Double.valueOf) or is quoted from the spec (§5.6, §8.2).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "exposition/java_double.h"

namespace {

using nj::expo::formatJavaDouble;
using nj::expo::formatJavaFloat;
using nj::expo::formatPrometheusValue;
using nj::expo::parseJavaDouble;
using nj::expo::ValueStyle;

struct DoubleCase {
    uint64_t bits;
    const char* java;
};

struct FloatCase {
    uint32_t bits;
    const char* java;
};

TEST(FormatJavaDouble, SpecExamples) {
    const DoubleCase cases[] = {
        {0x4069000000000000, "200.0"},
        {0x3fc999999999999a, "0.2"},
        {0x3f1a36e2eb1c432d, "1.0E-4"},
        {0x41678c29dccccccd, "1.23456789E7"},
        {0x4278bcfe56800000, "1.7E12"},
        {0xc014000000000000, "-5.0"},
        {0x3fd6147ae147ae15, "0.34500000000000003"},
        {0x4340000000000000, "9.007199254740992E15"},
        {0x3fc99999a0000000, "0.20000000298023224"},  // (double) 0.2f
        {0x416312d000000000, "1.0E7"},
        {0x416312cfe0000000, "9999999.0"},
        {0x3f50624dd2f1a9fc, "0.001"},
        {0x3f505e1c15097c81, "9.99E-4"},
        {0x0000000000000001, "4.9E-324"},                 // Double.MIN_VALUE
        {0x7fefffffffffffff, "1.7976931348623157E308"},  // Double.MAX_VALUE
    };
    for (const DoubleCase& c : cases) {
        EXPECT_EQ(formatJavaDouble(std::bit_cast<double>(c.bits)), c.java) << std::hex << c.bits;
    }
}

TEST(FormatJavaDouble, ShortestDigitsAndNotationBoundaries) {
    const DoubleCase cases[] = {
        {0x3f60624dd2f1a9fc, "0.002"},  // JDK 17 still prints 0.0020
        {0x3fd3333333333334, "0.30000000000000004"},
        {0x44b52d02c7e14af6, "1.0E23"},
        {0x0000000000000002, "9.9E-324"},  // one digit would do; Java picks the closer of two
        {0x0000000000000003, "1.5E-323"},
        {0x0000000000000004, "2.0E-323"},
        {0x0010000000000000, "2.2250738585072014E-308"},
        {0x43e0000000000000, "9.223372036854776E18"},
        {0x444b1ae4d6e2ef50, "1.0E21"},
        {0x41678c29c0000000, "1.2345678E7"},
        {0x4132d68700000000, "1234567.0"},
        {0x4059000000000000, "100.0"},
        {0x3ff0000000000000, "1.0"},
        {0x3fe0000000000000, "0.5"},
        {0x416312cfffffffff, "9999999.999999998"},
        {0x3f50624dd2f1a9fb, "9.999999999999998E-4"},
        {0x405edd2f1a9fbe77, "123.456"},
        {0x421bf08eb0000000, "3.0E10"},
        {0x3ee4f8b588e368f1, "1.0E-5"},
        {0x0000000000000000, "0.0"},
        {0x8000000000000000, "-0.0"},
    };
    for (const DoubleCase& c : cases) {
        EXPECT_EQ(formatJavaDouble(std::bit_cast<double>(c.bits)), c.java) << std::hex << c.bits;
    }
}

TEST(FormatJavaDouble, NonFiniteValues) {
    EXPECT_EQ(formatJavaDouble(std::numeric_limits<double>::quiet_NaN()), "NaN");
    EXPECT_EQ(formatJavaDouble(std::numeric_limits<double>::infinity()), "Infinity");
    EXPECT_EQ(formatJavaDouble(-std::numeric_limits<double>::infinity()), "-Infinity");
}

TEST(FormatJavaDouble, AppendsWithoutTouchingWhatIsThere) {
    std::string out = "x ";
    nj::expo::appendJavaDouble(out, 0.2);
    EXPECT_EQ(out, "x 0.2");
}

TEST(FormatJavaFloat, MatchesFloatToString) {
    const FloatCase cases[] = {
        {0x00000001, "1.4E-45"},  // Float.MIN_VALUE
        {0x00000002, "2.8E-45"},
        {0x7f7fffff, "3.4028235E38"},  // Float.MAX_VALUE
        {0x3dcccccd, "0.1"},
        {0x3e4ccccd, "0.2"},
        {0x4b189680, "1.0E7"},
        {0x4b18967f, "9999999.0"},
        {0x4b800000, "1.6777216E7"},
        {0x3a83126f, "0.001"},
        {0x3a82f0e1, "9.99E-4"},
        {0x00800000, "1.1754944E-38"},  // Float.MIN_NORMAL
        {0x40490fdb, "3.1415927"},
        {0xc0200000, "-2.5"},
        {0x2edbe6ff, "1.0E-10"},
        {0x47f12065, "123456.79"},
    };
    for (const FloatCase& c : cases) {
        EXPECT_EQ(formatJavaFloat(std::bit_cast<float>(c.bits)), c.java) << std::hex << c.bits;
    }
    EXPECT_EQ(formatJavaFloat(std::numeric_limits<float>::quiet_NaN()), "NaN");
    EXPECT_EQ(formatJavaFloat(-0.0f), "-0.0");
}

TEST(FormatPrometheusValue, AsClientJavaWritesSampleValues) {
    EXPECT_EQ(formatPrometheusValue(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(formatPrometheusValue(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(formatPrometheusValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
    EXPECT_EQ(formatPrometheusValue(2849.0), "2849.0");
    EXPECT_EQ(formatPrometheusValue(406847488.0), "4.06847488E8");
    EXPECT_EQ(formatPrometheusValue(-1.0), "-1.0");
    EXPECT_EQ(formatPrometheusValue(0.017), "0.017");
    EXPECT_EQ(formatPrometheusValue(2, ValueStyle::Integer), "2");
    EXPECT_EQ(formatPrometheusValue(0, ValueStyle::Integer), "0");
    EXPECT_EQ(formatPrometheusValue(1, ValueStyle::Integer), "1");
}

struct ParseCase {
    const char* text;
    uint64_t bits;
};

TEST(ParseJavaDouble, AcceptsWhatDoubleValueOfAccepts) {
    const ParseCase cases[] = {
        {" 1.5 ", 0x3ff8000000000000},
        {"\t-2\n", 0xc000000000000000},
        {"5.", 0x4014000000000000},
        {".5", 0x3fe0000000000000},
        {"1.f", 0x3ff0000000000000},
        {"1d", 0x3ff0000000000000},
        {"1F", 0x3ff0000000000000},
        {"1.5e-3", 0x3f589374bc6a7efa},
        {"+1E3", 0x408f400000000000},
        {"-0", 0x8000000000000000},
        {"0.0", 0x0000000000000000},
        {"0x1.8p3", 0x4028000000000000},
        {"0x1p3", 0x4020000000000000},
        {"+0x1p3", 0x4020000000000000},
        {"-0x1p3", 0xc020000000000000},
        {"0x1p+3", 0x4020000000000000},
        {"0X1P1", 0x4000000000000000},
        {"0x.8p1", 0x3ff0000000000000},
        {"0x1.p1", 0x4000000000000000},
        {"0x1p1f", 0x4000000000000000},
        {"0x1p1D", 0x4000000000000000},
        {"0x1.8p3 ", 0x4028000000000000},
        {"+Infinity", 0x7ff0000000000000},
        {"-Infinity", 0xfff0000000000000},
    };
    for (const ParseCase& c : cases) {
        std::optional<double> parsed = parseJavaDouble(c.text);
        ASSERT_TRUE(parsed.has_value()) << c.text;
        EXPECT_EQ(std::bit_cast<uint64_t>(*parsed), c.bits) << c.text;
    }
}

TEST(ParseJavaDouble, RoundsCorrectlyAtTheEdges) {
    const ParseCase cases[] = {
        {"2.4703282292062328e-324", 0x0000000000000001},
        {"2.4703282292062327e-324", 0x0000000000000000},
        {"1.7976931348623158e308", 0x7fefffffffffffff},
        {"1e-400", 0x0000000000000000},
        {"-1e-400", 0x8000000000000000},
        {"1e99999999999999", 0x7ff0000000000000},
        {"1e-99999999999999", 0x0000000000000000},
        {"0e99999999999999", 0x0000000000000000},
        {"0x1p-1074", 0x0000000000000001},
        {"0x1p-1075", 0x0000000000000000},
        {"0x1.0000000000001p-1075", 0x0000000000000001},
        {"0x0.00000000000008p-1022", 0x0000000000000000},
        {"0x1.fffffffffffff8p1023", 0x7ff0000000000000},
        {"0x1.fffffffffffff7ffp1023", 0x7fefffffffffffff},
        {"0x1p2147483648", 0x7ff0000000000000},
        {"0x0p99999999999", 0x0000000000000000},
        {"-0x0p99999999999", 0x8000000000000000},
        {"0x1p-99999999999", 0x0000000000000000},
    };
    for (const ParseCase& c : cases) {
        std::optional<double> parsed = parseJavaDouble(c.text);
        ASSERT_TRUE(parsed.has_value()) << c.text;
        EXPECT_EQ(std::bit_cast<uint64_t>(*parsed), c.bits) << c.text;
    }
}

TEST(ParseJavaDouble, NaNWithAnySign) {
    for (const char* text : {"NaN", "+NaN", "-NaN", " NaN "}) {
        std::optional<double> parsed = parseJavaDouble(text);
        ASSERT_TRUE(parsed.has_value()) << text;
        EXPECT_TRUE(std::isnan(*parsed)) << text;
    }
}

TEST(ParseJavaDouble, RejectsWhatDoubleValueOfRejects) {
    for (const char* text : {"1_000", "0x10", "inf", "nan", "1,5", "", "null", ".", "e5", "1e", "1e+", "NaNf",
                             "Infinityd", "infinity", "0x.p1", "00x1p3", "1ee5", "1e5e", "1.2.3", "--1", "+-1", "0x",
                             "0xp1", "0x1", "1e5 x", "x1", "\xc2\xa0" "1", "ff", " "}) {
        EXPECT_FALSE(parseJavaDouble(text).has_value()) << text;
    }
}

}  // namespace
