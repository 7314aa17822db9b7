// A small JSON value, reader and writer for the bean dump and nativejmx-check --json. Numbers
// keep the text they were written with, so a value goes through a file and back bit for bit
// (the reader of a number decides how to parse it: int64, double, float).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace nj::json {

struct Member;

struct Value {
    enum class Kind { Null, Boolean, Number, String, Array, Object };
    Kind kind = Kind::Null;
    bool boolean = false;                               // Boolean
    std::string text;                                   // Number: as written; String: decoded UTF-8
    std::vector<Value> items;                           // Array
    std::vector<Member> members;                        // Object, in file order
    int line = 0;                                       // 1-based line where it starts (read values)

    static Value string(std::string_view s);
    static Value number(std::string_view literal);     // a valid JSON number literal
    static Value flag(bool b);
    static Value array();
    static Value object();

    Value& add(std::string key, Value value);          // Object: appends a member, returns it
    Value& push(Value value);                          // Array: appends an item, returns it
    const Value* find(std::string_view key) const;     // Object: the first member named key
};

// A named member of an object. Its own struct, not std::pair<std::string, Value>: a pair of a
// type still being defined is ill-formed, and clang (the fuzz build) refuses it.
struct Member {
    std::string key;
    Value value;
};

// Parses one JSON text (RFC 8259). Errors: "line 12: expected ',' or '}'".
Result<Value> parse(std::string_view text);

// Writes JSON; pretty: two-space indentation, one member or item per line.
void write(const Value& value, std::string& out, bool pretty);

// Appends s as a JSON string literal (quoted, escaped).
void appendQuoted(std::string& out, std::string_view s);

}  // namespace nj::json
