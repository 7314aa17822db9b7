"""JVM families (spec §10): under each collector, and the ones that need a GC after the first scrape."""

import subprocess

import pytest

from harness import CATCH_ALL_CONFIG, DEBIAN_17, free_port, parse_exposition, scrape, write_config

ALLOCATED = "jvm_memory_pool_allocated_bytes_total"


def test_allocated_bytes_count_collections_after_the_first_scrape(launcher, tmp_path):
    config = write_config(tmp_path / "config.yaml", CATCH_ALL_CONFIG)
    port = free_port()
    jvm = launcher.start(DEBIAN_17, ["until-file", str(tmp_path / "stop")], f"{port}:{config}", port=port)
    jvm.wait_until_serving()
    assert scrape(port).status == 200
    gc = subprocess.run([DEBIAN_17.tool("jcmd"), str(jvm.pid), "GC.run"], capture_output=True, timeout=60)
    assert gc.returncode == 0, gc.stderr
    family = parse_exposition(scrape(port).text).get(ALLOCATED)
    assert family is not None, f"{ALLOCATED} missing after a GC"
    assert family.help_line == (f"# HELP {ALLOCATED} Total bytes allocated in a given JVM memory pool. "
                                "Only updated after GC, not continuously.")
    assert family.type_line == f"# TYPE {ALLOCATED} counter"
    pools = {dict(s.labels)["pool"] for s in family.samples}
    # a full collection moves live data into the old generation: it grew during this GC
    assert "G1 Old Gen" in pools, pools
    assert all(float(s.value) > 0 for s in family.samples)


# The collectors' MXBean names, from the JDK (java.lang:type=GarbageCollector beans).
COLLECTORS = {
    "-XX:+UseSerialGC": {"Copy", "MarkSweepCompact"},
    "-XX:+UseParallelGC": {"PS Scavenge", "PS MarkSweep"},
    "-XX:+UseG1GC": {"G1 Young Generation", "G1 Old Generation"},
    "-XX:+UseZGC": {"ZGC Cycles", "ZGC Pauses"},
}


@pytest.mark.parametrize("collector", list(COLLECTORS))
def test_jvm_families_under_each_collector(launcher, tmp_path, collector):
    config = write_config(tmp_path / "config.yaml", CATCH_ALL_CONFIG)
    port = free_port()
    jvm = launcher.start(DEBIAN_17, ["until-file", str(tmp_path / "stop")], f"{port}:{config}", port=port,
                         extra_options=(collector,))
    jvm.wait_until_serving()
    resp = scrape(port)
    assert resp.status == 200, jvm.describe()
    families = parse_exposition(resp.text)
    gc = families.get("jvm_gc_collection_seconds")
    assert gc is not None and gc.type_line == "# TYPE jvm_gc_collection_seconds summary"
    assert {dict(s.labels)["gc"] for s in gc.samples} == COLLECTORS[collector]
    for name in ("jvm_memory_pool_used_bytes", "jvm_memory_used_bytes", "jvm_threads_current",
                 "process_cpu_seconds_total", "process_resident_memory_bytes"):
        assert name in families, f"{name} missing under {collector}"
    assert jvm.nativejmx_lines() == []
