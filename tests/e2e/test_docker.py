"""docker/: no Docker engine runs here, so the image is checked piece by piece. The Dockerfile's
targets, its JAVA_TOOL_OPTIONS line and file paths are read from the file itself; a JVM then
runs with exactly that variable, in a private mount and network namespace (unshare) where
the image's paths exist: /opt and /etc are overlays whose changes land in the test's temp
directory, and port 9404 is the namespace's own. The Kubernetes manifests are checked for
the fields Kubernetes and the Prometheus Operator require."""

import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

import e2e
import harness

DOCKER = harness.REPO / "docker"
K8S = DOCKER / "k8s"
JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS"
# target -> base image: the images the README promises.
RUNTIME_TARGETS = {
    "temurin17": "eclipse-temurin:17-jre",
    "temurin21": "eclipse-temurin:21-jre",
    "distroless17": "gcr.io/distroless/java17-debian12",
}


@dataclass
class Stage:
    base: str
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)  # (INSTRUCTION, arguments)

    def arguments(self, instruction: str) -> list[str]:
        return [args for name, args in self.instructions if name == instruction]


def read_dockerfile(path: Path) -> dict[str, Stage]:
    """The stages of a Dockerfile by name (comments dropped, continuation lines joined)."""
    text = re.sub(r"\\\n", " ", path.read_text())
    stages: dict[str, Stage] = {}
    current = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            base, _, name = arguments.partition(" AS ")
            current = stages.setdefault(name.strip(), Stage(base.strip(), name.strip()))
        else:
            current.instructions.append((instruction, arguments.strip()))
    return stages


STAGES = read_dockerfile(DOCKER / "Dockerfile")


def image_environment(stage: Stage) -> dict[str, str]:
    return dict(args.split("=", 1) for args in stage.arguments("ENV"))


def image_files() -> dict[str, str]:
    """Destination in the image -> source (a build-stage path or a repository path)."""
    files = {}
    for args in STAGES["files"].arguments("COPY"):
        words = args.split()
        files[words[-1]] = words[-2]
    return files


def the_agent_flag() -> str:
    flags = {image_environment(STAGES[target])[JAVA_TOOL_OPTIONS] for target in RUNTIME_TARGETS}
    assert len(flags) == 1, f"the targets set different {JAVA_TOOL_OPTIONS}: {flags}"
    return flags.pop()


def test_runtime_targets_layer_the_agent_onto_the_promised_images():
    for target, base in RUNTIME_TARGETS.items():
        stage = STAGES[target]
        assert stage.base == base, target
        assert "--from=files / /" in stage.arguments("COPY"), target
        assert JAVA_TOOL_OPTIONS in image_environment(stage), target
        assert "9404" in stage.arguments("EXPOSE"), target


def test_agent_flag_points_at_the_files_the_image_has():
    match = re.fullmatch(r"-agentpath:([^=]+)=(\d+):(.+)", the_agent_flag())
    assert match, the_agent_flag()
    library, port, config = match.groups()
    files = image_files()
    assert port == "9404"
    # The library comes from the build stage's `make build BUILD=...` tree, where the Makefile puts it.
    build_runs = [args for args in STAGES["build"].arguments("RUN") if args.startswith("make build")]
    assert len(build_runs) == 1
    build_dir = dict(word.split("=", 1) for word in shlex.split(build_runs[0])[2:] if "=" in word)["BUILD"]
    assert files[library] == f"{build_dir}/native/libnativejmx.so"
    assert (harness.REPO / files[config]).is_file(), files[config]


def run_as_in_the_image(workdir: Path, agent: Path, main: list[str]) -> subprocess.CompletedProcess:
    """Runs `main` with the image's JAVA_TOOL_OPTIONS and files, scrapes 127.0.0.1:9404 from
    inside the same namespace, and returns what the script printed."""
    files = image_files()
    copies = []
    for destination, source in files.items():
        local = agent if source.endswith("/libnativejmx.so") else harness.REPO / source
        copies.append(f"mkdir -p {shlex.quote(str(Path(destination).parent))} && "
                      f"cp {shlex.quote(str(local))} {shlex.quote(destination)}")
    overlays = []
    for top in sorted({Path(d).parts[1] for d in files}):
        upper, work = workdir / f"{top}-upper", workdir / f"{top}-work"
        upper.mkdir()
        work.mkdir()
        overlays.append(f"mount -t overlay overlay -o lowerdir=/{top},upperdir={upper},workdir={work} /{top}")
    script = "\n".join([
        "set -eu",
        "ip link set lo up",
        *overlays,
        *copies,
        f"export {JAVA_TOOL_OPTIONS}={shlex.quote(the_agent_flag())}",
        f"{shlex.join(main)} > {workdir}/jvm.out 2> {workdir}/jvm.err &",
        "jvm=$!",
        "for attempt in $(seq 240); do",
        f"  if curl -sf -o {workdir}/metrics.txt http://127.0.0.1:9404/metrics; then break; fi",
        "  kill -0 $jvm || { echo 'JVM exited'; break; }",
        "  sleep 0.5",
        "done",
        "kill $jvm; wait $jvm || true",
    ])
    return subprocess.run(["unshare", "--mount", "--net", "--fork", "bash", "-c", script],
                          capture_output=True, text=True, timeout=e2e.START_TIMEOUT, env=harness.clean_env())


# The images run Java 17 and 21: Debian's 17, and Temurin 25 where installed (no 21 here).
@pytest.mark.parametrize("jdk", harness.JDKS, ids=str)
def test_a_jvm_with_the_image_environment_serves_the_image_config(tmp_path, agent, jdk):
    classes = harness.compile_fixtures(tmp_path / "classes")
    result = run_as_in_the_image(tmp_path, agent, [jdk.tool("java"), "-cp", str(classes),
                                                   harness.FIXTURE_MAIN, "forever"])
    stderr = (tmp_path / "jvm.err").read_text() if (tmp_path / "jvm.err").exists() else ""
    assert result.returncode == 0, result.stdout + result.stderr + stderr
    assert (tmp_path / "metrics.txt").exists(), result.stdout + result.stderr + stderr
    families = harness.parse_exposition((tmp_path / "metrics.txt").read_text())
    # The image's config is rules/jvm.yml: the JVM families plus the operating-system beans.
    assert "jvm_memory_used_bytes" in families and "java_lang_OperatingSystem_ProcessCpuLoad" in families
    assert [line for line in stderr.splitlines() if line.startswith(harness.LOG_PREFIX)] == []
    # Nothing of the namespace's /opt and /etc is left outside the test's directory.
    assert not Path("/opt/nativejmx").exists() and not Path("/etc/nativejmx").exists()


# --------------------------------------------------------------------------- Kubernetes

def manifests() -> list[tuple[str, dict]]:
    return [(path.name, doc) for path in sorted(K8S.glob("*.yaml"))
            for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def of_kind(kind: str) -> list[dict]:
    return [doc for _, doc in manifests() if doc["kind"] == kind]


@pytest.mark.parametrize("name, doc", manifests(), ids=lambda v: v if isinstance(v, str) else v["kind"])
def test_manifest_has_what_kubernetes_requires(name, doc):
    assert {"apiVersion", "kind", "metadata"} <= doc.keys(), name
    assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", doc["metadata"]["name"]), name
    if doc["kind"] != "ConfigMap":  # the one kind here without a spec
        assert "spec" in doc, name


def test_statefulset_runs_the_agent_in_process_instead_of_a_sidecar():
    (statefulset,) = of_kind("StatefulSet")
    spec = statefulset["spec"]
    pod = spec["template"]
    assert spec["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    assert spec["serviceName"] in {s["metadata"]["name"] for s in of_kind("Service")}
    annotations = pod["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    (kafka,) = pod["spec"]["containers"]  # one container: no exporter sidecar
    assert annotations["prometheus.io/port"] == "9404"
    assert {"name": "metrics", "containerPort": 9404} in kafka["ports"]
    option = {e["name"]: e["value"] for e in kafka["env"]}["KAFKA_OPTS"]
    library, port_and_config = re.fullmatch(r"-agentpath:([^=]+)=(.+)", option).groups()
    assert port_and_config == "9404:/etc/nativejmx/config.yaml"
    mounts = {m["mountPath"]: m["name"] for m in kafka["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    # The rules: the ConfigMap's config.yaml at /etc/nativejmx; the library: from the init container.
    assert volumes[mounts["/etc/nativejmx"]]["configMap"]["name"] == "kafka-jmx-rules"
    assert mounts[str(Path(library).parent)] in {m["name"] for c in pod["spec"]["initContainers"]
                                                 for m in c["volumeMounts"]}
    for container in pod["spec"]["containers"] + pod["spec"]["initContainers"]:
        assert {"name", "image"} <= container.keys()


def test_configmap_carries_rules_kafka_yml_verbatim():
    (configmap,) = of_kind("ConfigMap")
    assert configmap["data"]["config.yaml"] == (harness.REPO / "rules" / "kafka.yml").read_text()


def test_monitors_select_the_kafka_pods_port():
    (statefulset,) = of_kind("StatefulSet")
    pod_labels = statefulset["spec"]["template"]["metadata"]["labels"]
    (pod_monitor,) = of_kind("PodMonitor")
    assert pod_monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert pod_monitor["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert [e["port"] for e in pod_monitor["spec"]["podMetricsEndpoints"]] == ["metrics"]
    (service_monitor,) = of_kind("ServiceMonitor")
    services = [s for s in of_kind("Service")
                if service_monitor["spec"]["selector"]["matchLabels"].items() <= s["metadata"]["labels"].items()]
    assert len(services) == 1
    assert services[0]["spec"]["selector"].items() <= pod_labels.items()
    assert {p["name"] for p in services[0]["spec"]["ports"]} >= {e["port"] for e in service_monitor["spec"]["endpoints"]}
