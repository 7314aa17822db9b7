"""Debian's ActiveMQ 5.17 broker with the agent in JAVA_TOOL_OPTIONS: rules/activemq.yml, the
upstream example config, and a real Prometheus scraping it. One broker for the module.

The broker runs from Debian's activemq.jar with a config of the test's own: Debian's
/usr/bin/activemq switches to the `activemq` user and replaces ACTIVEMQ_OPTS with its own."""

import subprocess

import pytest

import e2e
import harness

e2e.require_packages("activemq", "prometheus")

LAUNCHER = "/usr/share/activemq/bin/activemq.jar"
QUEUE = "e2e.orders"
TOPIC = "e2e.events"
BROKER_XML = """<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="e2e" useJmx="true" persistent="false">
    <managementContext><managementContext createConnector="false"/></managementContext>
    <destinations>
      <queue physicalName="{queue}"/>
      <topic physicalName="{topic}"/>
    </destinations>
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:{port}"/>
    </transportConnectors>
  </broker>
</beans>
"""


class ActiveMq:
    def __init__(self, processes: harness.JvmLauncher, agent):
        self.base = processes.workdir / "activemq-base"
        (self.base / "conf").mkdir(parents=True)
        self.openwire_port = harness.free_port()
        self.broker_xml = self.base / "conf" / "activemq.xml"
        self.broker_xml.write_text(BROKER_XML.format(queue=QUEUE, topic=TOPIC, port=self.openwire_port))
        agent_port = harness.free_port()
        agent_config = e2e.start_agent_config(processes.workdir, e2e.RULES / "activemq.yml")
        option = e2e.agent_option(agent, agent_port, agent_config)
        process = processes.spawn(self.command("-Xmx256m", "start", f"xbean:file:{self.broker_xml}"),
                                  e2e.jdk17_env(JAVA_TOOL_OPTIONS=option),
                                  env_note=f"(JAVA_TOOL_OPTIONS={option})", port=agent_port, name="activemq")
        self.agent = e2e.AgentInServer(process, agent_port, agent_config)

    def command(self, jvm_option: str, *task: str) -> list[str]:
        """Debian's ActiveMQ launcher running one task (start, producer, consumer) in this base."""
        return [harness.DEBIAN_17.tool("java"), jvm_option, "-Dactivemq.home=/usr/share/activemq",
                f"-Dactivemq.base={self.base}", f"-Dactivemq.conf={self.base / 'conf'}",
                f"-Dactivemq.data={self.base / 'data'}", f"-Djava.io.tmpdir={self.base}",
                f"-Dactivemq.classpath={self.base / 'conf'}", "-jar", LAUNCHER, *task]

    def client(self, task: str, messages: int) -> None:
        """ActiveMQ's own producer or consumer command, `messages` messages on the queue."""
        result = subprocess.run(
            self.command("-Xmx64m", task, "--brokerUrl", f"tcp://127.0.0.1:{self.openwire_port}",
                         "--destination", f"queue://{QUEUE}", "--messageCount", str(messages)),
            capture_output=True, text=True, timeout=e2e.START_TIMEOUT, env=e2e.jdk17_env(), cwd=self.base)
        assert result.returncode == 0, result.stdout + result.stderr

    @staticmethod
    def queue(families, name: str) -> float | None:
        return e2e.sample_value(families, name, destination=QUEUE)


@pytest.fixture(scope="module")
def activemq(module_processes, agent):
    broker = ActiveMq(module_processes, agent)
    broker.agent.wait_for(lambda f: broker.queue(f, "activemq_queue_queue_size") is not None,
                          f"the queue {QUEUE} in the broker's beans")
    return broker


def test_queue_depth_and_message_counts_follow_producer_and_consumer(activemq):
    before = activemq.agent.families()
    activemq.client("producer", 7)
    produced = activemq.agent.wait_for(
        lambda f: activemq.queue(f, "activemq_queue_enqueue_count") >= activemq.queue(before, "activemq_queue_enqueue_count") + 7,
        "7 enqueued messages")
    assert activemq.queue(produced, "activemq_queue_queue_size") == activemq.queue(before, "activemq_queue_queue_size") + 7
    assert e2e.sample_value(produced, "activemq_enqueue_total") >= e2e.sample_value(before, "activemq_enqueue_total") + 7

    activemq.client("consumer", 7)
    consumed = activemq.agent.wait_for(
        lambda f: activemq.queue(f, "activemq_queue_dequeue_count") >= activemq.queue(before, "activemq_queue_dequeue_count") + 7,
        "7 dequeued messages")
    assert activemq.queue(consumed, "activemq_queue_queue_size") == activemq.queue(before, "activemq_queue_queue_size")


def test_dashboard_series_have_their_types(activemq):
    families = activemq.agent.families()
    for name in ("activemq_queue_queue_size", "activemq_queue_consumer_count", "activemq_queue_producer_count",
                 "activemq_queue_memory_percent_usage"):
        assert families[name].type == "gauge", name
        assert activemq.queue(families, name) is not None, name
    assert e2e.sample_value(families, "activemq_topic_consumer_count", destination=TOPIC) is not None
    assert families["activemq_connections"].type == "gauge"
    for name in ("activemq_memory_usage_ratio", "activemq_store_usage_ratio", "activemq_temp_usage_ratio"):
        assert 0 <= e2e.sample_value(families, name) <= 1, name
    for name in ("activemq_enqueue_total", "activemq_dequeue_total", "activemq_connections_accepted_total"):
        assert families[name].type == "counter", name


def test_advisory_topics_are_left_out(activemq):
    families = activemq.agent.families()
    destinations = {dict(s.labels)["destination"] for f in families.values() for s in f.samples
                    if f.name.startswith("activemq_topic_")}
    assert destinations == {TOPIC}


def test_upstream_example_config_gives_its_series(activemq):
    text = (e2e.UPSTREAM_EXAMPLES / "activemq.yml").read_text()
    with activemq.agent.config_swapped(text):
        families = activemq.agent.wait_for(lambda f: "activemq_queue_dispatch_count" in f and "activemq_queue_queue_size" in f
                                           and "activemq_queue_memory_limit" in f, "the upstream example's series")
        for name in ("activemq_queue_queue_size", "activemq_queue_enqueue_count", "activemq_queue_dequeue_count",
                     "activemq_queue_consumer_count"):
            assert activemq.queue(families, name) is not None, name
        assert e2e.sample_value(families, "activemq_topic_consumer_count", destination=TOPIC) is not None
        # The example's whitelist keeps the advisory topics.
        assert any(dict(s.labels)["destination"].startswith("ActiveMQ.Advisory.")
                   for s in families["activemq_topic_enqueue_count"].samples)
        # Its gauge activemq_connections and counter activemq_connections_total share a family,
        # whose type is then `untyped` (spec §7.1: mixed types).
        assert families["activemq_connections"].type == "untyped"
        assert e2e.sample_value(families, "activemq_connections") is not None
        assert 0 <= e2e.sample_value(families, "activemq_memory_usage_ratio") <= 1
        assert families["activemq_enqueue_total"].type == "counter"
    activemq.agent.wait_for(lambda f: "activemq_queue_memory_limit" not in f, "rules/activemq.yml served again")


def test_prometheus_scrapes_the_agent_in_activemq(activemq, module_processes):
    e2e.assert_prometheus_scrapes(module_processes, "activemq", activemq.agent, [
        f'activemq_queue_queue_size{{destination="{QUEUE}"}} >= 0',
        "activemq_memory_usage_ratio",
        'jvm_threads_current > 0',
    ])
