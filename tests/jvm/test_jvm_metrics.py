"""JVM families that need more than one scrape to show (spec §10)."""

import subprocess

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
