"""Helpers of the end-to-end tests: the agent inside a real server, config swaps, a real
Prometheus that scrapes it, and the Debian packages the tests need."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

import harness

RULES = harness.REPO / "rules"
UPSTREAM_EXAMPLES = Path("/work/shared/realworld/jmx_exporter-examples")

# Servers start slowly on a loaded 2-core machine: generous, never asserted as timings.
START_TIMEOUT = 240.0
SCRAPE_TIMEOUT = 60.0


def require_packages(*packages: str) -> None:
    """Skips the module when a Debian package is missing (scripts/install-deps.sh installs them)."""
    missing = [p for p in packages if subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True).stdout != "install ok installed"]
    if missing:
        pytest.skip(f"Debian package(s) {', '.join(missing)} not installed: run scripts/install-deps.sh",
                    allow_module_level=True)


def wait_until(condition, what: str, timeout: float, process: harness.Jvm | None = None, poll: float = 0.5):
    """Polls `condition()` until it returns a true value, which is returned."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            result = condition()
            if result:
                return result
        except (OSError, AssertionError, ValueError) as e:  # not up yet, or a half-written answer
            last_error = e
        if process is not None and not process.alive():
            raise AssertionError(f"process exited while waiting for {what}" + process.describe())
        if time.monotonic() > deadline:
            detail = process.describe() if process is not None else ""
            raise AssertionError(f"{what}: not within {timeout} s (last error: {last_error}){detail}")
        time.sleep(poll)


def sample_value(families: dict[str, harness.Family], name: str, **labels: str) -> float | None:
    """The value of the first sample `name` whose labels include `labels`, or None."""
    for family in families.values():
        for sample in family.samples:
            if sample.name == name and labels.items() <= dict(sample.labels).items():
                return float(sample.value)
    return None


def http_status(host: str, port: int, path: str) -> int:
    """The status of one GET (the body is read and dropped)."""
    return harness.scrape(port, path, host=host, timeout=SCRAPE_TIMEOUT).status


def counter_sample_name(rule_name: str) -> str:
    """The exposed name of a COUNTER rule's metric: client_java adds `_total` when missing."""
    return rule_name if rule_name.endswith("_total") else rule_name + "_total"


@dataclass
class AgentInServer:
    """The agent loaded into a running server, reading `config` and serving on `port`."""
    process: harness.Jvm
    port: int
    config: Path
    config_changes: int = 0

    def families(self) -> dict[str, harness.Family]:
        response = harness.scrape(self.port, timeout=SCRAPE_TIMEOUT)
        assert response.status == 200, f"/metrics answered {response.status}: {response.text[:500]}"
        return harness.parse_exposition(response.text)

    def wait_for(self, condition, what: str, timeout: float = START_TIMEOUT) -> dict[str, harness.Family]:
        """Scrapes until `condition(families)` holds; returns that scrape."""
        def scrape_and_check():
            families = self.families()
            return families if condition(families) else None
        return wait_until(scrape_and_check, what, timeout, self.process)

    def write_config(self, text: str) -> None:
        """Replaces the config file; its mtime moves forward so the agent's reload sees it."""
        self.config.write_text(text)
        self.config_changes += 1
        harness.touch_later(self.config, seconds=2.0 * self.config_changes)

    @contextmanager
    def config_swapped(self, text: str):
        """Serves `text` as the config inside the block, then the original again."""
        original = self.config.read_text()
        self.write_config(text)
        try:
            yield
        finally:
            self.write_config(original)


def start_agent_config(workdir: Path, rules_file: Path) -> Path:
    """A copy of a rule set in the test's directory (tests rewrite it to switch configs)."""
    config = workdir / "agent-config.yaml"
    shutil.copyfile(rules_file, config)
    return config


def agent_option(agent: Path, port: int, config: Path) -> str:
    return f"-agentpath:{agent}={port}:{config}"


def jdk17_env(**extra: str) -> dict[str, str]:
    """A clean environment whose Java is Debian's OpenJDK 17 (the server tests run on 17 only)."""
    env = harness.clean_env(JAVA_HOME=str(harness.DEBIAN_17.home), **extra)
    env["PATH"] = f"{harness.DEBIAN_17.home / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"
    return env


class Prometheus:
    """Debian's Prometheus on 127.0.0.1, scraping one target every 2 s, queried via its API."""

    def __init__(self, processes: harness.JvmLauncher, job: str, target_port: int):
        self.port = harness.free_port()
        workdir = processes.workdir / f"prometheus-{job}"
        workdir.mkdir()
        config = workdir / "prometheus.yml"
        config.write_text(
            "global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\n"
            f"scrape_configs:\n  - job_name: {job}\n"
            f"    static_configs:\n      - targets: ['127.0.0.1:{target_port}']\n")
        self.process = processes.spawn(
            ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={workdir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            harness.clean_env(), name="prometheus", port=self.port, cwd=workdir)

    def query(self, expr: str) -> list[dict]:
        url = f"http://127.0.0.1:{self.port}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
        with urllib.request.urlopen(url, timeout=30) as response:
            answer = json.load(response)
        assert answer["status"] == "success", answer
        return answer["data"]["result"]

    def wait_for_series(self, expr: str, timeout: float = START_TIMEOUT) -> list[dict]:
        """Waits until the instant query `expr` returns at least one series."""
        return wait_until(lambda: self.query(expr), f"Prometheus query {expr!r}", timeout, self.process)


def assert_prometheus_scrapes(processes: harness.JvmLauncher, job: str, agent: AgentInServer,
                              queries: list[str]) -> None:
    """A real Prometheus scrapes the agent: `up` is 1 and every query returns series."""
    prometheus = Prometheus(processes, job, agent.port)
    up = prometheus.wait_for_series(f'up{{job="{job}"}} == 1')
    assert up[0]["metric"]["instance"] == f"127.0.0.1:{agent.port}"
    for expr in queries:
        assert prometheus.wait_for_series(expr), expr
