"""Where the agent must stay out of the way (design.md "Deliberate differences"):
JDK tools started under the same JAVA_TOOL_OPTIONS, and a JVM that also loads the real
jmx_prometheus_javaagent."""

import subprocess

import pytest

from harness import (CATCH_ALL_CONFIG, DEBIAN_17, FIXTURE_MAIN, FIXTURE_MAIN_RETURNS, FIXTURE_READY, JDKS, LOG_PREFIX,
                     clean_env, free_port, listening_tcp_ports, port_accepts, run_watching_port, write_config)

TOOLS = {
    "jcmd": (["jcmd", "-l"], b""),
    "jps": (["jps"], b""),
    "jstat": (["jstat", "-help"], b""),
    "jinfo": (["jinfo", "-h"], b""),
    "keytool": (["keytool", "-help"], b""),
    "javac": (["javac", "-version"], b""),
    "jshell": (["jshell"], b"/exit\n"),  # also starts a second JVM (its execution engine)
}


def tool_env(launcher, tmp_path):
    config = write_config(tmp_path / "config.yaml", CATCH_ALL_CONFIG)
    port = free_port()
    return port, clean_env(JAVA_TOOL_OPTIONS=launcher.agent_option(f"{port}:{config}"))


@pytest.mark.parametrize("jdk", JDKS, ids=str)
def test_application_under_same_options_does_serve(launcher, tmp_path, jdk):
    # The control for the tool tests: the same JAVA_TOOL_OPTIONS do start the agent in an application.
    port, env = tool_env(launcher, tmp_path)
    command = [jdk.tool("java"), "-cp", str(launcher.classes), FIXTURE_MAIN, "sleep", "2"]
    result, bound = run_watching_port(command, port, env, tmp_path)
    assert bound, "the agent did not serve in an application: the tool tests would prove nothing"
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("tool", list(TOOLS))
@pytest.mark.parametrize("jdk", JDKS, ids=str)
def test_jdk_tool_stays_inert_and_silent(launcher, tmp_path, jdk, tool):
    args, stdin = TOOLS[tool]
    if not jdk.has_tool(args[0]):
        pytest.skip(f"{jdk} has no {args[0]}")
    port, env = tool_env(launcher, tmp_path)
    result, bound = run_watching_port([jdk.tool(args[0]), *args[1:]], port, env, tmp_path, stdin=stdin)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not bound, f"{tool} bound the agent's port {port}"
    assert "Picked up JAVA_TOOL_OPTIONS" in result.stderr, "the tool did not see the agent option"
    assert LOG_PREFIX.strip() not in result.stdout + result.stderr, result.stdout + result.stderr


def build_fake_javaagent(jdk, directory):
    """A jar named like the real javaagent whose premain does nothing."""
    src = directory / "src" / "Premain.java"
    src.parent.mkdir(parents=True)
    src.write_text("package fake; public final class Premain {"
                   " public static void premain(String args) {} }\n")
    classes = directory / "classes"
    subprocess.run([jdk.tool("javac"), "--release", "11", "-d", str(classes), str(src)], check=True, env=clean_env())
    manifest = directory / "manifest.txt"
    manifest.write_text("Premain-Class: fake.Premain\n")
    jar = directory / "jmx_prometheus_javaagent-1.6.0.jar"
    subprocess.run([jdk.tool("jar"), "--create", "--file", str(jar), "--manifest", str(manifest),
                    "-C", str(classes), "."], check=True, env=clean_env())
    return jar


@pytest.mark.parametrize("javaagent_first", [True, False], ids=["javaagent_first", "agentpath_first"])
def test_stays_inert_next_to_jmx_prometheus_javaagent(launcher, tmp_path, javaagent_first):
    # Binding first would make the real javaagent fail to bind and System.exit(1) the JVM.
    jar = build_fake_javaagent(DEBIAN_17, tmp_path / "fake")
    config = write_config(tmp_path / "config.yaml", CATCH_ALL_CONFIG)
    port, javaagent_port = free_port(), free_port()
    javaagent = f"-javaagent:{jar}={javaagent_port}:{config}"
    agentpath = launcher.agent_option(f"{port}:{config}")
    options = (javaagent, agentpath) if javaagent_first else (agentpath, javaagent)
    jvm = launcher.start(DEBIAN_17, ["sleep", "2"], port=port, extra_options=options)
    jvm.wait_for_stdout(FIXTURE_READY)
    assert not port_accepts("127.0.0.1", port), f"nativejmx serves on {port}" + jvm.describe()
    assert listening_tcp_ports(jvm.pid) == set(), jvm.describe()
    assert jvm.wait_exit(timeout=20) == 0, jvm.describe()
    assert FIXTURE_MAIN_RETURNS in jvm.stdout()
    lines = jvm.nativejmx_lines()
    assert len(lines) == 1, f"expected exactly one nativejmx line, got {lines}" + jvm.describe()
    assert "jmx_prometheus_javaagent" in lines[0]
