#include "jvm/snapshot_decoder.h"

#include <cstring>
#include <stdexcept>

namespace nj::jvm {
namespace {

constexpr int kFormatVersion = 1;

// Thrown only inside this file, turned into an Error by decodeWalk.
struct Malformed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Reader {
public:
    explicit Reader(std::string_view data) : data_(data) {}

    bool atEnd() const { return pos_ >= data_.size(); }

    uint8_t byte() {
        need(1);
        return static_cast<uint8_t>(data_[pos_++]);
    }
    uint8_t peek() {
        need(1);
        return static_cast<uint8_t>(data_[pos_]);
    }
    uint64_t varint() {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            uint8_t b = byte();
            v |= static_cast<uint64_t>(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw Malformed("varint too long");
    }
    size_t count() {
        uint64_t n = varint();
        if (n > data_.size()) throw Malformed("count larger than the buffer");
        return static_cast<size_t>(n);
    }
    uint64_t fixed(int bytes) {
        need(static_cast<size_t>(bytes));
        uint64_t v = 0;
        for (int i = 0; i < bytes; i++) v |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_++])) << (8 * i);
        return v;
    }
    double float64() {
        uint64_t bits = fixed(8);
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return d;
    }
    float float32() {
        auto bits = static_cast<uint32_t>(fixed(4));
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return f;
    }
    std::string_view string() {
        size_t n = count();
        need(n);
        std::string_view s = data_.substr(pos_, n);
        pos_ += n;
        return s;
    }
    // optional string: flag byte then the string
    bool optionalString(std::string_view& out) {
        if (byte() == 0) return false;
        out = string();
        return true;
    }

private:
    void need(size_t n) const {
        if (pos_ + n > data_.size()) throw Malformed("truncated");
    }
    std::string_view data_;
    size_t pos_ = 0;
};

class Decoder {
public:
    Decoder(DecodedWalk& out) : out_(out), in_(out.snapshot.buffer) {}

    void run() {
        if (in_.varint() != kFormatVersion) throw Malformed("unknown format version");
        for (;;) {
            uint8_t tag = in_.byte();
            if (tag == 'E') break;
            if (tag == 'B') bean();
            else if (tag == 'J') jvm();
            else throw Malformed("unexpected record tag");
        }
    }

private:
    void bean() {
        rules::Bean& bean = out_.snapshot.beans.emplace_back();
        bean.domain = in_.string();
        bean.keyProperties = in_.string();
        bean.bulkReadFailed = in_.byte() != 0;
        bean.customizer = static_cast<int>(in_.varint()) - 1;
        for (size_t n = in_.count(); n > 0; n--) {
            std::string_view name = in_.string();
            bean.attributeTexts.emplace_back(name, in_.string());
        }
        for (;;) {
            uint8_t tag = in_.byte();
            if (tag == 'b') return;
            if (tag != 'A') throw Malformed("unexpected tag in a bean");
            rules::Attribute attribute;
            attribute.name = in_.string();
            attribute.hasDescription = in_.optionalString(attribute.description);
            attribute.value = value();
            if (attribute.value != nullptr) bean.attributes.push_back(attribute);
        }
    }

    // A value tree; nullptr for values that produce nothing.
    const rules::Node* value() {
        uint8_t tag = in_.byte();
        if (tag == 'X') return nullptr;
        rules::Node& node = out_.snapshot.newNode();
        rules::Leaf& leaf = node.leaf;
        switch (tag) {
            case 'L':
                leaf.kind = rules::LeafKind::Long;
                leaf.longValue = static_cast<int64_t>(in_.fixed(8));
                leaf.doubleValue = static_cast<double>(leaf.longValue);
                break;
            case 'D':
                leaf.kind = rules::LeafKind::Double;
                leaf.doubleValue = in_.float64();
                break;
            case 'F':
                leaf.kind = rules::LeafKind::Float;
                leaf.floatValue = in_.float32();
                leaf.doubleValue = static_cast<double>(leaf.floatValue);
                break;
            case 'Z':
                leaf.kind = rules::LeafKind::Boolean;
                leaf.boolValue = in_.byte() != 0;
                leaf.doubleValue = leaf.boolValue ? 1.0 : 0.0;
                break;
            case 'S':
                leaf.kind = rules::LeafKind::Text;
                leaf.text = in_.string();
                break;
            case 'N':
                leaf.kind = rules::LeafKind::Number;
                leaf.text = in_.string();
                leaf.doubleValue = in_.float64();
                break;
            case 'C':
                node.kind = rules::Node::Kind::Composite;
                node.hasDescription = in_.optionalString(node.description);
                for (size_t n = in_.count(); n > 0; n--) {
                    std::string_view name = in_.string();
                    if (const rules::Node* item = value()) node.items.push_back({name, item});
                }
                break;
            case 'T':
                tabular(node);
                break;
            default:
                throw Malformed("unknown value tag");
        }
        return &node;
    }

    void tabular(rules::Node& node) {
        node.kind = rules::Node::Kind::Tabular;
        node.hasDescription = in_.optionalString(node.description);
        std::vector<std::string_view> indexNames(in_.count());
        for (auto& name : indexNames) name = in_.string();
        for (size_t rows = in_.count(); rows > 0; rows--) {
            uint8_t tag = in_.byte();
            if (tag == 'X') continue;
            if (tag != 'R') throw Malformed("unexpected tag in a table");
            rules::Row& row = node.rows.emplace_back();
            for (std::string_view indexName : indexNames) row.index.push_back(indexEntry(indexName));
            for (size_t n = in_.count(); n > 0; n--) {
                std::string_view name = in_.string();
                if (const rules::Node* cell = value()) row.values.push_back({name, cell});
            }
        }
    }

    rules::IndexEntry indexEntry(std::string_view name) {
        rules::IndexEntry entry;
        entry.name = name;
        switch (in_.byte()) {
            case 'X':
                entry.kind = rules::IndexEntry::Kind::Null;
                break;
            case 'S':
                entry.kind = rules::IndexEntry::Kind::Text;
                entry.text = in_.string();
                break;
            case 'C':
                entry.kind = rules::IndexEntry::Kind::Composite;
                for (size_t n = in_.count(); n > 0; n--) {
                    std::string_view item = in_.string();
                    entry.items.emplace_back(item, in_.string());
                }
                break;
            default:
                throw Malformed("unknown index tag");
        }
        return entry;
    }

    void jvm() {
        for (;;) {
            uint8_t type = in_.byte();
            if (type == 'E') return;
            expo::Family& family = out_.jvmFamilies.emplace_back();
            family.type = familyType(type);
            family.name = std::string(in_.string());
            family.help = std::string(in_.string());
            family.unit = std::string(in_.string());
            for (size_t n = in_.count(); n > 0; n--) jvmSamples(family);
        }
    }

    static expo::MetricType familyType(uint8_t tag) {
        switch (tag) {
            case 'g': return expo::MetricType::Gauge;
            case 'c': return expo::MetricType::Counter;
            case 's': return expo::MetricType::Summary;
            case 'i': return expo::MetricType::Info;
            default: throw Malformed("unknown family type");
        }
    }

    void jvmSamples(expo::Family& family) {
        if (family.type == expo::MetricType::Summary) {
            expo::Labels labels{{std::string(in_.string()), std::string(in_.string())}};
            double count = in_.float64();
            double sum = in_.float64();
            family.samples.push_back({"_count", labels, count, expo::ValueStyle::Integer});
            family.samples.push_back({"_sum", std::move(labels), sum, expo::ValueStyle::Double});
            return;
        }
        expo::Sample& sample = family.samples.emplace_back();
        for (size_t n = in_.count(); n > 0; n--) {
            std::string name(in_.string());
            sample.labels.push_back({std::move(name), std::string(in_.string())});
        }
        if (family.type == expo::MetricType::Info) {
            sample.value = 1;
            sample.style = expo::ValueStyle::Integer;
        } else {
            sample.value = in_.float64();
        }
    }

    DecodedWalk& out_;
    Reader in_;
};

}  // namespace

Result<DecodedWalk> decodeWalk(std::string buffer, size_t expectedBeans) {
    DecodedWalk out;
    out.snapshot.buffer = std::move(buffer);
    try {
        out.snapshot.beans.reserve(expectedBeans);
        Decoder(out).run();
    } catch (const Malformed& e) {
        return makeError(std::string("the java-shim's data is malformed (") + e.what() + ")");
    } catch (const std::bad_alloc&) {
        return makeError("out of memory decoding the java-shim's data");
    }
    return out;
}

}  // namespace nj::jvm
