"""Helpers for the real-JVM integration tests: JDKs, fixture compilation, JVM processes with
the agent, HTTP scrapes and a small parser for the Prometheus text format."""

from __future__ import annotations

import errno
import http.client
import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO = TESTS_DIR.parents[1]
FIXTURE_SOURCES = TESTS_DIR / "fixtures"
ORACLE_SAMPLES = Path("/work/shared/oracle-samples")

FIXTURE_MAIN = "nativejmx.fixture.FixtureApp"
FIXTURE_READY = "fixture: ready"
FIXTURE_MAIN_RETURNS = "fixture: main returns"

# Start-up flags that keep each JVM cheap on a small shared machine.
FAST_JVM_OPTIONS = ("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx64m")

TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LOG_PREFIX = "nativejmx: "


# --------------------------------------------------------------------------- JDKs

@dataclass(frozen=True)
class Jdk:
    name: str
    home: Path

    def tool(self, name: str) -> str:
        return str(self.home / "bin" / name)

    def has_tool(self, name: str) -> bool:
        return (self.home / "bin" / name).is_file()

    def __str__(self) -> str:  # used as the pytest id
        return self.name


DEBIAN_17 = Jdk("jdk17", Path("/usr/lib/jvm/java-17-openjdk-amd64"))
TEMURIN_25 = Jdk("jdk25", Path("/usr/lib/jvm/temurin-25-jdk-amd64"))


def built_agent() -> Path:
    """The agent under test: $NJ_AGENT, or the repository's build/; fails the test when absent."""
    path = Path(os.environ.get("NJ_AGENT", REPO / "build" / "native" / "libnativejmx.so")).resolve()
    if not path.is_file():
        pytest.fail(f"agent not built: {path} does not exist (run `make build`, or set NJ_AGENT)")
    return path


def available_jdks() -> list[Jdk]:
    """Debian's JDK 17 always; Temurin 25 when it is installed."""
    return [DEBIAN_17] + ([TEMURIN_25] if TEMURIN_25.has_tool("java") else [])


JDKS = available_jdks()


def compile_fixtures(out_dir: Path) -> Path:
    """Compiles tests/jvm/fixtures/*.java."""
    return compile_java(sorted(FIXTURE_SOURCES.glob("*.java")), out_dir)


def compile_bench_app(out_dir: Path) -> Path:
    """Compiles the benchmark's Kafka-shaped application (bench/src/nativejmx/bench)."""
    return compile_java(sorted((REPO / "bench/src/nativejmx/bench").glob("*.java")), out_dir)


def compile_java(sources: list[Path], out_dir: Path) -> Path:
    """Compiles with Debian's javac for Java 11 (the oldest JVM we support)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [DEBIAN_17.tool("javac"), "--release", "11", "-Xlint:all", "-Werror", "-d", str(out_dir),
         *(str(p) for p in sources)],
        capture_output=True, text=True, env=clean_env(),
    )
    if result.returncode != 0:
        raise RuntimeError(f"javac failed:\n{result.stdout}\n{result.stderr}")
    return out_dir


def clean_env(**extra: str) -> dict[str, str]:
    """The test's environment without JVM option variables that would leak into every JVM."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "CLASSPATH")}
    env.update(extra)
    return env


# --------------------------------------------------------------------------- network

def has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


IPV6 = has_ipv6_loopback()
NO_IPV6_REASON = "this machine has no IPv6 loopback (::1); the IPv6 half of the check cannot run"


def free_port() -> int:
    """A port free on IPv4 and IPv6 (a dual-stack bind to port 0), released at once."""
    if IPV6:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            s.bind(("::", 0))
            return s.getsockname()[1]
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("0.0.0.0", 0))
        return s.getsockname()[1]


def port_accepts(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when a TCP connection to host:port is accepted."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    elapsed: float

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def header_names(self) -> set[str]:
        return {key.lower() for key, _ in self.headers}

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def scrape(port: int, path: str = "/metrics", headers: dict[str, str] | None = None,
           host: str = "127.0.0.1", timeout: float = 20.0, method: str = "GET") -> Response:
    """One HTTP request (http.client handles IPv6 literals such as ::1)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        return Response(resp.status, resp.getheaders(), body, time.monotonic() - started)
    finally:
        conn.close()


# --------------------------------------------------------------------------- JVM processes

def listening_tcp_ports(pid: int) -> set[int]:
    """TCP ports on which process `pid` has a listening socket (from /proc)."""
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return set()
    ports = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if cols[3] == "0A" and cols[9] in inodes:  # 0A = LISTEN
                ports.add(int(cols[1].rsplit(":", 1)[1], 16))
    return ports


@dataclass
class Jvm:
    command: list[str]
    env_note: str
    proc: subprocess.Popen
    workdir: Path
    out_path: Path
    err_path: Path
    port: int | None
    started_at: float = field(default_factory=time.monotonic)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stdout(self) -> str:
        return self.out_path.read_text(errors="replace")

    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace")

    def nativejmx_lines(self) -> list[str]:
        return [line for line in self.stderr().splitlines() if line.startswith(LOG_PREFIX)]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def describe(self) -> str:
        """Everything one needs to understand a failure."""
        def tail(text: str) -> str:
            lines = text.splitlines()
            return "\n".join(lines[-40:]) if lines else "(empty)"
        return (f"\n--- command: {' '.join(self.command)} {self.env_note}\n"
                f"--- exit code: {self.proc.poll()}\n"
                f"--- stdout:\n{tail(self.stdout())}\n--- stderr:\n{tail(self.stderr())}\n")

    def wait_for_stdout(self, text: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.stdout():
            if not self.alive():
                raise AssertionError(f"JVM exited before printing {text!r}" + self.describe())
            if time.monotonic() > deadline:
                raise AssertionError(f"JVM did not print {text!r} within {timeout} s" + self.describe())
            time.sleep(0.05)

    def wait_until_serving(self, host: str = "127.0.0.1", timeout: float = 20.0) -> None:
        """Waits until the agent's port accepts connections and the fixture has registered its
        beans (the agent binds before main runs); fails if the JVM exits first."""
        assert self.port is not None
        deadline = time.monotonic() + timeout
        while not port_accepts(host, self.port, timeout=0.5):
            if not self.alive():
                raise AssertionError(f"JVM exited before {host}:{self.port} answered" + self.describe())
            if time.monotonic() > deadline:
                raise AssertionError(f"{host}:{self.port} did not answer within {timeout} s" + self.describe())
            time.sleep(0.05)
        self.wait_for_stdout(FIXTURE_READY, timeout=max(1.0, deadline - time.monotonic()))

    def ask(self, line: str, timeout: float = 60.0) -> str:
        """Sends one command to a fixture in `commands` mode; returns its answer without "fixture: "."""
        assert self.proc.stdin is not None, "start the fixture with commands=True"
        seen = len(self.stdout())
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()
        deadline = time.monotonic() + timeout
        while True:
            new = self.stdout()[seen:]
            if "\n" in new:
                answer = new.split("\n", 1)[0]
                assert answer.startswith("fixture: "), answer + self.describe()
                return answer[len("fixture: "):]
            if not self.alive():
                raise AssertionError(f"JVM exited before answering {line!r}" + self.describe())
            if time.monotonic() > deadline:
                raise AssertionError(f"JVM did not answer {line!r} within {timeout} s" + self.describe())
            time.sleep(0.02)

    def wait_exit(self, timeout: float) -> int | None:
        """The exit code, or None if the JVM is still running after `timeout` seconds."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self, grace: float = 3.0) -> None:
        """SIGTERM, then SIGKILL after `grace` seconds (the whole process group)."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


class JvmLauncher:
    """Starts JVMs for a test (or a module) and kills every one of them at teardown."""

    def __init__(self, workdir: Path, classes: Path, agent: Path):
        self.workdir = workdir
        self.classes = classes
        self.agent = agent
        self.jvms: list[Jvm] = []

    def agent_option(self, agent_argument: str) -> str:
        return f"-agentpath:{self.agent}={agent_argument}"

    def start(self, jdk: Jdk, app_args: list[str], agent_argument: str | None = None, *,
              via: str = "agentpath", port: int | None = None,
              jvm_options: tuple[str, ...] = FAST_JVM_OPTIONS, extra_options: tuple[str, ...] = (),
              main_class: str = FIXTURE_MAIN, name: str = "jvm", commands: bool = False,
              env_extra: dict[str, str] | None = None) -> Jvm:
        """Starts `main_class` on `jdk`; with `agent_argument`, loads the agent via
        -agentpath (via="agentpath") or the JAVA_TOOL_OPTIONS variable (via="java_tool_options").
        `commands`: stdin is a pipe, for the fixture's `commands` mode (Jvm.ask)."""
        env = clean_env()
        env.update(env_extra or {})
        command = [jdk.tool("java"), *jvm_options, *extra_options]
        env_note = ""
        if agent_argument is not None:
            option = self.agent_option(agent_argument)
            if via == "agentpath":
                command.append(option)
            elif via == "java_tool_options":
                env["JAVA_TOOL_OPTIONS"] = option
                env_note = f"(JAVA_TOOL_OPTIONS={option})"
            else:
                raise ValueError(via)
        command += ["-cp", str(self.classes), main_class, *app_args]
        return self.spawn(command, env, env_note=env_note, port=port, name=name, commands=commands)

    def spawn(self, command: list[str], env: dict[str, str], *, env_note: str = "",
              port: int | None = None, name: str = "jvm", cwd: Path | None = None,
              commands: bool = False) -> Jvm:
        """Starts any command (a JVM, or a server's start script that execs one) in its own
        process group, with stdout and stderr in files; close() kills it."""
        index = len(self.jvms)
        out_path = self.workdir / f"{name}-{index}.out"
        err_path = self.workdir / f"{name}-{index}.err"
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.PIPE if commands else subprocess.DEVNULL,
                                    cwd=cwd or self.workdir, env=env, start_new_session=True)
        jvm = Jvm(command, env_note, proc, self.workdir, out_path, err_path, port)
        self.jvms.append(jvm)
        return jvm

    def close(self) -> None:
        for jvm in self.jvms:
            jvm.kill()


def write_config(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def touch_later(path: Path, seconds: float = 2.0) -> None:
    """Moves the file's mtime forward so a watcher with coarse mtime resolution sees a change."""
    later = time.time() + seconds
    os.utime(path, (later, later))


def serve_config(launcher: JvmLauncher, workdir: Path, config_text: str) -> Jvm:
    """A fixture JVM on Debian's JDK 17 serving `config_text` on a free port, until it is killed."""
    config = write_config(workdir / "config.yaml", config_text)
    port = free_port()
    jvm = launcher.start(DEBIAN_17, ["until-file", str(workdir / "stop")], f"{port}:{config}", port=port)
    jvm.wait_until_serving()
    return jvm


CATCH_ALL_CONFIG = 'rules:\n  - pattern: ".*"\n'
EMPTY_CONFIG = "{}\n"


# --------------------------------------------------------------------------- text format parser

@dataclass(frozen=True)
class Sample:
    name: str
    labels: tuple[tuple[str, str], ...]  # unescaped, in written order
    value: str
    line: str

    def series(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        return self.name, tuple(sorted(self.labels))


@dataclass
class Family:
    name: str
    help_line: str | None = None
    type_line: str | None = None
    unit_line: str | None = None
    samples: list[Sample] = field(default_factory=list)

    @property
    def type(self) -> str | None:
        return self.type_line.split(" ", 3)[3] if self.type_line else None

    def sample_lines(self) -> list[str]:
        return [s.line for s in self.samples]


_UNESCAPE = {"\\": "\\", '"': '"', "n": "\n"}


def _read_quoted(text: str, i: int) -> tuple[str, int]:
    """Reads a double-quoted string starting at text[i] == '"'; returns (unescaped, next index)."""
    assert text[i] == '"', text
    out = []
    i += 1
    while text[i] != '"':
        if text[i] == "\\":
            out.append(_UNESCAPE.get(text[i + 1], "\\" + text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out), i + 1


def parse_sample(line: str) -> Sample:
    match = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line)
    if not match:
        raise ValueError(f"not a sample line: {line!r}")
    name = match.group(0)
    i = match.end()
    labels = []
    if i < len(line) and line[i] == "{":
        i += 1
        while line[i] != "}":
            if line[i] == '"':
                label, i = _read_quoted(line, i)
            else:
                end = line.index("=", i)
                label, i = line[i:end], end
            assert line[i] == "=", line
            value, i = _read_quoted(line, i + 1)
            labels.append((label, value))
            if line[i] == ",":
                i += 1
        i += 1
    rest = line[i:].split()
    if not rest:
        raise ValueError(f"sample without a value: {line!r}")
    return Sample(name, tuple(labels), rest[0], line)


def parse_exposition(body: str) -> dict[str, Family]:
    """Families of a text-format (0.0.4 or OpenMetrics) body, in the order they appear."""
    families: dict[str, Family] = {}
    current: Family | None = None
    for line in body.splitlines():
        if not line or line == "# EOF":
            continue
        if line.startswith("# "):
            parts = line.split(" ", 3)
            kind, name = parts[1], parts[2]
            current = families.setdefault(name, Family(name))
            if kind == "HELP":
                current.help_line = line
            elif kind == "TYPE":
                current.type_line = line
            elif kind == "UNIT":
                current.unit_line = line
            continue
        sample = parse_sample(line)
        if current is None or not sample.name.startswith(current.name):
            current = families.setdefault(sample.name, Family(sample.name))
        current.samples.append(sample)
    return families


def series_of(families: dict[str, Family], keep=lambda name: True) -> set:
    return {s.series() for f in families.values() if keep(f.name) for s in f.samples}


def metadata_lines(families: dict[str, Family], keep=lambda name: True) -> list[str]:
    return [line for f in families.values() if keep(f.name)
            for line in (f.type_line, f.unit_line, f.help_line) if line is not None]


# --------------------------------------------------------------------------- tools

def run_watching_port(command: list[str], port: int, env: dict[str, str], cwd: Path,
                      stdin: bytes = b"", timeout: float = 120.0) -> tuple[subprocess.CompletedProcess, bool]:
    """Runs a command to completion while polling `port`; returns (result, port_was_bound)."""
    out_path, err_path = cwd / "tool.out", cwd / "tool.err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=out, stderr=err, cwd=cwd, env=env,
                                start_new_session=True)
        try:
            proc.stdin.write(stdin)
            proc.stdin.close()
        except BrokenPipeError:
            pass
        deadline = time.monotonic() + timeout
        bound = False
        while proc.poll() is None:
            bound = bound or port_accepts("127.0.0.1", port, timeout=0.2)
            if time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                raise AssertionError(f"{command} did not finish within {timeout} s")
            time.sleep(0.05)
    bound = bound or port_accepts("127.0.0.1", port, timeout=0.2)
    result = subprocess.CompletedProcess(command, proc.returncode, out_path.read_text(errors="replace"),
                                         err_path.read_text(errors="replace"))
    return result, bound


def is_connection_refused(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return False
    except ConnectionRefusedError:
        return True
    except OSError as e:
        return e.errno == errno.ECONNREFUSED


# --------------------------------------------------------------------------- one JVM, one config file

VALUES_ONLY = 'includeObjectNames: ["nativejmx.test:type=Values"]\n'


def int_value_rule(name):
    """A config naming nativejmx.test:type=Values' IntValue (42) `name`, and reading nothing else."""
    return (VALUES_ONLY + "rules:\n"
            "  - pattern: 'nativejmx.test<type=Values><>IntValue: (\\d+)'\n"
            f"    name: {name}\n")


def start_with_config(launcher, tmp_path, text, app_options=()):
    """A fixture JVM (FixtureApp with `app_options`) serving config `text`; returns (jvm, config path)."""
    config = write_config(tmp_path / "config.yaml", text)
    port = free_port()
    jvm = launcher.start(DEBIAN_17, [*app_options, "forever"], f"{port}:{config}", port=port)
    jvm.wait_until_serving(timeout=60)
    return jvm, config


def scrape_families(jvm):
    response = scrape(jvm.port, timeout=60)
    assert response.status == 200, response.text + jvm.describe()
    return parse_exposition(response.text)


def single_value(families, family):
    samples = families[family].samples
    assert len(samples) == 1, families[family].sample_lines()
    return samples[0].value


def replace_config(config, text):
    """Rewrites the config file so that the next scrape reloads it."""
    config.write_text(text)
    touch_later(config)
