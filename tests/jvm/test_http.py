"""HTTP endpoints (spec §11.1, §11.2) and the validity of the exposition (promtool)."""

import os
import subprocess

import pytest

from harness import CATCH_ALL_CONFIG, DEBIAN_17, TEXT_CONTENT_TYPE, free_port, scrape, write_config

PROMTOOL = "/usr/bin/promtool"


@pytest.fixture(scope="module")
def served(module_launcher, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("http")
    config = write_config(workdir / "config.yaml", CATCH_ALL_CONFIG)
    port = free_port()
    jvm = module_launcher.start(DEBIAN_17, ["until-file", str(workdir / "stop")], f"{port}:{config}", port=port)
    jvm.wait_until_serving()
    return jvm


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
