#include "exposition/text_writer.h"

#include <algorithm>

#include "exposition/java_double.h"

namespace nj::expo {
namespace {

// What a type adds to the base name in sample lines (and, in text 0.0.4, in HELP and TYPE).
std::string_view typeSuffix(MetricType type) {
    switch (type) {
        case MetricType::Counter: return "_total";
        case MetricType::Info: return "_info";
        default: return "";
    }
}

std::string_view text004TypeName(MetricType type) {
    switch (type) {
        case MetricType::Gauge:
        case MetricType::Info: return "gauge";
        case MetricType::Counter: return "counter";
        case MetricType::Summary: return "summary";
        case MetricType::Histogram: return "histogram";
        case MetricType::Unknown: break;
    }
    return "untyped";
}

std::string_view openMetricsTypeName(MetricType type) {
    switch (type) {
        case MetricType::Gauge: return "gauge";
        case MetricType::Counter: return "counter";
        case MetricType::Summary: return "summary";
        case MetricType::Info: return "info";
        case MetricType::Histogram: return "histogram";
        case MetricType::Unknown: break;
    }
    return "unknown";
}

// [a-zA-Z_][a-zA-Z0-9_]*; anything else (a JMX label name with ':') is written quoted.
bool isLegacyLabelName(std::string_view name) {
    auto isLetter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    auto isDigit = [](char c) { return c >= '0' && c <= '9'; };
    if (name.empty() || !isLetter(name.front())) return false;
    return std::all_of(name.begin() + 1, name.end(), [&](char c) { return isLetter(c) || isDigit(c); });
}

void appendLabelName(std::string& out, std::string_view name) {
    if (isLegacyLabelName(name)) {
        out += name;
        return;
    }
    out += '"';
    appendEscaped(out, name, true);
    out += '"';
}

// The sample's labels, then a bucket's `le` (its bound as a Java double, "+Inf" for the last).
void appendLabels(std::string& out, const Sample& sample) {
    bool isBucket = sample.suffix == "_bucket";
    if (sample.labels.empty() && !isBucket) return;
    char separator = '{';
    for (const Label& label : sample.labels) {
        out += separator;
        separator = ',';
        appendLabelName(out, label.name);
        out += "=\"";
        appendEscaped(out, label.value, true);
        out += '"';
    }
    if (isBucket) {
        out += separator;
        out += "le=\"";
        appendPrometheusValue(out, sample.upperBound, ValueStyle::Double);
        out += '"';
    }
    out += '}';
}

void appendSamples(std::string& out, const Family& family) {
    std::string_view nameSuffix = typeSuffix(family.type);
    for (const Sample& sample : family.samples) {
        out += family.name;
        out += nameSuffix;
        out += sample.suffix;
        appendLabels(out, sample);
        out += ' ';
        if (family.type == MetricType::Info) {
            out += '1';  // an info has no value of its own
        } else {
            appendPrometheusValue(out, sample.value, sample.style);
        }
        out += '\n';
    }
}

// "# HELP <name><suffix> "
void appendCommentStart(std::string& out, std::string_view keyword, const Family& family, std::string_view nameSuffix) {
    out += keyword;
    out += family.name;
    out += nameSuffix;
    out += ' ';
}

void appendText004Metadata(std::string& out, const Family& family) {
    std::string_view nameSuffix = typeSuffix(family.type);
    if (!family.help.empty()) {
        appendCommentStart(out, "# HELP ", family, nameSuffix);
        appendEscaped(out, family.help, false);
        out += '\n';
    }
    appendCommentStart(out, "# TYPE ", family, nameSuffix);
    out += text004TypeName(family.type);
    out += '\n';
}

void appendOpenMetricsMetadata(std::string& out, const Family& family) {
    appendCommentStart(out, "# TYPE ", family, "");
    out += openMetricsTypeName(family.type);
    out += '\n';
    if (!family.unit.empty()) {
        appendCommentStart(out, "# UNIT ", family, "");
        appendEscaped(out, family.unit, true);
        out += '\n';
    }
    if (!family.help.empty()) {
        appendCommentStart(out, "# HELP ", family, "");
        appendEscaped(out, family.help, true);
        out += '\n';
    }
}

// Enough room for the whole body, so that `out` grows once.
size_t estimatedSize(const std::vector<Family>& families) {
    size_t size = 0;
    for (const Family& family : families) {
        size += 2 * family.name.size() + family.help.size() + family.unit.size() + 64;
        for (const Sample& sample : family.samples) {
            size += family.name.size() + sample.suffix.size() + 40;
            for (const Label& label : sample.labels) size += label.name.size() + label.value.size() + 4;
        }
    }
    return size;
}

using MetadataWriter = void (*)(std::string&, const Family&);

void writeFamilies(const std::vector<Family>& families, std::string& out, MetadataWriter appendMetadata) {
    out.reserve(out.size() + estimatedSize(families));
    for (const Family& family : families) {
        if (family.samples.empty()) continue;  // client_java writes nothing for a family without data
        appendMetadata(out, family);
        appendSamples(out, family);
    }
}

}  // namespace

void writeText004(const std::vector<Family>& families, std::string& out) {
    writeFamilies(families, out, appendText004Metadata);
}

void writeOpenMetrics(const std::vector<Family>& families, std::string& out) {
    writeFamilies(families, out, appendOpenMetricsMetadata);
    out += "# EOF\n";
}

bool familyMatchesNameFilter(const Family& family, const std::vector<std::string>& names) {
    return names.empty() ||
           std::any_of(names.begin(), names.end(), [&](const std::string& name) { return name.starts_with(family.name); });
}

void appendEscaped(std::string& out, std::string_view text, bool escapeQuotes) {
    std::string_view special = escapeQuotes ? std::string_view("\\\n\"") : std::string_view("\\\n");
    size_t start = 0;
    for (size_t found = text.find_first_of(special); found != std::string_view::npos;
         found = text.find_first_of(special, start)) {
        out.append(text, start, found - start);
        out += '\\';
        out += text[found] == '\n' ? 'n' : text[found];
        start = found + 1;
    }
    out.append(text, start);
}

}  // namespace nj::expo
