"""Config reload (spec §13), the rule cache (§12.1) and concurrent scrapes with scrapeTimeoutSeconds
(§14) through a real JVM, with the self metrics' one-scrape lag (§9). Expected values come from the
spec and the fixture's fixed values (tests/jvm/fixtures/FixtureBeans.java)."""

import threading

from harness import (VALUES_ONLY, int_value_rule, parse_exposition, replace_config, scrape, scrape_families,
                     single_value, start_with_config)

BAD = "lowercaseOutputName: 7\n"   # a YAML int where the javaagent casts to Boolean (spec §2)


def reloads(fams):
    return single_value(fams, "jmx_config_reload_success_total"), single_value(fams, "jmx_config_reload_failure_total")


def test_reload_good_to_good_to_bad_to_good(launcher, tmp_path):
    jvm, config = start_with_config(launcher, tmp_path, int_value_rule("first_int"))
    fams = scrape_families(jvm)
    assert single_value(fams, "first_int") == "42.0"
    assert reloads(fams) == ("0.0", "0.0")

    # good -> good: the new rules apply in the scrape that notices the change; the counter shows next time.
    replace_config(config, int_value_rule("second_int"))
    fams = scrape_families(jvm)
    assert single_value(fams, "second_int") == "42.0" and "first_int" not in fams
    assert reloads(fams) == ("0.0", "0.0")
    assert reloads(scrape_families(jvm)) == ("1.0", "0.0")

    # good -> bad: the old config stays; the failure is retried and counted on every scrape.
    replace_config(config, BAD)
    fams = scrape_families(jvm)
    assert single_value(fams, "second_int") == "42.0"
    assert reloads(fams) == ("1.0", "0.0")
    fams = scrape_families(jvm)
    assert single_value(fams, "second_int") == "42.0"
    assert reloads(fams) == ("1.0", "1.0")
    assert reloads(scrape_families(jvm)) == ("1.0", "2.0")
    lines = jvm.nativejmx_lines()
    assert len(lines) == 1 and "lowercaseOutputName" in lines[0] and str(config) in lines[0], lines

    # bad -> good
    replace_config(config, int_value_rule("third_int"))
    fams = scrape_families(jvm)
    assert single_value(fams, "third_int") == "42.0" and "second_int" not in fams
    assert reloads(fams) == ("1.0", "3.0")
    assert reloads(scrape_families(jvm)) == ("2.0", "3.0")
    assert reloads(scrape_families(jvm)) == ("2.0", "3.0"), "an unchanged file is not reloaded"


def test_deleted_file_keeps_the_config_without_counting_failures(launcher, tmp_path):
    # The javaagent compares File.lastModified(), which is 0 for a missing file: never newer (§13).
    jvm, config = start_with_config(launcher, tmp_path, int_value_rule("first_int"))
    config.unlink()
    for _ in range(2):
        fams = scrape_families(jvm)
        assert single_value(fams, "first_int") == "42.0"
        assert reloads(fams) == ("0.0", "0.0")
    replace_config(config, int_value_rule("second_int"))
    assert single_value(scrape_families(jvm), "second_int") == "42.0"
    assert reloads(scrape_families(jvm)) == ("1.0", "0.0")
    assert jvm.nativejmx_lines() == []


CACHED = VALUES_ONLY + """rules:
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
    jvm, _ = start_with_config(launcher, tmp_path, CACHED)
    fams = scrape_families(jvm)
    # A cached rule's input ends in "<cache>", not the value (§5.1); the sample still has the value.
    assert fams["cached_int"].sample_lines() == ['cached_int{seen="<cache>"} 42.0']
    assert fams["uncached_long"].sample_lines() == ['uncached_long{seen="1234567890123"} 1.234567890123E12']
    assert single_value(fams, "jmx_scrape_cached_beans") == "0.0"   # the first scrape shows 0 (§9)
    # A recorded attribute touches one cache key when the cached rule matches it or no rule does
    # (§12.1). type=Values records 16 (§4.5: 14 numbers/booleans, the String, the enum; the empty
    # Optional, null, array, Character, List and the throwing getter record nothing), and LongValue
    # is matched by the uncached rule, which stores nothing: 15.
    for _ in range(2):
        fams = scrape_families(jvm)
        assert single_value(fams, "jmx_scrape_cached_beans") == "15.0"
        assert fams["cached_int"].sample_lines() == ['cached_int{seen="<cache>"} 42.0']


def fixture_families(fams):
    return {name: family.sample_lines() for name, family in fams.items() if name.startswith("nativejmx_")}


def test_concurrent_scrapes_are_all_answered_completely(launcher, tmp_path):
    jvm, _ = start_with_config(launcher, tmp_path, 'rules:\n  - pattern: ".*"\n')
    expected = scrape_families(jvm)
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
        assert single_value(fams, "nativejmx_test_Values_IntValue") == "42.0"


def test_reloaded_remote_connection_fails_every_scrape_until_fixed(launcher, tmp_path):
    # The javaagent reloads a valid collector config with hostPort, then its agent-mode check makes
    # every scrape fail with HTTP 500 (spec §13); the reload counts as a success.
    jvm, config = start_with_config(launcher, tmp_path, int_value_rule("first_int"))
    assert reloads(scrape_families(jvm)) == ("0.0", "0.0")
    replace_config(config, "hostPort: localhost:5555\n" + int_value_rule("remote_int"))
    for _ in range(2):
        response = scrape(jvm.port, timeout=60)
        assert response.status == 500, response.text
        assert "you must not configure 'jmxUrl' or 'hostPort'" in response.text and str(config) in response.text
    replace_config(config, int_value_rule("fixed_int"))
    fams = scrape_families(jvm)
    assert single_value(fams, "fixed_int") == "42.0"
    assert reloads(fams) == ("1.0", "0.0")
    assert reloads(scrape_families(jvm)) == ("2.0", "0.0")




def test_with_scrape_timeout_a_failing_jmx_part_is_the_last_good_one_and_an_error(launcher, tmp_path):
    # spec §14: with scrapeTimeoutSeconds, a failure of the JMX collector (here a negative counter,
    # a 500 without it) sets jmx_scrape_error and answers its last good result.
    timeout = "scrapeTimeoutSeconds: 30\n"
    jvm, config = start_with_config(launcher, tmp_path, timeout + int_value_rule("first_int"))
    assert single_value(scrape_families(jvm), "first_int") == "42.0"
    replace_config(config, timeout + int_value_rule("below_zero") + "    type: COUNTER\n    valueFactor: -1\n")
    fams = scrape_families(jvm)
    assert single_value(fams, "first_int") == "42.0" and "below_zero_total" not in fams
    assert single_value(fams, "jmx_scrape_error") == "0.0"   # shown one scrape late
    fams = scrape_families(jvm)
    assert single_value(fams, "first_int") == "42.0"
    assert single_value(fams, "jmx_scrape_error") == "1.0"
    assert reloads(fams) == ("1.0", "0.0")

