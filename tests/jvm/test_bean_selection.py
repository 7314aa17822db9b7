"""Which beans and attributes a scrape reads (spec §3.1, §4.1, §4.2): include/exclude lists and their
whitelist/blacklist aliases with ObjectName pattern semantics, the attribute include/exclude maps,
and excludeJvmMetrics with its two effects (§18 traps 15 and 16). The fixture's beans are in
tests/jvm/fixtures/FixtureApp.java; each config is installed by a reload (§13)."""

import pytest

from harness import DEBIAN_17, free_port, parse_exposition, replace_config, scrape, write_config

CATCH_ALL = 'rules:\n  - pattern: ".*"\n'


def bean_families(fams):
    """Families of the MBean walk (not the JVM, process or self families)."""
    return {name for name in fams if not name.startswith(("jvm_", "process_", "jmx_"))}


@pytest.fixture(scope="module")
def server(module_launcher):
    config = write_config(module_launcher.workdir / "config.yaml", CATCH_ALL)
    port = free_port()
    jvm = module_launcher.start(DEBIAN_17, ["forever"], f"{port}:{config}", port=port, name="selection")
    jvm.wait_until_serving(timeout=60)
    return jvm, config


def scrape_with(server, text):
    jvm, config = server
    replace_config(config, text)
    response = scrape(jvm.port, timeout=60)
    assert response.status == 200, response.text + jvm.describe()
    return parse_exposition(response.text)


ORDER1 = "nativejmx_order1_Order_Value"
ORDER2 = "nativejmx_order2_first_Value"


def test_exclude_wins_over_include(server):
    fams = scrape_with(server, CATCH_ALL + 'includeObjectNames: ["nativejmx.order1:*", "nativejmx.order2:*"]\n'
                                           'excludeObjectNames: ["nativejmx.order2:*"]\n')
    assert bean_families(fams) == {ORDER1}


def test_whitelist_is_read_only_without_include(server):
    fams = scrape_with(server, CATCH_ALL + 'includeObjectNames: ["nativejmx.order1:*"]\n'
                                           'whitelistObjectNames: ["nativejmx.order2:*"]\n')
    assert bean_families(fams) == {ORDER1}
    fams = scrape_with(server, CATCH_ALL + 'whitelistObjectNames: ["nativejmx.order2:*"]\n')
    assert bean_families(fams) == {ORDER2}


def test_blacklist_is_read_only_without_exclude(server):
    lists = 'includeObjectNames: ["nativejmx.order1:*", "nativejmx.order2:*"]\n'
    fams = scrape_with(server, CATCH_ALL + lists + 'excludeObjectNames: ["nativejmx.order1:*"]\n'
                                                   'blacklistObjectNames: ["nativejmx.order2:*"]\n')
    assert bean_families(fams) == {ORDER2}
    fams = scrape_with(server, CATCH_ALL + lists + 'blacklistObjectNames: ["nativejmx.order2:*"]\n')
    assert bean_families(fams) == {ORDER1}


def test_object_name_patterns(server):
    # Key order is irrelevant; `,*` allows more properties; `*` in the domain and in a value.
    fams = scrape_with(server, CATCH_ALL + 'includeObjectNames: ["nativejmx.order1:name=first,type=Order"]\n')
    assert bean_families(fams) == {ORDER1}
    fams = scrape_with(server, CATCH_ALL + 'includeObjectNames: ["nativejmx.order*:name=first,*"]\n')
    assert bean_families(fams) == {ORDER1, ORDER2}
    fams = scrape_with(server, CATCH_ALL + 'includeObjectNames: ["nativejmx.quoted:type=Quot*,*"]\n')
    assert bean_families(fams) == {"nativejmx_quoted_Quoted_Value"}
    # An empty include list selects nothing (not everything).
    fams = scrape_with(server, CATCH_ALL + "includeObjectNames: []\n")
    assert bean_families(fams) == set()


def test_include_attributes_leave_every_other_bean_out(server):
    fams = scrape_with(server, CATCH_ALL + "includeObjectNameAttributes:\n"
                                           '  "nativejmx.test:type=Values": [IntValue, LongValue]\n'
                                           # ObjectName equality: key order does not matter ...
                                           '  "nativejmx.order1:name=first,type=Order": [Value]\n'
                                           # ... and a pattern matches no bean.
                                           '  "nativejmx.order2:*": [Value]\n')
    assert bean_families(fams) == {"nativejmx_test_Values_IntValue", "nativejmx_test_Values_LongValue", ORDER1}


def test_exclude_attributes(server):
    fams = scrape_with(server, CATCH_ALL + 'includeObjectNames: ["nativejmx.test:type=Values"]\n'
                                           "excludeObjectNameAttributes:\n"
                                           '  "nativejmx.test:type=Values": [IntValue, Enabled]\n')
    names = bean_families(fams)
    assert "nativejmx_test_Values_LongValue" in names
    assert not names & {"nativejmx_test_Values_IntValue", "nativejmx_test_Values_Enabled"}
    # The exclude map is checked first: an attribute in both maps is not read.
    fams = scrape_with(server, CATCH_ALL + "includeObjectNameAttributes:\n"
                                           '  "nativejmx.test:type=Values": [IntValue, LongValue]\n'
                                           "excludeObjectNameAttributes:\n"
                                           '  "nativejmx.test:type=Values": [IntValue]\n')
    assert bean_families(fams) == {"nativejmx_test_Values_LongValue"}


def test_exclude_jvm_metrics_has_two_effects_and_explicit_includes_survive(launcher, tmp_path):
    config = write_config(tmp_path / "config.yaml",
                          CATCH_ALL + "excludeJvmMetrics: true\n"
                          'includeObjectNames: ["java.lang:type=Threading", "nativejmx.order1:*", "java.lang:*"]\n')
    port = free_port()
    jvm = launcher.start(DEBIAN_17, ["forever"], f"{port}:{config}", port=port)
    jvm.wait_until_serving(timeout=60)
    fams = parse_exposition(scrape(port, timeout=60).text)
    names = set(fams)
    # The client_java JVM and process families are not registered (§1.2 step 5) ...
    assert not {n for n in names if n.startswith(("jvm_", "process_"))}, names
    # ... and JVM-domain beans are dropped, except those an include pattern names explicitly:
    # `java.lang:*` names them too, so every java.lang bean survives.
    assert "java_lang_Threading_ThreadCount" in names and "java_lang_Memory_HeapMemoryUsage_used" in names
    assert ORDER1 in names

    replace_config(config, CATCH_ALL + "excludeJvmMetrics: true\n"
                   'includeObjectNames: ["java.lang:type=Threading", "nativejmx.order1:*"]\n')
    names = set(parse_exposition(scrape(port, timeout=60).text))
    assert "java_lang_Threading_ThreadCount" in names and ORDER1 in names
    assert "java_lang_Memory_HeapMemoryUsage_used" not in names

    # The JVM families are registered once at start-up: a reload does not bring them back (§13).
    replace_config(config, CATCH_ALL)
    names = set(parse_exposition(scrape(port, timeout=60).text))
    assert "java_lang_Memory_HeapMemoryUsage_used" in names
    assert not {n for n in names if n.startswith(("jvm_", "process_"))}, names
