"""HTTPS as spec §11.7: JKS and PKCS12 key stores read inside the JVM, the javax.net.ssl.*
fallbacks, mutualTLS with a trust store, protocols, ciphers, reload when the store changes.
A config that asks for TLS never serves in the clear: while the key store cannot be used the
port is not bound at all. Key stores come from keytool, client certificates from openssl."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import (CATCH_ALL_CONFIG, DEBIAN_17, JDKS, clean_env, free_port, is_connection_refused, scrape,
                     touch_later, write_config)

PASSWORD = "changeit"
METRIC_LINE = "\nnativejmx_test_Values_IntValue 42.0\n"


# --------------------------------------------------------------------------- key material

def run_tool(*command: str) -> bytes:
    result = subprocess.run(command, capture_output=True, env=clean_env(), timeout=120)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout!r}\n{result.stderr!r}"
    return result.stdout


def keytool(*args: str) -> bytes:
    return run_tool(DEBIAN_17.tool("keytool"), *args)


def make_key_store(path: Path, store_type: str, password: str = PASSWORD, alias: str = "server",
                   rsa: bool = False) -> bytes:
    """A key store with one key entry (EC P-256, or RSA 2048); returns its certificate (DER)."""
    algorithm = ("-keyalg", "RSA", "-keysize", "2048") if rsa else ("-keyalg", "EC", "-groupname", "secp256r1")
    keytool("-genkeypair", "-alias", alias, *algorithm, "-dname", "CN=localhost",
            "-validity", "2", "-storetype", store_type, "-keystore", str(path), "-storepass", password,
            "-keypass", password)
    return keytool("-exportcert", "-alias", alias, "-storetype", store_type, "-keystore", str(path),
                   "-storepass", password)


def make_client_certificate(directory: Path, name: str) -> tuple[str, str]:
    key, cert = directory / f"{name}.key", directory / f"{name}.crt"
    run_tool("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}", "-days", "2")
    return str(cert), str(key)


@dataclass
class Material:
    pkcs12: Path
    pkcs12_certificate: bytes
    jks: Path                    # an RSA key, where the others are EC
    jks_certificate: bytes
    trust_store: Path            # trusts `client` only
    client: tuple[str, str]      # (certificate, key) PEM files
    stranger: tuple[str, str]    # a client certificate nobody trusts


@pytest.fixture(scope="module")
def material(tmp_path_factory) -> Material:
    d = tmp_path_factory.mktemp("tls-material")
    client = make_client_certificate(d, "client")
    keytool("-importcert", "-noprompt", "-alias", "client", "-file", client[0], "-storetype", "PKCS12",
            "-keystore", str(d / "trust.p12"), "-storepass", PASSWORD)
    return Material(d / "server.p12", make_key_store(d / "server.p12", "PKCS12"),
                    d / "server.jks", make_key_store(d / "server.jks", "JKS", rsa=True),
                    d / "trust.p12", client, make_client_certificate(d, "stranger"))


# --------------------------------------------------------------------------- client

@dataclass
class TlsResponse:
    status: int
    headers: list[tuple[str, str]]
    body: str
    certificate: bytes   # the server's, DER
    version: str
    cipher: str

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def https_connection(port: int, *, client: tuple[str, str] | None = None, minimum: ssl.TLSVersion | None = None,
                     maximum: ssl.TLSVersion | None = None, timeout: float = 20.0) -> http.client.HTTPSConnection:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the tests compare the served certificate themselves
    if client:
        context.load_cert_chain(*client)
    if minimum:
        context.minimum_version = minimum
    if maximum:
        context.maximum_version = maximum
    return http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=context)


def https_get(port: int, path: str = "/metrics", **connection_options) -> TlsResponse:
    conn = https_connection(port, **connection_options)
    try:
        conn.request("GET", path)
        sock = conn.sock
        resp = conn.getresponse()
        body = resp.read().decode("utf-8")
        return TlsResponse(resp.status, resp.getheaders(), body, sock.getpeercert(binary_form=True),
                           sock.version(), sock.cipher()[0])
    finally:
        conn.close()


def assert_keep_alive_over_tls(port: int) -> None:
    """Two requests on one TLS connection, as Prometheus sends them."""
    conn = https_connection(port)
    try:
        sockets = []
        for path in ("/metrics", "/-/healthy"):
            conn.request("GET", path)
            sockets.append(conn.sock)
            resp = conn.getresponse()
            resp.read()
            assert resp.status == 200
        assert sockets[0] is sockets[1], "the second request needed a new connection"
    finally:
        conn.close()


REFUSED = (ssl.SSLError, ConnectionError, http.client.HTTPException, socket.timeout)


# --------------------------------------------------------------------------- JVMs

def ssl_config(body: str) -> str:
    return CATCH_ALL_CONFIG + "httpServer:\n  ssl:\n" + "".join(f"    {line}\n" for line in body.strip().splitlines())


def key_store_yaml(path: Path, store_type: str | None = None, password: str = PASSWORD, alias: str = "server") -> str:
    lines = [f"filename: {path}", f"password: {password}"] + ([f"type: {store_type}"] if store_type else [])
    return "keyStore:\n" + "".join(f"  {line}\n" for line in lines) + f"certificate:\n  alias: {alias}\n"


def start(launcher, tmp_path, config_text: str, jdk=DEBIAN_17, extra_options: tuple[str, ...] = ()):
    config = write_config(tmp_path / "config.yaml", config_text)
    port = free_port()
    stop = tmp_path / "stop"
    jvm = launcher.start(jdk, ["until-file", str(stop)], f"{port}:{config}", port=port,
                         extra_options=extra_options)
    return jvm, stop, config


def wait_for_line(jvm, pattern: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in jvm.nativejmx_lines():
            if re.search(pattern, line):
                return line
        assert jvm.alive(), jvm.describe()
        time.sleep(0.1)
    raise AssertionError(f"no nativejmx line matching {pattern!r}" + jvm.describe())


def wait_until(condition, what: str, jvm, timeout: float = 40.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except REFUSED + (OSError,):
            pass
        time.sleep(0.25)
    raise AssertionError(f"{what} did not happen within {timeout} s" + jvm.describe())


def stop_cleanly(jvm, stop: Path) -> None:
    stop.touch()
    assert jvm.wait_exit(timeout=30) == 0, jvm.describe()


def assert_not_served(jvm) -> None:
    """Nothing on the port: neither HTTPS nor plain HTTP, and the application runs on."""
    jvm.wait_for_stdout("fixture: ready", timeout=30)
    assert is_connection_refused("127.0.0.1", jvm.port), jvm.describe()
    assert jvm.alive(), jvm.describe()


# --------------------------------------------------------------------------- key stores

@pytest.mark.parametrize("jdk", JDKS, ids=str)
def test_pkcs12_key_store_serves_https_only(launcher, tmp_path, material, jdk):
    jvm, stop, _ = start(launcher, tmp_path, ssl_config(key_store_yaml(material.pkcs12, "PKCS12")), jdk=jdk)
    jvm.wait_until_serving(timeout=40)
    resp = https_get(jvm.port)
    assert resp.status == 200, jvm.describe()
    assert METRIC_LINE in resp.body
    assert resp.certificate == material.pkcs12_certificate
    assert resp.version in ("TLSv1.2", "TLSv1.3")
    assert resp.header("Strict-Transport-Security") == "max-age=31536000"
    assert resp.header("X-Frame-Options") == "DENY"

    # Plain HTTP to the TLS port: a plain 400 that says so, never metrics; the connection closes.
    plain = scrape(jvm.port)
    assert plain.status == 400 and "HTTPS" in plain.text, plain.text
    assert https_get(jvm.port, "/-/healthy").status == 200
    assert_keep_alive_over_tls(jvm.port)
    assert jvm.nativejmx_lines() == []
    stop_cleanly(jvm, stop)


def test_jks_key_store_with_its_type(launcher, tmp_path, material):
    jvm, stop, _ = start(launcher, tmp_path, ssl_config(key_store_yaml(material.jks, "JKS")))
    jvm.wait_until_serving(timeout=40)
    resp = https_get(jvm.port)
    assert resp.status == 200 and METRIC_LINE in resp.body
    assert resp.certificate == material.jks_certificate
    stop_cleanly(jvm, stop)


def test_key_store_from_javax_net_ssl_system_properties(launcher, tmp_path, material):
    jvm, stop, _ = start(launcher, tmp_path, ssl_config("certificate:\n  alias: server\n"), extra_options=(
        f"-Djavax.net.ssl.keyStore={material.jks}", f"-Djavax.net.ssl.keyStorePassword={PASSWORD}",
        "-Djavax.net.ssl.keyStoreType=JKS"))
    jvm.wait_until_serving(timeout=40)
    resp = https_get(jvm.port)
    assert resp.status == 200 and resp.certificate == material.jks_certificate
    stop_cleanly(jvm, stop)


def test_no_key_store_anywhere_is_a_clear_error(launcher, tmp_path):
    jvm, stop, config = start(launcher, tmp_path, ssl_config("certificate:\n  alias: server\n"))
    line = wait_for_line(jvm, "keyStore")
    assert str(config) in line and "javax.net.ssl.keyStore" in line, line
    assert_not_served(jvm)
    stop_cleanly(jvm, stop)


def test_bad_password_serves_nothing_until_the_store_is_fixed(launcher, tmp_path, material):
    store = tmp_path / "server.p12"
    make_key_store(store, "PKCS12", password="another-password")
    jvm, stop, config = start(launcher, tmp_path, ssl_config(key_store_yaml(store, "PKCS12")))
    line = wait_for_line(jvm, "password")
    assert str(config) in line and str(store) in line and "incorrect" in line, line
    assert_not_served(jvm)

    fixed = tmp_path / "fixed.p12"
    certificate = make_key_store(fixed, "PKCS12")
    os.replace(fixed, store)
    wait_until(lambda: https_get(jvm.port).status == 200, "serving after the store was fixed", jvm)
    assert https_get(jvm.port).certificate == certificate
    assert len(jvm.nativejmx_lines()) == 1, jvm.nativejmx_lines()
    stop_cleanly(jvm, stop)


def test_missing_key_store_file_is_a_clear_error(launcher, tmp_path):
    missing = tmp_path / "nowhere.p12"
    jvm, stop, _ = start(launcher, tmp_path, ssl_config(key_store_yaml(missing, "PKCS12")))
    line = wait_for_line(jvm, "nowhere.p12")
    assert re.search(r"(?i)no such file|not found", line), line
    assert_not_served(jvm)
    stop_cleanly(jvm, stop)


def test_key_store_without_a_key_entry_is_a_clear_error(launcher, tmp_path, material):
    jvm, stop, _ = start(launcher, tmp_path, ssl_config(key_store_yaml(material.trust_store, "PKCS12")))
    line = wait_for_line(jvm, "no private key entry")
    assert str(material.trust_store) in line and "aliases: client" in line, line
    assert_not_served(jvm)
    stop_cleanly(jvm, stop)


def test_alias_picks_among_several_key_entries(launcher, tmp_path):
    store = tmp_path / "two-keys.p12"
    make_key_store(store, "PKCS12", alias="alpha")  # first in alias order
    server = make_key_store(store, "PKCS12", alias="server")
    jvm, stop, _ = start(launcher, tmp_path, ssl_config(key_store_yaml(store, "PKCS12", alias="server")))
    jvm.wait_until_serving(timeout=40)
    assert https_get(jvm.port).certificate == server
    assert jvm.nativejmx_lines() == []
    stop_cleanly(jvm, stop)


def test_wrong_alias_serves_the_stores_key_and_says_so(launcher, tmp_path, material):
    # The javaagent does not pick the key by alias (spec §11.7): the store still serves. No
    # type either: KeyStore.getDefaultType() (PKCS12) reads it.
    store = tmp_path / "server.p12"
    shutil.copyfile(material.pkcs12, store)
    jvm, stop, _ = start(launcher, tmp_path, ssl_config(key_store_yaml(store, alias="nosuch")))
    jvm.wait_until_serving(timeout=40)
    assert https_get(jvm.port).certificate == material.pkcs12_certificate
    line = wait_for_line(jvm, "alias")
    assert "'nosuch'" in line and "'server'" in line and str(store) in line, line

    # A renewed store that has the alias: served, and nothing more to say.
    renewed = tmp_path / "renewed.p12"
    certificate = make_key_store(renewed, "PKCS12", alias="nosuch")
    os.replace(renewed, store)
    wait_until(lambda: https_get(jvm.port).certificate == certificate, "serving the renewed store", jvm)
    assert jvm.nativejmx_lines() == [line]
    stop_cleanly(jvm, stop)


def test_missing_alias_is_a_config_error_and_never_serves_metrics(launcher, tmp_path, material):
    text = ssl_config(f"keyStore:\n  filename: {material.pkcs12}\n  password: {PASSWORD}\n")
    jvm, stop, config = start(launcher, tmp_path, text)
    jvm.wait_until_serving(timeout=40)
    refused = scrape(jvm.port)
    assert refused.status == 503 and "alias" in refused.text, refused.text
    # Fixed later: httpServer is read at start-up, so TLS cannot begin now; metrics stay unserved.
    config.write_text(ssl_config(key_store_yaml(material.pkcs12, "PKCS12")))
    touch_later(config)
    later = scrape(jvm.port)
    assert later.status == 503 and "httpServer.ssl" in later.text, later.text
    assert "nativejmx_test_Values_IntValue" not in later.text
    stop_cleanly(jvm, stop)


def test_reload_after_the_key_store_file_changes(launcher, tmp_path, material):
    store = tmp_path / "server.p12"
    first = make_key_store(store, "PKCS12")
    jvm, stop, _ = start(launcher, tmp_path, ssl_config(key_store_yaml(store, "PKCS12")))
    jvm.wait_until_serving(timeout=40)
    assert https_get(jvm.port).certificate == first

    broken = tmp_path / "broken.p12"
    broken.write_bytes(b"not a key store")
    os.replace(broken, store)
    line = wait_for_line(jvm, "server.p12")
    assert "stays in use" in line, line
    assert https_get(jvm.port).certificate == first  # a bad store keeps the old material

    renewed = tmp_path / "renewed.p12"
    second = make_key_store(renewed, "PKCS12")
    os.replace(renewed, store)
    wait_until(lambda: https_get(jvm.port).certificate == second, "serving the renewed certificate", jvm)
    stop_cleanly(jvm, stop)


# --------------------------------------------------------------------------- mutualTLS

@pytest.mark.parametrize("trust_from", ["config", "system_properties"])
def test_mutual_tls_accepts_trusted_clients_only(launcher, tmp_path, material, trust_from):
    settings = key_store_yaml(material.pkcs12, "PKCS12") + "mutualTLS: true\n"
    properties = (f"-Djavax.net.ssl.trustStore={material.trust_store}",
                  f"-Djavax.net.ssl.trustStorePassword={PASSWORD}", "-Djavax.net.ssl.trustStoreType=PKCS12")
    if trust_from == "config":
        settings += f"trustStore:\n  filename: {material.trust_store}\n  password: {PASSWORD}\n  type: PKCS12\n"
        properties = ()
    jvm, stop, _ = start(launcher, tmp_path, ssl_config(settings), extra_options=properties)
    jvm.wait_until_serving(timeout=40)
    resp = https_get(jvm.port, client=material.client)
    assert resp.status == 200 and METRIC_LINE in resp.body
    with pytest.raises(REFUSED):
        https_get(jvm.port)
    with pytest.raises(REFUSED):
        https_get(jvm.port, client=material.stranger)
    assert https_get(jvm.port, client=material.client).status == 200
    stop_cleanly(jvm, stop)


def test_mutual_tls_without_a_trust_store_is_a_clear_error(launcher, tmp_path, material):
    jvm, stop, _ = start(launcher, tmp_path,
                         ssl_config(key_store_yaml(material.pkcs12, "PKCS12") + "mutualTLS: true\n"))
    line = wait_for_line(jvm, "trustStore")
    assert "javax.net.ssl.trustStore" in line, line
    assert_not_served(jvm)
    stop_cleanly(jvm, stop)


# --------------------------------------------------------------------------- protocols, ciphers

def test_protocols_and_ciphers_are_enforced(launcher, tmp_path, material):
    settings = ("protocols: TLSv1.1, TLSv1.2\n"
                "ciphers: TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_EMPTY_RENEGOTIATION_INFO_SCSV\n")
    jvm, stop, config = start(launcher, tmp_path, ssl_config(key_store_yaml(material.pkcs12, "PKCS12") + settings))
    jvm.wait_until_serving(timeout=40)
    # TLS 1.2 and 1.3 only: an older protocol is left out, with one line, and the rest served.
    assert jvm.nativejmx_lines() == [f"nativejmx: {config}: httpServer.ssl.protocols: TLSv1.1 left out "
                                     "(nativejmx serves TLSv1.2 and TLSv1.3 only)"]
    resp = https_get(jvm.port)
    assert resp.status == 200
    assert resp.version == "TLSv1.2"
    assert resp.cipher == "ECDHE-ECDSA-AES256-GCM-SHA384"
    with pytest.raises(REFUSED):
        https_get(jvm.port, minimum=ssl.TLSVersion.TLSv1_3)
    stop_cleanly(jvm, stop)


def test_tls13_only(launcher, tmp_path, material):
    jvm, stop, _ = start(launcher, tmp_path,
                         ssl_config(key_store_yaml(material.pkcs12, "PKCS12") + "protocols: TLSv1.3\n"))
    jvm.wait_until_serving(timeout=40)
    assert https_get(jvm.port).version == "TLSv1.3"
    with pytest.raises(REFUSED):
        https_get(jvm.port, maximum=ssl.TLSVersion.TLSv1_2)
    stop_cleanly(jvm, stop)


@pytest.mark.parametrize("setting, expected", [
    ("protocols: TLSv1.1", r"httpServer\.ssl\.protocols: TLSv1\.1 leaves nothing to serve"),
    ("protocols: TLSv9", r"httpServer\.ssl\.protocols: unknown protocol TLSv9"),
    ("ciphers: TLS_NO_SUCH_SUITE", r"httpServer\.ssl\.ciphers: unknown cipher suite TLS_NO_SUCH_SUITE"),
], ids=["legacy_protocol_only", "unknown_protocol", "unknown_cipher"])
def test_settings_that_cannot_be_served_are_clear_errors(launcher, tmp_path, material, setting, expected):
    jvm, stop, config = start(launcher, tmp_path, ssl_config(key_store_yaml(material.pkcs12, "PKCS12") + setting))
    line = wait_for_line(jvm, expected)
    assert str(config) in line, line
    assert_not_served(jvm)
    assert len(jvm.nativejmx_lines()) == 1, jvm.nativejmx_lines()  # not repeated while unchanged
    stop_cleanly(jvm, stop)


# --------------------------------------------------------------------------- stalls, wrong protocol

def test_stalled_handshakes_block_nobody(launcher, tmp_path, material):
    jvm, stop, _ = start(launcher, tmp_path, ssl_config(key_store_yaml(material.pkcs12, "PKCS12")))
    jvm.wait_until_serving(timeout=40)
    stalled = []
    try:
        for i in range(20):
            s = socket.create_connection(("127.0.0.1", jvm.port), timeout=5)
            if i % 2:
                s.sendall(b"\x16\x03\x01\x02\x00\x01")  # the start of a ClientHello, then nothing
            stalled.append(s)
        resp = https_get(jvm.port)
        assert resp.status == 200 and METRIC_LINE in resp.body
        stop_cleanly(jvm, stop)  # the JVM exits cleanly with handshakes still open
    finally:
        for s in stalled:
            s.close()


def test_tls_to_a_plain_port_is_answered_and_closed(launcher, tmp_path):
    jvm, stop, _ = start(launcher, tmp_path, CATCH_ALL_CONFIG)
    jvm.wait_until_serving(timeout=40)
    with pytest.raises(REFUSED):
        https_get(jvm.port, timeout=20)
    assert scrape(jvm.port).status == 200
    stop_cleanly(jvm, stop)
