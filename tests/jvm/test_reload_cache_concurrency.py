"""Config reload (spec §13), the rule cache (§12.1) and concurrent scrapes (§14) through a real JVM,
with the self metrics' one-scrape lag (§9). Expected values come from the spec and the fixture's
fixed values (tests/jvm/fixtures/FixtureBeans.java)."""

import threading

from harness import DEBIAN_17, free_port, parse_exposition, scrape, touch_later, write_config

ONLY_VALUES = 'includeObjectNames: ["nativejmx.test:type=Values"]\n'


def named_int(name):
    return (ONLY_VALUES + "rules:\n"
            f"  - pattern: 'nativejmx.test<type=Values><>IntValue: (\\d+)'\n"
            f"    name: {name}\n")


BAD = "lowercaseOutputName: 7\n"   # a YAML int where the javaagent casts to Boolean (spec §2)


def start(launcher, tmp_path, text, app_options=()):
    config = write_config(tmp_path / "config.yaml", text)
    port = free_port()
    jvm = launcher.start(DEBIAN_17, [*app_options, "forever"], f"{port}:{config}", port=port)
    jvm.wait_until_serving(timeout=60)
    return jvm, config


def families(jvm):
    response = scrape(jvm.port, timeout=60)
    assert response.status == 200, response.text + jvm.describe()
    return parse_exposition(response.text)


def value(fams, family):
    samples = fams[family].samples
    assert len(samples) == 1, fams[family].sample_lines()
    return samples[0].value


def reloads(fams):
    return value(fams, "jmx_config_reload_success_total"), value(fams, "jmx_config_reload_failure_total")


def replace(config, text):
    config.write_text(text)
    touch_later(config)


def test_reload_good_to_good_to_bad_to_good(launcher, tmp_path):
    jvm, config = start(launcher, tmp_path, named_int("first_int"))
    fams = families(jvm)
    assert value(fams, "first_int") == "42.0"
    assert reloads(fams) == ("0.0", "0.0")

    # good -> good: the new rules apply in the scrape that notices the change; the counter shows next time.
    replace(config, named_int("second_int"))
    fams = families(jvm)
    assert value(fams, "second_int") == "42.0" and "first_int" not in fams
    assert reloads(fams) == ("0.0", "0.0")
    assert reloads(families(jvm)) == ("1.0", "0.0")

    # good -> bad: the old config stays; the failure is retried and counted on every scrape.
    replace(config, BAD)
    fams = families(jvm)
    assert value(fams, "second_int") == "42.0"
    assert reloads(fams) == ("1.0", "0.0")
    fams = families(jvm)
    assert value(fams, "second_int") == "42.0"
    assert reloads(fams) == ("1.0", "1.0")
    assert reloads(families(jvm)) == ("1.0", "2.0")
    lines = jvm.nativejmx_lines()
    assert len(lines) == 1 and "lowercaseOutputName" in lines[0] and str(config) in lines[0], lines

    # bad -> good
    replace(config, named_int("third_int"))
    fams = families(jvm)
    assert value(fams, "third_int") == "42.0" and "second_int" not in fams
    assert reloads(fams) == ("1.0", "3.0")
    assert reloads(families(jvm)) == ("2.0", "3.0")
    assert reloads(families(jvm)) == ("2.0", "3.0"), "an unchanged file is not reloaded"


def test_deleted_file_keeps_the_config_without_counting_failures(launcher, tmp_path):
    # The javaagent compares File.lastModified(), which is 0 for a missing file: never newer (§13).
    jvm, config = start(launcher, tmp_path, named_int("first_int"))
    config.unlink()
    for _ in range(2):
        fams = families(jvm)
        assert value(fams, "first_int") == "42.0"
        assert reloads(fams) == ("0.0", "0.0")
    replace(config, named_int("second_int"))
    assert value(families(jvm), "second_int") == "42.0"
    assert reloads(families(jvm)) == ("1.0", "0.0")
    assert jvm.nativejmx_lines() == []


CACHED = ONLY_VALUES + """rules:
  - pattern: 'nativejmx.test<type=Values><>IntValue: (.*)'
    name: cached_int
    labels:
      seen: "$1"
    cache: true
  - pattern: 'nativejmx.test<type=Values><>LongValue: (.*)'
    name: uncached_long
    labels:
      seen: "$1"
"""


def test_cached_rule_sees_cache_and_cached_beans_lag_one_scrape(launcher, tmp_path):
    jvm, _ = start(launcher, tmp_path, CACHED)
    fams = families(jvm)
    # A cached rule's input ends in "<cache>", not the value (§5.1); the sample still has the value.
    assert fams["cached_int"].sample_lines() == ['cached_int{seen="<cache>"} 42.0']
    assert fams["uncached_long"].sample_lines() == ['uncached_long{seen="1234567890123"} 1.234567890123E12']
    assert value(fams, "jmx_scrape_cached_beans") == "0.0"   # the first scrape shows 0 (§9)
    # A recorded attribute touches one cache key when the cached rule matches it or no rule does
    # (§12.1). type=Values records 16 (§4.5: 14 numbers/booleans, the String, the enum; the empty
    # Optional, null, array, Character, List and the throwing getter record nothing), and LongValue
    # is matched by the uncached rule, which stores nothing: 15.
    for _ in range(2):
        fams = families(jvm)
        assert value(fams, "jmx_scrape_cached_beans") == "15.0"
        assert fams["cached_int"].sample_lines() == ['cached_int{seen="<cache>"} 42.0']


def fixture_families(fams):
    return {name: family.sample_lines() for name, family in fams.items() if name.startswith("nativejmx_")}


def test_concurrent_scrapes_are_all_answered_completely(launcher, tmp_path):
    jvm, _ = start(launcher, tmp_path, 'rules:\n  - pattern: ".*"\n')
    expected = families(jvm)
    results, errors = [], []

    def scrape_three_times():
        try:
            for _ in range(3):
                results.append(scrape(jvm.port, timeout=120))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=scrape_three_times) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert len(results) == 24
    for response in results:
        assert response.status == 200, response.text
        fams = parse_exposition(response.text)
        # The fixture's beans are fixed; JVM families may grow once a GC has run.
        assert fixture_families(fams) == fixture_families(expected)
        assert value(fams, "nativejmx_test_Values_IntValue") == "42.0"


def test_reloaded_remote_connection_fails_every_scrape_until_fixed(launcher, tmp_path):
    # The javaagent reloads a valid collector config with hostPort, then its agent-mode check makes
    # every scrape fail with HTTP 500 (spec §13); the reload counts as a success.
    jvm, config = start(launcher, tmp_path, named_int("first_int"))
    assert reloads(families(jvm)) == ("0.0", "0.0")
    replace(config, "hostPort: localhost:5555\n" + named_int("remote_int"))
    for _ in range(2):
        response = scrape(jvm.port, timeout=60)
        assert response.status == 500, response.text
        assert "you must not configure 'jmxUrl' or 'hostPort'" in response.text and str(config) in response.text
    replace(config, named_int("fixed_int"))
    fams = families(jvm)
    assert value(fams, "fixed_int") == "42.0"
    assert reloads(fams) == ("1.0", "0.0")
    assert reloads(families(jvm)) == ("2.0", "0.0")


def test_match_limit_counts_as_no_match_and_is_logged_once(launcher, tmp_path):
    # The look-ahead's nested quantifier backtracks exponentially over "nativejmx.test<type=Values><>..."
    # (never followed by ":x"), so PCRE2 stops at its match limit: no match, the next rule decides.
    jvm, config = start(launcher, tmp_path, ONLY_VALUES + "rules:\n"
                        "  - pattern: '(?=([a-zA-Z.<>=]+)+:x)'\n"
                        "    name: never\n"
                        "  - pattern: 'nativejmx.test<type=Values><>IntValue'\n"
                        "    name: fallback_int\n")
    for _ in range(2):
        fams = families(jvm)
        assert value(fams, "fallback_int") == "42.0"
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
    jvm, _ = start(launcher, tmp_path, CUSTOMIZED)
    fams = families(jvm)
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
    jvm, _ = start(launcher, tmp_path, 'includeObjectNames: ["nativejmx.servers:*"]\n'
                   "metricCustomizers:\n"
                   "  - mbeanFilter:\n"
                   "      domain: nativejmx.servers\n"
                   "    attributesAsLabels: [Mode]\n"
                   "    extraMetrics:\n"
                   "      - name: extra\n"
                   "        value: 1\n", app_options=("--no-beans", "--server-beans"))
    fams = families(jvm)
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
    jvm, config = start(launcher, tmp_path, ONLY_VALUES + "rules:\n"
                        "  - pattern: 'nativejmx.test<type=Values><>IntValue: (\\d+)'\n"
                        "    name: bad_$2\n")
    fams = families(jvm)
    assert value(fams, "jmx_scrape_error") == "0.0"
    assert not {name for name in fams if name.startswith("bad")}
    assert value(families(jvm), "jmx_scrape_error") == "1.0"
    replace(config, named_int("good_int"))
    fams = families(jvm)
    assert value(fams, "good_int") == "42.0"
    assert value(fams, "jmx_scrape_error") == "1.0"
    assert value(families(jvm), "jmx_scrape_error") == "0.0"


def test_negative_counter_fails_the_scrape_with_500(launcher, tmp_path):
    # spec §7.4: client_java refuses a negative counter value; the javaagent answers 500.
    jvm, _ = start(launcher, tmp_path, ONLY_VALUES + "rules:\n"
                   "  - pattern: 'nativejmx.test<type=Values><>IntValue'\n"
                   "    name: below_zero\n"
                   "    type: COUNTER\n"
                   "    valueFactor: -1\n")
    response = scrape(jvm.port, timeout=60)
    assert response.status == 500, response.text
    assert response.text.startswith("An Exception occurred while scraping metrics: ")
    assert "counters cannot have a negative value" in response.text


def jvm_threads_rule(extra):
    return (ONLY_VALUES + "rules:\n"
            "  - pattern: 'nativejmx.test<type=Values><>IntValue'\n"
            "    name: jvm_threads_current\n" + extra)


def test_rule_named_like_a_jvm_family(launcher, tmp_path):
    # spec §7.4: same type and other labels merge under the JVM family's HELP and TYPE (the oracle's);
    # the same labels are duplicates and a different type conflicts: both make the scrape 500.
    jvm, config = start(launcher, tmp_path, jvm_threads_rule("    type: GAUGE\n    labels:\n      source: jmx\n"))
    family = families(jvm)["jvm_threads_current"]
    assert family.help_line == "# HELP jvm_threads_current Current thread count of a JVM"
    assert family.type == "gauge"
    assert sorted(s.labels for s in family.samples) == [(), (("source", "jmx"),)]
    assert [s.value for s in family.samples if s.labels] == ["42.0"]
    for extra in ("    type: GAUGE\n", "    type: COUNTER\n    labels:\n      source: jmx\n"):
        replace(config, jvm_threads_rule(extra))
        response = scrape(jvm.port, timeout=60)
        assert response.status == 500, extra + response.text
        assert response.text.startswith("An Exception occurred while scraping metrics: ")
        assert "jvm_threads_current" in response.text


def test_null_label_value_loads_and_aborts_each_scrape_where_the_rule_matches(launcher, tmp_path):
    # Java's (String) cast lets a null label value through at load; using it fails the scrape (§15).
    jvm, config = start(launcher, tmp_path, ONLY_VALUES + "rules:\n"
                        "  - pattern: 'nativejmx.test<type=Values><>IntValue'\n"
                        "    name: int_value\n"
                        "    labels:\n"
                        "      env:\n")
    fams = families(jvm)
    assert "int_value" not in fams
    assert value(families(jvm), "jmx_scrape_error") == "1.0"
    lines = jvm.nativejmx_lines()
    assert len(lines) == 1 and "rules[0].labels.env (line 6)" in lines[0] and str(config) in lines[0], lines


def test_with_scrape_timeout_a_failing_jmx_part_is_the_last_good_one_and_an_error(launcher, tmp_path):
    # spec §14: with scrapeTimeoutSeconds, a failure of the JMX collector (here a negative counter,
    # a 500 without it) sets jmx_scrape_error and answers its last good result.
    timeout = "scrapeTimeoutSeconds: 30\n"
    jvm, config = start(launcher, tmp_path, timeout + named_int("first_int"))
    assert value(families(jvm), "first_int") == "42.0"
    replace(config, timeout + named_int("below_zero") + "    type: COUNTER\n    valueFactor: -1\n")
    fams = families(jvm)
    assert value(fams, "first_int") == "42.0" and "below_zero_total" not in fams
    assert value(fams, "jmx_scrape_error") == "0.0"   # shown one scrape late
    fams = families(jvm)
    assert value(fams, "first_int") == "42.0"
    assert value(fams, "jmx_scrape_error") == "1.0"
    assert reloads(fams) == ("1.0", "0.0")


def test_auto_exclusion_stops_reading_unsupported_attributes(launcher, tmp_path):
    # spec §4.6: an attribute whose value has an unsupported type (a Character) is not read again
    # while autoExcludeObjectNameAttributes is on (the default). The fixture counts its reads in
    # the attribute after it.
    only = 'includeObjectNames: ["nativejmx.servers:type=UnsupportedValue"]\n'
    jvm, config = start(launcher, tmp_path, only, app_options=("--no-beans", "--server-beans"))
    reads = "nativejmx_servers_UnsupportedValue_Reads"
    assert [value(families(jvm), reads) for _ in range(3)] == ["1.0", "1.0", "1.0"]
    replace(config, only + "autoExcludeObjectNameAttributes: false\n")
    assert [value(families(jvm), reads) for _ in range(2)] == ["2.0", "3.0"]


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
    jvm, _ = start(launcher, tmp_path, 'includeObjectNames: ["nativejmx.servers:kind=same,*"]\n',
                   app_options=("--no-beans", "--server-beans"))
    family = families(jvm)["nativejmx_servers_same_Value"]
    assert family.help_line == ("# HELP nativejmx_servers_same_Value the Value metric "
                                f"nativejmx.servers:name=null,type={first_visited},attribute=Value")
    assert family.sample_lines() == ['nativejmx_servers_same_Value{type="First"} 1.0',
                                     'nativejmx_servers_same_Value{type="Second"} 2.0']
