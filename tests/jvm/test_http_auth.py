"""Basic authentication on a real JVM (spec §11.6): every context asks for credentials, wrong ones
get 401 with the JDK's challenge, hashed passwords verify, and a burst of wrong PBKDF2 passwords
is answered (401 or 429) while the JVM runs on. Hash values are the spec's or Python hashlib's."""

import base64
import concurrent.futures
import hashlib
import threading
import time

import pytest

from harness import CATCH_ALL_CONFIG, parse_exposition, scrape, serve_config

CUSTOM_PATH = "/custom/metrics"
# Enough that a check takes a noticeable time (so checks overlap), far fewer than the default.
PBKDF2_ITERATIONS = 50000
CONTEXTS = ["/metrics", CUSTOM_PATH, "/-/healthy", "/"]


def basic(user_colon_password: str, encoding: str = "utf-8") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(user_colon_password.encode(encoding)).decode()}


def start(launcher, tmp_path_factory, name, auth_yaml):
    return serve_config(launcher, tmp_path_factory.mktemp(name), CATCH_ALL_CONFIG +
                        f"httpServer:\n  metrics:\n    path: {CUSTOM_PATH}\n  authentication:\n    basic:\n"
                        + auth_yaml)


@pytest.fixture(scope="module")
def plaintext(module_launcher, tmp_path_factory):
    return start(module_launcher, tmp_path_factory, "plaintext",
                 "      username: prometheus\n      password: s\u00e9cret:with:colons\n")


@pytest.fixture(scope="module")
def pbkdf2(module_launcher, tmp_path_factory):
    key = hashlib.pbkdf2_hmac("sha512", b"secret", b"pepper", PBKDF2_ITERATIONS, 32)
    colon_hex = ":".join(f"{b:02X}" for b in key)
    return start(module_launcher, tmp_path_factory, "pbkdf2",
                 "      username: prometheus\n      algorithm: PBKDF2WithHmacSHA512\n      salt: pepper\n"
                 f"      iterations: {PBKDF2_ITERATIONS}\n      keyLength: 256\n      passwordHash: \"{colon_hex}\"\n")


def assert_challenged(resp):
    assert resp.status == 401
    assert resp.header("WWW-Authenticate") == 'Basic realm="/"'
    assert resp.header("X-Content-Type-Options") == "nosniff"
    assert resp.header("X-Frame-Options") == "DENY"
    assert resp.body == b""


@pytest.mark.parametrize("path", CONTEXTS)
def test_every_context_asks_for_credentials(plaintext, path):
    assert_challenged(scrape(plaintext.port, path))
    assert_challenged(scrape(plaintext.port, path, headers=basic("prometheus:wrong")))
    ok = scrape(plaintext.port, path, headers=basic("prometheus:s\u00e9cret:with:colons", "latin-1"))
    assert ok.status == 200, ok.text
    assert ok.header("X-Frame-Options") == "DENY"


def test_right_credentials_serve_metrics(plaintext):
    resp = scrape(plaintext.port, headers=basic("prometheus:s\u00e9cret:with:colons", "latin-1"))
    assert resp.status == 200
    assert "nativejmx_test_Values_IntValue" in parse_exposition(resp.text)
    assert plaintext.nativejmx_lines() == [], "an authenticated config is served, not refused"


@pytest.mark.parametrize("credentials", ["Prometheus:s\u00e9cret:with:colons", "prometheus:s\u00e9cret",
                                         "prometheus", ":", "prometheus:s\u00e9cret:with:colons "])
def test_wrong_credentials_are_401(plaintext, credentials):
    assert_challenged(scrape(plaintext.port, headers=basic(credentials, "latin-1")))


def test_utf8_bytes_are_not_the_latin1_password(plaintext):
    # The JDK decodes credentials as ISO-8859-1: the UTF-8 bytes of "é" are two other characters.
    assert_challenged(scrape(plaintext.port, headers=basic("prometheus:s\u00e9cret:with:colons", "utf-8")))


@pytest.mark.parametrize("authorization", ["Bearer abc", "basic cHJvbWV0aGV1czp4", "Basic !!!", "Basic"])
def test_other_schemes_and_garbage_are_401(plaintext, authorization):
    resp = scrape(plaintext.port, headers={"Authorization": authorization})
    assert resp.status == 401
    assert plaintext.alive()


def test_pbkdf2_verifies_and_refuses(pbkdf2):
    assert scrape(pbkdf2.port, headers=basic("prometheus:secret")).status == 200
    assert_challenged(scrape(pbkdf2.port, headers=basic("prometheus:Secret")))
    assert_challenged(scrape(pbkdf2.port, "/-/healthy"))
    # Fewer iterations than the algorithm's default: served, with one warning (as upstream).
    lines = pbkdf2.nativejmx_lines()
    assert len(lines) == 1 and "iterations (line" in lines[0] and "fewer than the 210000 recommended" in lines[0], lines


def test_burst_of_wrong_pbkdf2_passwords_is_answered_and_scrapes_go_on(pbkdf2):
    def guess(i):
        return scrape(pbkdf2.port, "/-/healthy", headers=basic(f"prometheus:guess{i}"), timeout=60).status
    with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(guess, range(120)))
    assert set(statuses) <= {401, 429}, statuses
    resp = scrape(pbkdf2.port, headers=basic("prometheus:secret"))
    assert resp.status == 200
    rejected = parse_exposition(scrape(pbkdf2.port, headers=basic("prometheus:secret")).text)
    if 429 in statuses:
        family = rejected["jmx_http_requests_rejected_total"]
        assert float(family.samples[0].value) >= statuses.count(429)
    assert pbkdf2.alive()


def test_wrong_pbkdf2_passwords_do_not_stop_scrapes_with_cached_credentials(pbkdf2):
    # Fewer attackers than handler threads (10): the server itself is never saturated, so
    # every refusal of theirs beyond the one running check is the authenticator's 429.
    assert scrape(pbkdf2.port, headers=basic("prometheus:secret")).status == 200  # cached from now on
    stop = threading.Event()
    attacker_statuses = []

    def attack(n):
        while not stop.is_set():
            attacker_statuses.append(scrape(pbkdf2.port, headers=basic(f"prometheus:wrong{n}"), timeout=60).status)

    attackers = [threading.Thread(target=attack, args=(n,), daemon=True) for n in range(5)]
    for thread in attackers:
        thread.start()
    try:
        time.sleep(0.5)
        scrapes = [scrape(pbkdf2.port, "/metrics?name[]=jmx_scrape_error", headers=basic("prometheus:secret")).status
                   for _ in range(10)]
    finally:
        stop.set()
        for thread in attackers:
            thread.join()
    assert scrapes == [200] * 10
    assert set(attacker_statuses) <= {401, 429}, attacker_statuses
    assert 429 in attacker_statuses, "the attackers' checks never overlapped"
