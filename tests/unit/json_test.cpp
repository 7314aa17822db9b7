// The small JSON reader and writer behind the bean dump and nativejmx-check --json (RFC 8259).
#include <gtest/gtest.h>

#include "common/json.h"

namespace nj::json {
namespace {

std::string compact(const Value& v) {
    std::string out;
    write(v, out, false);
    return out;
}

TEST(Json, ReadsEveryKindAndKeepsNumberText) {
    auto v = parse(R"( {"a": [1, -0.0, 1.5E7, true, false, null], "s": "x\"\\\/\n\u00e9\ud83d\ude00"} )");
    ASSERT_TRUE(v.ok()) << v.error().message;
    const Value* a = v->find("a");
    ASSERT_NE(a, nullptr);
    ASSERT_EQ(a->items.size(), 6u);
    EXPECT_EQ(a->items[1].text, "-0.0");
    EXPECT_EQ(a->items[2].text, "1.5E7");
    EXPECT_TRUE(a->items[3].boolean);
    EXPECT_EQ(a->items[5].kind, Value::Kind::Null);
    EXPECT_EQ(v->find("s")->text, "x\"\\/\n\xc3\xa9\xf0\x9f\x98\x80");
}

TEST(Json, WritesWhatItReads) {
    std::string text = R"({"k":["a\u0001b\tc",12,{"x":null}],"e":{},"l":[]})";
    auto v = parse(text);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(compact(*v), text);
}

TEST(Json, PrettyKeepsScalarContainersOnOneLine) {
    Value root = Value::object();
    Value& leaf = root.add("leaf", Value::object());
    leaf.add("type", Value::string("Long"));
    leaf.add("value", Value::number("42"));
    std::string out;
    write(root, out, true);
    EXPECT_EQ(out, "{\n  \"leaf\": {\"type\":\"Long\",\"value\":42}\n}");
}

TEST(Json, ErrorsNameTheLine) {
    EXPECT_EQ(parse("{\n\"a\": 1,\n\"b\" 2}").error().message, "line 3: expected ':' after the member name \"b\"");
    EXPECT_EQ(parse("[1,\n2,\n]").error().message, "line 3: unexpected character ']', expected a value");
    EXPECT_EQ(parse("[01]").error().message, "line 1: expected ',' or ']' in an array");
    EXPECT_EQ(parse("\"a\nb\"").error().message, "line 1: a control character in a string must be escaped");
    EXPECT_EQ(parse("\"\\ud800x\"").error().message, "line 1: an unpaired surrogate in a \\u escape");
    EXPECT_EQ(parse("{} x").error().message, "line 1: unexpected text after the JSON value");
    EXPECT_EQ(parse("").error().message, "line 1: unexpected end of the file, expected a value");
    EXPECT_EQ(parse(std::string(300, '[')).error().message, "line 1: nested deeper than 256 levels");
}

}  // namespace
}  // namespace nj::json
