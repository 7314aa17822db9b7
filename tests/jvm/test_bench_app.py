"""The benchmark's Kafka-shaped application (bench/, `make bench`) at a tiny size, with the agent
and Strimzi's Kafka rules, so the benchmark cannot rot unnoticed.

The expected names and labels follow from the rules in
../shared/realworld/strimzi-kafka-metrics-config.yml (lowercaseOutputName: true) applied to the
beans bench/README.md lists, not from the agent's output."""

import os
import re
import subprocess
from pathlib import Path

import pytest

from harness import DEBIAN_17, REPO, JvmLauncher, compile_bench_app, free_port, parse_exposition, scrape

STRIMZI = REPO.parent / "shared/realworld/strimzi-kafka-metrics-config.yml"
TOPICS = ["topic-0", "topic-1"]
PARTITIONS = ["0", "1"]


@pytest.fixture(scope="module")
def bench_classes(tmp_path_factory) -> Path:
    build = os.environ.get("NJ_BUILD")
    out = Path(build) / "bench-app-classes" if build else tmp_path_factory.mktemp("bench-app-classes")
    return compile_bench_app(out)


def start_broker(launcher, size, env_extra=None):
    """The benchmark application at size x size, with the agent and Strimzi's rules, ready."""
    port = free_port()
    jvm = launcher.start(DEBIAN_17, ["--topics", str(size), "--partitions", str(size)], f"{port}:{STRIMZI}",
                         port=port, main_class="nativejmx.bench.KafkaBroker", name="kafka", env_extra=env_extra)
    jvm.wait_for_stdout("kafka-broker: ready", timeout=60)
    return jvm, port


def test_kafka_broker_app_is_exported_by_the_strimzi_rules(tmp_path, bench_classes, agent):
    launcher = JvmLauncher(tmp_path, bench_classes, agent)
    try:
        jvm, port = start_broker(launcher, 2)
        response = scrape(port, timeout=60)
        assert response.status == 200, jvm.describe()
        families = parse_exposition(response.text)
    finally:
        launcher.close()

    def series(name):
        assert name in families, f"{name} missing; families: {sorted(families)}"
        return {tuple(sorted(s.labels)) for s in families[name].samples}

    # kafka.(\w+)<type=(?!RequestMetrics)(.+), name=(.+)PerSec\w*, (.+)=(.+)><>Count
    #   -> kafka_$1_$2_$3_total, COUNTER, label $4="$5"
    for meter in ["bytesin", "bytesout", "messagesin", "totalproducerequests", "totalfetchrequests"]:
        name = f"kafka_server_brokertopicmetrics_{meter}_total"
        assert series(name) == {(("topic", t),) for t in TOPICS}
        assert families[name].type == "counter"
    # kafka.(\w+)<type=(.+), name=(.+), (.+)=(.+), (.+)=(.+)><>Value -> kafka_$1_$2_$3, GAUGE, $4="$5", $6="$7"
    every_partition = {(("partition", p), ("topic", t)) for t in TOPICS for p in PARTITIONS}
    for name in ["kafka_log_log_size", "kafka_log_log_numlogsegments", "kafka_log_log_logstartoffset",
                 "kafka_log_log_logendoffset", "kafka_cluster_partition_underreplicated",
                 "kafka_cluster_partition_insyncreplicascount", "kafka_cluster_partition_replicascount"]:
        assert series(name) == every_partition
        assert families[name].type == "gauge"
    # The bench app's fixed replica counts.
    assert {s.value for s in families["kafka_cluster_partition_underreplicated"].samples} == {"0.0"}
    assert {s.value for s in families["kafka_cluster_partition_replicascount"].samples} == {"3.0"}
    # Every Count and percentile rule excludes RequestMetrics, and no rule takes a meter's rates.
    assert not [n for n in families if n.startswith("kafka_network")]
    assert not [n for n in families if "rate" in n]


def test_a_recorded_walk_runs_in_the_pipeline_bench(tmp_path, bench_classes, agent):
    """NJ_RECORD_WALK writes one walk's bytes; nj_pipeline_bench (bench/README.md) replays them
    through decode, rules, families and text: the same kafka series as the scrape."""
    pipeline_bench = Path(os.environ["NJ_BUILD"]) / "bench/pipeline/nj_pipeline_bench"
    if not pipeline_bench.exists():
        pytest.skip("nj_pipeline_bench is not built here")
    walk = tmp_path / "walk.bin"
    launcher = JvmLauncher(tmp_path, bench_classes, agent)
    try:
        jvm, port = start_broker(launcher, 2, {"NJ_RECORD_WALK": str(walk)})
        assert scrape(port, timeout=60).status == 200
        assert scrape(port, timeout=60).status == 200
        recorded = [line for line in jvm.nativejmx_lines() if "recorded a walk" in line]
        assert recorded and str(walk) in recorded[0], jvm.describe()
        assert len(recorded) == 1, "recorded once, not at every scrape"
    finally:
        launcher.close()
    run = subprocess.run([str(pipeline_bench), str(walk), str(STRIMZI), "3"], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    found = re.search(r"decode [\d.]+ +rules [\d.]+ +families [\d.]+ +text [\d.]+ +total [\d.]+ ms +\((\d+) bytes\)",
                      run.stdout)
    assert found, run.stdout
    assert int(found.group(1)) > 2000   # 2x2's kafka series and the JVM's own beans, in text
    # trim: memory returned to the OS between rounds, as the agent does; the same text comes out
    trimmed = subprocess.run([str(pipeline_bench), str(walk), str(STRIMZI), "3", "trim"], capture_output=True,
                             text=True, timeout=120)
    assert trimmed.returncode == 0, trimmed.stderr
    assert f"({found.group(1)} bytes)" in trimmed.stdout, trimmed.stdout
    resident = re.search(r"malloc_trim [\d.]+ ms; resident after the last round, trimmed: (\d+) KiB", trimmed.stdout)
    assert resident and int(resident.group(1)) > 0, trimmed.stdout
    refused = subprocess.run([str(pipeline_bench), str(walk), str(STRIMZI), "3", "trm"], capture_output=True,
                             text=True, timeout=60)
    assert refused.returncode == 2 and "usage" in refused.stderr


def test_a_walk_that_cannot_be_recorded_is_one_log_line(tmp_path, bench_classes, agent):
    """NJ_RECORD_WALK naming a place nobody can write: one line that says so; scrapes go on."""
    walk = tmp_path / "no-such-directory" / "walk.bin"
    launcher = JvmLauncher(tmp_path, bench_classes, agent)
    try:
        jvm, port = start_broker(launcher, 1, {"NJ_RECORD_WALK": str(walk)})
        for _ in range(2):
            assert scrape(port, timeout=60).status == 200, jvm.describe()
        failed = [line for line in jvm.nativejmx_lines() if "NJ_RECORD_WALK" in line]
        assert len(failed) == 1 and "cannot write" in failed[0] and str(walk.parent) in failed[0], jvm.describe()
        assert jvm.alive()
    finally:
        launcher.close()
    assert not walk.exists()
