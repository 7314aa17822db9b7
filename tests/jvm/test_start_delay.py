"""startDelaySeconds (spec §1.2): nothing is bound during the delay; served after it."""

import time

from harness import DEBIAN_17, free_port, is_connection_refused, parse_exposition, scrape, write_config


def test_port_refused_during_start_delay_then_served(launcher, tmp_path):
    config = write_config(tmp_path / "config.yaml", "startDelaySeconds: 3\n")
    port = free_port()
    started = time.monotonic()
    jvm = launcher.start(DEBIAN_17, ["until-file", str(tmp_path / "stop")], f"{port}:{config}", port=port)

    # The delay runs from JVM start, which is after `started`: until started + 2 s nothing may listen.
    while time.monotonic() < started + 2.0:
        assert jvm.alive(), jvm.describe()
        assert is_connection_refused("127.0.0.1", port), \
            f"port answered {time.monotonic() - started:.1f} s after start, before the 3 s delay"
        time.sleep(0.1)

    jvm.wait_until_serving(timeout=started + 8.0 - time.monotonic())
    resp = scrape(port)
    assert resp.status == 200, jvm.describe()
    assert "\nnativejmx_test_Values_IntValue 42.0\n" in resp.text


def test_config_changed_during_the_delay_is_the_one_served(launcher, tmp_path):
    # The javaagent creates its collector from the file after the delay (§1.2): that is the
    # start-up config, not a reload.
    config = write_config(tmp_path / "config.yaml", "startDelaySeconds: 5\nrules: []\n")
    port = free_port()
    jvm = launcher.start(DEBIAN_17, ["until-file", str(tmp_path / "stop")], f"{port}:{config}", port=port)
    jvm.wait_for_stdout("fixture: ready")
    time.sleep(1.0)  # the agent read the file when the JVM initialised, before main ran
    config.write_text("startDelaySeconds: 5\n"
                      "rules:\n  - pattern: 'nativejmx.test<type=Values><>IntValue'\n    name: after_delay\n")
    assert is_connection_refused("127.0.0.1", port), "the delay was over before the file changed: test not valid"
    jvm.wait_until_serving(timeout=30)
    fams = parse_exposition(scrape(port).text)
    assert fams["after_delay"].sample_lines() == ["after_delay 42.0"]
    assert fams["jmx_config_reload_success_total"].sample_lines() == ["jmx_config_reload_success_total 0.0"]
