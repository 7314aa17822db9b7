"""JVM start-up time added by the agent (median of many runs of a trivial main) and the scrape
time of a default JVM (first and warm). Prints a table and one JSON line."""

import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

AGENT = os.environ["NJ_AGENT"]
CLASSES = os.environ["NJ_BENCH_CLASSES"]
WORK = Path(os.environ["NJ_BENCH_DIR"])
JAVA = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"
RUNS = int(os.environ.get("NJ_BENCH_RUNS", "20"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_up_seconds(extra):
    began = time.perf_counter()
    subprocess.run([JAVA, *extra, "-cp", CLASSES, "Hello"], capture_output=True, check=True)
    return time.perf_counter() - began


def scrape(port):
    began = time.perf_counter()
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30).read()
    return time.perf_counter() - began, len(body)


def main():
    config = WORK / "catch-all.yaml"
    config.write_text('rules: [{pattern: ".*"}]\n')
    agent_flag = [f"-agentpath:{AGENT}={free_port()}:{config}"]
    for _ in range(3):  # warm the page cache and CDS archive for both
        start_up_seconds([])
        start_up_seconds(agent_flag)
    without, with_agent = [], []
    for _ in range(RUNS):  # interleaved, so drift hits both alike
        without.append(start_up_seconds([]))
        with_agent.append(start_up_seconds(agent_flag))

    port = free_port()
    jvm = subprocess.Popen([JAVA, f"-agentpath:{AGENT}={port}:{config}", "-cp", CLASSES, "Idle"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        jvm.stdout.readline()
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        first, size = scrape(port)
        for _ in range(20):
            scrape(port)
        warm = sorted(scrape(port)[0] for _ in range(50))
    finally:
        jvm.send_signal(signal.SIGTERM)
        jvm.wait(timeout=30)

    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "java": JAVA,
        "startup_ms_without_agent": round(statistics.median(without) * 1000, 1),
        "startup_ms_with_agent": round(statistics.median(with_agent) * 1000, 1),
        "startup_ms_added": round((statistics.median(with_agent) - statistics.median(without)) * 1000, 1),
        "default_jvm_first_scrape_ms": round(first * 1000, 1),
        "default_jvm_warm_scrape_ms_median": round(statistics.median(warm) * 1000, 2),
        "default_jvm_warm_scrape_ms_p90": round(warm[int(len(warm) * 0.9)] * 1000, 2),
        "default_jvm_response_bytes": size,
        "agent_bytes": os.path.getsize(AGENT),
    }
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
