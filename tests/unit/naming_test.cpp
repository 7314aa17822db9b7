// Expected names come from the spec (§6.1, §6.2, §6.4), upstream's ToSafeNameTest, or from Java
// (Temurin 25 and JDK 17 agree) running upstream's toSafeName / toSnakeAndLowerCase on the input.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "rules/naming.h"

namespace {

using nj::rules::lowercaseAscii;
using nj::rules::snakeCase;
using nj::rules::stripReservedSuffixes;

// The tests read as upstream's ToSafeNameTest: a name in, its safe form out.
std::string toSafeName(std::string_view name) {
    std::string safe(name);
    nj::rules::makeSafeName(safe);
    return safe;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(ToSafeName, SpecExamples) {
    const Pairs cases = {
        {"test-test", "test_test"}, {"test-_-test", "test_test"},
        {"-_-", "_"},               {"__test", "_test"},
        {"001", "_001"},            {"test:test", "test:test"},
        {"test_swedish_chars_\u00e5\u00e4\u00f6", "test_swedish_chars_"},
        {"", ""},
    };
    for (const auto& [input, expected] : cases) EXPECT_EQ(toSafeName(input), expected) << input;
}

TEST(ToSafeName, UpstreamTestExamples) {
    const Pairs cases = {
        {"test-_test", "test_test"},
        {"---", "_"},
        {"____test", "_test"},
        {"test", "test"},
        {"test@test", "test_test"},
        {"test;test", "test_test"},
        {"$asetstjlk_$testkljsek_$tesktjsekrslk_$testkljsetkl_$tkesjtk_$sljtslkjetesslelse_$lktsjetlkesltel_"
         "$kesjltelksjetkl_$tesktjksjltse_$sljteslselkselse_$tsjetlksetklsjekl_$slkfjrtlskek___",
         "_asetstjlk_testkljsek_tesktjsekrslk_testkljsetkl_tkesjtk_sljtslkjetesslelse_lktsjetlkesltel_"
         "kesjltelksjetkl_tesktjksjltse_sljteslselkselse_tsjetlksetklsjekl_slkfjrtlskek_"},
    };
    for (const auto& [input, expected] : cases) EXPECT_EQ(toSafeName(input), expected) << input;
}

TEST(ToSafeName, JavaDigitsAndNonAsciiChars) {
    const Pairs cases = {
        {"\u0663x", "__x"},  // ARABIC-INDIC DIGIT THREE is a Java digit, and illegal
        {"\uff11st", "__st"},  // FULLWIDTH DIGIT ONE
        {"0_a", "_0_a"},
        {"_0", "_0"},
        {"a::b", "a::b"},
        {"a\u00e5\u00e4b", "a_b"},
        {"x\U0001F600y", "x_y"},
        {"\u00e5", "_"},
    };
    for (const auto& [input, expected] : cases) EXPECT_EQ(toSafeName(input), expected) << input;
}

TEST(SnakeCase, SpecExamples) {
    const Pairs cases = {
        {"testTest", "test_test"},
        {"TCP", "tcp"},
        {"testTCPTest", "test_tcptest"},
        {"StartTime_$1_$2", "start_time_$1_$2"},
        {"_Test_Test", "_test_test"},
        {"testTest\nTest", "test_test\n_test"},
        {"", ""},
    };
    for (const auto& [input, expected] : cases) EXPECT_EQ(snakeCase(input), expected) << input;
}

TEST(SnakeCase, UnicodeCaseAsJavaCharacterDoesIt) {
    const Pairs cases = {
        {"\u00c4pfelBaum", "\u00e4pfel_baum"},
        {"fooBAR\u00c9t\u00e9", "foo_bar\u00e9t\u00e9"},
        {"\u0130stanbul", "istanbul"},
        {"\u03a3\u0391\u03a3", "\u03c3\u03b1\u03c3"},
        {"\u212aelvinK", "kelvin_k"},  // KELVIN SIGN lower-cases to ASCII 'k'
        {"\u2160Roman", "\u2170roman"},
        {"a\u2160", "a_\u2170"},  // ROMAN NUMERAL ONE is upper case for Java
        {"a\u01c5b", "a\u01c6b"},  // a titlecase letter is not upper case
        {"a\u1f88b", "a\u1f80b"},
        {"x\U00010400y", "x\U00010400y"},  // beyond U+FFFF: two UTF-16 units, neither upper case
        {"a\U00010400B", "a\U00010400_b"},
    };
    for (const auto& [input, expected] : cases) EXPECT_EQ(snakeCase(input), expected) << input;
}

TEST(SnakeCase, LeavesBytesThatAreNotUtf8Alone) {
    EXPECT_EQ(snakeCase(std::string("a\xff" "B", 3)), std::string("a\xff" "_b", 4));
}

TEST(LowercaseAscii, LowersOnlyAsciiLetters) {
    std::string name = "Java_Lang_Memory:HeapUsage_Used";
    lowercaseAscii(name);
    EXPECT_EQ(name, "java_lang_memory:heapusage_used");
}

TEST(StripReservedSuffixes, SpecTable) {
    const Pairs cases = {
        {"a_total", "a"},
        {"b_info", "b"},
        {"c_created", "c"},
        {"d_bucket_total", "d"},
        {"e_count", "e_count"},
        {"f_total", "f"},
        {"kafka_consumer_request_total", "kafka_consumer_request"},
        {"kafka_consumer_request", "kafka_consumer_request"},
        {"_total", "total"},
    };
    for (const auto& [input, expected] : cases) EXPECT_EQ(stripReservedSuffixes(input), expected) << input;
}

TEST(StripReservedSuffixes, DotVariantsRepeatsAndExactSuffixes) {
    const Pairs cases = {
        {"a.total", "a"},
        {"a.info_total.created", "a"},
        {".info", "info"},
        {"_info_total", "info"},  // after "_total" goes, the rest is exactly a suffix
        {"total", "total"},
        {"a_Total", "a_Total"},  // case-sensitive
        {"a_totals", "a_totals"},
    };
    for (const auto& [input, expected] : cases) EXPECT_EQ(stripReservedSuffixes(input), expected) << input;
}

}  // namespace
