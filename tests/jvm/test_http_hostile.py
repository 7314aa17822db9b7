"""Hostile and careless clients against a real JVM (limits the javaagent lacks; spec §11.3-§11.5):
a truncated request, slowloris connections, a 1 MB header, 200 concurrent connections, all handler
threads busy (429 and jmx_http_requests_rejected_total), maximumRequestSeconds. Each time the
JVM runs on and the next scrape is served."""

import concurrent.futures
import socket
import threading
import time

import pytest

from harness import CATCH_ALL_CONFIG, DEBIAN_17, parse_exposition, scrape, serve_config
from test_hangs import HangingFixture

THREADS = 2
HOSTILE_CONFIG = CATCH_ALL_CONFIG + (f"httpServer:\n  threads:\n    minimum: 1\n    maximum: {THREADS}\n"
                                     "    keepAliveTime: 60\n")


@pytest.fixture(scope="module")
def served(module_launcher, tmp_path_factory):
    return serve_config(module_launcher, tmp_path_factory.mktemp("hostile"), HOSTILE_CONFIG)


def connect(port, timeout=30.0):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def read_until_closed(sock) -> bytes:
    """What arrives until the server closes; a reset (it closed with our bytes unread) ends it too."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:
        pass
    return data


def send_all_it_reads(sock, data: bytes) -> None:
    """Sends `data` until the server stops reading it (it answered and closed)."""
    try:
        sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


def assert_still_serving(jvm):
    resp = scrape(jvm.port)
    assert resp.status == 200, resp.text
    assert "nativejmx_test_Values_IntValue" in parse_exposition(resp.text)
    assert jvm.alive()


def test_truncated_requests_are_dropped(served):
    for partial in (b"GET /metr", b"GET /metrics HTTP/1.1\r\nHost: x\r\n",
                    b"POST /metrics HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly part of the body"):
        with connect(served.port) as sock:
            sock.sendall(partial)
            sock.shutdown(socket.SHUT_WR)
            assert read_until_closed(sock) == b"", partial
    assert_still_serving(served)


def test_malformed_request_is_400(served):
    with connect(served.port) as sock:
        sock.sendall(b"GET /metrics HTTP/1.1\r\nBad Header Without Colon\r\n\r\n")
        assert read_until_closed(sock).startswith(b"HTTP/1.1 400 ")
    assert_still_serving(served)


def test_one_megabyte_header_is_431(served):
    with connect(served.port) as sock:
        header = b"X-Big: " + b"a" * (1024 * 1024) + b"\r\n"
        send_all_it_reads(sock, b"GET /metrics HTTP/1.1\r\nHost: x\r\n" + header + b"\r\n")
        assert read_until_closed(sock).startswith(b"HTTP/1.1 431 ")
    assert_still_serving(served)


def test_oversized_body_is_413(served):
    with connect(served.port) as sock:
        body = b"x" * (1024 * 1024)
        send_all_it_reads(sock, b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        assert read_until_closed(sock).startswith(b"HTTP/1.1 413 ")
    assert_still_serving(served)


def test_slowloris_clients_block_no_scrape(served):
    # More trickling clients than handler threads: none of them holds a thread.
    stop = threading.Event()
    socks = [connect(served.port) for _ in range(THREADS * 5)]

    def trickle():
        request = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 10000
        for i in range(len(request)):
            if stop.is_set():
                return
            for sock in socks:
                try:
                    sock.sendall(request[i:i + 1])
                except OSError:
                    pass
            time.sleep(0.2)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        time.sleep(1)
        for _ in range(3):
            assert_still_serving(served)
    finally:
        stop.set()
        thread.join()
        for sock in socks:
            sock.close()


def test_clients_that_never_read_block_no_scrape(served):
    # Each asks for the whole exposition and reads none of it, with a tiny receive buffer.
    socks = []
    try:
        for _ in range(THREADS * 5):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
            sock.connect(("127.0.0.1", served.port))
            sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            socks.append(sock)
        # While their requests are handled the server may be saturated (429); once they are
        # answered, their unread responses hold no handler thread.
        deadline = time.monotonic() + 30  # half the server's write timeout
        while scrape(served.port).status == 429:
            assert time.monotonic() < deadline, "still saturated 30 s later" + served.describe()
            time.sleep(0.2)
        for _ in range(3):
            assert_still_serving(served)
    finally:
        for sock in socks:
            sock.close()


def test_two_hundred_concurrent_connections_are_all_answered(served):
    def one(_):
        return scrape(served.port, "/metrics?name[]=jvm_threads_current", timeout=120).status

    with concurrent.futures.ThreadPoolExecutor(max_workers=200) as pool:
        statuses = list(pool.map(one, range(200)))
    assert set(statuses) <= {200, 429}, statuses
    assert 200 in statuses
    assert_still_serving(served)
    if 429 in statuses:  # counted, and shown by the scrape after the one that saw it
        scrape(served.port)
        family = parse_exposition(scrape(served.port).text)["jmx_http_requests_rejected_total"]
        assert float(family.samples[0].value) >= statuses.count(429)


def test_all_handler_threads_busy_means_429(launcher, tmp_path):
    # Scrapes stuck in a getter that never returns hold both handler threads (one spare in
    # case a background client is slow to get its request in).
    app = HangingFixture(launcher, tmp_path, DEBIAN_17, HOSTILE_CONFIG)
    app.get_walk_stuck()
    for _ in range(THREADS):
        app.scrape_in_background()
    deadline = time.monotonic() + 60
    while True:
        resp = scrape(app.port, "/-/healthy")
        if resp.status == 429:
            break
        assert resp.status == 200
        assert time.monotonic() < deadline, "no 429 although both handler threads are stuck" + app.jvm.describe()
        time.sleep(0.1)
    assert resp.body == b""
    assert resp.header("X-Frame-Options") == "DENY"
    assert app.jvm.alive()


def test_maximum_request_seconds_closes_a_slow_exchange(launcher, tmp_path):
    jvm = serve_config(launcher, tmp_path, CATCH_ALL_CONFIG + "httpServer:\n  maximumRequestSeconds: 1\n")
    # The socket timeout (20 s) is shorter than the server's read timeout (30 s): only
    # maximumRequestSeconds can close the connection in time.
    with connect(jvm.port, timeout=20) as sock:
        sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")  # and never the end of the headers
        assert read_until_closed(sock) == b""
    assert_still_serving(jvm)
