"""Debian's Jetty 9.4 (start.jar, a jetty.base of the test's own with the jmx and stats modules)
with the agent in JAVA_TOOL_OPTIONS: rules/jetty.yml and a real Prometheus scraping it.
jmx_exporter ships no Jetty example, so there is no upstream config to compare with."""


import pytest

import e2e
import harness

e2e.require_packages("jetty9", "prometheus")

JETTY_HOME = "/usr/share/jetty9"
MODULES = "http,deploy,jmx,stats"
PROTOCOL = "HTTP_1_1"


class Jetty:
    def __init__(self, processes: harness.JvmLauncher, agent):
        base = processes.workdir / "jetty-base"
        (base / "webapps" / "ROOT").mkdir(parents=True)
        (base / "webapps" / "ROOT" / "index.html").write_text("<p>nativejmx e2e</p>\n")
        self.http_port = harness.free_port()
        agent_port = harness.free_port()
        agent_config = e2e.start_agent_config(processes.workdir, e2e.RULES / "jetty.yml")
        option = e2e.agent_option(agent, agent_port, agent_config)
        process = processes.spawn(
            [harness.DEBIAN_17.tool("java"), "-Xmx128m", "-jar", f"{JETTY_HOME}/start.jar",
             f"jetty.home={JETTY_HOME}", f"jetty.base={base}", f"--module={MODULES}",
             "jetty.http.host=127.0.0.1", f"jetty.http.port={self.http_port}"],
            e2e.jdk17_env(JAVA_TOOL_OPTIONS=option), env_note=f"(JAVA_TOOL_OPTIONS={option})",
            port=agent_port, name="jetty", cwd=base)
        self.agent = e2e.AgentInServer(process, agent_port, agent_config)

    def get(self, path: str) -> int:
        return e2e.http_status("127.0.0.1", self.http_port, path)


@pytest.fixture(scope="module")
def jetty(module_processes, agent):
    server = Jetty(module_processes, agent)
    e2e.wait_until(lambda: server.get("/") == 200, "Jetty serving /", e2e.START_TIMEOUT, server.agent.process)
    server.agent.wait_for(lambda f: "jetty_requests_total" in f and "jetty_threadpool_threads" in f,
                          "Jetty's statistics and thread pool beans")
    return server


def test_request_and_response_counts_rise_with_requests(jetty):
    before = jetty.agent.families()
    for _ in range(5):
        assert jetty.get("/") == 200
    assert jetty.get("/no-such-page") == 404

    def count(families, name, **labels):
        return e2e.sample_value(families, name, **labels)

    def risen(families):
        return (count(families, "jetty_requests_total") >= count(before, "jetty_requests_total") + 6
                and count(families, "jetty_responses_total", code="4xx")
                >= count(before, "jetty_responses_total", code="4xx") + 1)
    after = jetty.agent.wait_for(risen, "6 more requests, one of them answered 404")
    assert count(after, "jetty_responses_total", code="2xx") >= count(before, "jetty_responses_total", code="2xx") + 5
    assert count(after, "jetty_responses_bytes_total") > count(before, "jetty_responses_bytes_total")
    assert (count(after, "jetty_connections_received_bytes_total", protocol=PROTOCOL)
            > count(before, "jetty_connections_received_bytes_total", protocol=PROTOCOL))
    assert count(after, "jetty_request_time_seconds_total") >= count(before, "jetty_request_time_seconds_total")


def test_dashboard_series_have_their_types_and_labels(jetty):
    families = jetty.agent.families()
    for name in ("jetty_requests_total", "jetty_dispatched_total", "jetty_responses_total",
                 "jetty_request_time_seconds_total", "jetty_connections_total", "jetty_session_creations_total"):
        assert families[name].type == "counter", name
    for name in ("jetty_requests_active", "jetty_request_time_max_seconds", "jetty_stats_seconds",
                 "jetty_threadpool_threads", "jetty_threadpool_busy_threads", "jetty_threadpool_queue_size",
                 "jetty_connections_open"):
        assert families[name].type == "gauge", name
    assert {dict(s.labels)["code"] for s in families["jetty_responses_total"].samples} == {
        "1xx", "2xx", "3xx", "4xx", "5xx"}
    # Jetty's default thread pool: at most 200 threads (threadpool module default).
    assert e2e.sample_value(families, "jetty_threadpool_max_threads") == 200
    assert e2e.sample_value(families, "jetty_connections_open", protocol=PROTOCOL) >= 0
    assert e2e.sample_value(families, "jetty_session_creations_total", context="ROOT") is not None
    info = families["jetty_version"].samples
    assert len(info) == 1 and dict(info[0].labels)["version"].startswith("9.4."), info
    ours = {name for name in families if not name.startswith(("jvm_", "process_", "jmx_"))}
    assert all(name.startswith("jetty_") for name in ours), sorted(ours)


def test_prometheus_scrapes_the_agent_in_jetty(jetty, module_processes):
    e2e.assert_prometheus_scrapes(module_processes, "jetty", jetty.agent, [
        "jetty_requests_total > 0",
        'jetty_responses_total{code="2xx"} > 0',
        "jetty_threadpool_max_threads == 200",
    ])
