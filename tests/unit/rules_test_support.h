// Shared by the rules_*_test.cpp files: snapshots built in memory the way the decoder builds
// them, engines for a config, and readable renderings of the samples.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/engine.h"

namespace nj::rules::enginetest {

// Builds snapshots the way the decoder does.
class SnapshotBuilder {
public:
    Bean& bean(std::string domain, std::string keyProperties) {
        Bean& b = snapshot.beans.emplace_back();
        b.domain = snapshot.keep(std::move(domain));
        b.keyProperties = snapshot.keep(std::move(keyProperties));
        return b;
    }
    const Node* longValue(int64_t v) {
        Node& n = leafNode(LeafKind::Long, static_cast<double>(v));
        n.leaf.longValue = v;
        return &n;
    }
    const Node* doubleValue(double v) { return &leafNode(LeafKind::Double, v); }
    const Node* floatValue(float v) {
        Node& n = leafNode(LeafKind::Float, static_cast<double>(v));
        n.leaf.floatValue = v;
        return &n;
    }
    const Node* boolValue(bool v) {
        Node& n = leafNode(LeafKind::Boolean, v ? 1 : 0);
        n.leaf.boolValue = v;
        return &n;
    }
    const Node* text(std::string v) {
        Node& n = leafNode(LeafKind::Text, 0);
        n.leaf.text = snapshot.keep(std::move(v));
        return &n;
    }
    void attribute(Bean& b, std::string name, const Node* value, const char* description = nullptr) {
        Attribute a;
        a.name = snapshot.keep(std::move(name));
        a.value = value;
        if (description != nullptr) {
            a.hasDescription = true;
            a.description = snapshot.keep(description);
        }
        b.attributes.push_back(a);
    }
    Node& composite(const char* description) {
        Node& n = snapshot.newNode();
        n.kind = Node::Kind::Composite;
        n.hasDescription = true;
        n.description = snapshot.keep(description);
        return n;
    }
    void item(Node& composite, std::string name, const Node* value) {
        composite.items.push_back({snapshot.keep(std::move(name)), value});
    }
    Snapshot snapshot;

private:
    // A new leaf node of that kind and double value, as the decoder makes them.
    Node& leafNode(LeafKind kind, double doubleValue) {
        Node& n = snapshot.newNode();
        n.leaf.kind = kind;
        n.leaf.doubleValue = doubleValue;
        return n;
    }
};

// Beans a:type=T, b:type=T, c:type=T, visited in that order, each with X = 1, 2, 3: for showing
// that an abort at b keeps a's samples and never reaches c.
inline Snapshot threeBeansInOrder() {
    SnapshotBuilder b;
    int64_t x = 1;
    for (const char* domain : {"a", "b", "c"}) b.attribute(b.bean(domain, "type=T"), "X", b.longValue(x++));
    return std::move(b.snapshot);
}

inline Rule rule(std::optional<std::string> pattern, std::optional<std::string> name = std::nullopt) {
    Rule r;
    r.pattern = std::move(pattern);
    r.name = std::move(name);
    return r;
}

inline std::unique_ptr<Engine> engineFor(Config config) {
    config.file = "test.yaml";
    auto engine = Engine::create(std::make_shared<const Config>(std::move(config)));
    EXPECT_TRUE(engine.ok()) << engine.error().message;
    return std::move(engine).value();
}

inline Config withRules(std::vector<Rule> rules) {
    Config c;
    c.rules = std::move(rules);
    return c;
}

inline const expo::RawSample* find(const Engine::Output& out, std::string_view name) {
    for (const auto& s : out.samples) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

inline std::string labelsOf(const expo::RawSample& s) {
    expo::Labels labels = s.labels;
    std::sort(labels.begin(), labels.end(), [](auto& a, auto& b) { return a.name < b.name; });
    std::string out;
    for (const auto& l : labels) out += l.name + "=" + l.value + ";";
    return out;
}

}  // namespace nj::rules::enginetest
