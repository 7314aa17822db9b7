"""Our output against what the real javaagent serves on the same plain JDK 17 JVM
(/work/shared/oracle-samples, recorded with jmx_prometheus_javaagent 1.6.0, second scrape).

The JVM here matches the recording: Debian JDK 17, G1, default heap and full tiered
compilation (TieredStopAtLevel=1 would remove the 'profiled nmethods' code heap and its
families), no fixture beans, and at least one young collection (the recording had two, so the
G1 Young Generation LastGcInfo families exist).
"""

import pytest

from harness import (DEBIAN_17, ORACLE_SAMPLES, CATCH_ALL_CONFIG, EMPTY_CONFIG, free_port, parse_exposition,
                     scrape, write_config)

ORACLE_JVM_OPTIONS = ("-Xshare:auto", "-XX:+UseG1GC")
OPENMETRICS_ACCEPT = "application/openmetrics-text; version=1.0.0; charset=utf-8"

# Deliberate difference (design.md): label *values* say name="nativejmx" and our version.
BUILD_INFO = "jmx_exporter_build_info"
# The GC-notification counter starts at the first scrape (a documented difference: the agent
# touches no management API before it), so a GC the fixture forces before that is not counted;
# checked on its own, and counted GCs are tested in test_jvm_metrics.py.
ALLOCATED = "jvm_memory_pool_allocated_bytes_total"
ALLOCATED_OPENMETRICS = "jvm_memory_pool_allocated_bytes"


def run_dependent_extra(name):
    # An old-generation collection (not in the recording) would add these; whether one happens
    # depends on the run, not on the agent.
    return name.startswith("java_lang_G1_Old_Generation_LastGcInfo")


SAMPLES = {"catch_all": ("plain-jvm17-catchall", CATCH_ALL_CONFIG),
           "empty": ("plain-jvm17-empty", EMPTY_CONFIG)}


@pytest.fixture(scope="module")
def ours(module_launcher, tmp_path_factory):
    """ours(sample) -> (JVM, second text scrape, OpenMetrics scrape), one JVM per config."""
    runs = {}

    def get(sample):
        if sample not in runs:
            stem, config_text = SAMPLES[sample]
            workdir = tmp_path_factory.mktemp(f"oracle-{sample}")
            config = write_config(workdir / "config.yaml", config_text)
            port = free_port()
            jvm = module_launcher.start(DEBIAN_17, ["--no-beans", "--young-gc", "until-file", str(workdir / "stop")],
                                        f"{port}:{config}", port=port, jvm_options=ORACLE_JVM_OPTIONS,
                                        name=f"oracle-{sample}")
            jvm.wait_until_serving()
            assert scrape(port).status == 200, jvm.describe()
            text = scrape(port)
            assert text.status == 200, jvm.describe()
            openmetrics = scrape(port, headers={"Accept": OPENMETRICS_ACCEPT})
            assert openmetrics.status == 200, jvm.describe()
            runs[sample] = (jvm, text, openmetrics)
        return runs[sample]

    return get


def oracle_families(stem, ext="prom"):
    return parse_exposition((ORACLE_SAMPLES / f"{stem}.{ext}").read_text())


def label_sets(family, names_only=False):
    if names_only:
        return sorted({tuple(sorted(k for k, _ in s.labels)) for s in family.samples})
    return sorted({s.series() for s in family.samples})


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_families_help_type_labels_and_order_match_oracle(ours, sample):
    jvm, resp, _ = ours(sample)
    expected = oracle_families(SAMPLES[sample][0])
    got = parse_exposition(resp.text)
    skip = {ALLOCATED}

    expected_order = [n for n in expected if n not in skip]
    got_order = [n for n in got if n not in skip and not run_dependent_extra(n)]
    missing = [n for n in expected_order if n not in got]
    extra = [n for n in got_order if n not in expected]
    assert (missing, extra) == ([], []), "families differ from the javaagent's" + jvm.describe()
    assert got_order == expected_order, "family order differs from the javaagent's"

    for name in expected_order:
        want, have = expected[name], got[name]
        assert have.help_line == want.help_line, name
        assert have.type_line == want.type_line, name
        assert label_sets(have, names_only=name == BUILD_INFO) == label_sets(want, names_only=name == BUILD_INFO), name

    build_info = got[BUILD_INFO].samples
    assert len(build_info) == 1 and dict(build_info[0].labels)["name"] == "nativejmx"


@pytest.mark.xfail(reason="collections before the first scrape are not counted (README: deliberate differences)",
                   strict=False)
@pytest.mark.parametrize("sample", list(SAMPLES))
def test_allocated_bytes_family_matches_oracle(ours, sample):
    _, resp, _ = ours(sample)
    want = oracle_families(SAMPLES[sample][0])[ALLOCATED]
    have = parse_exposition(resp.text).get(ALLOCATED)
    assert have is not None, f"{ALLOCATED} missing (the fixture forced a young GC)"
    assert (have.help_line, have.type_line, label_sets(have)) == (want.help_line, want.type_line, label_sets(want))


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_response_headers_match_oracle(ours, sample):
    _, resp, _ = ours(sample)
    lines = (ORACLE_SAMPLES / f"{SAMPLES[sample][0]}.headers").read_text().splitlines()
    expected = {line.split(":", 1)[0].lower() for line in lines[1:] if ":" in line}
    # A buffered body carries Content-Length, a streamed one Transfer-Encoding: either frames it.
    framing = {"content-length", "transfer-encoding"}
    assert resp.header_names() - framing == expected - framing
    assert resp.header_names() & framing, "no Content-Length or Transfer-Encoding"


def test_openmetrics_metadata_matches_oracle(ours):
    _, _, resp = ours("catch_all")
    assert resp.header("Content-Type") == OPENMETRICS_ACCEPT
    assert resp.text.endswith("# EOF\n")
    expected = oracle_families("plain-jvm17-catchall", "openmetrics")
    got = parse_exposition(resp.text)
    skip = {ALLOCATED_OPENMETRICS}

    def metadata(families):
        return [(n, f.type_line, f.unit_line, f.help_line) for n, f in families.items()
                if n not in skip and not run_dependent_extra(n)]

    assert metadata(got) == metadata(expected)
