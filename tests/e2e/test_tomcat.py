"""Debian's Tomcat 10 with the agent in CATALINA_OPTS: rules/tomcat.yml, the upstream example
config, and a real Prometheus scraping it. One Tomcat for the whole module, on OpenJDK 17."""

import shutil
from pathlib import Path

import pytest

import e2e
import harness

e2e.require_packages("tomcat10", "prometheus")

CATALINA_HOME = Path("/usr/share/tomcat10")
PROTOCOL = "http-nio"  # Tomcat 10's default HTTP/1.1 connector: GlobalRequestProcessor name "http-nio-PORT"


class Tomcat:
    def __init__(self, processes: harness.JvmLauncher, agent: Path):
        base = processes.workdir / "catalina-base"
        for sub in ("logs", "webapps/ROOT", "work", "temp"):
            (base / sub).mkdir(parents=True)
        shutil.copytree(CATALINA_HOME / "etc", base / "conf")
        self.http_port = harness.free_port()
        server_xml = base / "conf" / "server.xml"
        server_xml.write_text(server_xml.read_text().replace('port="8080"', f'port="{self.http_port}"'))
        (base / "webapps" / "ROOT" / "index.html").write_text("<p>nativejmx e2e</p>\n")

        agent_port = harness.free_port()
        config = e2e.start_agent_config(processes.workdir, e2e.RULES / "tomcat.yml")
        env = e2e.jdk17_env(CATALINA_HOME=str(CATALINA_HOME), CATALINA_BASE=str(base),
                            CATALINA_TMPDIR=str(base / "temp"),
                            CATALINA_OPTS=f"-Xmx256m {e2e.agent_option(agent, agent_port, config)}")
        process = processes.spawn([str(CATALINA_HOME / "bin" / "catalina.sh"), "run"], env,
                                  env_note="(CATALINA_OPTS=-agentpath:...)", port=agent_port, name="tomcat")
        self.agent = e2e.AgentInServer(process, agent_port, config)

    def get(self, path: str) -> int:
        return e2e.http_status("127.0.0.1", self.http_port, path)

    def connector(self, families, name: str) -> float | None:
        return e2e.sample_value(families, name, port=str(self.http_port), protocol=PROTOCOL)


@pytest.fixture(scope="module")
def tomcat(module_processes, agent):
    server = Tomcat(module_processes, agent)
    e2e.wait_until(lambda: server.get("/") == 200, "Tomcat serving /", e2e.START_TIMEOUT, server.agent.process)
    server.agent.wait_for(lambda f: server.connector(f, "tomcat_requestcount_total") is not None,
                          "tomcat_requestcount_total of the HTTP connector")
    return server


def test_request_and_error_counts_rise_with_requests(tomcat):
    before = tomcat.agent.families()
    for _ in range(5):
        assert tomcat.get("/") == 200
    assert tomcat.get("/no-such-page") == 404

    def risen(families):
        return all(tomcat.connector(families, name) >= tomcat.connector(before, name) + rise
                   for name, rise in (("tomcat_requestcount_total", 6), ("tomcat_errorcount_total", 1)))
    after = tomcat.agent.wait_for(risen, "request and error counts rising by 6 and 1")
    assert tomcat.connector(after, "tomcat_bytessent_total") > tomcat.connector(before, "tomcat_bytessent_total")
    # The default servlet of the ROOT webapp served every one of those requests.
    servlet = dict(module="localhost/", servlet="default")
    assert (e2e.sample_value(after, "tomcat_servlet_requestcount_total", **servlet)
            >= e2e.sample_value(before, "tomcat_servlet_requestcount_total", **servlet) + 6)


def test_dashboard_series_have_their_types_and_labels(tomcat):
    families = tomcat.agent.families()
    for name in ("tomcat_requestcount_total", "tomcat_errorcount_total", "tomcat_bytesreceived_total",
                 "tomcat_processingtime_total"):
        assert families[name].type == "counter", name
        assert tomcat.connector(families, name) is not None, name
    for name in ("tomcat_threadpool_currentthreadsbusy", "tomcat_threadpool_currentthreadcount",
                 "tomcat_threadpool_maxthreads", "tomcat_threadpool_connectioncount", "tomcat_maxtime"):
        assert families[name].type == "gauge", name
        assert tomcat.connector(families, name) is not None, name
    # Tomcat's default maxThreads is 200 (server.xml does not change it).
    assert tomcat.connector(families, "tomcat_threadpool_maxthreads") == 200
    root_context = dict(host="localhost", context="/")
    assert e2e.sample_value(families, "tomcat_session_activesessions", **root_context) == 0
    assert e2e.sample_value(families, "tomcat_session_sessioncounter_total", **root_context) is not None
    info = families["tomcat_serverinfo_total"].samples
    assert len(info) == 1 and dict(info[0].labels)["serverinfo"].startswith("Apache Tomcat/10."), info


def test_only_the_included_beans_are_walked(tomcat):
    families = tomcat.agent.families()
    ours = {name for name in families if not name.startswith(("jvm_", "process_", "jmx_"))}
    assert ours and all(name.startswith("tomcat_") for name in ours), sorted(ours)


def test_upstream_example_config_gives_its_series(tomcat):
    text = (e2e.UPSTREAM_EXAMPLES / "tomcat.yml").read_text()
    # Every numeric attribute of GlobalRequestProcessor becomes tomcat_<attribute>_total in that file.
    global_counters = [f"tomcat_{attribute}_total" for attribute in
                       ("requestcount", "errorcount", "bytesreceived", "bytessent", "processingtime", "maxtime")]
    with tomcat.agent.config_swapped(text):
        families = tomcat.agent.wait_for(lambda f: "tomcat_maxtime_total" in f, "the upstream example's series")
        for name in global_counters:
            assert families[name].type == "counter", name
            assert tomcat.connector(families, name) is not None, name
        for name in ("tomcat_threadpool_currentthreadsbusy", "tomcat_threadpool_maxthreads"):
            assert tomcat.connector(families, name) is not None, name
        assert e2e.sample_value(families, "tomcat_servlet_requestcount_total",
                                module="localhost/", servlet="default") is not None
        assert e2e.sample_value(families, "tomcat_session_sessioncounter_total",
                                host="localhost", context="/") is not None
        assert e2e.counter_sample_name("tomcat_serverinfo") in families
    tomcat.agent.wait_for(lambda f: "tomcat_maxtime" in f, "rules/tomcat.yml served again")


def test_prometheus_scrapes_the_agent_in_tomcat(tomcat, module_processes):
    port = tomcat.http_port
    e2e.assert_prometheus_scrapes(module_processes, "tomcat", tomcat.agent, [
        f'tomcat_requestcount_total{{port="{port}",protocol="{PROTOCOL}"}} > 0',
        f'tomcat_threadpool_maxthreads{{port="{port}"}} == 200',
        'jvm_memory_used_bytes{area="heap"} > 0',
    ])
