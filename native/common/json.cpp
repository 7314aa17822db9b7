#include "common/json.h"

#include "common/utf8.h"

#include <algorithm>
#include <cstdint>

namespace nj::json {
namespace {

// A JSON text to nest no deeper than this: a hostile file cannot exhaust the stack.
constexpr int kMaxDepth = 256;

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    Result<Value> document() {
        Value value;
        if (!parseValue(value, 0)) return makeError(error_);
        skipSpace();
        if (pos_ != text_.size()) {
            failed("unexpected text after the JSON value");
            return makeError(error_);
        }
        return value;
    }

private:
    bool failed(std::string what) {
        error_ = "line " + std::to_string(line_) + ": " + what;
        return false;
    }

    void skipSpace() {
        while (pos_ < text_.size()) {
            char c = text_[pos_];
            if (c == '\n') line_++;
            else if (c != ' ' && c != '\t' && c != '\r') return;
            pos_++;
        }
    }

    bool consume(std::string_view literal) {
        if (text_.substr(pos_, literal.size()) != literal) return false;
        pos_ += literal.size();
        return true;
    }

    bool parseValue(Value& out, int depth) {
        if (depth > kMaxDepth) return failed("nested deeper than " + std::to_string(kMaxDepth) + " levels");
        skipSpace();
        out.line = line_;
        if (pos_ >= text_.size()) return failed("unexpected end of the file, expected a value");
        char c = text_[pos_];
        if (c == '{') return parseObject(out, depth);
        if (c == '[') return parseArray(out, depth);
        if (c == '"') {
            out.kind = Value::Kind::String;
            return parseString(out.text);
        }
        if (consume("true")) {
            out.kind = Value::Kind::Boolean;
            out.boolean = true;
            return true;
        }
        if (consume("false")) {
            out.kind = Value::Kind::Boolean;
            return true;
        }
        if (consume("null")) return true;
        if (c == '-' || (c >= '0' && c <= '9')) return parseNumber(out);
        return failed(std::string("unexpected character '") + c + "', expected a value");
    }

    bool parseObject(Value& out, int depth) {
        out.kind = Value::Kind::Object;
        pos_++;
        skipSpace();
        if (consume("}")) return true;
        for (;;) {
            skipSpace();
            std::string key;
            if (pos_ >= text_.size() || text_[pos_] != '"') return failed("expected a member name in quotes");
            if (!parseString(key)) return false;
            skipSpace();
            if (!consume(":")) return failed("expected ':' after the member name \"" + key + "\"");
            Value value;
            if (!parseValue(value, depth + 1)) return false;
            out.members.push_back({std::move(key), std::move(value)});
            skipSpace();
            if (consume("}")) return true;
            if (!consume(",")) return failed("expected ',' or '}' in an object");
        }
    }

    bool parseArray(Value& out, int depth) {
        out.kind = Value::Kind::Array;
        pos_++;
        skipSpace();
        if (consume("]")) return true;
        for (;;) {
            Value item;
            if (!parseValue(item, depth + 1)) return false;
            out.items.push_back(std::move(item));
            skipSpace();
            if (consume("]")) return true;
            if (!consume(",")) return failed("expected ',' or ']' in an array");
        }
    }

    bool parseNumber(Value& out) {
        size_t start = pos_;
        auto digits = [&] {
            size_t from = pos_;
            while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') pos_++;
            return pos_ > from;
        };
        consume("-");
        if (!consume("0") && !digits()) return failed("a number needs digits");
        if (consume(".") && !digits()) return failed("a number needs digits after '.'");
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            pos_++;
            if (!consume("+")) consume("-");
            if (!digits()) return failed("a number needs digits in its exponent");
        }
        out.kind = Value::Kind::Number;
        out.text = std::string(text_.substr(start, pos_ - start));
        return true;
    }

    bool hex4(uint32_t& out) {
        if (pos_ + 4 > text_.size()) return failed("a \\u escape needs four hex digits");
        out = 0;
        for (int i = 0; i < 4; i++) {
            char c = text_[pos_++];
            out <<= 4;
            if (c >= '0' && c <= '9') out |= static_cast<uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f') out |= static_cast<uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') out |= static_cast<uint32_t>(c - 'A' + 10);
            else return failed("a \\u escape needs four hex digits");
        }
        return true;
    }

    bool parseString(std::string& out) {
        pos_++;  // the opening quote
        for (;;) {
            if (pos_ >= text_.size()) return failed("a string is not closed");
            char c = text_[pos_++];
            if (c == '"') return true;
            if (static_cast<unsigned char>(c) < 0x20) return failed("a control character in a string must be escaped");
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (pos_ >= text_.size()) return failed("a string is not closed");
            char e = text_[pos_++];
            switch (e) {
                case '"': out.push_back('"'); break;
                case '\\': out.push_back('\\'); break;
                case '/': out.push_back('/'); break;
                case 'b': out.push_back('\b'); break;
                case 'f': out.push_back('\f'); break;
                case 'n': out.push_back('\n'); break;
                case 'r': out.push_back('\r'); break;
                case 't': out.push_back('\t'); break;
                case 'u': {
                    uint32_t cp = 0;
                    if (!hex4(cp)) return false;
                    if (cp >= 0xDC00 && cp <= 0xDFFF) return failed("an unpaired surrogate in a \\u escape");
                    if (cp >= 0xD800 && cp <= 0xDBFF) {   // a pair: two escapes, one character
                        uint32_t low = 0;
                        if (!consume("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF) {
                            return failed("an unpaired surrogate in a \\u escape");
                        }
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    }
                    appendUtf8(out, static_cast<char32_t>(cp));
                    break;
                }
                default: return failed(std::string("unknown escape \\") + e + " in a string");
            }
        }
    }

    std::string_view text_;
    size_t pos_ = 0;
    int line_ = 1;
    std::string error_;
};

void indent(std::string& out, bool pretty, int depth) {
    if (!pretty) return;
    out.push_back('\n');
    out.append(static_cast<size_t>(depth) * 2, ' ');
}

bool isScalar(const Value& v) { return v.kind != Value::Kind::Array && v.kind != Value::Kind::Object; }

// Pretty output keeps a container of scalars on one line: {"type": "Long", "value": 42}.
bool onOneLine(const Value& v) {
    return std::all_of(v.items.begin(), v.items.end(), isScalar) &&
           std::all_of(v.members.begin(), v.members.end(), [](const auto& m) { return isScalar(m.value); });
}

void writeAt(const Value& value, std::string& out, bool pretty, int depth) {
    if (pretty && !isScalar(value) && onOneLine(value)) {
        std::string line;
        writeAt(value, line, false, 0);
        out += line;
        return;
    }
    switch (value.kind) {
        case Value::Kind::Null: out += "null"; return;
        case Value::Kind::Boolean: out += value.boolean ? "true" : "false"; return;
        case Value::Kind::Number: out += value.text; return;
        case Value::Kind::String: appendQuoted(out, value.text); return;
        case Value::Kind::Array:
            out.push_back('[');
            for (size_t i = 0; i < value.items.size(); i++) {
                if (i > 0) out.push_back(',');
                indent(out, pretty, depth + 1);
                writeAt(value.items[i], out, pretty, depth + 1);
            }
            if (!value.items.empty()) indent(out, pretty, depth);
            out.push_back(']');
            return;
        case Value::Kind::Object:
            out.push_back('{');
            for (size_t i = 0; i < value.members.size(); i++) {
                if (i > 0) out.push_back(',');
                indent(out, pretty, depth + 1);
                appendQuoted(out, value.members[i].key);
                out += pretty ? ": " : ":";
                writeAt(value.members[i].value, out, pretty, depth + 1);
            }
            if (!value.members.empty()) indent(out, pretty, depth);
            out.push_back('}');
            return;
    }
}

}  // namespace

Value Value::string(std::string_view s) {
    Value v;
    v.kind = Kind::String;
    v.text = s;
    return v;
}

Value Value::number(std::string_view literal) {
    Value v;
    v.kind = Kind::Number;
    v.text = literal;
    return v;
}

Value Value::flag(bool b) {
    Value v;
    v.kind = Kind::Boolean;
    v.boolean = b;
    return v;
}

Value Value::array() {
    Value v;
    v.kind = Kind::Array;
    return v;
}

Value Value::object() {
    Value v;
    v.kind = Kind::Object;
    return v;
}

Value& Value::add(std::string key, Value value) {
    members.push_back({std::move(key), std::move(value)});
    return members.back().value;
}

Value& Value::push(Value value) {
    items.push_back(std::move(value));
    return items.back();
}

const Value* Value::find(std::string_view key) const {
    for (const auto& [name, value] : members) {
        if (name == key) return &value;
    }
    return nullptr;
}

Result<Value> parse(std::string_view text) { return Parser(text).document(); }

void write(const Value& value, std::string& out, bool pretty) { writeAt(value, out, pretty, 0); }

void appendQuoted(std::string& out, std::string_view s) {
    static const char kHex[] = "0123456789abcdef";
    out.push_back('"');
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (u < 0x20) {
                    out += "\\u00";
                    out.push_back(kHex[u >> 4]);
                    out.push_back(kHex[u & 0xF]);
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
}

}  // namespace nj::json
