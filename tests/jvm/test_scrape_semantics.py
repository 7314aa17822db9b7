"""What a scrape reads and records, through a real JVM (spec §4.1–§4.6, §5.3, §7.2–§7.4, §15, §16):
metricCustomizers and failing bulk reads, auto-exclusion, HashSet visiting order, scrape aborts and
the failures that answer 500, and the PCRE2 match limit. Expected values come from the spec and the
fixtures' fixed values (tests/jvm/fixtures/FixtureBeans.java, ServerShapedBeans.java)."""

from harness import (VALUES_ONLY, int_value_rule, replace_config, scrape, scrape_families, single_value,
                     start_with_config)


def test_match_limit_counts_as_no_match_and_is_logged_once(launcher, tmp_path):
    # The look-ahead's nested quantifier backtracks exponentially over "nativejmx.test<type=Values><>..."
    # (never followed by ":x"), so PCRE2 stops at its match limit: no match, the next rule decides.
    jvm, config = start_with_config(launcher, tmp_path, VALUES_ONLY + "rules:\n"
                        "  - pattern: '(?=([a-zA-Z.<>=]+)+:x)'\n"
                        "    name: never\n"
                        "  - pattern: 'nativejmx.test<type=Values><>IntValue'\n"
                        "    name: fallback_int\n")
    for _ in range(2):
        fams = scrape_families(jvm)
        assert single_value(fams, "fallback_int") == "42.0"
        assert "never" not in fams
    lines = jvm.nativejmx_lines()
    pcre2 = [line for line in lines if "run on PCRE2" in line]
    assert len(pcre2) == 1 and "rules[0] (line 3)" in pcre2[0] and str(config) in pcre2[0], lines
    limit = [line for line in lines if "match limit" in line and "run on PCRE2" not in line]
    assert len(limit) == 1 and "rules[0] (line 3)" in limit[0] and str(config) in limit[0], lines


CUSTOMIZED = """metricCustomizers:
  - mbeanFilter:
      domain: nativejmx.test
      properties:
        type: Values
    attributesAsLabels: [StringValue]
    extraMetrics:
      - name: isActive
        value: true
        description: Is it active
  - mbeanFilter:
      domain: nativejmx.test
    attributesAsLabels: [Threads]
rules:
  - pattern: 'nativejmx.test<type=(Values|Stats)><>(IntValue|isActive|Threads)'
"""


def test_metric_customizers_label_every_sample_of_the_bean(launcher, tmp_path):
    # spec §4.4: the first matching customizer only; attributesAsLabels on every sample of the bean;
    # an extra metric goes through the rules like an attribute, with its description in HELP.
    jvm, _ = start_with_config(launcher, tmp_path, CUSTOMIZED)
    fams = scrape_families(jvm)
    assert fams["nativejmx_test_Values_IntValue"].sample_lines() == [
        'nativejmx_test_Values_IntValue{StringValue="hello"} 42.0']
    active = fams["nativejmx_test_Values_isActive"]
    assert active.sample_lines() == ['nativejmx_test_Values_isActive{StringValue="hello"} 1.0']
    assert active.help_line == ("# HELP nativejmx_test_Values_isActive "
                                "Is it active nativejmx.test:name=null,type=Values,attribute=isActive")
    # type=Stats is not matched by the first customizer's properties: the second one applies.
    assert fams["nativejmx_test_Stats_Threads"].sample_lines() == ['nativejmx_test_Stats_Threads{Threads="3"} 3.0']


def test_customizers_do_not_apply_when_the_bulk_read_fails(launcher, tmp_path):
    # spec §4.2: when getAttributes throws, attributes are read one by one and no customizer applies.
    jvm, _ = start_with_config(launcher, tmp_path, 'includeObjectNames: ["nativejmx.servers:*"]\n'
                   "metricCustomizers:\n"
                   "  - mbeanFilter:\n"
                   "      domain: nativejmx.servers\n"
                   "    attributesAsLabels: [Mode]\n"
                   "    extraMetrics:\n"
                   "      - name: extra\n"
                   "        value: 1\n", app_options=("--no-beans", "--server-beans"))
    fams = scrape_families(jvm)
    assert fams["nativejmx_servers_BulkReadWorks_Requests"].sample_lines() == [
        'nativejmx_servers_BulkReadWorks_Requests{Mode="fast"} 5.0']
    assert fams["nativejmx_servers_BulkReadWorks_extra"].sample_lines() == [
        'nativejmx_servers_BulkReadWorks_extra{Mode="fast"} 1.0']
    assert fams["nativejmx_servers_BulkReadFails_Requests"].sample_lines() == [
        "nativejmx_servers_BulkReadFails_Requests 5.0"]
    assert "nativejmx_servers_BulkReadFails_extra" not in fams


def test_scrape_abort_keeps_earlier_samples_and_shows_the_error_next_scrape(launcher, tmp_path):
    # spec §15: a bad group reference aborts the scrape (HTTP 200 with what was recorded), and
    # jmx_scrape_error shows 1 one scrape late (§9).
    jvm, config = start_with_config(launcher, tmp_path, VALUES_ONLY + "rules:\n"
                        "  - pattern: 'nativejmx.test<type=Values><>IntValue: (\\d+)'\n"
                        "    name: bad_$2\n")
    fams = scrape_families(jvm)
    assert single_value(fams, "jmx_scrape_error") == "0.0"
    assert not {name for name in fams if name.startswith("bad")}
    assert single_value(scrape_families(jvm), "jmx_scrape_error") == "1.0"
    replace_config(config, int_value_rule("good_int"))
    fams = scrape_families(jvm)
    assert single_value(fams, "good_int") == "42.0"
    assert single_value(fams, "jmx_scrape_error") == "1.0"
    assert single_value(scrape_families(jvm), "jmx_scrape_error") == "0.0"


def test_negative_counter_fails_the_scrape_with_500(launcher, tmp_path):
    # spec §7.4: client_java refuses a negative counter value; the javaagent answers 500.
    jvm, _ = start_with_config(launcher, tmp_path, VALUES_ONLY + "rules:\n"
                   "  - pattern: 'nativejmx.test<type=Values><>IntValue'\n"
                   "    name: below_zero\n"
                   "    type: COUNTER\n"
                   "    valueFactor: -1\n")
    response = scrape(jvm.port, timeout=60)
    assert response.status == 500, response.text
    assert response.text.startswith("An Exception occurred while scraping metrics: ")
    assert "counters cannot have a negative value" in response.text


def jvm_threads_rule(extra):
    return (VALUES_ONLY + "rules:\n"
            "  - pattern: 'nativejmx.test<type=Values><>IntValue'\n"
            "    name: jvm_threads_current\n" + extra)


def test_rule_named_like_a_jvm_family(launcher, tmp_path):
    # spec §7.4: same type and other labels merge under the JVM family's HELP and TYPE (the oracle's);
    # the same labels are duplicates and a different type conflicts: both make the scrape 500.
    jvm, config = start_with_config(launcher, tmp_path, jvm_threads_rule("    type: GAUGE\n    labels:\n      source: jmx\n"))
    family = scrape_families(jvm)["jvm_threads_current"]
    assert family.help_line == "# HELP jvm_threads_current Current thread count of a JVM"
    assert family.type == "gauge"
    assert sorted(s.labels for s in family.samples) == [(), (("source", "jmx"),)]
    assert [s.value for s in family.samples if s.labels] == ["42.0"]
    for extra in ("    type: GAUGE\n", "    type: COUNTER\n    labels:\n      source: jmx\n"):
        replace_config(config, jvm_threads_rule(extra))
        response = scrape(jvm.port, timeout=60)
        assert response.status == 500, extra + response.text
        assert response.text.startswith("An Exception occurred while scraping metrics: ")
        assert "jvm_threads_current" in response.text


def test_null_label_value_loads_and_aborts_each_scrape_where_the_rule_matches(launcher, tmp_path):
    # Java's (String) cast lets a null label value through at load; using it fails the scrape (§15).
    jvm, config = start_with_config(launcher, tmp_path, VALUES_ONLY + "rules:\n"
                        "  - pattern: 'nativejmx.test<type=Values><>IntValue'\n"
                        "    name: int_value\n"
                        "    labels:\n"
                        "      env:\n")
    fams = scrape_families(jvm)
    assert "int_value" not in fams
    assert single_value(scrape_families(jvm), "jmx_scrape_error") == "1.0"
    lines = jvm.nativejmx_lines()
    assert len(lines) == 1 and "rules[0].labels.env (line 6)" in lines[0] and str(config) in lines[0], lines


def test_auto_exclusion_stops_reading_unsupported_attributes(launcher, tmp_path):
    # spec §4.6: an attribute whose value has an unsupported type (a Character) is not read again
    # while autoExcludeObjectNameAttributes is on (the default). The fixture counts its reads in
    # the attribute after it.
    only = 'includeObjectNames: ["nativejmx.servers:type=UnsupportedValue"]\n'
    jvm, config = start_with_config(launcher, tmp_path, only, app_options=("--no-beans", "--server-beans"))
    reads = "nativejmx_servers_UnsupportedValue_Reads"
    assert [single_value(scrape_families(jvm), reads) for _ in range(3)] == ["1.0", "1.0", "1.0"]
    replace_config(config, only + "autoExcludeObjectNameAttributes: false\n")
    assert [single_value(scrape_families(jvm), reads) for _ in range(2)] == ["2.0", "3.0"]


def java_hash_set_bucket(text, capacity=16):
    """Where java.util.HashSet puts a String-hashed key: String.hashCode, spread as HashMap.hash does."""
    h = 0
    for unit in text.encode("utf-16-be").hex(" ", 2).split():
        h = (31 * h + int(unit, 16)) & 0xFFFFFFFF
    return (h ^ (h >> 16)) & (capacity - 1)


def test_family_help_comes_from_the_first_bean_in_hash_set_order(launcher, tmp_path):
    # spec §4.1, §7.2: beans are visited in HashSet order of their ObjectName (hashCode of the
    # canonical name), and a family takes the HELP of its first sample. Two beans, registered
    # First then Second, feed nativejmx_servers_same_Value with different HELP.
    canonical = {t: f"nativejmx.servers:kind=same,type={t}" for t in ("First", "Second")}
    first_visited = min(canonical, key=lambda t: java_hash_set_bucket(canonical[t]))
    assert first_visited == "Second", "the fixture names were chosen so hash order differs from registration order"
    jvm, _ = start_with_config(launcher, tmp_path, 'includeObjectNames: ["nativejmx.servers:kind=same,*"]\n',
                   app_options=("--no-beans", "--server-beans"))
    family = scrape_families(jvm)["nativejmx_servers_same_Value"]
    assert family.help_line == ("# HELP nativejmx_servers_same_Value the Value metric "
                                f"nativejmx.servers:name=null,type={first_visited},attribute=Value")
    assert family.sample_lines() == ['nativejmx_servers_same_Value{type="First"} 1.0',
                                     'nativejmx_servers_same_Value{type="Second"} 2.0']
