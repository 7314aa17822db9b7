"""JVM and process families (spec §10) and the GC pause histogram, under each collector.

Values are checked against the JVM's own view: the fixture reads its MXBeans just before and just
after a scrape (and the test reads /proc/<pid> of the JVM), and every scraped value must lie
between the two readings (or equal both, for values that do not move)."""

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from harness import (CATCH_ALL_CONFIG, DEBIAN_17, free_port, parse_exposition, scrape, touch_later,
                     write_config)

ALLOCATED = "jvm_memory_pool_allocated_bytes_total"
PAUSES = "jvm_gc_stw_pause_seconds"
HISTOGRAM_CONFIG = CATCH_ALL_CONFIG + "nativejmx:\n  gcPauseHistogram: true\n"
NMT = "-XX:NativeMemoryTracking=summary"
HEAP_BYTES = 64 * 1024 * 1024  # -Xmx64m of FAST_JVM_OPTIONS


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


# ---------------------------------------------------------------------------- the JVM's own view

def mxbeans(jvm) -> dict:
    answer = jvm.ask("mxbeans")
    assert answer.startswith("mxbeans "), answer
    return json.loads(answer[len("mxbeans "):])


def proc_view(pid: int) -> dict:
    status = {}
    for line in open(f"/proc/{pid}/status"):
        key, _, value = line.partition(":")
        status[key] = value.split()
    limits = next(line for line in open(f"/proc/{pid}/limits") if line.startswith("Max open files"))
    return {"open_fds": len(os.listdir(f"/proc/{pid}/fd")),
            "max_fds": int(limits.split()[3]),
            "virtual": int(status["VmSize"][0]) * 1024,
            "resident": int(status["VmRSS"][0]) * 1024}


def collections(view: dict) -> dict:
    return {name: count for name, (count, _) in view["gc"].items()}


def read_around_scrape(jvm, port, attempts=3):
    """(families, before, after, proc before, proc after) of a scrape during which no GC ran (a GC
    moves the memory figures both ways, and then 'between' means nothing)."""
    for _ in range(attempts):
        before, proc_before = mxbeans(jvm), proc_view(jvm.pid)
        resp = scrape(port)
        assert resp.status == 200, resp.text + jvm.describe()
        proc_after, after = proc_view(jvm.pid), mxbeans(jvm)
        if collections(before) == collections(after):
            return parse_exposition(resp.text), before, after, proc_before, proc_after
    pytest.fail(f"a collection ran during each of {attempts} scrapes")


def values(families, name, label=None) -> dict:
    """{label value (or None): float} of a family's samples (for summaries: only `name`'s own lines)."""
    family = families.get(name.removesuffix("_count").removesuffix("_sum"))
    family = family if family is not None else families.get(name)
    assert family is not None, f"{name} missing"
    return {dict(s.labels).get(label) if label else None: float(s.value)
            for s in family.samples if s.name == name}


def assert_between(what, value, a, b):
    assert min(a, b) <= value <= max(a, b), f"{what}: scraped {value}, the JVM said {a} before and {b} after"


def assert_each_between(families, name, label, before: dict, after: dict, pick):
    scraped = values(families, name, label)
    assert set(scraped) == set(before) == set(after), f"{name}: {label}s {sorted(scraped)} vs {sorted(before)}"
    for key, value in scraped.items():
        assert_between(f'{name}{{{label}="{key}"}}', value, pick(before[key]), pick(after[key]))


def check_values_against_the_jvm(families, before, after, proc_before, proc_after):
    single = lambda name: values(families, name)[None]

    for i, name in enumerate(("jvm_threads_current", "jvm_threads_daemon", "jvm_threads_peak",
                              "jvm_threads_started_total", "jvm_threads_deadlocked",
                              "jvm_threads_deadlocked_monitor")):
        assert_between(name, single(name), before["threads"][i], after["threads"][i])
    states = values(families, "jvm_threads_state", "state")
    assert set(states) == {"NEW", "RUNNABLE", "BLOCKED", "WAITING", "TIMED_WAITING", "TERMINATED", "UNKNOWN"}
    assert states["UNKNOWN"] == 0 and states["NEW"] == 0 and states["TERMINATED"] == 0, states
    assert_between("sum of jvm_threads_state", sum(states.values()), before["threads"][0], after["threads"][0])

    for i, name in enumerate(("jvm_classes_currently_loaded", "jvm_classes_loaded_total",
                              "jvm_classes_unloaded_total")):
        assert_between(name, single(name), before["classes"][i], after["classes"][i])
    assert_between("jvm_compilation_time_seconds_total", single("jvm_compilation_time_seconds_total"),
                   before["compilation_ms"] / 1000, after["compilation_ms"] / 1000)

    gc = "jvm_gc_collection_seconds"
    assert_each_between(families, gc + "_count", "gc", before["gc"], after["gc"], lambda v: v[0])
    assert_each_between(families, gc + "_sum", "gc", before["gc"], after["gc"], lambda v: v[1] / 1000)

    for i, part in enumerate(("used", "committed", "max", "init")):
        areas = {area: (before[area][i], after[area][i]) for area in ("heap", "nonheap")}
        assert_each_between(families, f"jvm_memory_{part}_bytes", "area",
                            {a: v[0] for a, v in areas.items()}, {a: v[1] for a, v in areas.items()}, lambda v: v)
        assert_each_between(families, f"jvm_memory_pool_{part}_bytes", "pool", before["pools"], after["pools"],
                            lambda v, i=i: v[i])
        assert_each_between(families, f"jvm_memory_pool_collection_{part}_bytes", "pool",
                            before["collection_pools"], after["collection_pools"], lambda v, i=i: v[i])
    assert_between("jvm_memory_objects_pending_finalization", single("jvm_memory_objects_pending_finalization"),
                   before["pending_finalization"], after["pending_finalization"])

    for i, name in enumerate(("jvm_buffer_pool_used_bytes", "jvm_buffer_pool_capacity_bytes",
                              "jvm_buffer_pool_used_buffers")):
        assert_each_between(families, name, "pool", before["buffer_pools"], after["buffer_pools"],
                            lambda v, i=i: v[i])

    runtime = families["jvm_runtime_info"].samples
    assert len(runtime) == 1 and dict(runtime[0].labels) == dict(zip(("runtime", "vendor", "version"),
                                                                     after["runtime"]))
    assert before["runtime"] == after["runtime"]

    assert_between("process_cpu_seconds_total", single("process_cpu_seconds_total"),
                   before["cpu_ns"] / 1e9, after["cpu_ns"] / 1e9)
    assert single("process_start_time_seconds") == before["start_ms"] / 1000 == after["start_ms"] / 1000
    # The connection being answered is open while the agent counts; the test's reads see it closed.
    assert_between("process_open_fds", single("process_open_fds"),
                   proc_before["open_fds"], proc_after["open_fds"] + 1)
    assert single("process_max_fds") == proc_before["max_fds"] == proc_after["max_fds"]
    # Memory is not monotonic: the agent reads /proc in the middle of its own scrape, whose
    # buffers it hands back to the OS once the scrape is done, so the reading may lie a little
    # above both of the test's. 8 MiB still tells VmRSS from VmSize and bytes from kB.
    slack = 8 * 1024 * 1024
    for key in ("virtual", "resident"):
        name = f"process_{key}_memory_bytes"
        assert_between(name, single(name), min(proc_before[key], proc_after[key]) - slack,
                       max(proc_before[key], proc_after[key]) + slack)


def check_native_memory(families, collector):
    reserved = values(families, "jvm_native_memory_reserved_bytes", "pool")
    committed = values(families, "jvm_native_memory_committed_bytes", "pool")
    assert families["jvm_native_memory_reserved_bytes"].help_line == (
        "# HELP jvm_native_memory_reserved_bytes Reserved bytes of a given JVM. Reserved memory represents "
        "the total amount of memory the JVM can potentially use.")
    assert families["jvm_native_memory_committed_bytes"].help_line == (
        "# HELP jvm_native_memory_committed_bytes Committed bytes of a given JVM. Committed memory represents "
        "the amount of memory the JVM is using right now.")
    for name in ("jvm_native_memory_reserved_bytes", "jvm_native_memory_committed_bytes"):
        assert families[name].type_line == f"# TYPE {name} gauge"
    assert set(reserved) == set(committed)
    assert {"Total", "Java Heap", "Class", "Thread", "Code", "GC", "Native Memory Tracking"} <= set(reserved)
    for pool in ("Total", "Java Heap"):
        assert 0 < committed[pool] <= reserved[pool], pool
    if collector != "-XX:+UseZGC":  # ZGC reserves address space for several views of the heap
        assert reserved["Java Heap"] == HEAP_BYTES


# ---------------------------------------------------------------------------- the pause histogram

def pause_histogram(families) -> tuple[int, float, list[tuple[str, int]]]:
    family = families.get(PAUSES)
    assert family is not None, f"{PAUSES} missing"
    assert family.type_line == f"# TYPE {PAUSES} histogram"
    buckets = [(dict(s.labels)["le"], int(s.value)) for s in family.samples if s.name == PAUSES + "_bucket"]
    assert all(len(s.labels) == (1 if s.name.endswith("_bucket") else 0) for s in family.samples)
    count = values(families, PAUSES + "_count")[None]
    assert buckets[-1] == ("+Inf", count), buckets
    assert [n for _, n in buckets] == sorted(n for _, n in buckets), "buckets are cumulative"
    return int(count), values(families, PAUSES + "_sum")[None], buckets


def collection_counts(families) -> dict:
    return {k: int(v) for k, v in values(families, "jvm_gc_collection_seconds_count", "gc").items()}


def delta(after: dict, before: dict) -> dict:
    return {k: after[k] - before[k] for k in after}


def young_collections(jvm, n) -> int:
    """Lets the fixture allocate until n collections ran; returns the bytes it allocated."""
    answer = jvm.ask(f"young {n}").split()
    assert answer[:2] == ["young", "done"], answer
    return int(answer[2])


def check_allocation_counted(port, collector, families_before, allocated, patience=30.0):
    """Whatever the fixture allocated between the collections shows in its pool's allocated bytes
    (GC notifications arrive after the collection, so the last one may take a moment)."""
    name = "jvm_memory_pool_allocated_bytes_total"
    pool = EDEN[collector]
    before = values(families_before, name, "pool").get(pool, 0) if name in families_before else 0
    deadline = time.monotonic() + patience
    while True:
        families = parse_exposition(scrape(port).text)
        assert families[name].type_line == f"# TYPE {name} counter"
        assert all(s.labels[0][0] == "pool" and len(s.labels) == 1 for s in families[name].samples)
        grown = values(families, name, "pool").get(pool, 0) - before
        # the array whose allocation started the last collection lands after it
        if grown >= allocated - 2 * CHUNK or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert grown >= allocated - 2 * CHUNK, f"{pool}: {grown} bytes counted, the fixture allocated {allocated}"
    return families


def logged_pauses(gc_log: Path) -> int:
    """Pauses in a -Xlog:gc file ("GC(3) Pause Remark 1M->1M(14M) 0.857ms")."""
    return sum(" Pause " in line for line in gc_log.read_text().splitlines())


def check_pauses_counted(jvm, port, collector, families, gc_log):
    """Forces young and full (on G1: concurrent) collections and compares the pauses counted with
    the collectors' counts and, on G1, with the pauses in the GC log."""
    count0, sum0, _ = pause_histogram(families)
    gcs0, logged0 = collection_counts(families), logged_pauses(gc_log)
    allocated = young_collections(jvm, 4)
    families = check_allocation_counted(port, collector, families, allocated)
    count1, _, _ = pause_histogram(families)
    gcs1, logged1 = collection_counts(families), logged_pauses(gc_log)
    assert jvm.ask("gc 2") == "gc done"
    families = parse_exposition(scrape(port).text)
    count2, sum2, buckets = pause_histogram(families)
    gcs2, logged2 = collection_counts(families), logged_pauses(gc_log)
    young, full = count1 - count0, count2 - count1
    assert sum2 > sum0 and buckets[0][0] == "1.0E-4" and buckets[-2][0] == "10.0"
    if collector == "-XX:+UseSerialGC":
        # every collection is one pause of its own
        assert young == sum(delta(gcs1, gcs0).values()) >= 4
        assert full == sum(delta(gcs2, gcs1).values()) == 2
    elif collector == "-XX:+UseParallelGC":
        assert young == sum(delta(gcs1, gcs0).values()) >= 4
        # System.gc() scavenges first (ScavengeBeforeFullGC) inside the same pause: 2 collections, 1 pause
        assert delta(gcs2, gcs1) == {"PS Scavenge": 2, "PS MarkSweep": 2} and full == 2
    elif collector == "-XX:+UseG1GC":
        assert young == sum(delta(gcs1, gcs0).values()) == logged1 - logged0 >= 4
        # System.gc() runs a concurrent cycle here (G1_OPTIONS): its start (a young pause), remark
        # and cleanup pauses are all counted, as the GC log shows them; the MXBeans see one young GC
        assert delta(gcs2, gcs1) == {"G1 Young Generation": 2, "G1 Old Generation": 0}
        assert full == logged2 - logged1 == 6
    else:
        # ZGC posts the events for its pauses ("ZGC Pauses"); a cycle may start during a scrape
        pauses = delta(gcs2, gcs0)["ZGC Pauses"]
        assert pauses >= 3 and abs((count2 - count0) - pauses) <= 3, (count2 - count0, pauses)


# System.gc() as a concurrent cycle, so that G1's remark and cleanup pauses happen.
G1_OPTIONS = ("-XX:+ExplicitGCInvokesConcurrent",)

# The collectors' MXBean names, from the JDK (java.lang:type=GarbageCollector beans).
COLLECTORS = {
    "-XX:+UseSerialGC": {"Copy", "MarkSweepCompact"},
    "-XX:+UseParallelGC": {"PS Scavenge", "PS MarkSweep"},
    "-XX:+UseG1GC": {"G1 Young Generation", "G1 Old Generation"},
    "-XX:+UseZGC": {"ZGC Cycles", "ZGC Pauses"},
}

# Where new objects go, by collector (the fixture's 64 kB arrays are not humongous for G1).
EDEN = {"-XX:+UseSerialGC": "Eden Space", "-XX:+UseParallelGC": "PS Eden Space",
        "-XX:+UseG1GC": "G1 Eden Space", "-XX:+UseZGC": "ZHeap"}
CHUNK = 64 * 1024 + 16  # one array of the fixture's allocation loop, with its header

# Every family of §10 (text names) with its type and label names.
JVM_FAMILIES = {
    "jvm_threads_current": ("gauge", set()), "jvm_threads_daemon": ("gauge", set()),
    "jvm_threads_peak": ("gauge", set()), "jvm_threads_started_total": ("counter", set()),
    "jvm_threads_deadlocked": ("gauge", set()), "jvm_threads_deadlocked_monitor": ("gauge", set()),
    "jvm_threads_state": ("gauge", {"state"}),
    "jvm_buffer_pool_used_bytes": ("gauge", {"pool"}), "jvm_buffer_pool_capacity_bytes": ("gauge", {"pool"}),
    "jvm_buffer_pool_used_buffers": ("gauge", {"pool"}),
    "jvm_classes_currently_loaded": ("gauge", set()), "jvm_classes_loaded_total": ("counter", set()),
    "jvm_classes_unloaded_total": ("counter", set()),
    "jvm_compilation_time_seconds_total": ("counter", set()),
    "jvm_gc_collection_seconds": ("summary", {"gc"}),
    "jvm_memory_objects_pending_finalization": ("gauge", set()),
    **{f"jvm_memory_{p}_bytes": ("gauge", {"area"}) for p in ("used", "committed", "max", "init")},
    **{f"jvm_memory_pool_{p}_bytes": ("gauge", {"pool"}) for p in ("used", "committed", "max", "init")},
    **{f"jvm_memory_pool_collection_{p}_bytes": ("gauge", {"pool"}) for p in ("used", "committed", "max", "init")},
    "jvm_native_memory_reserved_bytes": ("gauge", {"pool"}), "jvm_native_memory_committed_bytes": ("gauge", {"pool"}),
    "jvm_runtime_info": ("gauge", {"runtime", "vendor", "version"}),
    "process_cpu_seconds_total": ("counter", set()), "process_start_time_seconds": ("gauge", set()),
    "process_open_fds": ("gauge", set()), "process_max_fds": ("gauge", set()),
    "process_virtual_memory_bytes": ("gauge", set()), "process_resident_memory_bytes": ("gauge", set()),
}


@pytest.mark.parametrize("collector", list(COLLECTORS))
def test_jvm_families_under_each_collector(launcher, tmp_path, collector):
    config = write_config(tmp_path / "config.yaml", HISTOGRAM_CONFIG)
    port = free_port()
    gc_log = tmp_path / "gc.log"
    jvm = launcher.start(DEBIAN_17, ["commands"], f"{port}:{config}", port=port, commands=True,
                         extra_options=(collector, NMT, f"-Xlog:gc:file={gc_log}",
                                        *(G1_OPTIONS if collector == "-XX:+UseG1GC" else ())))
    jvm.wait_until_serving()
    assert scrape(port).status == 200, jvm.describe()  # creates the MBean server, loads the shim
    families, before, after, proc_before, proc_after = read_around_scrape(jvm, port)

    for name, (kind, labels) in JVM_FAMILIES.items():
        family = families.get(name)
        assert family is not None, f"{name} missing under {collector}"
        assert family.type == kind, f"{name}: {family.type_line}"
        assert all({label for label, _ in s.labels} == labels for s in family.samples), name
    assert {dict(s.labels)["gc"] for s in families["jvm_gc_collection_seconds"].samples} == COLLECTORS[collector]
    check_values_against_the_jvm(families, before, after, proc_before, proc_after)
    check_native_memory(families, collector)
    check_pauses_counted(jvm, port, collector, families, gc_log)
    assert jvm.nativejmx_lines() == []


def test_pause_histogram_follows_the_config_and_is_off_by_default(launcher, tmp_path):
    config = write_config(tmp_path / "config.yaml", CATCH_ALL_CONFIG)
    port = free_port()
    jvm = launcher.start(DEBIAN_17, ["commands"], f"{port}:{config}", port=port,
                         extra_options=("-XX:+UseSerialGC",), commands=True)
    jvm.wait_until_serving()
    off = parse_exposition(scrape(port).text)
    assert PAUSES not in off
    assert "jvm_native_memory_reserved_bytes" not in off  # no Native Memory Tracking in this JVM

    write_config(config, HISTOGRAM_CONFIG)
    touch_later(config)
    on = parse_exposition(scrape(port).text)
    assert set(on) == set(off) | {PAUSES}, "switching the histogram on adds it and nothing else"
    counted, _, _ = pause_histogram(on)
    gcs = sum(collection_counts(on).values())
    assert jvm.ask("gc 2") == "gc done"
    on = parse_exposition(scrape(port).text)
    assert pause_histogram(on)[0] - counted == sum(collection_counts(on).values()) - gcs == 2

    write_config(config, CATCH_ALL_CONFIG)
    touch_later(config, 4)
    assert PAUSES not in parse_exposition(scrape(port).text)
    assert jvm.ask("gc 1") == "gc done"  # not counted: the events are off
    write_config(config, HISTOGRAM_CONFIG)
    touch_later(config, 6)
    again = parse_exposition(scrape(port).text)
    assert pause_histogram(again)[0] == pause_histogram(on)[0]
    assert jvm.nativejmx_lines() == []


def project_version() -> str:
    cmake = (Path(__file__).resolve().parents[2] / "CMakeLists.txt").read_text()
    return re.search(r"project\(nativejmx VERSION (\S+)", cmake).group(1)


def test_exclude_jvm_metrics_removes_jvm_families_and_beans_but_not_ours(launcher, tmp_path):
    config = write_config(tmp_path / "config.yaml", "excludeJvmMetrics: true\n" + HISTOGRAM_CONFIG)
    port = free_port()
    jvm = launcher.start(DEBIAN_17, ["until-file", str(tmp_path / "stop")], f"{port}:{config}", port=port,
                         extra_options=(NMT,))
    jvm.wait_until_serving()
    families = parse_exposition(scrape(port).text)
    names = set(families)
    assert not {n for n in names if n.startswith(("jvm_", "process_", "java_lang_", "java_nio_", "jdk_",
                                                  "com_sun_management_"))} - {PAUSES}, sorted(names)
    assert "nativejmx_test_Values_IntValue" in names  # fixture beans stay
    # asked for by name under nativejmx:, so excludeJvmMetrics leaves it (README)
    assert PAUSES in names
    build_info = families["jmx_exporter_build_info"]
    assert build_info.type_line == "# TYPE jmx_exporter_build_info gauge"
    assert [dict(s.labels) for s in build_info.samples] == [{"name": "nativejmx", "version": project_version()}]
    for name in ("jmx_config_reload_success_total", "jmx_config_reload_failure_total", "jmx_scrape_duration_seconds",
                 "jmx_scrape_error", "jmx_scrape_cached_beans"):
        assert name in names, name
    assert jvm.nativejmx_lines() == []
