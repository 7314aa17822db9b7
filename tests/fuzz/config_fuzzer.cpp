// libFuzzer target for the config loader: YAML text -> parseConfig (YAML 1.1 typing, every
// key's validation, ${VAR} resolution) -> Engine::create (Java regex parsing, RE2/PCRE2
// translation) -> three collects over a small fixed snapshot (matching, templates, naming, the
// value memo). A
// basic-auth section that loads also builds its authenticator and checks one credential: what
// the loader accepts, the authenticator must handle.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "exposition/families.h"
#include "http/basic_auth.h"
#include "rules/config.h"
#include "rules/engine.h"

namespace {

// A config may ask for up to 2^31 PBKDF2 iterations: a real check, but hours of fuzzing time.
constexpr int kMaximumFuzzedIterations = 1000;

nj::rules::Snapshot fixedSnapshot() {
    using namespace nj::rules;
    Snapshot snapshot;
    auto leaf = [&](LeafKind kind, double value, std::string_view text) {
        Node& node = snapshot.newNode();
        node.leaf.kind = kind;
        node.leaf.doubleValue = value;
        node.leaf.longValue = static_cast<int64_t>(value);
        node.leaf.text = snapshot.keep(std::string(text));
        return &node;
    };
    Node& usage = snapshot.newNode();
    usage.kind = Node::Kind::Composite;
    usage.description = "java.lang.management.MemoryUsage";
    usage.hasDescription = true;
    usage.items = {{"committed", leaf(LeafKind::Long, 4096, "4096")}, {"used", leaf(LeafKind::Long, 1024, "1024")}};

    Bean memory{"java.lang", "type=Memory", false, -1, {}, {}};
    memory.attributes.push_back({"HeapMemoryUsage", "heap", true, &usage});
    memory.attributes.push_back({"Verbose", "", false, leaf(LeafKind::Boolean, 0, "false")});
    Bean kafka{"kafka.server", "type=BrokerTopicMetrics,name=MessagesInPerSec,topic=orders", false, -1, {}, {}};
    kafka.attributes.push_back({"Count", "count", true, leaf(LeafKind::Long, 42, "42")});
    kafka.attributes.push_back({"OneMinuteRate", "", false, leaf(LeafKind::Double, 0.5, "0.5")});
    kafka.attributes.push_back({"RateUnit", "", false, leaf(LeafKind::Text, 0, "SECONDS")});
    snapshot.beans = {std::move(memory), std::move(kafka)};
    return snapshot;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const nj::rules::Snapshot snapshot = fixedSnapshot();
    auto config = nj::rules::parseConfig(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
    if (!config) return 0;
    if (const auto& basic = config->httpServer.basicAuth; basic && basic->iterations <= kMaximumFuzzedIterations) {
        nj::http::Request request;
        request.headers.push_back({"Authorization", "Basic dTpw"});  // u:p
        (void)nj::http::BasicAuthenticator(*basic).refusal(request);
    }
    auto engine = nj::rules::Engine::create(std::make_shared<const nj::rules::Config>(std::move(config).value()));
    if (!engine) return 0;
    nj::rules::Engine::Output output = engine.value()->collect(snapshot);
    (void)nj::expo::assembleJmxFamilies(std::move(output.samples));
    // Twice more: the value memo's entries are made in the first, proven and used in the next.
    for (int scrape = 0; scrape < 2; scrape++) {
        nj::rules::Engine::Output again = engine.value()->collect(snapshot);
        (void)nj::expo::assembleJmxFamilies(std::move(again.samples));
    }
    return 0;
}
