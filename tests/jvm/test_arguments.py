"""Agent argument forms (spec §1.1) and bad arguments (design.md: one log line, stay inert)."""

import re
import socket

import pytest

from harness import (CATCH_ALL_CONFIG, DEBIAN_17, FIXTURE_MAIN_RETURNS, FIXTURE_READY, IPV6, NO_IPV6_REASON,
                     free_port, listening_tcp_ports, port_accepts, scrape, write_config)

needs_ipv6 = pytest.mark.skipif(not IPV6, reason=NO_IPV6_REASON)


def start_serving(module_launcher, tmp_path_factory, argument_for, wait_host="127.0.0.1", config_dir=None):
    """Starts the fixture with the agent argument argument_for(port, config) and waits for the port."""
    workdir = tmp_path_factory.mktemp("args")
    config = write_config((config_dir or workdir) / "config.yaml", CATCH_ALL_CONFIG)
    port = free_port()
    jvm = module_launcher.start(DEBIAN_17, ["until-file", str(workdir / "stop")], argument_for(port, config),
                                port=port)
    jvm.wait_until_serving(host=wait_host)
    return jvm


@pytest.fixture(scope="module")
def port_only(module_launcher, tmp_path_factory):
    return start_serving(module_launcher, tmp_path_factory, lambda port, config: f"{port}:{config}")


@pytest.fixture(scope="module")
def ipv4_host(module_launcher, tmp_path_factory):
    return start_serving(module_launcher, tmp_path_factory, lambda port, config: f"127.0.0.1:{port}:{config}")


@pytest.fixture(scope="module")
def ipv6_host(module_launcher, tmp_path_factory):
    return start_serving(module_launcher, tmp_path_factory, lambda port, config: f"[::1]:{port}:{config}",
                         wait_host="::1")


def assert_metrics_from(host, port, jvm):
    resp = scrape(port, host=host)
    assert resp.status == 200, jvm.describe()
    assert "\nnativejmx_test_Values_IntValue 42.0\n" in resp.text


def test_port_only_serves_ipv4_loopback(port_only):
    assert_metrics_from("127.0.0.1", port_only.port, port_only)


@needs_ipv6
def test_port_only_serves_ipv6_loopback_too(port_only):
    # design.md: PORT:FILE listens on every address, IPv4 and IPv6 (dual stack), as the JDK server does.
    assert_metrics_from("::1", port_only.port, port_only)


def test_ipv4_host_serves_that_address(ipv4_host):
    assert_metrics_from("127.0.0.1", ipv4_host.port, ipv4_host)


@needs_ipv6
def test_ipv4_host_does_not_serve_ipv6(ipv4_host):
    assert not port_accepts("::1", ipv4_host.port), "127.0.0.1:PORT:FILE must bind 127.0.0.1 only"


@needs_ipv6
def test_bracketed_ipv6_host_serves_that_address(ipv6_host):
    assert_metrics_from("::1", ipv6_host.port, ipv6_host)


@needs_ipv6
def test_bracketed_ipv6_host_does_not_serve_ipv4(ipv6_host):
    assert not port_accepts("127.0.0.1", ipv6_host.port), "[::1]:PORT:FILE must bind ::1 only"


def test_config_path_may_contain_colons(launcher, tmp_path):
    # The file part is everything after the port colon (spec §1.1). lowercaseOutputName shows the
    # file was really read (not just some default).
    config = write_config(tmp_path / "x" / "a:b" / "config.yaml", "lowercaseOutputName: true\n")
    port = free_port()
    jvm = launcher.start(DEBIAN_17, ["until-file", str(tmp_path / "stop")], f"{port}:{config}", port=port)
    jvm.wait_until_serving()
    resp = scrape(port)
    assert resp.status == 200, jvm.describe()
    assert "\nnativejmx_test_values_intvalue 42.0\n" in resp.text, jvm.describe()


# ---------------------------------------------------------------------------------------- bad arguments

def run_inert(launcher, tmp_path, argument, port=None):
    """Runs the fixture for 2 s with a bad agent argument: it must run to completion (exit 0),
    never listen on any TCP port, and log exactly one nativejmx line, which is returned."""
    jvm = launcher.start(DEBIAN_17, ["sleep", "2"], argument, port=port)
    jvm.wait_for_stdout(FIXTURE_READY)
    listening = listening_tcp_ports(jvm.pid)
    assert listening == set(), f"inert agent listens on {listening}" + jvm.describe()
    assert jvm.wait_exit(timeout=20) == 0, jvm.describe()
    assert FIXTURE_MAIN_RETURNS in jvm.stdout(), jvm.describe()
    lines = jvm.nativejmx_lines()
    assert len(lines) == 1, f"expected exactly one nativejmx line, got {lines}" + jvm.describe()
    return lines[0]


def test_argument_without_port_is_reported_and_inert(launcher, tmp_path):
    # "abc" does not match the argument pattern: the javaagent reads it as a file-only argument,
    # which nativejmx does not support (nothing to serve without a port).
    line = run_inert(launcher, tmp_path, "abc")
    assert "abc" in line


def test_empty_argument_is_reported_and_inert(launcher, tmp_path):
    run_inert(launcher, tmp_path, "")


@pytest.mark.parametrize("bad_port", ["0", "65536"])
def test_port_out_of_range_is_reported_and_inert(launcher, tmp_path, bad_port):
    config = write_config(tmp_path / "config.yaml", CATCH_ALL_CONFIG)
    line = run_inert(launcher, tmp_path, f"{bad_port}:{config}")
    assert re.search(r"(?i)port", line), line
    if bad_port != "0":
        assert bad_port in line


def test_port_in_use_is_reported_and_inert(launcher, tmp_path):
    config = write_config(tmp_path / "config.yaml", CATCH_ALL_CONFIG)
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("0.0.0.0", port))
        taken.listen(1)
        line = run_inert(launcher, tmp_path, f"{port}:{config}", port=port)
    assert str(port) in line
