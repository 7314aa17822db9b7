"""The exporter's own metrics (spec §9): values, and the one-scrape lag with which upstream shows them."""

from harness import CATCH_ALL_CONFIG, DEBIAN_17, free_port, parse_exposition, scrape, touch_later, write_config


def self_values(port) -> dict[str, float]:
    resp = scrape(port)
    assert resp.status == 200, resp.text
    families = parse_exposition(resp.text)
    names = ("jmx_config_reload_success_total", "jmx_config_reload_failure_total", "jmx_scrape_duration_seconds",
             "jmx_scrape_error", "jmx_scrape_cached_beans")
    return {name: float(families[name].samples[0].value) for name in names}


def test_self_metrics_show_the_previous_scrape(launcher, tmp_path):
    config = write_config(tmp_path / "config.yaml", CATCH_ALL_CONFIG)
    port = free_port()
    jvm = launcher.start(DEBIAN_17, ["until-file", str(tmp_path / "stop")], f"{port}:{config}", port=port)
    jvm.wait_until_serving()

    first = self_values(port)
    assert first == {"jmx_config_reload_success_total": 0, "jmx_config_reload_failure_total": 0,
                     "jmx_scrape_duration_seconds": 0, "jmx_scrape_error": 0, "jmx_scrape_cached_beans": 0}
    second = self_values(port)
    # the first scrape (it creates the MBean server) took some milliseconds, counted in whole ones
    assert second["jmx_scrape_duration_seconds"] >= 0.001
    assert round(second["jmx_scrape_duration_seconds"] * 1000, 6).is_integer()

    write_config(config, 'rules:\n  - pattern: ".*"\n    cache: true\n')
    touch_later(config)
    assert self_values(port)["jmx_config_reload_success_total"] == 0  # this scrape reloads
    after_reload = self_values(port)
    assert after_reload["jmx_config_reload_success_total"] == 1
    assert after_reload["jmx_scrape_cached_beans"] > 0  # the cache rule matched beans

    write_config(config, "rules: [\n")
    touch_later(config, 4)
    assert self_values(port)["jmx_config_reload_failure_total"] == 0  # this scrape fails to reload
    after_failure = self_values(port)
    assert after_failure["jmx_config_reload_failure_total"] >= 1
    assert after_failure["jmx_config_reload_success_total"] == 1
    assert after_failure["jmx_scrape_error"] == 0
    lines = jvm.nativejmx_lines()
    assert len(lines) == 1 and str(config) in lines[0] and "keeping the previous config" in lines[0], lines
