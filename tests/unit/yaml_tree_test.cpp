// The YAML tree against SnakeYAML's SafeConstructor (spec §2). The expected types and
// String.valueOf texts in kScalars were produced by SnakeYAML 1.33 (Debian's
// libyaml-snake-java) loading "v: <text>" and printing value.getClass() and String.valueOf;
// the spec states SnakeYAML 2.x keeps the same YAML 1.1 resolver.
#include "rules/yaml_tree.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

namespace nj::rules::yaml {
namespace {

struct ScalarCase {
    const char* text;
    std::optional<Kind> kind;   // nullopt: SnakeYAML refuses the document
    const char* javaString;
};

const ScalarCase kScalars[] = {
    {"~", Kind::Null, "null"},
    {"null", Kind::Null, "null"},
    {"Null", Kind::Null, "null"},
    {"NULL", Kind::Null, "null"},
    {"nULL", Kind::String, "nULL"},
    {"", Kind::Null, "null"},
    {"yes", Kind::Boolean, "true"},
    {"Yes", Kind::Boolean, "true"},
    {"YES", Kind::Boolean, "true"},
    {"yEs", Kind::String, "yEs"},
    {"no", Kind::Boolean, "false"},
    {"on", Kind::Boolean, "true"},
    {"ON", Kind::Boolean, "true"},
    {"On", Kind::Boolean, "true"},
    {"oN", Kind::String, "oN"},
    {"off", Kind::Boolean, "false"},
    {"true", Kind::Boolean, "true"},
    {"True", Kind::Boolean, "true"},
    {"TRUE", Kind::Boolean, "true"},
    {"tRUE", Kind::String, "tRUE"},
    {"false", Kind::Boolean, "false"},
    {"y", Kind::String, "y"},
    {"n", Kind::String, "n"},
    {"Y", Kind::String, "Y"},
    {"N", Kind::String, "N"},
    {"012", Kind::Integer, "10"},
    {"0o17", Kind::String, "0o17"},
    {"0x1F", Kind::Integer, "31"},
    {"0x_1F", Kind::Integer, "31"},
    {"0x", Kind::String, "0x"},
    {"0x_", Kind::String, "0x_"},
    {"0b11", Kind::Integer, "3"},
    {"0b", Kind::String, "0b"},
    {"0b_", Kind::String, "0b_"},
    {"-0b101", Kind::Integer, "-5"},
    {"1_000", Kind::Integer, "1000"},
    {"1_", Kind::Integer, "1"},
    {"1:30", Kind::Integer, "90"},
    {"-1:30", Kind::Integer, "-90"},
    {"1:30:00", Kind::Integer, "5400"},
    {"1:60", Kind::String, "1:60"},
    {"1:5", Kind::Integer, "65"},
    {"0:30", Kind::String, "0:30"},
    {"01:30", Kind::String, "01:30"},
    {"190:20:30", Kind::Integer, "685230"},
    {"2147483647", Kind::Integer, "2147483647"},
    {"2147483648", Kind::Long, "2147483648"},
    {"-2147483648", Kind::Integer, "-2147483648"},
    {"-2147483649", Kind::Long, "-2147483649"},
    {"9223372036854775807", Kind::Long, "9223372036854775807"},
    {"9223372036854775808", Kind::BigInteger, "9223372036854775808"},
    {"-9223372036854775808", Kind::Long, "-9223372036854775808"},
    {"99999999999999999999", Kind::BigInteger, "99999999999999999999"},
    {"0xFFFFFFFF", Kind::Long, "4294967295"},
    {"0x7FFFFFFF", Kind::Integer, "2147483647"},
    {"0777", Kind::Integer, "511"},
    {"00", Kind::Integer, "0"},
    {"-0", Kind::Integer, "0"},
    {"+0", Kind::Integer, "0"},
    {"+12", Kind::Integer, "12"},
    {"09", Kind::String, "09"},
    {"08", Kind::String, "08"},
    {"1.5", Kind::Double, "1.5"},
    {"1e3", Kind::Double, "1000.0"},
    {"1E3", Kind::Double, "1000.0"},
    {"1e+3", Kind::Double, "1000.0"},
    {"1e-3", Kind::Double, "0.001"},
    {"1.e3", Kind::Double, "1000.0"},
    {"1.", Kind::Double, "1.0"},
    {".5", Kind::Double, "0.5"},
    {"-.5", Kind::Double, "-0.5"},
    {".5e3", Kind::Double, "500.0"},
    {".5e+3", Kind::Double, "500.0"},
    {"._", std::nullopt, ""},
    {"1_0.5", Kind::Double, "10.5"},
    {"1.5_", Kind::Double, "1.5"},
    {".inf", Kind::Double, "Infinity"},
    {"-.inf", Kind::Double, "-Infinity"},
    {"+.inf", Kind::Double, "Infinity"},
    {".Inf", Kind::Double, "Infinity"},
    {".INF", Kind::Double, "Infinity"},
    {".iNf", Kind::String, ".iNf"},
    {".nan", Kind::Double, "NaN"},
    {".NaN", Kind::Double, "NaN"},
    {"-.nan", Kind::String, "-.nan"},
    {"1:30.5", Kind::Double, "90.5"},
    {"1:30.", Kind::Double, "90.0"},
    {"0.1", Kind::Double, "0.1"},
    {"100.0", Kind::Double, "100.0"},
    {"1.0e10", Kind::Double, "1.0E10"},
    {"1e7", Kind::Double, "1.0E7"},
    {"1e-4", Kind::Double, "1.0E-4"},
    {"12345678.9", Kind::Double, "1.23456789E7"},
    {"1.23456789012e8", Kind::Double, "1.23456789012E8"},
    {"\"quoted\"", Kind::String, "quoted"},
    {"'single'", Kind::String, "single"},
    {"!!str 123", Kind::String, "123"},
    {"!!str", Kind::String, ""},
    {"!!int \"12\"", Kind::Integer, "12"},
    {"!!int 0x1F", Kind::Integer, "31"},
    {"!!int abc", std::nullopt, ""},
    {"!!int 08", std::nullopt, ""},
    {"!!int 1:30", Kind::Integer, "90"},
    {"!!bool yes", Kind::Boolean, "true"},
    {"!!bool YeS", Kind::Boolean, "true"},
    {"!!bool maybe", Kind::Null, "null"},
    {"!!bool \"true\"", Kind::Boolean, "true"},
    {"!!float 1", Kind::Double, "1.0"},
    {"!!float \"1.5\"", Kind::Double, "1.5"},
    {"!!float 1:30", Kind::Double, "90.0"},
    {"!!float abc", std::nullopt, ""},
    {"!!float .iNf", Kind::Double, "Infinity"},
    {"!!null abc", Kind::Null, "null"},
    {"!!int", std::nullopt, ""},
    {"!!float", std::nullopt, ""},
    {"2001-12-14", Kind::Timestamp, "Fri Dec 14 00:00:00 UTC 2001"},
    {"2001-12-14t21:59:43.10-05:00", Kind::Timestamp, "Sat Dec 15 02:59:43 UTC 2001"},
    {"2001-12-14 21:59:43.10 -5", Kind::Timestamp, "Sat Dec 15 02:59:43 UTC 2001"},
    {"2001-12-14T21:59:43Z", Kind::Timestamp, "Fri Dec 14 21:59:43 UTC 2001"},
    {"2001-1-2 3:04:05", Kind::Timestamp, "Tue Jan 02 03:04:05 UTC 2001"},
    {"2001-13-40", Kind::Timestamp, "Sat Feb 09 00:00:00 UTC 2002"},
    {"1.5d", Kind::String, "1.5d"},
    {"0x1p3", Kind::String, "0x1p3"},
    {"1_000_000_000_000", Kind::Long, "1000000000000"},
    {"<<", std::nullopt, ""},
    {"=", Kind::String, "="},
    {"[a, b]", Kind::Sequence, "[a, b]"},
    {"{a: 1}", Kind::Map, "{a=1}"},
    {"000000000000000000000000001", Kind::BigInteger, "1"},
    {"00000000000000000001", Kind::Long, "1"},
    {"0000000000000000000000001", Kind::BigInteger, "1"},
    {"0b0000000000000000000000000000000000000000000000000000000000000000001", Kind::BigInteger, "1"},
    {"0x00000000000000000001", Kind::BigInteger, "1"},
    {"0x0000000000000001", Kind::Long, "1"},
    {"0x000000000000000000000000000000001", Kind::BigInteger, "1"},
    {"1::30", Kind::String, "1::30"},
    {"-0x80000000", Kind::Integer, "-2147483648"},
    {"-0x8000000000000000", Kind::Long, "-9223372036854775808"},
    {"!!int --5", std::nullopt, ""},
    {"!!int +-5", Kind::Integer, "-5"},
    {"!!int 1:-30", Kind::Integer, "30"},
    {"!!int 99999999999:0", Kind::Integer, "-69312572"},
    {"!!bool", Kind::Null, "null"},
    {"!!null", Kind::Null, "null"},
    {"!!str ~", Kind::String, "~"},
    {"!!float 1e400", Kind::Double, "Infinity"},
    {"!!float 0x10", std::nullopt, ""},
    {"!!float -.inf", Kind::Double, "-Infinity"},
    {"!!float +-5", Kind::Double, "-5.0"},
    {"!!float --5", Kind::Double, "5.0"},
    {"!!float -1:30", Kind::Double, "-90.0"},
    {"!!float -0.0", Kind::Double, "-0.0"},
    {"1_2:3_0", Kind::String, "1_2:3_0"},
    {"+.5", Kind::Double, "0.5"},
    {"-1e3", Kind::Double, "-1000.0"},
    {"1e", Kind::String, "1e"},
    {"e3", Kind::String, "e3"},
    {"+", Kind::String, "+"},
    {"-", std::nullopt, ""},
    {".", Kind::String, "."},
    {"0.", Kind::Double, "0.0"},
    {"-0.0", Kind::Double, "-0.0"},
    {"\"012\"", Kind::String, "012"},
    {"!!str 012", Kind::String, "012"},
};

NodePtr parseOk(const std::string& text) {
    Result<NodePtr> tree = parse(text);
    EXPECT_TRUE(tree.ok()) << text << ": " << (tree.ok() ? "" : tree.error().message);
    return tree.ok() ? tree.value() : nullptr;
}

std::string parseError(const std::string& text) {
    Result<NodePtr> tree = parse(text);
    EXPECT_FALSE(tree.ok()) << text;
    return tree.ok() ? "" : tree.error().message;
}

// String.valueOf of the value of `key` in the document.
std::string valueOf(const std::string& text, const char* key) {
    NodePtr root = parseOk(text);
    return root ? javaStringValueOf(root->find(key)) : "<no document>";
}

// Sets the process time zone (TZ) while it lives.
class TimeZone {
public:
    explicit TimeZone(const char* zone) {
        if (const char* previous = std::getenv("TZ")) previous_ = previous;
        setenv("TZ", zone, 1);
        tzset();
    }
    ~TimeZone() {
        if (previous_) {
            setenv("TZ", previous_->c_str(), 1);
        } else {
            unsetenv("TZ");
        }
        tzset();
    }

private:
    std::optional<std::string> previous_;
};

TEST(YamlTree, ScalarsResolveAsSnakeYamlDoes) {
    // Date.toString prints in the default time zone; SnakeYAML's texts above were made in UTC.
    TimeZone utc("UTC");
    for (const ScalarCase& c : kScalars) {
        SCOPED_TRACE(std::string("v: ") + c.text);
        Result<NodePtr> tree = parse(std::string("v: ") + c.text);
        if (!c.kind) {
            EXPECT_FALSE(tree.ok());
            continue;
        }
        ASSERT_TRUE(tree.ok()) << tree.error().message;
        const Node* value = tree.value()->find("v");
        ASSERT_NE(value, nullptr);
        EXPECT_EQ(value->kind, *c.kind);
        EXPECT_EQ(javaStringValueOf(value), c.javaString);
    }
}

TEST(YamlTree, IntegersKnowTheirJavaWidth) {
    NodePtr root = parseOk("a: 2147483647\nb: 2147483648\nc: 0x7FFFFFFFFFFFFFFF\nd: 0x10000000000000000\n");
    EXPECT_EQ(root->find("a")->integer, 2147483647);
    EXPECT_EQ(root->find("b")->kind, Kind::Long);
    EXPECT_EQ(root->find("b")->integer, 2147483648LL);
    EXPECT_EQ(root->find("c")->integer, INT64_MAX);
    EXPECT_EQ(root->find("d")->kind, Kind::BigInteger);
    EXPECT_EQ(root->find("d")->decimal, "18446744073709551616");
}

TEST(YamlTree, QuotedAndBlockScalarsAreStrings) {
    NodePtr root = parseOk("a: \"200\"\nb: 'on'\nc: |\n  x\n  y\nd: >\n  f1\n  f2\ne: !!str 012\nf: \"\"\n");
    for (const char* key : {"a", "b", "c", "d", "e", "f"}) EXPECT_EQ(root->find(key)->kind, Kind::String) << key;
    EXPECT_EQ(root->find("a")->text, "200");
    EXPECT_EQ(root->find("c")->text, "x\ny\n");
    EXPECT_EQ(root->find("d")->text, "f1 f2\n");
    EXPECT_EQ(root->find("e")->text, "012");
}

TEST(YamlTree, EmptyValuesAreNull) {
    NodePtr root = parseOk("a:\nb: ~\nc: null\n");
    EXPECT_EQ(root->find("a")->kind, Kind::Null);
    EXPECT_EQ(root->find("b")->kind, Kind::Null);
    EXPECT_EQ(root->find("c")->kind, Kind::Null);
    EXPECT_EQ(root->find("d"), nullptr);
}

// Expected maps are SnakeYAML's String.valueOf of the same documents.
TEST(YamlTree, MergeKeysFollowSnakeYaml) {
    EXPECT_EQ(valueOf("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n", "m"), "{x=1, y=3}");
    EXPECT_EQ(valueOf("m:\n  y: 3\n  <<: {x: 1, y: 2}\n", "m"), "{y=3, x=1}");
    EXPECT_EQ(valueOf("m:\n  <<: [{x: 1}, {x: 2, z: 2}]\n  w: 0\n", "m"), "{x=1, z=2, w=0}");
    EXPECT_EQ(valueOf("x: &m {p: 1}\ny:\n  <<: [*m, {p: 2, q: 3}]\n  q: 4\n", "y"), "{p=1, q=4}");
    EXPECT_EQ(valueOf("m:\n  <<: {x: {<<: {q: 1}}}\n", "m"), "{x={q=1}}");
    EXPECT_EQ(javaStringValueOf(parseOk("a: 1\n<<: {a: 2, b: 3}\n").get()), "{a=1, b=3}");
    // A quoted "<<" is an ordinary key.
    EXPECT_EQ(valueOf("m:\n  \"<<\": {x: 1}\n", "m"), "{<<={x=1}}");
}

TEST(YamlTree, BadMergesFail) {
    EXPECT_EQ(parseError("m:\n  <<: 5\n"),
              "line 2, column 7: expected a mapping or list of mappings for merging, but found scalar");
    EXPECT_EQ(parseError("m:\n  <<: [{x: 1}, 5]\n"),
              "line 2, column 16: expected a mapping for merging, but found scalar");
    EXPECT_NE(parseError("v: <<\n").find("merge key"), std::string::npos);
}

TEST(YamlTree, DuplicateKeysKeepTheLastAtItsPlace) {
    EXPECT_EQ(javaStringValueOf(parseOk("a: 1\nb: 2\na: 3\n").get()), "{b=2, a=3}");
    EXPECT_EQ(javaStringValueOf(parseOk("{a: 1, a: 2}").get()), "{a=2}");
    // Keys are Java objects: 1 and 01 are the same Integer, "1" is a String.
    NodePtr keys = parseOk("1: a\n01: b\n\"1\": c\n");
    ASSERT_EQ(keys->entries.size(), 2u);
    EXPECT_EQ(keys->entries[0].first->kind, Kind::Integer);
    EXPECT_EQ(javaStringValueOf(keys.get()), "{1=b, 1=c}");
    // Boolean keys: `true` and `yes` are both Boolean.TRUE.
    EXPECT_EQ(javaStringValueOf(parseOk("true: 1\nyes: 2\n").get()), "{true=2}");
    EXPECT_EQ(javaStringValueOf(parseOk("b: {on: off, 1: 1.0, 1.0: 1, ~: x}\n").get()),
              "{b={true=false, 1=1.0, 1.0=1, null=x}}");
}

TEST(YamlTree, AliasesShareTheAnchoredNode) {
    NodePtr root = parseOk("a: &x [1, 2]\nb: *x\nc: &s 5\nd: *s\n");
    EXPECT_EQ(root->find("a"), root->find("b"));
    EXPECT_EQ(javaStringValueOf(root->find("b")), "[1, 2]");
    EXPECT_EQ(root->find("d")->integer, 5);
    EXPECT_EQ(parseError("a: *nope\n"), "line 1, column 4: the referenced anchor is not defined");
    EXPECT_NE(parseError("a: &x\n  b: *x\n").find("recursive"), std::string::npos);
}

TEST(YamlTree, SnakeYamlLoaderLimits) {
    auto aliases = [](int count) {
        std::string text = "a: &x [1]\nb: [";
        for (int i = 0; i < count; i++) text += i ? ", *x" : "*x";
        return text + "]\n";
    };
    EXPECT_TRUE(parse(aliases(50)).ok());
    EXPECT_NE(parseError(aliases(51)).find("Number of aliases for non-scalar nodes exceeds the specified max=50"),
              std::string::npos);
    std::string scalarAliases = "a: &x 1\nb: [";
    for (int i = 0; i < 200; i++) scalarAliases += i ? ", *x" : "*x";
    EXPECT_TRUE(parse(scalarAliases + "]\n").ok());

    auto mapsDeep = [](int total) {   // `total` maps, the document's own included
        std::string text = "a: ";
        for (int i = 1; i < total; i++) text += "{b: ";
        text += "1";
        for (int i = 1; i < total; i++) text += "}";
        return text + "\n";
    };
    EXPECT_TRUE(parse(mapsDeep(50)).ok());
    EXPECT_NE(parseError(mapsDeep(51)).find("Nesting Depth exceeded max 50"), std::string::npos);
    EXPECT_TRUE(parse("a: " + std::string(200, '[') + std::string(200, ']') + "\n").ok());   // lists do not count

    EXPECT_EQ(parse("a: \"" + std::string(3 * 1024 * 1024, 'x') + "\"\n").error().message,
              "The incoming YAML document exceeds the limit: 3145728 code points.");
}

TEST(YamlTree, LongIntegers) {
    // Decimal digits of any length convert at once; other radixes up to 4096 digits (ours: the
    // conversion is quadratic).
    std::string decimal(100000, '7');
    EXPECT_EQ(parseOk("v: " + decimal + "\n")->find("v")->decimal, decimal);
    EXPECT_EQ(parseOk("v: 0x" + std::string(4096, 'F') + "\n")->find("v")->kind, Kind::BigInteger);
    EXPECT_NE(parseError("v: 0x" + std::string(4097, 'F') + "\n").find("more than 4096"), std::string::npos);
}

TEST(YamlTree, DocumentsAndErrors) {
    EXPECT_EQ(parseOk(""), nullptr);
    EXPECT_EQ(parseOk("---\n"), nullptr);
    EXPECT_EQ(parseOk("# only a comment\n"), nullptr);
    EXPECT_EQ(parseOk("---\na: 1\n")->find("a")->integer, 1);
    EXPECT_EQ(parseError("a: 1\n---\nb: 2\n"),
              "line 2: expected a single document in the stream, but found another document");
    EXPECT_EQ(parseError("a: b: c\n"), "line 1, column 5: illegal map value");
    EXPECT_EQ(parseOk("- a\n- b\n")->kind, Kind::Sequence);
    EXPECT_EQ(parseOk("hello\n")->kind, Kind::String);
}

TEST(YamlTree, OnlyStandardTagsAreKnown) {
    EXPECT_EQ(parseError("a: !foo bar\n"), "line 1, column 4: could not determine a constructor for the tag !foo");
    EXPECT_FALSE(parse("a: !!binary aGVsbG8=\n").ok());
    EXPECT_FALSE(parse("a: !!set {x, y}\n").ok());
    EXPECT_EQ(parseOk("a: !!map {x: 1}\n")->find("a")->kind, Kind::Map);
    EXPECT_EQ(parseOk("a: !!seq [1]\n")->find("a")->kind, Kind::Sequence);
    EXPECT_FALSE(parse("a: !!map [1]\n").ok());
}

TEST(YamlTree, NodesKnowTheirLines) {
    NodePtr root = parseOk("# comment\nrules:\n  - pattern: x\n    labels:\n      code:\n      env: on\n");
    const Node* rule = root->find("rules")->items[0].get();
    EXPECT_EQ(root->find("rules")->line, 3);
    EXPECT_EQ(rule->line, 3);
    EXPECT_EQ(rule->find("labels")->line, 5);
    EXPECT_EQ(rule->find("labels")->find("code")->line, 5);   // an empty value: its key's line
    EXPECT_EQ(rule->find("labels")->find("env")->line, 6);
}

TEST(YamlTree, JavaStringValueOfCollections) {
    NodePtr root = parseOk("a: [yes, no, ~, 1.0, -1, 012]\nb: {x: [1], y: {z: 1e3}}\n");
    EXPECT_EQ(javaStringValueOf(root->find("a")), "[true, false, null, 1.0, -1, 10]");
    EXPECT_EQ(javaStringValueOf(root->find("b")), "{x=[1], y={z=1000.0}}");
    EXPECT_EQ(javaStringValueOf(nullptr), "null");
}

TEST(YamlTree, DescribeForMessages) {
    NodePtr root = parseOk("a: 200\nb: on\nc: 012\nd: 1.5\ne: x\nf:\ng: [1]\nh: {}\ni: 2001-12-14\nj: true\n");
    EXPECT_EQ(describe(*root->find("a")), "the integer 200");
    EXPECT_EQ(describe(*root->find("b")), "the boolean true (written on)");
    EXPECT_EQ(describe(*root->find("c")), "the integer 10 (written 012)");
    EXPECT_EQ(describe(*root->find("d")), "the number 1.5");
    EXPECT_EQ(describe(*root->find("e")), "the string \"x\"");
    EXPECT_EQ(describe(*root->find("f")), "an empty value");
    EXPECT_EQ(describe(*root->find("g")), "a list");
    EXPECT_EQ(describe(*root->find("h")), "a map");
    EXPECT_EQ(describe(*root->find("i")), "the date 2001-12-14");
    EXPECT_EQ(describe(*root->find("j")), "the boolean true");
}

TEST(YamlTree, JavaEquals) {
    NodePtr root = parseOk(
        "a: 1\nb: 2147483648\nc: .nan\nd: .NaN\ne: 0.0\nf: -0.0\ng: {x: 1, y: 2}\nh: {y: 2, x: 1}\ni: [1, 2]\nj: [2, "
        "1]\nk: 1\n");
    auto equal = [&](const char* x, const char* y) { return javaEquals(*root->find(x), *root->find(y)); };
    EXPECT_TRUE(equal("a", "k"));
    EXPECT_FALSE(equal("a", "b"));
    EXPECT_TRUE(equal("c", "d"));
    EXPECT_FALSE(equal("e", "f"));
    EXPECT_TRUE(equal("g", "h"));
    EXPECT_FALSE(equal("i", "j"));
}

TEST(YamlTree, JavaStringOrderIsUtf16) {
    EXPECT_TRUE(javaStringLess("B", "a"));
    EXPECT_TRUE(javaStringLess("a", "ab"));
    EXPECT_FALSE(javaStringLess("ab", "ab"));
    // U+10000 is the surrogate pair D800 DC00, which sorts before U+FFFF in Java (not in UTF-8).
    EXPECT_TRUE(javaStringLess("\xF0\x90\x80\x80", "\xEF\xBF\xBF"));
    EXPECT_FALSE(javaStringLess("\xEF\xBF\xBF", "\xF0\x90\x80\x80"));
}

}  // namespace
}  // namespace nj::rules::yaml
