"""Every curated rule set in rules/ loads in the agent, and rules/jvm.yml gives a plain JVM the
series it promises. One fixture JVM (tests/jvm/fixtures, with its own beans) for the module;
the rule sets are swapped in through the agent's config reload."""

import pytest

import e2e
import harness

RULE_SETS = sorted(e2e.RULES.glob("*.yml"))
OPERATING_SYSTEM_PREFIX = "java_lang_OperatingSystem_"


@pytest.fixture(scope="module")
def plain_jvm(tmp_path_factory, agent):
    workdir = tmp_path_factory.mktemp("rule_sets")
    classes = harness.compile_fixtures(workdir / "classes")
    launcher = harness.JvmLauncher(workdir, classes, agent)
    port = harness.free_port()
    config = e2e.start_agent_config(workdir, e2e.RULES / "jvm.yml")
    jvm = launcher.start(harness.DEBIAN_17, ["forever"], f"{port}:{config}", port=port)
    jvm.wait_until_serving(timeout=e2e.START_TIMEOUT)
    yield e2e.AgentInServer(jvm, port, config)
    launcher.close()


def reloads(families) -> tuple[float, float]:
    """(successful, failed) config reloads so far."""
    return (e2e.sample_value(families, "jmx_config_reload_success_total"),
            e2e.sample_value(families, "jmx_config_reload_failure_total"))


def test_the_rule_set_directory_has_every_server():
    assert {path.stem for path in RULE_SETS} >= {"jvm", "kafka", "tomcat", "zookeeper", "activemq", "jetty"}


def test_jvm_rules_add_the_operating_system_and_nothing_else(plain_jvm):
    families = plain_jvm.families()
    for name in ("jvm_memory_used_bytes", "jvm_threads_current", "jvm_gc_collection_seconds",
                 "jvm_classes_currently_loaded", "process_cpu_seconds_total", "process_open_fds"):
        assert name in families, name
    for attribute in ("ProcessCpuLoad", "SystemLoadAverage", "AvailableProcessors", "FreeMemorySize",
                      "OpenFileDescriptorCount", "MaxFileDescriptorCount"):
        assert OPERATING_SYSTEM_PREFIX + attribute in families, attribute
    assert e2e.sample_value(families, OPERATING_SYSTEM_PREFIX + "AvailableProcessors") >= 1
    assert e2e.sample_value(families, OPERATING_SYSTEM_PREFIX + "OpenFileDescriptorCount") > 0
    # No other platform bean (java.lang:type=Memory, ...) and none of the fixture's own beans.
    beans = {name for name in families if not name.startswith(("jvm_", "process_", "jmx_"))}
    assert all(name.startswith(OPERATING_SYSTEM_PREFIX) for name in beans), sorted(beans)


def test_jvm_rules_name_the_operating_system_as_the_catch_all_config_does(plain_jvm):
    def operating_system(families):
        return harness.metadata_lines(families, lambda name: name.startswith(OPERATING_SYSTEM_PREFIX))
    ours = operating_system(plain_jvm.families())
    with plain_jvm.config_swapped(harness.CATCH_ALL_CONFIG):
        catch_all = plain_jvm.wait_for(lambda f: "java_lang_Memory_HeapMemoryUsage_used" in f, "the catch-all config")
    # The same families, HELP and TYPE lines; the catch-all has a few more attributes.
    assert set(ours) <= set(operating_system(catch_all))


@pytest.mark.parametrize("rule_set", RULE_SETS, ids=lambda path: path.name)
def test_rule_set_loads_without_a_complaint(plain_jvm, rule_set):
    before = plain_jvm.families()
    log_lines = len(plain_jvm.process.nativejmx_lines())
    plain_jvm.write_config(rule_set.read_text())
    succeeded, failed = reloads(before)
    after = plain_jvm.wait_for(lambda f: reloads(f) != (succeeded, failed), f"a reload of {rule_set.name}")
    assert reloads(after) == (succeeded + 1, failed), plain_jvm.process.nativejmx_lines()[log_lines:]
    assert plain_jvm.process.nativejmx_lines()[log_lines:] == []
