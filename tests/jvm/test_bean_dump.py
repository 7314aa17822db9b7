"""The bean dump (nativejmx.beanDump, docs/bean-dump.md) from a real JVM, and nativejmx-check's dry
run against it: for the beans of one scrape, the checker prints exactly the JMX series the agent
served in that scrape (the JVM, process and self families are not in the dump). /beans is refused
without authentication, while /metrics is served as usual."""

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from harness import DEBIAN_17, JDKS, REPO, free_port, parse_exposition, scrape, write_config

RULES = r"""lowercaseOutputName: true
rules:
  - pattern: 'nativejmx.test<type=Values><>(\w+)Value: (.*)'
    name: fixture_$1
    type: GAUGE
    labels:
      text: "$2"
  - pattern: ".*"
"""

# Families the dump does not carry: client_java's JVM and process families, the self metrics.
NOT_IN_DUMP = ("jvm_", "process_", "jmx_scrape_", "jmx_config_reload_", "jmx_exporter_build")


def checker() -> Path:
    build = Path(os.environ.get("NJ_BUILD", REPO / "build"))
    path = build / "native" / "nativejmx-check"
    assert path.is_file(), f"{path} is not built"
    return path


def run_checker(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(checker()), *map(str, args)], capture_output=True, text=True, timeout=300)


def jmx_families(body: str) -> list[tuple]:
    families = parse_exposition(body)
    return [(f.name, f.help_line, f.type_line, f.sample_lines()) for f in families.values()
            if not f.name.startswith(NOT_IN_DUMP)]


@pytest.mark.parametrize("jdk", JDKS, ids=str)
def test_dry_run_of_the_dumped_beans_equals_the_agents_series(launcher, tmp_path, jdk):
    dump = tmp_path / "dumps" / "beans.json"
    dump.parent.mkdir()
    config = write_config(tmp_path / "config.yaml", RULES + f"nativejmx:\n  beanDump:\n    file: {dump}\n")
    port = free_port()
    jvm = launcher.start(jdk, ["until-file", str(tmp_path / "stop")], f"{port}:{config}", port=port)
    jvm.wait_until_serving()

    served = scrape(port)
    assert served.status == 200, jvm.describe()
    assert dump.is_file(), jvm.describe()
    assert dump.stat().st_mode & 0o777 == 0o600  # String values: for the JVM's user only
    expected = jmx_families(served.text)
    assert any(name == "fixture_int" for name, *_ in expected), served.text  # the rule did match something

    result = run_checker(config, "--beans", dump)
    assert result.returncode == 0, result.stderr
    assert jmx_families(result.stdout) == expected

    # The dump says which rule decided each value, from the pattern input the agent built.
    matches = {m["input"]: m["rule"] for m in json.loads(dump.read_text())["matches"]}
    assert matches["nativejmx.test<type=Values><>IntValue: 42"] == 0
    assert matches["nativejmx.test<type=Values><>Enabled: true"] == 1

    explained = run_checker(config, "--beans", dump, "--explain", "nativejmx.test<type=Values><>IntValue")
    assert explained.returncode == 0, explained.stderr
    assert "    groups: $1=\"Int\" $2=\"42\"\n" in explained.stdout, explained.stdout
    assert "    series: fixture_int{text=\"42\"} 42.0 (gauge" in explained.stdout, explained.stdout
    assert not [line for line in jvm.nativejmx_lines() if "beanDump" in line], jvm.describe()


def test_bean_dump_file_is_written_without_any_scrape(launcher, tmp_path):
    """A pod without a reachable port: nothing scrapes, yet the file appears and stays fresh."""
    dump = tmp_path / "beans.json"
    config = write_config(tmp_path / "config.yaml",
                          RULES + f"nativejmx:\n  beanDump:\n    file: {dump}\n    refreshSeconds: 1\n")
    port = free_port()
    jvm = launcher.start(DEBIAN_17, ["until-file", str(tmp_path / "stop")], f"{port}:{config}", port=port)
    jvm.wait_until_serving()
    deadline = time.monotonic() + 60
    while not (dump.is_file() and "nativejmx.test" in dump.read_text()):
        assert jvm.alive() and time.monotonic() < deadline, jvm.describe()
        time.sleep(0.2)
    result = run_checker(config, "--beans", dump)
    assert result.returncode == 0, result.stderr
    assert 'fixture_int{text="42"} 42.0' in result.stdout


def test_bean_dump_file_that_cannot_be_written_is_one_log_line(launcher, tmp_path):
    dump = tmp_path / "missing-directory" / "beans.json"
    config = write_config(tmp_path / "config.yaml", RULES + f"nativejmx:\n  beanDump:\n    file: {dump}\n")
    port = free_port()
    jvm = launcher.start(DEBIAN_17, ["until-file", str(tmp_path / "stop")], f"{port}:{config}", port=port)
    jvm.wait_until_serving()
    for _ in range(2):
        assert scrape(port).status == 200, jvm.describe()
    lines = [line for line in jvm.nativejmx_lines() if "beanDump.file" in line]
    assert len(lines) == 1, jvm.describe()
    assert f"cannot write {dump}.tmp: No such file or directory" in lines[0]
    assert jvm.alive()


def test_beans_endpoint_without_authentication_is_refused_and_metrics_are_served(launcher, tmp_path):
    config = write_config(tmp_path / "config.yaml", RULES + "nativejmx:\n  beanDump:\n    endpoint: true\n")
    port = free_port()
    jvm = launcher.start(DEBIAN_17, ["until-file", str(tmp_path / "stop")], f"{port}:{config}", port=port)
    jvm.wait_until_serving()

    refused = scrape(port, "/beans")
    assert refused.status == 403, jvm.describe()
    assert "httpServer.authentication" in refused.text
    assert "nativejmx.test" not in refused.text

    metrics = scrape(port)
    assert metrics.status == 200, jvm.describe()
    assert "fixture_int{text=\"42\"} 42.0" in metrics.text

    lines = [line for line in jvm.nativejmx_lines() if "beanDump" in line]
    assert len(lines) == 1, jvm.describe()
    assert "/beans answers 403" in lines[0]
