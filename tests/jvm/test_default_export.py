"""Default-format export of the fixture beans (spec §4.5, §4.7, §5.3, §5.5, §5.7, §6.1, §7.5, §8.2).

Every expected line below was written by hand from the spec and the fixture's fixed values
(tests/jvm/fixtures/FixtureBeans.java), not taken from the agent's output.
"""

import re

import pytest

from harness import (CATCH_ALL_CONFIG, EMPTY_CONFIG, JDKS, free_port, metadata_lines, parse_exposition,
                     scrape, series_of, write_config)

CONFIGS = {
    "empty": EMPTY_CONFIG,
    "catch_all": CATCH_ALL_CONFIG,
    # Other keys, no `rules`: the default rule applies (spec §3.1, §5.3).
    "no_rules": ("lowercaseOutputName: false\n"
                 "lowercaseOutputLabelNames: false\n"
                 "autoExcludeObjectNameAttributes: true\n"
                 "excludeObjectNames:\n"
                 "  - \"nativejmx.absent:*\"\n"),
}

STANDARD = "Attribute exposed for management"  # Standard MBean attribute description
USAGE = "nativejmx.fixture.Usage"  # MXBean CompositeType description = the class name
MAP_LONG = "java.util.Map<java.lang.String, java.lang.Long>"  # MXBean Map row-type description


def family(name, help_text, *samples):
    """Expected family: (HELP line, TYPE line, sample lines). All default-format families are untyped."""
    return name, (f"# HELP {name} {help_text}", f"# TYPE {name} untyped", list(samples))


def values(attribute, value):
    name = f"nativejmx_test_Values_{attribute}"
    return family(name, f"{STANDARD} nativejmx.test:name=null,type=Values,attribute={attribute}", f"{name} {value}")


EXPECTED_FAMILIES = dict([
    # Standard MBean nativejmx.test:type=Values: one sample per numeric/boolean/Date/Optional value,
    # printed with Java's Double.toString (§4.5, §8.2).
    values("IntValue", "42.0"),
    values("LongValue", "1.234567890123E12"),
    values("DoubleValue", "1.23456789E7"),
    values("SmallDouble", "1.0E-4"),
    values("NotANumber", "NaN"),
    values("PositiveInfinity", "+Inf"),
    values("FloatValue", "0.20000000298023224"),      # 0.2f widened to double
    values("BigDecimalValue", "1000.0"),               # new BigDecimal("1E+3")
    values("BigIntegerValue", "9.007199254740992E15"),  # 2^53 + 1 -> doubleValue 2^53
    values("AtomicLongValue", "7.0"),
    values("Enabled", "1.0"),
    values("Disabled", "0.0"),
    values("DateValue", "1.7000000005E9"),             # Date(1700000000500 ms) -> seconds
    values("PresentOptional", "5.0"),                  # Optional.of(5): the content, same name
    # MXBean nativejmx.test:type=Stats: descriptions equal attribute names, so no HELP prefix (§5.7).
    family("nativejmx_test_Stats_Threads", "nativejmx.test:name=null,type=Stats,attribute=Threads",
           "nativejmx_test_Stats_Threads 3.0"),
    # CompositeData: one family per item, items sorted, HELP = CompositeType description + item name.
    family("nativejmx_test_Stats_Heap_max", f"{USAGE} nativejmx.test:name=null,type=Stats,attribute=max",
           "nativejmx_test_Stats_Heap_max 2048.0"),
    family("nativejmx_test_Stats_Heap_used", f"{USAGE} nativejmx.test:name=null,type=Stats,attribute=used",
           "nativejmx_test_Stats_Heap_used 1024.0"),
    # Map<String, Long> = TabularData index `key`, column `value`: the `value` column is not named,
    # the index becomes a `key` label, HELP = row-type description (§4.7).
    family("nativejmx_test_Stats_Counts", f"{MAP_LONG} nativejmx.test:name=null,type=Stats,attribute=Counts",
           'nativejmx_test_Stats_Counts{key="alpha"} 1.0',
           'nativejmx_test_Stats_Counts{key="beta"} 2.0'),
    # Map<String, Usage>: the `value` cell is CompositeData, recursed under the table's name.
    family("nativejmx_test_Stats_Pools_max", f"{USAGE} nativejmx.test:name=null,type=Stats,attribute=max",
           'nativejmx_test_Stats_Pools_max{key="eden"} 100.0',
           'nativejmx_test_Stats_Pools_max{key="old"} 200.0'),
    family("nativejmx_test_Stats_Pools_used", f"{USAGE} nativejmx.test:name=null,type=Stats,attribute=used",
           'nativejmx_test_Stats_Pools_used{key="eden"} 10.0',
           'nativejmx_test_Stats_Pools_used{key="old"} 20.0'),
    # The first key property *as written* names the metric; the others are labels (§4.3, §5.5).
    family("nativejmx_order1_Order_Value", f"{STANDARD} nativejmx.order1:name=first,type=Order,attribute=Value",
           'nativejmx_order1_Order_Value{name="first"} 11.0'),
    family("nativejmx_order2_first_Value", f"{STANDARD} nativejmx.order2:name=first,type=Order,attribute=Value",
           'nativejmx_order2_first_Value{type="Order"} 12.0'),
    # Quoted values keep their quotes and backslashes; the writer escapes \ and " (§5.5, §8.2).
    family("nativejmx_quoted_Quoted_Value", f"{STANDARD} nativejmx.quoted:name=null,type=Quoted,attribute=Value",
           'nativejmx_quoted_Quoted_Value{zone="\\"a,b=c\\""} 13.0'),
    family("nativejmx_quoted_Escaped_Value", f"{STANDARD} nativejmx.quoted:name=null,type=Escaped,attribute=Value",
           'nativejmx_quoted_Escaped_Value{zone="\\"a\\\\\\"b\\""} 14.0'),
    # Spaces in the name part become `_` (§6.1); spaces around a label value are kept.
    family("nativejmx_spaces_with_some_spaces_Value",
           f"{STANDARD} nativejmx.spaces:name=with some spaces,type=null,attribute=Value",
           'nativejmx_spaces_with_some_spaces_Value{kind=" padded "} 15.0'),
])

# Attributes whose values yield nothing: String, enum (-> String), empty Optional, null, array,
# Character and List (unsupported), a getter that throws (§4.5).
ABSENT = ["StringValue", "EnumValue", "EmptyOptional", "NullInteger", "IntArray", "CharValue", "ListValue",
          "Throwing"]

FIXTURE_DOMAINS = ("nativejmx_test_", "nativejmx_order", "nativejmx_quoted_", "nativejmx_spaces_")


def is_fixture_family(name):
    return name.startswith(FIXTURE_DOMAINS)


def depends_on_gc(name):
    # Only present after a garbage collection, which a run may or may not have had.
    return "LastGcInfo" in name or name.startswith("jvm_memory_pool_allocated_bytes")


class Run:
    def __init__(self, jvm, body, stop_file):
        self.jvm = jvm
        self.body = body
        self.stop_file = stop_file
        self.families = parse_exposition(body)


@pytest.fixture(scope="module")
def run_of(module_launcher, tmp_path_factory):
    """run_of(jdk, config_name, check_jni=False): one JVM per combination, started on first use
    and scraped twice (the second scrape is the one checked, as in the oracle samples)."""
    runs = {}

    def get(jdk, config_name, check_jni=False):
        key = (jdk.name, config_name, check_jni)
        if key not in runs:
            workdir = tmp_path_factory.mktemp(f"export-{jdk.name}-{config_name}")
            config = write_config(workdir / "config.yaml", CONFIGS[config_name])
            port = free_port()
            extra = ("-Xcheck:jni",) if check_jni else ()
            jvm = module_launcher.start(jdk, ["until-file", str(workdir / "stop")], f"{port}:{config}",
                                        port=port, extra_options=extra, name=f"export-{config_name}")
            jvm.wait_until_serving()
            first = scrape(port)
            second = scrape(port)
            for resp in (first, second):
                assert resp.status == 200, jvm.describe()
            runs[key] = Run(jvm, second.text, workdir / "stop")
        return runs[key]

    return get


def assert_fixture_families(run):
    fams = run.families
    for name, (help_line, type_line, samples) in EXPECTED_FAMILIES.items():
        assert name in fams, f"family {name} missing" + run.jvm.describe()
        got = fams[name]
        assert (got.help_line, got.type_line, got.sample_lines()) == (help_line, type_line, samples), name
    fixture_names = [n for n in fams if is_fixture_family(n)]
    assert set(fixture_names) == set(EXPECTED_FAMILIES), "unexpected fixture families"
    # Families are sorted by name with Java's String.compareTo (code-unit order) (§7.5).
    assert fixture_names == sorted(fixture_names)
    for attribute in ABSENT:
        assert f"_{attribute}" not in run.body, f"{attribute} must yield nothing"


@pytest.mark.parametrize("config_name", list(CONFIGS))
@pytest.mark.parametrize("jdk", JDKS, ids=str)
def test_fixture_beans_exported_as_spec_says(run_of, jdk, config_name):
    assert_fixture_families(run_of(jdk, config_name))


@pytest.mark.parametrize("jdk", JDKS, ids=str)
def test_three_default_configs_export_the_same(run_of, jdk):
    runs = {name: run_of(jdk, name) for name in CONFIGS}

    def stable(name):
        return not depends_on_gc(name)

    reference = runs["empty"]
    for name, run in runs.items():
        assert series_of(run.families, stable) == series_of(reference.families, stable), name
        assert metadata_lines(run.families, stable) == metadata_lines(reference.families, stable), name


@pytest.mark.parametrize("jdk", JDKS, ids=str)
def test_check_jni_reports_nothing(run_of, jdk):
    run = run_of(jdk, "catch_all", check_jni=True)
    assert_fixture_families(run)
    # More walks, then a normal exit: -Xcheck:jni also checks what happens at shutdown.
    for _ in range(3):
        assert scrape(run.jvm.port).status == 200
    run.stop_file.touch()
    assert run.jvm.wait_exit(timeout=20) == 0, run.jvm.describe()
    # The JDKs print nothing under -Xcheck:jni for a plain application (checked on both), so
    # every warning here comes from the agent's JNI use.
    problems = [line for line in run.jvm.stderr().splitlines()
                if re.search(r"WARNING|FATAL ERROR in native method|JNI local refs", line)]
    assert problems == [], run.jvm.describe()
