"""A getter that never returns (spec §14; design.md, README "Concurrent scrapes share the walk in
flight"): scrapes are answered with the last complete result after the timeout, no second walk
starts while one is stuck, and the JVM still exits promptly."""

import os
import signal
import threading
import time

import pytest

from harness import (DEBIAN_17, EMPTY_CONFIG, FIXTURE_MAIN_RETURNS, JDKS, parse_exposition, scrape,
                     write_config, free_port)

BLOCKER = "nativejmx_hang_Hang_Blocker"


def is_bean_family(name):
    # Families that come from the MBean walk (the part a stuck walk cannot refresh).
    return not name.startswith(("jvm_", "process_", "jmx_"))


def bean_samples(body):
    return {name: family.sample_lines() for name, family in parse_exposition(body).items()
            if is_bean_family(name)}


class HangingFixture:
    def __init__(self, launcher, tmp_path, jdk, config_text):
        self.trigger = tmp_path / "hang"
        self.count_file = tmp_path / "blocker-calls"
        self.stop = tmp_path / "stop"
        config = write_config(tmp_path / "config.yaml", config_text)
        self.port = free_port()
        self.jvm = launcher.start(jdk, ["--hang-after", str(self.trigger), str(self.count_file),
                                        "until-file", str(self.stop)], f"{self.port}:{config}", port=self.port)
        self.jvm.wait_until_serving()

    def calls(self):
        return int(self.count_file.read_text()) if self.count_file.exists() else 0

    def wait_for_calls(self, n, timeout=15.0):
        deadline = time.monotonic() + timeout
        while self.calls() < n:
            assert time.monotonic() < deadline, f"the Blocker getter was not entered {n} times" + self.jvm.describe()
            time.sleep(0.05)

    def get_walk_stuck(self):
        """Makes the getter hang and starts a scrape that walks into it; returns once it is inside."""
        calls = self.calls()
        self.trigger.touch()
        self.scrape_in_background()
        self.wait_for_calls(calls + 1)

    def scrape_in_background(self):
        """Starts a scrape that will get stuck in the hanging getter (errors are expected)."""
        def run():
            try:
                scrape(self.port, timeout=60)
            except OSError:
                pass
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread


@pytest.mark.parametrize("timeout_from", ["config", "header"])
def test_stuck_walk_answers_last_complete_result(launcher, tmp_path, timeout_from):
    config = "scrapeTimeoutSeconds: 2\n" if timeout_from == "config" else EMPTY_CONFIG
    headers = {"X-Prometheus-Scrape-Timeout-Seconds": "2"} if timeout_from == "header" else {}
    app = HangingFixture(launcher, tmp_path, DEBIAN_17, config)

    before = scrape(app.port, headers=headers)
    assert before.status == 200, app.jvm.describe()
    assert f"\n{BLOCKER} 1.0\n" in before.text
    calls_before = app.calls()
    assert calls_before >= 1

    app.trigger.touch()
    answers = [scrape(app.port, headers=headers, timeout=30) for _ in range(3)]
    for resp in answers:
        assert resp.status == 200, resp.text
        # Not before the 2 s deadline (how much later depends on the machine's load: not asserted).
        assert resp.elapsed >= 1.0, f"answered after {resp.elapsed:.1f} s, before the 2 s deadline"
        # The last complete walk, unchanged (even Uptime-like values): nothing was re-walked.
        assert bean_samples(resp.text) == bean_samples(before.text)
    time.sleep(1.0)  # room for a wrongly started second walk to reach the getter
    assert app.calls() == calls_before + 1, "a second walk entered the hanging getter while one was stuck"
    if timeout_from == "config":
        # Spec §14: each timeout adds 1 to jmx_scrape_timeout_total; self metrics are collected
        # fresh (only the JMX part is the last result) and show one scrape late, so the third
        # answer shows >= 1. (Without scrapeTimeoutSeconds the javaagent has no such family:
        # see the oracle samples.)
        timeouts = parse_exposition(answers[-1].text)["jmx_scrape_timeout_total"].samples[0]
        assert float(timeouts.value) >= 1.0, "timeouts are not counted in jmx_scrape_timeout_total"


def test_stuck_first_walk_answers_without_the_jmx_part(launcher, tmp_path):
    # Spec §14: past scrapeTimeoutSeconds the javaagent returns the last successful JMX result,
    # initially empty, next to its other collectors; the timeout is counted, shown one scrape late.
    app = HangingFixture(launcher, tmp_path, DEBIAN_17, "scrapeTimeoutSeconds: 2\n")
    app.trigger.touch()
    first = scrape(app.port, timeout=30)
    assert first.status == 200, first.text + app.jvm.describe()
    fams = parse_exposition(first.text)
    assert "jmx_exporter_build_info" in fams
    assert fams["jmx_scrape_timeout_total"].sample_lines() == ["jmx_scrape_timeout_total 0.0"]
    assert not [name for name in fams if is_bean_family(name)], first.text
    second = parse_exposition(scrape(app.port, timeout=30).text)
    assert second["jmx_scrape_timeout_total"].sample_lines() == ["jmx_scrape_timeout_total 1.0"]
    assert app.calls() == 1, "a second walk started while the first was stuck"


@pytest.mark.parametrize("jdk", JDKS, ids=str)
def test_jvm_exits_when_main_returns_during_stuck_scrape(launcher, tmp_path, jdk):
    app = HangingFixture(launcher, tmp_path, jdk, EMPTY_CONFIG)
    assert scrape(app.port).status == 200
    app.get_walk_stuck()

    app.stop.touch()
    started = time.monotonic()
    code = app.jvm.wait_exit(timeout=5.0)
    assert code == 0, f"exit code {code} after {time.monotonic() - started:.1f} s" + app.jvm.describe()
    assert FIXTURE_MAIN_RETURNS in app.jvm.stdout()


@pytest.mark.parametrize("jdk", JDKS, ids=str)
def test_jvm_exits_on_sigterm_during_stuck_scrape(launcher, tmp_path, jdk):
    app = HangingFixture(launcher, tmp_path, jdk, EMPTY_CONFIG)
    assert scrape(app.port).status == 200
    app.get_walk_stuck()

    os.kill(app.jvm.pid, signal.SIGTERM)
    code = app.jvm.wait_exit(timeout=5.0)
    # 143 = 128 + SIGTERM is how the JVM exits after running its shutdown hooks; a crash would
    # be a signal (negative code), 134 (abort) and/or an hs_err file.
    assert code in (0, 143), f"exit code {code}" + app.jvm.describe()
    crash_files = [p.name for p in tmp_path.iterdir() if p.name.startswith(("hs_err_pid", "core"))]
    assert crash_files == [], app.jvm.describe()
    assert "A fatal error has been detected" not in app.jvm.stdout() + app.jvm.stderr()
