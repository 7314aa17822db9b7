"""A bad config never stops the JVM (design.md "Deliberate differences"): the port is bound,
/metrics answers 503 naming the file and the reason, and the next scrape after the file is fixed
serves metrics. One `nativejmx:` line on stderr, and the application runs to completion."""

import os
import re
import shutil

import pytest

from harness import CATCH_ALL_CONFIG, DEBIAN_17, FIXTURE_MAIN_RETURNS, free_port, scrape, touch_later


def make_missing(path):
    return r"(?i)no such file|not found|does not exist|missing|cannot open|can't open"


def make_unreadable(path):
    if os.geteuid() == 0:
        # root reads a chmod-000 file anyway: a directory is unreadable as a config for everyone.
        path.mkdir()
        return r"(?i)directory|not a (regular )?file|cannot read|can't read|unreadable|read"
    path.write_text(CATCH_ALL_CONFIG)
    path.chmod(0)
    return r"(?i)permission denied|cannot read|can't read|unreadable|not readable|read"


def make_invalid_yaml(path):
    path.write_text('rules:\n  - pattern: ".*"\n    name: [unclosed\n')
    return r"(?i)yaml|parse|syntax|line \d+|flow|unexpected|end of"


def make_invalid_config(path):
    # A YAML int where the javaagent casts to Boolean (spec §2): refused at start-up upstream.
    path.write_text("lowercaseOutputName: 7\n")
    return r"lowercaseOutputName"


def fix(path):
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.chmod(0o644)
    path.write_text(CATCH_ALL_CONFIG)
    touch_later(path)  # mtime must move even on a filesystem with coarse timestamps


@pytest.mark.parametrize("make_bad", [make_missing, make_unreadable, make_invalid_yaml, make_invalid_config],
                         ids=["missing", "unreadable", "invalid_yaml", "invalid_config"])
def test_bad_config_answers_503_then_recovers(launcher, tmp_path, make_bad):
    config = tmp_path / "conf" / "config.yaml"
    config.parent.mkdir()
    reason = make_bad(config)
    port = free_port()
    stop = tmp_path / "stop"
    jvm = launcher.start(DEBIAN_17, ["until-file", str(stop)], f"{port}:{config}", port=port)
    jvm.wait_until_serving()

    bad = scrape(port)
    assert bad.status == 503, jvm.describe()
    assert str(config) in bad.text, bad.text
    assert re.search(reason, bad.text), bad.text
    problem = jvm.nativejmx_lines()
    assert len(problem) == 1, f"expected one nativejmx line for the bad config, got {problem}"
    assert str(config) in problem[0] and re.search(reason, problem[0]), problem[0]

    fix(config)
    good = scrape(port)
    assert good.status == 200, good.text + jvm.describe()
    assert "\nnativejmx_test_Values_IntValue 42.0\n" in good.text

    stop.touch()
    assert jvm.wait_exit(timeout=20) == 0, jvm.describe()
    assert FIXTURE_MAIN_RETURNS in jvm.stdout()
    # Still that one line at the end: recovering adds none (one line per case, design.md).
    lines = jvm.nativejmx_lines()
    assert lines == problem, f"recovery added nativejmx lines: {lines[1:]}"


PROTECTED = {
    "plugin": "httpServer:\n  authentication:\n    plugin:\n      class: com.example.Authenticator\n",
}


@pytest.mark.parametrize("section", list(PROTECTED))
def test_protection_this_build_cannot_give_is_refused_not_skipped(launcher, tmp_path, section):
    # Serving metrics without the TLS or plugin a config asks for would expose them:
    # /metrics answers 503 with the reason, even after a reload, and the JVM runs on.
    config = tmp_path / "config.yaml"
    config.write_text(CATCH_ALL_CONFIG + PROTECTED[section])
    port = free_port()
    stop = tmp_path / "stop"
    jvm = launcher.start(DEBIAN_17, ["until-file", str(stop)], f"{port}:{config}", port=port)
    jvm.wait_until_serving()
    refused = scrape(port)
    assert refused.status == 503, jvm.describe()
    assert "httpServer" in refused.text and str(config) in refused.text, refused.text
    assert "nativejmx_test_Values_IntValue" not in refused.text
    config.write_text(CATCH_ALL_CONFIG + PROTECTED[section] + "lowercaseOutputName: false\n")
    touch_later(config)
    assert scrape(port).status == 503, "a reload must not lift the refusal"
    lines = jvm.nativejmx_lines()
    assert len(lines) == 1 and "httpServer" in lines[0], lines
    stop.touch()
    assert jvm.wait_exit(timeout=20) == 0, jvm.describe()
