"""The three ways to load the agent all serve /metrics (design.md "Promise")."""

import subprocess
from pathlib import Path

import pytest

from harness import (CATCH_ALL_CONFIG, FIXTURE_READY, JDKS, TEXT_CONTENT_TYPE, clean_env, free_port,
                     scrape, write_config)

# A fixture bean and a JVM metric: both halves of the output are there.
EXPECTED_SERIES = ("\nnativejmx_test_Values_IntValue 42.0\n", "\njvm_threads_current ")


def assert_serves_metrics(jvm):
    jvm.wait_until_serving()
    resp = scrape(jvm.port)
    assert resp.status == 200, jvm.describe()
    assert resp.header("Content-Type") == TEXT_CONTENT_TYPE
    for series in EXPECTED_SERIES:
        assert series in resp.text, f"{series.strip()!r} missing from /metrics" + jvm.describe()


@pytest.mark.parametrize("jdk", JDKS, ids=str)
@pytest.mark.parametrize("via", ["agentpath", "java_tool_options"])
def test_agent_on_command_line_serves_metrics(launcher, tmp_path, jdk, via):
    config = write_config(tmp_path / "config.yaml", CATCH_ALL_CONFIG)
    port = free_port()
    jvm = launcher.start(jdk, ["until-file", str(tmp_path / "stop")], f"{port}:{config}", via=via, port=port)
    assert_serves_metrics(jvm)


@pytest.mark.parametrize("jdk", [j for j in JDKS if j.has_tool("jcmd")], ids=str)
def test_agent_attached_with_jcmd_serves_metrics(launcher, tmp_path, jdk):
    # The GC pause histogram's JVMTI capability can be added in the live phase too.
    config = write_config(tmp_path / "config.yaml", CATCH_ALL_CONFIG + "nativejmx:\n  gcPauseHistogram: true\n")
    port = free_port()
    jvm = launcher.start(jdk, ["until-file", str(tmp_path / "stop")], port=port)
    jvm.wait_for_stdout(FIXTURE_READY)
    result = subprocess.run([jdk.tool("jcmd"), str(jvm.pid), "JVMTI.agent_load", str(launcher.agent),
                             f"{port}:{config}"], capture_output=True, text=True, env=clean_env(), timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "return code: 0" in result.stdout, result.stdout + result.stderr
    assert_serves_metrics(jvm)
    assert '\njvm_gc_stw_pause_seconds_bucket{le="+Inf"} ' in scrape(jvm.port).text
    assert jvm.nativejmx_lines() == []


@pytest.mark.parametrize("jdk", JDKS, ids=str)
def test_agent_defines_only_the_classes_a_plain_http_scrape_needs(launcher, tmp_path, jdk):
    """The java-shim's Walker and AllocationCounter; the key store reader only with HTTPS
    (test_tls.py scrapes with it). -Xlog:class+load names every class the JVM defines."""
    config = write_config(tmp_path / "config.yaml", CATCH_ALL_CONFIG)
    port = free_port()
    log = tmp_path / "classes.log"
    jvm = launcher.start(jdk, ["until-file", str(tmp_path / "stop")], f"{port}:{config}", port=port,
                         extra_options=(f"-Xlog:class+load=info:file={log}",))
    assert_serves_metrics(jvm)
    ours = {line.split("] ", 1)[1].split()[0] for line in log.read_text().splitlines()
            if "nativejmx.shim." in line and "] " in line}
    assert ours == {"nativejmx.shim.Walker", "nativejmx.shim.AllocationCounter"}, jvm.describe()


def test_the_agents_threads_carry_their_names_in_the_os(launcher, tmp_path):
    """top -H and perf show a thread's OS name, which takes at most 15 characters: a longer one
    is refused and the thread keeps its creator's. The start-up thread is gone once serving."""
    config = write_config(tmp_path / "config.yaml", CATCH_ALL_CONFIG)
    port = free_port()
    jvm = launcher.start(JDKS[0], ["until-file", str(tmp_path / "stop")], f"{port}:{config}", port=port)
    assert_serves_metrics(jvm)
    names = set()
    for comm in Path(f"/proc/{jvm.pid}/task").glob("*/comm"):
        try:
            names.add(comm.read_text().strip())
        except OSError:
            continue   # a thread that ended meanwhile
    ours = {name for name in names if name.startswith("nativejmx")}
    assert {"nativejmx-walk", "nativejmx-http"} <= ours, ours
    assert ours <= {"nativejmx-walk", "nativejmx-http"}, ours
