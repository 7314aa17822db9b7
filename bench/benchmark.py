"""make bench: what the agent costs on a Kafka-broker-shaped JVM, against the same JVM without
it and against the floor (the same beans read by a pure-Java walk, in-process).

For each size T x P and each config: cold and warm scrape latency, JVM CPU per scrape (all
threads), RSS, heap retained after a full GC, classes added, response bytes, the ratios to the
floor; once: the start-up time the agent adds to a trivial main. Prints a table and one JSON
line. BENCH_QUICK=1: smaller sizes and fewer repetitions, for iteration."""

import json
import os
import platform
import resource
import re
import signal
import socket
import statistics
import subprocess
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

AGENT = os.environ["NJ_AGENT"]
CLASSES = os.environ["NJ_BENCH_CLASSES"]
WORK = Path(os.environ["NJ_BENCH_DIR"])
STRIMZI = Path(os.environ.get("NJ_BENCH_STRIMZI",
                              Path(__file__).resolve().parents[2] / "shared/realworld/strimzi-kafka-metrics-config.yml"))
JAVA = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"
QUICK = os.environ.get("BENCH_QUICK") == "1"
MAIN = "nativejmx.bench.KafkaBroker"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# (topics, partitions, warm-up scrapes, measured scrapes)
# Enough warm-up for the JIT to finish: compilation in the measured scrapes would be counted.
SIZES = [(10, 10, 5, 20), (100, 20, 5, 15)] if QUICK else [(10, 10, 20, 40), (100, 20, 15, 30), (300, 30, 6, 10)]
START_UP_RUNS = 5 if QUICK else 25
JVM_OPTIONS = ["-Xmx1g"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def median(values):
    return statistics.median(values)


def p90(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


# ------------------------------------------------------------------ start-up

def start_up_seconds(extra):
    """Wall seconds of a trivial main, and the CPU seconds it took (all threads)."""
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run([JAVA, *extra, "-cp", CLASSES, "Hello"], capture_output=True, check=True)
    wall = time.perf_counter() - began
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, cpu_after.ru_utime + cpu_after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime


def start_up(config):
    agent_flag = [f"-agentpath:{AGENT}={free_port()}:{config}"]
    for _ in range(3):  # warm the page cache and the CDS archive for both
        start_up_seconds([])
        start_up_seconds(agent_flag)
    without, with_agent = [], []
    for _ in range(START_UP_RUNS):  # interleaved, so drift hits both alike
        without.append(start_up_seconds([]))
        with_agent.append(start_up_seconds(agent_flag))

    def ms(runs, part):
        return median(run[part] for run in runs) * 1000
    return {"startup_ms_without_agent": round(ms(without, 0), 1),
            "startup_ms_with_agent": round(ms(with_agent, 0), 1),
            "startup_ms_added": round(ms(with_agent, 0) - ms(without, 0), 1),
            "startup_cpu_ms_added": round(ms(with_agent, 1) - ms(without, 1), 1)}


# ------------------------------------------------------------------ one broker JVM

class Broker:
    """A KafkaBroker JVM, talked to through stdin/stdout, its class loading logged to a file."""

    def __init__(self, name, topics, partitions, agent_argument=None, app_args=()):
        self.class_log = WORK / f"{name}.classes"
        command = [JAVA, *JVM_OPTIONS, f"-Xlog:class+load=info,gc+heap+coops=debug:file={self.class_log}"]
        if agent_argument:
            command.append(f"-agentpath:{AGENT}={agent_argument}")
        command += ["-cp", CLASSES, MAIN, "--topics", str(topics), "--partitions", str(partitions), *app_args]
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=open(WORK / f"{name}.err", "w"), text=True, start_new_session=True)
        ready = self.proc.stdout.readline()
        match = re.match(r"kafka-broker: ready (\d+) beans", ready)
        if not match:
            raise RuntimeError(f"{name}: the broker did not start: {ready!r}; see {WORK / (name + '.err')}")
        self.beans = int(match.group(1))

    def json_line(self, key):
        line = self.proc.stdout.readline()
        return json.loads(line)[key]

    def stats(self):
        """Heap used and committed after a full GC and classes loaded (from the JVM); RSS, and
        the part of it outside the Java heap (from /proc), once G1 has returned what it shrank."""
        self.proc.stdin.write("stats\n")
        self.proc.stdin.flush()
        result = self.json_line("stats")
        time.sleep(2)   # G1 uncommits concurrently after the full GC
        heap_start, heap_end = self.heap_range()
        rss = heap_rss = 0
        for line in Path(f"/proc/{self.proc.pid}/smaps").read_text().splitlines():
            mapping = re.match(r"([0-9a-f]+)-([0-9a-f]+) ", line)
            if mapping:
                start, end = int(mapping.group(1), 16), int(mapping.group(2), 16)
                in_heap = start < heap_end and end > heap_start
            elif line.startswith("Rss:"):
                kib = int(line.split()[1])
                rss += kib * 1024
                heap_rss += kib * 1024 if in_heap else 0
        result["rss_bytes"] = rss
        result["native_rss_bytes"] = rss - heap_rss
        return result

    def heap_range(self):
        match = re.search(r"Heap address: 0x([0-9a-f]+), size: (\d+) MB", self.class_log.read_text())
        start = int(match.group(1), 16)
        return start, start + int(match.group(2)) * 2**20

    def cpu_seconds(self):
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS   # utime + stime, all threads

    def classes(self):
        """Class names loaded, and those the agent defined itself (JNI DefineClass)."""
        names, defined = set(), set()
        for line in self.class_log.read_text().splitlines():
            match = re.search(r"\[class,load\s*\] (\S+)( source: .*)?$", line)
            if not match:
                continue
            name = re.sub(r"(\$\d+)?/0x[0-9a-f]+$", "", match.group(1))   # hidden classes: no stable name
            names.add(name)
            if match.group(2) is None:   # JNI DefineClass from bytes (the agent's java-shim)
                defined.add(name)
        return names, defined

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)


def scrape(port):
    began = time.perf_counter()
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=600).read()
    return time.perf_counter() - began, body


def wait_for_port(port):
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the agent does not listen on {port}")


# ------------------------------------------------------------------ per size

def floor_run(topics, partitions, warmup, measured):
    broker = Broker(f"floor-{topics}x{partitions}", topics, partitions, app_args=("--floor", str(1 + warmup + measured)))
    try:
        walks = broker.json_line("floor")
        stats = broker.stats()
        names, _ = broker.classes()
    finally:
        broker.stop()
    warm_wall = walks["wall_ms"][1 + warmup:]
    warm_cpu = walks["cpu_ms"][1 + warmup:]
    return {"beans": broker.beans, "values": walks["values"], "first_ms": walks["wall_ms"][0],
            "warm_ms_median": median(warm_wall), "warm_ms_p90": p90(warm_wall),
            "cpu_ms_per_walk": sum(warm_cpu) / len(warm_cpu), "stats": stats}, names


def idle_run(topics, partitions):
    broker = Broker(f"idle-{topics}x{partitions}", topics, partitions)
    try:
        return broker.stats()
    finally:
        broker.stop()


def agent_run(name, config, topics, partitions, warmup, measured):
    port = free_port()
    broker = Broker(f"agent-{name}-{topics}x{partitions}", topics, partitions, agent_argument=f"{port}:{config}")
    try:
        wait_for_port(port)
        first, body = scrape(port)
        for _ in range(warmup):
            scrape(port)
        cpu_before = broker.cpu_seconds()
        warm = [scrape(port)[0] for _ in range(measured)]
        cpu = (broker.cpu_seconds() - cpu_before) / measured
        time.sleep(1)
        cpu_idle_before = broker.cpu_seconds()
        time.sleep(3)  # nothing should run between scrapes
        idle_cpu = broker.cpu_seconds() - cpu_idle_before
        stats = broker.stats()
        names, defined = broker.classes()
    finally:
        broker.stop()
    return {"first_ms": first * 1000, "warm_ms_median": median(warm) * 1000, "warm_ms_p90": p90(warm) * 1000,
            "cpu_ms_per_scrape": cpu * 1000, "idle_cpu_ms_per_3s": idle_cpu * 1000, "response_bytes": len(body),
            "series": sum(1 for line in body.splitlines() if line and not line.startswith(b"#")),
            "stats": stats}, names, defined


def measure_size(topics, partitions, warmup, measured, configs):
    floor, floor_classes = floor_run(topics, partitions, warmup, measured)
    idle = idle_run(topics, partitions)
    rows = []
    for name, config in configs.items():
        agent, names, defined = agent_run(name, config, topics, partitions, warmup, measured)
        jdk_extra = sorted(n for n in names - floor_classes - defined if not n.startswith("nativejmx.bench."))
        rows.append({
            "size": f"{topics}x{partitions}", "config": name, "beans": floor["beans"],
            "first_scrape_ms": round(agent["first_ms"], 1),
            "floor_first_walk_ms": round(floor["first_ms"], 1),
            "first_ratio": round(agent["first_ms"] / floor["first_ms"], 2),
            "warm_scrape_ms_median": round(agent["warm_ms_median"], 1),
            "warm_scrape_ms_p90": round(agent["warm_ms_p90"], 1),
            "floor_walk_ms_median": round(floor["warm_ms_median"], 1),
            "floor_walk_ms_p90": round(floor["warm_ms_p90"], 1),
            "warm_ratio": round(agent["warm_ms_median"] / floor["warm_ms_median"], 2),
            "cpu_ms_per_scrape": round(agent["cpu_ms_per_scrape"], 1),
            "floor_cpu_ms_per_walk": round(floor["cpu_ms_per_walk"], 1),
            "cpu_ratio": round(agent["cpu_ms_per_scrape"] / floor["cpu_ms_per_walk"], 2)
            if floor["cpu_ms_per_walk"] > 0 else None,
            "us_per_bean_warm": round(agent["warm_ms_median"] * 1000 / floor["beans"], 2),
            "idle_cpu_ms_per_3s": round(agent["idle_cpu_ms_per_3s"], 1),
            "rss_added_mb": round((agent["stats"]["rss_bytes"] - idle["rss_bytes"]) / 2**20, 1),
            "rss_added_vs_floor_mb": round((agent["stats"]["rss_bytes"] - floor["stats"]["rss_bytes"]) / 2**20, 1),
            "native_rss_added_mb": round((agent["stats"]["native_rss_bytes"] - idle["native_rss_bytes"]) / 2**20, 1),
            "floor_native_rss_added_mb": round(
                (floor["stats"]["native_rss_bytes"] - idle["native_rss_bytes"]) / 2**20, 1),
            "heap_committed_added_mb": round(
                (agent["stats"]["heap_committed_bytes"] - idle["heap_committed_bytes"]) / 2**20, 1),
            "floor_heap_committed_added_mb": round(
                (floor["stats"]["heap_committed_bytes"] - idle["heap_committed_bytes"]) / 2**20, 1),
            "heap_retained_kb": round((agent["stats"]["heap_used_bytes"] - idle["heap_used_bytes"]) / 1024),
            "floor_heap_retained_kb": round((floor["stats"]["heap_used_bytes"] - idle["heap_used_bytes"]) / 1024),
            "classes_defined_by_agent": len(defined),
            "classes_defined_by_agent_names": sorted(defined),
            "jdk_classes_beyond_floor": len(jdk_extra),
            "jdk_classes_beyond_floor_names": jdk_extra,
            "classes_added_vs_idle": agent["stats"]["loaded_classes"] - idle["loaded_classes"],
            "floor_classes_added_vs_idle": floor["stats"]["loaded_classes"] - idle["loaded_classes"],
            "response_bytes": agent["response_bytes"],
            "series": agent["series"],
        })
        print(f"  {topics}x{partitions} {name}: done", flush=True)
    return rows


COLUMNS = [  # (heading, key)
    ("size", "size"), ("config", "config"), ("beans", "beans"),
    ("first ms", "first_scrape_ms"), ("floor first", "floor_first_walk_ms"), ("x", "first_ratio"),
    ("warm ms med", "warm_scrape_ms_median"), ("p90", "warm_scrape_ms_p90"),
    ("floor med", "floor_walk_ms_median"), ("p90", "floor_walk_ms_p90"), ("x", "warm_ratio"),
    ("cpu ms/scrape", "cpu_ms_per_scrape"), ("floor cpu", "floor_cpu_ms_per_walk"), ("x", "cpu_ratio"),
    ("us/bean", "us_per_bean_warm"), ("RSS+ MB", "rss_added_mb"),
    ("of it outside heap", "native_rss_added_mb"), ("floor's", "floor_native_rss_added_mb"),
    ("heap+ kB", "heap_retained_kb"),
    ("own classes", "classes_defined_by_agent"), ("JDK beyond floor", "jdk_classes_beyond_floor"),
    ("classes+", "classes_added_vs_idle"), ("bytes", "response_bytes"), ("series", "series"),
    ("idle cpu ms/3s", "idle_cpu_ms_per_3s"),
]


def print_table(rows):
    print("| " + " | ".join(h for h, _ in COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for _, k in COLUMNS) + " |")


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    catch_all = WORK / "catch-all.yaml"
    catch_all.write_text('rules: [{pattern: ".*"}]\n')
    configs = {"strimzi": STRIMZI, "catch-all": catch_all}
    load = os.getloadavg()[0]
    result = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {load:.1f} at start",
              "java": JAVA, "quick": QUICK, "agent_bytes": os.path.getsize(AGENT)}
    result.update(start_up(catch_all))
    print(f"start-up: {result['startup_ms_without_agent']} ms without, {result['startup_ms_with_agent']} ms with "
          f"the agent (+{result['startup_ms_added']} ms)", flush=True)
    rows = []
    for topics, partitions, warmup, measured in SIZES:
        rows += measure_size(topics, partitions, warmup, measured, configs)
    result["rows"] = rows
    print(f"{result['date']}, {result['machine']}, {JAVA}")
    print(f"start-up added: {result['startup_ms_added']} ms "
          f"({result['startup_ms_without_agent']} -> {result['startup_ms_with_agent']} ms, median of {START_UP_RUNS}); "
          f"CPU added: {result['startup_cpu_ms_added']} ms")
    print_table(rows)
    (WORK / "result.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
