"""rules/kafka.yml on the Kafka-shaped beans of the benchmark application (bench/, issue 6):
Debian has no Kafka. The expected series follow from the rules' text applied to the beans that
bench/README.md lists; Strimzi's rules, which rules/kafka.yml keeps the names of, must give
the same series on the same JVM. A real Prometheus scrapes it."""

import pytest

import e2e
import harness

e2e.require_packages("prometheus")

STRIMZI = e2e.UPSTREAM_EXAMPLES.parent / "strimzi-kafka-metrics-config.yml"
TOPICS = ["topic-0", "topic-1", "topic-2"]
PARTITIONS = ["0", "1"]
TOPIC_METERS = ["bytesin", "bytesout", "messagesin", "totalproducerequests", "totalfetchrequests"]
PARTITION_GAUGES = ["kafka_log_log_size", "kafka_log_log_numlogsegments", "kafka_log_log_logstartoffset",
                    "kafka_log_log_logendoffset", "kafka_cluster_partition_underreplicated",
                    "kafka_cluster_partition_insyncreplicascount", "kafka_cluster_partition_replicascount"]


@pytest.fixture(scope="module")
def broker(tmp_path_factory, agent):
    workdir = tmp_path_factory.mktemp("kafka")
    classes = harness.compile_bench_app(workdir / "classes")
    launcher = harness.JvmLauncher(workdir, classes, agent)
    port = harness.free_port()
    config = e2e.start_agent_config(workdir, e2e.RULES / "kafka.yml")
    jvm = launcher.start(harness.DEBIAN_17, ["--topics", str(len(TOPICS)), "--partitions", str(len(PARTITIONS))],
                         f"{port}:{config}", port=port, main_class="nativejmx.bench.KafkaBroker", name="kafka",
                         jvm_options=("-Xmx256m",))
    jvm.wait_for_stdout("kafka-broker: ready", timeout=e2e.START_TIMEOUT)
    yield launcher, e2e.AgentInServer(jvm, port, config)
    launcher.close()


def kafka_series(families) -> dict[str, tuple[str, set]]:
    """kafka_* family -> (type, its samples' label sets)."""
    return {name: (family.type, {s.series() for s in family.samples})
            for name, family in families.items() if name.startswith("kafka_")}


def test_topic_and_partition_series_have_their_labels_and_types(broker):
    _, agent = broker
    families = agent.wait_for(lambda f: "kafka_log_log_size" in f, "the Kafka-shaped beans")
    for meter in TOPIC_METERS:
        # kafka.(\w+)<type=(.+), name=(.+)PerSec\w*, (.+)=(.+)><>Count -> kafka_$1_$2_$3_total {$4="$5"}
        name = f"kafka_server_brokertopicmetrics_{meter}_total"
        assert families[name].type == "counter", name
        assert {s.series() for s in families[name].samples} == {(name, (("topic", t),)) for t in TOPICS}
    for name in PARTITION_GAUGES:
        # kafka.(\w+)<type=(.+), name=(.+), (.+)=(.+), (.+)=(.+)><>Value -> kafka_$1_$2_$3 {$4="$5", $6="$7"}
        assert families[name].type == "gauge", name
        assert {s.series() for s in families[name].samples} == {
            (name, (("partition", p), ("topic", t))) for t in TOPICS for p in PARTITIONS}
    # The application's fixed replica state (bench/README.md).
    assert {s.value for s in families["kafka_cluster_partition_underreplicated"].samples} == {"0.0"}
    assert {s.value for s in families["kafka_cluster_partition_replicascount"].samples} == {"3.0"}
    # RequestMetrics other than RequestsPerSec is not walked (the app has only TotalTimeMs).
    assert not any(name.startswith("kafka_network_requestmetrics") for name in families)


def test_same_series_as_strimzi_rules_without_pcre2(broker):
    _, agent = broker
    ours = kafka_series(agent.families())
    assert not any("PCRE2" in line for line in agent.process.nativejmx_lines())
    reloads = e2e.sample_value(agent.families(), "jmx_config_reload_success_total")
    with agent.config_swapped(STRIMZI.read_text()):
        strimzi = kafka_series(agent.wait_for(
            lambda f: e2e.sample_value(f, "jmx_config_reload_success_total") > reloads, "Strimzi's rules loaded"))
    assert ours == strimzi


def test_prometheus_scrapes_the_kafka_shaped_broker(broker):
    launcher, agent = broker
    e2e.assert_prometheus_scrapes(launcher, "kafka", agent, [
        'kafka_server_brokertopicmetrics_messagesin_total{topic="topic-0"} >= 0',
        'kafka_cluster_partition_replicascount{topic="topic-2",partition="1"} == 3',
    ])
