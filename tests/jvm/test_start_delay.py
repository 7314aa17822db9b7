"""startDelaySeconds (spec §1.2): nothing is bound during the delay; served after it."""

import time

from harness import DEBIAN_17, free_port, is_connection_refused, scrape, write_config


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
