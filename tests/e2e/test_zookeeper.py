"""Debian's ZooKeeper 3.8 with the agent in JAVA_TOOL_OPTIONS: rules/zookeeper.yml,
the upstream example config, and a real Prometheus scraping it. One standalone server and
one quorum of one (the replicated beans) for the module."""

import subprocess

import pytest

import e2e
import harness

e2e.require_packages("zookeeper", "prometheus")

CLASSPATH = "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar"  # as Debian's zkEnv.sh sets it


class ZooKeeper:
    """Standalone, or `replicated`: a quorum of one (standaloneEnabled=false), which registers the
    replicated server's beans (ReplicatedServer_id1, replica.1, Leader) with a single JVM."""

    def __init__(self, processes: harness.JvmLauncher, agent, replicated: bool = False):
        workdir = processes.workdir / ("replicated" if replicated else "standalone")
        data = workdir / "data"
        data.mkdir(parents=True)
        self.client_port = harness.free_port()
        # No AdminServer: it would bind 8080, which other tests or services may hold.
        settings = f"tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir={data}\nadmin.enableServer=false\n"
        if replicated:
            (data / "myid").write_text("1\n")
            quorum, election = harness.free_port(), harness.free_port()
            settings += f"standaloneEnabled=false\nserver.1=127.0.0.1:{quorum}:{election};{self.client_port}\n"
        else:
            settings += f"clientPort={self.client_port}\n"
        config = workdir / "zoo.cfg"
        config.write_text(settings)
        agent_port = harness.free_port()
        agent_config = e2e.start_agent_config(workdir, e2e.RULES / "zookeeper.yml")
        option = e2e.agent_option(agent, agent_port, agent_config)
        process = processes.spawn(
            [harness.DEBIAN_17.tool("java"), "-Xmx128m", "-cp", CLASSPATH,
             "org.apache.zookeeper.server.quorum.QuorumPeerMain", str(config)],
            e2e.jdk17_env(JAVA_TOOL_OPTIONS=option), env_note=f"(JAVA_TOOL_OPTIONS={option})",
            port=agent_port, name=workdir.name, cwd=workdir)
        self.agent = e2e.AgentInServer(process, agent_port, agent_config)

    def client(self, *command: str) -> str:
        """Runs one zkCli command with ZooKeeper's own client (no agent in that JVM)."""
        result = subprocess.run(
            [harness.DEBIAN_17.tool("java"), "-cp", CLASSPATH, "org.apache.zookeeper.ZooKeeperMain",
             "-server", f"127.0.0.1:{self.client_port}", *command],
            capture_output=True, text=True, timeout=e2e.START_TIMEOUT, env=e2e.jdk17_env())
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout


@pytest.fixture(scope="module")
def zookeeper(module_processes, agent):
    server = ZooKeeper(module_processes, agent)
    server.agent.wait_for(lambda f: "zookeeper_NodeCount" in f and "zookeeper_NumAliveConnections" in f,
                          "ZooKeeper's standalone server beans")
    return server


def test_created_znodes_and_client_packets_show(zookeeper):
    before = zookeeper.agent.families()
    zookeeper.client("create", "/nativejmx-e2e", "hello")

    def risen(families):
        return all(e2e.sample_value(families, name) > e2e.sample_value(before, name)
                   for name in ("zookeeper_NodeCount", "zookeeper_PacketsReceived_total"))
    after = zookeeper.agent.wait_for(risen, "NodeCount and PacketsReceived rising after a create")
    assert e2e.sample_value(after, "zookeeper_NodeCount") == e2e.sample_value(before, "zookeeper_NodeCount") + 1
    assert after["zookeeper_PacketsSent_total"].type == "counter"


def test_dashboard_series_have_their_types(zookeeper):
    families = zookeeper.agent.families()
    for name in ("zookeeper_NumAliveConnections", "zookeeper_OutstandingRequests", "zookeeper_AvgRequestLatency",
                 "zookeeper_MaxRequestLatency", "zookeeper_NodeCount", "zookeeper_WatchCount",
                 "zookeeper_DataDirSize"):
        assert families[name].type == "gauge", name
    for name in ("zookeeper_PacketsReceived_total", "zookeeper_PacketsSent_total"):
        assert families[name].type == "counter", name
    assert e2e.sample_value(families, "zookeeper_TickTime") == 2000  # from the test's zoo.cfg
    # ZooKeeper's default maximum session timeout is 20 ticks.
    assert e2e.sample_value(families, "zookeeper_MaxSessionTimeout") == 40000
    ours = {name for name in families if not name.startswith(("jvm_", "process_", "jmx_"))}
    assert all(name.startswith("zookeeper_") for name in ours), sorted(ours)


def test_upstream_example_config_gives_its_series(zookeeper):
    text = (e2e.UPSTREAM_EXAMPLES / "zookeeper.yaml").read_text()
    with zookeeper.agent.config_swapped(text):
        # The example types every standalone attribute as a GAUGE: no `_total` on the packet counts.
        families = zookeeper.agent.wait_for(lambda f: "zookeeper_PacketsReceived" in f,
                                            "the upstream example's series")
        for name in ("zookeeper_PacketsReceived", "zookeeper_PacketsSent", "zookeeper_NumAliveConnections",
                     "zookeeper_NodeCount", "zookeeper_WatchCount", "zookeeper_AvgRequestLatency"):
            assert families[name].type == "gauge", name
    zookeeper.agent.wait_for(lambda f: "zookeeper_PacketsReceived_total" in f, "rules/zookeeper.yml served again")


def test_prometheus_scrapes_the_agent_in_zookeeper(zookeeper, module_processes):
    e2e.assert_prometheus_scrapes(module_processes, "zookeeper", zookeeper.agent, [
        "zookeeper_NodeCount > 0",
        "zookeeper_TickTime == 2000",
        "zookeeper_PacketsReceived_total",
    ])


# --------------------------------------------------------------------------- replicated mode

LEADER = dict(replicaId="1", memberType="Leader")


@pytest.fixture(scope="module")
def quorum_of_one(module_processes, agent):
    server = ZooKeeper(module_processes, agent, replicated=True)
    server.agent.wait_for(lambda f: e2e.sample_value(f, "zookeeper_InMemoryDataTree_NodeCount", **LEADER) is not None,
                          "the leader's data tree bean")
    return server


def test_replicated_member_series_carry_replica_and_role(quorum_of_one):
    before = quorum_of_one.agent.families()
    quorum_of_one.client("create", "/nativejmx-e2e", "hello")
    after = quorum_of_one.agent.wait_for(
        lambda f: e2e.sample_value(f, "zookeeper_InMemoryDataTree_NodeCount", **LEADER)
        > e2e.sample_value(before, "zookeeper_InMemoryDataTree_NodeCount", **LEADER), "NodeCount rising after a create")
    assert (e2e.sample_value(after, "zookeeper_InMemoryDataTree_NodeCount", **LEADER)
            == e2e.sample_value(before, "zookeeper_InMemoryDataTree_NodeCount", **LEADER) + 1)
    assert after["zookeeper_PacketsReceived_total"].type == "counter"
    assert (e2e.sample_value(after, "zookeeper_PacketsReceived_total", **LEADER)
            > e2e.sample_value(before, "zookeeper_PacketsReceived_total", **LEADER))
    assert e2e.sample_value(after, "zookeeper_QuorumSize") == 1  # the quorum peer's own bean
    assert e2e.sample_value(after, "zookeeper_NumAliveConnections", **LEADER) is not None
    assert e2e.sample_value(after, "zookeeper_SyncLimit", replicaId="1") == 5  # replica bean, from zoo.cfg


def test_upstream_example_config_gives_its_replicated_series(quorum_of_one):
    text = (e2e.UPSTREAM_EXAMPLES / "zookeeper.yaml").read_text()
    with quorum_of_one.agent.config_swapped(text):
        # Unlike its standalone rules, the example's replicated rules type the packet counts COUNTER.
        families = quorum_of_one.agent.wait_for(
            lambda f: e2e.sample_value(f, "zookeeper_InMemoryDataTree_NodeCount", **LEADER) is not None
            and "zookeeper_PacketsReceived_total" in f, "the upstream example's replicated series")
        assert e2e.sample_value(families, "zookeeper_PacketsSent_total", **LEADER) is not None
        assert e2e.sample_value(families, "zookeeper_QuorumSize") == 1
        assert families["zookeeper_NumAliveConnections"].type == "gauge"
