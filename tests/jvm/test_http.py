"""HTTP endpoints (spec §11.1, §11.2) and the validity of the exposition (promtool)."""

import gzip
import os
import subprocess

import pytest

from harness import CATCH_ALL_CONFIG, TEXT_CONTENT_TYPE, parse_exposition, scrape, serve_config

PROMTOOL = "/usr/bin/promtool"


@pytest.fixture(scope="module")
def served(module_launcher, tmp_path_factory):
    return serve_config(module_launcher, tmp_path_factory.mktemp("http"), CATCH_ALL_CONFIG)


def assert_security_headers(resp):
    assert resp.header("X-Content-Type-Options") == "nosniff"
    assert resp.header("X-Frame-Options") == "DENY"


@pytest.mark.skipif(not os.path.exists(PROMTOOL), reason="promtool (Debian package prometheus) not installed")
def test_promtool_accepts_the_exposition(served):
    resp = scrape(served.port)
    assert resp.status == 200
    result = subprocess.run([PROMTOOL, "check", "metrics"], input=resp.body, capture_output=True, timeout=60)
    # 0 = clean, 3 = lint warnings only (the javaagent's names are camelCase); 1 = parse error.
    assert result.returncode in (0, 3), result.stdout.decode() + result.stderr.decode()


def test_metrics_has_content_type_and_security_headers(served):
    resp = scrape(served.port)
    assert resp.status == 200
    assert resp.header("Content-Type") == TEXT_CONTENT_TYPE
    assert_security_headers(resp)


def test_root_serves_landing_page(served):
    resp = scrape(served.port, path="/")
    assert resp.status == 200
    assert resp.header("Content-Type").startswith("text/html")
    assert "Prometheus Java Client" in resp.text
    assert "metrics" in resp.text
    assert_security_headers(resp)


def test_healthy_endpoint(served):
    resp = scrape(served.port, path="/-/healthy")
    assert resp.status == 200
    assert resp.header("Content-Type") == "text/plain; charset=utf-8"
    assert resp.text == "Exporter is healthy.\n"
    assert_security_headers(resp)


# ---- Content negotiation (spec §8.1) on a real JVM ---------------------------------------------

OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8"
PROMETHEUS_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                     "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
PROTOBUF_ACCEPT = ("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;"
                   "q=0.7,text/plain;version=0.0.4;q=0.3")


def test_openmetrics_when_accept_asks(served):
    resp = scrape(served.port, headers={"Accept": PROMETHEUS_ACCEPT})
    assert resp.status == 200
    assert resp.header("Content-Type") == OPENMETRICS_CONTENT_TYPE
    assert resp.text.endswith("# EOF\n")
    assert "# TYPE jmx_config_reload_success counter\n" in resp.text


def test_protobuf_request_gets_text_004(served):
    resp = scrape(served.port, headers={"Accept": PROTOBUF_ACCEPT})
    assert resp.status == 200
    assert resp.header("Content-Type") == TEXT_CONTENT_TYPE
    assert "# TYPE jmx_config_reload_success_total counter\n" in resp.text


def test_gzip_when_accepted(served):
    resp = scrape(served.port, headers={"Accept-Encoding": "deflate, GZIP"})
    assert resp.status == 200
    assert resp.header("Content-Encoding") == "gzip"
    assert int(resp.header("Content-Length")) == len(resp.body)
    families = parse_exposition(gzip.decompress(resp.body).decode())
    assert "nativejmx_test_Values_IntValue" in families
    assert scrape(served.port).header("Content-Encoding") is None


def test_head_announces_the_length_without_a_body(served):
    resp = scrape(served.port, method="HEAD")
    assert resp.status == 200
    assert resp.body == b""
    assert int(resp.header("Content-Length")) > 1000
    assert resp.header("Content-Type") == TEXT_CONTENT_TYPE


def test_name_filter(served):
    resp = scrape(served.port, "/metrics?name[]=jvm_threads_current&name%5B%5D=jmx_scrape_error")
    assert resp.status == 200
    assert set(parse_exposition(resp.text)) == {"jvm_threads_current", "jmx_scrape_error"}


@pytest.mark.parametrize("debug,status,marker", [("text", 200, "# TYPE jmx_scrape_error gauge\n"),
                                                 ("openmetrics", 200, "# EOF\n"),
                                                 ("prometheus-protobuf", 500, "protobuf"),
                                                 ("xml", 500, "Unsupported query parameter")])
def test_debug_parameter(served, debug, status, marker):
    resp = scrape(served.port, f"/metrics?debug={debug}", headers={"Accept-Encoding": "gzip"})
    assert resp.status == status
    assert resp.header("Content-Type") == "text/plain; charset=utf-8"
    assert resp.header("Content-Encoding") is None
    assert marker in resp.text


def test_metrics_path_prefix_and_unknown_paths(served):
    assert scrape(served.port, "/metricsXYZ").header("Content-Type") == TEXT_CONTENT_TYPE
    landing = scrape(served.port, "/no/such/page")
    assert landing.status == 200 and "Prometheus Java Client" in landing.text


def test_custom_metrics_path(launcher, tmp_path):
    jvm = serve_config(launcher, tmp_path, CATCH_ALL_CONFIG + "httpServer:\n  metrics:\n    path: /custom\n")
    for path in ("/custom", "/metrics"):
        resp = scrape(jvm.port, path)
        assert resp.status == 200 and resp.header("Content-Type") == TEXT_CONTENT_TYPE, path
        assert "nativejmx_test_Values_IntValue" in parse_exposition(resp.text), path


def test_name_filter_applies_before_collectors_merge(launcher, tmp_path):
    # A rule's counter named like the JVM's gauge jvm_threads_current: the registry cannot merge
    # them (500, as the javaagent), but a scrape whose name[] leaves that family out is served.
    jvm = serve_config(launcher, tmp_path, "rules:\n  - pattern: 'java.lang<type=Threading><>ThreadCount'\n"
                                           "    name: jvm_threads_current\n    type: COUNTER\n")
    whole = scrape(jvm.port)
    assert whole.status == 500
    assert "conflicting metric types" in whole.text
    filtered = scrape(jvm.port, "/metrics?name[]=jvm_memory_used_bytes&name[]=jmx_scrape_error")
    assert filtered.status == 200, filtered.text
    assert set(parse_exposition(filtered.text)) == {"jvm_memory_used_bytes", "jmx_scrape_error"}
