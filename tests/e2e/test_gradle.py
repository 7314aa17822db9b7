"""gradle/: the plugin is built with Debian's offline Gradle 4.4.1 from its own build.gradle,
then the sample application uses it: `run` and `test` JVMs carry the agent, installDist and
distZip ship the library, the config and a start script that loads them, and a bad config
fails the build. Everything runs offline, on OpenJDK 17, in copies under the test's temp dir."""

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import e2e
import harness

e2e.require_packages("gradle", "junit4")

GRADLE_SOURCES = harness.REPO / "gradle"
PLUGIN_JAR = "plugin/build/libs/nativejmx-gradle-plugin-0.1.0.jar"
GRADLE_TIMEOUT = 900.0  # the first build generates Gradle's API jar: minutes on a loaded machine


class GradleBuilds:
    def __init__(self, workdir: Path, agent: Path):
        self.workdir = workdir
        self.agent = agent
        for project in ("plugin", "sample"):
            shutil.copytree(GRADLE_SOURCES / project, workdir / project)
        # Kept between runs when there is a build tree: the API jar is generated only once.
        build = os.environ.get("NJ_BUILD")
        self.gradle_home = Path(build) / "gradle-home" if build else workdir / "gradle-home"
        self.port = harness.free_port()
        self.test_port = harness.free_port()

    def gradle(self, project: str, *arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["gradle", "--offline", "--no-daemon", "--console=plain", "-g", str(self.gradle_home),
             "-p", str(self.workdir / project), *arguments],
            capture_output=True, text=True, timeout=GRADLE_TIMEOUT, env=e2e.jdk17_env(), cwd=self.workdir)

    def sample(self, *arguments: str, agent: Path | None = None) -> subprocess.CompletedProcess:
        return self.gradle("sample", f"-PnativejmxPlugin={self.workdir / PLUGIN_JAR}",
                           f"-PnativejmxAgent={agent or self.agent}", f"-PnativejmxPort={self.port}",
                           f"-PnativejmxTestPort={self.test_port}", *arguments)


def succeeded(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result


@pytest.fixture(scope="module")
def builds(tmp_path_factory, agent):
    builds = GradleBuilds(tmp_path_factory.mktemp("gradle"), agent)
    succeeded(builds.gradle("plugin", "jar"))
    builds.main_build = succeeded(builds.sample("installDist", "distZip", "test", "run"))
    return builds


def sample_lines(output: str) -> dict[str, float]:
    """`sample: NAME VALUE` lines printed by gradle/sample's Main from its own agent."""
    return {line.split()[1]: float(line.split()[2]) for line in output.splitlines() if line.startswith("sample: ")}


def test_run_task_jvm_serves_the_sample_config(builds):
    served = sample_lines(builds.main_build.stdout)
    assert served["sample_os_OpenFileDescriptorCount"] > 0, builds.main_build.stdout
    assert served["sample_os_AvailableProcessors"] >= 1
    assert served["jvm_threads_current"] >= 1


def test_config_is_checked_before_run_test_and_the_distribution(builds):
    executed = [line.split()[0] for line in builds.main_build.stdout.splitlines() if line.startswith(":")]
    check = executed.index(":nativejmxCheckConfig")
    assert all(executed.index(f":{task}") > check for task in ("installDist", "distZip", "test", "run")), executed


def test_test_task_jvm_carries_the_agent(builds):
    report = builds.workdir / "sample/build/test-results/test/TEST-sample.AgentInTestJvmTest.xml"
    text = report.read_text()
    assert 'tests="1"' in text and 'failures="0"' in text and 'errors="0"' in text, text


def test_distribution_ships_library_config_and_start_script(builds):
    with zipfile.ZipFile(builds.workdir / "sample/build/distributions/sample.zip") as archive:
        assert archive.read("sample/nativejmx/libnativejmx.so") == builds.agent.read_bytes()
        assert archive.read("sample/nativejmx/config.yaml") == (
            GRADLE_SOURCES / "sample/src/main/nativejmx/config.yaml").read_bytes()
        assert "sample/bin/sample" in archive.namelist()


def test_installed_start_script_loads_the_agent(builds):
    result = succeeded(subprocess.run([str(builds.workdir / "sample/build/install/sample/bin/sample")],
                                      capture_output=True, text=True, timeout=e2e.START_TIMEOUT,
                                      env=e2e.jdk17_env()))
    assert sample_lines(result.stdout)["sample_os_OpenFileDescriptorCount"] > 0, result.stdout


# The sample's Main fails with this when its JVM has no agent option: proof the JVM started.
RAN_WITHOUT_AGENT = "no -agentpath:...libnativejmx.so option in this JVM"


def test_without_the_library_the_start_script_runs_the_application_without_the_agent(builds, tmp_path):
    install = tmp_path / "sample"
    shutil.copytree(builds.workdir / "sample/build/install/sample", install)
    (install / "nativejmx/libnativejmx.so").unlink()
    result = subprocess.run([str(install / "bin/sample")], capture_output=True, text=True,
                            timeout=e2e.START_TIMEOUT, env=e2e.jdk17_env())
    assert RAN_WITHOUT_AGENT in result.stderr, result.stdout + result.stderr


def test_without_the_library_run_warns_and_runs_without_the_agent(builds, tmp_path):
    missing = tmp_path / "libnativejmx.so"
    result = builds.sample("run", agent=missing)
    output = result.stdout + result.stderr
    assert f"nativejmx: {missing} not found: :run runs without the agent" in output, output
    assert RAN_WITHOUT_AGENT in output, output


def test_malformed_config_fails_the_build_without_nativejmx_check(builds, tmp_path):
    bad = builds.workdir / "bad.yaml"
    bad.write_text("rules:\n\t- pattern: '.*'\n- not a mapping\n")
    # An agent with no nativejmx-check beside it (the build tree has one).
    lone_agent = tmp_path / "libnativejmx.so"
    shutil.copy(builds.agent, lone_agent)
    result = builds.sample("nativejmxCheckConfig", f"-PnativejmxConfig={bad}", agent=lone_agent)
    assert result.returncode != 0
    assert "line 2: a tab in the indentation" in result.stderr, result.stderr
    assert "line 3: the top level must be a mapping" in result.stderr, result.stderr


def test_the_nativejmx_check_beside_the_agent_refuses_a_type_error(builds):
    checker = builds.agent.parent / "nativejmx-check"
    if not checker.is_file():
        pytest.skip(f"no {checker}: the build tree has no nativejmx-check")
    bad = builds.workdir / "typed.yaml"
    bad.write_text("rules:\n  - pattern: '.*'\n    name: x\n    labels:\n      code: 200\n")
    result = builds.sample("nativejmxCheckConfig", f"-PnativejmxConfig={bad}")
    assert result.returncode != 0
    # The javaagent refuses an unquoted number as a label value; so do the agent and its checker.
    assert "rules[0].labels.code (line 5)" in result.stdout + result.stderr, result.stdout + result.stderr


@pytest.mark.parametrize("exit_code, build_passes", [(1, False), (2, True)])
def test_nativejmx_check_decides_when_present(builds, tmp_path, exit_code, build_passes):
    # A stand-in with nativejmx-check's contract (exit 0 clean, 1 errors, 2 warnings).
    checker = tmp_path / "nativejmx-check"
    checker.write_text(f"#!/bin/sh\necho \"checked $1: finding from the checker\"\nexit {exit_code}\n")
    checker.chmod(0o755)
    result = builds.sample("nativejmxCheckConfig", f"-PnativejmxChecker={checker}")
    assert (result.returncode == 0) == build_passes, result.stdout + result.stderr
    assert "finding from the checker" in result.stdout + result.stderr
