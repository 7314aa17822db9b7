// The java-shim's wire format, written here by hand as Walker.java writes it.
#include <gtest/gtest.h>

#include <cstring>

#include "jvm/snapshot_decoder.h"

namespace {

class Bytes {
public:
    Bytes& tag(char c) { s_.push_back(c); return *this; }
    Bytes& u8(int v) { s_.push_back(static_cast<char>(v)); return *this; }
    Bytes& varint(uint64_t v) {
        while (v >= 0x80) { s_.push_back(static_cast<char>((v & 0x7F) | 0x80)); v >>= 7; }
        s_.push_back(static_cast<char>(v));
        return *this;
    }
    Bytes& fixed(uint64_t v, int n) { for (int i = 0; i < n; i++) s_.push_back(static_cast<char>(v >> (8 * i))); return *this; }
    Bytes& f64(double d) { uint64_t b; std::memcpy(&b, &d, 8); return fixed(b, 8); }
    Bytes& f32(float f) { uint32_t b; std::memcpy(&b, &f, 4); return fixed(b, 4); }
    Bytes& str(std::string_view v) { varint(v.size()); s_.append(v); return *this; }
    Bytes& optStr(const char* v) { if (!v) return u8(0); u8(1); return str(v); }
    const std::string& bytes() const { return s_; }
private:
    std::string s_;
};

Bytes sampleWalk() {
    Bytes b;
    b.varint(1);
    // bean with no customizer
    b.tag('B').str("nativejmx.test").str("type=Values,name=a").u8(0).varint(0).varint(0);
    b.tag('A').str("Int").optStr("Attribute exposed for management").tag('L').fixed(static_cast<uint64_t>(-42), 8);
    b.tag('A').str("Float").optStr(nullptr).tag('F').f32(0.2f);
    b.tag('A').str("Null").optStr(nullptr).tag('X');
    b.tag('A').str("Big").optStr(nullptr).tag('N').str("1E+3").f64(1000.0);
    b.tag('A').str("Usage").optStr("Usage").tag('C').optStr("Usage type").varint(2)
        .str("max").tag('X')
        .str("used").tag('Z').u8(1);
    b.tag('A').str("Map").optStr("Map").tag('T').optStr("row").varint(1).str("key").varint(2)
        .tag('R').tag('S').str("k1").varint(1).str("value").tag('D').f64(2.5)
        .tag('X');
    b.tag('b');
    // a bean whose bulk read failed, with customizer 0 and an attributesAsLabels text
    b.tag('B').str("d").str("k=v").u8(1).varint(1).varint(1).str("Text").str("hello");
    b.tag('b');
    // JVM metrics
    b.tag('J');
    b.tag('g').str("jvm_threads_current").str("Current thread count of a JVM").str("").varint(1).varint(0).f64(11);
    b.tag('s').str("jvm_gc_collection_seconds").str("Time spent").str("seconds").varint(1).str("gc").str("G1 Young").f64(2).f64(0.017);
    b.tag('i').str("jvm_runtime").str("JVM runtime info").str("").varint(1).varint(1).str("vendor").str("Debian");
    b.tag('E');
    b.tag('E');
    return b;
}

TEST(SnapshotDecoder, DecodesBeansAttributesAndValues) {
    auto decoded = nj::jvm::decodeWalk(sampleWalk().bytes());
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    const auto& beans = decoded->snapshot.beans;
    ASSERT_EQ(beans.size(), 2u);
    EXPECT_EQ(beans[0].domain, "nativejmx.test");
    EXPECT_EQ(beans[0].keyProperties, "type=Values,name=a");
    EXPECT_FALSE(beans[0].bulkReadFailed);
    EXPECT_EQ(beans[0].customizer, -1);
    const auto& attrs = beans[0].attributes;
    ASSERT_EQ(attrs.size(), 5u) << "the null attribute produces nothing";
    EXPECT_EQ(attrs[0].name, "Int");
    EXPECT_TRUE(attrs[0].hasDescription);
    EXPECT_EQ(attrs[0].value->leaf.kind, nj::rules::LeafKind::Long);
    EXPECT_EQ(attrs[0].value->leaf.longValue, -42);
    EXPECT_EQ(attrs[1].value->leaf.kind, nj::rules::LeafKind::Float);
    EXPECT_EQ(attrs[1].value->leaf.floatValue, 0.2f);
    EXPECT_EQ(attrs[1].value->leaf.doubleValue, static_cast<double>(0.2f));
    EXPECT_EQ(attrs[2].value->leaf.kind, nj::rules::LeafKind::Number);
    EXPECT_EQ(attrs[2].value->leaf.text, "1E+3");
    const auto& usage = *attrs[3].value;
    ASSERT_EQ(usage.kind, nj::rules::Node::Kind::Composite);
    EXPECT_EQ(usage.description, "Usage type");
    ASSERT_EQ(usage.items.size(), 1u) << "the null item is dropped";
    EXPECT_EQ(usage.items[0].name, "used");
    EXPECT_TRUE(usage.items[0].value->leaf.boolValue);
    const auto& table = *attrs[4].value;
    ASSERT_EQ(table.kind, nj::rules::Node::Kind::Tabular);
    ASSERT_EQ(table.rows.size(), 1u) << "the non-composite row is skipped";
    ASSERT_EQ(table.rows[0].index.size(), 1u);
    EXPECT_EQ(table.rows[0].index[0].name, "key");
    EXPECT_EQ(table.rows[0].index[0].text, "k1");
    ASSERT_EQ(table.rows[0].values.size(), 1u);
    EXPECT_EQ(table.rows[0].values[0].value->leaf.doubleValue, 2.5);

    EXPECT_TRUE(beans[1].bulkReadFailed);
    EXPECT_EQ(beans[1].customizer, 0);
    ASSERT_EQ(beans[1].attributeTexts.size(), 1u);
    EXPECT_EQ(beans[1].attributeTexts[0].second, "hello");
}

TEST(SnapshotDecoder, DecodesJvmFamilies) {
    auto decoded = nj::jvm::decodeWalk(sampleWalk().bytes());
    ASSERT_TRUE(decoded.ok());
    const auto& families = decoded->jvmFamilies;
    ASSERT_EQ(families.size(), 3u);
    EXPECT_EQ(families[0].name, "jvm_threads_current");
    EXPECT_EQ(families[0].type, nj::expo::MetricType::Gauge);
    EXPECT_EQ(families[0].samples.at(0).value, 11);
    const auto& gc = families[1];
    EXPECT_EQ(gc.type, nj::expo::MetricType::Summary);
    EXPECT_EQ(gc.unit, "seconds");
    ASSERT_EQ(gc.samples.size(), 2u);
    EXPECT_EQ(gc.samples[0].suffix, "_count");
    EXPECT_EQ(gc.samples[0].style, nj::expo::ValueStyle::Integer);
    EXPECT_EQ(gc.samples[1].suffix, "_sum");
    EXPECT_EQ(gc.samples[1].value, 0.017);
    EXPECT_EQ(gc.samples[1].labels.at(0).value, "G1 Young");
    EXPECT_EQ(families[2].type, nj::expo::MetricType::Info);
    EXPECT_EQ(families[2].samples.at(0).value, 1);
}

TEST(SnapshotDecoder, MakesRoomForTheExpectedBeansAtOnce) {
    auto plain = nj::jvm::decodeWalk(sampleWalk().bytes());
    auto roomy = nj::jvm::decodeWalk(sampleWalk().bytes(), 500);
    ASSERT_TRUE(plain.ok() && roomy.ok());
    EXPECT_GE(roomy->snapshot.beans.capacity(), 500u);
    ASSERT_EQ(roomy->snapshot.beans.size(), plain->snapshot.beans.size());
    for (size_t i = 0; i < plain->snapshot.beans.size(); i++) {
        EXPECT_EQ(roomy->snapshot.beans[i].keyProperties, plain->snapshot.beans[i].keyProperties);
    }
}

TEST(SnapshotDecoder, EveryTruncationIsAnErrorNotACrash) {
    const Bytes walk = sampleWalk();
    const std::string& full = walk.bytes();
    for (size_t n = 0; n < full.size(); n++) {
        auto decoded = nj::jvm::decodeWalk(full.substr(0, n));
        EXPECT_FALSE(decoded.ok()) << "prefix of " << n << " bytes";
    }
}

TEST(SnapshotDecoder, UnknownTagsAndVersionsAreErrors) {
    EXPECT_FALSE(nj::jvm::decodeWalk(Bytes().varint(2).tag('E').bytes()).ok());
    EXPECT_FALSE(nj::jvm::decodeWalk(Bytes().varint(1).tag('Q').bytes()).ok());
    EXPECT_FALSE(nj::jvm::decodeWalk(Bytes().varint(1).tag('B').str("d").str("k=v").u8(0).varint(0).varint(0)
                                         .tag('A').str("a").optStr(nullptr).tag('?').bytes()).ok());
    // a string length beyond the buffer
    EXPECT_FALSE(nj::jvm::decodeWalk(Bytes().varint(1).tag('B').varint(1u << 30).bytes()).ok());
}

}  // namespace
